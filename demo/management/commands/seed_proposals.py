"""``manage.py seed_proposals``: a session's worth of demo suggestions, run after ``seed_demo``.

Every item goes through proposals.services (create, co-sign, submit, accept, assign,
reply, rate, re-handle, close, publish …) with the clock set to the day each step
happens (time-machine), so numbers, deadlines, on-time flags, events and notifications
are what real use would have left.

Deterministic: the plan is made in memory from one fixed seed and the roster (deputies
sorted by mobile number, units by name) before anything is written. Idempotent: an
item is known by its lead deputy and title; items that exist are skipped, so a second
run creates nothing.

The current session is the latest one of the city congress's current term that has
opened; its items are dated from the session on, and a few dozen items "between
sessions" are dated in the weeks before today, so that deadlines are still to come.
"""

import dataclasses
import datetime
import random
import time
from collections import Counter
from unittest import mock

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.models import Unit, User
from accounts.services import user_sync_roles
from deputies.models import Congress, CongressSession, Deputy, StandingCommitteeMember, Term
from notifications.models import Notification
from proposals import services, services_handling
from proposals.models import (
    Assignment,
    CoSigner,
    Extension,
    Field,
    Rating,
    Reply,
    ReplyCategory,
    ReplyCoSignature,
    Suggestion,
    TopicGuide,
    UrgingNotice,
)

SEED = 20261125
CITY_NAME = "南京市人民代表大会"
DEMO_DEPUTY_EMAIL = "deputy@example.org"
DEMO_DEPUTY2_EMAIL = "deputy2@example.org"
DEMO_UNIT_EMAIL = "unit@example.org"
STAFF_EMAIL = "staff@example.org"

# --- Text pools: invented, plausible items about city life ------------------------------------


@dataclasses.dataclass(frozen=True)
class Topic:
    field: str
    units: tuple  # (lead unit, optional joint unit)
    title: str  # with {p}: the place
    problem: tuple
    asks: tuple
    done: str
    plan: str
    limit: str
    promise: str
    places: str = "all"  # "all", "urban", "rural" or "rivers"


URBAN = (
    "玄武区",
    "秦淮区",
    "建邺区",
    "鼓楼区",
    "栖霞区",
    "雨花台区",
    "玄武区孝陵卫街道",
    "秦淮区夫子庙街道",
    "建邺区沙洲街道",
    "鼓楼区宁海路街道",
    "鼓楼区湖南路街道",
    "栖霞区仙林街道",
    "雨花台区赛虹桥街道",
    "江宁区东山街道",
    "浦口区江浦街道",
    "六合区雄州街道",
    "溧水区永阳街道",
    "高淳区淳溪街道",
)
RURAL = (
    "浦口区",
    "江宁区",
    "六合区",
    "溧水区",
    "高淳区",
    "江宁区横溪街道",
    "江宁区湖熟街道",
    "六合区竹镇镇",
    "溧水区白马镇",
    "高淳区桠溪街道",
    "浦口区永宁街道",
    "六合区龙袍街道",
)
RIVERS = (
    "秦淮河",
    "外秦淮河",
    "金川河",
    "运粮河",
    "九乡河",
    "江宁河",
    "滁河",
    "石臼湖周边水系",
    "固城湖周边水系",
    "玄武湖",
)

