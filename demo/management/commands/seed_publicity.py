"""``manage.py seed_publicity``: demo stories of deputies' work (代表履职风采), run after
``seed_demo``, ``seed_activities``, ``seed_proposals``, ``seed_liaison``, ``seed_livelihood`` and
``seed_training``.

Five published stories of the city congress and one draft, each naming the demo deputies
(``deputy@example.org``, ``deputy2@example.org``) or other serving deputies, with photos drawn
here by Pillow (invented scenes: no real person or place is pictured). Written and published
through ``publicity.services`` as the demo staff member. Idempotent: a story is known by its
congress and title; one that exists is left as it is.
"""

import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from deputies.models import Congress, Deputy
from publicity import services
from publicity.models import Story

SEED = 20261218
STAFF_EMAIL = "staff@example.org"
DEMO_DEPUTIES = ("deputy@example.org", "deputy2@example.org")

# (title, summary, body, days before today, demo deputies by index, other deputies, photo captions, published)
STORIES = [
    (
        "代表联络站里的“接待日”：群众的事在家门口解决",
        "市人大代表在社区代表联络站接待群众，现场记下停车、加装电梯等十余条意见。",
        "每月第二个周六上午，是社区代表联络站的接待日。市人大代表早早来到站里，"
        "和前来反映情况的居民面对面交流。\n\n"
        "当天共接待群众二十余人次，记录意见十三条，主要集中在：\n"
        "- 老旧小区停车位紧张\n- 多层住宅加装电梯\n- 社区养老助餐点的菜品和价格\n\n"
        "对能够当场答复的问题，代表会同街道工作人员现场解释；需要部门研究的，由联络站登记后转交办理，"
        "并在一个月内向群众反馈。",
        12,
        (0,),
        1,
        ("代表在联络站接待居民", "居民填写意见登记表"),
        True,
    ),
    (
        "一条建议的“后半篇文章”：加装电梯从纸面到楼道",
        "代表去年提出的加装电梯建议得到答复后，代表多次回访小区，跟踪工程进展。",
        "去年人代会期间，代表在调研中发现，不少老旧小区的老人上下楼困难，"
        "于是提出了简化加装电梯审批流程的建议。\n\n"
        "承办单位答复后，代表没有把建议“放下”，而是先后三次回到小区，"
        "听取居民对施工安排的意见，协调解决了管线迁移的问题。\n\n"
        "目前，小区首批两部电梯已投入使用，第二批正在施工。",
        40,
        (1,),
        0,
        ("新装电梯投入使用", "代表与居民查看施工现场", "楼道里的施工公告"),
        True,
    ),
    (
        "走进老年助餐点：代表视察民生实事项目",
        "代表小组集中视察今年的民生实事项目，实地查看老年助餐点的运营情况。",
        "按照年度工作计划，代表小组组织代表集中视察民生实事项目推进情况。\n\n"
        "在社区老年助餐点，代表们查看了后厨卫生、菜品价格和就餐登记，"
        "并与正在用餐的老人聊起了口味和服务。\n\n"
        "视察结束后，代表们建议：\n"
        "1. 增加送餐上门的服务范围\n2. 定期公示菜品价格和补贴标准\n3. 听取老人意见调整菜单",
        75,
        (0, 1),
        2,
        ("代表查看助餐点后厨", "代表与用餐老人交流"),
        True,
    ),
    (
        "代表进校园：把人大制度讲给学生听",
        "市人大代表走进中学课堂，以身边的建议办理为例讲解人民代表大会制度。",
        "“人大代表平时都做些什么？”在一堂特别的思政课上，市人大代表用自己提出建议、"
        "跟踪办理的经历回答了同学们的问题。\n\n"
        "课后，同学们围绕学校周边交通安全提出了自己的想法，代表表示会把这些想法带到调研中去。",
        130,
        (),
        2,
        ("代表在课堂上讲解",),
        True,
    ),
    (
        "护送上学路：代表关注校园周边交通",
        "针对学校周边早晚高峰拥堵，代表联合调研并提出优化接送车位的建议。",
        "开学后的第一周，代表们分早晚两个时段在学校门口观察交通情况，"
        "统计接送车辆和行人的流量。\n\n"
        "在与交警、学校和家长代表座谈后，代表提出了设置临时接送车位、错峰放学等建议，"
        "相关部门已在两所学校试行。",
        400,
        (1, 0),
        1,
        ("学校门口的早高峰", "代表与交警、家长座谈"),
        True,
    ),
    (
        "代表履职小故事（待审定稿）",
        "",
        "记录代表在网格走访中帮助困难家庭申请救助的经过，待办公室审定后发布。",
        0,
        (0,),
        0,
        (),
        False,
    ),
]

