"""Template helpers for placements, and the dashboard cards of teachers and companies."""

import datetime

from django import template

from curricula import selectors
from curricula.models import DayLog, Evaluator, LogStatus
from curricula.services.evaluations import evaluations_due
from meister import clock
from meister.scoping import may_create, may_see_named_students, speaks_for_company

register = template.Library()

# The placements whose hours the cards show, as the placement list begins.
CARD_ROWS = 12


@register.filter
def progress_percent(progress, required) -> int:
    return progress.percent_of(required)


@register.inclusion_tag("curricula/_dashboard_cards.html", takes_context=True)
def curricula_cards(context):
    """This week's students at their companies, missing and pending days, hours done vs required."""
    user = context["request"].user
    if not may_see_named_students(user):
        return {"show": False}
    # The dashboard has counted the work on these placements already (in the database): take its figures.
    work = context.get("placement_work") or selectors.placement_work(user=user)
    today = clock.today()
    placements = selectors.placements_for_user(user=user)
    recent = placements.filter(ends_on__gte=today - datetime.timedelta(days=30))
    count = placements.count()
    return {
        "show": bool(count),
        "evaluations_due": evaluations_due(list(recent), evaluator=Evaluator.MENTOR, today=today)[:10],
        "placement_count": count,
        "week": selectors.week_placements(user=user),
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


@register.filter
def lookup(mapping, key):
    return mapping.get(key, "")


@register.filter
def descriptor(item, value):
    """A rubric item's words for one level of the scale."""
    return item.descriptor(value)
