"""Roles are Django groups plus links (see DOMAIN.md "People and roles").

- staff: the "staff" group and ``is_staff``; scoped by ``User.congress``.
- deputy: a user linked to one or more mandates (``Deputy.user``).
- unit officer: a user linked to a unit (``User.unit``).
- SC member: a user whose mandate holds a standing-committee seat.

The deputy, unit-officer and SC-member groups are kept in step with those links
by ``accounts.services.user_sync_roles``; code asks the helpers below, never
ad-hoc flags. This app knows only its own link (the unit); an app that holds the
links behind a role registers a source for it (``register_role_source``), so this
layer never imports the apps above it.
"""

from collections.abc import Callable, Iterable

from django.utils.translation import gettext_lazy as _

STAFF = "staff"
DEPUTY = "deputy"
UNIT_OFFICER = "unit_officer"
SC_MEMBER = "sc_member"
# Separated administration (等保 2.0): city-wide settings, and reading the security log.
# Given by a superuser to named staff of the city office; never fed by links.
CITY_ADMIN = "city_admin"
SECURITY_AUDITOR = "security_auditor"

# Group names are the Chinese names staff see in the admin.
GROUP_NAMES = {
    STAFF: "代表工作机构工作人员",
    DEPUTY: "人大代表",
    UNIT_OFFICER: "承办单位联系人",
    SC_MEMBER: "常委会组成人员",
    CITY_ADMIN: "系统管理员",
    SECURITY_AUDITOR: "安全审计员",
}
ROLE_LABELS = {
    STAFF: _("Staff"),
    DEPUTY: _("Deputy"),
    UNIT_OFFICER: _("Handling-unit officer"),
    SC_MEMBER: _("Standing committee member"),
    CITY_ADMIN: _("System administrator"),
    SECURITY_AUDITOR: _("Security auditor"),
}


# role code -> function(user ids) -> the ids among them who should hold the role.
_ROLE_SOURCES: dict[str, Callable[[list[int]], Iterable[int]]] = {}


def register_role_source(role: str):
    """Declare where a link-fed role comes from, e.g. the deputies app for "deputy"."""
    if role not in GROUP_NAMES:
        raise ValueError(f"Unknown role {role!r}")

    def decorator(func):
        _ROLE_SOURCES[role] = func
        return func

    return decorator


def role_sources() -> dict[str, Callable]:
    return dict(_ROLE_SOURCES)


def user_roles(user) -> set[str]:
    """The role codes a user holds, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = {code for code, name in GROUP_NAMES.items() if name in names}
        if user.is_superuser:
            cached.add(STAFF)
        user._role_cache = cached
    return cached


def has_role(user, role: str) -> bool:
    return role in user_roles(user)


def is_staff_member(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff and has_role(user, STAFF))


def congress_scope_ids(user) -> list[int] | None:
    """Congress ids a staff user may see; None means every congress (superuser)."""
    if user.is_superuser:
        return None
    if not user.congress_id:
        return []
    cached = getattr(user, "_scope_cache", None)
    if cached is None:
        cached = user.congress.descendant_ids()
        user._scope_cache = cached
    return cached


def deputy_scope_q(user, prefix: str = ""):
    """A Q object for the deputies a staff member serves (None: no limit).

    Their congress and those below it, plus the national and provincial deputies elected
    by one of those congresses: the city office serves the city's NPC and provincial
    deputies (work plan item 7). City deputies elected by a district congress stay the
    city's: district staff do not see them.
    """
    from django.db.models import Q

    scope = congress_scope_ids(user)
    if scope is None:
        return None
    return Q(**{f"{prefix}congress_id__in": scope}) | Q(
        **{
            f"{prefix}congress__level__in": ["national", "provincial"],
            f"{prefix}electoral_unit__electing_congress_id__in": scope,
        }
    )


def deputy_in_scope(user, deputy) -> bool:
    """The same rule as ``deputy_scope_q`` for one loaded deputy (congress and electoral unit loaded)."""
    scope = congress_scope_ids(user)
    if scope is None or deputy.congress_id in scope:
        return True
    return deputy.congress.level in ("national", "provincial") and deputy.electoral_unit.electing_congress_id in scope


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
    return deputy_in_scope(user, deputy)
