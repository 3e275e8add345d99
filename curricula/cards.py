"""What the teacher's and the company's dashboards show of their placements: this week's students at their
companies, the days missing and waiting, and the first placements with their hours."""

import datetime

from curricula import selectors
from curricula.models import DayLog, Evaluator, LogStatus
from curricula.services.evaluations import evaluations_due
from meister import clock
from meister.scoping import may_create, may_see_named_students, speaks_for_company

# The placements whose hours the cards show, as the placement list begins.
CARD_ROWS = 12


def dashboard_cards(*, user, work: dict | None = None, today: datetime.date | None = None) -> dict:
    """The cards' rows and figures, all read here (nothing left for the template to query), so a dashboard can keep
    them with its other figures. `work` is the dashboard's `placement_work` when it has counted it already."""
    if not may_see_named_students(user):
        return {"show": False}
    today = today or clock.today()
    work = work or selectors.placement_work(user=user, today=today)
    placements = selectors.placements_for_user(user=user)
    recent = placements.filter(ends_on__gte=today - datetime.timedelta(days=30))
    count = placements.count()
    return {
        "show": bool(count),
        "evaluations_due": evaluations_due(list(recent), evaluator=Evaluator.MENTOR, today=today)[:10],
        "placement_count": count,
        "week": selectors.week_placements(user=user, today=today),
        "missing": work["missing_days"],
        "pending": work["pending_days"],
        "rejected": work["rejected_days"],
        # The first lines of the placement list, each with its hours: worked out for these rows only.
        "placements": selectors.with_progress(placements[:CARD_ROWS], today),
        "can_log": may_create(user, DayLog),
        "is_company": speaks_for_company(user),
        "pending_status": LogStatus.PENDING,
        "today": today,
    }
