"""The practice diary: the student writes, keeps drafts with the problem by the field and submits; the photo is typed
from its bytes, stripped of its EXIF and capped; the teacher reads it beside the day's log and sends it back; the
mentor reads it when confirming and comments; the practice record prints it; the page costs the same at two scales."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from curricula import links
from curricula.models import DayLog, DiaryEntry, DiaryStatus, LogStatus, Placement
from curricula.services import diaries as services
from meister.models import Role, User

pytestmark = pytest.mark.django_db


def student_account(placement, username="aoki-student") -> User:
    user = User.objects.create_user(username=username, password="x", role=Role.STUDENT, school=placement.student.school)
    student = placement.student
    student.account = user
    student.save(update_fields=["account"])
    return user


def kotoh_placement(demo) -> Placement:
    return demo.kotoh.placements.select_related("student", "mentor", "company").order_by("pk")[0]


def last_practice_day(placement, today) -> datetime.date:
    days = placement.expected_days(until=today)
    assert days
    return days[-1]


def jpeg_with_location() -> bytes:
    image = Image.new("RGB", (64, 48), "teal")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (35.0, 16.0, 3.0), 3: "E", 4: (136.0, 15.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def write_url(placement, day):
    return reverse("curricula:diary_write", args=[placement.pk, day.isoformat()])


def test_a_draft_with_a_missing_part_is_kept_with_the_problem_by_the_field(client, demo):
    placement = kotoh_placement(demo)
    client.force_login(student_account(placement))
    day = last_practice_day(placement, demo.today)
    response = client.post(
        write_url(placement, day), {"did": "治具の組立てを手伝った", "learned": "", "action": "submit"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="learned-error"' in html and "学んだこと・気づいたことを書いてください。" in html
    assert "治具の組立てを手伝った" in html
    entry = DiaryEntry.objects.get(placement=placement, day=day)
    assert (entry.status, entry.did) == (DiaryStatus.DRAFT, "治具の組立てを手伝った")

    response = client.post(
        write_url(placement, day), {"did": "治具の組立てを手伝った", "learned": "締め付けの順番", "action": "submit"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == DiaryStatus.SUBMITTED and entry.submitted_at
    # Submitted: locked until the teacher sends it back.
    again = client.post(write_url(placement, day), {"did": "x", "learned": "y", "action": "submit"})
    assert again.status_code == 400
    entry.refresh_from_db()
    assert entry.did == "治具の組立てを手伝った"


def test_no_diary_for_a_day_to_come_or_outside_the_placement(client, demo):
    placement = kotoh_placement(demo)
    client.force_login(student_account(placement))
    for day in (demo.today + datetime.timedelta(days=7), placement.starts_on - datetime.timedelta(days=1)):
        response = client.post(write_url(placement, day), {"did": "x", "learned": "y", "action": "submit"})
        assert response.status_code == 302
    assert not DiaryEntry.objects.exists()


def test_a_student_reaches_only_their_own_diary(client, demo):
    placement = kotoh_placement(demo)
    other = Placement.objects.exclude(student=placement.student).filter(student__school=demo.hikone).first()
    client.force_login(student_account(placement))
    day = last_practice_day(other, demo.today)
    assert client.get(write_url(other, day)).status_code == 404
    entry = DiaryEntry.objects.create(placement=other, day=day, did="a", learned="b", status=DiaryStatus.SUBMITTED)
    assert client.get(reverse("curricula:diary_detail", args=[entry.pk])).status_code in (403, 404)
    assert client.get(reverse("curricula:diary_photo", args=[entry.pk])).status_code in (403, 404)


def test_the_photo_is_typed_from_its_bytes_stripped_and_capped(client, demo, settings):
    placement = kotoh_placement(demo)
    client.force_login(student_account(placement))
    day = last_practice_day(placement, demo.today)
    url = write_url(placement, day)

    fake = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
    response = client.post(url, {"did": "旋盤", "learned": "段取り", "photo": fake, "action": "submit"})
    assert response.status_code == 400 and 'id="photo-error"' in response.content.decode()
    entry = DiaryEntry.objects.get(placement=placement, day=day)
    assert entry.status == DiaryStatus.DRAFT and entry.did == "旋盤" and not entry.photo

    settings.DIARY_PHOTO_MAX_MB = 0.0005  # about 500 bytes
    big = SimpleUploadedFile("big.jpg", jpeg_with_location(), content_type="image/jpeg")
    response = client.post(url, {"did": "旋盤", "learned": "段取り", "photo": big, "action": "draft"})
    assert response.status_code == 400 and "MB以下" in response.content.decode()

    settings.DIARY_PHOTO_MAX_MB = 8
    photo = SimpleUploadedFile("IMG_0001.jpg", jpeg_with_location(), content_type="application/octet-stream")
    assert client.post(url, {"did": "旋盤", "learned": "段取り", "photo": photo, "action": "submit"}).status_code == 302
    entry.refresh_from_db()
    stored = entry.photo.read()
    assert b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and not image.getexif().get_ifd(0x8825) and not dict(image.getexif())
    served = client.get(reverse("curricula:diary_photo", args=[entry.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


def test_the_teacher_reads_it_beside_the_day_and_sends_it_back(client, demo):
    placement = kotoh_placement(demo)
    student = student_account(placement)
    day = last_practice_day(placement, demo.today)
    entry = services.diary_for(placement, day)
    services.diary_save(user=student, entry=entry, did="検査", learned="ノギス", submit=True)

    client.force_login(demo.users["teacher"])
    html = client.get(reverse("curricula:log_day", args=[day])).content.decode()
    assert 'data-testid="diary-cell"' in html and "ノギス" in html
    detail = reverse("curricula:diary_detail", args=[entry.pk])
    refused = client.post(detail, {"action": "return", "comment": ""})
    assert refused.status_code == 400 and 'id="diary-comment-error"' in refused.content.decode()
    assert client.post(detail, {"action": "return", "comment": "測った値も書こう"}).status_code == 302
    entry = DiaryEntry.objects.get(pk=entry.pk)
    assert entry.status == DiaryStatus.RETURNED and entry.teacher_comment == "測った値も書こう"

    client.force_login(student)
    page = client.get(write_url(placement, day)).content.decode()
    assert 'data-testid="returned-comment"' in page and "測った値も書こう" in page
    client.post(write_url(placement, day), {"did": "検査", "learned": "ノギスで 12.05mm", "action": "submit"})
    statuses = list(entry.history.order_by("history_date").values_list("status", flat=True))
    assert statuses[-3:] == [DiaryStatus.SUBMITTED, DiaryStatus.RETURNED, DiaryStatus.SUBMITTED]


def test_a_draft_stays_the_students_own(client, demo):
    placement = kotoh_placement(demo)
    student = student_account(placement)
    day = last_practice_day(placement, demo.today)
    entry = services.diary_for(placement, day)
    services.diary_save(user=student, entry=entry, did="途中", learned="", submit=False)
    client.force_login(demo.users["teacher"])
    assert client.get(reverse("curricula:diary_detail", args=[entry.pk])).status_code == 404
    assert "途中" not in client.get(reverse("curricula:log_day", args=[day])).content.decode()


def test_the_mentor_reads_the_diary_when_confirming_and_comments(client, demo):
    placement = kotoh_placement(demo)
    student = student_account(placement)
    log = DayLog.objects.filter(placement=placement, status=LogStatus.PENDING).order_by("day").first()
    assert log is not None
    entry = services.diary_for(placement, log.day)
    services.diary_save(user=student, entry=entry, did="溶接の見学", learned="火花の向き", submit=True)

    url = reverse("curricula:confirm_link", args=[links.CONFIRMATION.token(placement.mentor_id)])
    html = client.get(url).content.decode()
    assert 'data-testid="mentor-diary"' in html and "火花の向き" in html
    response = client.post(
        url, {"log": log.pk, "decision": "confirm", "comment": "", "diary_comment": "よく観察できています"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    log.refresh_from_db()
    assert entry.mentor_comment == "よく観察できています" and "メールのリンクから" in entry.mentor_name
    assert log.status == LogStatus.CONFIRMED


def test_the_practice_record_prints_the_diaries_and_comments(client, demo):
    from tests.pdf import pdf_text

    placement = kotoh_placement(demo)
    student = student_account(placement)
    day = last_practice_day(placement, demo.today)
    entry = services.diary_for(placement, day)
    services.diary_save(user=student, entry=entry, did="旋盤の段取り", learned="芯出しの大切さ", submit=True)
    services.diary_mentor_comment(entry=entry, comment="次は一人で", actor="指導者")
    client.force_login(demo.users["teacher"])
    text = pdf_text(client.get(reverse("curricula:student_record_pdf", args=[placement.student_id])).content)
    text = text.replace("\n", "")
    for words in ("実習日誌", "旋盤の段取り", "芯出しの大切さ", "次は一人で"):
        assert words in text


def test_the_students_diary_page_costs_the_same_queries_at_two_scales(client, demo):
    placement = kotoh_placement(demo)
    student = student_account(placement)
    client.force_login(student)
    url = reverse("curricula:diary_home")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = count()
    # More placements for the same student and a diary on every practice day.
    for other in Placement.objects.filter(company=placement.company).exclude(pk=placement.pk)[:2]:
        Placement.objects.filter(pk=other.pk).update(student=placement.student)
    for row in Placement.objects.filter(student=placement.student):
        for day in row.expected_days(until=demo.today):
            DiaryEntry.objects.get_or_create(placement=row, day=day, defaults={"did": "a", "learned": "b"})
    assert count() == small
