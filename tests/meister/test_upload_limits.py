"""Bounded work for every upload: hostile files are refused in words after work bounded by the caps, not by the
file's size, and leave nothing behind.

The hostile files are built by tests/hostile_files.py: a million-row workbook (once 35 s of CPU per preview), a
sheet that understates its size, a row as wide as Excel allows, a CSV of 100,000 lines, a tall PDF page, an HTML
page named .pdf, replaced files. Work is counted, never timed: the XML elements the sheet scan visits and the CSV
cells it keeps.
"""

import io
import struct
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from curricula.models import Placement
from meister.importing import ImportProblem, pipeline, read_table, reading, upload_format
from meister.models import ImportBatch, ImportStatus
from partners.models import Agreement, School
from showcase.models import Material
from tests import hostile_files as hostile
from tests.meister.test_imports import shiga_schools_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    """A media folder of this test's own, so what it finds there is what it left (the suite runs in parallel)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


@pytest.fixture
def upload_temp_dir(settings, tmp_path):
    """Where Django spools uploads over 2.5 MB, to see that nothing stays there."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder


def import_upload(client, data, filename, kind="schools"):
    return client.post(reverse("partners:import_upload", args=[kind]), {"file": SimpleUploadedFile(filename, data)})


class Work:
    """Counts what reading a file does: XML elements scanned in a sheet, CSV cells kept."""

    def __init__(self, monkeypatch):
        self.elements = self.cells = 0
        scan_start, unescape = reading._SheetScan.start, reading._unescape

        def counted_start(scan, name, attributes):
            self.elements += 1
            return scan_start(scan, name, attributes)

        def counted_unescape(text):
            self.cells += 1
            return unescape(text)

        monkeypatch.setattr(reading._SheetScan, "start", counted_start)
        monkeypatch.setattr(reading, "_unescape", counted_unescape)


@pytest.fixture
def work(monkeypatch):
    return Work(monkeypatch)


def refused(data, filename) -> str:
    with pytest.raises(ImportProblem) as problem:
        read_table(data, upload_format(filename, data))
    return problem.value.message


# --- finding 4: a large workbook ------------------------------------------------------------------------------------


def test_a_million_row_workbook_is_refused_in_words_at_its_declared_size(client, demo, upload_temp_dir, work):
    data = hostile.million_row_workbook()
    assert len(data) > 5_000_000, "as large as the reported file, past what Django keeps in memory"
    message = refused(data, "学校.xlsx")
    assert "1,048,576 行目まで" in message and "20,000 行目まで" in message
    assert work.elements < 10, "refused at the sheet's declared size, before its rows"

    client.force_login(demo.users["prefecture"])
    before = media_files()
    work.elements = 0
    response = import_upload(client, data, "学校.xlsx")
    assert work.elements < 10
    assert response.status_code == 200 and "行が多すぎます" in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert media_files() == before
    assert list(upload_temp_dir.iterdir()) == []


def test_a_workbook_that_understates_its_size_is_stopped_at_the_cap(work):
    message = refused(hostile.lying_workbook(rows=60_000), "学校.xlsx")
    assert "行が多すぎます" in message
    # Each near-empty row is a few elements: the scan stops just past the cap, a third of the way into the file.
    assert work.elements <= 4 * (reading.MAX_SHEET_ROWS + 2)


def test_a_row_as_wide_as_excel_allows_is_refused(work):
    message = refused(hostile.wide_row_workbook(cells=16_384), "学校.xlsx")
    assert "列が多すぎます" in message
    assert work.elements <= 4 * (reading.MAX_COLUMNS + 10), "stopped at the column cap, not at the row's end"


def test_a_csv_with_too_many_lines_is_refused_at_the_cap(work):
    message = refused(hostile.long_csv(lines=100_000), "学校.csv")
    assert "行が多すぎます" in message
    assert work.cells <= 2 * reading.MAX_SHEET_ROWS, "stopped at the row cap, not at the file's end"


def test_a_workbook_of_ordinary_size_is_read_in_one_pass(monkeypatch):
    from tests.meister.test_imports import SCHOOL_HEADERS, xlsx_bytes

    opened = []
    real = reading.load_workbook
    monkeypatch.setattr(reading, "load_workbook", lambda *a, **k: opened.append(k) or real(*a, **k))
    rows = read_table(xlsx_bytes([SCHOOL_HEADERS, ["D125210000023", "長浜工業"]]), "xlsx")
    assert [cells[:2] for _number, cells in rows] == [SCHOOL_HEADERS[:2], ["D125210000023", "長浜工業"]]
    assert len(opened) == 1, "the formula check is made while the sheet is counted, not by a second parse"


