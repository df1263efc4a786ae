"""Every page of the URL list, in a browser, as every role that may open it: accessible and reflowing.

The URLs come from the resolver (the same walk as tests/security/test_bad_input.py), so a new page
is checked the day it is added: every pattern without arguments, and for a pattern with an id,
one real object of the small demo-like dataset that test builds (suggestions in every state,
activities, deputies, notifications). Each URL is opened as each of anonymous, deputy, unit
officer, city staff and district staff that gets an HTML page there (a refusal or a redirect to
the login page is not a page for that role). What is not an HTML page for anyone (a download, an
export, a POST-only action, a redirect) is left out by its answer; a parameter-less one must be
named in NOT_PAGES with its reason, or test_every_page_without_arguments_is_walked fails.

On each page, on a 320-px phone (WCAG 1.4.10 reflow, GB/T 37668-2019):
- axe-core finds no serious or critical violation (contrast, names, labels, landmarks, lang),
  and no heading out of order, missing <h1> or empty heading;
- nothing scrolls sideways: ``document.documentElement.scrollWidth <= 320``;
- every form field has a label (or an aria-label / aria-labelledby);
- the page's ``<html lang>`` is zh-CN (the browser asks for Chinese), and a page with the site's
  header begins with the skip link to #main.
Then, in the same load, with text at 200% (WCAG 1.4.4) on a 1280-px desktop window (the root font
size doubled; the site sizes text in rem): nothing scrolls sideways and no box that hides its
overflow cuts its text off.

Fast on purpose: one browser, one page per role reused for all its URLs; the plan (who opens what)
is made with Django's test client, so the browser only loads pages that are pages.
"""

import time
from dataclasses import dataclass

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.apps import apps
from django.conf import settings as django_settings
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from accounts.services import user_sync_roles
from deputies.models import Deputy, StandingCommitteeMember
from liaison.models import ContactAssignment
from tests import factories
from tests.builders import logged_in
from tests.e2e.conftest import BLOCKING_IMPACTS, _describe_violation
from tests.security.test_admin_matrix import _congress_rows
from tests.security.test_bad_input import ROUTES, _model_for, build_world, fill, real_paths

PHONE = {"width": 320, "height": 720}

# Everyone who may open a page: each role tries every URL (a refusal or a redirect to the login
# page is not a page for that role). District staff see the office's pages within their district.
ROLES = ("anonymous", "deputy", "unit_officer", "staff", "district_staff")
# Text at 200% (WCAG 1.4.4): a desktop window with the root font size doubled (the site's CSS
# sizes text and spacing in rem); nothing may then scroll sideways or be cut off.
DESKTOP = {"width": 1280, "height": 800}
# Headings in order, one <h1>, none empty: axe rates these "moderate"; here they fail the walk too.
HEADING_RULES = ("heading-order", "page-has-heading-one", "empty-heading")
ADMIN_INDEX = ("admin:index", "/admin/")

# Parameter-less URL names that are not pages to walk, each with its reason. Keep it short: a page
# belongs in the walk; only what answers no HTML page to a plain GET goes here.
NOT_PAGES = {
    "healthz": "the load balancer's probe: plain text",
    "portal.views.favicon": "the site's icon (SVG), for browsers that ask /favicon.ico",
    "set_language": "POST only (the header's language switch)",
    "accounts:display_mode": "POST only (the header's large-text / contrast switch)",
    "account_logout": "logging out: walked last would end the role's session; its form is the header's button",
    "account_confirm_login_code": "login by code is off: redirects to the login page",
    "account_reset_password_from_key_done": "reached only after a reset link: redirects",
    "account_email_verification_sent": "reached only after signing up, which is closed: redirects",
    "account_set_password": "for accounts without a password (none here): redirects",
    "mfa_authenticate": "the second step of a login in progress: redirects without one",
    "mfa_download_recovery_codes": "a download (text/plain)",
    "notifications:mark_all_read": "POST only",
    "portal:after_login": "a redirect to the role's home",
    "archive:my_archive_export": "a download (.xlsx)",
    "archive:archive_list_export": "a download (.xlsx)",
    "proposals_office:export_ledger": "a download (.xlsx)",
    "proposals_office:export_units": "a download (.xlsx)",
    "proposals_office:export_commitments": "a download (.xlsx)",
    "proposals_office:award_nominate": "POST only (the form is on the awards page)",
    "proposals_office:award_decide": "POST only (the form is on the awards page)",
    "proposals_office:award_publish": "POST only (the form is on the awards page)",
    "proposals:feed": "an RSS feed (XML)",
    "overview:export": "a download (.xlsx)",
    "liaison_portal:contact_record": "POST only (the form is on the contacts page)",
}