# fmt: off
TOPICS = (
    Topic("交通出行", ("市交通运输局",), "关于优化{p}公交线路与地铁站接驳的建议",
          ("{p}部分居民小区距最近的地铁站超过两公里，现有公交线路绕行多、班次间隔长，早晚高峰“最后一公里”出行不便。",
           "不少居民只能选择电动自行车或私家车接驳，地铁站周边非机动车乱停放、道路拥堵问题随之加剧。"),
          ("开展{p}居民出行需求调查，据此优化公交线网，增开地铁接驳微循环公交。",
           "早晚高峰加密接驳线路班次，发车间隔控制在10分钟以内。",
           "在地铁站出入口周边规划建设非机动车停放点，并加强日常管理。",
           "推动公交与地铁换乘优惠，提高公共交通吸引力。"),
          "我局会同{p}对沿线小区出行需求进行了调研，已新开通社区微循环公交线路2条，高峰发车间隔缩短至8分钟",
          "我局将结合年度公交线网优化方案进一步调整接驳线路，并同步完善站点设施",
          "经研究，相关道路宽度不足、掉头条件受限，暂不具备开设新线路的条件",
          "优化{p}地铁站接驳公交线路并加密高峰班次"),
    Topic("交通出行", ("市公安局", "市城市管理局"), "关于缓解{p}老旧小区停车难问题的建议",
          ("{p}老旧小区建成年代早，小区内停车位严重不足，夜间车辆占用消防通道、沿街乱停现象突出。",
           "周边机关单位、商业设施的停车泊位夜间大多闲置，错时共享机制尚未建立。"),
          ("挖潜老旧小区内部空间，结合改造增设停车泊位。",
           "推动周边机关事业单位、商业综合体停车场夜间向居民错时开放。",
           "在条件允许的支路设置夜间限时停车泊位。",
           "加强消防通道占用治理，保障生命通道畅通。"),
          "我局会同属地街道在{p}周边道路施划夜间限时停车泊位300余个，并推动4家单位停车场错时开放",
          "我局将会同相关部门继续挖掘停车资源，扩大错时共享停车范围",
          "经实地踏勘，相关路段为城市主干路，通行压力较大，不宜设置路内停车泊位",
          "在{p}新增错时共享停车泊位", "urban"),
    Topic("交通出行", ("市公安局", "市教育局"), "关于治理{p}中小学校周边上下学交通拥堵的建议",
          ("{p}多所中小学集中在同一路段，上下学时段接送车辆临时停靠，校门口道路拥堵严重，存在安全隐患。",),
          ("在学校周边设置临时停靠区和“即停即走”通道。",
           "上下学高峰时段增派警力和志愿者疏导交通。",
           "推行错峰放学，分散接送车流。",
           "完善学校周边交通标志标线和护栏等安全设施。"),
          "我局已在{p}相关学校周边设置即停即走通道，上下学高峰增派警力疏导，拥堵情况明显改善",
          "我局将会同教育部门推行错峰放学，并利用暑期完善学校周边交通设施",
          "学校周边道路空间有限，建设地下接送通道需结合片区更新统筹考虑",
          "完成{p}学校周边交通安全设施改造"),
    Topic("交通出行", ("市交通运输局",), "关于加密{p}夜间公交班次的建议",
          ("随着夜间经济发展，{p}晚间出行需求明显增长，但多数公交线路末班车在21时前结束，夜间出行不便。",),
          ("根据客流数据延长主要公交线路的末班车时间。",
           "开通连接地铁站、商圈和居住区的夜间公交线路。",
           "在夜间线路站点完善照明和实时到站信息。"),
          "我局已调整{p}3条公交线路，末班车时间延长至22时30分，并新开夜间线路1条",
          "我局将根据夜间客流监测情况，研究进一步优化夜间公交线网",
          "夜间客流较小，开通专线的运营成本较高，近期暂不具备条件",
          "研究开通{p}夜间公交线路"),
    Topic("交通出行", ("市城乡建设委员会", "市公安局"), "关于完善{p}非机动车道和人行道连续性的建议",
          ("{p}部分道路非机动车道被占用或断头，人行道上杆件林立、铺装破损，行人和骑行者只能借道机动车道，存在安全隐患。",),
          ("对非机动车道断点进行梳理和打通。",
           "清理人行道上的闲置杆件，修复破损铺装。",
           "在路口设置非机动车等候区和过街安全岛。"),
          "我委已会同相关部门完成{p}12处非机动车道断点整治和人行道破损修复",
          "我委已将相关道路纳入年度慢行系统整治计划",
          "相关道路红线宽度有限，拓宽需结合道路改造整体实施",
          "完成{p}慢行系统断点整治", "urban"),
    Topic("交通出行", ("市交通运输局",), "关于提升{p}农村公路养护水平的建议",
          ("{p}部分农村公路建成时间较长，路面破损、坑槽较多，路肩和排水设施缺失，雨季通行安全受影响。",),
          ("加大农村公路养护资金投入，落实“路长制”。",
           "对破损严重路段实施提档升级。",
           "完善农村公路安全防护设施和交通标志。"),
          "我局已将{p}相关路段纳入农村公路提档升级工程，路面修复已完成",
          "我局已将相关路段列入明年农村公路养护计划，分批实施",
          "相关路段改造需与沿线村庄规划衔接，目前规划尚未稳定",
          "完成{p}农村公路破损路段修复", "rural"),
    Topic("教育", ("市教育局",), "关于提升{p}中小学课后服务质量的建议",
          ("{p}中小学课后服务已实现全覆盖，但服务内容以看管和作业辅导为主，体育、艺术、科技类课程偏少。",
           "家长普遍希望课后服务更加丰富多样，教师负担也需要统筹考虑。"),
          ("引入优质社会资源，丰富课后服务课程。",
           "完善课后服务经费保障和教师激励机制。",
           "建立家长评价反馈机制，动态调整课程内容。"),
          "我局已在{p}推广“基础托管+特色课程”模式，引入体育、艺术类课程80余门",
          "我局将完善课后服务经费保障机制，进一步扩大优质课程供给",
          "课后服务收费标准调整涉及价格政策，需在全市层面统一研究",
          "在{p}中小学推广课后服务特色课程"),
    Topic("教育", ("市教育局", "市规划和自然资源局"), "关于增加{p}义务教育学位供给的建议",
          ("{p}近年来新建住宅小区集中交付，入学人数快速增长，部分学校班额超标，学位供需矛盾突出。",),
          ("科学预测学龄人口变化，提前规划建设中小学校。",
           "加快在建学校建设进度，确保按期投用。",
           "通过集团化办学扩大优质教育资源覆盖面。"),
          "我局已在{p}新建、改扩建中小学3所，新增学位约2700个",
          "我局已将{p}新建学校项目列入年度建设计划，预计秋季学期投入使用",
          "相关地块规划调整需履行法定程序，短期内难以实施",
          "{p}新建学校按期投入使用"),
    Topic("教育", ("市市场监督管理局", "市教育局"), "关于加强{p}校园食品安全监管的建议",
          ("{p}部分学校食堂和校外供餐单位的食品安全管理制度落实不到位，家长对学生餐质量反映较多。",),
          ("推进学校食堂“明厨亮灶”全覆盖。",
           "加强对校外供餐单位的监督检查和抽检。",
           "建立家长陪餐和满意度测评制度。"),
          "我局已完成{p}学校食堂“明厨亮灶”改造，并对校外供餐单位开展专项检查",
          "我局将会同教育部门建立校园食品安全常态化检查机制",
          "供餐模式调整涉及学校和家长多方意见，需进一步论证",
          "开展{p}校园食品安全专项检查"),
    Topic("社会保障", ("市民政局",), "关于推进{p}社区老年助餐点建设的建议",
          ("{p}老年人口占比已超过25%，独居、高龄老人就餐困难，现有助餐点数量少、分布不均。",),
          ("按照15分钟服务圈布局社区助餐点。",
           "对高龄、失能、低保老人给予助餐补贴。",
           "鼓励餐饮企业参与老年助餐服务，提供送餐上门。"),
          "我局已在{p}新建老年助餐点15个，实现社区全覆盖，并对重点老人给予助餐补贴",
          "我局将把{p}助餐点建设纳入年度民生实事项目推进",
          "助餐补贴标准调整需统筹全市财力，近期暂难提高",
          "在{p}新建社区老年助餐点"),
    Topic("社会保障", ("市民政局", "市卫生健康委员会"), "关于发展{p}嵌入式社区养老服务的建议",
          ("{p}多数老人希望在熟悉的社区养老，但社区养老服务设施面积小、专业护理人员不足，医养结合服务供给有限。",),
          ("利用社区闲置用房建设嵌入式养老服务站。",
           "推动社区卫生服务中心与养老机构签约合作。",
           "加强养老护理员培训，提高待遇水平。"),
          "我局已在{p}建成嵌入式社区养老服务站6个，均与社区卫生服务中心签订医养合作协议",
          "我局将继续盘活社区闲置用房，分批建设嵌入式养老服务站",
          "部分社区缺少符合消防要求的用房，需结合城市更新统筹解决",
          "在{p}新建嵌入式社区养老服务站"),
    Topic("社会保障", ("市民政局", "市住房保障和房产局"), "关于推进{p}困难老人家庭适老化改造的建议",
          ("{p}不少高龄、失能老人居住在老旧住房中，卫生间、楼道缺少扶手和防滑设施，跌倒风险较高。",),
          ("将困难老人家庭适老化改造纳入年度为民办实事项目。",
           "制定改造项目清单和补贴标准。",
           "引导社会力量参与适老化改造。"),
          "我局已为{p}350户困难老人家庭完成适老化改造",
          "我局已将{p}适老化改造纳入年度计划，将于年内完成",
          "改造补贴资金来源需进一步统筹，扩大范围暂不具备条件",
          "完成{p}困难老人家庭适老化改造"),
    Topic("医疗卫生", ("市卫生健康委员会",), "关于加强{p}社区卫生服务中心能力建设的建议",
          ("{p}社区卫生服务中心全科医生数量不足，检查设备陈旧，居民常见病也往大医院跑，看病难问题依然存在。",),
          ("通过医联体下沉专家资源，定期到社区坐诊。",
           "更新社区卫生服务中心检查检验设备。",
           "完善家庭医生签约服务激励机制。"),
          "我委已推动三级医院与{p}社区卫生服务中心组建医联体，专家每周到社区坐诊",
          "我委将把{p}社区卫生服务中心设备更新纳入明年计划",
          "全科医生编制调整需按程序报批，短期内难以大幅增加",
          "更新{p}社区卫生服务中心检查设备"),
    Topic("医疗卫生", ("市医疗保障局",), "关于方便{p}参保群众门诊费用结算的建议",
          ("{p}部分参保群众反映，门诊慢特病费用结算手续繁琐，异地就医备案流程不够便捷。",),
          ("简化门诊慢特病认定和结算流程。",
           "推广医保电子凭证和线上备案。",
           "在社区设立医保服务点，提供帮办代办服务。"),
          "我局已在{p}推广医保电子凭证结算，门诊慢特病认定实现线上办理",
          "我局将在{p}社区逐步设立医保服务点",
          "异地结算政策由国家和省统一规定，我市暂无调整权限",
          "在{p}设立社区医保服务点"),
    Topic("城乡建设", ("市住房保障和房产局", "市规划和自然资源局"), "关于加快{p}老旧小区加装电梯的建议",
          ("{p}多层老旧住宅老年住户比例高，上下楼困难，加装电梯需求迫切。",
           "但加装电梯在居民意见协调、审批流程和资金分摊等方面仍有不少困难，推进速度较慢。"),
          ("简化加装电梯审批流程，推行“一站式”服务。",
           "加大财政补贴力度，探索公积金提取用于加装电梯。",
           "发挥社区协商作用，帮助居民化解分歧。"),
          "我局已在{p}建立加装电梯联合审批机制，今年已完成加装电梯46部",
          "我局将会同相关部门进一步完善补贴政策，明年继续推进加装电梯",
          "部分楼栋居民意见分歧较大，且管线迁移成本高，暂不具备加装条件",
          "推进{p}老旧小区加装电梯", "urban"),
    Topic("城乡建设", ("市住房保障和房产局",), "关于推进{p}老旧小区综合整治的建议",
          ("{p}部分老旧小区存在屋面渗漏、管网老化、道路破损等问题，居民居住条件亟待改善。",),
          ("将符合条件的小区纳入老旧小区改造计划。",
           "改造前充分征求居民意见，实行“一小区一方案”。",
           "建立改造后的长效管理机制。"),
          "我局已将{p}8个老旧小区纳入今年改造计划，屋面和管网改造已基本完成",
          "我局已将{p}相关小区列入明年改造计划",
          "相关小区已列入城市更新片区，需结合片区整体方案实施",
          "完成{p}老旧小区综合整治", "urban"),
    Topic("城乡建设", ("市水务局",), "关于加快{p}雨污分流改造的建议",
          ("{p}部分片区雨污管网混接错接，雨天污水溢流，既污染河道，也造成道路积水。",),
          ("排查片区雨污混接点，建立问题清单。",
           "加快雨污分流改造，同步修复破损管网。",
           "加强排水设施日常巡查养护。"),
          "我局已完成{p}雨污混接点排查，整改混接点120余处",
          "我局已将{p}剩余片区雨污分流改造列入明年实施计划",
          "相关片区地下管线复杂，需与道路改造同步实施",
          "完成{p}雨污分流改造"),
    Topic("生态环境", ("市水务局", "市生态环境局"), "关于加强{p}水环境综合治理的建议",
          ("{p}部分河段水体透明度低，汛期仍有污水直排和垃圾漂浮现象，沿岸居民反映较多。",
           "河道两岸绿化和步道不连续，亲水空间不足。"),
          ("开展入河排口排查整治，杜绝污水直排。",
           "实施清淤疏浚和生态补水，提升水体质量。",
           "完善河长制巡查机制，加强日常保洁。",
           "贯通沿岸步道，建设滨水休闲空间。"),
          "我局已完成{p}入河排口排查整治和清淤疏浚，水质稳定达到地表水IV类",
          "我局已将{p}生态补水和沿岸步道贯通工程列入年度计划",
          "沿岸部分地块涉及征收，步道贯通需待征收完成后实施",
          "完成{p}清淤疏浚和沿岸步道贯通", "rivers"),
    Topic("生态环境", ("市城市管理局",), "关于提升{p}生活垃圾分类实效的建议",
          ("{p}垃圾分类设施已基本覆盖，但居民准确投放率不高，部分小区存在混装混运现象。",),
          ("加强分类宣传和现场督导。",
           "完善分类收运体系，杜绝混装混运。",
           "对分类成效好的小区给予激励。"),
          "我局已在{p}配齐分类收运车辆，实现分类运输全覆盖，居民准确投放率明显提升",
          "我局将在{p}推行定时定点投放和积分激励",
          "厨余垃圾就地处理设施选址困难，需进一步统筹",
          "在{p}推行生活垃圾定时定点分类投放"),
    Topic("生态环境", ("市生态环境局",), "关于治理{p}夜间施工噪声扰民的建议",
          ("{p}部分在建工地夜间违规施工，噪声扰民问题突出，周边居民多次投诉。",),
          ("严格夜间施工审批，公开许可信息。",
           "安装噪声在线监测设备，实时监管。",
           "加大对违规夜间施工的处罚力度。"),
          "我局已对{p}在建工地安装噪声在线监测设备，对违规夜间施工立案查处5起",
          "我局将完善夜间施工审批和公示制度",
          "部分连续作业工序确需夜间施工，只能加强管理，无法完全禁止",
          "在{p}在建工地全面安装噪声在线监测设备"),
    Topic("社会治理", ("市应急管理局", "市住房保障和房产局"), "关于解决{p}电动自行车集中充电难的建议",
          ("{p}居民电动自行车保有量大，小区集中充电设施不足，“飞线充电”和车辆进楼入户现象屡禁不止，火灾隐患突出。",),
          ("在住宅小区增建集中充电和停放场所。",
           "对充电设施建设给予补贴，合理确定收费标准。",
           "加强“飞线充电”和进楼入户治理。"),
          "我局已会同相关部门在{p}住宅小区新建集中充电桩2000余个",
          "我局将在{p}继续推进充电设施建设，年内实现住宅小区全覆盖",
          "部分老旧小区空间狭小，暂不具备建设集中充电场所的条件",
          "实现{p}住宅小区电动自行车集中充电设施全覆盖"),
    Topic("社会治理", ("市住房保障和房产局",), "关于规范{p}住宅小区物业服务的建议",
          ("{p}部分小区物业服务质量不高，收费与服务不匹配，公共收益公开不透明，业主意见较大。",),
          ("推行物业服务信息公开，定期公示公共收益。",
           "建立物业服务质量评价和退出机制。",
           "指导成立业主委员会，规范业主大会运作。"),
          "我局已在{p}开展物业服务质量专项检查，督促整改问题80余项",
          "我局将建立物业服务企业信用评价体系",
          "物业收费由市场调节，政府不宜直接干预",
          "在{p}推行物业服务和公共收益信息公开"),
    Topic("文化旅游", ("市文化和旅游局",), "关于延长{p}公共文化场馆开放时间的建议",
          ("{p}图书馆、文化馆等公共文化场馆工作日晚间和节假日开放时间有限，上班族和学生难以利用。",),
          ("延长公共文化场馆晚间开放时间。",
           "推广24小时城市书房。",
           "增加节假日公益文化活动。"),
          "我局已推动{p}公共图书馆工作日延长开放至21时，新建24小时城市书房3处",
          "我局将在{p}继续建设城市书房",
          "延长开放时间涉及人员编制和运行经费，需统筹研究",
          "在{p}新建24小时城市书房"),
    Topic("文化旅游", ("市文化和旅游局", "市商务局"), "关于发展{p}夜间文旅消费的建议",
          ("{p}文旅资源丰富，但夜间消费业态单一，配套交通和公共服务不足，游客停留时间短。",),
          ("打造特色夜间文旅消费集聚区。",
           "完善夜间公共交通和停车配套。",
           "丰富夜间演艺和文化活动。"),
          "我局已会同相关部门在{p}打造夜间文旅消费集聚区，举办夜间文化活动60余场",
          "我局将把{p}纳入明年夜间文旅消费集聚区培育名单",
          "相关区域周边为居住区，大规模夜间活动需兼顾居民休息",
          "培育{p}夜间文旅消费集聚区"),
    Topic("农业农村", ("市农业农村局",), "关于加强{p}高标准农田建设的建议",
          ("{p}部分农田灌溉设施老化，田块零散，机械化作业困难，粮食生产能力有待提升。",),
          ("加大高标准农田建设投入，提高建设标准。",
           "完善农田灌排设施，建立建后管护机制。",
           "推动土地适度规模经营。"),
          "我局已在{p}建成高标准农田1.2万亩，同步完善了灌排设施",
          "我局已将{p}剩余农田纳入明年高标准农田建设计划",
          "部分地块涉及基本农田调整，需按程序报批",
          "完成{p}高标准农田建设任务", "rural"),
    Topic("经济发展", ("市工业和信息化局", "市发展和改革委员会"), "关于支持{p}中小企业数字化转型的建议",
          ("{p}中小企业数字化转型意愿强，但普遍存在“不会转、不敢转、转不起”的问题。",),
          ("设立中小企业数字化转型专项资金。",
           "培育一批数字化转型服务商，提供“小快轻准”解决方案。",
           "开展数字化转型诊断和培训。"),
          "我局已为{p}200余家中小企业提供免费数字化转型诊断",
          "我局将会同相关部门研究设立数字化转型专项资金",
          "专项资金设立需纳入财政预算统筹安排",
          "为{p}中小企业提供数字化转型诊断服务"),
    Topic("经济发展", ("市政务服务管理办公室",), "关于优化{p}企业开办“一件事”服务的建议",
          ("{p}企业开办涉及登记、刻章、税务、社保等多个环节，部分事项仍需多次跑动。",),
          ("推行企业开办“一件事”一次办。",
           "推广电子营业执照和电子印章应用。",
           "在政务服务中心设立帮办代办窗口。"),
          "我办已在{p}实现企业开办“一件事”一次办，平均用时压缩至1个工作日",
          "我办将进一步推广电子印章在涉企事项中的应用",
          "部分事项办理依据为上级规定，需报请上级部门调整",
          "推广{p}企业开办电子印章应用"),
    Topic("社会保障", ("市人力资源和社会保障局",), "关于加强{p}灵活就业人员权益保障的建议",
          ("{p}外卖骑手、网约车司机等灵活就业人员数量增长较快，职业伤害保障和社会保险参保率偏低。",),
          ("推进新就业形态人员职业伤害保障。",
           "简化灵活就业人员参保手续。",
           "建设户外劳动者服务站点。"),
          "我局已在{p}建成户外劳动者服务站点30个，并简化了灵活就业人员参保手续",
          "我局将积极争取职业伤害保障试点政策",
          "职业伤害保障制度由国家统一部署，我市需待试点扩围后实施",
          "在{p}新建户外劳动者服务站点"),
    Topic("城乡建设", ("市绿化园林局",), "关于增加{p}口袋公园和健身步道的建议",
          ("{p}建成区人口密集，居民身边可休闲健身的绿地空间不足，现有公园服务半径覆盖不够。",),
          ("利用边角地、闲置地建设口袋公园。",
           "串联绿地建设健身步道。",
           "完善公园照明、座椅和公厕等设施。"),
          "我局已在{p}建成口袋公园8个、健身步道5公里",
          "我局已将{p}口袋公园建设纳入明年计划",
          "可利用地块较少且权属复杂，需逐一协调",
          "在{p}新建口袋公园和健身步道"),
    Topic("法治建设", ("市司法局",), "关于加强{p}社区公共法律服务的建议",
          ("{p}居民在婚姻家庭、劳动争议、物业纠纷等方面法律需求较多，但社区法律服务力量薄弱。",),
          ("推动律师进社区，定期开展法律咨询。",
           "完善基层人民调解组织。",
           "加强法治宣传教育。"),
          "我局已为{p}每个社区配备法律顾问，每月开展法律咨询活动",
          "我局将在{p}建设公共法律服务工作站",
          "法律顾问经费由各区承担，全市统一提高标准需进一步研究",
          "在{p}建设公共法律服务工作站"),
)
# fmt: on

