"""Helpers for the training tests: materials, courses and requests made through the services."""

import datetime

from django.utils import timezone

from tests import factories
from tests.builders import make_deputy_user
from training import services, services_courses, services_requests


def material(staff, congress, *, title="关于优化营商环境的政策解读", important=False, publish=True, **kwargs):
    m = services.material_create(actor=staff, congress=congress, title=title, important=important, **kwargs)
    if publish:
        services.material_publish(actor=staff, material=m)
    return m


def course(staff, congress, *, title="人大代表讲坛：预算审查监督", publish=True, sessions=1, start=None, **kwargs):
    kwargs.setdefault("kind", "lecture")
    kwargs.setdefault("organiser", "代表工作委员会")
    c = services_courses.course_create(actor=staff, congress=congress, title=title, **kwargs)
    start = start or timezone.localdate() + datetime.timedelta(days=3)
    for i in range(sessions):
        services_courses.session_add(
            actor=staff,
            course=c,
            title=f"第{i + 1}讲",
            date=start + datetime.timedelta(days=7 * i),
            start_time=datetime.time(9),
            end_time=datetime.time(11),
        )
    if publish:
        services_courses.course_publish(actor=staff, course=c)
    return c


def data_request(user, *, subject="全市养老机构床位数据", **kwargs):
    kwargs.setdefault("wanted", "2025年各区养老机构床位数及入住率。")
    kwargs.setdefault("reason", "准备关于养老服务的建议。")
    return services_requests.request_submit(actor=user, deputy=user.mandate, subject=subject, **kwargs)


def routed(user, staff, unit, **kwargs):
    r = data_request(user, **kwargs)
    return services_requests.request_route(actor=staff, request=r, unit=unit, workdays=5)


def deputies(n, *, city, term, unit=None):
    unit = unit or factories.ElectoralUnitFactory(congress=city)
    return [
        make_deputy_user(city, term, f"代表{i:03d}", electoral_unit=unit, full_name=f"代表{i:03d}") for i in range(n)
    ]