PALETTE = [(70, 130, 180), (205, 92, 92), (60, 179, 113), (218, 165, 32), (123, 104, 238), (72, 61, 139)]


def _photo(rng: random.Random, n: int) -> SimpleUploadedFile:
    """An invented scene: a sky, the ground, a few buildings and people drawn as shapes."""
    width, height = 960, 600
    sky, ground = rng.choice(PALETTE), (200, 190, 170)
    image = Image.new("RGB", (width, height), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, int(height * 0.65), width, height], fill=ground)
    for _ in range(5):
        left = rng.randint(0, width - 160)
        top = rng.randint(120, 300)
        draw.rectangle([left, top, left + rng.randint(80, 160), int(height * 0.65)], fill=rng.choice(PALETTE))
    for _ in range(6):
        x = rng.randint(40, width - 40)
        y = rng.randint(int(height * 0.68), height - 80)
        draw.ellipse([x - 14, y - 60, x + 14, y - 32], fill=(240, 220, 200))
        draw.rectangle([x - 18, y - 30, x + 18, y + 30], fill=rng.choice(PALETTE))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return SimpleUploadedFile(f"story-{n}.jpg", buffer.getvalue(), content_type="image/jpeg")


class Command(BaseCommand):
    help = "Demo stories of deputies' work with photos (idempotent)."

    def handle(self, *args, **options):
        city = Congress.objects.filter(level=Congress.Level.CITY).order_by("id").first()
        staff = User.objects.filter(email=STAFF_EMAIL).first()
        if city is None or staff is None:
            raise CommandError("Run seed_demo first.")
        if not services.is_story_editor(staff, city.pk):
            raise CommandError(f"{STAFF_EMAIL} may not write stories: the staff group lacks the publicity permissions.")
        serving = Deputy.objects.filter(congress=city, status=Deputy.Status.SERVING, is_public=True)
        demo = [serving.filter(user__email=email).order_by("pk").first() for email in DEMO_DEPUTIES]
        demo = [d for d in demo if d is not None]
        others = list(serving.exclude(pk__in=[d.pk for d in demo]).order_by("pk")[:20])
        if not demo or len(others) < 5:
            raise CommandError("Run seed_demo first: too few serving deputies.")
        rng = random.Random(SEED)
        today = timezone.localdate()
        made = 0
        with transaction.atomic():
            for n, (title, summary, body, days, mine, extra, captions, published) in enumerate(STORIES):
                if Story.objects.filter(congress=city, title=title).exists():
                    continue
                deputies = [demo[i] for i in mine if i < len(demo)] + rng.sample(others, extra)
                story = services.story_create(
                    actor=staff,
                    congress=city,
                    title=title,
                    summary=summary,
                    body=body,
                    deputies=deputies,
                    published_on=today - datetime.timedelta(days=days) if published else None,
                    photos=[(_photo(rng, n * 10 + i), caption) for i, caption in enumerate(captions)],
                )
                if published:
                    services.story_set_published(actor=staff, story=story, published=True)
                made += 1
        self.stdout.write(
            f"Demo publicity: {made} new stories "
            f"({Story.objects.filter(congress=city, is_published=True).count()} published in all)."
        )
