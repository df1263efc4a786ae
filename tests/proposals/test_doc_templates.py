"""Word templates staff can replace (docxtpl): the shipped defaults, uploads checked before
anything is saved (a real .docx, fields that parse, only fields the document provides, a
trial fill), one template in use per congress and document, the scope of district staff,
and a template that fails at download time set aside for the default with a message."""

import datetime
import importlib.util
import io
import zipfile
from pathlib import Path

import docx
import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from proposals import documents, services_handling
from proposals.models import DocumentTemplate, UrgingNotice

from ..builders import PDF_BYTES, assigned_to, docx_text, replied, upload

pytestmark = pytest.mark.django_db
ADD = "admin:proposals_documenttemplate_add"
Kind = DocumentTemplate.Kind
CHANGELIST_QUERIES = 12
LETTER_QUERIES = 11  # the template lookup is one of them, found or not


def template_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def post_template(client, congress, kind, content: bytes, *, name="模板.docx", note="本单位模板", active=True):
    data = {"congress": congress.pk, "kind": kind, "note": note, "file": upload(name, content), "_save": "1"}
    if active:
        data["is_active"] = "on"
    return client.post(reverse(ADD), data)


def form_errors(response) -> str:
    return " ".join(str(e) for e in response.context["adminform"].form.errors.get("file", []))


def letter_url(assignment):
    return reverse("proposals_office:assignment_letter", args=[assignment.pk])


@pytest.fixture
def lead(deputy, staff, unit_officer):
    _s, (assignment,) = assigned_to(deputy, staff, [(unit_officer.unit, "lead")], assigned_on=datetime.date(2026, 3, 2))
    return assignment


# --- The shipped defaults ------------------------------------------------------------------------


def test_each_default_renders_with_no_tag_left(staff_client, deputy, staff, unit_officer, time_machine):
    suggestion, assignment, _reply = replied(deputy, staff, unit_officer, code="A", text="答复正文")
    assert not DocumentTemplate.objects.exists()
    letter = docx_text(staff_client.get(letter_url(assignment)).content)
    summary = docx_text(staff_client.get(reverse("proposals_office:reply_summary", args=[suggestion.pk])).content)
    notice = UrgingNotice.objects.create(
        assignment=assignment, number=1, text="请抓紧办理。", sent_by=staff, deadline_then=assignment.deadline
    )
    urging = docx_text(staff_client.get(reverse("proposals_office:urging_letter", args=[notice.pk])).content)
    for text in (letter, summary, urging):
        assert "{{" not in text and "{%" not in text and "}}" not in text
        assert suggestion.number_label in text and unit_officer.unit.name in text
    assert "答复正文" in summary and "请抓紧办理。" in urging and suggestion.title in letter


def test_every_default_uses_only_its_documented_fields():
    for kind in Kind.values:
        content = documents.default_path(kind).read_bytes()
        documents.template_check(kind=kind, upload=upload(f"{kind}.docx", content))  # raises if not


