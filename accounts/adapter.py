"""allauth adapter: nobody signs up; staff create accounts and send invitations."""

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import gettext_lazy as _

# One login box takes the mobile number or the e-mail address (accounts.forms.LoginForm): a wrong
# password says so whichever was typed (allauth's own words name only e-mail, or "username").
LOGIN_MISMATCH = _("The mobile number or e-mail address, or the password, is not correct.")


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": LOGIN_MISMATCH,
        "username_password_mismatch": LOGIN_MISMATCH,
        "phone_password_mismatch": LOGIN_MISMATCH,
    }

    def is_open_for_signup(self, request):
        return False


def user_display(user) -> str:
    return user.full_name or (user.email or "")
