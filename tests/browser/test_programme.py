"""The programme in Chromium: the ministry assigns a companion to two consortia; the companion writes advice that the
Hikone coordinator answers; the coordinator enters the plan and the estimate, books spending with its receipts and
sees budget against actual; the ministry sees the network picture. Each page is checked with axe-core."""

import pytest
from playwright.sync_api import expect

from meister.fiscal import current_fiscal_year
from meister.models import Role, User
from partners.models import Consortium, Designation
from programme.models import AdviceStatus, AdviceThread, LedgerEntry, SupportAssignment
from tests.browser.sign_in import DEMO_PASSWORD, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECEIPT = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_the_programme_from_assignment_to_budget_against_actual(browser, live_server, demo, axe, tmp_path):
    fy = current_fiscal_year()
    shiga = demo.shiga_consortium
    region = Consortium.objects.get(name="嶺北ものづくり人材育成コンソーシアム")
    companion = User.objects.create(username="companion-b", role=Role.SUPPORTER, last_name="伴走", first_name="三郎")
    companion.set_password(DEMO_PASSWORD)
    companion.save()
    designation = Designation.objects.get(consortium=shiga, fiscal_year=fy)
    # The coordinator starts the year's plan and money from nothing.
    designation.estimate_lines.all().delete()
    designation.ledger_entries.all().delete()
    Designation.objects.filter(pk=designation.pk).update(budget_yen=1_000_000)
    if hasattr(designation, "plan"):
        designation.plan.delete()

    # The ministry assigns the companion to two consortia.
    ministry = signed_in(browser, live_server, "ministry")
    for consortium in (shiga, region):
        ministry.goto(f"{live_server.url}/programme/support/assignments/new/")
        ministry.get_by_label("伴走者・アドバイザー").select_option(label="伴走 三郎")
        ministry.get_by_label("管理機関").select_option(label=consortium.name)
        ministry.get_by_role("button", name="割り当てる").click()
        expect(ministry.get_by_role("alert")).to_contain_text(f"{consortium.name}に割り当てました。")
    assert axe(ministry) == []
    assert set(
        SupportAssignment.objects.filter(supporter=companion, fiscal_year=fy).values_list("consortium", flat=True)
    ) == {
        shiga.pk,
        region.pk,
    }

    # The companion sees both and writes advice to Hikone's consortium.
    supporter = signed_in(browser, live_server, "companion-b")
    supporter.goto(f"{live_server.url}/programme/support/")
    expect(supporter.get_by_role("link", name=shiga.name)).to_be_visible()
    expect(supporter.get_by_role("link", name=region.name)).to_be_visible()
    assert axe(supporter) == []
    supporter.get_by_role("link", name="相談・助言を記入する").click()
    supporter.get_by_label("管理機関").select_option(label=shiga.name)
    supporter.get_by_label("件名").fill("所要経費の組み方")
    supporter.get_by_label("本文").fill("旅費は訪問回数×人数で積算すると説明しやすくなります。")
    supporter.get_by_role("button", name="記入する").click()
    expect(supporter.locator("#thread-status")).to_have_text("管理機関の回答待ち")

    # The coordinator answers it.
    coordinator = signed_in(browser, live_server, "coordinator")
    coordinator.goto(f"{live_server.url}/programme/consortia/{shiga.pk}/advice/")
    coordinator.get_by_role("link", name="所要経費の組み方").click()
    expect(coordinator.get_by_text("旅費は訪問回数×人数で積算すると")).to_be_visible()
    coordinator.get_by_label("回答・コメント").fill("ありがとうございます。その形で積算します。")
    coordinator.get_by_role("button", name="記入する").click()
    expect(coordinator.locator("#thread-status")).to_have_text("伴走者の回答待ち")
    assert axe(coordinator) == []
    assert AdviceThread.objects.get(subject="所要経費の組み方").status == AdviceStatus.AWAITING_SUPPORTER

    # The plan, then the estimate.
    money_url = f"{live_server.url}/programme/designations/{designation.pk}/"
    coordinator.goto(money_url)
    coordinator.get_by_role("link", name="実施計画書を編集").click()
    coordinator.get_by_label("事業の目的・目標").fill("デュアルシステムを全学科に広げる。")
    coordinator.locator('[name="activities-0-month"]').select_option("9")
    coordinator.locator('[name="activities-0-title"]').fill("プログレス実習 開始")
    coordinator.get_by_role("button", name="保存").click()
    expect(coordinator.get_by_role("alert")).to_contain_text("実施計画書を保存しました。")
    coordinator.get_by_role("link", name="所要経費を編集").click()
    coordinator.locator('[name="lines-0-category"]').select_option(label="旅費")
    coordinator.locator('[name="lines-0-amount_yen"]').fill("50000")
    coordinator.locator('[name="lines-1-category"]').select_option(label="消耗品費")
    coordinator.locator('[name="lines-1-amount_yen"]').fill("200000")
    coordinator.get_by_role("button", name="保存").click()
    expect(coordinator.get_by_role("alert")).to_contain_text("所要経費を保存しました。")

    # Two payments with their receipts; the travel one goes over its estimate.
    receipt = tmp_path / "領収書.pdf"
    receipt.write_bytes(RECEIPT)
    for day, category, payee, what, yen in (
        (f"{fy}-09-10", "消耗品費", "株式会社湖東精機", "実習用センサー", "120000"),
        (f"{fy}-10-02", "旅費", "近江鉄道株式会社", "福井県への訪問", "62000"),
    ):
        coordinator.get_by_role("link", name="支出を記録").click()
        coordinator.get_by_label("支出日").fill(day)
        coordinator.get_by_label("費目").select_option(label=category)
        coordinator.get_by_label("支払先").fill(payee)
        coordinator.get_by_label("内容").fill(what)
        coordinator.get_by_label("金額（円）").fill(yen)
        coordinator.get_by_label("証拠書類（領収書・請求書）").set_input_files(str(receipt))
        coordinator.get_by_role("button", name="記録する").click()
        expect(coordinator.get_by_role("alert").first).to_contain_text("支出を記録しました。")
    expect(coordinator.get_by_text("旅費が所要経費を12,000円超えています。")).to_be_visible()
    table = coordinator.get_by_role("table", name="予算と支出（費目別）")
    expect(table.get_by_role("row", name="消耗品費")).to_contain_text("200,000")
    expect(table.get_by_role("row", name="消耗品費")).to_contain_text("120,000")
    expect(table.get_by_role("row", name="消耗品費")).to_contain_text("60.0%")
    expect(table.locator("tfoot")).to_contain_text("182,000")
    assert axe(coordinator) == []
    assert LedgerEntry.objects.filter(designation=designation).exclude(evidence="").count() == 2

    # The ministry sees the network picture.
    ministry.goto(f"{live_server.url}/programme/network/")
    picture = ministry.locator("#network-picture")
    expect(picture).to_be_visible()
    expect(picture).to_contain_text(shiga.name[:10])
    expect(picture.locator("line")).to_have_count(2)
    expect(ministry.get_by_role("table")).to_contain_text("嶺北ものづくり人材育成コンソーシアム")
    assert axe(ministry) == []