SIGNERS = (
    "王建国",
    "陈立新",
    "张卫东",
    "刘晓明",
    "李国平",
    "赵志强",
    "周红梅",
    "吴海燕",
    "孙建华",
    "朱文斌",
    "胡永明",
    "徐丽娟",
)
RETURN_REASONS = (
    "建议内容属于个人诉求，建议通过信访渠道反映。",
    "建议内容过于笼统，缺少具体问题和可行措施，请补充调研情况后重新提交。",
    "同一事项已有相同建议在办理，请与领衔代表沟通后合并提出。",
)
UNSATISFIED_COMMENTS = (
    "答复内容较为原则，未提出具体解决时限，希望进一步沟通并明确整改措施。",
    "答复前未与代表当面沟通，所述措施与实际情况不符，请重新办理。",
    "群众反映的问题仍未解决，希望承办单位实地调研后再作答复。",
)
SATISFIED_COMMENTS = ("", "", "办理认真，沟通充分。", "问题已基本解决，群众反映良好。", "希望持续跟踪，巩固成效。")
GOVERNMENT_LEADERS = ("副市长 陈某某", "副市长 王某某", "副市长 刘某某")
COMMITTEES = (
    "城乡建设环境保护委员会",
    "教育科学文化卫生委员会",
    "社会建设委员会",
    "财政经济委员会",
    "农业与农村委员会",
)

