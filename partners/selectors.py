"""Reads of the registry, scoped to the user: the views call these first."""

import datetime

from django.db.models import Count, DecimalField, Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from meister.fiscal import current_fiscal_year
from meister.scoping import ScopeKind, get_for_user, visible_to
from partners.models import (
    ActionItem,
    Agreement,
    Company,
    Consortium,
    ContactLog,
    Department,
    DepartmentYear,
    Meeting,
    NeedStatus,
    Person,
    PractitionerTeaching,
    Prefecture,
    Proposal,
    ProposalStatus,
    School,
    SchoolNeed,
)


def _sum_for_school(field: str, fy: int):
    years = (
        DepartmentYear.objects.filter(department__school=OuterRef("pk"), fiscal_year=fy)
        .values("department__school")
        .annotate(total=Sum(field))
        .values("total")
    )
    return Subquery(years, output_field=IntegerField())


def schools_for_user(*, user, fiscal_year: int | None = None) -> QuerySet:
    """Schools in scope, each with its capacity and enrolment summed over departments for the year."""
    fy = fiscal_year or current_fiscal_year()
    return visible_to(School.objects.select_related("prefecture"), user).annotate(
        capacity_total=_sum_for_school("capacity", fy), enrolment_total=_sum_for_school("enrolment", fy)
    )


def companies_for_user(*, user) -> QuerySet:
    return visible_to(Company.objects.select_related("prefecture", "industry"), user).prefetch_related("offers")


def consortia_for_user(*, user) -> QuerySet:
    return visible_to(Consortium.objects.select_related("prefecture"), user)


def agreements_for_user(*, user) -> QuerySet:
    return visible_to(Agreement.objects.select_related("prefecture", "consortium"), user)


def people_for_user(*, user) -> QuerySet:
    return visible_to(Person.objects.select_related("company", "school", "organisation"), user)


def get_school_for_user(user, pk, *, change: bool = False) -> School:
    return get_for_user(user, School.objects.select_related("prefecture"), change=change, pk=pk)


def get_company_for_user(user, pk, *, change: bool = False) -> Company:
    return get_for_user(user, Company.objects.select_related("prefecture", "industry"), change=change, pk=pk)


def get_consortium_for_user(user, pk, *, change: bool = False) -> Consortium:
    return get_for_user(user, Consortium.objects.select_related("prefecture"), change=change, pk=pk)


def get_agreement_for_user(user, pk, *, change: bool = False) -> Agreement:
    return get_for_user(user, Agreement.objects.select_related("prefecture", "consortium"), change=change, pk=pk)


def departments_with_years(*, school: School) -> list[Department]:
    """The school's departments, each with `.years` newest first (fill rates computed from them)."""
    return list(school.departments.prefetch_related("years"))


def prefecture_name_field() -> str:
    """The prefecture's field that names it in the reader's language: 滋賀県, or Shiga."""
    return "romaji" if (get_language() or "ja").startswith("en") else "name"


def fill_rate_by_prefecture(*, user, fiscal_year: int) -> QuerySet:
    """定員充足率 per prefecture for the year, over the schools the user may see."""
    schools = visible_to(School.objects.all(), user).values("pk")
    return (
        DepartmentYear.objects.filter(fiscal_year=fiscal_year, department__school__in=schools)
        .values(prefecture_name=F(f"department__school__prefecture__{prefecture_name_field()}"))
        .annotate(capacity=Sum("capacity"), enrolment=Sum("enrolment"))
        .annotate(rate=Cast(F("enrolment"), DecimalField(max_digits=12, decimal_places=4)) / Coalesce(F("capacity"), 1))
        .order_by("department__school__prefecture__code")
    )


def contact_history(*, user, company: Company | None = None, school: School | None = None) -> QuerySet:
    logs = ContactLog.objects.select_related("person", "recorded_by", "company", "school")
    logs = logs.filter(company=company) if company is not None else logs.filter(school=school)
    return visible_to(logs, user)


