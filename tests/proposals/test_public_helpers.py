"""Builders shared by the public-page, search and reminder tests.

Not a test module itself: the ``test_public_*``, ``test_search`` and ``test_scans``
modules import these. Items move along the workflow through the real services, so
the pages are tested against states the services produce.
"""

import datetime

import pytest
from django.utils import timezone

from accounts.services import user_sync_roles
from proposals import services
from proposals.models import Assignment, Field, Rating, ReplyCategory, Suggestion

from .. import factories

CATEGORIES = [
    ("A", "已解决或基本解决", False, 1),
    ("B", "正在解决或列入计划解决", True, 2),
    ("C", "因条件限制留作参考", False, 3),
]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Each test creates several users; the production hasher would take most of the time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def categories() -> dict[str, ReplyCategory]:
    """A/B/C (migration data; re-created if a transactional test flushed it)."""
    out = {}
    for code, name, promise, order in CATEGORIES:
        out[code], _ = ReplyCategory.objects.get_or_create(
            code=code, defaults={"name": name, "creates_commitment": promise, "order": order}
        )
    return out


def field(name="交通出行") -> Field:
    return Field.objects.get_or_create(name=name)[0]


def make_deputy_user(city, term, name: str, electoral_unit=None, **extra):
    """A user with one serving mandate of ``city`` (``user.mandate``)."""
    unit = electoral_unit or factories.ElectoralUnitFactory(congress=city)
    user = factories.UserFactory(full_name=name)
    user.mandate = factories.DeputyFactory(congress=city, term=term, electoral_unit=unit, name=name, user=user, **extra)
    user_sync_roles(user=user)
    return user


def make_officer(city, unit_name: str):
    unit = factories.UnitFactory(congress=city, name=unit_name)
    user = factories.UserFactory(full_name=f"{unit_name}联系人", unit=unit)
    user_sync_roles(user=user)
    return user


def draft(
    user,
    *,
    title="关于缓解老旧小区停车难问题的建议",
    body="小区停车位严重不足。\n\n1. 挖潜增设泊位\n2. 错时共享停车",
    kind=Suggestion.Kind.SUGGESTION,
    session=None,
    field_name="交通出行",
):
    return services.suggestion_create(
        actor=user,
        lead_deputy=user.mandate,
        title=title,
        body=body,
        kind=kind,
        field=field(field_name),
        session=session,
    )


def submitted(user, *, cosigners=(), **kwargs):
    suggestion = draft(user, **kwargs)
    if cosigners:
        services.cosigner_invite(actor=user, suggestion=suggestion, deputies=[c.mandate for c in cosigners])
        for cosigner_user in cosigners:
            cosigner = suggestion.cosigners.select_related("deputy", "suggestion").get(deputy=cosigner_user.mandate)
            services.cosigner_respond(actor=cosigner_user, cosigner=cosigner, confirm=True)
    services.suggestion_submit(actor=user, suggestion=suggestion)
    return suggestion


def assigned(user, staff, officers, *, assigned_on=None, roles=None, broad=False, **kwargs):
    """Submitted, accepted and assigned to the officers' units (the first as lead)."""
    suggestion = submitted(user, **kwargs)
    services.suggestion_accept(actor=staff, suggestion=suggestion, broad=broad)
    roles = roles or ["lead"] + ["joint"] * (len(officers) - 1)
    services.suggestion_assign(
        actor=staff,
        suggestion=suggestion,
        units_roles=[(o.unit, r) for o, r in zip(officers, roles, strict=True)],
        assigned_on=assigned_on,
    )
    return Suggestion.objects.get(pk=suggestion.pk)


def reply(officer, suggestion, *, code="A", text="已完成整改，新增泊位二百个。", replied_on=None, due=None):
    assignment = Assignment.objects.select_related("suggestion", "unit").get(suggestion=suggestion, unit=officer.unit)
    replied_on = replied_on or timezone.localdate()
    cats = categories()
    commitments = (
        [("年内新增错时共享泊位", due or replied_on + datetime.timedelta(days=90))]
        if cats[code].creates_commitment
        else []
    )
    return services.reply_submit(
        actor=officer,
        assignment=assignment,
        category=cats[code],
        text=text,
        signer="张局长",
        replied_on=replied_on,
        commitments=commitments,
    )


def rate(user, the_reply, value=Rating.Value.SATISFIED, comment=""):
    return services.reply_rate(actor=user, reply=the_reply, value=value, comment=comment)


def handled(user, staff, officers, *, codes=None, publish=True, rating=Rating.Value.SATISFIED, texts=None, **kwargs):
    """Assigned, replied by every unit, rated, closed (and published unless told otherwise)."""
    suggestion = assigned(user, staff, officers, **kwargs)
    codes = codes or ["A"] * len(officers)
    replies = []
    for i, officer in enumerate(reversed(officers)):
        index = len(officers) - 1 - i
        text = (texts or {}).get(index, "已完成整改，新增泊位二百个。")
        replies.append(reply(officer, suggestion, code=codes[index], text=text))
    for r in replies:
        rate(user, r, rating)
    services.suggestion_close(actor=staff, suggestion=Suggestion.objects.get(pk=suggestion.pk), publish=publish)
    return Suggestion.objects.get(pk=suggestion.pk)