def test_commit_takes_the_rows_kept_at_preview_and_keeps_no_file(client, demo, monkeypatch):
    client.force_login(demo.users["prefecture"])
    before = media_files()
    response = import_upload(client, shiga_schools_csv(encoding="cp932"), "学校.csv")
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == ImportStatus.PREVIEWED and batch.summary["new"] == 2
    assert media_files() == before, "the parsed rows are kept with the batch; the uploaded file is not"

    def no_second_parse(*args, **kwargs):
        raise AssertionError("the file was parsed again at commit")

    monkeypatch.setattr(pipeline, "read_table", no_second_parse)
    monkeypatch.setattr(pipeline, "map_rows", no_second_parse)
    response = client.post(reverse("partners:import_commit", args=[batch.pk]), follow=True)
    assert "取り込みました。新規 2 件" in response.content.decode()
    assert School.objects.filter(code="D125210000023").exists()
    assert media_files() == before


def test_an_error_while_checking_leaves_no_file(client, demo, monkeypatch, upload_temp_dir):
    def crash(**kwargs):
        raise RuntimeError("a bug while checking rows")

    monkeypatch.setattr(pipeline, "import_preview", crash)
    client.force_login(demo.users["prefecture"])
    client.raise_request_exception = False
    before = media_files()
    # Over 2.5 MB, so Django spools it to a temporary file; within every cap, so the rows are checked.
    note = "あ" * 40_000
    big = "\r\n".join(["学校コード,学校名,備考"] + [f"D1252100000{n:02d},高校{n},{note}" for n in range(30)]).encode()
    assert len(big) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    response = import_upload(client, big, "学校.csv")
    assert response.status_code == 500
    assert media_files() == before
    assert list(upload_temp_dir.iterdir()) == []


# --- finding 9: a NUL byte past the first 8 KB ----------------------------------------------------------------------


def test_a_nul_byte_anywhere_in_a_csv_is_refused_before_the_preview(client, demo):
    data = hostile.csv_with_nul_after(8192)
    assert b"\x00" not in data[:8192] and b"\x00" in data
    client.force_login(demo.users["prefecture"])
    response = import_upload(client, data, "学校.csv")
    assert response.status_code == 200
    assert "中身が CSV（テキスト）ではありません" in response.content.decode()
    assert not ImportBatch.objects.exists()


# --- finding 5: a tiny PDF with a huge page -------------------------------------------------------------------------


def _form(**overrides):
    data = {
        "title": "水産加工の安全教育",
        "description": "加工場での安全の基本",
        "category": "fisheries",
        "subject": "水産加工実習",
        "grade": "2",
        "usage": "schools",
        "link": "",
    }
    return {**data, **overrides}


def _library_upload(client, demo, data, *, material=None, name="教材.pdf"):
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")
    url = reverse("library:edit", args=[material.pk]) if material else reverse("library:create")
    fields = _form(usage="consortium") if material else _form()
    return client.post(
        url, {**fields, "consortium": demo.niigata_consortium.pk, "school": demo.kaiyo.pk, "upload": upload}
    )


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", data[16:24])


def test_a_tall_page_is_previewed_once_within_the_pixel_cap(client, demo, monkeypatch):
    import pypdfium2

    renders = []
    real = pypdfium2.PdfPage.render
    monkeypatch.setattr(pypdfium2.PdfPage, "render", lambda page, **k: renders.append(k) or real(page, **k))
    client.force_login(demo.users["teacher-niigata"])
    response = _library_upload(client, demo, hostile.pdf_with_page(200, 14_400))
    assert response.status_code == 302
    material = Material.objects.get(title="水産加工の安全教育")
    with material.preview.open("rb") as preview:
        width, height = _png_size(preview.read())
    assert width * height <= 2_000_000 and max(width, height) <= 2_000
    assert len(renders) == 1, "the preview is rendered once, not once to check and again to keep"


@pytest.mark.parametrize("width, height", [(200, 5_000_000), (5_000_000, 200), (200, 14_401)])
def test_a_page_no_pdf_reader_could_show_is_refused_in_words(client, demo, width, height):
    data = hostile.pdf_with_page(width, height)
    assert len(data) < 1024
    client.force_login(demo.users["teacher-niigata"])
    before = (Material.objects.count(), media_files())
    response = _library_upload(client, demo, data)
    assert response.status_code == 400
    assert "ページの大きさ" in response.content.decode()
    assert (Material.objects.count(), media_files()) == before


@pytest.mark.parametrize("error", [MemoryError, ValueError("bitmap"), OSError("disk")])
def test_every_rendering_error_is_a_form_error(client, demo, monkeypatch, error):
    import pypdfium2

    def fail(page, **kwargs):
        raise error

    monkeypatch.setattr(pypdfium2.PdfPage, "render", fail)
    client.force_login(demo.users["teacher-niigata"])
    before = (Material.objects.count(), media_files())
    response = _library_upload(client, demo, hostile.pdf_with_page(595, 842))
    assert response.status_code == 400
    assert "PDFファイルを読み込めませんでした" in response.content.decode()
    assert (Material.objects.count(), media_files()) == before


