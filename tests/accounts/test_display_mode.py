"""Large text and high contrast: switched in the header, remembered per account and per browser."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.display import COOKIE, page_state, user_set_display_mode
from accounts.models import DisplayMode
from tests.builders import english

URL = "/accounts/display/"


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def test_the_switch_has_its_url():
    assert reverse("accounts:display_mode") == URL


@pytest.mark.django_db
def test_every_page_has_the_switch_in_the_header_and_no_mode_by_default(client):
    page = client.get("/").content.decode()
    header = page.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert f'action="{URL}"' in header
    assert 'name="csrfmiddlewaretoken"' in header.split("display-switch", 1)[1]
    assert 'value="large" aria-pressed="false"' in header
    assert 'value="contrast" aria-pressed="false"' in header
    assert 'name="next" value="/"' in header
    assert "class=" not in html_tag(client.get("/"))


@pytest.mark.django_db
def test_an_anonymous_reader_s_choice_is_kept_in_a_cookie(client):
    english(client)
    response = client.post(URL, {"mode": "large", "next": "/stations/"})
    assert response.status_code == 302
    assert response["Location"] == "/stations/"
    cookie = response.cookies[COOKIE]
    assert cookie.value == "large"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    page = client.get("/stations/")
    assert 'class="mode-large"' in html_tag(page)
    text = page.content.decode()
    # The pressed button says so; pressing it again goes back to standard.
    assert 'value="standard" aria-pressed="true"' in text
    assert 'value="large_contrast" aria-pressed="false"' in text
    assert "Display setting: Large text." in text  # the confirmation, read out by the role=status region


@pytest.mark.django_db
def test_a_logged_in_person_s_choice_is_kept_on_the_account(client, deputy):
    client.force_login(deputy)
    response = client.post(URL, {"mode": "large_contrast", "next": "/portal/"})
    assert response["Location"] == "/portal/"
    deputy.refresh_from_db()
    assert deputy.display_mode == DisplayMode.LARGE_CONTRAST
    # Another browser (no cookie) shows the account's choice.
    other = Client()
    other.force_login(deputy)
    assert 'class="mode-large mode-contrast"' in html_tag(other.get("/portal/"))


@pytest.mark.django_db
def test_the_account_wins_over_the_browser_s_cookie(client, deputy):
    user_set_display_mode(actor=deputy, mode=DisplayMode.CONTRAST)
    client.cookies[COOKIE] = "large"
    client.force_login(deputy)
    assert 'class="mode-contrast"' in html_tag(client.get("/portal/"))
    client.logout()  # the test client forgets every cookie here: the browser's is set again
    client.cookies[COOKIE] = "large"
    # Logged out, the browser's own choice applies again.
    assert 'class="mode-large"' in html_tag(client.get("/"))


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["huge", "", 'mode-large" onload="x', "STANDARD"])
def test_a_mode_that_does_not_exist_is_refused_with_a_message(client, deputy, value):
    english(client).force_login(deputy)
    response = client.post(URL, {"mode": value, "next": "/portal/"}, follow=True)
    assert response.redirect_chain == [("/portal/", 302)]
    assert "This display setting does not exist; nothing was changed." in response.content.decode()
    deputy.refresh_from_db()
    assert deputy.display_mode == DisplayMode.STANDARD
    assert COOKIE not in response.cookies or not response.cookies[COOKIE].value


@pytest.mark.django_db
def test_a_forged_cookie_is_ignored(client):
    client.cookies[COOKIE] = '" onmouseover="alert(1)'
    tag = html_tag(client.get("/"))
    assert "class=" not in tag and "onmouseover" not in tag


@pytest.mark.django_db
def test_the_switch_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post(URL, {"mode": "large", "next": "/"})
    assert response.status_code == 403
    assert COOKIE not in response.cookies


@pytest.mark.django_db
def test_the_switch_only_answers_post(client):
    assert client.get(URL).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "99999999999999999999", "portal:home"]
)
def test_the_return_address_stays_on_this_site(client, target):
    response = client.post(URL, {"mode": "contrast", "next": target})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_setting_the_same_mode_twice_writes_once(deputy, django_assert_num_queries):
    user_set_display_mode(actor=deputy, mode=DisplayMode.LARGE)
    with django_assert_num_queries(0):
        user_set_display_mode(actor=deputy, mode=DisplayMode.LARGE)
    with pytest.raises(ValueError):
        user_set_display_mode(actor=deputy, mode="huge")


@pytest.mark.parametrize(
    ("mode", "classes", "toggle_large", "toggle_contrast"),
    [
        ("standard", "", "large", "contrast"),
        ("large", "mode-large", "standard", "large_contrast"),
        ("contrast", "mode-contrast", "large_contrast", "standard"),
        ("large_contrast", "mode-large mode-contrast", "contrast", "large"),
    ],
)
def test_each_button_sends_the_mode_after_the_press(rf, mode, classes, toggle_large, toggle_contrast):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    request.COOKIES[COOKIE] = mode
    state = page_state(request)
    assert (state["classes"], state["toggle_large"], state["toggle_contrast"]) == (
        classes,
        toggle_large,
        toggle_contrast,
    )


@pytest.mark.django_db
def test_the_skip_link_comes_first_and_leads_to_the_main_content(client):
    page = client.get("/").content.decode()
    body = page.split("<body>", 1)[1]
    first_link = re.search(r"<a [^>]*>[^<]*</a>", body).group(0)
    assert first_link == '<a class="skip-link" href="#main">跳到正文</a>'
    assert '<main id="main"' in page


@pytest.mark.django_db
def test_the_admin_has_a_skip_link_and_the_focus_ring(staff_client):
    page = staff_client.get("/admin/").content.decode()
    assert 'href="#content-start" class="skip-to-content-link"' in page
    assert "css/display-modes.css" in page


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "lang"), [("zh-hans", "zh-CN"), ("en", "en")])
def test_html_lang_follows_the_active_language(client, language, lang):
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert f'<html lang="{lang}"' in html_tag(client.get("/"))


@pytest.mark.django_db
def test_pages_print_in_black_and_white(client):
    """The print stylesheet comes last, for print only: links underlined, colour marks given a border."""
    from django.contrib.staticfiles import finders

    page = client.get("/").content.decode()
    assert page.index("css/display-modes.css") < page.index("css/print.css") < page.index("</head>")
    assert 'print.css" media="print"' in page
    rules = open(finders.find("css/print.css"), encoding="utf-8").read()
    assert "a, a:visited { text-decoration: underline !important; }" in rules
    assert ".status-pill, .badge" in rules and "border: 1px solid #000" in rules
    assert "color: #000 !important" in rules


@pytest.mark.django_db
def test_the_archive_s_print_page_links_the_print_rules(deputy_client):
    page = deputy_client.get("/portal/archive/print/").content.decode()
    assert 'print.css" media="print"' in page


@pytest.mark.django_db
def test_the_public_page_cache_keeps_each_display_setting_apart(settings):
    """GIVEN the public pages' whole-page cache on, WHEN a reader in large text opens a list first,
    THEN the next reader in standard display, and one in high contrast, get their own page."""
    from django.core.cache import cache

    settings.PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS = 60
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    large, plain, contrast = Client(), Client(), Client()
    large.cookies[COOKIE] = "large"
    contrast.cookies[COOKIE] = "contrast"
    for _ in range(2):  # the second round is served from the cache
        assert 'class="mode-large"' in html_tag(large.get("/proposals/"))
        assert "class=" not in html_tag(plain.get("/proposals/"))
        assert 'class="mode-contrast"' in html_tag(contrast.get("/proposals/"))
    cache.clear()
