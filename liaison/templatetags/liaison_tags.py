from django import template

register = template.Library()


@register.filter
def label_of(labels: dict, key: str) -> str:
    """The label of ``key`` in ``labels`` (an action's name on a timeline), else the key itself."""
    return labels.get(key, key)
