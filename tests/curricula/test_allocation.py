"""A cohort's allocation to dual-system places, from preferences to placements, on the real places left."""

import datetime

import jpholiday
import pytest
from django.urls import reverse

from curricula.models import AllocationOutcome, AllocationRound, AllocationStatus, Placement, Student
from curricula.services.allocation_places import lottery_order
from meister.fiscal import fiscal_year
from partners.models import CompanyOffer, OfferKind
from tests.conftest import DEMO_DAY

# The demo's fiscal year; its third-year cohort (entered two years before) is the one that goes to companies.
FY = fiscal_year(DEMO_DAY)
COHORT = FY - 2


def first_wednesday(year, month):
    day = datetime.date(year, month, 1)
    return day + datetime.timedelta(days=(2 - day.weekday()) % 7)


# The round runs on Wednesdays from the first Wednesday of January to the first of March of the next calendar year.
STARTS_ON = first_wednesday(FY + 1, 1)
ENDS_ON = first_wednesday(FY + 1, 3)


def school_wednesdays():
    """The round's Wednesdays that are neither a national holiday nor in 彦根工業's winter break (24 Dec – 7 Jan)."""
    days = [STARTS_ON + datetime.timedelta(weeks=n) for n in range((ENDS_ON - STARTS_ON).days // 7 + 1)]
    return [d for d in days if not jpholiday.is_holiday(d) and not (d.month == 1 and d.day <= 7)]


# Every school Wednesday of 6 hours: exactly what the round needs.
REQUIRED = 6 * len(school_wednesdays())


@pytest.fixture
def round(demo):
    return AllocationRound.objects.create(
        school=demo.hikone,
        entry_year=COHORT,
        title="プログレス実習（後期）",
        kind="dual_system",
        starts_on=STARTS_ON,
        ends_on=ENDS_ON,
        weekdays="2",
        required_hours=str(REQUIRED),
    )


def free(students):
    """Students of the cohort with no Wednesday placement yet (six of them already go to a company on Wednesdays)."""
    return [s for s in students if not Placement.objects.filter(student=s, weekdays__contains="2").exists()]


def more_places(demo, n):
    CompanyOffer.objects.filter(company=demo.kotoh, kind=OfferKind.DUAL_SYSTEM).update(capacity=n)
    type(demo.kotoh).objects.filter(pk=demo.kotoh.pk).update(max_students=n)


def create(client, **changes):
    data = {
        "school": changes.pop("school"),
        "entry_year": COHORT,
        "title": "後期",
        "kind": "dual_system",
        "starts_on": STARTS_ON.isoformat(),
        "ends_on": ENDS_ON.isoformat(),
        "weekday_set": ["2"],
        "hours_per_day": "6",
        "required_hours": str(REQUIRED),
        **changes,
    }
    return client.post(reverse("curricula:allocation_create"), data)


def test_teacher_creates_a_round(client, demo):
    client.force_login(demo.users["teacher"])
    response = create(client, school=demo.hikone.pk, ends_on=f"{FY}-12-01")
    assert response.status_code == 200 and "終了日は開始日以降にしてください。" in response.content.decode()
    assert not AllocationRound.objects.exists()
    response = create(client, school=demo.hikone.pk)
    assert response.status_code == 302
    assert 100000 <= AllocationRound.objects.get().lottery_seed <= 999999


def test_impossible_rounds_are_refused_in_words_before_anything_runs(client, demo):
    client.force_login(demo.users["coordinator"])
    # 湖東精機, the only host of dual-system students, takes Wednesdays only.
    page = create(client, school=demo.hikone.pk, weekday_set=["1", "3"]).content.decode()
    assert "火・木曜日に受け入れる企業がありません。株式会社湖東精機：水曜日" in page
    assert f"/partners/companies/{demo.kotoh.pk}/edit/?next=" in page  # the way to change what it takes
    page = create(client, school=demo.hikone.pk, entry_year=FY - 1).content.decode()
    assert f"滋賀県立彦根工業高等学校に{FY - 1}年度入学の在籍生徒がいません。" in page
    assert reverse("curricula:student_list") in page  # a coordinator asks the school to add them
    # The Wednesdays of January and February less holidays and the winter break (8 days of 6 hours in FY2026).
    days = len(school_wednesdays())
    assert days >= 6
    page = create(client, school=demo.hikone.pk, required_hours=str(REQUIRED + 12)).content.decode()
    assert f"水曜日は祝日・学校の休業日を除いて{days}日（{REQUIRED}時間）で、必要時間数に足りません。" in page
    page = create(client, school=demo.hikone.pk, starts_on=f"{FY}-12-24", ends_on=f"{FY + 1}-01-07").content.decode()
    assert "期間中の水曜日はすべて祝日か学校の休業日です。" in page
    assert not AllocationRound.objects.exists()


def test_a_full_host_is_a_dead_end_with_the_step_that_fixes_it(client, demo, round):
    client.force_login(demo.users["coordinator"])
    url = reverse("curricula:allocation_detail", args=[round.pk])
    response = client.get(url)
    page = response.content.decode()
    # 3 places on Wednesdays, and the three students already there until February.
    assert "株式会社湖東精機：受入れ枠3人、水曜日は期間の重なる実習で既に3人、空き0人。" in page
    assert 'data-testid="dead-end"' in page and "この割り当ての曜日・期間に使える空きがありません" in page
    assert f"/partners/companies/{demo.kotoh.pk}/edit/?next=%2Fcurricula%2Fallocations%2F{round.pk}%2F" in page
    assert 'value="confirm"' not in page
    response = client.post(url, {"action": "confirm"}, follow=True)
    assert "割り当てる生徒がいません。" in response.content.decode()
    assert not AllocationOutcome.objects.exists()


def test_preferences_proposal_adjustment_and_placements(client, demo, round):
    more_places(demo, 5)  # 5 places on Wednesdays, 3 of them taken
    cohort = list(Student.objects.filter(school=demo.hikone, entry_year=COHORT).order_by("pk"))
    students = free(cohort)[:4]
    client.force_login(demo.users["teacher"])
    url = reverse("curricula:allocation_detail", args=[round.pk])
    data = {f"choice-{s.pk}": [str(demo.kotoh.pk), "", ""] for s in students}
    response = client.post(url, {**data, "action": "save"}, follow=True)
    page = response.content.decode()
    assert "株式会社湖東精機：受入れ枠5人、水曜日は期間の重なる実習で既に3人、空き2人。" in page
    rows = {row["student"].pk: row for row in response.context["rows"]}
    assert sum(1 for s in cohort if rows[s.pk]["busy"]) == len(cohort) - len(free(cohort)) == 6
    order = [s for s in lottery_order(round, [s.pk for s in free(cohort)]) if s in {x.pk for x in students}]
    placed, unplaced = order[:2], order[2:]
    assert [s for s in order if rows[s]["proposed"] == demo.kotoh.pk] == placed
    for student in unplaced:
        position = response.context["proposal"].allocation.lottery[student]
        assert rows[student]["why"] == [
            f"第1希望の株式会社湖東精機は空き2人を、同じ第1希望で抽選順が先の生徒に割り当てました（この生徒の抽選順は{position}番）。"
        ]
        assert all(response.context["proposal"].allocation.lottery[p] < position for p in placed)
    summary = response.context["proposal"]
    assert (summary.allocatable, summary.allocation.placed_count, summary.free_total) == (25, 2, 2)
    assert summary.shortfall == (
        "23人は割り当てられません：使える受入れ枠は合わせて2人分で、割り当てる生徒25人より少ない。"
        "希望が未入力の生徒が21人いる。希望した企業に使える空きが残っていない生徒が2人いる（生徒ごとの理由を参照）。"
    )
    assert f"抽選のシード {round.lottery_seed}" in page
    more_places(demo, 5)
    CompanyOffer.objects.filter(company=demo.kotoh, kind=OfferKind.DUAL_SYSTEM).update(capacity=6)
    assert (
        "株式会社湖東精機：受入れ枠6人のうち一度に受け入れられるのは5人、水曜日は" in client.get(url).content.decode()
    )

    over = {f"assign-{s.pk}": str(demo.kotoh.pk) for s in students[:3]}
    response = client.post(url, {**over, "action": "confirm"}, follow=True)
    assert "受入れ枠を超えています：株式会社湖東精機（空き2人に3人）" in response.content.decode()
    busy = next(s for s in cohort if rows[s.pk]["busy"])
    response = client.post(url, {f"assign-{busy.pk}": str(demo.kotoh.pk), "action": "confirm"}, follow=True)
    assert "既に同じ曜日の実習があります" in response.content.decode()
    assert not Placement.objects.filter(starts_on=round.starts_on).exists()

    chosen = {f"assign-{s}": str(demo.kotoh.pk) for s in placed}
    response = client.post(url, {**chosen, "action": "confirm"}, follow=True)
    assert response.redirect_chain[-1][0] == url
    made = Placement.objects.filter(starts_on=round.starts_on)
    assert {p.student_id for p in made} == set(placed)
    assert all((p.company, p.weekdays, p.mentor.name) == (demo.kotoh, "2", "湖東 精一") for p in made)
    assert (
        Placement.objects.filter(company=demo.kotoh, weekdays__contains="2", ends_on__gte=round.starts_on).count() == 5
    )
    round.refresh_from_db()
    assert round.status == AllocationStatus.CONFIRMED
    # The round still shows who went where, with links to the placements, and why the others did not.
    page = client.get(url).content.decode()
    assert "確定：割り当て対象25人のうち2人の実習を登録しました。" in page
    for placement in made:
        assert f'href="/curricula/placements/{placement.pk}/"' in page
    assert page.count("抽選順が先の生徒に割り当てました") == 2
    assert page.count("希望が入力されていません。") == 21
    assert client.post(url, {**chosen, "action": "confirm"}).status_code == 403


def test_the_lottery_is_stored_shown_and_gives_the_same_plan_every_time(client, demo, round):
    more_places(demo, 4)
    students = free(Student.objects.filter(school=demo.hikone, entry_year=COHORT).order_by("pk"))[:5]
    client.force_login(demo.users["teacher"])
    url = reverse("curricula:allocation_detail", args=[round.pk])
    data = {f"choice-{s.pk}": [str(demo.kotoh.pk), "", ""] for s in students}
    first = client.post(url, {**data, "action": "save"}, follow=True).context["proposal"].allocation.placed
    again = client.get(url + "?propose=1").context["proposal"].allocation.placed
    assert first == again and len(first) == 1
    assert list(first) == [s for s in lottery_order(round, [x.pk for x in students])][:1]
    assert f"抽選のシード {round.lottery_seed}" in client.get(url + "?propose=1").content.decode()


def test_scope(client, demo, round):
    url = reverse("curricula:allocation_detail", args=[round.pk])
    for persona, status in (("teacher-niigata", 404), ("company", 404), ("ministry", 403), ("coordinator", 200)):
        client.force_login(demo.users[persona])
        assert client.get(url).status_code == status, persona
