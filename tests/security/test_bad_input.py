"""No bad input ever gives a server error: every URL of the site, as every role, with bad values.

The URLs come from the project's resolver (``get_resolver()``, walked recursively), so a new page is
tested the day it is added. The admin (its own test) and static files are left out. Path
converters get real ids from a small dataset built with ``tests/builders.py`` (suggestions in
several states, activities, deputies, notifications, ...) and bad ones (0, 10**20).

For each URL and role (anonymous, deputy, unit officer, city staff, district staff):

- every page with real ids is fetched once (at set-up, in ``world``) and must answer below 500;
  its ``<form method=get>`` fields and its links' query keys are the parameters the page reads,
  its ``<form method=post>`` fields the form the page posts (indexed by the form's action);
- hypothesis sends GET requests with bad query values (non-numbers, NUL raw and ``%00``, bad
  UTF-8 escapes, a 100,000-character string, impossible dates, huge and negative numbers,
  repeated keys) and POSTs the page's own forms with one field at a time replaced by a bad value
  (junk bytes for a file field);
- one POST without a CSRF token answers 403.

Every answer is below 500, and a refusal (4xx, or a POST answered 200: the form shown again with
its errors) writes no row: a fingerprint of the database (count and max id of every table of the
project's apps) is the same before and after.

Set ``BAD_INPUT_PROFILE=bad-input-long`` for a longer local run.
"""

import datetime
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote_plus, urljoin, urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import builders, factories

# --- Settings ----------------------------------------------------------------------------------

