"""The registry (who is who) and matching (needs, proposals, engagements)."""

from partners.models.matching import *  # noqa: F403
from partners.models.registry import *  # noqa: F403
from partners.models.registry import MONTHS, WEEKDAYS  # noqa: F401
