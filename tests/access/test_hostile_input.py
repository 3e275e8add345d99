"""Issue 15, findings 3, 6, 8 and 9: what an attacker typed is refused in words, and nothing stored breaks a page,
an e-mail or a job for anyone else. The hostile values themselves live in `tests/hostile.py`."""

import datetime
import logging
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models import Recipient, Survey, SurveyAnswer
from assessments.services.survey import survey_send, surveys_remind
from curricula.models import AllocationRound, ClassSession, DayLog, LogStatus, Placement, Student, Subject
from curricula.services import confirmation_reminders_send, placement_day_reminders_send
from meister import fiscal
from partners.models import Agreement, Company, Person, Proposal, SchoolNeed
from partners.services.matching import proposals_remind, proposals_send
from tests import hostile

pytestmark = pytest.mark.django_db


def _errors(response) -> dict:
    return response.context["form"].errors if response.context and "form" in response.context else {}


# --- finding 3: dates from another age --------------------------------------------------------------------------


def _in_demo_year(demo, month: int, day: int, later: int = 0) -> str:
    """A day of the demo's fiscal year (April–March), or `later` years on, so the suite reads alike in any year."""
    fy = fiscal.fiscal_year(demo.today) + later
    return datetime.date(fy if month >= 4 else fy + 1, month, day).isoformat()


def _need_data(demo, **overrides):
    data = {
        "school": demo.hikone.pk,
        "kind": "lecturer",
        "title": "PLC制御の出前授業",
        "category": "industry",
        "start_on": _in_demo_year(demo, 1, 13),
        "end_on": _in_demo_year(demo, 1, 27),
        "students": "40",
    }
    return data | overrides


def _placement_data(demo, **overrides):
    student = Student.objects.filter(school=demo.hikone).order_by("pk")[0]
    data = {
        "student": student.pk,
        "company": demo.kotoh.pk,
        "kind": "long_internship",
        "starts_on": _in_demo_year(demo, 1, 6),
        "ends_on": _in_demo_year(demo, 3, 3),
        "weekday_set": ["2"],
        "hours_per_day": "6.0",
        "required_hours": "48",
        "insurance": "",
        "safety": "",
    }
    return data | overrides


def _round_data(demo, **overrides):
    data = {
        "school": demo.hikone.pk,
        # The demo's third-year cohort, which goes to companies; holidays fall differently each year, so the hours
        # asked for fit any year's Wednesdays from January to March.
        "entry_year": fiscal.fiscal_year(demo.today) - 2,
        "title": "後期",
        "kind": "dual_system",
        "starts_on": _in_demo_year(demo, 1, 6),
        "ends_on": _in_demo_year(demo, 3, 3),
        "weekday_set": ["2"],
        "hours_per_day": "6",
        "required_hours": "24",
    }
    return data | overrides


def test_the_valid_baselines_are_accepted(client, demo):
    # The data the refusals below start from is itself accepted, so each refusal is the hostile value's doing.
    client.force_login(demo.users["teacher"])
    assert client.post(reverse("partners:need_create"), _need_data(demo)).status_code == 302
    assert client.post(reverse("curricula:placement_create"), _placement_data(demo)).status_code == 302
    assert client.post(reverse("curricula:allocation_create"), _round_data(demo)).status_code == 302


@pytest.mark.parametrize("day", hostile.ANCIENT_DATES + hostile.FAR_FUTURE_DATES)
def test_a_need_from_another_age_is_refused(client, demo, day):
    client.force_login(demo.users["teacher"])
    before = SchoolNeed.objects.count()
    response = client.post(reverse("partners:need_create"), _need_data(demo, start_on=day))
    assert response.status_code == 200 and "start_on" in _errors(response)
    assert SchoolNeed.objects.count() == before


def test_a_class_session_in_1800_and_an_agreement_of_1700_are_refused(client, demo):
    subject = Subject.objects.get(school=demo.hikone, name="ブラッシュアップ実習")
    client.force_login(demo.users["teacher"])
    sessions = ClassSession.objects.count()
    response = client.post(
        reverse("curricula:class_session_create"),
        {"subject": subject.pk, "held_on": "1800-01-01", "kind": "training", "hours": "2", "student_count": "10"},
    )
    assert response.status_code in {200, 400} and "held_on" in _errors(response)
    assert ClassSession.objects.count() == sessions

    client.force_login(demo.users["prefecture"])
    agreements = Agreement.objects.count()
    response = client.post(
        reverse("partners:agreement_create"),
        {"title": "古い協定", "prefecture": demo.hikone.prefecture_id, "signed_on": "1700-01-01", "scope": "人材育成"},
    )
    assert response.status_code == 200 and "signed_on" in _errors(response)
    assert Agreement.objects.count() == agreements


