"""Filters for the print templates."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def css_string(value) -> str:
    """Text for a CSS string inside a <style> block: CSS does not read HTML entities, so escape for CSS instead."""
    text = str(value)
    for character, escaped in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\A "), ("<", "\\3C "), (">", "\\3E ")):
        text = text.replace(character, escaped)
    return mark_safe(text)  # noqa: S308 - escaped for its CSS context above
