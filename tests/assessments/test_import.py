"""Vendor files through the one import pipeline: all rows or none, each bad row named."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from assessments.models import Administration, Instrument, Timing
from meister.fiscal import current_fiscal_year


def _literacy(demo):
    grit = Administration.objects.filter(school=demo.hikone, instrument__code="grit-s").order_by("pk")[0]
    return Administration.objects.create(
        instrument=Instrument.objects.get(code="literacy-competency"),
        school=demo.hikone,
        entry_year=grit.entry_year,
        fiscal_year=current_fiscal_year(),
        timing=Timing.PRE,
    )


HEADER = "組,番号,氏名,情報収集,情報分析,課題発見,構想,対人,対自己,対課題\n"


def _post(client, administration, content: bytes, name="vendor.csv", action="commit"):
    url = reverse("assessments:administration_import", args=[administration.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content), "action": action})


def test_vendor_csv_with_a_broken_row_is_rejected_whole(client, demo):
    administration = _literacy(demo)
    client.force_login(demo.users["teacher"])
    content = (
        HEADER
        + "3-1,1,あ,3,4,2.5,5,6,4,3\n"
        + "3-1,2,い,3,4,9,5,6,4,3\n"  # 課題発見 out of the 1–7 range
        + "3-9,1,う,3,4,2,5,6,4,3\n"  # no such student
    ).encode("cp932")
    response = _post(client, administration, content)
    assert response.status_code == 200
    assert administration.responses.count() == 0
    body = response.content.decode()
    assert "3 行目" in body and "課題発見" in body and "「9」" in body
    assert "4 行目" in body and "3-9 組 1 番の生徒" in body
    errors = [row for row in response.context["result"].rows if row.errors]
    assert [row.number for row in errors] == [3, 4]


def test_vendor_xlsx_is_imported_and_scored(client, demo):
    administration = _literacy(demo)
    book = Workbook()
    sheet = book.active
    sheet.append(["令和8年度 リテラシーテスト結果"])
    sheet.append(HEADER.strip().split(","))
    sheet.append(["3年1組", 1, "あ", 3, 4, 2.5, 5, 6, 4, 3])
    sheet.append(["3-1", "２", "い", 1, 1, 1, 1, 7, 7, 7])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(demo.users["teacher"])
    preview = _post(client, administration, buffer.getvalue(), name="vendor.xlsx", action="preview")
    assert preview.status_code == 200 and administration.responses.count() == 0
    response = _post(client, administration, buffer.getvalue(), name="vendor.xlsx")
    assert response.status_code == 302
    scores = {r.student.number: r.scores for r in administration.responses.select_related("student")}
    assert scores[1]["problem-finding"] == 2.5
    assert scores[2]["interpersonal"] == 7
    # The same file again changes nothing.
    again = _post(client, administration, buffer.getvalue(), name="vendor.xlsx", action="preview")
    assert again.context["result"].counts["unchanged"] == 2


def test_answers_by_item_columns(client, demo):
    grit = Administration.objects.filter(school=demo.hikone, instrument__code="grit-s", timing="pre")[0]
    client.force_login(demo.users["teacher"])
    content = ("組,出席番号," + ",".join(f"Q{n}" for n in range(1, 9)) + "\n3-1,1,5,5,5,5,5,5,5,5\n").encode()
    response = _post(client, grit, content)
    assert response.status_code == 302
    assert grit.responses.get(student__class_name="3-1", student__number=1).scores == {
        "perseverance": 5.0,
        "consistency": 1.0,
    }


def test_teacher_of_another_school_cannot_import(client, demo):
    administration = _literacy(demo)
    client.force_login(demo.users["teacher-niigata"])
    assert _post(client, administration, HEADER.encode()).status_code == 404
