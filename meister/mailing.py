"""E-mail from the portal: headers built only from cleaned text, and jobs that survive one bad row.

Every message goes through `send`, whose subject is made one clean line whatever a stored title holds (an old row
may predate the rules in `meister.validators`). Jobs hand messages over one row at a time with `send_each`: a row
whose message fails is logged and skipped, the others go on, and the caller records a row as mailed only after
its message was handed over, so the next run tries the failed row again.
"""

import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.mail import send_mail

from meister.validators import one_line

logger = logging.getLogger(__name__)

Row = TypeVar("Row")


def send(subject: str, body: str, to: str) -> None:
    """Hand one message to the mail server; raises what the server or the headers raise."""
    send_mail(one_line(subject, limit=200), body, None, [to])


def send_each(rows: Iterable[Row], send_one: Callable[[Row], object], *, what: str) -> int:
    """`send_one(row)` for every row; returns how many sent. A row that fails is logged and skipped; a row whose
    `send_one` returns False had nothing to send and is not counted."""
    sent = 0
    for row in rows:
        try:
            result = send_one(row)
        except Exception:
            logger.exception("%s %s: the e-mail was not sent; it is left for the next run", what, _label(row))
            continue
        if result is not False:
            sent += 1
    return sent


def _label(row) -> str:
    return f"#{row.pk}" if hasattr(row, "pk") else repr(row)
