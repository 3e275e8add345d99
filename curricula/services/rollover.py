"""The April rollover (年度更新) of one school: last year's roster becomes this year's, once, and can be undone until
the new year's first day log.

The preview sorts last year's students: who moves up a grade (into the class the new roster gives them, or the
same 組 and 番号 until it is imported), who graduates (with a destination to record), who left (in last year's
roster but not in the new one, once the new one is imported), and who is new (in the new roster only). Nothing of
a past year is rewritten but the status of its enrolments: placements, day logs, assessments and destinations
stay with the student, so last year's reports read the same.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from curricula.models import (
    STAYING,
    DayLog,
    Destination,
    DestinationKind,
    Enrolment,
    EnrolmentStatus,
    Rollover,
    Student,
    cached_class_name,
)
from meister.fiscal import fiscal_year_bounds
from meister.scoping import may_change

FINAL_GRADE = 3
LEAVING_STATUSES = (EnrolmentStatus.TRANSFERRED, EnrolmentStatus.WITHDRAWN)
BATCH = 2000


def _update_in_groups(model, field_name: str, groups: dict) -> None:
    """Set `field_name` to each group's value on the rows whose ids the group lists: one UPDATE per value."""
    for value, pks in groups.items():
        for start in range(0, len(pks), BATCH * 10):
            model.objects.filter(pk__in=pks[start : start + BATCH * 10]).update(**{field_name: value})


@dataclass
class RolloverPlan:
    school: object
    fiscal_year: int  # the new year
    moving_up: list = field(default_factory=list)  # (last enrolment, next enrolment or None)
    graduating: list = field(default_factory=list)  # last enrolments
    leaving: list = field(default_factory=list)  # last enrolments
    new_intake: list = field(default_factory=list)  # next enrolments
    roster_imported: bool = False
    done: Rollover | None = None

    @property
    def previous_year(self) -> int:
        return self.fiscal_year - 1


@dataclass(frozen=True, slots=True)
class EnrolmentRow:
    """An enrolment as the run reads it: plain values, with the class and number its student's row shows."""

    pk: int
    student_id: int
    grade: int
    class_name: str
    number: int | None
    status: str
    rollover_id: int | None
    shown_class: str
    shown_number: int | None


ROW_FIELDS = (
    "pk",
    "student_id",
    "grade",
    "class_name",
    "number",
    "status",
    "rollover_id",
    "student__class_name",
    "student__number",
)


def rollover_plan(*, school, fiscal_year: int, plain: bool = False) -> RolloverPlan:
    """What the rollover into `fiscal_year` would do (or did, when `done` is set); a fixed number of queries.

    The preview shows students, so it reads enrolments with their students; the run (`plain`) needs only values,
    read as `EnrolmentRow`s: building thousands of model instances was most of a large school's run."""
    plan = RolloverPlan(school=school, fiscal_year=fiscal_year)
    plan.done = Rollover.objects.filter(school=school, fiscal_year=fiscal_year).first()
    enrolments = Enrolment.objects.filter(school=school)
    order = ("grade", "class_name", "number")
    if plain:
        last = [
            EnrolmentRow(*values)
            for values in enrolments.filter(fiscal_year=fiscal_year - 1).order_by(*order).values_list(*ROW_FIELDS)
        ]
        upcoming = [
            EnrolmentRow(*values)
            for values in enrolments.filter(fiscal_year=fiscal_year).order_by(*order).values_list(*ROW_FIELDS)
        ]
    else:
        enrolments = enrolments.select_related("student", "student__department", "student__destination")
        last = list(enrolments.filter(fiscal_year=fiscal_year - 1).order_by(*order))
        upcoming = list(enrolments.filter(fiscal_year=fiscal_year).order_by(*order))
    made_by_rollover = {e.student_id for e in upcoming if e.rollover_id}
    next_by_student = {e.student_id: e for e in upcoming}
    plan.roster_imported = any(e.rollover_id is None for e in upcoming)
    last_students = set()
    for enrolment in last:
        last_students.add(enrolment.student_id)
        following = next_by_student.get(enrolment.student_id)
        if plan.done is not None:
            # After the run, sort by what it did.
            if enrolment.status == EnrolmentStatus.GRADUATED:
                plan.graduating.append(enrolment)
            elif enrolment.status in LEAVING_STATUSES:
                plan.leaving.append(enrolment)
            elif following is not None:
                plan.moving_up.append((enrolment, following))
            continue
        if enrolment.status not in STAYING:
            continue
        if following is not None and enrolment.student_id not in made_by_rollover:
            plan.moving_up.append((enrolment, following))
        elif enrolment.grade >= FINAL_GRADE and enrolment.status == EnrolmentStatus.ENROLLED:
            plan.graduating.append(enrolment)
        elif plan.roster_imported:
            plan.leaving.append(enrolment)
        else:
            plan.moving_up.append((enrolment, None))
    plan.new_intake = [e for e in upcoming if e.student_id not in last_students]
    return plan


