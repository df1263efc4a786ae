"""The admin's autocomplete widget, made safe for values that are not ids.

When a form with an autocomplete foreign key comes back with an error, Django's widget looks
up the submitted value to show it again; a value that is not a valid id for the target field
(``abc`` for a number) raises ``ValueError`` there and the page answers 500. The values are
checked against the target field first, and invalid ones are shown as nothing chosen: the
form's own "select a valid choice" error says what was wrong.
"""

from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import ValidationError

_original_optgroups = AutocompleteMixin.optgroups


def _valid_values(widget, value):
    remote = widget.field.remote_field
    target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
    kept = []
    for item in value:
        try:
            target.to_python(item)
        except (ValidationError, ValueError, TypeError):
            continue
        kept.append(item)
    return kept


def optgroups(self, name, value, attr=None):
    return _original_optgroups(self, name, _valid_values(self, value), attr)


def install() -> None:
    """Called once from core's AppConfig.ready."""
    AutocompleteMixin.optgroups = optgroups
