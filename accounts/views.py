from django.contrib.auth import get_user_model, login
from django.contrib.auth.tokens import default_token_generator
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from .forms import InvitationPasswordForm
from .services import user_accept_invitation

User = get_user_model()


def _user_from_link(uidb64: str, token: str):
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)), is_active=True)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        return None
    return user if default_token_generator.check_token(user, token) else None


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def invitation(request, uidb64, token):
    """Set the first password from the link in an invitation, then log in."""
    user = _user_from_link(uidb64, token)
    if user is None:
        response = render(request, "accounts/invitation_invalid.html", status=400)
        # Django's request log would write the path, and with it the link's token: leave it out.
        response._has_been_logged = True
        return response
    form = InvitationPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user_accept_invitation(user=user, password=form.cleaned_data["new_password1"])
        login(request, user, backend="accounts.backends.LoginBackend")
        return redirect("portal:after_login")
    return render(request, "accounts/invitation.html", {"form": form, "invited_user": user})