_PROBE = """() => {
  const fields = [...document.querySelectorAll(
    'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]), select, textarea')];
  const unlabelled = fields.filter((el) => {
    if (el.closest('[hidden], [aria-hidden=true]')) return false;
    if ((el.labels && [...el.labels].some((l) => l.textContent.trim())) || el.getAttribute('aria-label')) return false;
    const by = el.getAttribute('aria-labelledby');
    if (by && by.split(/\\s+/).some((id) => (document.getElementById(id) || {}).textContent)) return false;
    return !el.title;
  }).map((el) => el.outerHTML.slice(0, 160));
  const skip = document.querySelector('body a[href]');
  return {
    scrollWidth: document.documentElement.scrollWidth,
    lang: document.documentElement.lang,
    unlabelled: unlabelled,
    firstLink: skip ? skip.getAttribute('href') : null,
    hasMain: !!document.getElementById('main'),
    hasHeader: !!document.querySelector('header.site-header'),
  };
}"""


# Text at 200%: the root font size doubled, then what scrolls sideways or is cut off.
_LARGE_TEXT_PROBE = """async () => {
  document.documentElement.style.fontSize = '200%';
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const clipped = [];
  for (const el of document.querySelectorAll('body *')) {
    const cs = getComputedStyle(el);
    if (!/(hidden|clip)/.test(cs.overflowX) || cs.textOverflow === 'ellipsis') continue;
    if (el.clientWidth <= 1 || el.closest('[hidden], [aria-hidden=true], .sr-only, .visually-hidden')) continue;
    if (!(el.innerText || '').trim()) continue;
    if (el.scrollWidth > el.clientWidth + 1) clipped.push(el.outerHTML.slice(0, 120));
  }
  const result = {scrollWidth: document.documentElement.scrollWidth, clipped: clipped.slice(0, 3)};
  document.documentElement.style.fontSize = '';
  return result;
}"""


@dataclass(frozen=True)
class Visit:
    name: str  # the URL's name, "namespace:name"
    path: str
    role: str
    parameterless: bool


