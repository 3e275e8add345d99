"""Reads of the programme: every one through the user's scope, with what the pages need fetched in a fixed number
of queries whatever the number of rows."""

from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractMonth

from meister import clock
from meister.fiscal import fiscal_year_bounds
from meister.scoping import get_for_user, visible_to
from partners.models import Consortium, Designation, DesignationType
from programme.models import (
    FISCAL_MONTHS,
    AdviceStatus,
    AdviceThread,
    EstimateLine,
    ExpenseCategory,
    LedgerEntry,
    NetworkLink,
    ProgrammeEvent,
    SupportAssignment,
)


def get_designation_for_user(user, pk, *, change: bool = False) -> Designation:
    return get_for_user(user, Designation.objects.select_related("consortium__prefecture"), change=change, pk=pk)


def get_thread_for_user(user, pk, *, change: bool = False) -> AdviceThread:
    return get_for_user(user, AdviceThread.objects.select_related("consortium"), change=change, pk=pk)


def assignments_for_user(*, user, fiscal_year: int):
    return (
        visible_to(SupportAssignment.objects.all(), user)
        .filter(fiscal_year=fiscal_year)
        .select_related("supporter", "consortium__prefecture")
    )


def _count(queryset):
    """A correlated count of `queryset`'s rows per consortium, as a subquery: one query for the whole list."""
    rows = queryset.filter(consortium=OuterRef("pk")).order_by().values("consortium").annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n"), output_field=IntegerField()), 0)


def supported_consortia(*, user, fiscal_year: int):
    """The consortia within the user's scope that have supporters in `fiscal_year` (for a supporter: their own),
    each with what waits on whom and what is overdue."""
    today = clock.today()
    open_threads = AdviceThread.objects.exclude(status=AdviceStatus.CLOSED)
    assigned = SupportAssignment.objects.filter(fiscal_year=fiscal_year)
    return (
        visible_to(Consortium.objects.all(), user)
        .filter(pk__in=assigned.values("consortium"))
        .select_related("prefecture")
        .annotate(
            awaiting_coordinator=_count(open_threads.filter(status=AdviceStatus.AWAITING_COORDINATOR)),
            awaiting_supporter=_count(open_threads.filter(status=AdviceStatus.AWAITING_SUPPORTER)),
            overdue=_count(open_threads.filter(follow_up_on__lt=today)),
            plans=_count(Designation.objects.filter(fiscal_year=fiscal_year, plan__isnull=False)),
        )
        .order_by("-overdue", "prefecture__code", "name")
    )


# The lists of threads a dashboard counts and the support overview shows, by the `state` in its address.
THREAD_STATES = ("awaiting_supporter", "awaiting_coordinator", "overdue")


def threads_in_state(*, user, state: str, today):
    """The open threads in the user's scope waiting on the supporter or the coordinator, or past their follow-up
    date: the rows behind a dashboard figure and the list it links to."""
    threads = visible_to(AdviceThread.objects.exclude(status=AdviceStatus.CLOSED), user)
    if state == "overdue":
        return threads.filter(follow_up_on__lt=today)
    return threads.filter(status=state)


def threads_for_user(*, user, consortium=None):
    threads = visible_to(AdviceThread.objects.all(), user).select_related("consortium", "opened_by")
    if consortium is not None:
        threads = threads.filter(consortium=consortium)
    return threads.annotate(message_count=Count("messages"))


# --- money ----------------------------------------------------------------------------------------------------------


@dataclass
class CategoryLine:
    category: ExpenseCategory
    budget: int = 0
    actual: int = 0
    by_month: dict = field(default_factory=dict)

    @property
    def remaining(self) -> int:
        return self.budget - self.actual

    @property
    def over_by(self) -> int:
        return max(0, self.actual - self.budget)

    @property
    def months(self) -> list[int]:
        return [self.by_month.get(month, 0) for month in FISCAL_MONTHS]

    @property
    def rate(self) -> str:
        """執行率 in per cent to one decimal, computed on integers (nothing rounds a yen)."""
        if not self.budget:
            return "—"
        tenths = self.actual * 1000 // self.budget
        return f"{tenths // 10}.{tenths % 10}%"