# A minimal, valid PDF: the upload check reads the content, not the name.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def topic_places(topic: Topic) -> tuple:
    return {"urban": URBAN, "rural": RURAL, "rivers": RIVERS}.get(topic.places, URBAN + RURAL[:5])


def title_for(topic: Topic, place: str) -> str:
    return topic.title.format(p=place)


def body_for(topic: Topic, place: str, rng: random.Random) -> str:
    problem = "".join(s.format(p=place) for s in topic.problem)
    asks = rng.sample(topic.asks, k=min(3, len(topic.asks)))
    items = "\n".join(f"{i}. {a.format(p=place)}" for i, a in enumerate(asks, 1))
    return f"{problem}\n\n为此，建议：\n\n{items}"


def reply_text_for(
    topic: Topic, place: str, code: str, *, deputy: str, title: str, due: datetime.date | None = None
) -> str:
    if code == "A":
        middle = f"{topic.done.format(p=place)}。目前该问题已基本解决，我们将持续跟踪，巩固工作成效。"
    elif code == "B":
        when = f"，预计于{due.year}年{due.month}月底前完成" if due else ""
        middle = f"{topic.done.format(p=place)}。下一步，{topic.plan.format(p=place)}{when}。"
    else:
        middle = f"{topic.limit.format(p=place)}。我们将把您的建议作为今后工作的重要参考，待条件成熟时统筹推进。"
    return (
        f"{deputy}代表：\n\n您提出的《{title}》收悉。经认真研究，并与您电话沟通，现答复如下：\n\n{middle}\n\n"
        "感谢您对我们工作的关心和支持，欢迎继续提出宝贵意见。"
    )


# --- The plan ----------------------------------------------------------------------------------

# Target states of the session's items, with how many of each (about 260).
SESSION_MIX = (
    ("closed_published", 90),
    ("closed", 22),
    ("rated_published", 18),
    ("rated", 14),
    ("replied", 20),
    ("rehandling", 10),
    ("rehandled_closed", 8),
    ("assigned_overdue", 12),
    ("reassigned", 4),
    ("accepted", 3),
    ("returned", 8),
    ("merged", 6),
    ("motion_converted", 4),
    ("paper_replied", 16),
    ("paper_closed", 24),
)
# Items between sessions, dated in the weeks before today (about 45).
BETWEEN_MIX = (
    ("draft", 8),
    ("submitted", 6),
    ("returned", 3),
    ("accepted", 4),
    ("assigned_open", 12),
    ("reassign_requested", 2),
    ("replied", 5),
    ("closed_published", 5),
)
# What the demo deputy leads: one item in each of these states.
DEMO_DEPUTY_ITEMS = (
    ("between", "draft"),
    ("between", "submitted"),
    ("between", "returned"),
    ("between", "assigned_open"),
    ("session", "replied"),
    ("session", "rehandling"),
    ("session", "closed_published"),
)
# States that need the lead deputy's own account (they rate, or draft themselves).
PAPER_TARGETS = {"paper_replied", "paper_closed"}


@dataclasses.dataclass
class ItemPlan:
    index: int
    target: str
    between: bool
    topic: Topic
    place: str
    title: str
    body: str
    lead: Deputy
    paper: bool  # entered by staff for a deputy without an account
    units: list  # [(Unit, role)]
    cosigners: list  # [(Deputy, confirm)]
    kind: str = Suggestion.Kind.SUGGESTION
    broad: bool = False
    pre_assignment: bool = False
    publish: bool = False
    key_supervision: bool = False
    attachment: bool = False
    late: bool = False
    categories: list = dataclasses.field(default_factory=list)  # reply category code per unit
    ratings: list = dataclasses.field(default_factory=list)  # rating value per unit
    merge_into: int | None = None  # index of another item
    new_unit: Unit | None = None  # re-assignment target
    steps: list = dataclasses.field(default_factory=list)  # [(datetime, name, kwargs)]


