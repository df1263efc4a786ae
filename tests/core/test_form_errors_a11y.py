"""Issue 16: on a form sent back with errors, every invalid field says so (aria-invalid) and
names its own error message (aria-describedby, help text kept), and the summary is announced."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from ..builders import assigned_to, english

pytestmark = pytest.mark.django_db
CONTROLS = {"input", "select", "textarea", "fieldset"}


class Page(HTMLParser):
    """Every element's attributes and, for those with an id, their text."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements, self.texts, self.open = [], {}, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if attrs.get("id") and tag not in {"input", "br", "img", "meta", "link", "hr"}:
            self.texts.setdefault(attrs["id"], "")
            self.open.append((tag, attrs["id"]))
        elif tag not in {"input", "br", "img", "meta", "link", "hr"}:
            self.open.append((tag, None))

    def handle_endtag(self, tag):
        while self.open:
            open_tag, _ = self.open.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        for _, element_id in self.open:
            if element_id:
                self.texts[element_id] += data

    def named(self, name):
        return [attrs for tag, attrs in self.elements if tag in CONTROLS and attrs.get("name") == name]

    def with_id(self, element_id):
        return next(attrs for tag, attrs in self.elements if attrs.get("id") == element_id)


def described_errors(page, attrs):
    return [page.texts[i] for i in attrs.get("aria-describedby", "").split() if i in page.texts]


def check(response, expected):
    """Each named field: aria-invalid, and an aria-describedby id whose text holds its error."""
    assert response.status_code == 200
    html = response.content.decode()
    page = Page(html)
    form = response.context["form"]
    problems = []
    for name, words in expected.items():
        bound = form[name]
        assert bound.errors, name
        controls = page.named(bound.html_name)
        assert controls, name
        for attrs in controls:
            if attrs.get("type") == "hidden":
                continue
            if attrs.get("aria-invalid") != "true":
                problems.append(f"{name}: no aria-invalid {attrs}")
            texts = described_errors(page, attrs)
            if not any(words in t for t in texts):
                problems.append(f"{name}: not described by its error {attrs} {texts}")
            missing = [i for i in attrs.get("aria-describedby", "").split() if i not in page.texts]
            if missing:
                problems.append(f"{name}: describedby points nowhere {missing}")
    assert not problems, problems
    return page


def summary(page):
    """The announced summary box and the targets of its links."""
    boxes = [attrs for tag, attrs in page.elements if tag == "div" and "form-errors" in attrs.get("class", "")]
    assert boxes and all(box.get("role") == "alert" for box in boxes), boxes
    return {attrs["href"] for tag, attrs in page.elements if tag == "a" and attrs.get("href", "").startswith("#id_")}


def test_the_deputys_suggestion_form(deputy_client):
    data = {"kind": "suggestion", "title": "", "body": "", "field": "", "session": "", "action": "save"}
    response = english(deputy_client).post(reverse("proposals_portal:new"), data)
    page = check(response, {"title": "Enter a title.", "body": "Enter the text.", "field": "Choose the field"})
    body = page.named("body")[0]
    assert body["aria-describedby"].split() == ["id_body_helptext", "id_body_error"]  # the help text is kept
    assert "Plain text." in page.texts["id_body_helptext"]
    assert summary(page) >= {"#id_title", "#id_body", "#id_field"}
    for valid in ("kind", "session"):
        for attrs in page.named(valid):
            assert "aria-invalid" not in attrs and "_error" not in attrs.get("aria-describedby", ""), attrs


def test_the_units_reply_form(client, deputy, staff, unit_officer):
    _s, (assignment,) = assigned_to(deputy, staff, [(unit_officer.unit, "lead")])
    client.force_login(unit_officer)
    data = {"c-TOTAL_FORMS": "1", "c-INITIAL_FORMS": "0", "c-MIN_NUM_FORMS": "0", "c-MAX_NUM_FORMS": "30"}
    data |= {"c-0-content": "", "c-0-due_date": "", "replied_on": "not-a-date", "signer": "张局长"}
    response = english(client).post(reverse("proposals_unit:reply", args=[assignment.pk]), data)
    page = check(response, {"text": "Enter the reply text.", "replied_on": "Enter a valid date"})
    letter = page.named("letter")[0]
    assert letter["aria-invalid"] == "true" and "id_letter_error" in letter["aria-describedby"].split()
    assert "reply letter" in page.texts["id_letter_error"]
    signer = page.named("signer")[0]
    assert "aria-invalid" not in signer and "_error" not in signer.get("aria-describedby", "")
    links = summary(page)
    assert {"#id_text", "#id_replied_on", "#id_letter", "#id_category_0"} <= links  # radios: the first one
    assert "#id_signer" not in links
    assert all(page.with_id(href[1:]) for href in links)  # each link reaches a real element


def test_the_login_form_announces_its_errors(client, deputy):
    response = english(client).post("/accounts/login/", {"login": deputy.email, "password": "not-the-password"})
    page = Page(response.content.decode())
    assert response.status_code == 200
    alert = next(attrs for tag, attrs in page.elements if attrs.get("role") == "alert")
    assert "form-errors" in alert["class"]
    assert "Please correct the following:" in response.content.decode()
    assert "not correct" in response.content.decode()


def test_the_empty_login_form_ties_each_error_to_its_field(client):
    response = english(client).post("/accounts/login/", {"login": "", "password": ""})
    page = check(response, {"login": "This field is required.", "password": "This field is required."})
    assert page.named("password")[0]["aria-describedby"].split() == ["id_password_helptext", "id_password_error"]
    assert summary(page) == {"#id_login", "#id_password"}


def test_the_staffs_paper_entry_form(staff_client, deputy):
    data = {"lead_deputy": "999999", "kind": "suggestion", "title": "纸质", "body": "正文"}
    page = check(english(staff_client).post(reverse("proposals_office:new"), data), {"lead_deputy": "valid choice"})
    assert summary(page) == {"#id_lead_deputy"}
    data |= {"lead_deputy": deputy.mandate.pk, "title": ""}
    page = check(english(staff_client).post(reverse("proposals_office:new"), data), {"title": "title"})
    body = page.named("body")[0]
    assert "aria-invalid" not in body and "_error" not in body.get("aria-describedby", "")
    assert summary(page) == {"#id_title"}


def test_a_valid_login_form_marks_nothing(client):
    page = Page(english(client).get("/accounts/login/").content.decode())
    for name in ("login", "password"):
        attrs = page.named(name)[0]
        assert "aria-invalid" not in attrs and "_error" not in attrs.get("aria-describedby", "")
    assert not [attrs for tag, attrs in page.elements if attrs.get("role") == "alert"]
