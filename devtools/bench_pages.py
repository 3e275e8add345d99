"""The pages `make bench` serves: every page a role uses daily, signed in as the national data's personas."""

from dataclasses import dataclass

from django.urls import reverse

from devtools.national import LOG_DAY, PERSONA_PREFIX, persona_need
from meister.models import Role, User


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    persona: str | None  # None: anonymous
    path: str


def persona(name: str) -> User:
    return User.objects.get(username=f"{PERSONA_PREFIX}{name}")


def student_persona() -> User:
    """A student of the teacher persona's school who has a placement, signed in with their school account.

    The generator makes the staff personas only; this one is linked here once, on first use."""
    from curricula.models import Student

    name = f"{PERSONA_PREFIX}student"
    user = User.objects.filter(username=name).first()
    if user is None:
        school = persona("teacher").school_id
        student = (
            Student.objects.filter(school_id=school, account=None, placements__isnull=False).order_by("pk").first()
        )
        user = User.objects.create(username=name, role=Role.STUDENT, school_id=school)
        student.account = user
        student.save(update_fields=["account"])
    return user


def _mentor_link() -> str:
    """The signed link a mentor of the teacher persona's school follows from the reminder e-mail."""
    from curricula import links
    from curricula.models import DayLog, LogStatus

    teacher = persona("teacher")
    pending = DayLog.objects.filter(
        placement__student__school_id=teacher.school_id, status=LogStatus.PENDING, placement__mentor__isnull=False
    )
    mentor = pending.order_by("placement__mentor").values_list("placement__mentor", flat=True).first()
    return links.CONFIRMATION.path(mentor)


def _diary_and_evaluation():
    """A diary entry of the teacher persona's school and a placement there with both final evaluations, and the
    signed link its mentor follows to the evaluation form."""
    from curricula import links
    from curricula.models import DiaryEntry, Evaluation

    school = persona("teacher").school_id
    entry = DiaryEntry.objects.filter(placement__student__school_id=school).order_by("pk").first()
    evaluation = (
        Evaluation.objects.filter(placement__student__school_id=school, stage="final", evaluator="mentor")
        .filter(placement__evaluations__evaluator="self")
        .order_by("pk")
        .first()
    )
    return entry, evaluation, links.EVALUATION.path(evaluation.pk)


def daily_pages() -> list[Page]:
    """Every page a role uses daily, plus the hello-world baseline served by the same server."""
    from curricula.models import Placement

    need = persona_need(persona("coordinator"))
    student_persona()
    placement = Placement.objects.filter(student__school_id=persona("teacher").school_id).order_by("pk").first()
    dashboard = reverse("portal:dashboard")
    entry, evaluation, evaluation_link = _diary_and_evaluation()
    return [
        Page("hello", "Hello-world view (baseline)", None, "/bench/hello/"),
        Page("public_index", "Public: index", None, reverse("showcase:index")),
        Page("ministry_dashboard", "Ministry: dashboard", "ministry", dashboard),
        Page("ministry_placements", "Ministry: placement counts", "ministry", reverse("curricula:placement_list")),
        Page("prefecture_dashboard", "Prefecture: dashboard", "prefecture", dashboard),
        Page("prefecture_schools", "Prefecture: school list", "prefecture", reverse("partners:school_list")),
        Page("coordinator_dashboard", "Coordinator: dashboard", "coordinator", dashboard),
        Page("coordinator_needs", "Coordinator: needs", "coordinator", reverse("partners:need_list")),
        Page(
            "coordinator_candidates",
            "Coordinator: candidates for a need",
            "coordinator",
            reverse("partners:need_candidates", args=[need.pk]),
        ),
        Page("teacher_dashboard", "Teacher: dashboard", "teacher", dashboard),
        Page("teacher_logging", "Teacher: one day's logging screen", "teacher", f"/curricula/log/{LOG_DAY}/"),
        Page("placement_list", "Teacher: placement list", "teacher", reverse("curricula:placement_list")),
        Page(
            "placement_detail",
            "Teacher: one placement",
            "teacher",
            reverse("curricula:placement_detail", args=[placement.pk]),
        ),
        Page("teacher_students", "Teacher: student list", "teacher", reverse("curricula:student_list")),
        Page("teacher_day_logs", "Teacher: day log list", "teacher", reverse("curricula:day_log_list")),
        Page("company_dashboard", "Company: dashboard", "company", dashboard),
        Page("company_confirmations", "Company: days to confirm", "company", reverse("curricula:confirmations")),
        Page("mentor_link", "Mentor: days to confirm by e-mailed link", None, _mentor_link()),
        Page("student_home", "Student: home", "student", reverse("curricula:student_home")),
        Page("student_diary", "Student: practice diary", "student", reverse("curricula:diary_home")),
        Page(
            "teacher_diary", "Teacher: one diary entry", "teacher", reverse("curricula:diary_detail", args=[entry.pk])
        ),
        Page(
            "teacher_evaluations",
            "Teacher: mentor's and student's evaluations side by side",
            "teacher",
            reverse("curricula:evaluation_compare", args=[evaluation.placement_id, "final"]),
        ),
        Page("mentor_evaluation", "Mentor: evaluation form by e-mailed link", None, evaluation_link),
        *_programme_pages(),
    ]


