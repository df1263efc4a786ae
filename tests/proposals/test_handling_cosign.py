"""Joint units (会办) co-sign the lead unit's reply (会签): the reply reaches the deputy, the
public pages, the ratings and the statistics only when every joint unit has co-signed it; a
joint unit may return it with an opinion, and the lead unit revises it in the same round; joint
units never get the reply form; the wrong actor and the wrong state are refused, nothing changed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.exceptions import InvalidTransition, NotAllowed
from core.workdays import add_workdays
from notifications.models import Notification
from proposals import services
from proposals.models import Assignment, Attachment, Rating, Reply, ReplyCoSignature, Suggestion, SuggestionEvent
from proposals.scans import cosignature_due

from ..builders import assigned_to, make_officer, rate
from .handling_builders import contact, in_english, official_reply

pytestmark = pytest.mark.django_db
A = Assignment.Status
S = Suggestion.Status
RS = Reply.Status
CS = ReplyCoSignature.Status


@pytest.fixture
def police(city):
    return make_officer(city, "示例市公安局")


@pytest.fixture
def finance(city):
    return make_officer(city, "示例市财政局")


@pytest.fixture
def item(deputy, staff, unit_officer, police, finance):
    """Lead: the officer's unit; joint: police and finance; contact logged by the lead unit."""
    suggestion, (lead, joint_a, joint_b) = assigned_to(
        deputy, staff, [(unit_officer.unit, "lead"), (police.unit, "joint"), (finance.unit, "joint")]
    )
    contact(unit_officer, lead)
    return {"suggestion": suggestion, "lead": lead, "police": joint_a, "finance": joint_b}


def state(suggestion) -> tuple:
    """Everything co-signing could change."""
    s = Suggestion.objects.get(pk=suggestion.pk)
    return (
        s.status,
        list(SuggestionEvent.objects.filter(suggestion=s).values_list("action", flat=True)),
        sorted(Assignment.objects.filter(suggestion=s).values_list("pk", "status")),
        sorted(Reply.all_objects.filter(assignment__suggestion=s).values_list("pk", "round", "status", "text")),
        sorted(ReplyCoSignature.objects.filter(reply__assignment__suggestion=s).values_list("pk", "status", "opinion")),
        Attachment.objects.filter(suggestion=s).count(),
    )


def cosignature(reply, assignment) -> ReplyCoSignature:
    return ReplyCoSignature.objects.select_related("assignment").get(reply=reply, assignment=assignment)


def refused(kind, call, suggestion, words: str):
    before = state(suggestion)
    with in_english(), pytest.raises(kind) as info:
        call()
    assert words in " ".join(getattr(info.value, "messages", [str(info.value)])), info.value
    assert state(suggestion) == before
    return info.value


def test_the_lead_units_reply_waits_for_every_joint_unit(item, deputy, unit_officer, police, finance):
    reply = official_reply(unit_officer, item["lead"])

    assert reply.status == RS.COSIGNING
    suggestion = Suggestion.objects.get(pk=item["suggestion"].pk)
    assert suggestion.status == S.ASSIGNED
    assert Assignment.objects.get(pk=item["lead"].pk).status == A.ASSIGNED
    assert sorted(ReplyCoSignature.objects.filter(reply=reply).values_list("assignment_id", "status")) == sorted(
        [(item["police"].pk, CS.PENDING), (item["finance"].pk, CS.PENDING)]
    )
    # The joint units' officers are asked; the deputy hears nothing yet and reads nothing.
    assert Notification.objects.filter(user=police, url=f"/unit/assignments/{item['police'].pk}/").exists()
    assert Notification.objects.filter(user=finance).exists()
    assert not Notification.objects.filter(user=deputy, key__contains=":replied:").exists()
    assert not Reply.objects.filter(pk=reply.pk).exists()
    assert Reply.all_objects.filter(pk=reply.pk).exists()


def test_the_last_co_signature_sends_the_reply_to_the_deputy(item, deputy, unit_officer, police, finance):
    reply = official_reply(unit_officer, item["lead"])

    services.reply_cosign(actor=police, cosignature=cosignature(reply, item["police"]))
    assert Reply.all_objects.get(pk=reply.pk).status == RS.COSIGNING
    assert Suggestion.objects.get(pk=item["suggestion"].pk).status == S.ASSIGNED

    services.reply_cosign(actor=finance, cosignature=cosignature(reply, item["finance"]))
    assert Reply.objects.get(pk=reply.pk).status == RS.SENT
    assert Suggestion.objects.get(pk=item["suggestion"].pk).status == S.REPLIED
    assert Assignment.objects.get(pk=item["lead"].pk).status == A.REPLIED
    assert Assignment.objects.get(pk=item["police"].pk).status == A.DONE
    assert Notification.objects.filter(user=deputy, key__contains=":replied:").exists()
    actions = list(SuggestionEvent.objects.filter(suggestion=item["suggestion"]).values_list("action", flat=True))
    assert actions.count("reply_cosigned") == 2 and "unit_replied" in actions and "reply" in actions
    # The deputy rates the lead unit's reply; that alone completes the item.
    rate(deputy, Reply.objects.get(pk=reply.pk), Rating.Value.SATISFIED)
    assert Suggestion.objects.get(pk=item["suggestion"].pk).status == S.RATED


