"""Keeping student data no longer than needed: anonymise students some years after they graduate.

What identifies a student (name in kana, guardian, the practice diary they wrote, mentors' comments
about them) is removed; what the statistics need (school, department, entry year, placements, hours,
attendance, destination) stays, so past years' reports still add up.
"""

from django.db import transaction
from django.db.models import Q

from curricula.models import DayLog, DayLogEvent, Placement, Student
from meister import clock
from meister.fiscal import current_fiscal_year


def students_due_for_anonymising(*, years: int, today=None):
    """Students whose graduation fiscal year ended more than `years` years ago, not yet anonymised."""
    fy = current_fiscal_year(today)
    last_graduation = fy - years - 1
    recorded = Q(destination__graduated_fiscal_year__lte=last_graduation)
    assumed = Q(destination__isnull=True, entry_year__lte=last_graduation - 2)
    return Student.objects.filter(anonymised_on__isnull=True).filter(recorded | assumed)


@transaction.atomic
def students_anonymise(*, years: int, today=None) -> int:
    due = list(students_due_for_anonymising(years=years, today=today).values_list("pk", flat=True))
    if not due:
        return 0
    day = today or clock.today()
    for pk in due:
        Student.objects.filter(pk=pk).update(
            kana_name=f"匿名化済み-{pk}", guardian_name="", guardian_contact="", anonymised_on=day
        )
    DayLog.objects.filter(placement__student__in=due).update(reflection="", feedback="", rejection_reason="")
    DayLogEvent.objects.filter(day_log__placement__student__in=due).update(note="")
    for placement in Placement.objects.filter(student__in=due).exclude(agreement_scan=""):
        placement.agreement_scan.delete(save=False)  # the signed agreement names student and guardian
        Placement.objects.filter(pk=placement.pk).update(agreement_scan="")
    # The audit history keeps copies of every version: scrub those too.
    Student.history.filter(id__in=due).update(kana_name="匿名化済み", guardian_name="", guardian_contact="")
    DayLog.history.filter(placement__student__in=due).update(reflection="", feedback="", rejection_reason="")
    Placement.history.filter(student__in=due).update(agreement_scan="")
    return len(due)
