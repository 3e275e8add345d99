"""The school year's benchmarks: a school system's roster taken in, the same file again and the school's April
rollover, and the rollover of a country's rosters (read as `devtools.benchmarks.*`)."""

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from meister.models import User


def roster_rows(school, fiscal_year: int, rows: int) -> list:
    """A school system's roster of `rows` students over three grades, as the importer reads it (row number first)."""
    from meister.importing import Row

    departments = list(school.departments.values_list("name", flat=True)) or ["普通科"]
    per_class = 40
    result = []
    for n in range(rows):
        grade = n % 3 + 1
        seat = n // 3
        result.append(
            Row(
                number=n + 2,
                values={
                    "student_number": f"B{n:06d}",
                    "full_name": f"試験 太郎{n}",
                    "kana_name": f"しけん たろう{n}",
                    "grade": str(grade),
                    # Classes of their own (B1, B2 …), so that no registered student holds the same seat.
                    "class_name": f"B{seat // per_class + 1}",
                    "number": str(seat % per_class + 1),
                    "department": departments[n % len(departments)],
                    "entry_year": str(fiscal_year - grade + 1),
                },
            )
        )
    return result


def roster_import(*, rows: int = 30_000, school=None) -> dict:
    """A `rows`-student roster taken in (checked and written in batches), then the April rollover of all of them.

    The file's reading is left out: a browser upload is capped at the pipeline's row limit, and one school's roster
    of this size is the bulk writer's case. Everything is rolled back at the end, so the database stays as it was.
    """
    from django.db import transaction

    from curricula.rosters import RosterImporter
    from curricula.services.rollover import rollover_run
    from meister.fiscal import current_fiscal_year
    from meister.importing import import_commit
    from partners.models import School

    school = school or School.objects.filter(departments__isnull=False).order_by("pk").first()
    fiscal_year = current_fiscal_year()
    data = roster_rows(school, fiscal_year, rows)
    figures: dict = {"rows": rows}
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            result = import_commit(importer=RosterImporter(school, fiscal_year), rows=data, user=None)
            figures["import_seconds"] = round(time.perf_counter() - start, 2)
        figures.update(committed=result.committed, counts=result.counts, import_queries=len(queries))
        start = time.perf_counter()
        import_commit(importer=RosterImporter(school, fiscal_year), rows=data, user=None)
        figures["reimport_unchanged_seconds"] = round(time.perf_counter() - start, 2)
        admin = User.objects.create(username="bench-roster-admin", is_superuser=True)
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            rollover_run(user=admin, school=school, fiscal_year=fiscal_year + 1)
            figures["rollover_seconds"] = round(time.perf_counter() - start, 2)
        figures["rollover_queries"] = len(queries)
        transaction.set_rollback(True)
    return figures


def national_rollover(*, students: int = 600_000, per_school: int = 600) -> dict:
    """The April rollover of a country's rosters: `students` over three grades in schools of `per_school`, each
    school's run made as its own screen makes it (one `rollover_run` per school, one after another).

    The rosters are written straight into the tables first and analysed, as months in the tables would have them
    (not timed); everything is rolled back at the end.
    """
    from django.db import transaction

    from curricula.models import Enrolment, Student
    from curricula.services.rollover import rollover_run
    from meister.fiscal import current_fiscal_year
    from partners.models import Department, School

    template = School.objects.order_by("pk").first()
    fiscal_year = current_fiscal_year()
    count = -(-students // per_school)
    figures: dict = {"students": students, "schools": count}
    with transaction.atomic():
        start = time.perf_counter()
        schools = School.objects.bulk_create(
            School(
                code=f"Z{n:012d}",
                name=f"ベンチ高等学校{n}",
                prefecture_id=template.prefecture_id,
                establishment=template.establishment,
            )
            for n in range(count)
        )
        departments = Department.objects.bulk_create(Department(school=school, name="普通科") for school in schools)
        written = 0
        for school, department in zip(schools, departments, strict=True):
            size = min(per_school, students - written)
            seats = [(n % 3 + 1, f"{n // 3 // 40 + 1}", n // 3 % 40 + 1) for n in range(size)]
            rows = Student.objects.bulk_create(
                Student(
                    school=school,
                    department=department,
                    entry_year=fiscal_year - grade + 1,
                    class_name=f"{grade}-{class_name}",
                    number=number,
                    kana_name=f"しけん たろう{written + n}",
                    student_number=f"N{written + n:07d}",
                )
                for n, (grade, class_name, number) in enumerate(seats)
            )
            Enrolment.objects.bulk_create(
                Enrolment(
                    school=school,
                    student=student,
                    fiscal_year=fiscal_year,
                    grade=grade,
                    class_name=class_name,
                    number=number,
                )
                for student, (grade, class_name, number) in zip(rows, seats, strict=True)
            )
            written += size
        # The rosters of a real April have been in the tables for months, and the statistics know them; these
        # were written a moment ago, so the planner is told of them as autovacuum would have (not timed).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE curricula_student, curricula_enrolment")
        figures["setup_seconds"] = round(time.perf_counter() - start, 1)
        admin = User.objects.create(username="bench-national-rollover", is_superuser=True)
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            for school in schools:
                rollover_run(user=admin, school=school, fiscal_year=fiscal_year + 1)
            figures["rollover_seconds"] = round(time.perf_counter() - start, 1)
        figures["rollover_queries"] = len(queries)
        figures["moved_up"] = Enrolment.objects.filter(fiscal_year=fiscal_year + 1, school__in=schools).count()
        transaction.set_rollback(True)
    return figures
