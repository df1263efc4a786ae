from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

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
