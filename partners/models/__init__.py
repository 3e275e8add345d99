"""The registry (who is who), people and contacts, consortia and their work, matching (needs, proposals,
engagements) and school and company calendars."""

from partners.models.calendars import *  # noqa: F403
from partners.models.consortia import *  # noqa: F403
from partners.models.matching import *  # noqa: F403
from partners.models.people import *  # noqa: F403
from partners.models.registry import *  # noqa: F403
from partners.models.registry import MONTHS, WEEKDAYS  # noqa: F401