def partner_companies(*, user, school: School) -> QuerySet:
    """Companies that share a consortium with the school."""
    companies = Company.objects.filter(pk__in=Company.objects.filter(consortia__schools=school).values("pk"))
    return visible_to(companies.select_related("industry"), user)


def practitioner_teaching(*, user, school: School | None = None, company: Company | None = None) -> QuerySet:
    rows = PractitionerTeaching.objects.select_related("person", "person__company", "school")
    rows = rows.filter(school=school) if school is not None else rows.filter(person__company=company)
    return visible_to(rows, user)


def scoping_objects(kind: str) -> QuerySet:
    """The objects a scope kind names (prefectures, consortia, schools or companies), as a choice lists them."""
    querysets = {
        ScopeKind.PREFECTURE: lambda: Prefecture.objects.all(),
        ScopeKind.CONSORTIUM: lambda: Consortium.objects.select_related("prefecture"),
        ScopeKind.SCHOOL: lambda: School.objects.select_related("prefecture"),
        ScopeKind.COMPANY: lambda: Company.objects.select_related("prefecture"),
    }
    return querysets[kind]()


# --- Work waiting in matching and in the consortium's meetings: the dashboards count it -----------------------------

# The proposal list's `status` filter: one status, or `reply` for what waits on the coordinator's answer.
PROPOSAL_FILTERS = {
    **{status: (status,) for status in ProposalStatus.values},
    "reply": (ProposalStatus.QUESTION, ProposalStatus.COUNTERED),
}
ACTION_ITEM_HORIZON_DAYS = 14
MEETING_HORIZON_DAYS = 30


def proposal_filter_label(key: str) -> str:
    if key == "reply":
        return _("企業からの質問・条件の提案（回答待ち）")
    return dict(ProposalStatus.choices).get(key, "")


def without_proposal(needs: QuerySet) -> QuerySet:
    """Needs no company has been asked about yet."""
    return needs.filter(~Exists(Proposal.objects.filter(need=OuterRef("pk"))))


def matching_work(*, user, today: datetime.date) -> dict:
    """Open needs without a proposal, proposals waiting for the company (and the oldest wait in days) and those
    waiting for the coordinator's reply: two queries."""
    needs = without_proposal(visible_to(SchoolNeed.objects.filter(status=NeedStatus.OPEN), user)).count()
    proposals = visible_to(Proposal.objects.all(), user).aggregate(
        sent=Count("pk", filter=Q(status=ProposalStatus.SENT)),
        oldest=Min("sent_at", filter=Q(status=ProposalStatus.SENT)),
        reply=Count("pk", filter=Q(status__in=PROPOSAL_FILTERS["reply"])),
    )
    oldest = proposals["oldest"]
    return {
        "needs_without_proposal": needs,
        "proposals_sent": proposals["sent"],
        "proposals_oldest_days": (today - timezone.localdate(oldest)).days if oldest else None,
        "proposals_to_reply": proposals["reply"],
    }


def upcoming_meetings(meetings: QuerySet, today: datetime.date) -> QuerySet:
    """The meetings held from today to MEETING_HORIZON_DAYS ahead."""
    return meetings.filter(held_on__gte=today, held_on__lte=today + datetime.timedelta(days=MEETING_HORIZON_DAYS))


def due_action_items(today: datetime.date) -> QuerySet:
    """Open action items due within ACTION_ITEM_HORIZON_DAYS, or past due."""
    return ActionItem.objects.filter(
        done=False, due_on__lte=today + datetime.timedelta(days=ACTION_ITEM_HORIZON_DAYS)
    ).order_by("due_on", "pk")


def meeting_work(*, user, today: datetime.date) -> dict:
    """Meetings coming up and action items due in the user's consortia: two queries."""
    meetings = visible_to(Meeting.objects.all(), user)
    upcoming = upcoming_meetings(meetings, today).count()
    items = (
        due_action_items(today)
        .filter(meeting__in=meetings.values("pk"))
        .aggregate(due=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    )
    return {"meetings_upcoming": upcoming, "action_items_due": items["due"], "action_items_overdue": items["overdue"]}