def _programme_pages() -> list[Page]:
    """The programme's pages: the ministry's money, network and events, the supporter's consortia and one
    consortium's advice, the coordinator's budget against actual (the busiest ledger) and one consultation."""
    from programme.models import AdviceThread, LedgerEntry

    consortium = persona("coordinator").consortium_id
    designation = (
        LedgerEntry.objects.filter(designation__consortium_id=consortium)
        .values_list("designation_id", flat=True)
        .order_by("-designation__fiscal_year")
        .first()
    )
    thread = AdviceThread.objects.filter(consortium_id=consortium).order_by("pk").values_list("pk", flat=True).first()
    return [
        Page("ministry_money", "Ministry: plans and money", "ministry", reverse("programme:money_list")),
        Page("ministry_network", "Ministry: the wide-area network", "ministry", reverse("programme:network")),
        Page("ministry_events", "Ministry: events", "ministry", reverse("programme:event_list")),
        Page(
            "supporter_overview", "Supporter: consortia supported", "supporter", reverse("programme:support_overview")
        ),
        Page(
            "supporter_advice",
            "Supporter: one consortium's consultations",
            "supporter",
            reverse("programme:consortium_advice", args=[consortium]),
        ),
        Page(
            "coordinator_money",
            "Coordinator: budget against actual with the ledger",
            "coordinator",
            reverse("programme:designation_money", args=[designation]),
        ),
        Page(
            "coordinator_advice",
            "Coordinator: one consultation",
            "coordinator",
            reverse("programme:advice_detail", args=[thread]),
        ),
    ]


def role_pages() -> list[Page]:
    """Every role's daily pages without the baseline, for the load test and the query counts."""
    return [page for page in daily_pages() if page.key != "hello"]


def counted_pages() -> list[Page]:
    """The daily pages and the programme's forms and downloads, whose queries are counted at both scales (the forms
    are not timed: they are opened a few times a year)."""
    from programme.models import ProgrammeEvent

    daily = role_pages()
    money = next(page for page in daily if page.key == "coordinator_money")
    designation = int(money.path.rstrip("/").rsplit("/", 1)[1])
    consortium = persona("coordinator").consortium_id
    event = ProgrammeEvent.objects.filter(consortia=consortium).order_by("pk").values_list("pk", flat=True).first()
    return [
        *daily,
        Page(
            "coordinator_plan",
            "Coordinator: the plan (実施計画書)",
            "coordinator",
            reverse("programme:plan_edit", args=[designation]),
        ),
        Page(
            "coordinator_estimate",
            "Coordinator: the estimate (所要経費)",
            "coordinator",
            reverse("programme:estimate_edit", args=[designation]),
        ),
        Page(
            "coordinator_ledger_xlsx",
            "Coordinator: the ledger's workbook",
            "coordinator",
            reverse("programme:ledger_export", args=[designation]),
        ),
        Page(
            "coordinator_event",
            "Coordinator: one event",
            "coordinator",
            reverse("programme:event_detail", args=[event]),
        ),
        Page("ministry_assign", "Ministry: assigning supporters", "ministry", reverse("programme:assignment_create")),
    ]
