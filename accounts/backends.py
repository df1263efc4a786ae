"""The login backend: one box for e-mail or mobile number, and the same work for every answer.

Whatever was typed, the password hasher runs exactly once: against the account's password when
the login names an account, against a throw-away hash when it does not. An unknown login, a
wrong password and an inactive account therefore take the same time and get the same answer,
so nobody learns from the login page which accounts exist.
"""

from allauth.account.auth_backends import AuthenticationBackend
from allauth.account.internal.userkit import filter_users_by_email, get_user_by_username
from django.contrib.auth.hashers import make_password

from .validators import normalize_mobile


def normalize_login(login: str | None) -> str:
    """The login as the accounts hold it: an e-mail lower-cased, a mobile number without
    spaces, dashes or +86."""
    value = (login or "").strip()
    if "@" in value:
        return value.lower()
    return normalize_mobile(value)


def user_for_login(login: str | None):
    """The account an e-mail or mobile number belongs to, or None."""
    value = normalize_login(login)
    if not value:
        return None
    if "@" in value:
        users = filter_users_by_email(value, prefer_verified=True, for_login=True)
        return users[0] if users else None
    return get_user_by_username(value)


class LoginBackend(AuthenticationBackend):
    """allauth's backend with one password check per attempt, never zero or two."""

    def authenticate(self, request, **credentials):
        password = credentials.get("password")
        login = credentials.get("email") or credentials.get("username") or credentials.get("phone")
        if not password or not login:
            return None
        user = user_for_login(login)
        if user is None:
            # The same hashing an account's check would cost.
            make_password(password)
            return None
        # An inactive account answers like a wrong password (allauth's "account inactive"
        # page would tell that the password was right): no stash for allauth to find.
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