class Roster:
    """What the plan draws from, read once and ordered by stable keys."""

    def __init__(self, today: datetime.date | None = None):
        self.city = Congress.objects.filter(name=CITY_NAME).first()
        if self.city is None:
            raise CommandError(f"{CITY_NAME} is missing: run `manage.py seed_demo` first.")
        self.term = Term.objects.filter(congress=self.city, is_current=True).first()
        today = today or timezone.localdate()
        self.session = (
            CongressSession.objects.filter(term=self.term, start_date__lte=today).order_by("-start_date").first()
            if self.term
            else None
        )
        if self.session is None:
            raise CommandError("The city congress has no session that has opened yet: run `manage.py seed_demo` first.")
        self.staff = (
            User.objects.filter(email=STAFF_EMAIL).first()
            or User.objects.filter(
                is_staff=True, is_active=True, congress=self.city, groups__name=roles.GROUP_NAMES[roles.STAFF]
            )
            .order_by("pk")
            .first()
        )
        if self.staff is None or not services.is_office_staff(self.staff, self.city.pk):
            raise CommandError(
                "No staff account of the city congress (staff@example.org): run `manage.py seed_demo` first."
            )
        deputies = list(
            Deputy.objects.filter(term=self.term, status=Deputy.Status.SERVING)
            .select_related("user", "electoral_unit")
            .order_by("mobile", "pk")
        )
        self.with_account = [d for d in deputies if d.user_id and d.user.is_active]
        self.paper = [d for d in deputies if not d.user_id]
        demo_user = User.objects.filter(email=DEMO_DEPUTY_EMAIL).first()
        self.demo_deputy = next((d for d in self.with_account if demo_user and d.user_id == demo_user.pk), None)
        demo2_user = User.objects.filter(email=DEMO_DEPUTY2_EMAIL).first()
        self.demo_deputy2 = next((d for d in self.with_account if demo2_user and d.user_id == demo2_user.pk), None)
        if len(self.with_account) < 12 or not self.paper:
            raise CommandError("Too few deputies with accounts: run `manage.py seed_demo` first.")
        self.units = {u.name: u for u in Unit.objects.filter(congress=self.city, is_active=True).order_by("name")}
        unit_user = User.objects.filter(email=DEMO_UNIT_EMAIL).select_related("unit").first()
        self.demo_unit = unit_user.unit if unit_user and unit_user.unit_id else self.units.get("市交通运输局")
        missing = {name for topic in TOPICS for name in topic.units} - set(self.units)
        if missing:
            raise CommandError(
                f"Handling units missing ({', '.join(sorted(missing))}): run `manage.py seed_demo` first."
            )
        self.sc_leaders = list(
            StandingCommitteeMember.objects.filter(
                term=self.term,
                position__in=[
                    StandingCommitteeMember.Position.DIRECTOR,
                    StandingCommitteeMember.Position.DEPUTY_DIRECTOR,
                ],
                end_date__isnull=True,
            )
            .select_related("deputy")
            .order_by("position", "pk")
        )
        self.fields = {f.name: f for f in Field.objects.all()}
        self.categories = {c.code: c for c in ReplyCategory.objects.all()}
        if not {"A", "B", "C"} <= set(self.categories):
            raise CommandError("Reply categories A, B and C are missing (migration proposals 0002).")


def _weighted_targets(mix, rng) -> list[str]:
    targets = [name for name, n in mix for _ in range(n)]
    rng.shuffle(targets)
    return targets


def build_plan(roster: Roster, *, now: datetime.datetime, seed: int = SEED) -> list[ItemPlan]:
    """Every item with its steps and their times. Pure: reads nothing from the database."""
    rng = random.Random(seed)
    combos = [(t, p) for t in TOPICS for p in topic_places(t)]
    rng.shuffle(combos)
    session_targets = _weighted_targets(SESSION_MIX, rng)
    between_targets = _weighted_targets(BETWEEN_MIX, rng)
    # The demo deputy's items replace one of each target, so the totals stay as listed.
    for where, target in DEMO_DEPUTY_ITEMS:
        pool = between_targets if where == "between" else session_targets
        pool.remove(target)
    slots = [("session", t, False) for t in session_targets] + [("between", t, False) for t in between_targets]
    if roster.demo_deputy:
        slots = [(w, t, True) for w, t in DEMO_DEPUTY_ITEMS] + slots
    else:
        slots = [(w, t, False) for w, t in DEMO_DEPUTY_ITEMS] + slots
    # A few topics led by the demo unit are kept for its open items (unit@example.org has work to do).
    reserved = [c for c in combos if roster.demo_unit and c[0].units[0] == roster.demo_unit.name][:10]
    others = [c for c in combos if c not in reserved]
    plans: list[ItemPlan] = []
    account_leads = [d for d in roster.with_account if d is not roster.demo_deputy]
    demo_unit_open = 0
    for index, (where, target, demo) in enumerate(slots):
        # Open items of the demo unit first, so that unit@example.org has work to do.
        wants_demo_unit = (
            roster.demo_unit is not None and target in {"assigned_open", "reassign_requested"} and demo_unit_open < 7
        )
        pool = reserved if (wants_demo_unit or (demo and target == "assigned_open")) and reserved else others
        topic, place = pool.pop(0)
        if wants_demo_unit:
            demo_unit_open += 1
        paper = target in PAPER_TARGETS
        lead = roster.demo_deputy if demo else rng.choice(roster.paper if paper else account_leads)
        item = ItemPlan(
            index=index,
            target=target.removeprefix("paper_"),
            between=where == "between",
            topic=topic,
            place=place,
            title=title_for(topic, place),
            body=body_for(topic, place, rng),
            lead=lead,
            paper=paper,
            units=[],
            cosigners=[],
        )
        item.units = [(roster.units[topic.units[0]], Assignment.Role.LEAD)]
        if len(topic.units) > 1 and rng.random() < 0.6:
            item.units.append((roster.units[topic.units[1]], Assignment.Role.JOINT))
        elif rng.random() < 0.1:
            extra = rng.choice([u for name, u in roster.units.items() if name not in topic.units])
            item.units.append((extra, Assignment.Role.ASSISTING))
        if not paper:
            others_pool = [d for d in roster.with_account if d.pk != lead.pk]
            if target == "motion_converted":
                item.kind = Suggestion.Kind.MOTION
                item.cosigners = [
                    (d, True)
                    for d in rng.sample(others_pool, k=min(len(others_pool), roster.city.motion_min_cosigners - 1))
                ]
            elif rng.random() < 0.45:
                item.cosigners = [(d, rng.random() < 0.85) for d in rng.sample(others_pool, k=rng.randint(1, 3))]
        item.broad = rng.random() < 0.08
        item.pre_assignment = not item.between and rng.random() < 0.15
        item.late = rng.random() < 0.12
        item.attachment = not paper and rng.random() < 0.06
        item.categories = [rng.choices("ABC", weights=(50, 35, 15))[0] for _ in item.units]
        item.ratings = [
            rng.choices([Rating.Value.SATISFIED, Rating.Value.BASICALLY], weights=(65, 35))[0] for _ in item.units
        ]
        item.publish = target.endswith("_published") or (
            target in {"paper_closed", "rehandled_closed"} and rng.random() < 0.6
        )
        item.key_supervision = (
            not item.between and target in {"closed_published", "rated_published", "rehandling"} and rng.random() < 0.06
        )
        if target == "reassigned":
            item.new_unit = rng.choice([u for name, u in roster.units.items() if name not in topic.units])
        plans.append(item)
    # The second deputy invites the demo deputy to co-sign a draft (an invitation waiting).
    if roster.demo_deputy and roster.demo_deputy2:
        for item in plans:
            if item.target == "draft" and item.lead.pk != roster.demo_deputy.pk and not item.paper:
                item.lead = roster.demo_deputy2
                item.cosigners = [(roster.demo_deputy, None)]
                break
    # Merged items: each merges into an earlier session item that gets accepted.
    targets = [p for p in plans if not p.between and p.target in {"closed", "rated", "replied", "closed_published"}]
    for item in plans:
        if item.target == "merged":
            into = rng.choice(targets)
            item.merge_into = into.index
            # A near-duplicate of the other item, as a second deputy would write it.
            item.topic, item.place, item.units = into.topic, into.place, list(into.units)
            item.title = into.title.replace("关于", "关于进一步", 1)
            item.body = body_for(item.topic, item.place, rng)
    _dedupe_titles(plans)
    for item in plans:
        item.steps = _schedule(item, roster, now=now, rng=rng)
    return plans


