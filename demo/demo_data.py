"""Fixed data for ``manage.py seed_demo``: congresses, districts, name pools, occupations.

Everything about people here is invented. Place and body names (districts, the
city's departments) are real because a demo of Nanjing's deputy work is
unconvincing without them; nothing ties an invented person to a real one:
employers are "某…" or made-up company names, addresses are "（地址略）",
mobiles sit in the invented ranges 1380000xxxx / 1390000xxxx and ID numbers use
the nonexistent area code 990000.
"""

import datetime
from typing import NamedTuple

D = datetime.date

# One seed for the whole data set: the same data on every run and every machine.
SEED = 2026
DEMO_PASSWORD = "Demo-2026-pass"

# --- Congresses, terms, sessions ------------------------------------------------

CITY = {"name": "南京市人民代表大会", "short_name": "南京市", "motion_min_cosigners": 10}
PROVINCE = {"name": "江苏省人民代表大会", "short_name": "江苏省", "motion_min_cosigners": 10}
NATION = {"name": "全国人民代表大会", "short_name": "全国", "motion_min_cosigners": 30}

CITY_TERMS = [
    # number, name, start, end, is_current
    (16, "第十六届", D(2017, 1, 5), D(2022, 1, 5), False),
    (17, "第十七届", D(2022, 1, 6), D(2027, 1, 5), True),
]
# Sessions of the 17th term: (number, name, opening, closing), 4-5 days each.
CITY_SESSIONS = [
    (1, "市十七届人大一次会议", D(2022, 1, 6), D(2022, 1, 10)),
    (2, "市十七届人大二次会议", D(2023, 1, 5), D(2023, 1, 8)),
    (3, "市十七届人大三次会议", D(2024, 1, 8), D(2024, 1, 11)),
    (4, "市十七届人大四次会议", D(2025, 1, 7), D(2025, 1, 10)),
    (5, "市十七届人大五次会议", D(2026, 1, 6), D(2026, 1, 9)),
]
PROVINCE_TERM = (14, "第十四届", D(2023, 1, 12), D(2028, 1, 11))
NATION_TERM = (14, "第十四届", D(2023, 3, 5), D(2028, 3, 4))
# The districts' real term numbers differ from one another; one invented number
# keeps the demo honest about not knowing them.
DISTRICT_TERM = (19, "第十九届", D(2021, 12, 20), None)

# --- Districts (electoral units of the city congress) ---------------------------
# (name, administrative code, 2020 census population, has villages)
DISTRICTS = [
    ("玄武区", "320102", 537825, False),
    ("秦淮区", "320104", 740809, False),
    ("建邺区", "320105", 534257, False),
    ("鼓楼区", "320106", 940387, False),
    ("浦口区", "320111", 1171603, True),
    ("栖霞区", "320113", 987835, True),
    ("雨花台区", "320114", 608780, True),
    ("江宁区", "320115", 1926117, True),
    ("六合区", "320116", 666706, True),
    ("溧水区", "320117", 491611, True),
    ("高淳区", "320118", 429880, True),
]
GARRISON = ("驻宁部队", "garrison")
GARRISON_SEATS = 25
# Every district gets a base number of seats and the rest by population, as the
# election law's allocation does in spirit: 25 + 575 = 600 seats.
DISTRICT_BASE_SEATS = 15
DISTRICT_TOTAL_SEATS = 575


def district_seats() -> dict[str, int]:
    """Seats per district: base + population share, rounded by largest remainder."""
    spare = DISTRICT_TOTAL_SEATS - DISTRICT_BASE_SEATS * len(DISTRICTS)
    total_pop = sum(pop for _, _, pop, _ in DISTRICTS)
    quotas = {name: spare * pop / total_pop for name, _, pop, _ in DISTRICTS}
    seats = {name: int(q) for name, q in quotas.items()}
    left = spare - sum(seats.values())
    for name in sorted(quotas, key=lambda n: quotas[n] - seats[n], reverse=True)[:left]:
        seats[name] += 1
    return {name: DISTRICT_BASE_SEATS + n for name, n in seats.items()}


