"""Tell the user when a save went through but its reminders could not be queued."""

from django.contrib import messages
from django.utils.translation import gettext as _

from .services import delivery_deferred


class DeferredDeliveryMiddleware:
    """After a request whose e-mail/SMS deliveries could not be queued (Redis stopped or
    hanging), add a message that the reminders will follow: the delivery scan sends them once
    the queue is back. Placed after MessageMiddleware so that the message is stored with the
    response (a redirect shows it on the next page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = delivery_deferred.set(False)
        try:
            response = self.get_response(request)
            if delivery_deferred.get() and hasattr(request, "_messages"):
                messages.warning(
                    request, _("Saved. Reminders will be sent later: the message queue is unavailable just now.")
                )
            return response
        finally:
            delivery_deferred.reset(token)
