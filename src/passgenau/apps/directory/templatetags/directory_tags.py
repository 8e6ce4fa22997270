from __future__ import annotations

from django import template
from django.utils.dates import WEEKDAYS

register = template.Library()


@register.filter
def weekday(iso: int) -> str:
    """The name of the ISO weekday (1 Monday … 7 Sunday) in the current language."""
    return str(WEEKDAYS[int(iso) - 1])


@register.filter
def clock(value) -> str:
    """A time of day as "09:30", as ``time:"H:i"`` gives it (which parses the format each time:
    most of the rendering time of a page of results)."""
    return f"{value:%H:%M}"


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    """The page ``path`` as a full address on this site (``request.build_absolute_uri``): what a
    printed list shows after each link, as a relative one leads nowhere on paper."""
    return context["request"].build_absolute_uri(path)


@register.filter
def term_name(term, language: str) -> str:
    return term.name_in(language)


@register.filter
def lookup(mapping, key):
    return mapping.get(key, key)
