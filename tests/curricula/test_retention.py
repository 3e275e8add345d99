"""Students are anonymised some years after graduating; the figures the reports need stay."""

import datetime

from django.core.management import call_command

from curricula.models import DayLog, DayLogEvent, Destination, DestinationKind, Student
from curricula.services.retention import students_anonymise

TODAY = datetime.date(2026, 11, 24)  # FY2026


def test_anonymise_after_the_retention_years(demo):
    old, recent, recorded = Student.objects.filter(school=demo.hikone).order_by("pk")[:3]
    Student.objects.filter(pk=old.pk).update(entry_year=2016, guardian_name="保護者", guardian_contact="090")
    Student.objects.filter(pk=recorded.pk).update(entry_year=2016)
    Destination.objects.update_or_create(
        student=recorded, defaults={"graduated_fiscal_year": 2024, "kind": DestinationKind.LOCAL}
    )
    logs = DayLog.objects.filter(placement__student=old)
    logs.update(reflection="初めて旋盤を使った。")
    DayLogEvent.objects.create(
        day_log=logs.first(), actor="指導担当者", action="reject", new_status="rejected", note="あおきさんは遅刻が多い"
    )
    hours_before = sorted(logs.values_list("hours", flat=True))

    assert students_anonymise(years=5, today=TODAY) == 1  # entered 2016, so graduated in FY2018
    old.refresh_from_db()
    assert old.kana_name == f"匿名化済み-{old.pk}" and (old.guardian_name, old.guardian_contact) == ("", "")
    assert old.anonymised_on == TODAY
    assert not logs.exclude(reflection="").exists()
    assert not DayLogEvent.objects.filter(day_log__in=logs).exclude(note="").exists()
    assert sorted(logs.values_list("hours", flat=True)) == hours_before  # the figures stay
    recent.refresh_from_db()
    recorded.refresh_from_db()
    assert recent.anonymised_on is None and recorded.anonymised_on is None  # recorded graduation FY2024
    assert students_anonymise(years=5, today=TODAY) == 0


def test_command_dry_run_changes_nothing(demo, capsys):
    student = Student.objects.filter(school=demo.hikone).first()
    Student.objects.filter(pk=student.pk).update(entry_year=2010)
    call_command("anonymise_students", "--years", "5", "--dry-run")
    assert "匿名化の対象: 1人" in capsys.readouterr().out
    student.refresh_from_db()
    assert student.anonymised_on is None
    call_command("anonymise_students", "--years", "5")
    student.refresh_from_db()
    assert student.anonymised_on is not None