# 玄武区 district deputies (a sample, so the district staff account has a roster):
# electoral districts named after the district's streets.
XUANWU_STREETS = ["梅园新村街道", "新街口街道", "玄武门街道", "锁金村街道", "红山街道", "孝陵卫街道", "玄武湖街道"]
XUANWU_DEPUTIES = 42

PROVINCIAL_DEPUTIES = 40  # elected by the city congress
PROVINCIAL_ALSO_MUNICIPAL = 15  # of those, people who are municipal deputies too
NATIONAL_DEPUTIES = 12  # elected by the provincial congress, living and working in the city
NATIONAL_ALSO_MUNICIPAL = 3

# --- Names --------------------------------------------------------------------
# fmt: off
# Common surnames with rough weights (Jiangsu flavour: 陈, 王, 张, 李, 刘, 徐, 朱 …).
SURNAMES = (
    ("王", 70), ("陈", 70), ("张", 65), ("李", 60), ("刘", 50), ("徐", 40), ("朱", 35), ("周", 33),
    ("吴", 33), ("孙", 28), ("杨", 28), ("胡", 22), ("沈", 18), ("顾", 16), ("陆", 16), ("钱", 14),
    ("蒋", 14), ("许", 14), ("赵", 14), ("黄", 14), ("马", 12), ("高", 12), ("丁", 12), ("戴", 10),
    ("汤", 9), ("夏", 9), ("姚", 9), ("邵", 8), ("孔", 6), ("曹", 8), ("袁", 8), ("任", 7), ("唐", 8),
    ("郭", 8), ("何", 8), ("林", 8), ("韩", 7), ("冯", 7), ("魏", 6), ("严", 6), ("叶", 6), ("程", 6),
    ("潘", 6), ("葛", 6), ("华", 5), ("仇", 4), ("殷", 4), ("秦", 5), ("汪", 6), ("钟", 5), ("宋", 6),
    ("彭", 5), ("谢", 6), ("卢", 5), ("范", 5), ("杜", 5), ("俞", 5), ("管", 4), ("蔡", 5), ("吕", 5),
)
# Two-character given names of the generations born 1958-1992, combined freely with the surnames.
GIVEN_MALE = tuple("""
建国 建华 建军 建平 建新 建明 国庆 国平 国华 国栋 国强 卫东 卫国 红兵 志强 志刚 志勇 志远 海涛 海波
海峰 晓东 晓峰 晓明 晓辉 文斌 文涛 文杰 明辉 明华 立新 立军 永刚 永健 伟东 伟华 宏伟 俊杰 俊峰 鹏飞
浩然 振华 德明 德华 学军 新民 跃进 春林 春雷 庆生 荣华 亚军 正德 长青 世杰 忠诚 光明 金龙 成林 宇航
家俊 子健 天宇 继东
""".split())
GIVEN_FEMALE = tuple("""
秀英 桂兰 丽娟 晓燕 美玲 雪梅 红霞 淑珍 海燕 玉兰 春华 秀兰 桂芳 丽萍 丽娜 晓红 晓丽 晓梅 晓芳 红梅
红英 玉梅 玉珍 凤英 凤霞 春燕 春梅 冬梅 秋菊 美华 美娟 慧芳 慧敏 雅琴 静怡 婷婷 文静 丽华 月琴 艳红
艳萍 素琴 素芬 亚萍 海霞 晓岚 雅静 佳慧 琳琳 莉莉 丹丹 娟娟 芳芳 晶晶 燕萍 丽君 文娟 秀芳 金凤 思琪
""".split())

