"""allauth adapter: nobody signs up; staff create accounts and send invitations."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False


def user_display(user) -> str:
    return user.full_name or (user.email or "")
