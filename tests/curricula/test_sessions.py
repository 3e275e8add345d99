"""Class sessions with industry and joint projects in the browser, and the practitioner hours they feed."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curricula.models import ClassSession, JointProject, ProjectKind, SessionKind, Subject
from curricula.services.sessions import class_session_delete, class_session_save
from partners.models import Company, Person, PersonRole, PractitionerTeaching

pytestmark = pytest.mark.django_db

# FY2024 (令和6年度): the demo has neither sessions nor registry rows for it.
FY = 2024


@pytest.fixture
def hikone(demo):
    demo.subject = Subject.objects.get(school=demo.hikone, name="ブラッシュアップ実習")
    demo.engineering = Company.objects.get(name="近江エンジニアリング株式会社")
    demo.practitioner = Person.objects.get(name="伊吹 健")
    return demo


def _post(demo, **overrides):
    data = {
        "subject": demo.subject.pk,
        "held_on": "2024-07-08",
        "kind": SessionKind.LECTURE,
        "hours": "2",
        "student_count": "38",
        "company": demo.engineering.pk,
        "person": demo.practitioner.pk,
        "notes": "PLC制御の出前授業",
    }
    data.update(overrides)
    return data


def _teaching(demo, fy=FY):
    return PractitionerTeaching.objects.filter(person=demo.practitioner, school=demo.hikone, fiscal_year=fy).first()


def _session(demo, held_on, hours="2", kind=SessionKind.LECTURE, person=None):
    return ClassSession.objects.create(
        subject=demo.subject,
        held_on=held_on,
        kind=kind,
        hours=Decimal(hours),
        student_count=10,
        company=demo.engineering,
        person=person or demo.practitioner,
    )


# --- create, edit, scope ---------------------------------------------------------------------------


def test_teacher_records_a_lecture_and_the_registry_follows(client, hikone):
    client.force_login(hikone.users["teacher"])
    response = client.post(reverse("curricula:class_session_create"), _post(hikone))
    assert response.status_code == 302
    session = ClassSession.objects.get(subject=hikone.subject, held_on=datetime.date(2024, 7, 8))
    assert session.person == hikone.practitioner
    row = _teaching(hikone)
    assert row.hours == Decimal("2")
    assert row.subjects == "ブラッシュアップ実習"

    # March still belongs to the fiscal year that began the April before.
    client.post(reverse("curricula:class_session_create"), _post(hikone, held_on="2025-03-10", hours="3.5"))
    row.refresh_from_db()
    assert row.hours == Decimal("5.5")

    listed = client.get(reverse("curricula:class_session_list"), {"year": FY})
    assert listed.status_code == 200
    assert listed.content.decode().count('data-testid="session-row"') == 2


def test_edit_moves_hours_between_fiscal_years(client, hikone):
    first = _session(hikone, datetime.date(2024, 6, 1), "2")
    class_session_save(user=hikone.users["teacher"], session=first)  # the demo loads rows without the service
    _session(hikone, datetime.date(2024, 9, 1), "3")
    class_session_save(user=hikone.users["teacher"], session=ClassSession.objects.get(held_on="2024-09-01"))
    assert _teaching(hikone).hours == Decimal("5")

    client.force_login(hikone.users["coordinator"])
    url = reverse("curricula:class_session_edit", args=[first.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _post(hikone, held_on="2025-04-15", hours="2"))
    assert response.status_code == 302
    assert _teaching(hikone).hours == Decimal("3")
    # FY2025 had a row entered by hand (36 h); once sessions are logged for that year, they are the record.
    assert _teaching(hikone, 2025).hours == Decimal("2")


def test_hand_entered_rows_without_sessions_stay(client, hikone):
    hand = _teaching(hikone, 2025)
    assert hand.hours == Decimal("36")
    session = _session(hikone, datetime.date(2024, 5, 1), "4")
    class_session_save(user=hikone.users["teacher"], session=session)
    assert _teaching(hikone).hours == Decimal("4")
    hand.refresh_from_db()
    assert hand.hours == Decimal("36")

    client.force_login(hikone.users["teacher"])
    response = client.post(reverse("curricula:class_session_delete", args=[session.pk]))
    assert response.status_code == 302
    assert not ClassSession.objects.filter(pk=session.pk).exists()
    # The row came from the session alone, so it goes with it; the hand-entered one is still there.
    assert _teaching(hikone) is None
    assert _teaching(hikone, 2025).hours == Decimal("36")


def test_a_row_edited_by_hand_survives_deleting_its_sessions(hikone):
    session = _session(hikone, datetime.date(2024, 5, 1), "4")
    class_session_save(user=hikone.users["teacher"], session=session)
    PractitionerTeaching.objects.filter(pk=_teaching(hikone).pk).update(hours=Decimal("20"))
    class_session_delete(user=hikone.users["teacher"], session=session)
    assert _teaching(hikone).hours == Decimal("20")


def test_only_practitioners_and_lectures_count(hikone):
    mentor = Person.objects.create(name="見学 案内", role=PersonRole.MENTOR, company=hikone.engineering)
    visit = _session(hikone, datetime.date(2024, 6, 1), "3", kind=SessionKind.VISIT, person=mentor)
    class_session_save(user=hikone.users["teacher"], session=visit)
    assert not PractitionerTeaching.objects.filter(person=mentor).exists()
    # A practitioner counts whatever the kind: a facility practical they lead is teaching too.
    practical = _session(hikone, datetime.date(2024, 6, 2), "4", kind=SessionKind.FACILITY)
    class_session_save(user=hikone.users["teacher"], session=practical)
    assert _teaching(hikone).hours == Decimal("4")


def test_outsiders_get_404_and_readers_403(client, hikone):
    session = _session(hikone, datetime.date(2024, 6, 1))
    url = reverse("curricula:class_session_edit", args=[session.pk])
    client.force_login(hikone.users["teacher-niigata"])
    assert client.get(url).status_code == 404
    assert client.post(url, _post(hikone, hours="9")).status_code == 404
    assert client.post(reverse("curricula:class_session_delete", args=[session.pk])).status_code == 404
    client.force_login(hikone.users["ministry"])
    assert client.get(url).status_code == 403
    assert client.post(url, _post(hikone, hours="9")).status_code == 403
    assert client.get(reverse("curricula:class_session_create")).status_code == 403
    session.refresh_from_db()
    assert session.hours == Decimal("2")


def test_validation_errors_keep_what_was_typed(client, hikone):
    client.force_login(hikone.users["teacher"])
    response = client.post(
        reverse("curricula:class_session_create"),
        _post(hikone, person="", notes="制御盤の配線を実演してもらう", student_count="41"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "出前授業では講師を選んでください。" in page
    assert "制御盤の配線を実演してもらう" in page
    assert 'value="41"' in page
    assert 'value="2024-07-08"' in page
    assert not ClassSession.objects.filter(notes="制御盤の配線を実演してもらう").exists()


def test_choices_are_limited_to_the_users_scope(client, hikone):
    client.force_login(hikone.users["teacher"])
    page = client.get(reverse("curricula:class_session_create")).content.decode()
    assert "伊吹 健" in page
    assert "能水 太郎" not in page
    assert "株式会社能水商店" not in page
    outsider = Person.objects.get(name="能水 太郎")
    response = client.post(
        reverse("curricula:class_session_create"), _post(hikone, person=outsider.pk, company=hikone.nosui.pk)
    )
    assert response.status_code == 400
    assert not ClassSession.objects.filter(person=outsider).exists()


def test_list_queries_do_not_grow_with_sessions(client, hikone):
    client.force_login(hikone.users["teacher"])
    url = reverse("curricula:class_session_list")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    ClassSession.objects.all().delete()
    _session(hikone, datetime.date(2024, 6, 1))
    one = count()
    for day in range(2, 31):
        _session(hikone, datetime.date(2024, 6, day))
    assert ClassSession.objects.count() == 30
    assert count() == one


# --- joint projects --------------------------------------------------------------------------------


def _project_post(demo, **overrides):
    data = {
        "school": demo.hikone.pk,
        "fiscal_year": "2026",
        "kind": ProjectKind.PRODUCT_DEVELOPMENT,
        "theme": "湖東の木材を使った治具の商品化",
        "companies": [demo.kotoh.pk],
        "student_count": "6",
        "outcomes": "試作品を展示会に出品",
    }
    data.update(overrides)
    return data


def test_joint_project_create_edit_and_scope(client, hikone):
    client.force_login(hikone.users["teacher"])
    response = client.post(reverse("curricula:joint_project_create"), _project_post(hikone))
    assert response.status_code == 302
    project = JointProject.objects.get(theme="湖東の木材を使った治具の商品化")
    assert list(project.companies.all()) == [hikone.kotoh]

    url = reverse("curricula:joint_project_edit", args=[project.pk])
    response = client.post(url, _project_post(hikone, student_count="9", outcomes="商品化が決定"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.student_count, project.outcomes) == (9, "商品化が決定")

    listed = client.get(reverse("curricula:joint_project_list")).content.decode()
    assert "湖東の木材を使った治具の商品化" in listed

    client.force_login(hikone.users["teacher-niigata"])
    assert client.get(url).status_code == 404
    assert "湖東の木材" not in client.get(reverse("curricula:joint_project_list")).content.decode()
    client.force_login(hikone.users["ministry"])
    assert client.get(url).status_code == 403


def test_joint_project_errors_keep_input(client, hikone):
    client.force_login(hikone.users["teacher"])
    response = client.post(
        reverse("curricula:joint_project_create"), _project_post(hikone, companies=[], theme="連携先未定の研究")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "連携企業または連携機関を1つ以上選んでください。" in page
    assert 'value="連携先未定の研究"' in page
    # Another school is not offered, and choosing it anyway is refused.
    response = client.post(reverse("curricula:joint_project_create"), _project_post(hikone, school=hikone.kaiyo.pk))
    assert response.status_code == 400
    assert not JointProject.objects.filter(school=hikone.kaiyo, theme__startswith="湖東").exists()


def test_joint_project_list_queries_do_not_grow(client, hikone):
    client.force_login(hikone.users["teacher"])
    url = reverse("curricula:joint_project_list")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    JointProject.objects.all().delete()
    for index in range(30):
        project = JointProject.objects.create(
            school=hikone.hikone, fiscal_year=2026, kind="assignment", theme=f"課題{index}"
        )
        project.companies.add(hikone.kotoh)
        if index == 0:
            one = count()
    assert count() == one
