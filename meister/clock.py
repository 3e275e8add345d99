"""Today's date for the whole portal.

Product code reads the date here and nowhere else, so that a date is always an input: tests move
the clock (time-machine) and the demo is laid out around a day of its own choosing.
"""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    """The current date in the portal's time zone (Asia/Tokyo)."""
    return timezone.localdate()


def now() -> datetime.datetime:
    """The current moment (aware, UTC): for time limits counted in minutes, as today() is for dates."""
    return timezone.now()