# --- People's attributes -----------------------------------------------------------
# Mostly 汉族; Nanjing's largest minority is 回族.
ETHNICITIES = (("汉族", 960), ("回族", 20), ("满族", 6), ("蒙古族", 4), ("壮族", 3), ("苗族", 3), ("土家族", 2), ("朝鲜族", 2))

# Party mixes by kind of work (weights): democratic parties recruit in their own
# fields (民建 business, 民进 education, 农工党 medicine, 九三学社 science …);
# 群众 is the roster's word for "no party".
PARTY_MIX = {
    "cpc": {"中共党员": 95, "群众": 5},
    "worker": {"中共党员": 62, "群众": 33, "民进会员": 2, "无党派人士": 3},
    "rural": {"中共党员": 72, "群众": 28},
    "teacher": {"中共党员": 58, "民进会员": 12, "民盟盟员": 8, "无党派人士": 7, "群众": 15},
    "medical": {"中共党员": 55, "农工党党员": 16, "九三学社社员": 6, "无党派人士": 9, "群众": 14},
    "business": {"中共党员": 48, "民建会员": 20, "民革党员": 6, "致公党党员": 6, "无党派人士": 10, "群众": 10},
    "science": {"中共党员": 50, "九三学社社员": 15, "民盟盟员": 10, "致公党党员": 6, "民进会员": 4, "无党派人士": 15},
    "law": {"中共党员": 50, "民革党员": 20, "民盟盟员": 10, "无党派人士": 20},
    "culture": {"中共党员": 50, "民盟盟员": 18, "民进会员": 12, "无党派人士": 20},
}
# fmt: on

# Professional groups (专业代表小组), by field of work.
FIELDS = ("财政经济", "城乡建设", "教育科技文化卫生", "社会建设", "生态环境", "法制")
PROFESSIONAL_GROUP_SIZE = 30


class Profile(NamedTuple):
    """A kind of work: how common it is among deputies and what its holders look like."""

    key: str
    weight: int  # relative frequency in the roster
    grassroots: bool  # 基层一线
    party_mix: str  # key of PARTY_MIX
    women: float  # share of women
    fields: tuple  # professional groups its holders may join
    villages_only: bool  # only in districts that have villages
    # (occupation, employer template); templates take {district} (e.g. 玄武区),
    # {brand} (an invented company name) and {industry}. "某" keeps employers fictional.
    jobs: tuple