def _name_of(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _is_page(response) -> bool:
    return response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")


def plan(world) -> list[Visit]:
    """Who opens what: every URL as each role that gets an HTML page there (for a URL with ids,
    the first sample object that is a page for some role)."""
    clients = {"anonymous": Client()}
    for role in ROLES[1:]:
        clients[role] = logged_in(world.users[role])
    routes = [[ADMIN_INDEX[1]]]
    for route in ROUTES:
        # A route with ids: its sample objects in turn, until one is a page for its role.
        routes.append([fill(route, {})] if not route.kwargs else sample_paths(route, world))
    visits, seen = [], set()
    for paths in routes:
        for path in paths:
            name = _name_of(path)
            if name is None or path in seen or name in NOT_PAGES:
                continue
            seen.add(path)
            roles = [r for r in ROLES if _is_page(clients[r].get(path))]
            if roles:
                parameterless = path in parameterless_paths()
                visits += [Visit(name=name, path=path, role=r, parameterless=parameterless) for r in roles]
                break
    return visits


# Ids test_bad_input does not map (it tries 1 there): the model by the path segment before the id.
MORE_MODELS = {
    "stories": "publicity.Story",
    "photos": None,  # a photo's file: an image, not a page
    "cycles": "livelihood.Cycle",
    "topics": "liaison.Topic",
    "consultations": "liaison.Consultation",
    "meetings": "activities.Activity",
    "committees": "liaison.Committee",
    "groups": "deputies.DeputyGroup",
    "deputies": "deputies.Deputy",
    "training": "training.DataRequest",
    "observations": "livelihood.Observation",
    "contacts": "liaison.ContactRecord",
}


def sample_paths(route, world) -> list[str]:
    paths = real_paths(route, world)
    kwargs = route.kwargs
    if len(kwargs) != 1 or kwargs[0][1] != "int":
        return paths
    name = kwargs[0][0]
    if name == "year":
        return [fill(route, {"year": year}) for year in (timezone.localdate().year, 2025)]
    before = [s for part in route.parts if not isinstance(part, tuple) for s in part.split("/") if s]
    label = MORE_MODELS.get(before[-1]) if before else None
    if label is None or _model_for(route, name) is not None:
        return paths
    model = apps.get_model(label)
    return [fill(route, {name: pk}) for pk in model.objects.order_by("pk").values_list("pk", flat=True)[:6]]


def parameterless_paths() -> set[str]:
    return {fill(route, {}) for route in ROUTES if not route.kwargs} | {ADMIN_INDEX[1]}


def parameterless_names() -> set[str]:
    names = {_name_of(fill(route, {})) for route in ROUTES if not route.kwargs}
    return {n for n in names if n} | {ADMIN_INDEX[0]}


@pytest.fixture
def world(settings, tmp_path):
    """test_bad_input's dataset, with the deputy a deputy director of the standing committee (the
    pages of key supervision and of contacts with deputies are theirs) and the staff member's
    recovery codes (their pages show them)."""
    settings.REQUIRE_STAFF_MFA = False
    world = build_world(tmp_path)
    deputy = world.users["deputy"]
    mandate = Deputy.objects.get(user=deputy)
    seat = StandingCommitteeMember.objects.create(
        term=mandate.term,
        deputy=mandate,
        position=StandingCommitteeMember.Position.DEPUTY_DIRECTOR,
        start_date=mandate.term.start_date,
    )
    other = Deputy.objects.filter(term=mandate.term).exclude(pk=mandate.pk).first()
    ContactAssignment.objects.create(member=seat, deputy=other)
    user_sync_roles(user=deputy)
    RecoveryCodes.activate(world.users["staff"])
    # One row of every other model (stations, letters, stories, livelihood, training): the admin
    # matrix's set, so a detail page of theirs has an object to show.
    # A district's (below the city, so the city's staff see them; the city's own set would clash
    # with test_bad_input's term and session).
    district = factories.DistrictCongressFactory(
        parent=mandate.congress, name="示例市鼓楼区人民代表大会", short_name="鼓楼区"
    )
    _congress_rows(district, factories.StaffFactory(congress=district, full_name="鼓楼区工作人员"), "鼓楼")
    return world


@pytest.mark.django_db
def test_every_page_without_arguments_is_walked(world):
    """GIVEN a new page without arguments, THEN the walk opens it (or NOT_PAGES says why not)."""
    walked = {v.name for v in plan(world) if v.parameterless}
    expected = parameterless_names() - set(NOT_PAGES)
    unopened = sorted(expected - walked)
    assert not unopened, f"pages no role could open (name them in NOT_PAGES with the reason): {unopened}"
    assert walked == expected
    # The exclusions name real URLs, and none of them is a page after all.
    assert set(NOT_PAGES) <= parameterless_names(), set(NOT_PAGES) - parameterless_names()


def test_the_exclusions_stay_short():
    assert len(NOT_PAGES) <= 25


@pytest.mark.e2e
def test_every_page_is_accessible_at_320_px_for_its_role(
    live_server, browser, browser_context_args, world, axe, transactional_db
):
    visits = plan(world)
    assert len(visits) > 80
    started = time.monotonic()
    problems: list[str] = []
    by_role: dict[str, list[Visit]] = {}
    for visit in visits:
        by_role.setdefault(visit.role, []).append(visit)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    for role, role_visits in by_role.items():
        context = browser.new_context(**{**browser_context_args, "viewport": PHONE})
        if role != "anonymous":
            client = logged_in(world.users[role])
            session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "domain": host, "path": "/"}]
            )
        page = context.new_page()
        page.set_default_timeout(15_000)
        for visit in role_visits:
            where = f"{visit.path} ({visit.name}, {role})"
            response = page.goto(live_server.url + visit.path)
            if response is None or response.status != 200:
                problems.append(f"{where}: answered {response and response.status} in the browser")
                continue
            page.wait_for_load_state("load")
            probe = page.evaluate(_PROBE)
            if probe["scrollWidth"] > PHONE["width"]:
                problems.append(f"{where}: scrolls sideways at 320 px (scrollWidth {probe['scrollWidth']})")
            if probe["unlabelled"]:
                problems.append(f"{where}: form fields without a label: {probe['unlabelled']}")
            if probe["lang"] != "zh-CN" and not visit.path.startswith("/admin/"):
                problems.append(f"{where}: <html lang={probe['lang']!r}>, the page is in Chinese")
            # The site's pages have a header to skip; a print document (no header, no links) has none.
            if probe["hasHeader"] and (probe["firstLink"] != "#main" or not probe["hasMain"]):
                problems.append(f"{where}: the first link is {probe['firstLink']!r}, not the skip link to #main")
            violations = axe.run(page).response["violations"]
            for v in violations:
                if v["impact"] in BLOCKING_IMPACTS or v["id"] in HEADING_RULES:
                    problems.append(f"{where}: axe {_describe_violation(v)}")
            # The same page on a desktop with text at 200%, without loading it again.
            page.set_viewport_size(DESKTOP)
            large = page.evaluate(_LARGE_TEXT_PROBE)
            page.set_viewport_size(PHONE)
            if large["scrollWidth"] > DESKTOP["width"]:
                problems.append(f"{where}: with text at 200% scrolls sideways (scrollWidth {large['scrollWidth']})")
            if large["clipped"]:
                problems.append(f"{where}: with text at 200% cuts off: {large['clipped']}")
        context.close()
    took = time.monotonic() - started
    pages = len({v.path for v in visits})
    print(f"walked {pages} pages ({len(visits)} visits) as {len(by_role)} roles in {took:.0f} s")
    assert not problems, f"{len(problems)} problems on {len(visits)} pages:\n" + "\n".join(problems)