def test_a_placement_from_1900_to_9999_with_25_hours_a_day_is_refused(client, demo):
    client.force_login(demo.users["teacher"])
    before = Placement.objects.count()
    data = _placement_data(demo, starts_on="1900-01-01", ends_on="9999-12-31", hours_per_day="25")
    response = client.post(reverse("curricula:placement_create"), data)
    assert response.status_code in {200, 400}
    assert {"starts_on", "ends_on", "hours_per_day"} <= set(_errors(response))
    assert Placement.objects.count() == before


@pytest.mark.parametrize(
    "period, accepted",
    [
        (((4, 1, 0), (3, 31, 0)), True),  # one whole fiscal year
        (((4, 1, 0), (4, 1, 1)), False),  # a day into the next one
        (((3, 1, 0), (4, 30, 1)), False),  # across the turn of the year
    ],
)
def test_a_placement_lasts_at_most_one_fiscal_year(client, demo, period, accepted):
    # (month, day, fiscal years after the demo's)
    starts_on, ends_on = (_in_demo_year(demo, month, day, later) for month, day, later in period)
    client.force_login(demo.users["teacher"])
    response = client.post(
        reverse("curricula:placement_create"), _placement_data(demo, starts_on=starts_on, ends_on=ends_on)
    )
    assert (response.status_code == 302) is accepted
    response = client.post(
        reverse("curricula:allocation_create"), _round_data(demo, starts_on=starts_on, ends_on=ends_on)
    )
    assert (response.status_code == 302) is accepted


@pytest.mark.parametrize("hours", hostile.BAD_HOURS)
def test_hours_no_day_has_are_refused(client, demo, hours):
    client.force_login(demo.users["teacher"])
    before = Placement.objects.count()
    response = client.post(reverse("curricula:placement_create"), _placement_data(demo, hours_per_day=hours))
    assert response.status_code in {200, 400} and "hours_per_day" in _errors(response)
    assert Placement.objects.count() == before


def test_services_and_imports_refuse_the_same_values(demo):
    """The rules sit on the models, so a service's or an import's full_clean() refuses what a form refuses."""
    need = SchoolNeed.objects.filter(school=demo.hikone).first()
    need.start_on = datetime.date(1, 1, 1)
    placement = Placement.objects.filter(student__school=demo.hikone).first()
    placement.starts_on, placement.ends_on, placement.hours_per_day = (
        datetime.date(1900, 1, 1),
        datetime.date(9999, 12, 31),
        Decimal("25"),
    )
    session = ClassSession.objects.filter(subject__school=demo.hikone).first()
    session.held_on = datetime.date(1800, 1, 1)
    agreement = Agreement.objects.filter(prefecture__code="25").first()
    agreement.signed_on = datetime.date(1700, 1, 1)
    for record, fields in [
        (need, {"start_on"}),
        (placement, {"starts_on", "ends_on", "hours_per_day"}),
        (session, {"held_on"}),
        (agreement, {"signed_on"}),
    ]:
        with pytest.raises(ValidationError) as raised:
            record.full_clean()
        assert fields <= set(raised.value.message_dict), record


def _store_dates_from_another_age(demo):
    """As an attack on the old code left them: saved past every check."""
    SchoolNeed.objects.filter(school=demo.hikone).update(start_on=datetime.date(1, 1, 1))
    ClassSession.objects.filter(subject__school=demo.hikone).update(held_on=datetime.date(1800, 1, 1))
    Agreement.objects.filter(prefecture__code="25").update(signed_on=datetime.date(1700, 1, 1))


