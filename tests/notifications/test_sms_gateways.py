"""The Aliyun and Tencent Cloud SMS backends, replayed against recorded gateway responses.

The SDKs run unpatched down to ``requests.Session.send`` (both send through it), where the
fake gateway records the outgoing request and answers with a file from ``recorded/``.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core import checks
from requests.structures import CaseInsensitiveDict

from notifications.sms import SmsError, UnconfiguredSmsBackend, get_sms_backend
from notifications.sms_gateways import AliyunSmsBackend, TencentSmsBackend

RECORDED = Path(__file__).parent / "recorded"
ROOT = Path(__file__).resolve().parents[2]
MOBILE = "13800001234"
MASKED = "138****1234"
KEY_ID = "LTAI5tTestKeyId0001"
SECRET = "s3cr3t-Test-Secret-Value-0123456789"
ALIYUN = "notifications.sms_gateways.AliyunSmsBackend"
TENCENT = "notifications.sms_gateways.TencentSmsBackend"


class FakeGateway:
    """Stands in for the network: each call pops the next answer (a recorded file's name or
    an exception to raise) and keeps the request as sent."""

    def __init__(self):
        self.answers: list = []
        self.sent: list[dict] = []

    def send(self, session, prepared, **kwargs):
        self.sent.append({"request": prepared, "timeout": kwargs.get("timeout")})
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        recorded = json.loads((RECORDED / f"{answer}.json").read_text(encoding="utf-8"))
        response = requests.Response()
        response.status_code = recorded["status"]
        response.reason = "OK" if recorded["status"] == 200 else "Error"
        response.headers = CaseInsensitiveDict(recorded["headers"])
        response._content = json.dumps(recorded["body"], ensure_ascii=False).encode()
        response.url = prepared.url
        response.request = prepared
        return response

    @property
    def last(self):
        return self.sent[-1]["request"]

    def everything_sent(self) -> str:
        return "\n".join(f"{s['request'].url}\n{dict(s['request'].headers)}\n{s['request'].body!r}" for s in self.sent)


@pytest.fixture
def gateway(monkeypatch):
    fake = FakeGateway()
    monkeypatch.setattr(requests.Session, "send", lambda session, prepared, **kw: fake.send(session, prepared, **kw))
    return fake


@pytest.fixture
def sms_settings(settings):
    settings.SMS_ACCESS_KEY_ID = KEY_ID
    settings.SMS_ACCESS_KEY_SECRET = SECRET
    settings.SMS_SIGN_NAME = "某市人大常委会"
    settings.SMS_TEMPLATE_ID = "SMS_300000001"
    settings.SMS_TEMPLATES = {"invitation": "SMS_300000002"}
    settings.SMS_TEMPLATE_PARAM_MAX = 35
    settings.SMS_REGION = ""
    settings.SMS_TENCENT_APP_ID = "1400006666"
    settings.SMS_TIMEOUT = 5
    return settings


def aliyun_query(request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}


def tencent_body(request) -> dict:
    body = request.body
    return json.loads(body.decode() if isinstance(body, bytes) else body)


def assert_safe(text: str):
    assert MOBILE not in text and SECRET not in text


# --- Aliyun ---------------------------------------------------------------------------------


def test_aliyun_sends_the_notice_template_with_the_text(gateway, sms_settings, settings, caplog):
    settings.SMS_BACKEND = ALIYUN
    gateway.answers = ["aliyun_ok"]
    with caplog.at_level("INFO", logger="notifications.sms"):
        get_sms_backend().send(MOBILE, "您的建议已有答复")
    request = gateway.last
    assert urlsplit(request.url).hostname == "dysmsapi.aliyuncs.com"
    assert request.headers["x-acs-action"] == "SendSms"
    query = aliyun_query(request)
    assert query["PhoneNumbers"] == MOBILE
    assert query["SignName"] == "某市人大常委会"
    assert query["TemplateCode"] == "SMS_300000001"
    assert json.loads(query["TemplateParam"]) == {"content": "您的建议已有答复"}
    assert gateway.sent[-1]["timeout"] == (5.0, 5.0)  # connect, read
    assert SECRET not in gateway.everything_sent()  # signed, never sent
    assert KEY_ID in request.headers["Authorization"]
    assert MASKED in caplog.text and "SMS_300000001" in caplog.text
    assert "F655A8D5-B967-440B-8683-DAD6FF8DE990" in caplog.text
    assert MOBILE not in caplog.text and "您的建议" not in caplog.text


@pytest.mark.parametrize(
    "recorded, code, said",
    [
        ("aliyun_invalid_number", "isv.MOBILE_NUMBER_ILLEGAL", "138****1234invalidate"),
        ("aliyun_template_refused", "isv.SMS_TEMPLATE_ILLEGAL", "模板不合法"),
        ("aliyun_throttled", "isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控"),
        ("aliyun_access_key_unknown", "InvalidAccessKeyId.NotFound", "Specified access key is not found."),
    ],
)
def test_aliyun_refusals_raise_a_safe_sms_error(gateway, sms_settings, caplog, recorded, code, said):
    gateway.answers = [recorded]
    with caplog.at_level("INFO", logger="notifications.sms"), pytest.raises(SmsError) as refused:
        AliyunSmsBackend().send(MOBILE, "会议通知")
    message = str(refused.value)
    assert code in message and MASKED in message and said in message
    assert_safe(message)
    assert_safe(caplog.text)
    assert len(gateway.sent) == 1  # one attempt; the delivery scan retries later


@pytest.mark.parametrize(
    "failure",
    [requests.exceptions.ConnectTimeout, requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError],
)
def test_aliyun_network_failures_raise_without_the_request_url(gateway, sms_settings, failure):
    # requests names the URL, and Aliyun's URL holds the number in its query.
    gateway.answers = [failure(f"timed out: https://dysmsapi.aliyuncs.com/?PhoneNumbers={MOBILE}&Secret={SECRET}")]
    with pytest.raises(SmsError) as refused:
        AliyunSmsBackend().send(MOBILE, "会议通知")
    assert "NetworkError" in str(refused.value) and MASKED in str(refused.value)
    assert_safe(str(refused.value))
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


# --- Tencent Cloud --------------------------------------------------------------------------


def test_tencent_sends_the_notice_template_to_the_plus_86_number(gateway, sms_settings, settings, caplog):
    settings.SMS_BACKEND = TENCENT
    gateway.answers = ["tencent_ok"]
    with caplog.at_level("INFO", logger="notifications.sms"):
        get_sms_backend().send("+86 138-0000-1234", "您的建议已有答复")
    request = gateway.last
    assert urlsplit(request.url).hostname == "sms.tencentcloudapi.com"
    assert request.headers["X-TC-Action"] == "SendSms"
    assert request.headers["X-TC-Region"] == "ap-guangzhou"
    body = tencent_body(request)
    assert body["PhoneNumberSet"] == ["+8613800001234"]
    assert body["SmsSdkAppId"] == "1400006666"
    assert body["SignName"] == "某市人大常委会"
    assert body["TemplateId"] == "SMS_300000001"
    assert body["TemplateParamSet"] == ["您的建议已有答复"]
    assert gateway.sent[-1]["timeout"] == 5
    assert SECRET not in gateway.everything_sent()
    assert MASKED in caplog.text and "a0aabda6-cf91-4f3e-a81f-9198114a2279" in caplog.text
    assert MOBILE not in caplog.text


@pytest.mark.parametrize(
    "recorded, code, said",
    [
        ("tencent_invalid_number", "InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误 +86138****1234"),
        ("tencent_template_refused", "FailedOperation.TemplateIncorrectOrUnapproved", "模板未审批"),
        ("tencent_throttled", "LimitExceeded.PhoneNumberDailyLimit", "日下发短信条数"),
        ("tencent_request_throttled", "RequestLimitExceeded", "频率限制"),
    ],
)
def test_tencent_refusals_raise_a_safe_sms_error(gateway, sms_settings, caplog, recorded, code, said):
    gateway.answers = [recorded]
    with caplog.at_level("INFO", logger="notifications.sms"), pytest.raises(SmsError) as refused:
        TencentSmsBackend().send(MOBILE, "会议通知")
    message = str(refused.value)
    assert code in message and MASKED in message and said in message
    assert_safe(message)
    assert_safe(caplog.text)
    assert len(gateway.sent) == 1


def test_tencent_timeout_raises_a_safe_sms_error(gateway, sms_settings):
    gateway.answers = [requests.exceptions.ReadTimeout(f"read timed out, key {SECRET}, to {MOBILE}")]
    with pytest.raises(SmsError) as refused:
        TencentSmsBackend().send(MOBILE, "会议通知")
    assert "ClientNetworkError" in str(refused.value)
    assert_safe(str(refused.value))


def test_debug_logging_holds_no_number_or_text(gateway, sms_settings, caplog):
    gateway.answers = ["tencent_ok", "aliyun_ok"]
    with caplog.at_level("DEBUG"):
        TencentSmsBackend().send(MOBILE, "机密会议通知")
        AliyunSmsBackend().send(MOBILE, "机密会议通知")
    assert caplog.records and MOBILE not in caplog.text and "机密会议通知" not in caplog.text
    assert_safe(caplog.text)


# --- From free text to templates ------------------------------------------------------------


def test_a_long_text_is_cut_to_the_variable_limit_with_an_ellipsis(gateway, sms_settings):
    text = "关于推进城市更新中老旧小区加装电梯和停车难问题的建议已由市住房和城乡建设局答复，请查看"
    gateway.answers = ["aliyun_ok", "tencent_ok"]
    AliyunSmsBackend().send(MOBILE, text)
    sent = json.loads(aliyun_query(gateway.last)["TemplateParam"])["content"]
    assert len(sent) == 35 and sent.endswith("…") and sent[:-1] == text[:34]
    sms_settings.SMS_TEMPLATE_PARAM_MAX = 12
    TencentSmsBackend().send(MOBILE, text)
    assert tencent_body(gateway.last)["TemplateParamSet"] == [text[:11] + "…"]


def test_a_kind_with_its_own_template_sends_its_params_in_order(gateway, sms_settings):
    params = {"name": "王芳", "days": "7"}
    gateway.answers = ["aliyun_ok", "tencent_ok"]
    AliyunSmsBackend().send(MOBILE, "王芳，请设置密码", kind="invitation", params=params)
    query = aliyun_query(gateway.last)
    assert query["TemplateCode"] == "SMS_300000002" and json.loads(query["TemplateParam"]) == params
    TencentSmsBackend().send(MOBILE, "王芳，请设置密码", kind="invitation", params=params)
    body = tencent_body(gateway.last)
    assert body["TemplateId"] == "SMS_300000002" and body["TemplateParamSet"] == ["王芳", "7"]


def test_a_kind_without_a_template_falls_back_to_the_notice_template(gateway, sms_settings):
    gateway.answers = ["aliyun_ok"]
    AliyunSmsBackend().send(MOBILE, "活动提醒", kind="reminder", params={"x": "ignored"})
    query = aliyun_query(gateway.last)
    assert query["TemplateCode"] == "SMS_300000001" and json.loads(query["TemplateParam"]) == {"content": "活动提醒"}


def test_a_link_needs_a_template_of_its_own_and_is_never_cut(gateway, sms_settings):
    link = "https://rddb.example.gov.cn/accounts/invitation/MTI/cbx7-0a1b2c3d4e5f6a7b8c9d/"
    with pytest.raises(SmsError) as refused:
        AliyunSmsBackend().send(MOBILE, f"王芳，请打开链接设置密码：{link}")
    assert "SMS_TEMPLATES" in str(refused.value) and "cbx7" not in str(refused.value)
    assert gateway.sent == []


@pytest.mark.parametrize("mobile", ["+12025550123", "0755-1234567", "1380000123", ""])
def test_numbers_outside_the_mainland_are_refused_before_the_gateway(gateway, sms_settings, mobile):
    with pytest.raises(SmsError):
        TencentSmsBackend().send(mobile, "会议通知")
    assert gateway.sent == []


@pytest.mark.parametrize("mobile", ["8613800001234", "008613800001234", "+86 13800001234"])
def test_prefixed_mainland_numbers_are_sent_without_the_prefix_to_aliyun(gateway, sms_settings, mobile):
    gateway.answers = ["aliyun_ok"]
    AliyunSmsBackend().send(mobile, "会议通知")
    assert aliyun_query(gateway.last)["PhoneNumbers"] == MOBILE


def test_a_gateway_missing_settings_refuses_and_the_check_names_them(gateway, sms_settings, settings):
    settings.SMS_BACKEND = TENCENT
    settings.SMS_TENCENT_APP_ID = ""
    settings.SMS_ACCESS_KEY_SECRET = ""
    with pytest.raises(SmsError) as refused:
        get_sms_backend().send(MOBILE, "会议通知")
    assert "SMS_TENCENT_APP_ID" in str(refused.value) and gateway.sent == []
    errors = [m for m in checks.run_checks() if m.id == "notifications.E002"]
    assert len(errors) == 1 and "SMS_ACCESS_KEY_SECRET" in errors[0].msg and "SMS_TENCENT_APP_ID" in errors[0].msg
    settings.SMS_ACCESS_KEY_SECRET, settings.SMS_TENCENT_APP_ID = SECRET, "1400006666"
    assert not [m for m in checks.run_checks() if m.id.startswith("notifications.")]


def test_a_template_list_entry_without_an_id_is_an_error(sms_settings, settings):
    settings.SMS_BACKEND = ALIYUN
    settings.SMS_TEMPLATES = {"invitation": ""}
    assert [m.id for m in checks.run_checks() if m.id.startswith("notifications.")] == ["notifications.E003"]


@pytest.mark.django_db
def test_a_refusal_is_recorded_on_the_notification_for_the_scan_to_retry(gateway, sms_settings, settings, deputy):
    from notifications.models import Notification
    from notifications.tasks import deliver_notification

    settings.SMS_BACKEND = ALIYUN
    gateway.answers = ["aliyun_throttled", "aliyun_ok"]
    n = Notification.objects.create(user=deputy, key="k", title="答复已到", want_email=False, want_sms=True)
    assert deliver_notification(n.pk)["sms"] is False
    n.refresh_from_db()
    assert n.sms_sent_at is None and "isv.BUSINESS_LIMIT_CONTROL" in n.delivery_error
    assert deputy.mobile not in n.delivery_error
    assert deliver_notification(n.pk)["sms"] is True  # the next scan's try goes out
    assert aliyun_query(gateway.last)["PhoneNumbers"] == deputy.mobile


# --- No gateway -----------------------------------------------------------------------------


def test_the_unconfigured_backend_refuses_and_deploy_check_warns(settings):
    settings.SMS_BACKEND = "notifications.sms.UnconfiguredSmsBackend"
    with pytest.raises(SmsError):
        UnconfiguredSmsBackend().send(MOBILE, "会议通知")
    assert "notifications.W001" in [m.id for m in checks.run_checks(include_deployment_checks=True)]
    assert "notifications.W001" not in [m.id for m in checks.run_checks()]  # deploy checks only
    settings.SMS_BACKEND = "notifications.sms.ConsoleSmsBackend"  # chosen on purpose: no warning
    assert "notifications.W001" not in [m.id for m in checks.run_checks(include_deployment_checks=True)]


def _production(tmp_path, code: str, **env) -> str:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("SMS_", "PORTAL_TESTING", "DEBUG"))}
    full_env.pop("DATABASE_URL", None)
    full_env.update(
        DEBUG="0",
        PORTAL_TESTING="0",
        SECRET_KEY="x" * 60 + "-production-secret-for-the-check",
        PERSONAL_DATA_KEY="y" * 60,
        ALLOWED_HOSTS="portal.example.org",
        **env,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_production_defaults_to_refusing_and_reads_the_secret_from_a_file(tmp_path):
    show = "from django.conf import settings as s; print(s.SMS_BACKEND, s.SMS_ACCESS_KEY_SECRET, s.SMS_TEMPLATES)"
    assert _production(tmp_path, show) == "notifications.sms.UnconfiguredSmsBackend  {}"
    secret_file = tmp_path / "sms_secret"
    secret_file.write_text(SECRET + "\n", encoding="utf-8")
    shown = _production(
        tmp_path,
        show,
        SMS_BACKEND="notifications.sms.ConsoleSmsBackend",
        SMS_ACCESS_KEY_SECRET_FILE=str(secret_file),
        SMS_TEMPLATES="invitation=SMS_2, reminder = SMS_3",
    )
    assert shown == f"notifications.sms.ConsoleSmsBackend {SECRET} {{'invitation': 'SMS_2', 'reminder': 'SMS_3'}}"