def _refuse(message) -> ValidationError:
    return ValidationError(message, code="rollover")


def rollover_run(
    *, user, school, fiscal_year: int, leaving: dict | None = None, destinations: dict | None = None
) -> Rollover:
    """Make `fiscal_year`'s enrolments from last year's; refused in words when it was already run for that year.

    `leaving` gives 転学 or 退学 per student id (転学 when not given); `destinations` optional
    (kind, company) per graduating student id, recorded as their 卒業後の進路.
    """
    if not may_change(user, Rollover(school=school)):
        raise PermissionDenied
    leaving, destinations = leaving or {}, destinations or {}
    with transaction.atomic():
        plan = rollover_plan(school=school, fiscal_year=fiscal_year, plain=True)
        if plan.done is not None:
            raise _refuse(
                _("%(year)s年度の年度更新は実行済みです（%(when)s）。やり直すには、先に元に戻してください。")
                % {"year": fiscal_year, "when": f"{plan.done.run_at:%Y-%m-%d %H:%M}"}
            )
        if not (plan.moving_up or plan.graduating or plan.leaving):
            raise _refuse(
                _("%(year)s年度の在籍者がいないため、年度更新できません。先に名簿を取り込んでください。")
                % {"year": fiscal_year - 1}
            )
        try:
            with transaction.atomic():
                rollover = Rollover.objects.create(school=school, fiscal_year=fiscal_year, run_by=user)
        except IntegrityError:
            raise _refuse(_("%(year)s年度の年度更新は実行済みです。") % {"year": fiscal_year}) from None
        statuses, shown, created_destinations = {}, {}, []
        by_status: dict[str, list[int]] = defaultdict(list)
        by_class: dict[str, list[int]] = defaultdict(list)  # the class each moving student's row will show
        created_enrolments = []
        recorded = set(
            Destination.objects.filter(student_id__in=list(destinations)).values_list("student_id", flat=True)
        )
        for enrolment in plan.graduating:
            statuses[enrolment.pk] = enrolment.status
            by_status[EnrolmentStatus.GRADUATED].append(enrolment.pk)
            chosen = destinations.get(enrolment.student_id)
            if chosen and enrolment.student_id not in recorded:
                kind, company = chosen
                destination = Destination(
                    student_id=enrolment.student_id, graduated_fiscal_year=fiscal_year - 1, kind=kind, company=company
                )
                destination.full_clean()
                created_destinations.append(destination)
        for enrolment in plan.leaving:
            statuses[enrolment.pk] = enrolment.status
            by_status[leaving.get(enrolment.student_id, EnrolmentStatus.TRANSFERRED)].append(enrolment.pk)
        for last, following in plan.moving_up:
            if following is not None:
                continue
            on_leave = last.status == EnrolmentStatus.ON_LEAVE
            grade = last.grade if on_leave else min(4, last.grade + 1)
            by_class[cached_class_name(grade, last.class_name)].append(last.student_id)
            created_enrolments.append(
                Enrolment(
                    school=school,
                    student_id=last.student_id,
                    fiscal_year=fiscal_year,
                    grade=grade,
                    class_name=last.class_name,
                    number=last.number,
                    status=last.status,
                    rollover=rollover,
                )
            )
            shown[last.student_id] = [last.shown_class, last.shown_number]
        # Set-based: one UPDATE per new status and one per class the students' rows will show (a school has a few
        # dozen), instead of a CASE over every row, whatever the school's size.
        _update_in_groups(Enrolment, "status", by_status)
        Enrolment.objects.bulk_create(created_enrolments, batch_size=BATCH)
        _update_in_groups(Student, "class_name", by_class)
        Destination.objects.bulk_create(created_destinations)
        rollover.undo = {
            "statuses": {str(pk): status for pk, status in statuses.items()},
            "students": {str(pk): value for pk, value in shown.items()},
            "destinations": [d.pk for d in created_destinations],
        }
        rollover.save(update_fields=["undo"])
    return rollover