def _dedupe_titles(plans) -> None:
    seen = Counter()
    for item in plans:
        seen[(item.lead.pk, item.title)] += 1
        if seen[(item.lead.pk, item.title)] > 1:
            item.title = f"{item.title.removesuffix('的建议')}（补充）的建议"


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _schedule(item: ItemPlan, roster: Roster, *, now: datetime.datetime, rng: random.Random) -> list:
    """The item's steps with their times: in order, never after ``now``."""
    session = roster.session
    today = timezone.localtime(now).date()
    target = item.target
    steps: list = []

    def step(day, name, **kwargs):
        steps.append([_at(day, rng.randint(9, 16), rng.randint(0, 59)), name, kwargs])

    if item.between and target == "reassign_requested":
        # Assigned a few days ago: the unit's request falls inside its re-assignment window.
        created, submitted = today - datetime.timedelta(days=12), today - datetime.timedelta(days=11)
        accepted, assigned = today - datetime.timedelta(days=8), today - datetime.timedelta(days=6)
    elif item.between:
        # Dated back from today so that open deadlines are still to come.
        back = {
            "draft": rng.randint(1, 20),
            "submitted": rng.randint(5, 30),
            "returned": rng.randint(15, 50),
            "accepted": rng.randint(10, 30),
            "assigned_open": rng.randint(8, 80),
            "replied": rng.randint(60, 110),
            "closed_published": rng.randint(150, 220),
        }[target]
        created = today - datetime.timedelta(days=back)
        submitted = created + datetime.timedelta(days=rng.randint(0, 2))
        accepted = submitted + datetime.timedelta(days=rng.randint(2, 6))
        assigned = accepted + datetime.timedelta(days=rng.randint(1, 4))
    else:
        created = session.start_date - datetime.timedelta(days=rng.randint(0, 20))
        submitted = session.start_date + datetime.timedelta(
            days=rng.randint(0, (session.end_date - session.start_date).days)
        )
        accepted = session.end_date + datetime.timedelta(days=rng.randint(5, 25))
        assigned = session.end_date if item.pre_assignment else accepted + datetime.timedelta(days=rng.randint(3, 12))

    step(created, "create")
    if item.attachment:
        step(created, "attach")
    if item.cosigners:
        step(created, "invite")
        step(created + datetime.timedelta(days=1), "respond")
    if target == "draft":
        return _clamp(steps, now)
    step(submitted, "submit")
    if target == "submitted":
        return _clamp(steps, now)
    if target == "returned":
        step(submitted + datetime.timedelta(days=rng.randint(3, 10)), "return", reason=rng.choice(RETURN_REASONS))
        return _clamp(steps, now)
    if target == "merged":
        step(max(accepted, submitted + datetime.timedelta(days=1)), "merge")
        return _clamp(steps, now)
    if item.kind == Suggestion.Kind.MOTION:
        step(accepted - datetime.timedelta(days=2), "convert")
    step(accepted, "accept")
    if target == "accepted":
        return _clamp(steps, now)
    step(assigned, "assign")
    step(assigned + datetime.timedelta(days=1), "receive")
    if item.key_supervision:
        step(assigned + datetime.timedelta(days=rng.randint(10, 30)), "key_supervision")
        step(assigned + datetime.timedelta(days=rng.randint(40, 70)), "key_progress")
    if target == "reassign_requested":
        step(assigned + datetime.timedelta(days=3), "reassign_request")
        return _clamp(steps, now)
    if target == "reassigned":
        step(assigned + datetime.timedelta(days=3), "reassign_request")
        step(assigned + datetime.timedelta(days=5), "reassign_grant")
        # The new unit's three months start on the day the request is granted.
        return _clamp(steps, now)
    if target in {"assigned_open", "assigned_overdue"}:
        if rng.random() < 0.6:
            step(assigned + datetime.timedelta(days=rng.randint(5, 20)), "contact", unit=0)
        return _clamp(steps, now)
    # Every unit replies; the lead last, within or after the deadline.
    if item.between and target == "replied":
        reply_day = today - datetime.timedelta(days=rng.randint(1, 20))
    else:
        reply_day = assigned + datetime.timedelta(days=rng.randint(95, 130) if item.late else rng.randint(25, 85))
    for i in range(len(item.units)):
        step(reply_day - datetime.timedelta(days=rng.randint(5, 15)), "contact", unit=i)
    for i in reversed(range(len(item.units))):
        step(reply_day - datetime.timedelta(days=i), "reply", unit=i, round=1)
    if target == "replied":
        return _clamp(steps, now)
    rated_day = reply_day + datetime.timedelta(days=rng.randint(2, 25))
    if item.paper:
        # A deputy without an account cannot rate (no one rates for them): staff close it.
        step(rated_day + datetime.timedelta(days=20), "close")
        return _clamp(steps, now)
    if target in {"rehandling", "rehandled_closed"}:
        step(rated_day, "rate", unit=0, value=Rating.Value.UNSATISFIED, comment=rng.choice(UNSATISFIED_COMMENTS))
        for i in range(1, len(item.units)):
            if item.units[i][1] not in (Assignment.Role.ASSISTING, Assignment.Role.JOINT):
                step(rated_day, "rate", unit=i, value=item.ratings[i], comment=rng.choice(SATISFIED_COMMENTS))
        if target == "rehandling":
            return _clamp(steps, now)
        second = rated_day + datetime.timedelta(days=rng.randint(12, 28))
        step(second - datetime.timedelta(days=5), "contact", unit=0, stage="during")
        step(second, "reply", unit=0, round=2)
        step(
            second + datetime.timedelta(days=rng.randint(2, 10)),
            "rate",
            unit=0,
            value=item.ratings[0],
            comment=rng.choice(SATISFIED_COMMENTS),
        )
        step(second + datetime.timedelta(days=rng.randint(12, 30)), "close")
        return _clamp(steps, now)
    for i in range(len(item.units)):
        if item.units[i][1] not in (Assignment.Role.ASSISTING, Assignment.Role.JOINT):
            step(rated_day, "rate", unit=i, value=item.ratings[i], comment=rng.choice(SATISFIED_COMMENTS))
    if any(code == "B" for code in item.categories):
        step(rated_day + datetime.timedelta(days=rng.randint(20, 60)), "progress", fulfil=rng.random() < 0.5)
    if target.startswith("rated"):
        if item.publish:
            step(rated_day + datetime.timedelta(days=rng.randint(3, 15)), "publish")
        return _clamp(steps, now)
    step(rated_day + datetime.timedelta(days=rng.randint(5, 40)), "close")
    return _clamp(steps, now)


def _clamp(steps, now) -> list:
    """Keep the steps in order and before ``now`` (an early-in-the-year clock compresses them)."""
    limit = now - datetime.timedelta(hours=1)
    previous = None
    out = []
    for when, name, kwargs in steps:
        when = min(when, limit)
        if previous is not None and when <= previous:
            when = min(previous + datetime.timedelta(minutes=1), limit) if previous < limit else previous
        out.append((when, name, kwargs))
        previous = when
    return out


# --- Running the plan through the services ---------------------------------------------------


