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