def test_a_replaced_material_file_and_its_preview_leave_storage(client, demo, django_capture_on_commit_callbacks):
    client.force_login(demo.users["teacher-niigata"])
    _library_upload(client, demo, hostile.pdf_with_page(595, 842))
    material = Material.objects.get(title="水産加工の安全教育")
    old_file, old_preview = material.file.name, material.preview.name
    assert default_storage.exists(old_file) and default_storage.exists(old_preview)
    with django_capture_on_commit_callbacks(execute=True):
        response = _library_upload(client, demo, hostile.pdf_with_page(842, 595), material=material)
    assert response.status_code == 302
    material.refresh_from_db()
    assert material.file.name != old_file and default_storage.exists(material.file.name)
    assert not default_storage.exists(old_file) and not default_storage.exists(old_preview)


# --- agreement scans and documents: typed by their bytes, replaced files removed -----------------------------------


def _scan_placement(client, demo):
    placement = Placement.objects.filter(student__kana_name="うえだ れん").get()
    client.force_login(demo.users["teacher"])
    return placement, reverse("curricula:placement_agreement", args=[placement.pk])


def test_an_html_page_named_pdf_is_not_a_signed_agreement(client, demo):
    placement, url = _scan_placement(client, demo)
    before = media_files()
    scan = SimpleUploadedFile("署名済み.pdf", hostile.HTML_NAMED_PDF, content_type="application/pdf")
    response = client.post(url, {"agreement_status": "signed", "agreement_scan": scan})
    assert response.status_code == 200
    assert "PDFまたは画像（JPEG・PNG）をアップロードしてください" in response.content.decode()
    placement.refresh_from_db()
    assert not placement.agreement_scan and placement.agreement_status != "signed"
    assert media_files() == before


def test_a_scan_is_typed_by_its_bytes_not_its_name(client, demo):
    placement, url = _scan_placement(client, demo)
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
    scan = SimpleUploadedFile("scan.bin", jpeg, content_type="application/octet-stream")
    client.post(url, {"agreement_status": "signed", "agreement_scan": scan})
    placement.refresh_from_db()
    assert placement.agreement_status == "signed" and placement.agreement_scan.name.endswith(".jpg")


def test_a_replaced_scan_leaves_storage(client, demo, django_capture_on_commit_callbacks):
    placement, url = _scan_placement(client, demo)
    first = SimpleUploadedFile("first.pdf", hostile.pdf_with_page(595, 842), content_type="application/pdf")
    client.post(url, {"agreement_status": "signed", "agreement_scan": first})
    placement.refresh_from_db()
    old = placement.agreement_scan.name
    assert default_storage.exists(old)
    second = SimpleUploadedFile("second.pdf", hostile.pdf_with_page(842, 595), content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"agreement_status": "signed", "agreement_scan": second})
    placement.refresh_from_db()
    assert placement.agreement_scan.name != old and default_storage.exists(placement.agreement_scan.name)
    assert not default_storage.exists(old)


def test_a_replaced_or_cleared_agreement_document_leaves_storage(client, demo, django_capture_on_commit_callbacks):
    client.force_login(demo.users["prefecture"])
    data = {
        "title": "新しい協定",
        "prefecture": demo.hikone.prefecture_id,
        "signed_on": "2026-04-01",
        "scope": "人材育成",
    }
    first = SimpleUploadedFile("協定書.pdf", hostile.pdf_with_page(595, 842), content_type="application/pdf")
    client.post(reverse("partners:agreement_create"), {**data, "document": first})
    agreement = Agreement.objects.get(title="新しい協定")
    old = agreement.document.name
    second = SimpleUploadedFile("協定書.pdf", hostile.pdf_with_page(842, 595), content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("partners:agreement_edit", args=[agreement.pk]), {**data, "document": second})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.document.name != old and not default_storage.exists(old)
    current = agreement.document.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("partners:agreement_edit", args=[agreement.pk]), {**data, "document-clear": "on"})
    agreement.refresh_from_db()
    assert not agreement.document and not default_storage.exists(current)


def test_hostile_pdf_is_a_real_pdf():
    import pypdfium2

    document = pypdfium2.PdfDocument(hostile.pdf_with_page(200, 5_000_000))
    assert len(document) == 1 and document[0].get_size() == (200, 5_000_000)
    document.close()
    assert io.BytesIO(hostile.HTML_NAMED_PDF).read(5) != b"%PDF-"