def test_shipped_defaults_are_what_the_script_builds():
    path = Path(__file__).resolve().parents[2] / "scripts" / "build_docx_templates.py"
    spec = importlib.util.spec_from_file_location("build_docx_templates", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    for kind in Kind.values:
        built = zipfile.ZipFile(io.BytesIO(script.build(kind))).read("word/document.xml")
        shipped = zipfile.ZipFile(documents.default_path(kind)).read("word/document.xml")
        assert built == shipped, f"{kind}: run scripts/build_docx_templates.py"


# --- Uploads -------------------------------------------------------------------------------------


def test_an_uploaded_template_with_known_fields_is_used(staff_client, staff, city, lead):
    content = template_bytes("本办交办函", "建议编号：{{ number }}；承办单位：{{ unit }}", "{{ body }}")
    response = post_template(staff_client, city, Kind.ASSIGNMENT_LETTER, content)
    assert response.status_code == 302
    template = DocumentTemplate.objects.get()
    assert template.uploaded_by == staff and template.is_active and template.congress == city
    text = docx_text(staff_client.get(letter_url(lead)).content)
    lead.suggestion.refresh_from_db()
    assert "本办交办函" in text
    assert f"建议编号：{lead.suggestion.number_label}；承办单位：{lead.unit.name}" in text


def test_unknown_field_is_refused_naming_it_and_nothing_is_saved(staff_client, city):
    content = template_bytes("{{ number }}", "{{ deputy_mobile }}")
    response = post_template(staff_client, city, Kind.URGING_NOTICE, content, note="带手机号")
    assert response.status_code == 200
    errors = form_errors(response)
    assert "deputy_mobile" in errors and "addressee" in errors and "head_name" in errors
    assert not DocumentTemplate.objects.exists()
    assert response.context["adminform"].form["note"].value() == "带手机号"  # what was typed is kept
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        documents.template_check(kind=Kind.URGING_NOTICE, upload=upload("模板.docx", content))
    assert "does not provide: deputy_mobile. The fields available are: unit、head_name" in str(refused.value)


def test_unknown_attribute_fails_the_trial_fill(staff_client, city):
    content = template_bytes("{%p for unit in units %}", "{{ unit.phone }}", "{%p endfor %}")
    response = post_template(staff_client, city, Kind.REPLY_SUMMARY, content)
    assert "phone" in form_errors(response)
    assert not DocumentTemplate.objects.exists()


def test_broken_jinja_is_refused_with_the_place(staff_client, city):
    content = template_bytes("第一段正文", "编号{{ number ", "结尾")
    response = post_template(staff_client, city, Kind.ASSIGNMENT_LETTER, content)
    errors = form_errors(response)
    assert response.status_code == 200 and "编号{{ number" in errors
    assert not DocumentTemplate.objects.exists()


@pytest.mark.parametrize(
    "name, content",
    [("模板.docx", PDF_BYTES), ("模板.pdf", PDF_BYTES), ("模板.docx", b"just text, not a zip")],
)
def test_a_file_that_is_not_a_word_document_is_refused(staff_client, city, name, content):
    response = post_template(staff_client, city, Kind.ASSIGNMENT_LETTER, content, name=name)
    assert response.status_code == 200 and form_errors(response)
    assert not DocumentTemplate.objects.exists()


def test_activation_swaps_the_template_in_use(staff_client, city):
    for note in ("第一版", "第二版"):
        assert (
            post_template(
                staff_client, city, Kind.ASSIGNMENT_LETTER, template_bytes("{{ number }}"), note=note
            ).status_code
            == 302
        )
    first, second = DocumentTemplate.objects.order_by("pk")
    assert (first.is_active, second.is_active) == (False, True)
    changelist = reverse("admin:proposals_documenttemplate_changelist")
    staff_client.post(changelist, {"action": "activate", "_selected_action": [first.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_active, second.is_active) == (True, False)
    staff_client.post(changelist, {"action": "deactivate", "_selected_action": [first.pk]})
    assert not DocumentTemplate.objects.filter(is_active=True).exists()


def test_defaults_and_the_field_list_are_offered_on_the_upload_page(staff_client):
    page = staff_client.get(reverse(ADD)).content.decode()
    for kind in Kind.values:
        assert reverse("admin:proposals_documenttemplate_default", args=[kind]) in page
    assert "addressee" in page and "reassign_by" in page
    response = staff_client.get(reverse("admin:proposals_documenttemplate_default", args=["urging_notice"]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content if response.streaming else [response.content]) == (
        documents.default_path("urging_notice").read_bytes()
    )
    assert staff_client.get(reverse("admin:proposals_documenttemplate_default", args=["nope"])).status_code == 404


# --- Scope -----------------------------------------------------------------------------------------


def test_district_staff_neither_see_nor_upload_the_citys_templates(client, staff, district_staff, city, district):
    city_template = documents.template_save(
        actor=staff,
        template=DocumentTemplate(
            congress=city,
            kind=Kind.ASSIGNMENT_LETTER,
            file=ContentFile(template_bytes("{{ number }}"), name="市模板.docx"),
            note="市模板",
        ),
    )
    client.force_login(district_staff)
    changelist = client.get(reverse("admin:proposals_documenttemplate_changelist"))
    assert changelist.status_code == 200 and "市模板" not in changelist.content.decode()
    change = client.get(reverse("admin:proposals_documenttemplate_change", args=[city_template.pk]))
    assert change.status_code in (302, 404)
    download = client.get(reverse("admin:proposals_documenttemplate_download", args=[city_template.pk]))
    assert download.status_code == 404
    response = post_template(client, city, Kind.ASSIGNMENT_LETTER, template_bytes("{{ number }}"), note="越权")
    assert response.status_code == 200 and "congress" in response.context["adminform"].form.errors
    client.post(
        reverse("admin:proposals_documenttemplate_changelist"),
        {"action": "deactivate", "_selected_action": [city_template.pk]},
    )
    assert list(DocumentTemplate.objects.values_list("note", "is_active")) == [("市模板", True)]
    # Their own congress: allowed.
    assert post_template(client, district, Kind.ASSIGNMENT_LETTER, template_bytes("{{ number }}")).status_code == 302


def test_services_refuse_staff_of_another_congress(staff, district_staff, city):
    from core.exceptions import NotAllowed

    template = DocumentTemplate(
        congress=city, kind=Kind.REPLY_SUMMARY, file=ContentFile(template_bytes("x"), name="x.docx"), uploaded_by=staff
    )
    with pytest.raises(NotAllowed):
        documents.template_save(actor=district_staff, template=template)
    assert not DocumentTemplate.objects.exists()


# --- A template failing at download time -----------------------------------------------------------


def test_a_failing_active_template_falls_back_to_the_default_with_a_message(staff_client, staff, city, lead):
    # Written past the upload check (as a damaged or hand-placed file would be).
    broken = DocumentTemplate.objects.create(
        congress=city,
        kind=Kind.ASSIGNMENT_LETTER,
        file=ContentFile(template_bytes("{{ title.nope }}"), name="坏模板.docx"),
        uploaded_by=staff,
        note="坏模板",
    )
    response = staff_client.get(letter_url(lead))
    assert response.status_code == 200
    text = docx_text(response.content)
    lead.suggestion.refresh_from_db()
    assert lead.suggestion.number_label in text and "{{" not in text  # the shipped default
    with translation.override("zh-hans"):
        notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(notes) == 1 and "坏模板" in notes[0] and "nope" in notes[0]
    broken.refresh_from_db()
    assert broken.is_active  # the office decides what to do with it


def test_a_missing_template_file_also_falls_back(staff_client, staff, city, lead):
    template = DocumentTemplate.objects.create(
        congress=city, kind=Kind.ASSIGNMENT_LETTER, file="document-templates/2026/gone.docx", uploaded_by=staff
    )
    response = staff_client.get(letter_url(lead))
    assert response.status_code == 200 and docx_text(response.content)
    assert len(list(get_messages(response.wsgi_request))) == 1
    assert template.pk


def test_urging_letter_is_addressed_to_the_head_in_the_default(staff_client, staff, lead, unit_officer, time_machine):
    unit = unit_officer.unit
    unit.head_name, unit.head_title = "王建国", "局长"
    unit.save()
    time_machine.move_to(datetime.datetime.combine(lead.deadline + datetime.timedelta(days=2), datetime.time(10)))
    notice = services_handling.urging_notice_send(actor=staff, assignment=lead)
    text = docx_text(staff_client.get(reverse("proposals_office:urging_letter", args=[notice.pk])).content)
    assert f"{unit.name}王建国局长：" in text


# --- Query counts --------------------------------------------------------------------------------------


def _templates(staff, city, n):
    for i in range(n):
        documents.template_save(
            actor=staff,
            template=DocumentTemplate(
                congress=city,
                kind=Kind.values[i % 3],
                file=ContentFile(template_bytes("{{ number }}"), name=f"t{i}.docx"),
                note=f"模板{i}",
                uploaded_by=staff,
            ),
        )


@pytest.mark.parametrize("n", [1, 6])
def test_the_changelist_costs_the_same_whatever_the_number(staff_client, staff, city, n, django_assert_num_queries):
    _templates(staff, city, n)
    url = reverse("admin:proposals_documenttemplate_changelist")
    staff_client.get(url)  # warm the session and the content types
    with django_assert_num_queries(CHANGELIST_QUERIES):
        assert staff_client.get(url).status_code == 200


@pytest.mark.parametrize("active", [False, True])
def test_a_letter_costs_the_same_with_or_without_an_uploaded_template(
    staff_client, staff, city, lead, active, django_assert_num_queries
):
    if active:
        _templates(staff, city, 1)  # an assignment letter template
    url = letter_url(lead)
    staff_client.get(url)
    with django_assert_num_queries(LETTER_QUERIES):
        assert staff_client.get(url).status_code == 200