# --- The reader's display settings, in the browser ------------------------------------------------

MODE_PAGES = (
    ("anonymous", "/"),
    ("anonymous", "/accounts/login/"),
    ("anonymous", "/proposals/"),
    ("deputy", "/portal/"),
    ("deputy", "/portal/suggestions/"),
    ("unit_officer", "/unit/"),
    ("staff", "/office/suggestions/"),
)

_FOCUS_PROBE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {tag: el.tagName, text: (el.textContent || '').trim().slice(0, 40), outlineStyle: style.outlineStyle,
          outlineWidth: parseFloat(style.outlineWidth), rootFont: parseFloat(getComputedStyle(document.documentElement).fontSize),
          scrollWidth: document.documentElement.scrollWidth, classes: document.documentElement.className};
}"""


@pytest.mark.e2e
def test_large_text_and_high_contrast_at_320_px(
    live_server, browser, browser_context_args, world, axe, transactional_db
):
    """In large text with high contrast: text at 20 px, contrast at least 7:1 (axe's AAA rule),
    a visible focus ring on the first Tab (the skip link), and still no sideways scrolling."""
    problems = []
    host = live_server.url.split("//", 1)[1].split(":")[0]
    for role in ("anonymous", "deputy", "unit_officer", "staff"):
        context = browser.new_context(**{**browser_context_args, "viewport": PHONE})
        cookies = [{"name": "display_mode", "value": "large_contrast", "domain": host, "path": "/"}]
        if role != "anonymous":
            user = world.users[role]
            user.display_mode = "large_contrast"
            user.save(update_fields=["display_mode"])
            session = logged_in(user).cookies[django_settings.SESSION_COOKIE_NAME].value
            cookies = [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "domain": host, "path": "/"}]
        context.add_cookies(cookies)
        page = context.new_page()
        for _role, path in [p for p in MODE_PAGES if p[0] == role]:
            where = f"{path} ({role}, large text and high contrast)"
            page.goto(live_server.url + path)
            page.keyboard.press("Tab")
            probe = page.evaluate(_FOCUS_PROBE)
            if probe["classes"] != "mode-large mode-contrast":
                problems.append(f"{where}: <html class={probe['classes']!r}>")
            if probe["rootFont"] != 20:
                problems.append(f"{where}: root font size {probe['rootFont']} px, not 20")
            if probe["text"] != "跳到正文" or probe["outlineStyle"] == "none" or probe["outlineWidth"] < 3:
                problems.append(f"{where}: the first Tab shows no ring on the skip link: {probe}")
            if probe["scrollWidth"] > PHONE["width"]:
                problems.append(f"{where}: scrolls sideways (scrollWidth {probe['scrollWidth']})")
            options = {"runOnly": {"type": "rule", "values": ["color-contrast-enhanced", "color-contrast"]}}
            for v in axe.run(page, options=options).response["violations"]:
                problems.append(f"{where}: axe {_describe_violation(v)}")
        context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.e2e
def test_the_large_text_probe_finds_what_overflows_and_what_is_cut_off(browser, browser_context_args):
    """The 200% check is not blind: a fixed-width row in rem scrolls, a box that hides its text is cut."""
    context = browser.new_context(**{**browser_context_args, "viewport": DESKTOP})
    page = context.new_page()
    page.set_content(
        "<html><body><div style='width:50rem'>宽</div>"
        "<p style='width:10rem;overflow:hidden;white-space:nowrap'>" + "很长的一行文字" * 8 + "</p></body></html>"
    )
    large = page.evaluate(_LARGE_TEXT_PROBE)
    assert large["scrollWidth"] > DESKTOP["width"]
    assert large["clipped"] and large["clipped"][0].startswith("<p")
    page.set_content("<html><body><p>短</p></body></html>")
    assert page.evaluate(_LARGE_TEXT_PROBE) == {"scrollWidth": DESKTOP["width"], "clipped": []}
    context.close()
