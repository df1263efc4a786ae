"""System checks for the SMS settings (registered in apps.py)."""

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string


@checks.register(checks.Tags.compatibility, deploy=True)
def sms_gateway_chosen(app_configs=None, **kwargs):
    """A production server should send SMS through a gateway, or log them because someone
    chose the console."""
    from .sms import UnconfiguredSmsBackend

    try:
        backend = import_string(settings.SMS_BACKEND)
    except ImportError:
        return []  # reported by sms_gateway_settings
    if backend is UnconfiguredSmsBackend or issubclass(backend, UnconfiguredSmsBackend):
        return [
            checks.Warning(
                "No SMS gateway is configured: every SMS (notifications, invitations) fails and is retried.",
                hint="Set SMS_BACKEND to notifications.sms_gateways.AliyunSmsBackend or "
                "notifications.sms_gateways.TencentSmsBackend with its SMS_* settings, or to "
                "notifications.sms.ConsoleSmsBackend to log messages instead of sending them.",
                id="notifications.W001",
            )
        ]
    return []


@checks.register(checks.Tags.compatibility)
def sms_gateway_settings(app_configs=None, **kwargs):
    """A chosen gateway must have what it needs to send."""
    from .sms_gateways import GatewaySmsBackend

    try:
        backend = import_string(settings.SMS_BACKEND)
    except ImportError as exc:
        return [checks.Error(f"SMS_BACKEND cannot be imported: {exc}", id="notifications.E001")]
    errors = []
    if isinstance(backend, type) and issubclass(backend, GatewaySmsBackend):
        missing = backend.missing_settings()
        if missing:
            errors.append(
                checks.Error(
                    f"{backend.gateway} is chosen but {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set.",
                    hint="Set them in the environment (secrets also as NAME_FILE).",
                    id="notifications.E002",
                )
            )
        empty = sorted(kind for kind, template in settings.SMS_TEMPLATES.items() if not kind or not template)
        if empty:
            errors.append(
                checks.Error(
                    f"SMS_TEMPLATES has entries without a kind or a template id: {', '.join(empty) or '(empty)'}.",
                    hint='Write SMS_TEMPLATES as "kind=template id,kind=template id".',
                    id="notifications.E003",
                )
            )
        if settings.SMS_TEMPLATE_PARAM_MAX < 2:
            errors.append(checks.Error("SMS_TEMPLATE_PARAM_MAX must be at least 2.", id="notifications.E004"))
    return errors
