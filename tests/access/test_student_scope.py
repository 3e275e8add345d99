"""A student's account: the school is its scope object, but it sees only the rows its own account leads to."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from curricula.models import DayLog, Placement, Student
from meister.models import Role, User
from meister.placing import placeable_kinds
from meister.scoping import (
    ScopeKind,
    get_for_user,
    may_change,
    may_create,
    may_see_results_by_student,
    own_school_id,
    own_student_record,
    sees_own_world_only,
    visible_to,
)
from partners.models import Company, Consortium, School

# The models a student's own account leads to; every other scoped model shows a student nothing.
STUDENTS_OWN = {
    "curricula.Student",
    "curricula.Placement",
    "curricula.DayLog",
    "curricula.DayLogEvent",
    "curricula.UnloggedDay",  # the days of their own placements still to be logged
    # Their diary and the evaluations of their placements (their own self-evaluation, the mentor's, the teacher's).
    "curricula.DiaryEntry",
    "curricula.Evaluation",
    "curricula.EvaluationScore",
    "curricula.EvaluationReview",
}


@pytest.fixture
def student(demo):
    return User.objects.get(username="student")


def test_a_student_belongs_to_the_school_but_is_scoped_to_themselves(demo, student):
    assert student.role == Role.STUDENT and student.scope_object == demo.hikone
    assert student.scope == (ScopeKind.STUDENT, student.pk)
    assert sees_own_world_only(student) and not sees_own_world_only(demo.users["teacher"])


def test_a_student_sees_their_own_roster_row_placements_and_days(demo, student):
    own = own_student_record(student)
    assert own.school == demo.hikone and own.account == student
    assert list(visible_to(Student.objects.all(), student)) == [own]
    assert set(visible_to(Placement.objects.all(), student)) == set(own.placements.all()) != set()
    days = visible_to(DayLog.objects.all(), student)
    assert days.exists() and set(days.values_list("placement__student", flat=True)) == {own.pk}


def test_another_students_rows_answer_404(demo, student):
    neighbour = Student.objects.filter(school=demo.hikone).exclude(account=student).first()
    with pytest.raises(Http404):
        get_for_user(student, Student, pk=neighbour.pk)
    with pytest.raises(Http404):
        get_for_user(student, Placement, pk=Placement.objects.exclude(student__account=student).first().pk)


def test_every_other_scoped_model_shows_a_student_nothing(demo, student):
    # The school, its companies, the shared library and KPI list alike: a student's scope kind names none of them.
    seen = {}
    for model in apps.get_models():
        if getattr(model, "scope_paths", None) and model._meta.label not in STUDENTS_OWN:
            rows = visible_to(model._default_manager.all(), student)
            if rows.exists():
                seen[model._meta.label] = rows.count()
    assert seen == {}
    assert School.objects.exists() and Company.objects.exists() and Consortium.objects.exists()


def test_a_student_before_linking_sees_nothing(demo):
    unlinked = User.objects.create_user("student-unlinked", role=Role.STUDENT, school=demo.hikone)
    assert own_student_record(unlinked) is None
    assert not visible_to(Student.objects.all(), unlinked).exists()
    assert not visible_to(Placement.objects.all(), unlinked).exists()


def test_the_school_wide_rules_do_not_widen_a_students_view(demo, student):
    assert own_school_id(student) is None
    assert placeable_kinds(student) == ()
    assert not may_see_results_by_student(student)
    own = own_student_record(student)
    assert not may_change(student, own) and not may_create(student, Student)
    assert not may_change(student, own.placements.first())
    assert own_student_record(demo.users["teacher"]) is None


def test_a_students_account_needs_its_school_and_nothing_else(demo):
    with pytest.raises(ValidationError) as refused:
        User(username="s", role=Role.STUDENT).clean()
    assert "school" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        User(username="s", role=Role.STUDENT, school=demo.hikone, company=demo.kotoh).clean()
    assert set(refused.value.error_dict) == {"company"}
    User(username="s", role=Role.STUDENT, school=demo.hikone).clean()


def test_an_inactive_student_sees_nothing(demo, student):
    student.is_active = False
    assert own_student_record(student) is None
    assert not visible_to(Student.objects.all(), student).exists()


def test_a_student_reads_the_published_showcase_like_anyone_and_no_staff_page(client, demo, student):
    from showcase.models import ConsortiumPage

    client.force_login(student)
    assert client.get(reverse("showcase:index")).status_code == 200
    published = ConsortiumPage.objects.filter(status="published").first()
    assert published is not None, "the demo publishes a consortium page"
    assert client.get(reverse("showcase:consortium", args=[published.pk])).status_code == 200
    for staff_page in ("showcase:manage", "curricula:student_list"):
        assert client.get(reverse(staff_page)).status_code == 404, staff_page