def test_a_joint_unit_never_replies_itself(item, police):
    contact(police, item["police"])
    error = refused(
        ValidationError,
        lambda: official_reply(police, item["police"]),
        item["suggestion"],
        "A joint unit co-signs the lead unit's reply",
    )
    assert "__all__" in error.message_dict


def test_the_lead_unit_cannot_reply_again_while_its_reply_is_with_the_joint_units(item, unit_officer):
    official_reply(unit_officer, item["lead"])
    refused(
        ValidationError,
        lambda: official_reply(unit_officer, item["lead"]),
        item["suggestion"],
        "with the joint units for their co-signature",
    )


def test_a_returned_reply_is_revised_in_the_same_round(item, unit_officer, police, finance):
    reply = official_reply(
        unit_officer, item["lead"], text="第一稿：经研究，我局将会同公安部门在年内完成停车泊位的增设。"
    )
    services.reply_cosign(actor=police, cosignature=cosignature(reply, item["police"]))

    # An opinion is required to return it.
    refused(
        ValidationError,
        lambda: services.reply_return(actor=finance, cosignature=cosignature(reply, item["finance"]), opinion="  "),
        item["suggestion"],
        "Say what the lead unit should change",
    )
    services.reply_return(
        actor=finance, cosignature=cosignature(reply, item["finance"]), opinion="资金来源表述不准确，请修改。"
    )
    returned = Reply.all_objects.get(pk=reply.pk)
    assert returned.status == RS.RETURNED
    assert Notification.objects.filter(user=unit_officer, body="资金来源表述不准确，请修改。").exists()
    # Nothing left to sign.
    refused(
        InvalidTransition,
        lambda: services.reply_cosign(actor=police, cosignature=cosignature(reply, item["police"])),
        item["suggestion"],
        "not waiting for your unit's co-signature",
    )

    revised = official_reply(
        unit_officer, item["lead"], text="第二稿：经研究，市财政已安排专项资金，年内完成停车泊位增设。"
    )
    assert revised.pk == reply.pk and revised.round == 1 and revised.status == RS.COSIGNING
    assert revised.attachments.count() == 1
    # Every joint unit co-signs the new version, including the one that had signed the first.
    assert set(ReplyCoSignature.objects.filter(reply=reply).values_list("status", "opinion")) == {(CS.PENDING, "")}
    services.reply_cosign(actor=police, cosignature=cosignature(reply, item["police"]))
    services.reply_cosign(actor=finance, cosignature=cosignature(reply, item["finance"]))
    sent = Reply.objects.get(pk=reply.pk)
    assert sent.text.startswith("第二稿") and sent.round == 1
    assert "reply_returned" in SuggestionEvent.objects.filter(suggestion=item["suggestion"]).values_list(
        "action", flat=True
    )


def test_the_wrong_actor_is_refused(item, deputy, staff, unit_officer, police, city):
    reply = official_reply(unit_officer, item["lead"])
    stranger = make_officer(city, "示例市教育局")
    mine = cosignature(reply, item["police"])
    for actor in (unit_officer, stranger, staff, deputy):
        refused(
            NotAllowed,
            lambda actor=actor: services.reply_cosign(actor=actor, cosignature=mine),
            item["suggestion"],
            "Only an officer of the assigned unit",
        )
        refused(
            NotAllowed,
            lambda actor=actor: services.reply_return(actor=actor, cosignature=mine, opinion="不同意"),
            item["suggestion"],
            "Only an officer of the assigned unit",
        )


def test_signing_twice_and_rating_an_unsent_reply_are_refused(item, deputy, unit_officer, police):
    reply = official_reply(unit_officer, item["lead"])
    services.reply_cosign(actor=police, cosignature=cosignature(reply, item["police"]))
    refused(
        InvalidTransition,
        lambda: services.reply_cosign(actor=police, cosignature=cosignature(reply, item["police"])),
        item["suggestion"],
        "not waiting for your unit's co-signature",
    )
    refused(
        InvalidTransition,
        lambda: services.reply_rate(actor=deputy, reply=Reply.all_objects.get(pk=reply.pk), value="satisfied"),
        item["suggestion"],
        "not waiting for a rating",
    )