settings.register_profile(
    "bad-input",
    max_examples=6,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile(
    "bad-input-long",
    max_examples=60,
    derandomize=False,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
PROFILE = settings.get_profile(os.environ.get("BAD_INPUT_PROFILE", "bad-input"))

ROLES = ("anonymous", "deputy", "unit_officer", "staff", "district_staff")
PROJECT_APPS = {
    "core",
    "notifications",
    "accounts",
    "dataio",
    "deputies",
    "activities",
    "proposals",
    "liaison",
    "livelihood",
    "training",
    "archive",
    "portal",
}
# The security log records refusals on purpose (failed logins, denied pages).
FINGERPRINT_SKIP = {("accounts", "securityevent")}
EXCLUDED_PREFIXES = ("admin/", "static/", "media/")
# Rows of each model a URL names, at most.
REAL_IDS = 4
BAD_IDS = (0, 10**20)
COMMON_PARAMS = ("page", "q", "sort", "o", "status", "year", "session", "unit", "from", "to", "date", "format")

# Query and form values nobody should be able to break a page with: (text, sent raw?). Raw ones go
# into the query string or urlencoded body as they are: bad percent escapes, a NUL byte.
BAD_TEXT = (
    "abc",
    "\x00",
    "a\x00b",
    "x" * 100_000,
    "2024-02-30",
    "9999-99-99",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "2024-13-01",
    "99999",
    "10000",
    "2147483648",
    "9223372036854775808",
    "-1",
    "0",
    "99999999999999999999",
    "-99999999999999999999",
    "1.5",
    "1e309",
    "NaN",
    "inf",
    " ",
    "",
    "１２",
    "١٢٣",
    "1_000",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "../../etc/passwd",
    "//evil.example/",
    "\u202e\ufeff",
    "𠜎" * 5,
    "true",
)
# Ids in a field's name (status-<id>): unicode digits that str.isdigit() takes and int() refuses, huge ones.
BAD_NUMBERED_NAMES = ("²", "①", "١٢", "99999999999999999999", "-1", "0", "1.5", "x")
BAD_RAW = ("%00", "%ff%fe", "%", "%zz", "\x00", "%c0%80")
MISSING = object()
# The values the deterministic sweep puts in each field in turn.
SWEEP = ("x" * 100_000, "99999999999999999999", "2024-02-30", "abc", "-1", "0001-01-01", "１２", "")

PDF = builders.PDF_BYTES
JUNK_FILES = (
    b"",
    b"\x00" * 64,
    builders.EXE_BYTES,
    b"%PDF-1.4\n<script>alert(1)</script>",
    b"PK\x03\x04" + b"\xff" * 100,
    b"<html><script>alert(1)</script></html>",
)


# --- The URLs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str  # "portal/suggestions/<int:pk>/"
    pattern: object  # the URLPattern's pattern chain, for reverse-free filling
    parts: tuple  # literal text and ("kw", converter) pieces, in order
    callback: object

    @property
    def kwargs(self):
        return [p for p in self.parts if isinstance(p, tuple)]


_CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def _parts(text: str, is_regex: bool) -> list:
    if is_regex:
        text = text.lstrip("^").rstrip("$")
        out, last = [], 0
        for m in _REGEX_GROUP.finditer(text):
            out.append(text[last : m.start()])
            out.append((m["name"], "regex"))
            last = m.end()
        out.append(text[last:])
        return [p for p in out if p != ""]
    out, last = [], 0
    for m in _CONVERTER.finditer(text):
        out.append(text[last : m.start()])
        out.append((m["name"], m["conv"] or "str"))
        last = m.end()
    out.append(text[last:])
    return [p for p in out if p != ""]


def walk(patterns=None, prefix=(), route=""):
    """Every URL pattern of the site, through every include."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        is_regex = p.pattern.__class__.__name__ == "RegexPattern"
        text = str(p.pattern)
        pieces = prefix + tuple(_parts(text, is_regex))
        shown = route + (text.lstrip("^").rstrip("$") if is_regex else text)
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, pieces, shown)
        elif isinstance(p, URLPattern):
            yield Route(route=shown, pattern=p.pattern, parts=pieces, callback=p.callback)


ROUTES = [r for r in walk() if not r.route.startswith(EXCLUDED_PREFIXES)]


def fill(route: Route, values: dict) -> str:
    return "/" + "".join(str(values[p[0]]) if isinstance(p, tuple) else p for p in route.parts)


# Which model an id names: by the kwarg's own name, else by the path segment before it.
KWARG_MODELS = {
    "attachment_pk": "proposals.Attachment",
    "cosigner_pk": "proposals.CoSigner",
    "reply_pk": "proposals.Reply",
    "deputy_id": "deputies.Deputy",
    "file_pk": "activities.LetterAttachment",
    "milestone": "livelihood.Milestone",
    "observation": "livelihood.Observation",
    "session_pk": "training.Session",
}
SEGMENT_MODELS = {
    "suggestions": "proposals.Suggestion",
    "proposals": "proposals.Suggestion",
    "assignments": "proposals.Assignment",
    "replies": "proposals.Reply",
    "commitments": "proposals.Commitment",
    "attachments": "proposals.Attachment",
    "activities": "activities.Activity",
    "inbox": "notifications.Notification",
    "archive": "deputies.Deputy",
    "letters": "activities.DeputyLetter",
    "items": "livelihood.Item",
    "projects": "livelihood.Project",
    "courses": "training.Course",
    "materials": "training.Material",
    "requests": "training.DataRequest",
    "stations": "liaison.Station",
    "opinions": "liaison.Opinion",
    "awards": "proposals.Award",
}


def _model_for(route: Route, name: str):
    if name in KWARG_MODELS:
        return apps.get_model(KWARG_MODELS[name])
    before = ""
    for part in route.parts:
        if isinstance(part, tuple) and part[0] == name:
            break
        if not isinstance(part, tuple):
            segments = [s for s in part.split("/") if s]
            before = segments[-1] if segments else before
    label = SEGMENT_MODELS.get(before)
    return apps.get_model(label) if label else None


def _sample_ids(model) -> list[int]:
    """Up to REAL_IDS ids, suggestions one per state (drafts to closed)."""
    if model is None or not model.objects.exists():
        return [1]
    if model._meta.label == "proposals.Suggestion":
        seen, ids = set(), []
        for pk, status in model.objects.order_by("pk").values_list("pk", "status"):
            if status not in seen:
                seen.add(status)
                ids.append(pk)
        return ids[: REAL_IDS + 3]
    return list(model.objects.order_by("pk").values_list("pk", flat=True)[:REAL_IDS])


def real_paths(route: Route, world) -> list[str]:
    kwargs = route.kwargs
    if not kwargs:
        return [fill(route, {})]
    names = [k[0] for k in kwargs]
    if names == ["uidb64", "token"]:
        uid, token = world.invitation
        return [fill(route, {"uidb64": uid, "token": token})]
    if any(conv not in ("int",) for _n, conv in kwargs):
        # Keys of allauth's e-mail links, an action's slug and the like: a made-up text, real ids.
        return [
            fill(
                route, {n: (_sample_ids(_model_for(route, n))[0] if conv == "int" else "abc-123") for n, conv in kwargs}
            )
        ]
    models = [_model_for(route, n) for n in names]
    if len(names) == 1:
        return [fill(route, {names[0]: pk}) for pk in _sample_ids(models[0])]
    parent, child = models[0], models[1]
    link = None
    if child is not None and parent is not None:
        link = next((f for f in child._meta.fields if f.related_model is parent), None)
    paths = []
    if link is not None:
        for obj in child.objects.order_by("pk")[:REAL_IDS]:
            paths.append(fill(route, {names[0]: getattr(obj, link.attname), names[1]: obj.pk}))
    if not paths:
        for a in _sample_ids(parent)[:3]:
            for b in _sample_ids(child)[:2]:
                paths.append(fill(route, {names[0]: a, names[1]: b}))
    return paths


def _resolves(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def bad_paths(route: Route, world) -> list[str]:
    names = [k[0] for k in route.kwargs]
    if not names:
        return []
    real = real_paths(route, world)
    out = []
    for bad in BAD_IDS:
        out.append(fill(route, {n: bad for n in names}))
    if len(names) > 1 and real:
        # A real parent with a child that is not its own.
        first = real[0].split("/")
        out.append("/".join(first[:-2] + ["0", ""]) if first[-1] == "" else real[0])
    if any(conv != "int" for _n, conv in route.kwargs):
        out.append(fill(route, {n: "%00" for n in names}))
        out.append(fill(route, {n: "x" * 3000 for n in names}))
    return out


# --- Reading pages -----------------------------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str
    fields: list = field(default_factory=list)  # [name, kind, value, options, multiple]

    def names(self):
        return [f[0] for f in self.fields]

    def has_file(self):
        return any(f[1] == "file" for f in self.fields)


class PageParser(HTMLParser):
    """The forms of a page and the query keys of its links."""

    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self.link_keys: dict[str, set] = {}
        self._form = None
        self._select = None
        self._textarea = None

    def _abs(self, href: str) -> str:
        return urljoin("http://testserver" + self.page_path, href or "")

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select[3].append(value)
            if "selected" in a:
                self._select[2] = value
        elif tag == "a" and a.get("href"):
            url = urlsplit(self._abs(a["href"]))
            if url.netloc == "testserver" and url.query:
                keys = self.link_keys.setdefault(url.path, set())
                keys.update(k.split("=", 1)[0] for k in url.query.split("&") if k)
        elif tag == "form":
            action = urlsplit(self._abs(a.get("action") or ""))
            if action.netloc == "testserver":
                self._form = Form(method=(a.get("method") or "get").lower(), action=action.path)
                self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                # Offered, not chosen: keep the name with its value as an option.
                self._form.fields.append([a["name"], kind + "-off", a.get("value", "on"), [], False])
            else:
                self._form.fields.append([a["name"], kind, a.get("value", ""), [], False])
        elif tag == "button" and (a.get("type") or "submit") == "submit":
            self._form.fields.append([a["name"], "submit", a.get("value", ""), [], False])
        elif tag == "select":
            self._select = [a["name"], "select", None, [], "multiple" in a]
            self._form.fields.append(self._select)
        elif tag == "textarea":
            self._textarea = [a["name"], "textarea", "", [], False]
            self._form.fields.append(self._textarea)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse_page(path: str, html: str):
    parser = PageParser(path)
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - a page we cannot read has no forms to try
        return [], {}
    return parser.forms, parser.link_keys


def baseline_data(form: Form) -> dict:
    """What a user submitting the form unchanged sends: the first submit button, checked boxes."""
    data: dict[str, list] = {}
    submitted = False
    for name, kind, value, options, _multiple in form.fields:
        if kind.endswith("-off") or kind in ("reset", "image"):
            continue
        if kind == "submit":
            if submitted:
                continue
            submitted = True
        if kind == "file":
            data.setdefault(name, []).append(SimpleUploadedFile("答复函.pdf", PDF, "application/pdf"))
            continue
        if kind == "select" and value is None:
            value = next((o for o in options if o), "")
        data.setdefault(name, []).append(value if value is not None else "")
    return data


# --- The database fingerprint ------------------------------------------------------------------


def _fingerprint_sql() -> str:
    q = connection.ops.quote_name
    parts = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in PROJECT_APPS or (meta.app_label, meta.model_name) in FINGERPRINT_SKIP:
            continue
        if meta.proxy or not meta.managed:
            continue
        parts.append(f"SELECT '{meta.label}', COUNT(*), MAX({q(meta.pk.column)}) FROM {q(meta.db_table)}")
    return " UNION ALL ".join(parts)


def fingerprint() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        return {label: (count, top) for label, count, top in cursor.fetchall()}


def changed(before: dict, after: dict) -> dict:
    return {k: (before.get(k), after.get(k)) for k in after if before.get(k) != after.get(k)}


# --- The dataset -------------------------------------------------------------------------------


@dataclass
class World:
    users: dict
    invitation: tuple
    media: str
    # (role, path) -> status of the plain GET at set-up.
    statuses: dict = field(default_factory=dict)
    # (role, action path) -> [Form] (method post).
    post_forms: dict = field(default_factory=dict)
    # (role, path) -> parameter names the page reads.
    get_keys: dict = field(default_factory=dict)


def _totp(user):
    TOTP.activate(user, generate_totp_secret())
    return user


def build_world(media) -> World:
    from accounts.services import invitation_link, user_sync_roles
    from activities.models import Participation
    from notifications.services import notify
    from proposals import services
    from proposals.models import Rating, Suggestion

    city = factories.CongressFactory()
    term = factories.TermFactory(congress=city)
    electoral_unit = factories.ElectoralUnitFactory(congress=city, name="玄武区")
    district = factories.DistrictCongressFactory(parent=city, name="示例市玄武区人民代表大会", short_name="玄武区")
    session = factories.SessionFactory(term=term, number=2, name="市十七届人大二次会议")
    staff = _totp(factories.StaffFactory(congress=city, full_name="工作人员甲"))
    district_staff = _totp(factories.StaffFactory(congress=district, full_name="区工作人员"))
    deputy = builders.make_deputy_user(city, term, "李代表", electoral_unit)
    deputy2 = builders.make_deputy_user(city, term, "王代表", electoral_unit)
    officer = builders.make_officer(city, "示例市交通运输局")
    officer2 = builders.make_officer(city, "示例市住房和城乡建设局")
    invited = factories.UserFactory(full_name="待激活用户")
    user_sync_roles(user=invited)
    builders.published_guide(city)

    # Suggestions in several states.
    draft = builders.draft(deputy, session=session)
    services.attachment_add(actor=deputy, suggestion=draft, upload=builders.pdf())
    services.cosigner_invite(actor=deputy, suggestion=draft, deputies=[deputy2.mandate])
    builders.draft(deputy2, title="关于增设社区养老服务站的建议")
    builders.submitted(deputy, title="关于规范共享单车停放的建议", session=session)
    builders.draft(deputy, title="关于制定养犬管理条例的议案", kind=Suggestion.Kind.MOTION)
    builders.accepted(deputy, staff, title="关于优化公交线网的建议")
    _s, (a1, a2) = builders.assigned_to(
        deputy, staff, [(officer.unit, "lead"), (officer2.unit, "joint")], title="关于治理交通拥堵的建议"
    )
    services.assignment_request_reassign(actor=officer2, assignment=a2, reason="不属于本单位职责")
    services.contact_log_add(actor=officer, assignment=a1, **_contact_fields())
    replied, _assignment, reply = builders.replied(deputy, staff, officer, code="B", title="关于加快老旧小区改造的建议")
    services.attachment_add(actor=officer, suggestion=replied, upload=builders.pdf("签发件.pdf"), reply=reply)
    handled = builders.handled(deputy, staff, [officer], title="关于增加学校周边停车位的建议")
    attachment = services.attachment_add(actor=staff, suggestion=handled, upload=builders.pdf("附件.pdf"))
    services.attachment_set_public(actor=staff, attachment=attachment, public=True)
    _rated, _assignment, disputed = builders.replied(deputy, staff, officer, code="C", title="关于整治噪声扰民的建议")
    builders.rate(deputy, disputed, Rating.Value.UNSATISFIED, comment="未解决")
    services.third_party_evaluation_add(
        actor=staff,
        reply=disputed,
        evaluator="第三方评估机构",
        evaluated_on=timezone.localdate(),
        conclusion="答复属实",
        score=90,
    )

    # Activities: an invitation to answer, one the officer records, a past one attended.
    today = timezone.localdate()
    soon = factories.ActivityFactory(congress=city, recorder=staff, start_date=today + datetime.timedelta(days=5))
    factories.ParticipationFactory(activity=soon, deputy=deputy.mandate, status=Participation.Status.INVITED)
    recorded = factories.ActivityFactory(congress=city, recorder=officer, start_date=today - datetime.timedelta(days=2))
    factories.ParticipationFactory(activity=recorded, deputy=deputy.mandate, status=Participation.Status.ACCEPTED)
    factories.ParticipationFactory(activity=recorded, deputy=deputy2.mandate, status=Participation.Status.INVITED)
    past = factories.ActivityFactory(congress=city, recorder=staff, start_date=today - datetime.timedelta(days=40))
    factories.ParticipationFactory(activity=past, deputy=deputy.mandate, status=Participation.Status.ATTENDED)
    factories.ActivityFactory(congress=district, recorder=district_staff)

    users = {
        "deputy": deputy,
        "unit_officer": officer,
        "staff": staff,
        "district_staff": district_staff,
    }
    for role, user in users.items():
        notify(user, key=f"bad-input:{role}", title="测试提醒", url="/portal/", email=False)
    invitation = invitation_link(invited).rstrip("/").split("/")[-2:]
    return World(users=users, invitation=tuple(invitation), media=str(media))


def _contact_fields() -> dict:
    return {"stage": "before", "method": "phone", "contacted_on": timezone.localdate(), "note": "电话沟通办理方案"}


def client_for(world: World, role: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def harvest(world: World) -> None:
    """Fetch every page with real ids as every role: its status, its forms, its parameters."""
    for role in ROLES:
        client = client_for(world, role)
        for route in ROUTES:
            for path in real_paths(route, world):
                response = client.get(path)
                world.statuses[(role, path)] = response.status_code
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                forms, link_keys = parse_page(path, response.content.decode("utf-8", "replace"))
                keys = world.get_keys.setdefault((role, path), set())
                for form in forms:
                    if form.method == "post":
                        bucket = world.post_forms.setdefault((role, form.action), [])
                        if len(bucket) < 6 and form.names() not in [f.names() for f in bucket]:
                            bucket.append(form)
                    elif form.action == path:
                        keys.update(form.names())
                for link_path, link in link_keys.items():
                    if link_path == path:
                        keys.update(link)
                    else:
                        world.get_keys.setdefault((role, link_path), set()).update(link)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The dataset and what every page showed, built once; each test runs in its own savepoint."""
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            data = build_world(media)
            harvest(data)
            yield data
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _world_media(_media_root, settings, world):
    settings.MEDIA_ROOT = world.media


# --- Requests ----------------------------------------------------------------------------------


def encode(pairs) -> str:
    """A query string from (key, value, raw) triples; raw values go in as they are."""
    return "&".join(f"{quote_plus(k)}={v if raw else quote_plus(v)}" for k, v, raw in pairs)


def values():
    return st.one_of(
        st.sampled_from(BAD_TEXT).map(lambda v: (v, False)),
        st.sampled_from(BAD_RAW).map(lambda v: (v, True)),
        st.text(max_size=12).map(lambda v: (v, False)),
    )


def describe(method, path, payload, response):
    shown = payload if len(str(payload)) < 600 else str(payload)[:600] + "…"
    return f"{method} {path} {shown!r} -> {response.status_code}"


def check(response, before, *, method, path, payload):
    status = response.status_code
    assert status < 500, describe(method, path, payload, response)
    refused = 400 <= status < 500 or (method == "POST" and status == 200)
    if refused:
        diff = changed(before, fingerprint())
        assert not diff, f"{describe(method, path, payload, response)} refused but wrote rows: {diff}"


def get_with(client, path, pairs):
    before = fingerprint()
    qs = encode(pairs)
    response = client.get(path, QUERY_STRING=qs)
    check(response, before, method="GET", path=path, payload=qs)


def post_form(client, path, form, replace=None, extra=None):
    """Post ``form`` as the page would, with ``replace`` = (field, value, raw) changed, ``extra`` added."""
    data = baseline_data(form) if form is not None else {"x": ["1"]}
    if extra is not None:
        data.setdefault(extra[0], []).append((extra[1], extra[2]))
    bad_file = None
    if replace is not None:
        name, value, raw = replace
        if value is MISSING:
            data.pop(name, None)
        elif isinstance(value, bytes):
            bad_file = (name, value)
            data[name] = [SimpleUploadedFile("答复函.pdf", value, "application/pdf")]
        else:
            data[name] = [(value, raw)] if not isinstance(value, list) else [(v, raw) for v in value]
    has_file = any(isinstance(v, SimpleUploadedFile) for vs in data.values() for v in vs)
    before = fingerprint()
    if has_file:
        # Multipart: raw escapes mean nothing there, the text is sent as typed.
        body = {k: [v[0] if isinstance(v, tuple) else v for v in vs] for k, vs in data.items()}
        response = client.post(path, body)
        payload = {
            k: ([v if not isinstance(v, SimpleUploadedFile) else "<file>" for v in vs]) for k, vs in body.items()
        }
        if bad_file:
            payload[bad_file[0]] = bad_file[1][:40]
    else:
        pairs = [(k, v[0], v[1]) if isinstance(v, tuple) else (k, str(v), False) for k, vs in data.items() for v in vs]
        body = encode(pairs)
        response = client.post(path, body, content_type="application/x-www-form-urlencoded")
        payload = body
    check(response, before, method="POST", path=path, payload=payload)
    return response


# --- Expected failures in files this suite's authors may not edit ------------------------------

# (route, role) -> reason. Strict: once fixed, the case passes and the entry must go.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


def _cases():
    for route in ROUTES:
        for role in ROLES:
            marks = []
            reason = KNOWN_FAILURES.get((route.route, role))
            if reason:
                marks.append(pytest.mark.xfail(reason=reason, strict=True))
            yield pytest.param(route, role, id=f"{route.route}-as-{role}", marks=marks)


# --- The test ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "role"), list(_cases()))
def test_no_bad_input_gives_a_server_error(world, route, role):
    reals = real_paths(route, world)
    for path in reals:
        assert world.statuses[(role, path)] < 500, f"GET {path} as {role} -> {world.statuses[(role, path)]}"
    paths = reals + bad_paths(route, world)
    client = client_for(world, role)

    # A POST without the CSRF token is refused, whatever the page.
    if not getattr(route.callback, "csrf_exempt", False) and _resolves(reals[0]):
        strict = client_for(world, role, enforce_csrf_checks=True)
        forms = world.post_forms.get((role, reals[0]), [None])
        before = fingerprint()
        response = post_form(strict, reals[0], forms[0])
        assert response.status_code == 403, describe("POST (no CSRF token)", reals[0], "", response)
        assert not changed(before, fingerprint())

    with_forms = [path for path in reals if world.post_forms.get((role, path))]

    # The bad ids, plainly.
    for path in paths[len(reals) :]:
        get_with(client, path, [])

    def params_of(path):
        return sorted(world.get_keys.get((role, path), set()) | set(COMMON_PARAMS))

    @PROFILE
    @given(data=st.data())
    def walk_with_bad_values(data):
        method = data.draw(st.sampled_from(["GET", "POST"] if with_forms else ["GET"]), label="method")
        path = data.draw(st.sampled_from(paths if method == "GET" else with_forms), label="path")
        forms = world.post_forms.get((role, path), [])
        if method == "GET":
            names = params_of(path)
            chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3), label="params")
            pairs = []
            for name in chosen:
                for value, raw in data.draw(st.lists(values(), min_size=1, max_size=2), label=name):
                    pairs.append((name, value, raw))
            get_with(client, path, pairs)
        else:
            form = data.draw(st.sampled_from(forms), label="form")
            names = sorted({f[0] for f in form.fields})
            name = data.draw(st.sampled_from(names), label="field")
            numbered = [n for n in names if re.search(r"\d", n)]
            if numbered and data.draw(st.booleans(), label="rename a numbered field"):
                # Rows named by id (status-<id>, u-0-unit): an id that is not a number, or not one of the page's.
                name = data.draw(st.sampled_from(numbered), label="numbered field")
                token = data.draw(st.sampled_from(BAD_NUMBERED_NAMES), label="id in the name")
                value, raw = data.draw(values(), label="value")
                post_form(client, path, form, extra=(re.sub(r"\d+", token, name, count=1), value, raw))
            elif any(f[0] == name and f[1] == "file" for f in form.fields):
                junk = data.draw(st.one_of(st.sampled_from(JUNK_FILES), st.binary(max_size=300)), label="file")
                post_form(client, path, form, (name, junk, False))
            else:
                choice = data.draw(
                    st.one_of(
                        values(),
                        st.just((MISSING, False)),
                        st.lists(st.sampled_from(BAD_TEXT[:12]), min_size=2, max_size=3).map(lambda v: (v, False)),
                    ),
                    label="value",
                )
                post_form(client, path, form, (name, choice[0], choice[1]))

    # The page's own forms, unchanged: what a user sends (it may do the action; never a 500).
    for path in with_forms[:2]:
        post_form(client, path, world.post_forms[(role, path)][0])
    # One form of the page, each field in turn replaced by a bad value, each id in a field's name by "²".
    if with_forms:
        path = with_forms[0]
        form = world.post_forms[(role, path)][0]
        names = sorted({f[0] for f in form.fields} - {"csrfmiddlewaretoken"})
        for i, name in enumerate(names):
            if any(f[0] == name and f[1] == "file" for f in form.fields):
                post_form(client, path, form, (name, JUNK_FILES[2], False))
            else:
                post_form(client, path, form, (name, SWEEP[i % len(SWEEP)], False))
            if re.search(r"\d", name):
                post_form(client, path, form, extra=(re.sub(r"\d+", "²", name, count=1), "1", False))
    walk_with_bad_values()


@pytest.mark.django_db
def test_the_walk_reaches_the_pages_forms_and_parameters(world):
    """The walk is not empty: each role sees pages, and the forms and filters are found."""
    import sys

    if os.environ.get("BAD_INPUT_DEBUG"):
        for key, forms in sorted(world.post_forms.items()):
            print("POST", key, [f.names() for f in forms], file=sys.stderr)
        for key, names in sorted(world.get_keys.items()):
            print("GET", key, sorted(names), file=sys.stderr)
    assert len(ROUTES) > 50 and not any(r.route.startswith("admin/") for r in ROUTES)
    for role in ROLES:
        assert sum(1 for (who, _p), status in world.statuses.items() if who == role and status == 200) >= 5, role
    # Forms the deputy, the officer and staff post, and a list's filters.
    assert world.post_forms[("deputy", "/portal/suggestions/new/")]
    assert any(who == "unit_officer" and path.startswith("/unit/assignments/") for who, path in world.post_forms)
    assert any(who == "staff" and path.endswith("/attendance/") for who, path in world.post_forms)
    assert {"q", "year"} <= world.get_keys[("anonymous", "/proposals/")]
