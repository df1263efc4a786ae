"""The real SMS gateways: Aliyun SMS (dysmsapi 2017-05-25) and Tencent Cloud SMS (2021-01-11).

Chinese gateways send only templates the office has had approved, under an approved sign
name. Our messages are free text (a notification's title), so they go through one generic
notice template with one variable, the text, cut to SMS_TEMPLATE_PARAM_MAX characters with
an ellipsis. The office registers, as a notice (通知类) template:

    Aliyun:   您有一条新的代表工作通知：${content}。请登录代表工作平台查看。
    Tencent:  您有一条新的代表工作通知：{1}。请登录代表工作平台查看。

and sets its id in SMS_TEMPLATE_ID. A kind of message may have a template of its own
(SMS_TEMPLATES, "kind=id,kind=id"; the caller passes ``kind`` and ``params``, in the
template's variable order). Aliyun allows 35 characters per notice variable, the default
limit; Tencent's limit depends on the variable's type in the approved template, so set
SMS_TEMPLATE_PARAM_MAX to it.

Settings: SMS_ACCESS_KEY_ID and SMS_ACCESS_KEY_SECRET (Aliyun AccessKey, or Tencent
SecretId and SecretKey; ``*_FILE`` works), SMS_SIGN_NAME, SMS_TEMPLATE_ID, SMS_TEMPLATES,
SMS_REGION, SMS_TENCENT_APP_ID (the SdkAppId), SMS_TIMEOUT (seconds, connect and read).

A refusal, a network error or a timeout raises ``SmsError``; its text and the log lines
carry at most the masked number, the template id, the gateway's code and its request id.
"""

import json
import logging

from alibabacloud_dysmsapi20170525 import models as aliyun_models
from alibabacloud_dysmsapi20170525.client import Client as AliyunClient
from alibabacloud_tea_openapi import utils_models as aliyun_openapi
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tencentcloud.common.credential import Credential as TencentCredential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile as TencentClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile as TencentHttpProfile
from tencentcloud.sms.v20210111 import models as tencent_models
from tencentcloud.sms.v20210111.sms_client import SmsClient as TencentClient

from core.masking import mask_mobile

from .sms import NOTICE, BaseSmsBackend, SmsError, mainland_mobile, scrub, template_for

logger = logging.getLogger("notifications.sms")
# The Tencent SDK logs each request and answer (numbers, texts) at DEBUG: never let them
# through, whatever LOG_LEVEL says.
logging.getLogger("tencentcloud_sdk_common").setLevel(logging.INFO)


def no_answer() -> str:
    return _("no answer from the gateway (network error or timeout)")


class GatewaySmsBackend(BaseSmsBackend):
    """What both gateways share: reading the settings, the template, the refusal."""

    gateway = ""  # the name in messages and logs
    default_region = ""
    # Settings a working backend needs (the system check names the missing ones).
    required = ("SMS_ACCESS_KEY_ID", "SMS_ACCESS_KEY_SECRET", "SMS_SIGN_NAME", "SMS_TEMPLATE_ID")

    def __init__(self):
        self.key_id = settings.SMS_ACCESS_KEY_ID or ""
        self.secret = settings.SMS_ACCESS_KEY_SECRET or ""
        self.sign_name = settings.SMS_SIGN_NAME or ""
        self.region = settings.SMS_REGION or self.default_region
        self.timeout = settings.SMS_TIMEOUT

    @classmethod
    def missing_settings(cls) -> list[str]:
        return [name for name in cls.required if not getattr(settings, name, "")]

    def send(self, mobile: str, text: str, *, kind: str = NOTICE, params: dict | None = None) -> None:
        missing = self.missing_settings()
        if missing:
            raise SmsError(_("The SMS gateway is not fully configured (%(names)s).") % {"names": ", ".join(missing)})
        number = mainland_mobile(mobile)
        masked = mask_mobile(number)
        template_id, variables = template_for(text, kind, params)
        request_id = self._send(number, template_id, variables, masked)
        logger.info("SMS to %s sent by %s with template %s (request %s)", masked, self.gateway, template_id, request_id)

    def _send(self, number: str, template_id: str, variables: dict[str, str], masked: str) -> str:
        """Send through the gateway; return its request id or raise via ``refused``."""
        raise NotImplementedError

    def refused(self, masked: str, template_id: str, code: str, message: str = "", request_id: str = "") -> SmsError:
        code = scrub(code, self.secret, self.key_id) or "?"
        message = scrub(message, self.secret, self.key_id)
        request_id = scrub(request_id, self.secret, self.key_id)
        logger.warning(
            "SMS to %s refused by %s with template %s: %s (request %s)",
            masked,
            self.gateway,
            template_id,
            code,
            request_id or "-",
        )
        return SmsError(
            _("%(gateway)s did not send the SMS to %(mobile)s: %(code)s %(message)s (request %(request)s)")
            % {
                "gateway": self.gateway,
                "mobile": masked,
                "code": code,
                "message": message,
                "request": request_id or "-",
            }
        )


