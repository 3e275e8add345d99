"""A prefecture officer imports a Shift_JIS CSV of schools in Chromium: errors first, then the fixed file, twice."""

import pytest
from playwright.sync_api import expect

from partners.models import School
from tests.browser.sign_in import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "学校コード,学校名,よみがな,都道府県,市区町村,設置者\r\n"
GOOD = "Ｄ１２５２１０００００２３,滋賀県立長浜工業高等学校,ながはまこうぎょう,滋賀県,長浜市,公立\r\n"
BAD_CODE = "D1252100000,滋賀県立湖南工業高等学校,こなんこうぎょう,滋賀県,湖南市,公立\r\n"
BAD_PREFECTURE = "D125210000031,滋賀県立湖北高等学校,こほく,近江県,長浜市,公立\r\n"
FIXED = (
    "D125210000031,滋賀県立湖北高等学校,こほく,滋賀県,長浜市,公立\r\n"
    "D125210000049,滋賀県立湖南工業高等学校,こなんこうぎょう,滋賀県,湖南市,公立\r\n"
)


def upload(page, live_server, tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode("cp932"))
    page.goto(f"{live_server.url}/partners/import/schools/")
    page.get_by_test_id("import-upload").locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="確認する").click()


def test_prefecture_imports_a_cp932_csv(page, live_server, demo, tmp_path):
    log_in(page, live_server, "prefecture")
    before = School.objects.count()

    upload(page, live_server, tmp_path, "学校一覧.csv", HEADER + GOOD + BAD_CODE + BAD_PREFECTURE + ",,,,,\r\n")
    expect(page.get_by_text("3行目: 学校コード: 学校コードは13桁")).to_be_visible()
    expect(page.get_by_text("4行目: 都道府県「近江県」が見つかりません")).to_be_visible()
    expect(page.get_by_role("button", name="取り込む")).to_have_count(0)
    assert School.objects.count() == before

    upload(page, live_server, tmp_path, "学校一覧（修正）.csv", HEADER + GOOD + FIXED)
    page.get_by_role("button", name="取り込む").click()
    expect(page.get_by_role("alert")).to_contain_text("取り込みました。新規 3 件")
    assert School.objects.count() == before + 3
    assert School.objects.get(code="D125210000023").name == "滋賀県立長浜工業高等学校"

    upload(page, live_server, tmp_path, "学校一覧（修正）.csv", HEADER + GOOD + FIXED)
    expect(page.get_by_test_id("import-summary")).to_contain_text("変更なし 3")
    page.get_by_role("button", name="取り込む").click()
    expect(page.get_by_role("alert")).to_contain_text("変更なし 3 件")
    assert School.objects.count() == before + 3
