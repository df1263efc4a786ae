"""With DEBUG off, errors answer in the site's layout and language with a way back, and a
logged-in deputy opening /admin/ is told, not sent round a redirect loop."""

import pytest
from django.test import Client
from django.urls import path

from tests import factories


def boom(request):
    raise RuntimeError("a deliberate failure")


urlpatterns = [path("boom/", boom)]


@pytest.mark.django_db
def test_404_is_in_chinese_in_the_site_layout(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and 'class="site-header"' in html and 'href="/"' in html


@pytest.mark.django_db
def test_404_in_english_when_english_is_chosen(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Page not found" in client.get("/no-such-page/").content.decode()


@pytest.mark.django_db
def test_403_for_a_page_the_account_may_not_open(client, deputy):
    client.force_login(deputy)
    response = client.get("/office/suggestions/")
    assert response.status_code == 403
    assert 'class="site-header"' in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_is_explained_and_nothing_is_written(deputy):
    from proposals.models import Suggestion

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(deputy)
    response = browser.post("/portal/suggestions/new/", {"title": "没有令牌的建议", "body": "正文"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "表单已失效" in html and 'class="site-header"' in html
    assert not Suggestion.objects.exists()


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.test_error_pages")
def test_500_is_a_page_with_a_way_back():
    response = Client(raise_request_exception=False).get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "出错了" in html and 'href="/"' in html and "RuntimeError" not in html


@pytest.mark.django_db
def test_a_deputy_opening_the_admin_is_told_not_looped(client, deputy):
    client.force_login(deputy)
    first = client.get("/admin/")
    assert first.status_code == 302 and first["Location"].startswith("/admin/login/")
    answer = client.get(first["Location"])
    assert answer.status_code == 403
    assert "无权" in answer.content.decode() or "不能打开" in answer.content.decode()


@pytest.mark.django_db
def test_someone_logged_out_opening_the_admin_reaches_the_login_page(client):
    first = client.get("/admin/")
    second = client.get(first["Location"])
    assert second.status_code == 302 and second["Location"].startswith("/accounts/login/?next=")
    assert client.get(second["Location"]).status_code == 200


@pytest.mark.django_db
def test_staff_reach_the_admin(client, city):
    from tests.conftest import with_totp

    staff = with_totp(factories.StaffFactory(congress=city))
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