class AliyunSmsBackend(GatewaySmsBackend):
    """Aliyun SMS: SendSms with PhoneNumbers, SignName, TemplateCode and TemplateParam (JSON
    with the template's named variables). Success is Code "OK"."""

    gateway = gettext_lazy("Aliyun SMS")
    default_region = "cn-hangzhou"

    def client(self) -> AliyunClient:
        config = aliyun_openapi.Config(
            access_key_id=self.key_id,
            access_key_secret=self.secret,
            region_id=self.region,
            connect_timeout=int(self.timeout * 1000),  # milliseconds
            read_timeout=int(self.timeout * 1000),
        )
        return AliyunClient(config)

    def _send(self, number, template_id, variables, masked):
        request = aliyun_models.SendSmsRequest(
            phone_numbers=number,
            sign_name=self.sign_name,
            template_code=template_id,
            template_param=json.dumps(variables, ensure_ascii=False),
        )
        try:
            body = self.client().send_sms(request).body
        except Exception as exc:  # noqa: BLE001 - every SDK failure becomes one refusal
            # A network error's text holds the request URL with the number in its query:
            # only the HTTP refusals' own code and message are kept.
            if getattr(exc, "status_code", None):  # the gateway answered with an HTTP error
                answer = getattr(exc, "data", None) or {}
                code = getattr(exc, "code", None) or type(exc).__name__
                message = answer.get("Message") or getattr(exc, "message", "")
            else:
                code, message = "NetworkError", no_answer()
            raise self.refused(masked, template_id, code, message, getattr(exc, "request_id", "") or "") from None
        if body is None or body.code != "OK":
            code = getattr(body, "code", None) or "NoResponse"
            raise self.refused(masked, template_id, code, getattr(body, "message", ""), getattr(body, "request_id", ""))
        return body.request_id or ""


class TencentSmsBackend(GatewaySmsBackend):
    """Tencent Cloud SMS: SendSms with PhoneNumberSet ["+86…"], SmsSdkAppId, SignName,
    TemplateId and TemplateParamSet (the variables in order). Success is the number's
    SendStatusSet entry with Code "Ok"."""

    gateway = gettext_lazy("Tencent Cloud SMS")
    default_region = "ap-guangzhou"
    required = GatewaySmsBackend.required + ("SMS_TENCENT_APP_ID",)

    def client(self) -> TencentClient:
        http = TencentHttpProfile(reqTimeout=self.timeout)  # requests applies it to connect and read
        return TencentClient(
            TencentCredential(self.key_id, self.secret), self.region, TencentClientProfile(httpProfile=http)
        )

    def _send(self, number, template_id, variables, masked):
        request = tencent_models.SendSmsRequest()
        request.PhoneNumberSet = [f"+86{number}"]
        request.SmsSdkAppId = settings.SMS_TENCENT_APP_ID
        request.SignName = self.sign_name
        request.TemplateId = template_id
        request.TemplateParamSet = list(variables.values())
        try:
            response = self.client().SendSms(request)
        except TencentCloudSDKException as exc:
            network = (exc.get_code() or "").endswith("NetworkError")
            message = no_answer() if network else exc.get_message()
            raise self.refused(masked, template_id, exc.get_code(), message, exc.get_request_id() or "") from None
        except Exception as exc:  # noqa: BLE001
            raise self.refused(masked, template_id, type(exc).__name__) from None
        statuses = response.SendStatusSet or []
        status = statuses[0] if statuses else None
        if status is None or status.Code != "Ok":
            code = getattr(status, "Code", None) or "NoSendStatus"
            raise self.refused(masked, template_id, code, getattr(status, "Message", ""), response.RequestId or "")
        return response.RequestId or ""
