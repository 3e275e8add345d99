"""Choice labels in the reader's language from a table made once per language and set of choices.

Django's `get_FOO_display` rebuilds a dictionary of every choice and translates the label on each call (20–30 µs);
a list of fifty day logs showing two of them a row spent more on that than on its query.
"""

from functools import cache

from django.utils.translation import get_language


@cache
def _labels(choices, language: str | None) -> dict:
    return {value: str(label) for value, label in choices.choices}


def choice_label(choices, value) -> str:
    """The label of `value` among `choices` (a TextChoices class), or the value itself when it is none of them."""
    return _labels(choices, get_language()).get(value, value)