# fmt: off
PROFILES = (
    Profile("worker", 11, True, "worker", 0.25, ("社会建设", "财政经济"), False, (
        ("工人", "南京{brand}{industry}有限公司一线技术工人"),
        ("工人", "南京{brand}{industry}有限公司车间班组长"),
        ("工人", "南京某集团有限公司高级技师"),
        ("工人", "南京{brand}{industry}有限公司焊接技师"),
    )),
    Profile("new_job", 3, True, "worker", 0.2, ("社会建设",), False, (
        ("快递员", "某快递公司南京分公司快递员"),
        ("网约车驾驶员", "南京某出行服务有限公司驾驶员"),
        ("外卖配送员", "某外卖平台南京站点配送员"),
    )),
    Profile("farmer", 7, True, "rural", 0.25, ("生态环境", "城乡建设"), True, (
        ("农民", "{district}某街道某村种植大户"),
        ("农民", "{district}某家庭农场负责人"),
        ("农民", "{district}某农业专业合作社理事长"),
        ("渔民", "{district}某水产养殖专业合作社负责人"),
    )),
    Profile("village", 5, True, "cpc", 0.3, ("城乡建设", "社会建设"), True, (
        ("村干部", "{district}某街道某村党总支书记、村委会主任"),
    )),
    Profile("community", 8, True, "cpc", 0.6, ("社会建设",), False, (
        ("社区工作者", "{district}某街道某社区党委书记、居委会主任"),
        ("社区工作者", "{district}某街道某社区网格员"),
    )),
    Profile("teacher", 7, True, "teacher", 0.6, ("教育科技文化卫生",), False, (
        ("教师", "{district}某小学教师"),
        ("教师", "{district}某中学教师、班主任"),
        ("教师", "{district}某幼儿园教师"),
        ("教师", "南京某职业技术学院教师"),
    )),
    Profile("doctor", 6, True, "medical", 0.5, ("教育科技文化卫生",), False, (
        ("医生", "南京市某医院主任医师"),
        ("医生", "{district}某社区卫生服务中心全科医生"),
        ("护士", "南京市某医院护士长"),
    )),
    Profile("shop", 2, True, "business", 0.35, ("财政经济", "社会建设"), False, (
        ("个体工商户", "{district}某餐饮店经营者"),
        ("个体工商户", "{district}某农贸市场商户"),
    )),
    Profile("social", 2, True, "worker", 0.5, ("社会建设",), False, (
        ("社会组织负责人", "南京{brand}社会工作服务中心主任"),
        ("社会组织负责人", "{district}某养老服务中心负责人"),
    )),
    Profile("entrepreneur", 12, False, "business", 0.15, ("财政经济",), False, (
        ("企业负责人", "南京{brand}{industry}有限公司董事长"),
        ("企业负责人", "南京{brand}{industry}有限公司总经理"),
        ("企业负责人", "江苏{brand}{industry}股份有限公司董事长"),
    )),
    Profile("soe", 5, False, "cpc", 0.15, ("财政经济", "城乡建设"), False, (
        ("企业管理人员", "南京某国有集团有限公司副总经理"),
        ("企业管理人员", "某银行南京分行行长"),
    )),
    Profile("official", 12, False, "cpc", 0.2, ("财政经济", "城乡建设", "法制", "社会建设"), False, (
        ("机关干部", "{district}人民政府某局局长"),
        ("机关干部", "南京市某局副局长"),
        ("机关干部", "{district}某街道党工委书记"),
    )),
    Profile("science", 5, False, "science", 0.3, ("教育科技文化卫生", "生态环境"), False, (
        ("科研人员", "南京某大学教授"),
        ("科研人员", "某研究院南京分院研究员"),
        ("科研人员", "南京某大学副教授、博士生导师"),
    )),
    Profile("lawyer", 2, False, "law", 0.35, ("法制",), False, (
        ("律师", "江苏{brand}律师事务所主任、律师"),
    )),
    Profile("culture", 2, False, "culture", 0.45, ("教育科技文化卫生",), False, (
        ("文艺工作者", "南京某剧团演员"),
        ("文博工作者", "南京某博物馆研究馆员"),
        ("体育工作者", "南京某体育运动学校教练员"),
    )),
    Profile("engineer", 5, False, "science", 0.2, ("城乡建设", "生态环境"), False, (
        ("工程技术人员", "南京{brand}建设工程有限公司项目经理"),
        ("工程技术人员", "南京{brand}环保科技有限公司总工程师"),
        ("工程技术人员", "南京某规划设计研究院高级工程师"),
    )),
    Profile("head", 3, False, "teacher", 0.35, ("教育科技文化卫生",), False, (
        ("教育工作者", "{district}某中学校长"),
        ("医务工作者", "南京市某医院院长"),
    )),
)
# fmt: on
# Kinds of work whose holders may sit on the standing committee (members of the
# SC may not hold administrative, judicial or procuratorial posts).
SC_ELIGIBLE = ("entrepreneur", "soe", "science", "lawyer", "culture", "engineer", "head", "social", "worker")
# The garrison delegation: (occupation, employer, grassroots).
GARRISON_JOBS = (
    ("军人", "驻宁某部队干部", False),
    ("军人", "驻宁某部队士官", True),
    ("军人", "武警江苏省总队某支队干部", False),
)
BRAND_CHARS = "瑞恒启辰泰鼎越嘉盛宏远鑫达卓凯锦润川博晟弘通骏澜昊铭睿祥禾衡钧翔"
INDUSTRIES = "科技 智能科技 电子 新材料 生物医药 软件 机械制造 汽车零部件 食品 物流 纺织".split()

