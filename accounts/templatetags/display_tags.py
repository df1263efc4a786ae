"""``{% display_state as DISPLAY %}``: the large-text / high-contrast state for base.html."""

from django import template

from accounts.display import page_state

register = template.Library()


@register.simple_tag(takes_context=True)
def display_state(context) -> dict:
    request = context.get("request")
    if request is None:  # a template rendered outside a request (an e-mail, a test)
        return {"mode": "standard", "classes": "", "large": False, "contrast": False}
    return page_state(request)