def test_on_a_phone_the_wide_money_tables_scroll_from_the_keyboard_and_the_ledger_pages(
    browser, live_server, demo, axe
):
    """At 390 px the budget tables scroll sideways: each becomes a tab stop (so a keyboard can scroll it) and the page
    passes axe-core; a long ledger comes a page at a time. On a laptop the tables fit and add no tab stop."""
    import datetime

    from programme.models import ExpenseCategory

    designation = Designation.objects.get(consortium=demo.shiga_consortium, fiscal_year=current_fiscal_year())
    category = ExpenseCategory.objects.filter(fiscal_year=designation.fiscal_year).order_by("order")[0]
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            designation=designation,
            category=category,
            spent_on=datetime.date(designation.fiscal_year, 7, 1),
            payee="店",
            description=f"部品{index}",
            amount_yen=1000,
        )
        for index in range(60)
    )
    url = f"{live_server.url}/programme/designations/{designation.pk}/"
    for language, width in (("ja", 390), ("en", 390), ("ja", 1366)):
        page = signed_in(browser, live_server, "coordinator")
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(url + "?page=2")
        expect(page.locator(".pagination")).to_contain_text("2 / 2")
        stops = page.locator("main table[tabindex='0']")
        if width < 768:
            assert stops.count() >= 2, "the budget and monthly tables are wider than a phone"
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        else:
            assert stops.count() == 0
        assert axe(page) == [], (language, width)
        page.context.close()
