"""The registry import: files as offices produce them, per-row problems, all-or-nothing commits, scope."""

import io
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from meister.importing import ImportProblem, import_commit, import_preview, parse_upload
from meister.models import ImportBatch, ImportStatus
from partners.importers import importer_for
from partners.models import Company, Person, School
from partners.validators import corporate_number_check_digit

SCHOOL_HEADERS = ["学校コード", "学校名", "ふりがな", "都道府県", "市区町村", "設置者"]
HIKONE_KANA = "しがけんりつひこねこうぎょうこうとうがっこう"
COMPANY_HEADERS = ["法人番号", "会社名", "フリガナ", "都道府県", "市区町村", "産業分類", "企業規模"]


def corporate_number(base12: str) -> str:
    return f"{corporate_number_check_digit(base12)}{base12}"


def bad_check_digit(number: str) -> str:
    return f"{(int(number[0]) % 9) + 1}{number[1:]}"


def csv_bytes(rows, *, encoding="utf-8", bom=False) -> bytes:
    text = "\r\n".join(",".join(cells) for cells in rows) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def xlsx_bytes(rows, *, title=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.append([])
    for cells in rows:
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def preview(kind, data, filename, user):
    importer = importer_for(kind)
    parsed = parse_upload(importer=importer, data=data, filename=filename)
    return import_preview(importer=importer, rows=parsed.rows, user=user)


def commit(kind, data, filename, user):
    importer = importer_for(kind)
    parsed = parse_upload(importer=importer, data=data, filename=filename)
    return import_commit(importer=importer, rows=parsed.rows, user=user)


def by_row(result):
    return {row.number: (row.status, row.errors) for row in result.rows}


def counts():
    return (School.objects.count(), Company.objects.count(), Person.objects.count())


def shiga_schools_csv(**encoding):
    return csv_bytes(
        [
            SCHOOL_HEADERS,
            # Full-width digits and letters, as Japanese input methods produce them.
            ["Ｄ１２５２１０００００２３", "滋賀県立長浜工業高等学校", "ながはま", "滋賀県", "長浜市", "公立"],
            ["D125310000018", "近江実業高等学校", "おうみじつぎょう", "25", "近江八幡市", ""],
            # The demo's school as registered: 滋賀 for 滋賀県, 県立 for 公立.
            ["D125210000012", "滋賀県立彦根工業高等学校", HIKONE_KANA, "滋賀", "彦根市", "県立"],
            [",,,,,"],
            ["", "", "", "", "", ""],
        ],
        **encoding,
    )


# --- reading files as offices produce them --------------------------------------------------------------------------


def test_cp932_csv_with_japanese_headers_full_width_digits_and_blank_trailing_rows(demo):
    before = counts()
    result = preview("schools", shiga_schools_csv(encoding="cp932"), "学校.csv", demo.users["prefecture"])
    assert by_row(result) == {2: ("new", []), 3: ("new", []), 4: ("unchanged", [])}
    assert counts() == before, "a preview writes nothing"

    result = commit("schools", shiga_schools_csv(encoding="cp932"), "学校.csv", demo.users["prefecture"])
    assert result.committed and result.counts["new"] == 2
    nagahama = School.objects.get(code="D125210000023")
    assert (nagahama.name, nagahama.prefecture.code, nagahama.establishment) == ("滋賀県立長浜工業高等学校", "25", "2")
    # 設置者 left blank: the school code's establishment digit says 私立.
    assert School.objects.get(code="D125310000018").get_establishment_display() == "私立"


def test_utf8_with_bom_and_updates_by_corporate_number(demo):
    new_number = "4011001098993"
    data = csv_bytes(
        [
            COMPANY_HEADERS,
            ["６１６０００１０１２３４５", "株式会社湖東精機", "ことうせいき", "滋賀県", "彦根市", "E", "３５０人"],
            [new_number, "株式会社びわ湖ロボティクス", "ﾋﾞﾜｺﾛﾎﾞﾃｨｸｽ", "滋賀県", "大津市", "製造業", "中小"],
        ],
        bom=True,
    )
    result = commit("companies", data, "企業.csv", demo.users["prefecture"])
    assert by_row(result) == {2: ("update", []), 3: ("new", [])}
    assert result.rows[0].changes == ["企業規模"]
    created = Company.objects.get(corporate_number=new_number)
    # Half-width katakana becomes full-width (NFKC); the JSIC name finds division E.
    assert (created.kana, created.industry.code, created.size_band) == ("ビワコロボティクス", "E", "small")
    demo.kotoh.refresh_from_db()
    assert demo.kotoh.size_band == "large"


def test_xlsx_with_title_rows_numbers_and_excel_row_numbers(demo):
    data = xlsx_bytes(
        [
            COMPANY_HEADERS,
            [7123456789012, "株式会社彦根メカトロ", "ひこねめかとろ", "滋賀県", "彦根市", "E 製造業", 12],
            [bad_check_digit("7123456789012"), "株式会社湖北電機", "こほくでんき", "滋賀県", "長浜市", "E", ""],
            [None, None, None, None, None, None, None],
        ],
        title="令和8年度 連携企業一覧",
    )
    result = preview("companies", data, "企業一覧.xlsx", demo.users["prefecture"])
    # Title in row 1, a blank row 2, the header in row 3: the data starts in Excel's row 4.
    assert [row.number for row in result.rows] == [4, 5]
    assert by_row(result)[4] == ("new", [])
    status, errors = by_row(result)[5]
    assert status == "error" and any("チェックデジット" in error for error in errors)


def test_xlsx_formula_without_a_cached_value_is_refused_clearly(demo):
    data = xlsx_bytes([COMPANY_HEADERS, ['=CONCAT("7123","456789012")', "株式会社数式", "", "滋賀県", "", "", ""]])
    with pytest.raises(ImportProblem, match="セル A2 の数式に計算結果が保存されていません"):
        preview("companies", data, "数式.xlsx", demo.users["prefecture"])


def test_unknown_encoding_and_missing_columns_are_refused_in_japanese(demo):
    with pytest.raises(ImportProblem, match="文字コードを判別できません"):
        preview("schools", "学校コード,学校名\n".encode("euc_jis_2004") + b"\x8e", "学校.csv", demo.users["prefecture"])
    with pytest.raises(ImportProblem, match="UTF-16 の CSV は読み込めません"):
        preview("schools", "学校コード,学校名\n".encode("utf-16"), "学校.csv", demo.users["prefecture"])
    with pytest.raises(ImportProblem, match="必要な列がありません: 「学校コード」"):
        preview("schools", csv_bytes([["学校名", "都道府県"], ["某高校", "滋賀県"]]), "学校.csv", demo.users["admin"])


def test_header_markers_and_blank_cells_that_keep_registered_values(demo):
    data = csv_bytes(
        [
            ["学校コード※", "学校名（必須）", "市区町村", "備考"],
            ["D125210000012", "滋賀県立彦根工業高等学校", "", "メモ"],
        ]
    )
    importer = importer_for("schools")
    parsed = parse_upload(importer=importer, data=data, filename="学校.csv")
    assert parsed.ignored_columns == ["備考"]
    result = import_commit(importer=importer, rows=parsed.rows, user=demo.users["admin"])
    assert by_row(result) == {2: ("unchanged", [])}
    demo.hikone.refresh_from_db()
    assert demo.hikone.municipality == "彦根市", "a blank cell does not erase"


# --- per-row problems and all or nothing --------------------------------------------------------------------------


def problem_schools_csv():
    return csv_bytes(
        [
            SCHOOL_HEADERS,
            ["D125210000023", "滋賀県立長浜工業高等学校", "", "滋賀県", "長浜市", "公立"],
            ["D12521", "短すぎる高等学校", "", "滋賀県", "", "公立"],
            ["D125210000045", "不明県の高等学校", "", "ひみつ県", "", "公立"],
            ["Ｄ１２５２１０００００２３", "滋賀県立長浜工業高等学校", "", "滋賀県", "長浜市", "公立"],
            ["D115210000036", "新潟県立糸魚川工業高等学校", "", "新潟県", "糸魚川市", "公立"],
            ["D125210000056", "", "", "滋賀県", "", "公立"],
        ]
    )


def test_every_row_problem_is_reported_and_nothing_is_written(demo):
    before = counts()
    result = commit("schools", problem_schools_csv(), "学校.csv", demo.users["prefecture"])
    assert not result.committed
    rows = by_row(result)
    assert rows[2] == ("new", [])
    assert rows[3][0] == "error" and "学校コードは13桁" in rows[3][1][0]
    assert rows[4] == ("error", [rows[4][1][0]]) and "都道府県「ひみつ県」が見つかりません" in rows[4][1][0]
    assert rows[5] == ("error", ["このファイルの 2 行目と同じものです（重複）。"])
    assert rows[6] == ("error", ["担当範囲外のため取り込めません。"])
    assert rows[7] == ("error", ["「学校名」が空です。"])
    assert counts() == before, "one bad row keeps every row out"


def test_bad_corporate_number_check_digit(demo):
    data = csv_bytes([COMPANY_HEADERS, [bad_check_digit("4011001098993"), "株式会社誤記", "", "滋賀県", "", "", ""]])
    result = preview("companies", data, "企業.csv", demo.users["admin"])
    assert by_row(result)[2] == ("error", ["法人番号: 法人番号のチェックデジットが一致しません。"])


def test_same_file_twice_changes_nothing_the_second_time(demo):
    user = demo.users["prefecture"]
    first = commit("schools", shiga_schools_csv(), "学校.csv", user)
    assert first.committed
    after_first = counts()
    second = commit("schools", shiga_schools_csv(), "学校.csv", user)
    assert second.committed and {row.status for row in second.rows} == {"unchanged"}
    assert counts() == after_first


def test_companies_without_number_dedup_by_normalised_name_and_prefecture(demo):
    data = csv_bytes(
        [
            ["会社名", "都道府県", "市区町村"],
            # 株式会社能水商店 has no 法人番号: found by name (spacing and width do not count) within 新潟県.
            ["株式会社　能水商店", "新潟県", "糸魚川市"],
            ["株式会社能水商店", "滋賀県", "彦根市"],
        ]
    )
    result = preview("companies", data, "企業.csv", demo.users["admin"])
    assert [row.status for row in result.rows] == ["unchanged", "new"]


# --- scope --------------------------------------------------------------------------------------------------------


def test_prefecture_user_may_not_change_a_partner_from_another_prefecture(demo):
    # 株式会社ひすい海洋開発 is a Niigata company; the Shiga prefecture user does not see it, let alone change it.
    data = csv_bytes([["法人番号", "企業名", "都道府県"], ["8110001045678", "株式会社ひすい海洋開発", "新潟県"]])
    result = preview("companies", data, "企業.csv", demo.users["prefecture"])
    assert by_row(result)[2] == ("error", ["担当範囲外のため取り込めません。"])


def test_coordinator_new_company_joins_their_consortium(demo):
    number = corporate_number("160001099999")
    data = csv_bytes([["法人番号", "企業名", "都道府県"], [number, "株式会社多賀テクノ", "滋賀県"]])
    result = commit("companies", data, "企業.csv", demo.users["coordinator"])
    assert result.committed
    assert demo.shiga_consortium.companies.filter(corporate_number=number).exists()


CONTACT_ROWS = [
    ["氏名", "よみがな", "役割", "役職", "所属", "メールアドレス", "電話番号"],
    ["湖東　精一", "ことう せいいち", "メンター", "生産技術課長", "6160001012345", "", ""],
    [
        "伊吹 美咲",
        "いぶき みさき",
        "産業実務家教員",
        "",
        "近江エンジニアリング株式会社",
        "ibuki@example.jp",
        "０７４９ー２２ー１２３４",
    ],
    ["彦根 次郎", "", "", "実習助手", "D125210000012", "", ""],
    ["能水 花子", "", "", "", "株式会社能水商店", "", ""],
    ["海野 翔", "", "教員", "", "D115210000025", "", ""],
]


def test_contacts_by_corporate_number_name_and_school_code(demo):
    result = preview("contacts", csv_bytes(CONTACT_ROWS, encoding="cp932"), "担当者.csv", demo.users["teacher"])
    rows = by_row(result)
    assert rows[2] == ("unchanged", []), "the registered 湖東 精一, typed with a full-width space"
    assert rows[3] == ("new", []) and rows[4] == ("new", [])
    # The teacher sees neither 能水商店 nor the Niigata school: for them, neither is there.
    assert rows[5][0] == "error" and "所属「株式会社能水商店」に当たる" in rows[5][1][0]
    assert rows[6] == ("error", ["所属の学校コード「D115210000025」の学校は、登録されていないか、担当範囲外です。"])

    result = commit("contacts", csv_bytes(CONTACT_ROWS[:4], encoding="cp932"), "担当者.csv", demo.users["teacher"])
    assert result.committed
    ibuki = Person.objects.get(name="伊吹 美咲")
    assert (ibuki.company, ibuki.role, ibuki.phone) == (
        Company.objects.get(name=CONTACT_ROWS[2][4]),
        "practitioner",
        "0749-22-1234",
    )
    jiro = Person.objects.get(name="彦根 次郎")
    assert (jiro.school, jiro.role) == (demo.hikone, "contact")


# --- the command line ---------------------------------------------------------------------------------------------


def test_command_dry_run_writes_nothing_and_errors_exit_non_zero(demo, tmp_path, capsys):
    good = tmp_path / "学校.csv"
    good.write_bytes(shiga_schools_csv(encoding="cp932"))
    before = counts()
    call_command("import_registry", "schools", str(good), "--dry-run", "--user", "prefecture")
    out = capsys.readouterr().out
    assert "全 3 行: 新規 2、更新 0、変更なし 1、エラー 0" in out
    assert counts() == before

    bad = tmp_path / "problems.csv"
    bad.write_bytes(problem_schools_csv())
    with pytest.raises(CommandError) as excinfo:
        call_command("import_registry", "schools", str(bad), "--user", "prefecture")
    assert excinfo.value.returncode == 1
    err = capsys.readouterr().err
    assert "4行目 不明県の高等学校: 都道府県「ひみつ県」が見つかりません" in err
    assert "6行目 新潟県立糸魚川工業高等学校: 担当範囲外のため取り込めません。" in err
    assert counts() == before

    call_command("import_registry", "schools", str(good), "--user", "prefecture")
    assert counts() == (before[0] + 2, before[1], before[2])


def test_command_refuses_a_user_without_the_right(demo, tmp_path):
    path = tmp_path / "学校.csv"
    path.write_bytes(shiga_schools_csv())
    with pytest.raises(CommandError, match="権限がありません"):
        call_command("import_registry", "schools", str(path), "--user", "teacher")


# --- the browser --------------------------------------------------------------------------------------------------


def upload(client, kind, data, filename):
    return client.post(reverse("partners:import_upload", args=[kind]), {"file": _file(data, filename)})


def _file(data, filename):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(filename, data)


def test_upload_preview_fix_commit_and_import_again(client, demo):
    client.force_login(demo.users["prefecture"])
    before = counts()

    response = upload(client, "schools", problem_schools_csv(), "学校.csv")
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("partners:import_preview", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert "3行目: 学校コード" in page
    assert "4行目: 都道府県「ひみつ県」が見つかりません" in page
    assert "5行目: このファイルの 2 行目と同じものです（重複）。" in page
    assert "6行目: 担当範囲外のため取り込めません。" in page
    assert "7行目: 「学校名」が空です。" in page
    assert "取り込む</button>" not in page
    # Even a forged POST writes nothing while any row has an error.
    response = client.post(reverse("partners:import_commit", args=[batch.pk]), follow=True)
    assert "何も取り込んでいません" in response.content.decode()
    assert counts() == before

    response = upload(client, "schools", shiga_schools_csv(encoding="cp932"), "学校_修正.csv")
    fixed = ImportBatch.objects.latest("pk")
    page = client.get(response["Location"]).content.decode()
    assert "取り込む</button>" in page and fixed.summary["new"] == 2
    response = client.post(reverse("partners:import_commit", args=[fixed.pk]), follow=True)
    assert "取り込みました。新規 2 件、更新 0 件、変更なし 1 件です。" in response.content.decode()
    fixed.refresh_from_db()
    assert fixed.status == ImportStatus.COMMITTED and fixed.rows == [], "taken in: the rows are not kept twice"
    after = counts()
    assert after[0] == before[0] + 2

    # A second click on the same batch does nothing.
    response = client.post(reverse("partners:import_commit", args=[fixed.pk]), follow=True)
    assert "すでに取り込み済み" in response.content.decode()

    response = upload(client, "schools", shiga_schools_csv(encoding="cp932"), "学校_修正.csv")
    again = ImportBatch.objects.latest("pk")
    response = client.post(reverse("partners:import_commit", args=[again.pk]), follow=True)
    assert "新規 0 件、更新 0 件、変更なし 3 件" in response.content.decode()
    assert counts() == after


@pytest.mark.parametrize(
    ("username", "kind"),
    [("teacher", "schools"), ("teacher", "companies"), ("company", "schools"), ("company", "companies")]
    + [("ministry", kind) for kind in ("schools", "companies", "contacts")],
)
def test_roles_that_may_not_import_get_403(client, demo, username, kind):
    client.force_login(demo.users[username])
    assert client.get(reverse("partners:import_upload", args=[kind])).status_code == 403
    assert upload(client, kind, shiga_schools_csv(), "学校.csv").status_code == 403
    assert not ImportBatch.objects.exists()


def test_unknown_kind_is_404(client, demo):
    client.force_login(demo.users["admin"])
    assert client.get(reverse("partners:import_upload", args=["consortia"])).status_code == 404


def test_another_users_batch_is_404_admin_sees_it(client, demo):
    client.force_login(demo.users["prefecture"])
    upload(client, "schools", shiga_schools_csv(), "学校.csv")
    batch = ImportBatch.objects.get()
    for username in ("prefecture-niigata", "ministry", "coordinator"):
        client.force_login(demo.users[username])
        assert client.get(reverse("partners:import_preview", args=[batch.pk])).status_code == 404
        assert client.post(reverse("partners:import_commit", args=[batch.pk])).status_code == 404
    assert School.objects.filter(code="D125210000023").count() == 0
    client.force_login(demo.users["admin"])
    assert client.get(reverse("partners:import_preview", args=[batch.pk])).status_code == 200


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("schools.txt", "学校コード,学校名\n".encode(), "CSV ファイル（.csv）か Excel ブック（.xlsx）を選んでください"),
        ("schools.pdf", b"%PDF-1.7\n", "CSV ファイル（.csv）か Excel ブック（.xlsx）を選んでください"),
        ("schools.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "古い形式の Excel ファイル"),
        ("schools.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "パスワード付きのファイル"),
        ("schools.xlsm", b"PK\x03\x04", "マクロ付きのブック"),
        ("schools.xlsx", b"PK\x03\x04 this is not really a zip", "Excel ファイルが壊れている"),
        ("schools.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "中身が Excel ブックではありません"),
        ("schools.csv", b"PK\x03\x04" + b"\0" * 50, "中身が CSV（テキスト）ではありません"),
        ("schools.xlsx", _zip({"word/document.xml": b"<w/>"}), "中身が Excel ブックではありません"),
    ],
)
def test_files_that_are_not_csv_or_xlsx_are_refused(client, demo, filename, data, message):
    client.force_login(demo.users["prefecture"])
    response = upload(client, "schools", data, filename)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_macro_workbook_renamed_to_xlsx_is_refused(client, demo):
    book = io.BytesIO(xlsx_bytes([SCHOOL_HEADERS]))
    with zipfile.ZipFile(book) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members["xl/vbaProject.bin"] = b"\0" * 16
    client.force_login(demo.users["prefecture"])
    response = upload(client, "schools", _zip(members), "schools.xlsx")
    assert "マクロ付きのブック（.xlsm）は受け付けません" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_oversize_file_is_refused(client, demo, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    client.force_login(demo.users["prefecture"])
    data = shiga_schools_csv() + b"#" * 1024
    response = upload(client, "schools", data, "学校.csv")
    assert response.status_code == 200
    assert "ファイルが大きすぎます" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_unreadable_file_is_recorded_with_why(client, demo):
    client.force_login(demo.users["prefecture"])
    response = upload(client, "schools", csv_bytes([["学校名", "都道府県"], ["某高校", "滋賀県"]]), "学校.csv")
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.FAILED and batch.original_filename == "学校.csv" and batch.rows == []
    page = client.get(response["Location"]).content.decode()
    assert "必要な列がありません" in page and "取り込む</button>" not in page


# --- issue 15: what an import says must not tell an outsider what exists -------------------------------------------


def test_an_out_of_scope_affiliation_reads_exactly_like_an_unknown_one(demo):
    niigata_school = demo.kaiyo.code
    unknown_school = "D115210000999"
    niigata_company = "8110001045678"  # 株式会社ひすい海洋開発, which the Shiga teacher does not see
    unknown_company = corporate_number("110001099999")
    assert School.objects.filter(code=niigata_school).exists()
    assert Company.objects.filter(corporate_number=niigata_company).exists()
    assert not School.objects.filter(code=unknown_school).exists()
    assert not Company.objects.filter(corporate_number=unknown_company).exists()
    rows = [
        ["氏名", "所属"],
        ["海野 翔", niigata_school],
        ["海野 歩", unknown_school],
        ["能水 花子", niigata_company],
        ["能水 次郎", unknown_company],
    ]
    result = preview("contacts", csv_bytes(rows), "担当者.csv", demo.users["teacher"])
    messages = {number: errors for number, (_status, errors) in by_row(result).items()}
    assert all(by_row(result)[number][0] == "error" for number in messages)
    assert messages[2] == [message.replace(unknown_school, niigata_school) for message in messages[3]]
    assert messages[4] == [message.replace(unknown_company, niigata_company) for message in messages[5]]
    assert not any("担当範囲外のため" in message for errors in messages.values() for message in errors)


def test_the_corporate_number_sites_own_headers_are_understood(demo):
    number = corporate_number("160001088888")
    data = csv_bytes(
        [
            [
                "法人番号",
                "商号又は名称",
                "国内所在地（都道府県）",
                "国内所在地（市区町村）",
                "国内所在地（丁目番地等）",
                "フリガナ",
            ],
            [number, "株式会社びわ湖精工", "滋賀県", "彦根市", "旭町1-1", "ビワコセイコウ"],
        ]
    )
    importer = importer_for("companies")
    parsed = parse_upload(importer=importer, data=data, filename="法人番号.csv")
    assert parsed.ignored_columns == []
    result = import_commit(importer=importer, rows=parsed.rows, user=demo.users["prefecture"])
    assert result.committed, by_row(result)
    company = Company.objects.get(corporate_number=number)
    assert (company.name, company.prefecture.name, company.municipality, company.address, company.kana) == (
        "株式会社びわ湖精工",
        "滋賀県",
        "彦根市",
        "旭町1-1",
        "ビワコセイコウ",
    )
