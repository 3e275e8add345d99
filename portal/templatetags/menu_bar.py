"""The menu bar, drawn once per menu, language and marked page, then kept in the web process.

Every page draws the bar: some thirty entries under their headings, a comparison with the page's path for each. That
cost a third of a small page. What the bar shows depends only on its entries (their words and addresses, in the
reader's language) and on which of them is the page shown, so the drawn bar is kept under exactly those and reused;
the entries themselves are still worked out for each request (`portal.navigation.menu`), so a change of role or
scope shows at once.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

KEEP = 512  # drawn bars kept per process: the roles' menus × two languages × the pages they mark, with room to spare
_drawn: dict[tuple, str] = {}


def menu_key(groups, path: str) -> tuple:
    """What the drawn bar depends on: the language, each heading's words and entries, and the page it marks."""
    entries = tuple(
        (group.key, str(group.label), tuple((str(item.label), item.url) for item in group.items)) for group in groups
    )
    marked = path if any(item.url == path for group in groups for item in group.items) else ""
    return get_language(), marked, entries


@register.simple_tag(takes_context=True)
def menu_bar(context):
    request = context["request"]
    groups = context.get("menu") or []
    key = menu_key(groups, request.path)
    drawn = _drawn.get(key)
    if drawn is None:
        drawn = render_to_string("includes/menu_bar.html", {"menu": groups, "marked": key[1]})
        if len(_drawn) >= KEEP:
            _drawn.clear()
        _drawn[key] = drawn
    return mark_safe(drawn)  # noqa: S308 - drawn by the template above, which escapes what it prints
