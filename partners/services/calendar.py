"""Writes for school and company calendars: one closed period, and last year's calendar copied to the next year.

A copy moves each period to the same calendar dates one year later (8/1〜8/31 stays 8/1〜8/31, whatever weekday it
falls on; 2/29 becomes 2/28) and leaves out what the next year already holds, so copying twice adds nothing.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction

from meister.fiscal import fiscal_year_bounds
from meister.scoping import may_change, may_create, saving_in_scope, visible_to
from partners.models import ClosedPeriod


def closure_save(*, user, closure: ClosedPeriod) -> ClosedPeriod:
    if closure.pk is None and not may_create(user, ClosedPeriod):
        raise PermissionDenied
    if closure.pk is not None and not may_change(user, closure):
        raise PermissionDenied
    closure.full_clean()
    with saving_in_scope(user, closure):
        closure.save()
    return closure


def closure_delete(*, user, closure: ClosedPeriod) -> None:
    if not may_change(user, closure):
        raise PermissionDenied
    closure.delete()


def _next_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@dataclass
class CopyPlan:
    from_year: int
    new: list[ClosedPeriod] = field(default_factory=list)
    already: list[ClosedPeriod] = field(default_factory=list)


def calendar_copy_plan(*, user, school=None, company=None, from_year: int) -> CopyPlan:
    """What copying the owner's `from_year` calendar to the next fiscal year would add, and what is there already."""
    owner = {"school": school} if school is not None else {"company": company}
    rows = visible_to(ClosedPeriod.objects.filter(**owner), user)
    first, last = fiscal_year_bounds(from_year + 1)
    held = {(p.kind, p.starts_on, p.ends_on) for p in rows.filter(starts_on__gte=first, starts_on__lte=last)}
    plan = CopyPlan(from_year=from_year)
    for period in rows.filter(fiscal_year=from_year).order_by("starts_on", "pk"):
        copy = ClosedPeriod(
            **owner,
            fiscal_year=from_year + 1,
            kind=period.kind,
            starts_on=_next_year(period.starts_on),
            ends_on=_next_year(period.ends_on),
            label=period.label,
        )
        (plan.already if (copy.kind, copy.starts_on, copy.ends_on) in held else plan.new).append(copy)
    return plan


def calendar_copy(*, user, school=None, company=None, from_year: int) -> CopyPlan:
    """Add the planned periods, all or none."""
    plan = calendar_copy_plan(user=user, school=school, company=company, from_year=from_year)
    with transaction.atomic():
        for closure in plan.new:
            closure_save(user=user, closure=closure)
    return plan
