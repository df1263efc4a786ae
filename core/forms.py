"""Form helpers shared by every app."""


def valid_data(form) -> dict:
    """The fields that passed validation: one bad filter (a stale year) does not drop the others."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data