class Runner:
    def __init__(self, roster: Roster, plans: list[ItemPlan], out=None):
        self.roster = roster
        self.plans = plans
        self.out = out
        self.state: dict[int, dict] = {}
        self.created = Counter()
        self.officers: dict[int, User] = {}

    def ensure_officers(self) -> None:
        """One officer per unit the plan uses (replies are the unit's own act, so each unit needs one)."""
        needed = {u.pk: u for p in self.plans for u, _role in p.units} | {
            p.new_unit.pk: p.new_unit for p in self.plans if p.new_unit
        }
        for pk, unit in sorted(needed.items(), key=lambda kv: kv[1].name):
            officer = unit.officers.filter(is_active=True).order_by("pk").first()
            if officer is None:
                email = f"unit.officer{pk:03d}@example.org"
                officer = User.objects.filter(email=email).first()
                if officer is None:
                    officer = User(
                        email=email, full_name=unit.public_contact or f"{unit.short_name or unit.name}联系人", unit=unit
                    )
                    officer.set_unusable_password()
                    officer.save()
                    user_sync_roles(user=officer)
                    self.created["unit officer account"] += 1
            self.officers[pk] = officer

    def run(self) -> None:
        existing = set(Suggestion.objects.filter(congress=self.roster.city).values_list("lead_deputy_id", "title"))
        todo = [p for p in self.plans if (p.lead.pk, p.title) not in existing]
        if not todo:
            return
        self.ensure_officers()
        queue = sorted(
            ((when, p.index, n, name, kwargs) for p in todo for n, (when, name, kwargs) in enumerate(p.steps)),
            key=lambda row: row[:3],
        )
        import time_machine

        by_index = {p.index: p for p in self.plans}
        for when, index, _n, name, kwargs in queue:
            with time_machine.travel(when, tick=False):
                getattr(self, f"do_{name}")(by_index[index], self.state.setdefault(index, {}), **kwargs)
        self.created["suggestion"] += len(todo)

    # Actors
    def deputy_actor(self, item):
        return self.roster.staff if item.paper else item.lead.user

    def officer(self, unit) -> User:
        return self.officers[unit.pk]

    def assignment(self, item, st, i) -> Assignment:
        return st["assignments"][i]

    # Steps
    def do_create(self, item, st):
        st["s"] = services.suggestion_create(
            actor=self.deputy_actor(item),
            lead_deputy=item.lead,
            title=item.title,
            body=item.body,
            kind=item.kind,
            field=self.roster.fields.get(item.topic.field),
            session=None if item.between else self.roster.session,
            on_behalf=item.paper,
        )

    def do_attach(self, item, st):
        upload = SimpleUploadedFile("调研报告.pdf", PDF_BYTES, content_type="application/pdf")
        services.attachment_add(actor=item.lead.user, suggestion=st["s"], upload=upload)

    def do_invite(self, item, st):
        services.cosigner_invite(
            actor=self.deputy_actor(item), suggestion=st["s"], deputies=[d for d, _c in item.cosigners]
        )

    def do_respond(self, item, st):
        for deputy, confirm in item.cosigners:
            if confirm is None:
                continue  # left waiting for an answer
            cosigner = CoSigner.objects.select_related("deputy", "suggestion").get(suggestion=st["s"], deputy=deputy)
            services.cosigner_respond(actor=deputy.user, cosigner=cosigner, confirm=confirm)

    def do_submit(self, item, st):
        services.suggestion_submit(actor=self.deputy_actor(item), suggestion=st["s"])

    def do_return(self, item, st, reason):
        services.suggestion_return(actor=self.roster.staff, suggestion=st["s"], reason=reason)

    def do_merge(self, item, st):
        target = self.state.get(item.merge_into, {}).get("s")
        if target is None:
            into = next(p for p in self.plans if p.index == item.merge_into)
            target = Suggestion.objects.get(lead_deputy=into.lead, title=into.title)
        services.suggestion_merge(actor=self.roster.staff, suggestion=st["s"], into=target, note="内容相近，并案办理。")

    def do_convert(self, item, st):
        services.suggestion_convert_to_suggestion(
            actor=self.roster.staff, suggestion=st["s"], note="经大会主席团决定，不列入会议议程，作为建议处理。"
        )

    def do_accept(self, item, st):
        services.suggestion_accept(actor=self.roster.staff, suggestion=st["s"], broad=item.broad)

    def do_assign(self, item, st):
        st["assignments"] = services.suggestion_assign(
            actor=self.roster.staff,
            suggestion=st["s"],
            units_roles=item.units,
            assigned_on=timezone.localdate(),
            pre_assignment=item.pre_assignment,
        )

    def do_receive(self, item, st):
        for assignment in st["assignments"]:
            services.assignment_receive(actor=self.officer(assignment.unit), assignment=assignment)

    def do_key_supervision(self, item, st):
        leader = self.roster.sc_leaders[item.index % len(self.roster.sc_leaders)] if self.roster.sc_leaders else None
        if leader is None:
            return
        st["ks"] = services.key_supervision_select(
            actor=self.roster.staff,
            suggestion=st["s"],
            sc_leader=leader,
            government_leader=GOVERNMENT_LEADERS[item.index % len(GOVERNMENT_LEADERS)],
            committee=COMMITTEES[item.index % len(COMMITTEES)],
            selected_on=timezone.localdate(),
        )

    def do_key_progress(self, item, st):
        if "ks" in st:
            services.key_supervision_progress_add(
                actor=self.roster.staff,
                supervision=st["ks"],
                note="督办组赴现场调研，听取承办单位办理情况汇报，与领衔代表座谈交流。",
            )

    def do_reassign_request(self, item, st):
        assignment = self.assignment(item, st, 0)
        services.assignment_request_reassign(
            actor=self.officer(assignment.unit),
            assignment=assignment,
            reason="该事项不属于我单位职责范围，建议交由相关主管部门办理。",
            today=timezone.localdate(),
        )

    def do_reassign_grant(self, item, st):
        assignment = Assignment.objects.select_related("suggestion", "unit").get(pk=self.assignment(item, st, 0).pk)
        new = services.assignment_decide_reassign(
            actor=self.roster.staff,
            assignment=assignment,
            grant=True,
            new_unit=item.new_unit,
            note="经核实，同意调整承办单位。",
        )
        st["assignments"][0] = new

    def do_contact(self, item, st, unit, stage="before"):
        assignment = self.assignment(item, st, unit)
        services.contact_log_add(
            actor=self.officer(assignment.unit),
            assignment=assignment,
            stage=stage,
            method=["phone", "visit", "meeting", "site"][item.index % 4],
            contacted_on=timezone.localdate(),
            note=f"与{item.lead.name}代表沟通办理思路，听取意见建议。",
        )

    def do_reply(self, item, st, unit, round):
        assignment = Assignment.objects.select_related("suggestion", "unit").get(pk=self.assignment(item, st, unit).pk)
        if assignment.role == Assignment.Role.ASSISTING:
            # An assisting unit sends its written view to the lead unit; it never replies to the deputy.
            services_handling.assisting_view_send(
                actor=self.officer(assignment.unit),
                assignment=assignment,
                text=f"关于{item.title}，{assignment.unit.name}的意见：{item.topic.promise.format(p=item.place)}，"
                "本单位将在职责范围内配合推进，并提供相关数据和政策依据。",
            )
            return
        if assignment.role == Assignment.Role.JOINT:
            # A joint unit co-signs the lead unit's reply (below, when the lead unit replies).
            return
        code = item.categories[unit] if round == 1 else ("A" if item.categories[unit] == "C" else item.categories[unit])
        today = timezone.localdate()
        due = today + datetime.timedelta(days=120 + 30 * (item.index % 5))
        commitments = (
            [(item.topic.promise.format(p=item.place), due)] if self.roster.categories[code].creates_commitment else []
        )

        def submit():
            return services.reply_submit(
                actor=self.officer(assignment.unit),
                assignment=assignment,
                category=self.roster.categories[code],
                text=reply_text_for(
                    item.topic,
                    item.place,
                    code,
                    deputy=item.lead.name,
                    title=item.title,
                    due=due if commitments else None,
                ),
                signer=SIGNERS[(item.index + unit) % len(SIGNERS)],
                replied_on=today,
                commitments=commitments,
                letter=SimpleUploadedFile(f"答复函-{item.index}.pdf", LETTER_PDF, content_type="application/pdf"),
                confirmed=True,
            )

        reply = submit()
        if reply.status != Reply.Status.COSIGNING:
            return
        cosignatures = list(ReplyCoSignature.objects.filter(reply=reply).select_related("assignment__unit"))
        if item.target == "replied" and item.index % 2 == 0:
            # Some replies still wait for their joint units' co-signature.
            self.created["replies waiting for co-signature"] += 1
            return
        if item.index % 5 == 1:
            # A joint unit returns the first version with its opinion; the lead unit revises it.
            first = cosignatures[0]
            services.reply_return(
                actor=self.officer(first.assignment.unit),
                cosignature=first,
                opinion="答复中涉及本单位职责的表述不够准确，请补充资金来源和完成时限后再送会签。",
            )
            reply = submit()
            self.created["replies returned and revised"] += 1
        for cosignature in ReplyCoSignature.objects.filter(reply=reply).select_related("assignment__unit"):
            services.reply_cosign(actor=self.officer(cosignature.assignment.unit), cosignature=cosignature)

    def do_rate(self, item, st, unit, value, comment=""):
        assignment = Assignment.objects.select_related("suggestion", "unit").get(pk=self.assignment(item, st, unit).pk)
        reply = assignment.replies.order_by("-round").first()
        services.reply_rate(actor=item.lead.user, reply=reply, value=value, comment=comment)

    def do_progress(self, item, st, fulfil):
        for assignment in st["assignments"]:
            for reply in assignment.replies.all():
                for commitment in reply.commitments.select_related("reply__assignment__suggestion__lead_deputy"):
                    services.commitment_progress_add(
                        actor=self.officer(assignment.unit),
                        commitment=commitment,
                        note="已完成方案设计和资金安排，正在组织实施。"
                        if not fulfil
                        else "承诺事项已全部完成，并向代表作了反馈。",
                        fulfilled=fulfil,
                        reported_on=timezone.localdate(),
                    )

    def do_close(self, item, st):
        services.suggestion_close(actor=self.roster.staff, suggestion=st["s"], publish=item.publish, note="办理完毕。")

    def do_publish(self, item, st):
        services.suggestion_set_published(actor=self.roster.staff, suggestion=st["s"], published=True)


