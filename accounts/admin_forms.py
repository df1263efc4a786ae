from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User
from .validators import normalize_mobile


class UserCreationAdminForm(forms.ModelForm):
    """Create an account without a password: the person sets it from the invitation."""

    class Meta:
        model = User
        fields = ["full_name", "email", "mobile", "congress", "unit", "is_staff"]

    def clean_mobile(self):
        return normalize_mobile(self.cleaned_data.get("mobile")) or None

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower() or None

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("mobile"):
            raise forms.ValidationError(_("Enter an e-mail address or a mobile number (or both)."))
        return data
