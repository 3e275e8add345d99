"""The registry (who is who), people and contacts, consortia and their work, and matching (needs, proposals,
engagements)."""

from partners.models.consortia import *  # noqa: F403
from partners.models.matching import *  # noqa: F403
from partners.models.people import *  # noqa: F403
from partners.models.registry import *  # noqa: F403
from partners.models.registry import MONTHS, WEEKDAYS  # noqa: F401