@dataclass
class BudgetVsActual:
    lines: list[CategoryLine]
    budget_yen: int | None  # the designation's 予算額, if recorded

    @property
    def budget(self) -> int:
        return sum(line.budget for line in self.lines)

    @property
    def actual(self) -> int:
        return sum(line.actual for line in self.lines)

    @property
    def remaining(self) -> int:
        return self.budget - self.actual

    @property
    def over_lines(self) -> list[CategoryLine]:
        return [line for line in self.lines if line.over_by]

    @property
    def month_totals(self) -> list[int]:
        return [sum(line.months[index] for line in self.lines) for index in range(len(FISCAL_MONTHS))]

    @property
    def over_designation_budget(self) -> int:
        return max(0, self.actual - self.budget_yen) if self.budget_yen else 0


def budget_vs_actual(*, designation: Designation) -> BudgetVsActual:
    """The estimate against the ledger by category, by month and in total, from three queries whatever the size."""
    categories = ExpenseCategory.objects.filter(fiscal_year=designation.fiscal_year)
    lines = {category.pk: CategoryLine(category) for category in categories}
    estimates = (
        EstimateLine.objects.filter(designation=designation).values("category").annotate(total=Sum("amount_yen"))
    )
    for row in estimates:
        lines[row["category"]].budget = row["total"]
    spending = (
        LedgerEntry.objects.filter(designation=designation)
        .annotate(month=ExtractMonth("spent_on"))
        .values("category", "month")
        .annotate(total=Sum("amount_yen"))
        .order_by()
    )
    for row in spending:
        line = lines[row["category"]]
        line.actual += row["total"]
        line.by_month[row["month"]] = line.by_month.get(row["month"], 0) + row["total"]
    return BudgetVsActual(lines=list(lines.values()), budget_yen=designation.budget_yen)


def ledger_for(*, user, designation: Designation):
    return visible_to(LedgerEntry.objects.all(), user).filter(designation=designation).select_related("category")


# --- network and events -----------------------------------------------------------------------------------------


def network_for_user(*, user, fiscal_year: int):
    return (
        visible_to(NetworkLink.objects.all(), user)
        .filter(fiscal_year=fiscal_year)
        .select_related("leader__prefecture", "supported__prefecture", "supported_prefecture")
    )


def events_for_user(*, user, fiscal_year: int | None = None):
    """The events in scope (of a fiscal year): the list shows each one's own fields only, not its consortia."""
    events = visible_to(ProgrammeEvent.objects.all(), user)
    if fiscal_year is not None:
        starts, ends = fiscal_year_bounds(fiscal_year)
        events = events.filter(held_on__range=(starts, ends))
    return events


def designations_for_user(*, user, fiscal_year: int) -> list[dict]:
    """The year's designations in scope as plain rows (consortium, type label, budget, what the ledger holds and the
    page of each): a table of every designation in the country, built without a model object per row."""
    from meister.links import row_urls

    labels = {value: str(label) for value, label in DesignationType.choices}
    url = row_urls("programme:designation_money")
    rows = (
        visible_to(Designation.objects.all(), user)
        .filter(fiscal_year=fiscal_year)
        .annotate(ledger_total=Coalesce(Sum("ledger_entries__amount_yen"), 0), entries=Count("ledger_entries"))
        .values("pk", "type", "budget_yen", "ledger_total", "entries", consortium_name=F("consortium__name"))
    )
    return [
        {
            **row,
            "type_label": labels.get(row["type"], row["type"]),
            "url": url(row["pk"]),
            # Figures as the page prints them (both languages group thousands with commas), formatted here once.
            "budget": f"{row['budget_yen']:,}" if row["budget_yen"] is not None else "—",
            "spent": f"{row['ledger_total']:,}",
            "count": str(row["entries"]),
        }
        for row in rows
    ]
