"""A cohort's allocation to dual-system places, from preferences to placements."""

import datetime

import pytest
from django.urls import reverse

from curricula.models import AllocationRound, AllocationStatus, Placement, Student
from partners.models import Company, CompanyOffer, OfferKind


@pytest.fixture
def round(demo):
    return AllocationRound.objects.create(
        school=demo.hikone,
        entry_year=2024,
        title="プログレス実習（後期）",
        kind="dual_system",
        starts_on=datetime.date(2027, 1, 6),
        ends_on=datetime.date(2027, 3, 3),
        weekdays="2",
        required_hours="48",
    )


def test_teacher_creates_a_round(client, demo):
    client.force_login(demo.users["teacher"])
    response = client.post(
        reverse("curricula:allocation_create"),
        {
            "school": demo.hikone.pk,
            "entry_year": 2024,
            "title": "後期",
            "kind": "dual_system",
            "starts_on": "2027-01-06",
            "ends_on": "2026-12-01",
            "weekday_set": ["2"],
            "hours_per_day": "6",
            "required_hours": "48",
        },
    )
    assert response.status_code == 200 and "終了日は開始日以降にしてください。" in response.content.decode()
    assert not AllocationRound.objects.exists()


def test_preferences_proposal_adjustment_and_placements(client, demo, round):
    kotoh = demo.kotoh  # 3 dual-system places on Wednesdays
    omi = Company.objects.get(name="近江エンジニアリング株式会社")
    CompanyOffer.objects.create(company=omi, kind=OfferKind.DUAL_SYSTEM, capacity=1)  # but only Tue/Thu
    students = list(Student.objects.filter(school=demo.hikone, entry_year=2024).order_by("pk")[:4])
    client.force_login(demo.users["teacher"])
    url = reverse("curricula:allocation_detail", args=[round.pk])
    data = {f"choice-{s.pk}": [str(kotoh.pk), str(omi.pk), ""] for s in students}
    response = client.post(url, {**data, "action": "save"}, follow=True)
    rows = {row["student"].pk: row for row in response.context["rows"]}
    placed = [s for s in students if rows[s.pk]["proposed"] == kotoh.pk]
    unplaced = [s for s in students if rows[s.pk]["proposed"] is None]
    assert len(placed) == 3 and len(unplaced) == 1
    # 湖東精機's three places went to the others, and 近江エンジニアリング takes no Wednesdays.
    assert rows[unplaced[0].pk]["why"] == "希望した企業の枠は、より上位の希望の生徒で埋まりました。"

    over = {f"assign-{s.pk}": str(kotoh.pk) for s in students}
    response = client.post(url, {**over, "action": "confirm"}, follow=True)
    assert "受入れ枠を超えています：株式会社湖東精機" in response.content.decode()
    assert not Placement.objects.filter(starts_on=round.starts_on).exists()

    chosen = {f"assign-{s.pk}": str(kotoh.pk) for s in placed}
    response = client.post(url, {**chosen, "action": "confirm"})
    assert response.status_code == 302
    made = Placement.objects.filter(starts_on=round.starts_on)
    assert {p.student_id for p in made} == {s.pk for s in placed}
    assert all((p.company, p.weekdays, p.mentor.name) == (kotoh, "2", "湖東 精一") for p in made)
    round.refresh_from_db()
    assert round.status == AllocationStatus.CONFIRMED
    assert client.post(url, {**chosen, "action": "confirm"}).status_code == 403


def test_scope(client, demo, round):
    url = reverse("curricula:allocation_detail", args=[round.pk])
    for persona, status in (("teacher-niigata", 404), ("company", 404), ("ministry", 403), ("coordinator", 200)):
        client.force_login(demo.users[persona])
        assert client.get(url).status_code == status, persona
