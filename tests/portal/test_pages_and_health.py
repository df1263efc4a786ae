"""Public pages, health check, security headers, language switch, deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_home_is_public_and_chinese_by_default(client, city, term):
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'lang="zh-CN"' in content
    assert "人大代表工作平台" in content


@pytest.mark.django_db
def test_language_switch_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    content = client.get("/").content.decode()
    assert 'lang="en"' in content
    assert "Deputy-work portal" in content


@pytest.mark.django_db
def test_security_headers_on_every_response(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_templates_have_no_inline_script(client, deputy_client):
    for page in (client.get("/"), client.get("/accounts/login/"), deputy_client.get("/portal/")):
        html = page.content.decode()
        assert "<script>" not in html and " onclick=" not in html and "style=" not in html


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_healthz_503_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("error")


@pytest.mark.django_db
def test_healthz_503_when_database_is_down(client, monkeypatch):
    from django.db.backends.base.base import BaseDatabaseWrapper

    def broken_cursor(self, *args, **kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("error")


@pytest.mark.django_db
def test_portal_home_shows_the_mandate(deputy_client, deputy):
    content = deputy_client.get("/portal/").content.decode()
    assert deputy.mandate.electoral_unit.name in content
    assert "138****" in content  # own mobile shown masked on the phone screen


def _run_manage(*args, **env):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "PORTAL_TESTING", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True)


def test_check_deploy_is_clean_with_production_settings():
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 60 + "-production-secret-for-the-check",
        PERSONAL_DATA_KEY="y" * 40 + "-production-personal-data-key",
        ALLOWED_HOSTS="portal.example.org",
        SMS_BACKEND="notifications.sms_gateways.AliyunSmsBackend",
        SMS_ACCESS_KEY_ID="LTAI-test",
        SMS_ACCESS_KEY_SECRET="test-secret-value",
        SMS_SIGN_NAME="示例市人大常委会",
        SMS_TEMPLATE_ID="SMS_1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr


def test_production_refuses_to_start_without_a_personal_data_key():
    result = _run_manage(
        "check", DEBUG="0", PORTAL_TESTING="0", SECRET_KEY="x" * 60 + "-production-secret-for-the-check"
    )
    assert result.returncode != 0
    assert "PERSONAL_DATA_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _run_manage("check", DEBUG="0", PORTAL_TESTING="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_bad_boolean_in_the_environment_is_an_error():
    result = _run_manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "is not a boolean" in result.stderr


@pytest.mark.django_db
def test_chinese_is_the_default_even_for_an_english_browser(client):
    content = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-CN"' in content


def test_favicon_redirects_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
