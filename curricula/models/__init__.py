"""Curricula, class sessions with industry, joint projects, students, placements and their day logs.

Students carry only what the programme needs: kana name, school, class and number, and a guardian
contact kept for the 三者協定. Company users reach students only through their own placements, and
the ministry sees counts, never names (the views enforce the latter: `meister.scoping.may_see_named_students`).
"""

from curricula.models.allocation import *  # noqa: F403
from curricula.models.class_codes import *  # noqa: F403
from curricula.models.common import SCHOOL_PATHS, valid_weekdays  # noqa: F401
from curricula.models.diaries import *  # noqa: F403
from curricula.models.evaluations import *  # noqa: F403
from curricula.models.placements import *  # noqa: F403
from curricula.models.roster import *  # noqa: F403
from curricula.models.roster import STAYING, cached_class_name  # noqa: F401
from curricula.models.students import *  # noqa: F403
from curricula.models.tallies import *  # noqa: F403
from curricula.models.teaching import *  # noqa: F403