def rollover_undo_refusal(rollover: Rollover) -> str | None:
    """Why the rollover can no longer be undone (the new year has begun with a day log), or None."""
    start, _end = fiscal_year_bounds(rollover.fiscal_year)
    if DayLog.objects.filter(placement__student__school_id=rollover.school_id, day__gte=start).exists():
        return _("%(year)s年度の実習日の記録がすでにあるため、元に戻せません。") % {"year": rollover.fiscal_year}
    return None


def rollover_undo(*, user, rollover: Rollover) -> None:
    """Put back what the rollover changed, and let it be run again."""
    if not may_change(user, rollover):
        raise PermissionDenied
    with transaction.atomic():
        rollover = Rollover.objects.select_for_update().get(pk=rollover.pk)
        refusal = rollover_undo_refusal(rollover)
        if refusal:
            raise _refuse(refusal)
        undo = rollover.undo or {}
        by_status: dict[str, list[int]] = defaultdict(list)
        for pk, status in undo.get("statuses", {}).items():
            by_status[status].append(int(pk))
        _update_in_groups(Enrolment, "status", by_status)
        shown = {int(pk): value for pk, value in undo.get("students", {}).items()}
        students = list(Student.objects.filter(pk__in=shown))
        for student in students:
            student.class_name, student.number = shown[student.pk]
        Student.objects.bulk_update(students, ["class_name", "number"], batch_size=BATCH)
        Destination.objects.filter(pk__in=undo.get("destinations", [])).delete()
        rollover.delete()  # its enrolments go with it


def destination_choice(kind: str, company_id: str, companies: dict) -> tuple | None:
    """A graduate's destination as posted on the rollover page: (kind, company) or None when left blank."""
    if not kind:
        return None
    if kind not in DestinationKind.values:
        raise _refuse(_("進路の値が正しくありません。"))
    company = companies.get(int(company_id)) if company_id and company_id.isdigit() else None
    if kind == DestinationKind.HOST_COMPANY and company is None:
        raise _refuse(_("受入れ企業に就職した生徒は、就職先の企業を選んでください。"))
    return kind, company


def student_enrolment_ensure(student: Student, fiscal_year: int) -> None:
    """A student registered one at a time is on this year's roster in the class the form gave."""
    if student.enrolments.filter(fiscal_year=fiscal_year).exists():
        return
    prefix, _dash, rest = student.class_name.partition("-")
    grade = max(1, min(4, student.grade_in(fiscal_year)))
    Enrolment.objects.create(
        school_id=student.school_id,
        student=student,
        fiscal_year=fiscal_year,
        grade=grade,
        class_name=rest if rest and prefix == str(grade) else student.class_name,
        number=max(1, min(99, student.number)),
    )
