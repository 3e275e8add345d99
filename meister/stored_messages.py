"""Messages the portal keeps in the database (an import's problems, the fields a row would change) as codes with
parameters, so that each reader sees them in their own language however they were written.

A code is the message's source text (its msgid in the catalogue): `{"code": "「%(field)s」が空です。",
"params": {"field": {"code": "住所"}}}` reads 「住所」が空です。 in Japanese and "住所" is empty… in English. A
message the portal cannot take apart (text typed by a person, a message from an older version) is kept as text and
shown as it is.

In memory a `StoredMessage` is the text in the current language (a `str`, so code that joins or compares messages
keeps working); `stored()` gives the form kept in the database and `render()` reads it back.
"""

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language, gettext

Stored = dict | str


def _code_of(message) -> str | None:
    """The msgid behind a lazily translated message (gettext_lazy), or None for any other text."""
    if isinstance(message, StoredMessage):
        return message.code
    if isinstance(message, Promise):
        args = getattr(message, "_args", ())
        if len(args) == 1 and isinstance(args[0], str) and not getattr(message, "_kw", None):
            return args[0]
    return None


def _stored_value(value) -> Any:
    if isinstance(value, StoredMessage):
        return value.stored()
    if _code_of(value) is not None:
        return {"code": _code_of(value)}
    if isinstance(value, bool | int | float) or value is None:
        return value
    return str(value)


def _formatted(text: str, params: dict) -> str:
    """Text already in one language, its placeholders filled as Django fills a ValidationError's."""
    if not params:
        return text
    try:
        return text % params
    except (KeyError, TypeError, ValueError):
        return text


class StoredMessage(str):
    """A message as text in the current language that remembers its code and parameters."""

    code: str | None
    params: dict
    label: "StoredMessage | None"

    def __new__(cls, message, label=None, /, **params):
        code = _code_of(message)
        kept = {name: _stored_value(value) for name, value in params.items()}
        stored = {"code": code, "params": kept} if code is not None else _formatted(str(message), params)
        if label is not None:
            stored = {"label": StoredMessage(label).stored(), "message": stored}
        self = super().__new__(cls, render(stored))
        self.code, self.params = code, kept
        self._stored = stored
        return self

    def stored(self) -> Stored:
        return self._stored


def coded(message, label=None, /, **params) -> StoredMessage:
    """A message to keep: `message` is a gettext_lazy text (its %(name)s placeholders filled from `params` when shown)
    or plain text; `label` names the field it concerns ("住所: …")."""
    return StoredMessage(message, label, **params)


def stored_form(message) -> Stored:
    """What to keep in the database for a message given as a StoredMessage or as text."""
    return message.stored() if isinstance(message, StoredMessage) else str(message)


def render(stored: Any) -> str:
    """A kept message in the current language; text as it is."""
    if isinstance(stored, dict):
        if "message" in stored:
            label = render(stored.get("label"))
            return f"{label}: {render(stored['message'])}" if label else render(stored["message"])
        code = stored.get("code")
        if not isinstance(code, str):
            return ""
        text = gettext(code)
        params = {
            name: render(value) if isinstance(value, dict) else value
            for name, value in stored.get("params", {}).items()
        }
        return _formatted(text, params)
    if stored is None:
        return ""
    return str(stored)


def render_list(stored: list) -> str:
    """Kept messages (field names, say) joined as the reader's language lists them: 住所、電話番号 / Address, Phone."""
    separator = "、" if (get_language() or "ja").startswith("ja") else ", "
    return separator.join(render(item) for item in stored or [])