def test_after_an_unsatisfied_rating_the_joint_units_co_sign_the_new_round(item, deputy, unit_officer, police, finance):
    first = official_reply(unit_officer, item["lead"])
    for officer, key in ((police, "police"), (finance, "finance")):
        services.reply_cosign(actor=officer, cosignature=cosignature(first, item[key]))
    rate(deputy, Reply.objects.get(pk=first.pk), Rating.Value.UNSATISFIED, "仍未解决")
    assert Suggestion.objects.get(pk=item["suggestion"].pk).status == S.REHANDLING

    second = official_reply(unit_officer, Assignment.objects.get(pk=item["lead"].pk))
    assert second.round == 2 and second.status == RS.COSIGNING
    # The deputy still sees round 1 only.
    assert list(Reply.objects.filter(assignment=item["lead"]).values_list("round", flat=True)) == [1]
    for officer, key in ((police, "police"), (finance, "finance")):
        services.reply_cosign(actor=officer, cosignature=cosignature(second, item[key]))
    assert Suggestion.objects.get(pk=item["suggestion"].pk).status == S.REPLIED
    assert list(Reply.objects.filter(assignment=item["lead"]).values_list("round", flat=True)) == [1, 2]


def test_only_the_lead_unit_replies_with_joint_and_assisting_units(deputy, staff, unit_officer, police, finance):
    suggestion, (lead, joint, assisting) = assigned_to(
        deputy, staff, [(unit_officer.unit, "lead"), (police.unit, "joint"), (finance.unit, "assisting")]
    )
    contact(unit_officer, lead)
    reply = official_reply(unit_officer, lead)
    services.reply_cosign(actor=police, cosignature=cosignature(reply, joint))
    # The assisting unit's view is not awaited by the deputy's reply; the lead's co-signed reply is the reply.
    assert Suggestion.objects.get(pk=suggestion.pk).status == S.REPLIED


def test_the_deputy_and_the_public_never_see_an_unsent_reply(client, item, deputy, unit_officer):
    official_reply(
        unit_officer, item["lead"], text="尚在会签中的答复：经研究，我局将会同公安、财政部门在年内新增停车泊位二百个。"
    )
    client.force_login(deputy)
    page = client.get(reverse("proposals_portal:detail", args=[item["suggestion"].pk])).content.decode()
    assert "尚在会签中的答复" not in page
    letter = Attachment.objects.get(suggestion=item["suggestion"], reply__isnull=False)
    url = reverse("proposals_portal:attachment", args=[item["suggestion"].pk, letter.pk])
    assert client.get(url).status_code == 404


def test_the_joint_units_page_offers_co_signing_not_the_reply_form(client, item, unit_officer, police):
    reply = official_reply(
        unit_officer, item["lead"], text="待会签的答复：经研究，我局将会同公安、财政部门在年内新增停车泊位二百个。"
    )
    client.force_login(police)
    page_url = reverse("proposals_unit:assignment", args=[item["police"].pk])
    page = client.get(page_url).content.decode()
    assert "待会签的答复" in page
    assert reverse("proposals_unit:cosign", args=[cosignature(reply, item["police"]).pk]) in page
    assert reverse("proposals_unit:reply", args=[item["police"].pk]) not in page
    # The lead's letter can be read by the joint unit.
    letter = Attachment.objects.get(reply_id=reply.pk)
    assert client.get(reverse("proposals_unit:attachment", args=[letter.pk])).status_code == 200
    # The reply form refuses a joint unit.
    response = client.post(
        reverse("proposals_unit:reply", args=[item["police"].pk]),
        {"text": "我单位自行答复", "signer": "王局长", "replied_on": timezone.localdate().isoformat(), "confirm": "on"},
    )
    assert response.status_code == 200 and "会办单位在主办单位的答复上会签" in response.content.decode()
    assert not Reply.all_objects.filter(assignment=item["police"]).exists()


def test_returning_without_an_opinion_shows_the_error_and_changes_nothing(client, item, unit_officer, police):
    reply = official_reply(unit_officer, item["lead"])
    mine = cosignature(reply, item["police"])
    client.force_login(police)
    before = state(item["suggestion"])
    response = client.post(reverse("proposals_unit:cosign_return", args=[mine.pk]), {"opinion": " "})
    assert response.status_code == 200
    assert "请写明主办单位应修改答复的哪些内容" in response.content.decode()
    assert state(item["suggestion"]) == before
    # Signing without the confirmation tick is refused too.
    response = client.post(reverse("proposals_unit:cosign", args=[mine.pk]), {})
    assert response.status_code != 302
    assert state(item["suggestion"]) == before
    # With the tick it is signed.
    response = client.post(reverse("proposals_unit:cosign", args=[mine.pk]), {"confirm": "on"})
    assert response.status_code == 302
    assert ReplyCoSignature.objects.get(pk=mine.pk).status == CS.SIGNED


