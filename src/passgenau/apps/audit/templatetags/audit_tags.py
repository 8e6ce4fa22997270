from django import template

from ..actions import describe_action

register = template.Library()


@register.filter
def action_words(action: str) -> str:
    """An audit action code in the reader's language ("Grant: approved")."""
    return describe_action(action)
