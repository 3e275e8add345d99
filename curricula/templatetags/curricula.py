"""Template helpers for placements, and the dashboard cards of teachers and companies."""

from django import template

from curricula import selectors
from curricula.models import DayLog, Evaluator, LogStatus
from curricula.services.evaluations import evaluations_due
from meister import clock
from meister.scoping import may_create, may_see_named_students, speaks_for_company

register = template.Library()


@register.filter
def progress_percent(progress, required) -> int:
    return progress.percent_of(required)


@register.inclusion_tag("curricula/_dashboard_cards.html", takes_context=True)
def curricula_cards(context):
    """This week's students at their companies, missing and pending days, hours done vs required."""
    user = context["request"].user
    if not may_see_named_students(user):
        return {"show": False}
    # The dashboard has counted the work on these placements already: take its rows rather than reading them again.
    work = context.get("placement_work")
    placements = work["placements"] if work else selectors.with_progress(selectors.placements_for_user(user=user))
    evaluator = Evaluator.MENTOR
    return {
        "evaluations_due": evaluations_due(placements, evaluator=evaluator)[:10],
        "show": bool(placements),
        "week": selectors.week_placements(user=user),
        "missing": sum(len(p.progress.missing) for p in placements),
        "pending": sum(p.progress.pending for p in placements),
        "rejected": sum(p.progress.rejected for p in placements),
        "placements": placements,
        "can_log": may_create(user, DayLog),
        "is_company": speaks_for_company(user),
        "pending_status": LogStatus.PENDING,
        "today": clock.today(),
    }


@register.filter
def lookup(mapping, key):
    return mapping.get(key, "")


@register.filter
def descriptor(item, value):
    """A rubric item's words for one level of the scale."""
    return item.descriptor(value)
