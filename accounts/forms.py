from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.internal.stagekit import clear_login
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.base.forms import AuthenticateForm as AllauthMFAAuthenticateForm
from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from . import lockout
from .validators import normalize_mobile


class LoginForm(AllauthLoginForm):
    """One box for e-mail or mobile number (allauth's username is the mobile field)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("Mobile number or e-mail")
        login.widget.attrs.update({"placeholder": _("Mobile number or e-mail"), "autocomplete": "username"})
        self.fields["password"].label = _("Password")

    def clean_login(self):
        value = super().clean_login()
        if "@" not in value:
            value = normalize_mobile(value)
        return value

    def clean(self):
        if not self._errors:
            # While the account or the address is locked, refuse before any password is
            # checked, even a right one, and say how long to wait.
            request = self.request or context.request
            login = self.cleaned_data.get("login")
            state = lockout.is_locked(request, login)
            if state is not None:
                lockout.record_locked(request, login, state)
                raise ImmediateHttpResponse(lockout.lockout_response(request, state))
        return super().clean()


class MFAAuthenticateForm(AllauthMFAAuthenticateForm):
    """The second step of a login. Wrong codes count toward the account's lockout (they are
    logged by accounts.signals); once it is locked the pending login is dropped."""

    def clean_code(self):
        request = context.request
        self._refuse_if_locked(request)
        try:
            return super().clean_code()
        except forms.ValidationError:
            self._refuse_if_locked(request)
            raise

    def _refuse_if_locked(self, request):
        state = lockout.is_locked(request, user=self.user)
        if state is not None:
            lockout.record_locked(request, None, state, user=self.user, step="mfa")
            clear_login(request)
            raise ImmediateHttpResponse(lockout.lockout_response(request, state))


class InvitationPasswordForm(SetPasswordForm):
    """Set the first password from an invitation link."""

    new_password1 = forms.CharField(
        label=_("Set password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    new_password2 = forms.CharField(
        label=_("Enter the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
