"""Masking of personal data for people who may not see it in full."""


def mask_mobile(value: str | None) -> str:
    """138****1234: keep the first three and last four digits."""
    if not value:
        return ""
    value = str(value)
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_id_number(value: str | None) -> str:
    """Keep the first and last two characters of an ID number."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 4:
        return "*" * len(value)
    return f"{value[:2]}{'*' * (len(value) - 4)}{value[-2:]}"


def mask_address(value: str | None) -> str:
    """Keep the first six characters (district level) of an address."""
    if not value:
        return ""
    return f"{value[:6]}****" if len(value) > 6 else "****"


def can_view_personal_data(user, deputy=None) -> bool:
    """Staff with the permission (and the deputy in their scope), or the deputy themselves."""
    if not getattr(user, "is_authenticated", False):
        return False
    if deputy is not None and deputy.user_id is not None and deputy.user_id == user.pk:
        return True
    if not (user.is_staff and user.has_perm("deputies.view_personal_data")):
        return False
    if deputy is None:
        return True
    from accounts.roles import deputy_in_scope

    return deputy_in_scope(user, deputy)