@pytest.mark.parametrize("language", ["ja", "en"])
def test_pages_survive_dates_already_stored(client, demo, language):
    _store_dates_from_another_age(demo)
    need = SchoolNeed.objects.filter(school=demo.hikone).first()
    agreement = Agreement.objects.filter(prefecture__code="25").first()
    client.force_login(demo.users["teacher"])
    client.cookies["django_language"] = language
    for url in (
        reverse("partners:need_list"),
        reverse("partners:need_detail", args=[need.pk]),
        reverse("partners:school_detail", args=[demo.hikone.pk]),
        reverse("partners:agreement_list"),
        reverse("partners:agreement_detail", args=[agreement.pk]),
        reverse("curricula:class_session_list"),
        reverse("portal:dashboard"),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("value", [datetime.date(1, 1, 1), datetime.date(1700, 1, 1), datetime.date(1867, 12, 31)])
def test_the_wareki_filter_falls_back_to_a_plain_date(value):
    with translation.override("ja"):
        rendered = Template("{% load wareki %}{{ day|wareki }}").render(Context({"day": value}))
    assert rendered == f"{value.year}年{value.month}月{value.day}日"
    assert fiscal.wareki_date(value) == rendered


@pytest.mark.parametrize("fy", [0, 1, 1700, 1867, -5, "x", "9" * 5000])
def test_the_fiscal_year_filter_never_raises(fy):
    with translation.override("ja"):
        rendered = Template("{% load wareki %}{{ fy|fiscal_year }}").render(Context({"fy": fy}))
    assert rendered
    assert fiscal.fiscal_year_label(1700, "ja") == "1700年度"


# --- finding 6: a line break in a title stops e-mail for everyone -------------------------------------------------


@pytest.mark.parametrize("title", hostile.LINE_BREAKS)
def test_a_title_with_a_line_break_is_refused(client, demo, title):
    client.force_login(demo.users["teacher"])
    before = SchoolNeed.objects.count()
    response = client.post(reverse("partners:need_create"), _need_data(demo, title=title))
    assert response.status_code == 200 and "title" in _errors(response)
    assert SchoolNeed.objects.count() == before


@pytest.fixture
def niigata_need(demo):
    return SchoolNeed.objects.select_related("school__prefecture").get(title="水産加工の施設実習（サケの一次加工）")


def _propose(client, demo, need, companies):
    client.force_login(demo.users["coordinator-niigata"])
    return client.post(
        reverse("partners:need_propose", args=[need.pk]), {"company": [c.pk for c in companies], "message": "ご相談"}
    )


def _itoigawa():
    return Company.objects.get(name="株式会社糸魚川フーズ")


def test_proposing_survives_a_title_stored_with_a_line_break(
    client, demo, niigata_need, django_capture_on_commit_callbacks
):
    SchoolNeed.objects.filter(pk=niigata_need.pk).update(title=hostile.HEADER_INJECTION)
    with django_capture_on_commit_callbacks(execute=True):
        response = _propose(client, demo, niigata_need, [demo.nosui, _itoigawa()])
    assert response.status_code == 302
    sent = [m for m in mail.outbox if "連携のお願い" in m.subject]
    assert len(sent) == 2
    for message in sent:
        assert "\r" not in message.subject and "\n" not in message.subject
        assert message.bcc == [] and "evil" not in " ".join(message.recipients())
        assert message.message()["Bcc"] is None
    assert all(p.mailed_at for p in Proposal.objects.filter(need=niigata_need))


def test_a_proposal_is_recorded_as_mailed_only_when_the_mail_was_handed_over(
    client, demo, niigata_need, refused_mail, django_capture_on_commit_callbacks, caplog
):
    refused_mail.add("soumu@itoigawa-foods.example.jp")
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = _propose(client, demo, niigata_need, [demo.nosui, _itoigawa()])
    assert response.status_code == 302
    refused = Proposal.objects.get(need=niigata_need, company=_itoigawa())
    delivered = Proposal.objects.get(need=niigata_need, company=demo.nosui)
    assert refused.mailed_at is None and delivered.mailed_at is not None
    assert [m.to for m in mail.outbox] == [[delivered.sent_to]]
    assert any(str(refused.pk) in record.getMessage() for record in caplog.records)

    # The next run of the job hands the first mail over once the server takes it, and only once.
    refused_mail.clear()
    proposals_remind()
    refused.refresh_from_db()
    assert refused.mailed_at is not None and refused.reminded_at is None
    assert [m.to for m in mail.outbox][1:] == [[refused.sent_to]]
    proposals_remind()
    assert len(mail.outbox) == 2


def test_the_reminder_job_skips_a_row_that_fails_and_goes_on(demo, niigata_need, refused_mail, caplog):
    itoigawa = _itoigawa()
    week_ago = timezone.now() - datetime.timedelta(days=7)
    failing = Proposal.objects.create(need=niigata_need, company=itoigawa, message="m", sent_to="a@itoigawa.example")
    fine = Proposal.objects.create(need=niigata_need, company=demo.nosui, message="m", sent_to="b@nosui.example")
    # An old proposal whose stored title would break any header it went into.
    SchoolNeed.objects.filter(pk=niigata_need.pk).update(title=hostile.HEADER_INJECTION)
    Proposal.objects.filter(pk__in=[failing.pk, fine.pk]).update(sent_at=week_ago, mailed_at=week_ago)
    refused_mail.add("a@itoigawa.example")
    with caplog.at_level(logging.WARNING):
        assert proposals_remind() == 1
    failing.refresh_from_db()
    fine.refresh_from_db()
    assert failing.reminded_at is None and fine.reminded_at is not None
    assert [m.to for m in mail.outbox] == [["b@nosui.example"]]
    assert "\n" not in mail.outbox[0].subject
    assert any(str(failing.pk) in record.getMessage() for record in caplog.records)
    # Next run: the failing row is tried again, the reminded one is left alone.
    refused_mail.clear()
    assert proposals_remind() == 1
    assert [m.to for m in mail.outbox][1:] == [["a@itoigawa.example"]]


def test_proposals_send_skips_the_row_that_fails(demo, niigata_need, refused_mail, django_capture_on_commit_callbacks):
    refused_mail.add("soumu@itoigawa-foods.example.jp")
    with django_capture_on_commit_callbacks(execute=True):
        sent = proposals_send(
            user=demo.users["coordinator-niigata"], need=niigata_need, companies=[_itoigawa(), demo.nosui], message="m"
        )
    assert len(sent) == 2
    assert {p.company_id: bool(p.mailed_at) for p in Proposal.objects.filter(need=niigata_need)} == {
        _itoigawa().pk: False,
        demo.nosui.pk: True,
    }


def test_the_survey_jobs_skip_a_row_that_fails(client, demo, refused_mail):
    survey = Survey.objects.order_by("pk")[0]
    Survey.objects.filter(pk=survey.pk).update(title=hostile.HEADER_INJECTION)
    Recipient.objects.filter(survey=survey).update(email="", sent_at=None, reminded_at=None)
    recipients = list(survey.recipients.order_by("pk")[:3])
    for number, recipient in enumerate(recipients):
        Recipient.objects.filter(pk=recipient.pk).update(email=f"r{number}@example.jp")
    SurveyAnswer.objects.filter(recipient__in=recipients).delete()
    refused_mail.add("r0@example.jp")
    client.force_login(demo.users["ministry"])
    response = client.post(reverse("assessments:survey_send", args=[survey.pk]))
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["r1@example.jp", "r2@example.jp"]
    assert not Recipient.objects.get(pk=recipients[0].pk).sent_at
    refused_mail.clear()
    assert survey_send(survey=Survey.objects.get(pk=survey.pk)) == 1

    Survey.objects.filter(pk=survey.pk).update(deadline=timezone.localdate() + datetime.timedelta(days=3))
    refused_mail.add("r1@example.jp")
    assert surveys_remind() == 2
    assert not Recipient.objects.get(pk=recipients[1].pk).reminded_at
    assert all("\n" not in m.subject and "\r" not in m.subject for m in mail.outbox)


def test_the_mentor_jobs_skip_a_mentor_whose_mail_fails(demo, refused_mail):
    wednesday = demo.today - datetime.timedelta(days=(demo.today.weekday() - 2) % 7)
    placements = Placement.objects.filter(
        starts_on__lte=wednesday, ends_on__gte=wednesday, weekdays__contains="2", mentor__isnull=False
    ).exclude(mentor__email="")
    mentors = sorted({p.mentor.email for p in placements})
    assert len(mentors) >= 2
    refused_mail.add(mentors[0])
    assert placement_day_reminders_send(day=wednesday) == len(mentors) - 1
    assert sorted(m.to[0] for m in mail.outbox) == mentors[1:]

    mail.outbox.clear()
    pending = Person.objects.filter(
        mentored_placements__logs__status=LogStatus.PENDING, mentored_placements__logs__day__lte=timezone.localdate()
    )
    pending_mentors = sorted(set(pending.exclude(email="").values_list("email", flat=True)))
    if len(pending_mentors) < 2:
        other = Placement.objects.exclude(mentor__email__in=["", *pending_mentors]).exclude(mentor=None).first()
        DayLog.objects.create(placement=other, day=other.starts_on, hours=Decimal("6"), activities="x")
        pending_mentors = sorted([*pending_mentors, other.mentor.email])
    refused_mail.clear()
    refused_mail.add(pending_mentors[0])
    assert confirmation_reminders_send() == len(pending_mentors) - 1
    assert pending_mentors[0] not in {m.to[0] for m in mail.outbox}


# --- finding 8: a placement or allocation without a weekday ---------------------------------------------------------


@pytest.mark.parametrize("weekdays", hostile.BAD_WEEKDAYS)
@pytest.mark.parametrize(
    "url_name, data, model",
    [
        ("curricula:placement_create", _placement_data, Placement),
        ("curricula:allocation_create", _round_data, AllocationRound),
    ],
)
def test_a_weekday_pattern_no_week_has_is_refused_in_words(client, demo, weekdays, url_name, data, model):
    client.force_login(demo.users["teacher"])
    before = model.objects.count()
    response = client.post(reverse(url_name), data(demo, weekday_set=list(weekdays)))
    assert response.status_code in {200, 400}
    assert _errors(response).get("weekday_set")
    assert model.objects.count() == before


# --- finding 9: over-long numbers and deceptive names ------------------------------------------------------------


@pytest.mark.parametrize("header", hostile.RANGE_HEADERS)
def test_a_range_header_of_overlong_numbers_is_answered(client, demo, header):
    from showcase.models import Material, MaterialKind

    client.force_login(demo.users["teacher"])
    video = Material.objects.get(kind=MaterialKind.VIDEO, company=demo.nosui)
    response = client.get(reverse("library:file", args=[video.pk]), HTTP_RANGE=header)
    assert response.status_code in {200, 206, 416}


@pytest.mark.parametrize("value", hostile.OVERLONG_INTEGERS)
def test_overlong_integers_in_list_filters_are_ignored(client, demo, value):
    client.force_login(demo.users["teacher"])
    response = client.get(reverse("curricula:placement_list"), {"company": value})
    assert response.status_code == 200


# What the views read from query strings, besides the fields of each page's own filter forms.
QUERY_NAMES = ("company", "year", "fy", "department", "page", "month", "state", "kind", "status", "grade", "by")


@pytest.mark.parametrize("value", [hostile.OVERLONG_ID, hostile.NINES_5000])
def test_overlong_integers_in_any_query_parameter_never_fail(client, demo, value):
    """Every page of the URLconf, with every parameter it reads or its filters send set to an over-long number."""
    from tests.access.test_every_form import forms_on, login, pages

    for name, persona, path in list(pages(demo)):
        login(client, demo, persona)
        names = set(QUERY_NAMES)
        for _, fields in forms_on(client, path, method="get"):
            names |= set(fields)
        response = client.get(path, dict.fromkeys(names, value))
        assert response.status_code < 500, name
        if response.status_code != 200:
            # One parameter refused in words (a 404 for a year no report has) must not hide another's failure.
            for each in sorted(names):
                assert client.get(path, {each: value}).status_code < 500, (name, each)


@pytest.mark.parametrize("name", hostile.DECEPTIVE_NAMES + hostile.UNSAFE_LINES)
def test_names_that_hide_or_reorder_characters_are_refused(client, demo, name):
    client.force_login(demo.users["coordinator"])
    before = Company.objects.count(), Person.objects.count()
    response = client.post(
        reverse("partners:company_create"),
        {
            "name": name,
            "prefecture": demo.hikone.prefecture_id,
            "offers-TOTAL_FORMS": "0",
            "offers-INITIAL_FORMS": "0",
            "offers-MIN_NUM_FORMS": "0",
            "offers-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200 and "name" in _errors(response)
    response = client.post(
        reverse("partners:company_person_create", args=[demo.kotoh.pk]), {"name": name, "role": "contact"}
    )
    assert response.status_code == 200 and "name" in _errors(response)
    assert (Company.objects.count(), Person.objects.count()) == before
    with pytest.raises(ValidationError) as raised:
        Person(name=name, role="contact", company=demo.kotoh).full_clean()
    assert "name" in raised.value.message_dict


@pytest.mark.parametrize("name", hostile.HONEST_NAMES)
def test_official_names_keep_their_characters(client, demo, name):
    client.force_login(demo.users["coordinator"])
    response = client.post(
        reverse("partners:company_person_create", args=[demo.kotoh.pk]), {"name": name, "role": "contact"}
    )
    assert response.status_code == 302
    assert Person.objects.filter(company=demo.kotoh, name=name).exists()


def test_an_import_refuses_a_deceptive_name(demo):
    from meister.importing import import_commit, parse_upload
    from partners.importers import importer_for

    importer = importer_for("companies")
    data = "会社名,都道府県\n株式会社\u202eコトー,滋賀県\n湖東\u200b精機,滋賀県\n".encode()
    parsed = parse_upload(importer=importer, data=data, filename="企業.csv")
    before = Company.objects.count()
    result = import_commit(importer=importer, rows=parsed.rows, user=demo.users["prefecture"])
    assert not result.committed
    assert [row.status for row in result.rows] == ["error", "error"]
    assert Company.objects.count() == before