# --- Handling units of the city congress ---------------------------------------
# (name, short name, kind): government departments, then the supervision
# commission, the court and the procuratorate ("一府一委两院").
UNITS = (
    ("市发展和改革委员会", "市发改委", "government"),
    ("市教育局", "市教育局", "government"),
    ("市科学技术局", "市科技局", "government"),
    ("市工业和信息化局", "市工信局", "government"),
    ("市公安局", "市公安局", "government"),
    ("市民政局", "市民政局", "government"),
    ("市司法局", "市司法局", "government"),
    ("市财政局", "市财政局", "government"),
    ("市人力资源和社会保障局", "市人社局", "government"),
    ("市规划和自然资源局", "市规划资源局", "government"),
    ("市生态环境局", "市生态环境局", "government"),
    ("市城乡建设委员会", "市建委", "government"),
    ("市住房保障和房产局", "市房产局", "government"),
    ("市城市管理局", "市城管局", "government"),
    ("市交通运输局", "市交通局", "government"),
    ("市水务局", "市水务局", "government"),
    ("市农业农村局", "市农业农村局", "government"),
    ("市商务局", "市商务局", "government"),
    ("市文化和旅游局", "市文旅局", "government"),
    ("市卫生健康委员会", "市卫健委", "government"),
    ("市退役军人事务局", "市退役军人局", "government"),
    ("市应急管理局", "市应急局", "government"),
    ("市审计局", "市审计局", "government"),
    ("市人民政府国有资产监督管理委员会", "市国资委", "government"),
    ("市市场监督管理局", "市市场监管局", "government"),
    ("市体育局", "市体育局", "government"),
    ("市医疗保障局", "市医保局", "government"),
    ("市绿化园林局", "市园林局", "government"),
    ("市数据局", "市数据局", "government"),
    ("市政务服务管理办公室", "市政务办", "government"),
    ("市监察委员会", "市监委", "supervision"),
    ("市中级人民法院", "市中院", "court"),
    ("市人民检察院", "市检察院", "procuratorate"),
)
# Invented office lines: 025-8000 then a four-digit serial, never a real listing.
UNIT_PHONE_FORMAT = "025-8000{:04d}"

# --- Roster events (item 16), in date order ----------------------------------------
# An event dated after today (a clock set back) is skipped, not forced.
# (electoral unit, reason, effective date, note, by-election: None or (held on, "confirmed"/"pending"))
# fmt: off
TERMINATIONS = (
    ("鼓楼区", "resigned", D(2023, 3, 15), "本人因工作原因提出辞去市人大代表职务，鼓楼区人大常委会接受辞职。",
     (D(2023, 6, 20), "confirmed")),
    ("江宁区", "moved", D(2023, 8, 10), "调离本行政区域，代表资格自行终止。", (D(2023, 11, 15), "confirmed")),
    ("栖霞区", "died", D(2024, 5, 6), "因病去世。", None),
    ("浦口区", "resigned", D(2024, 9, 12), "本人因健康原因提出辞职，浦口区人大常委会接受辞职。", None),
    ("秦淮区", "moved", D(2026, 6, 15), "迁出本行政区域，代表资格自行终止。", (D(2026, 9, 24), "pending")),
)
# fmt: on
SUSPENSION = ("六合区", "custody", D(2025, 6, 3), "因涉嫌刑事案件被羁押，暂停执行代表职务。")
# (title, meeting date, approved by the SC on)
REVIEW_CONFIRMED = (
    "代表资格审查委员会关于补选代表的代表资格的审查报告（2023年12月）",
    D(2023, 12, 18),
    D(2023, 12, 27),
)
REVIEW_PENDING = ("代表资格审查委员会关于补选代表的代表资格的审查报告（2026年12月）", D(2026, 12, 10))
