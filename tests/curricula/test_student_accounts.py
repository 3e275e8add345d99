"""Students' accounts: the roster's e-mail column, the account made for a verified address, and class codes."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse

from curricula.models import ClassCode, Student
from curricula.services import student_accounts
from curricula.services.student_accounts import CLASS_CODE, CLASS_CODE_SESSION
from curricula.views.class_codes import _qr_svg
from meister.fiscal import current_fiscal_year
from meister.models import Role, User
from sso.models import SignInConfiguration

HEADER = "生徒番号,氏名,ふりがな,学年,組,番号,学科,入学年度,メールアドレス\n"


def _roster_post(client, school, fy, lines):
    content = (HEADER + "\n".join(lines) + "\n").encode("utf-8")
    data = {"school": school.pk, "fiscal_year": fy, "file": SimpleUploadedFile("r.csv", content), "action": "commit"}
    return client.post(reverse("curricula:roster_import"), data)


def test_the_roster_takes_the_students_school_accounts(client, demo):
    fy = current_fiscal_year()
    client.force_login(demo.users["teacher"])
    response = _roster_post(
        client, demo.hikone, fy, [f"8801,森 一花,もり いちか,1,2,5,機械科,{fy},Mori.Ichika@Hikone.Example.jp"]
    )
    assert response.status_code == 302
    assert Student.objects.get(school=demo.hikone, student_number="8801").email == "mori.ichika@hikone.example.jp"


def test_a_roster_address_twice_or_another_students_is_refused_by_row(client, demo):
    fy = current_fiscal_year()
    taken = Student.objects.filter(school=demo.hikone).exclude(email="").first()
    client.force_login(demo.users["teacher"])
    before = sorted(Student.objects.filter(school=demo.hikone).values_list("pk", "email"))
    response = _roster_post(
        client,
        demo.hikone,
        fy,
        [
            f"8801,森 一花,もり いちか,1,2,5,機械科,{fy},twice@hikone.example.jp",
            f"8802,森 二花,もり にか,1,2,6,機械科,{fy},twice@hikone.example.jp",
            f"8803,森 三花,もり みか,1,2,7,機械科,{fy},{taken.email}",
            f"8804,森 四花,もり よか,1,2,8,機械科,{fy},not-an-address",
        ],
    )
    assert response.status_code == 200
    errors = {row.number: " ".join(row.errors) for row in response.context["result"].rows if row.errors}
    assert sorted(errors) == [3, 4, 5]
    assert "2 行目と重なっています" in errors[3]
    assert "別の生徒" in errors[4]
    assert "読めません" in errors[5]
    assert sorted(Student.objects.filter(school=demo.hikone).values_list("pk", "email")) == before


def test_the_database_keeps_an_address_once_per_school_whatever_its_case(demo):
    student = Student.objects.filter(school=demo.hikone).exclude(email="").first()
    other = (
        Student.objects.filter(school=demo.hikone, email="").first()
        or Student.objects.exclude(pk=student.pk).filter(school=demo.hikone).first()
    )
    other.email = student.email.upper()
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save(update_fields=["email"])
    # Another school's student may hold the same address (the schools' domains are their own business).
    kaiyo = Student.objects.filter(school=demo.kaiyo).first()
    kaiyo.email = student.email
    kaiyo.save(update_fields=["email"])


# --- the account for a verified address ---------------------------------------------------------------------------


@pytest.fixture
def configuration(demo):
    return SignInConfiguration.objects.create(
        name="彦根工業高校",
        prefecture=demo.hikone.prefecture,
        school=demo.hikone,
        issuer="https://accounts.example.jp",
        client_id="portal",
        client_secret="secret",
        email_domains="hikone.example.jp",
    )


def _unlinked_row(demo, email="new.student@hikone.example.jp"):
    row = Student.objects.filter(school=demo.hikone, account__isnull=True).order_by("pk").first()
    row.email = email
    row.save(update_fields=["email"])
    return row


def _session_request(token=None):
    request = RequestFactory().get("/")
    request.session = {CLASS_CODE_SESSION: token} if token else {}
    return request


def test_a_roster_address_makes_and_links_the_students_account(demo, configuration):
    row = _unlinked_row(demo)
    account = student_accounts.student_account_for_sign_in(
        configuration=configuration, email="New.Student@hikone.example.jp", request=_session_request()
    )
    row.refresh_from_db()
    assert row.account == account
    assert (account.role, account.school, account.email) == (Role.STUDENT, demo.hikone, "new.student@hikone.example.jp")
    assert not account.has_usable_password()


def test_no_account_for_an_address_the_configurations_schools_do_not_hold(demo, configuration):
    _unlinked_row(demo)
    users = User.objects.count()
    assert (
        student_accounts.student_account_for_sign_in(configuration=configuration, email="x@hikone.example.jp") is None
    )
    # A Kaiyo row with the address is outside a Hikone configuration.
    kaiyo = Student.objects.filter(school=demo.kaiyo, account__isnull=True).first()
    kaiyo.email = "kaiyo.only@hikone.example.jp"
    kaiyo.save(update_fields=["email"])
    assert student_accounts.student_account_for_sign_in(configuration=configuration, email=kaiyo.email) is None
    assert User.objects.count() == users


def test_a_row_already_claimed_gives_no_second_account(demo, configuration):
    claimed = Student.objects.get(account__username="student")
    users = User.objects.count()
    claimed.account.email = "changed@hikone.example.jp"
    claimed.account.save(update_fields=["email"])
    assert student_accounts.student_account_for_sign_in(configuration=configuration, email=claimed.email) is None
    assert User.objects.count() == users


# --- class codes ----------------------------------------------------------------------------------------------------


def _class_code(demo) -> ClassCode:
    row = Student.objects.filter(school=demo.hikone, account__isnull=True).exclude(class_name="").first()
    return student_accounts.class_code_create(
        user=demo.users["teacher"], school=demo.hikone, entry_year=row.entry_year, class_name=row.class_name
    )


def test_the_teacher_makes_a_code_and_prints_its_qr_sheet(client, demo):
    client.force_login(demo.users["teacher"])
    page = client.get(reverse("curricula:class_code_list"))
    row = next(r for r in page.context["rows"] if r["students"] > 1)
    response = client.post(
        reverse("curricula:class_code_create"),
        {"school": row["school"], "entry_year": row["entry_year"], "class_name": row["class_name"]},
    )
    assert response.status_code == 302
    code = ClassCode.objects.get(school=demo.hikone, entry_year=row["entry_year"], class_name=row["class_name"])
    sheet = client.get(reverse("curricula:class_code_sheet", args=[code.pk]))
    assert sheet.status_code == 200 and sheet["Content-Type"] == "application/pdf"
    assert sheet.content.startswith(b"%PDF")
    svg = _qr_svg(CLASS_CODE.url(code.pk))
    assert svg.startswith("<svg") and "<path" in svg
    # A new code for the class replaces the old one.
    client.post(
        reverse("curricula:class_code_create"),
        {"school": row["school"], "entry_year": row["entry_year"], "class_name": row["class_name"]},
    )
    code.refresh_from_db()
    assert code.withdrawn_at is not None
    assert client.get(reverse("curricula:class_code_sheet", args=[code.pk])).status_code == 404


def test_a_code_for_a_class_not_on_the_roster_or_another_school_is_refused(client, demo):
    client.force_login(demo.users["teacher"])
    client.post(
        reverse("curricula:class_code_create"), {"school": demo.hikone.pk, "entry_year": 1999, "class_name": "9-9"}
    )
    assert not ClassCode.objects.exists()
    kaiyo = Student.objects.filter(school=demo.kaiyo).first()
    response = client.post(
        reverse("curricula:class_code_create"),
        {"school": demo.kaiyo.pk, "entry_year": kaiyo.entry_year, "class_name": kaiyo.class_name},
    )
    assert response.status_code == 404 and not ClassCode.objects.exists()
    # A class name with a control character is refused with a message, not an error page.
    response = client.post(
        reverse("curricula:class_code_create"),
        {"school": demo.hikone.pk, "entry_year": kaiyo.entry_year, "class_name": "1\x00"},
        follow=True,
    )
    assert response.status_code == 200 and not ClassCode.objects.exists()
    assert "制御文字" in response.content.decode()


def test_a_visitor_keeps_the_code_and_is_offered_the_schools_sign_in(client, demo, configuration):
    code = _class_code(demo)
    page = client.get(CLASS_CODE.path(code.pk))
    assert page.status_code == 200
    assert client.session[CLASS_CODE_SESSION]
    [(offered, url)] = page.context["choices"]
    assert offered == configuration and "next=" in url
    configuration.enabled = False
    configuration.save()
    assert 'data-testid="no-sso"' in client.get(CLASS_CODE.path(code.pk)).content.decode()


def test_wrong_expired_replaced_and_used_codes_get_the_link_page(client, demo, travel, settings):
    code = _class_code(demo)
    link = CLASS_CODE.path(code.pk)
    wrong = client.get(reverse("curricula:class_code_link", args=["not-a-code"]))
    assert wrong.status_code == 404 and 'data-testid="link-refused"' in wrong.content.decode()
    settings.CLASS_CODE_DAYS = 7
    travel(demo.today + datetime.timedelta(days=8))
    assert client.get(link).status_code == 410
    # A sheet printed later carries a newer link: the code still expires a week after it was made.
    expired = client.get(CLASS_CODE.path(code.pk))
    assert expired.status_code == 410 and "有効期限" in expired.content.decode()
    travel(demo.today)
    fresh = _class_code(demo)
    replaced = client.get(link)
    assert replaced.status_code == 410
    client.force_login(User.objects.get(username="student"))  # linked already
    used = client.get(CLASS_CODE.path(fresh.pk))
    assert used.status_code == 410 and "使用済み" in used.content.decode()


def test_a_student_picks_their_row_of_the_class_once(client, demo):
    code = _class_code(demo)
    account = User.objects.create_user("picker@hikone.example.jp", role=Role.STUDENT, school=demo.hikone)
    client.force_login(account)
    page = client.get(CLASS_CODE.path(code.pk))
    offered = [value for value, _label in page.context["form"].fields["student"].choices]
    assert set(offered) == set(code.students().filter(account__isnull=True).values_list("pk", flat=True))
    # Another class's row is not a choice.
    elsewhere = (
        Student.objects.filter(school=demo.hikone)
        .exclude(class_name=code.class_name)
        .filter(account__isnull=True)
        .first()
    )
    refused = client.post(CLASS_CODE.path(code.pk), {"student": elsewhere.pk})
    assert refused.status_code == 200 and refused.context["form"].errors
    elsewhere.refresh_from_db()
    assert elsewhere.account is None
    response = client.post(CLASS_CODE.path(code.pk), {"student": offered[0]})
    assert response.status_code == 302 and response["Location"] == reverse("curricula:student_home")
    assert Student.objects.get(pk=offered[0]).account == account
    assert client.get(CLASS_CODE.path(code.pk)).status_code == 410
    home = client.get(reverse("curricula:student_home"))
    assert home.status_code == 200 and home.context["student"].pk == offered[0]


def test_a_row_that_holds_the_accounts_address_is_linked_at_once(client, demo):
    code = _class_code(demo)
    row = code.students().filter(account__isnull=True).first()
    row.email = "own.address@hikone.example.jp"
    row.save(update_fields=["email"])
    account = User.objects.create_user(
        "own.address@hikone.example.jp", email=row.email, role=Role.STUDENT, school=demo.hikone
    )
    client.force_login(account)
    assert client.get(CLASS_CODE.path(code.pk)).status_code == 302
    row.refresh_from_db()
    assert row.account == account


def test_a_code_in_the_session_makes_an_account_at_its_school_to_pick_from(demo, configuration):
    code = _class_code(demo)
    token = CLASS_CODE.token(code.pk)
    account = student_accounts.student_account_for_sign_in(
        configuration=configuration, email="newcomer@hikone.example.jp", request=_session_request(token)
    )
    assert account.role == Role.STUDENT and account.school == demo.hikone
    assert not Student.objects.filter(account=account).exists()
    # Without the code, the same kind of address makes nothing.
    assert (
        student_accounts.student_account_for_sign_in(
            configuration=configuration, email="another@hikone.example.jp", request=_session_request()
        )
        is None
    )


def test_staff_opening_a_class_code_get_404(client, demo):
    code = _class_code(demo)
    client.force_login(demo.users["teacher"])
    assert client.get(CLASS_CODE.path(code.pk)).status_code == 404


def test_the_students_home_shows_their_own_placements_days_and_menu_only(client, demo):
    account = User.objects.get(username="student")
    own = Student.objects.get(account=account)
    client.force_login(account)
    page = client.get(reverse("curricula:student_home"))
    assert page.status_code == 200
    [placement] = page.context["placements"]
    assert placement.student_id == own.pk
    assert placement.expected_total >= placement.progress.expected > 0
    assert placement.confirmed_days == placement.logs.filter(status="confirmed").count() > 0
    assert [day.day for day in placement.days] == sorted((day.day for day in placement.days), reverse=True)
    assert [item.url for item in page.context["navigation"]] == [
        reverse("curricula:student_home"),
        reverse("curricula:diary_home"),
    ]
    body = page.content.decode()
    others = Student.objects.filter(school=demo.hikone).exclude(pk=own.pk).values_list("kana_name", flat=True)
    assert (own.full_name or own.kana_name) in body and not any(name in body for name in others)
    assert reverse("library:list") not in body and reverse("password_change") not in body
    # The dashboard is the student's home; a teacher has no such page.
    assert client.get(reverse("portal:dashboard"))["Location"] == reverse("curricula:student_home")
    client.force_login(demo.users["teacher"])
    assert client.get(reverse("curricula:student_home")).status_code == 404


def test_a_teacher_undoes_a_wrong_pick_and_the_student_picks_again(client, demo):
    code = _class_code(demo)
    account = User.objects.create_user("wrong.pick@hikone.example.jp", role=Role.STUDENT, school=demo.hikone)
    rows = list(code.students().filter(account__isnull=True).order_by("number")[:2])
    client.force_login(account)
    client.post(CLASS_CODE.path(code.pk), {"student": rows[0].pk})
    assert Student.objects.get(pk=rows[0].pk).account == account

    client.force_login(demo.users["teacher"])
    unlink = reverse("curricula:student_unlink", args=[rows[0].pk])
    pages = client.get(reverse("curricula:student_list")).context["page"].paginator.num_pages
    offered = [
        unlink in client.get(reverse("curricula:student_list"), {"page": n}).content.decode()
        for n in range(1, pages + 1)
    ]
    assert offered.count(True) == 1
    for elsewhere in ("https://evil.example/", "//evil.example/", "Infinity", "curricula:rubric_list"):
        answer = client.post(reverse("curricula:student_unlink", args=[rows[1].pk]), {"next": elsewhere})
        assert answer.status_code == 302 and answer["Location"] == reverse("curricula:student_list"), elsewhere
    back = reverse("curricula:student_list") + "?page=2"
    response = client.post(reverse("curricula:student_unlink", args=[rows[0].pk]), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    freed = Student.objects.get(pk=rows[0].pk)
    assert freed.account is None
    assert freed.history.first().history_change_reason == "unlinked by teacher"
    # The account sees no one's record now, and the code lets it pick again.
    client.force_login(account)
    assert client.get(CLASS_CODE.path(code.pk)).status_code == 200
    client.post(CLASS_CODE.path(code.pk), {"student": rows[1].pk})
    assert Student.objects.get(pk=rows[1].pk).account == account


def test_unlinking_is_for_the_students_own_school_staff(client, demo):
    linked = Student.objects.get(account=demo.users["student"])
    # Out of scope is 404; the company that hosts the student sees the row but may not change it.
    for persona, expected in (("teacher-niigata", 404), ("company", 403), ("student", 404)):
        client.force_login(demo.users[persona])
        assert client.post(reverse("curricula:student_unlink", args=[linked.pk])).status_code == expected, persona
    assert Student.objects.get(pk=linked.pk).account == demo.users["student"]
    client.force_login(demo.users["teacher"])
    assert client.get(reverse("curricula:student_unlink", args=[linked.pk])).status_code == 405
