"""A school year in Chromium, from an empty school: the teacher downloads the roster template, uploads the
校務支援システム's CP932 file with three bad rows (each named, nothing written), fixes it and takes it in, places a
student on Wednesdays across Golden Week (昭和の日 and the 振替休日 are no practice days and no missing logs), logs a
day, and on 1 April runs the rollover: the second grade moves up, the third graduates, last year's figures stay."""

import datetime

import pytest
from playwright.sync_api import expect

from curricula.models import DayLog, Enrolment, EnrolmentStatus, Placement, Student
from meister.models import Role, User
from partners.models import Department, School
from reports.metrics import METRICS
from tests.browser.test_roles import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A year whose 29 April (昭和の日) and 6 May (振替休日 for 5/3) fall on Wednesdays.
FY = 2026
HEADER = "生徒番号,氏名,ふりがな,学年,組,番号,学科,入学年度,性別,保護者連絡先\r\n"
ROWS = [
    "３１０１,湖南　一郎,コナン イチロウ,３,1,1,機械科,2024,男,090-1111-0001",
    "3102,湖南 花子,こなん はなこ,3,1,2,機械科,令和6,女,",
    "3103,石部 次郎,いしべ じろう,3,1,3,機械科,2024,男,",
    "3201,甲西 美咲,こうせい みさき,2,1,1,電気科,2025,女,",
    "3202,三雲 健,みくも けん,2,1,2,電気科,2025,男,",
    "3203,菩提寺 陸,ぼだいじ りく,2,1,3,電気科,2025,男,",
]
BROKEN = list(ROWS)
BROKEN[1] = "3102,湖南 花子,こなん はなこ,5,1,2,機械科,令和6,女,"  # no fifth grade
BROKEN[3] = "3201,甲西 美咲,こうせい みさき,2,1,1,造船科,2025,女,"  # no such department
BROKEN[4] = "3202,三雲 健,,2,1,2,電気科,2025,男,"  # ふりがな missing


def _empty_school(demo) -> School:
    school = School.objects.create(
        code="D125299999990",
        name="滋賀県立湖南工業高等学校",
        kana="こなんこうぎょう",
        prefecture=demo.hikone.prefecture,
        establishment=demo.hikone.establishment,
    )
    demo.shiga_consortium.schools.add(school)
    for name in ("機械科", "電気科"):
        Department.objects.create(school=school, name=name)
    User.objects.create_user(username="teacher-konan", password="meister-demo", role=Role.TEACHER, school=school)
    return school


def _upload(page, url, tmp_path, name, lines, button):
    path = tmp_path / name
    path.write_bytes((HEADER + "\r\n".join(lines) + "\r\n").encode("cp932"))
    page.goto(f"{url}/curricula/students/roster/")
    form = page.get_by_test_id("roster-upload")
    form.locator("[name=fiscal_year]").fill(str(FY))
    form.locator("input[type=file]").set_input_files(str(path))
    form.get_by_role("button", name=button, exact=True).click()


def _figures(fy):
    return {key: m.compute(fy, "school", None) for key, m in METRICS.items() if not m.needs_instrument}


