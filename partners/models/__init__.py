"""The registry (who is who), matching (needs, proposals, engagements) and school and company calendars."""

from partners.models.calendars import *  # noqa: F403
from partners.models.matching import *  # noqa: F403
from partners.models.registry import *  # noqa: F403
from partners.models.registry import MONTHS, WEEKDAYS  # noqa: F401