def test_another_units_co_signature_is_not_found(client, item, unit_officer, finance):
    reply = official_reply(unit_officer, item["lead"])
    client.force_login(finance)
    other = cosignature(reply, item["police"])
    assert client.post(reverse("proposals_unit:cosign", args=[other.pk]), {"confirm": "on"}).status_code == 404
    assert ReplyCoSignature.objects.get(pk=other.pk).status == CS.PENDING


def test_the_lead_units_page_follows_the_co_signature_and_the_returned_opinion(client, item, unit_officer, finance):
    reply = official_reply(unit_officer, item["lead"])
    services.reply_return(actor=finance, cosignature=cosignature(reply, item["finance"]), opinion="请补充资金安排。")
    client.force_login(unit_officer)
    page = client.get(reverse("proposals_unit:assignment", args=[item["lead"].pk])).content.decode()
    assert "请补充资金安排。" in page and finance.unit.name in page
    form = client.get(reverse("proposals_unit:reply", args=[item["lead"].pk])).content.decode()
    # The previous text is kept in the form to revise, with the opinion above it.
    assert "请补充资金安排。" in form and reply.text in form


@override_settings(PROPOSALS_COSIGN_WORKDAYS=3)
def test_a_co_signature_still_missing_is_reminded_once(item, unit_officer, police, finance, time_machine):
    reply = official_reply(unit_officer, item["lead"])
    services.reply_cosign(actor=finance, cosignature=cosignature(reply, item["finance"]))
    sent_on = timezone.localdate()

    def scan(day):
        return cosignature_due(timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))))

    assert scan(add_workdays(sent_on, 2)) == 0
    due_day = add_workdays(sent_on, 3)
    assert scan(due_day) == 1
    assert scan(due_day) == 0
    assert scan(due_day + datetime.timedelta(days=1)) == 0
    reminders = Notification.objects.filter(user=police, key__startswith="cosignature:")
    assert reminders.count() == 1
    assert not Notification.objects.filter(user=finance, key__startswith="cosignature:").exists()
    services.reply_cosign(actor=police, cosignature=cosignature(reply, item["police"]))
    assert scan(due_day + datetime.timedelta(days=7)) == 0


def test_a_signed_letter_is_required_for_the_revision_too(item, unit_officer, finance):
    reply = official_reply(unit_officer, item["lead"])
    services.reply_return(actor=finance, cosignature=cosignature(reply, item["finance"]), opinion="请修改。")
    error = refused(
        ValidationError,
        lambda: official_reply(unit_officer, item["lead"], letter=None),
        item["suggestion"],
        "signed and stamped reply letter",
    )
    assert "letter" in error.message_dict
    assert Reply.all_objects.get(pk=reply.pk).status == RS.RETURNED


def test_the_joint_units_workbench_lists_the_reply_to_co_sign(client, item, unit_officer, police):
    reply = official_reply(unit_officer, item["lead"])
    client.force_login(police)
    link = reverse("proposals_unit:assignment", args=[item["police"].pk]) + "#cosign"
    page = client.get(reverse("portal:portal_home")).content.decode()
    assert link in page
    services.reply_cosign(actor=police, cosignature=cosignature(reply, item["police"]))
    assert link not in client.get(reverse("portal:portal_home")).content.decode()


def test_the_deputys_timeline_leaves_out_the_units_exchange(client, item, deputy, unit_officer, finance):
    reply = official_reply(unit_officer, item["lead"])
    services.reply_return(actor=finance, cosignature=cosignature(reply, item["finance"]), opinion="内部意见不给代表看")
    client.force_login(deputy)
    page = client.get(reverse("proposals_portal:detail", args=[item["suggestion"].pk])).content.decode()
    assert "内部意见不给代表看" not in page
    assert "会办单位提出意见退回答复" not in page
    # That the reply went to the joint units is shown.
    assert "主办单位答复已送会办单位会签" in page


def test_the_office_page_shows_the_co_signature_in_progress(staff_client, item, unit_officer, finance):
    reply = official_reply(unit_officer, item["lead"])
    services.reply_return(actor=finance, cosignature=cosignature(reply, item["finance"]), opinion="办公室可见的意见")
    page = staff_client.get(reverse("proposals_office:detail", args=[item["suggestion"].pk])).content.decode()
    assert "办公室可见的意见" in page