def test_a_school_year_from_an_empty_school_to_the_april_rollover(page, live_server, demo, travel, tmp_path, axe):
    school = _empty_school(demo)
    url = live_server.url
    travel(datetime.date(FY, 5, 27))
    log_in(page, live_server, "teacher-konan")

    # The template: the headers the import reads, with two example rows.
    page.goto(f"{url}/curricula/students/roster/")
    assert axe(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    raw = open(download.value.path(), "rb").read()
    template = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("cp932")
    assert template.splitlines()[0].startswith("生徒番号,氏名,ふりがな,学年,組,番号,学科,入学年度")

    # Three bad rows: each is named with its column, and nothing is written even when 取り込む is pressed.
    _upload(page, url, tmp_path, "名簿.csv", BROKEN, "確認する")
    errors = page.get_by_test_id("import-error-row")
    expect(errors).to_have_count(3)
    expect(errors.nth(0)).to_contain_text("3 行目")
    expect(errors.nth(0)).to_contain_text("学年「5」")
    expect(errors.nth(1)).to_contain_text("5 行目")
    expect(errors.nth(1)).to_contain_text("学科「造船科」")
    expect(errors.nth(2)).to_contain_text("6 行目")
    expect(errors.nth(2)).to_contain_text("「ふりがな」が空です")
    assert axe(page) == []
    _upload(page, url, tmp_path, "名簿.csv", BROKEN, "取り込む")
    expect(page.get_by_text("何も取り込んでいません")).to_be_visible()
    assert not Student.objects.filter(school=school).exists()
    assert not Enrolment.objects.filter(school=school).exists()

    # The fixed file goes in whole: full-width digits made plain, katakana kept as hiragana.
    _upload(page, url, tmp_path, "名簿（修正）.csv", ROWS, "取り込む")
    expect(page.get_by_role("alert")).to_contain_text("新規 6 件")
    assert Student.objects.filter(school=school).count() == 6
    ichiro = Student.objects.get(school=school, student_number="3101")
    assert (ichiro.kana_name, ichiro.full_name) == ("こなん いちろう", "湖南 一郎")
    assert sorted(Enrolment.objects.filter(school=school, fiscal_year=FY).values_list("grade", flat=True)) == [
        2,
        2,
        2,
        3,
        3,
        3,
    ]

    # A Wednesday placement from 22 April to 20 May.
    page.goto(f"{url}/curricula/placements/new/")
    page.locator("[name=student]").select_option(label="いしべ じろう（3-1-3）")
    page.locator("[name=company]").select_option(label=demo.kotoh.name)
    page.locator("[name=kind]").select_option(label="デュアルシステム")
    page.locator("[name=starts_on]").fill(f"{FY}-04-22")
    page.locator("[name=ends_on]").fill(f"{FY}-05-20")
    page.get_by_role("checkbox", name="水", exact=True).check()
    page.locator("[name=required_hours]").fill("60")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("実習の受入れを登録しました")).to_be_visible()
    placement = Placement.objects.get(student__school=school)
    assert placement.expected_days() == [datetime.date(FY, 4, 22), datetime.date(FY, 5, 13), datetime.date(FY, 5, 20)]

    # The calendar marks the holidays as closed, not as missing logs.
    page.goto(f"{url}/curricula/placements/{placement.pk}/?month={FY}-04")
    showa = page.locator(f'[data-day="{FY}-04-29"]')
    expect(showa).to_have_attribute("data-state", "closed")
    expect(showa).to_contain_text("昭和の日")
    expect(page.locator(f'[data-day="{FY}-04-22"]')).to_have_attribute("data-state", "missing")
    page.goto(f"{url}/curricula/placements/{placement.pk}/?month={FY}-05")
    expect(page.locator(f'[data-day="{FY}-05-06"]')).to_have_attribute("data-state", "closed")

    page.goto(f"{url}/curricula/logs/?state=missing")
    missing = page.get_by_test_id("missing-row")
    expect(missing).to_have_count(3)
    for day in ("04-22", "05-13", "05-20"):
        expect(page.get_by_test_id("missing-list")).to_contain_text(f"{FY}-{day}")
    for day in ("04-29", "05-06"):
        expect(page.get_by_test_id("missing-list")).not_to_contain_text(f"{FY}-{day}")

    # The teacher logs 13 May from the missing list; two missing logs are left.
    page.get_by_role("row", name=f"{FY}-05-13").get_by_role("link", name="記録する").click()
    page.get_by_label("いしべ じろう 実習内容").fill("旋盤の段取り")
    page.get_by_role("button", name="まとめて保存").click()
    expect(page.get_by_text("1人分の記録を保存しました")).to_be_visible()
    assert list(DayLog.objects.filter(placement=placement).values_list("day", flat=True)) == [datetime.date(FY, 5, 13)]
    page.goto(f"{url}/curricula/logs/?state=missing")
    expect(page.get_by_test_id("missing-row")).to_have_count(2)

    # 1 April: the rollover. The third grade graduates, the second moves up; last year's figures are unchanged.
    travel(datetime.date(FY + 1, 4, 1))
    figures = _figures(FY)
    log_in(page, live_server, "teacher-konan")  # last May's session has long expired
    page.goto(f"{url}/curricula/students/rollover/{school.pk}/?year={FY + 1}")
    expect(page.get_by_test_id("count-moving-up")).to_have_text("3")
    expect(page.get_by_test_id("count-graduating")).to_have_text("3")
    expect(page.get_by_test_id("count-leaving")).to_have_text("0")
    assert axe(page) == []
    page.get_by_test_id("rollover-run").click()
    expect(page.get_by_test_id("rollover-done")).to_be_visible()

    last = dict(
        Enrolment.objects.filter(school=school, fiscal_year=FY).values_list("student__student_number", "status")
    )
    assert last == {
        "3101": EnrolmentStatus.GRADUATED,
        "3102": EnrolmentStatus.GRADUATED,
        "3103": EnrolmentStatus.GRADUATED,
        "3201": EnrolmentStatus.ENROLLED,
        "3202": EnrolmentStatus.ENROLLED,
        "3203": EnrolmentStatus.ENROLLED,
    }
    following = Enrolment.objects.filter(school=school, fiscal_year=FY + 1)
    assert sorted(following.values_list("student__student_number", "grade", "class_name", "number")) == [
        ("3201", 3, "1", 1),
        ("3202", 3, "1", 2),
        ("3203", 3, "1", 3),
    ]
    # The graduate's placement and day log stay with them; last year's report reads the same.
    assert DayLog.objects.filter(placement__student__student_number="3103").count() == 1
    assert _figures(FY) == figures