# A minimal, valid PDF standing in for the scanned, stamped reply letter.
LETTER_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

GUIDE_BODY = """为提高代表建议质量，现就本次会议代表建议选题提出以下指引，供代表参考。

一、推动高质量发展

- 培育新质生产力，推进产业转型升级
- 优化营商环境，支持民营经济和中小企业发展

二、保障和改善民生

- 养老服务、托育服务和“一老一小”设施建设
- 老旧小区改造、停车难和加装电梯
- 教育资源均衡布局，基层医疗服务能力

三、城市治理和生态环境

- 交通拥堵治理、公交线路优化
- 河道水环境治理、垃圾分类

提出建议时，请深入调查研究，做到“一事一议”，内容具体、措施可行。"""


def seed_handling(roster: Roster, *, out=None) -> Counter:
    """The topic guide, and the handling beside the replies: an extension granted and one
    waiting, an urging notice to a late unit. Idempotent; run at the present time."""
    created: Counter = Counter()
    if not TopicGuide.objects.filter(congress=roster.city).exists():
        TopicGuide.objects.create(
            congress=roster.city,
            session=roster.session,
            title=f"{roster.session.name}代表建议选题指引" if roster.session else "代表建议选题指引",
            body=GUIDE_BODY,
            published=True,
            published_on=timezone.localdate() - datetime.timedelta(days=30),
        )
        created["topic guide"] += 1
    today = timezone.localdate()
    open_leads = (
        Assignment.objects.filter(
            suggestion__congress=roster.city,
            role=Assignment.Role.LEAD,
            status=Assignment.Status.ASSIGNED,
            suggestion__status=Suggestion.Status.ASSIGNED,
            deadline__gte=today,
        )
        .select_related("suggestion", "unit")
        .order_by("-unit__name", "deadline", "pk")
    )
    if roster.demo_unit is not None:
        # The demo unit's officer sees both on their own pages.
        open_leads = sorted(open_leads, key=lambda a: (a.unit_id != roster.demo_unit.pk, a.deadline, a.pk))
    else:
        open_leads = list(open_leads)
    officers = {}

    def officer_of(unit):
        if unit.pk not in officers:
            officers[unit.pk] = unit.officers.filter(is_active=True).order_by("pk").first()
        return officers[unit.pk]

    if not Extension.objects.filter(assignment__suggestion__congress=roster.city).exists() and len(open_leads) >= 2:
        granted, waiting = open_leads[0], open_leads[1]
        if officer_of(granted.unit) and officer_of(waiting.unit):
            extension = services_handling.extension_request(
                actor=officer_of(granted.unit),
                assignment=granted,
                reason="涉及规划调整和多部门协调，需完成现场勘察和方案论证后再答复。",
                until=granted.deadline + datetime.timedelta(days=45),
            )
            services_handling.extension_decide(
                actor=roster.staff, extension=extension, grant=True, note="同意延期，请按新期限答复代表。"
            )
            services_handling.extension_request(
                actor=officer_of(waiting.unit),
                assignment=waiting,
                reason="需等待年度财政预算安排后才能明确答复意见。",
                until=waiting.deadline + datetime.timedelta(days=30),
            )
            created["extension"] += 2
    if not UrgingNotice.objects.filter(assignment__suggestion__congress=roster.city).exists():
        late = (
            Assignment.objects.filter(
                suggestion__congress=roster.city,
                status__in=[Assignment.Status.ASSIGNED, Assignment.Status.REHANDLING],
                suggestion__status__in=[Suggestion.Status.ASSIGNED, Suggestion.Status.REHANDLING],
                deadline__lt=today,
            )
            .exclude(role=Assignment.Role.ASSISTING)
            .select_related("suggestion", "unit")
            .order_by("deadline", "pk")
            .first()
        )
        if late is not None:
            services_handling.urging_notice_send(actor=roster.staff, assignment=late)
            created["urging notice"] += 1
    return created


def seed(*, out=None, now: datetime.datetime | None = None) -> Counter:
    """Plan and write the demo items; returns what was created."""
    now = now or timezone.now()
    roster = Roster(timezone.localtime(now).date())
    plans = build_plan(roster, now=now)
    runner = Runner(roster, plans, out)
    first_new = (Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    # The services' notifications are dated in the past: they stay in the inboxes, but no
    # e-mail or SMS goes out for them, now or from the redelivery scan later.
    with mock.patch("notifications.services.enqueue_delivery"), transaction.atomic():
        runner.run()
        runner.created.update(seed_handling(roster, out=out))
        Notification.objects.filter(pk__gte=first_new).update(want_email=False, want_sms=False)
    return runner.created


class Command(BaseCommand):
    help = "Demo suggestions for the city congress's latest session, through the services (run after seed_demo)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run even with DEBUG off (a demo server). Never on production: the data is invented.",
        )

    def handle(self, *args, **options):
        if not (settings.DEBUG or getattr(settings, "TESTING", False) or options["allow_without_debug"]):
            raise CommandError(
                "seed_proposals writes invented data. Run it with DEBUG=1, or pass --allow-without-debug on a demo server."
            )
        try:
            import time_machine  # noqa: F401
        except ImportError as exc:  # a development dependency (requirements-dev.txt)
            raise CommandError("seed_proposals needs time-machine (pip install -r requirements-dev.txt).") from exc
        started = time.monotonic()
        created = seed(out=self.stdout)
        elapsed = time.monotonic() - started
        if created:
            detail = ", ".join(f"{name} {n}" for name, n in created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo suggestions ready in {elapsed:.1f} s: {detail}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Demo suggestions already there (nothing created, {elapsed:.1f} s)."))
        counts = Counter(Suggestion.objects.values_list("status", flat=True))
        self.stdout.write(
            "  by state: " + " · ".join(f"{Suggestion.Status(k).label} {n}" for k, n in sorted(counts.items()))
        )
        self.stdout.write(f"  published: {Suggestion.objects.filter(published=True).count()}")
