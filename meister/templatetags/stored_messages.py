"""Template filters that show messages kept as codes with parameters in the reader's language."""

from django import template

from meister import stored_messages

register = template.Library()


@register.filter
def stored_message(value) -> str:
    """One kept message (an import problem, a changed field) in the reader's language."""
    return stored_messages.render(value)


@register.filter
def stored_list(values) -> str:
    """Kept messages joined as the reader's language lists them: 住所、電話番号 / Address, Phone number."""
    return stored_messages.render_list(values)
