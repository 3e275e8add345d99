"""Every URL pattern × every persona, built from the URLconf itself.

A URL added later without an expectation here makes `test_every_url_has_an_expectation` fail,
so no view escapes the matrix. Objects in the URLs belong to the Shiga case; the `-niigata`
personas are outsiders of the same role and must get 404, never a hint that the object exists.
Students reach their own pages only: every other page answers them 404 unless a row says otherwise.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.models import Administration, Instrument, Practice, Survey
from assessments.services.survey import recipient_token
from curricula.links import CONFIRMATION, EVALUATION
from curricula.models import ClassSession, Placement
from meister.models import ImportBatch, ImportKind
from partners.models import Agreement, Engagement, Proposal, SchoolNeed
from partners.services.matching import proposal_token
from reports.models import Kpi, ReportKind, ReportRun, RunStatus
from tests.conftest import PERSONAS, STUDENTS

ANONYMOUS = "anonymous"
ALL = (*PERSONAS, ANONYMOUS)
NIIGATA = tuple(p for p in PERSONAS if p.endswith("-niigata") and p not in STUDENTS)


def expect(default: int, anonymous: int = 302, **by_persona: int) -> dict[str, int]:
    table = {persona: 404 if persona in STUDENTS else default for persona in PERSONAS}
    table[ANONYMOUS] = anonymous
    for persona, status in by_persona.items():
        table[persona.replace("_", "-")] = status
    return table


def every_student(status: int) -> dict[str, int]:
    return {persona.replace("-", "_"): status for persona in STUDENTS}


def shiga_only(ok: int = 200, **by_persona: int) -> dict[str, int]:
    """Visible to national roles and the Shiga personas, 404 for the Niigata outsiders."""
    return expect(ok, **{p.replace("-", "_"): 404 for p in NIIGATA}, **by_persona)


def _report_run(demo):
    run = ReportRun.objects.create(
        kind=ReportKind.REGISTRY_SUMMARY,
        fiscal_year=2026,
        consortium=demo.shiga_consortium,
        requested_by=demo.users["coordinator"],
        status=RunStatus.DONE,
        progress=100,
    )
    run.pdf.save("matrix.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    run.xlsx.save("matrix.xlsx", ContentFile(b"PK\x03\x04"), save=True)
    return {"pk": run.pk}


def _import_batch(demo):
    batch = ImportBatch.objects.create(
        kind=ImportKind.SCHOOLS, original_filename="matrix.csv", created_by=demo.users["prefecture"]
    )
    return {"pk": batch.pk}


def _agreement(demo):
    agreement = Agreement.objects.get(prefecture__code="25")
    if not agreement.document:
        agreement.document.save("signed.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    return {"pk": agreement.pk}


def _allocation_round(demo):
    from curricula.models import AllocationRound

    allocation = AllocationRound.objects.create(
        school=demo.hikone,
        entry_year=2024,
        title="後期",
        starts_on="2027-01-06",
        ends_on="2027-03-03",
        weekdays="2",
        required_hours="48",
    )
    return {"pk": allocation.pk}


def _mentor_evaluation(demo):
    from curricula.services.evaluations import evaluation_for

    return evaluation_for(demo.kotoh.placements.order_by("pk")[0], "final", "mentor")


def _default_rubric():
    from curricula.services.evaluations import default_rubric

    return default_rubric()


def _students_placement(demo):
    # The demo's Hikone student persona is placed at the Shiga company persona's 株式会社湖東精機.
    return Placement.objects.filter(student__account__username="student").order_by("pk")[0]


def _students_day(demo):
    placement = _students_placement(demo)
    return placement.expected_days(until=demo.today)[-1]


def _students_diary(demo):
    from curricula.models import DiaryEntry, DiaryStatus

    placement = _students_placement(demo)
    photo = ContentFile(_tiny_jpeg(), name="photo.jpg")
    entry, _created = DiaryEntry.objects.get_or_create(
        placement=placement,
        day=_students_day(demo),
        defaults={"did": "a", "learned": "b", "status": DiaryStatus.SUBMITTED, "photo": photo},
    )
    return entry


def _tiny_jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="JPEG")
    return out.getvalue()


def _proposal(demo):
    need = SchoolNeed.objects.get(school=demo.hikone, title__startswith="制御技術")
    return Proposal.objects.get_or_create(need=need, company=demo.kotoh, defaults={"message": "ご相談"})[0]


def _engagement(demo):
    proposal = _proposal(demo)
    return Engagement.objects.get_or_create(
        school=demo.hikone,
        company=demo.kotoh,
        title="出前授業",
        defaults={
            "kind": "lecturer",
            "start_on": "2027-01-13",
            "end_on": "2027-01-27",
            "students": 40,
            "need": proposal.need,
        },
    )[0]


def _instrument(code):
    return Instrument.objects.get(code=code)


def _hikone_administration(demo):
    return Administration.objects.filter(school=demo.hikone, instrument__code="grit-s").order_by("pk")[0]


def _demo_survey():
    return Survey.objects.order_by("pk")[0]


def _hikone_session(demo):
    return ClassSession.objects.filter(subject__school=demo.hikone).order_by("pk")[0]


NON_CREATORS = ("teacher", "company", "teacher_niigata", "company_niigata")
# Members who read a consortium's records but do not keep them.
CONSORTIUM_READERS = {"ministry": 403, "teacher": 403, "company": 403}

NOT_PDCA = {"teacher": 403, "company": 403, "teacher_niigata": 403, "company_niigata": 403}

# url name → (kwargs from the demo, expected status per persona for a GET)
EXPECTATIONS = {
    # A student's dashboard is their own home.
    "portal:dashboard": (None, expect(200, student=302, student_niigata=302)),
    "healthz": (None, expect(200, anonymous=200, student=200, student_niigata=200)),
    "login": (None, expect(200, anonymous=200, student=200, student_niigata=200)),
    "logout": (None, expect(405, anonymous=405, student=405, student_niigata=405)),
    "password_change": (None, expect(200)),
    "password_change_done": (None, expect(200)),
    "two_factor_setup": (None, expect(200)),
    "two_factor_verify": (None, expect(200)),
    "set_language": (None, expect(302, anonymous=302, student=302, student_niigata=302)),
    "partners:school_list": (None, expect(200)),
    "partners:school_detail": (lambda d: {"pk": d.hikone.pk}, shiga_only()),
    "partners:school_edit": (
        lambda d: {"pk": d.hikone.pk},
        shiga_only(ministry=403, coordinator=403, company=403),
    ),
    "partners:company_list": (None, expect(200)),
    "partners:company_detail": (lambda d: {"pk": d.kotoh.pk}, shiga_only()),
    "partners:company_edit": (lambda d: {"pk": d.kotoh.pk}, shiga_only(ministry=403, teacher=403)),
    "partners:consortium_list": (None, expect(200)),
    "partners:consortium_detail": (lambda d: {"pk": d.shiga_consortium.pk}, shiga_only()),
    "partners:school_create": (None, expect(403, admin=200, prefecture=200, prefecture_niigata=200)),
    "partners:school_contact_create": (lambda d: {"pk": d.hikone.pk}, shiga_only(ministry=403)),
    "partners:company_create": (None, expect(200, ministry=403, **{p: 403 for p in NON_CREATORS})),
    "partners:company_contact_create": (lambda d: {"pk": d.kotoh.pk}, shiga_only(ministry=403)),
    "partners:company_person_create": (lambda d: {"pk": d.kotoh.pk}, shiga_only(ministry=403)),
    "partners:person_list": (None, expect(200)),
    "partners:agreement_list": (None, expect(200)),
    "partners:agreement_create": (None, expect(200, ministry=403, **{p: 403 for p in NON_CREATORS})),
    "partners:agreement_detail": (_agreement, shiga_only()),
    "partners:agreement_edit": (_agreement, shiga_only(ministry=403, teacher=403, company=403)),
    "partners:agreement_document": (_agreement, shiga_only()),
    "partners:meeting_create": (lambda d: {"pk": d.shiga_consortium.pk}, shiga_only(**CONSORTIUM_READERS)),
    "partners:meeting_edit": (lambda d: {"pk": d.shiga_consortium.meetings.get().pk}, shiga_only(**CONSORTIUM_READERS)),
    "partners:consultation_create": (lambda d: {"pk": d.shiga_consortium.pk}, shiga_only(**CONSORTIUM_READERS)),
    "partners:consultation_edit": (
        lambda d: {"pk": d.shiga_consortium.consultations.get().pk},
        shiga_only(**CONSORTIUM_READERS),
    ),
    "partners:stage_record": (lambda d: {"pk": d.shiga_consortium.pk}, shiga_only(**CONSORTIUM_READERS)),
    "partners:designation_create": (
        lambda d: {"pk": d.shiga_consortium.pk},
        shiga_only(coordinator=403, **CONSORTIUM_READERS),
    ),
    "partners:teaching_create": (lambda d: {"pk": d.hikone.pk}, shiga_only(ministry=403, company=403)),
    "curricula:allocation_list": (None, expect(200)),
    "curricula:allocation_create": (
        None,
        expect(403, admin=200, teacher=200, teacher_niigata=200, coordinator=200, coordinator_niigata=200),
    ),
    "curricula:allocation_detail": (_allocation_round, shiga_only(ministry=403, company=404)),
    "partners:need_list": (None, expect(200)),
    "partners:need_create": (None, expect(200, ministry=403, company=403, company_niigata=403)),
    "partners:need_detail": (lambda d: {"pk": _proposal(d).need_id}, shiga_only()),
    "partners:need_candidates": (lambda d: {"pk": _proposal(d).need_id}, shiga_only(**CONSORTIUM_READERS)),
    "partners:need_propose": (lambda d: {"pk": _proposal(d).need_id}, shiga_only(302, **CONSORTIUM_READERS)),
    "partners:proposal_list": (None, expect(200)),
    "partners:proposal_detail": (lambda d: {"pk": _proposal(d).pk}, shiga_only()),
    # Only the company asked (and the back office) answers; the others in scope may look but not answer.
    "partners:proposal_answer": (
        lambda d: {"pk": _proposal(d).pk},
        shiga_only(403, company=200, admin=200),
    ),
    "partners:proposal_answer_link": (lambda d: {"token": proposal_token(_proposal(d))}, expect(200, anonymous=200)),
    "partners:engagement_list": (None, expect(200)),
    "partners:engagement_detail": (lambda d: {"pk": _engagement(d).pk}, shiga_only()),
    "reports:run_list": (None, expect(200)),
    "reports:run_create": (
        None,
        expect(200, teacher=403, company=403, teacher_niigata=403, company_niigata=403),
    ),
    "reports:run_detail": (_report_run, shiga_only(teacher=404, company=404)),
    "reports:run_progress": (_report_run, shiga_only(teacher=404, company=404)),
    "reports:run_download": (_report_run, shiga_only(teacher=404, company=404)),
    "reports:run_download_xlsx": (_report_run, shiga_only(teacher=404, company=404)),
    # PDCA: the consortium's keepers edit, national roles read; schools and companies have no PDCA pages.
    "reports:pdca_list": (None, expect(200, **NOT_PDCA)),
    "reports:pdca_edit": (
        lambda d: {"pk": d.shiga_consortium.pk, "fy": 2026},
        expect(200, **NOT_PDCA, prefecture_niigata=404, coordinator_niigata=404),
    ),
    "reports:kpi_list": (None, expect(200, **NOT_PDCA)),
    "reports:kpi_create": (None, expect(403, ministry=200, admin=200)),
    "reports:kpi_edit": (
        lambda d: {"pk": Kpi.objects.filter(fiscal_year=2026).first().pk},
        expect(403, ministry=200, admin=200),
    ),
    "reports:kpi_copy": (None, expect(405)),
}
# Class sessions with industry and joint projects: read by everyone in scope (no student is named), kept by the
# school's teachers and the consortium's coordinator. The Hikone rows involve other companies than 湖東精機 (404).
SESSION_KEEPERS = {"teacher": 200, "coordinator": 200, "admin": 200, "company": 404}
EXPECTATIONS.update(
    {
        "curricula:class_session_list": (None, expect(200)),
        "curricula:class_session_create": (
            None,
            expect(403, teacher=200, coordinator=200, admin=200, teacher_niigata=200, coordinator_niigata=200),
        ),
        "curricula:class_session_edit": (
            lambda d: {"pk": _hikone_session(d).pk},
            shiga_only(403, **SESSION_KEEPERS),
        ),
        "curricula:class_session_delete": (lambda d: {"pk": _hikone_session(d).pk}, expect(405)),
        "curricula:joint_project_list": (None, expect(200)),
        "curricula:joint_project_create": (
            None,
            expect(403, teacher=200, coordinator=200, admin=200, teacher_niigata=200, coordinator_niigata=200),
        ),
        "curricula:joint_project_edit": (
            lambda d: {"pk": d.hikone.joint_projects.order_by("pk")[0].pk},
            shiga_only(403, **SESSION_KEEPERS),
        ),
    }
)
# Assessments: teachers keep their school's answers; results are aggregates for those running the programme (never
# for companies; the ministry reads national figures only). Surveys are their owners' (ministry, prefectures); the
# respondent's signed link needs no account. The practice library is read by all and added to by coordinators up.
EXPECTATIONS.update(
    {
        "assessments:index": (None, expect(200)),
        "assessments:instrument_detail": (lambda d: {"pk": _instrument("grit-s").pk}, expect(200)),
        "assessments:administration_create": (None, expect(403, teacher=200, teacher_niigata=200, admin=200)),
        "assessments:administration_grid": (
            lambda d: {"pk": _hikone_administration(d).pk},
            expect(404, ministry=403, prefecture=403, coordinator=403, teacher=200, admin=200),
        ),
        "assessments:administration_import": (
            lambda d: {"pk": _hikone_administration(d).pk},
            expect(404, ministry=403, prefecture=403, coordinator=403, teacher=200, admin=200),
        ),
        "assessments:cohort_results": (
            lambda d: {"school_pk": d.hikone.pk, "entry_year": _hikone_administration(d).entry_year},
            shiga_only(ministry=403, company=403),
        ),
        "assessments:summary": (None, expect(200, company=403, company_niigata=403)),
        "assessments:survey_list": (None, expect(403, ministry=200, prefecture=200, prefecture_niigata=200, admin=200)),
        "assessments:survey_create": (
            None,
            expect(403, ministry=200, prefecture=200, prefecture_niigata=200, admin=200),
        ),
        "assessments:survey_detail": (lambda d: {"pk": _demo_survey().pk}, expect(404, ministry=200, admin=200)),
        "assessments:survey_send": (lambda d: {"pk": _demo_survey().pk}, expect(405)),
        "assessments:survey_tabulation": (lambda d: {"pk": _demo_survey().pk}, expect(404, ministry=200, admin=200)),
        "assessments:survey_answer_to_practice": (
            lambda d: {
                "pk": _demo_survey().pk,
                "answer_pk": _demo_survey().recipients.filter(answer__isnull=False)[0].answer.pk,
            },
            expect(405),
        ),
        "assessments:survey_answer_link": (
            lambda d: {"token": recipient_token(_demo_survey().recipients.order_by("pk")[0])},
            expect(200, anonymous=200),
        ),
        "assessments:practice_list": (None, expect(200)),
        "assessments:practice_create": (
            None,
            expect(200, teacher=403, company=403, teacher_niigata=403, company_niigata=403),
        ),
        "assessments:practice_detail": (lambda d: {"pk": Practice.objects.order_by("pk")[0].pk}, expect(200)),
    }
)
# Curricula and placements: the ministry sees counts, never a student's page (403); only teachers log days and
# only company users confirm them; the emailed link needs no account. Objects are a Hikone student at 湖東精機.
EXPECTATIONS.update(
    {
        "curricula:subject_list": (None, expect(200)),
        "curricula:log_start": (None, expect(403, teacher=302, teacher_niigata=302, admin=302)),
        "curricula:log_day": (
            lambda d: {"day": "2026-11-18"},
            expect(403, teacher=200, teacher_niigata=200, admin=200),
        ),
        "curricula:day_log_list": (None, expect(200)),
        "curricula:day_log_edit": (
            lambda d: {"pk": d.kotoh.placements.order_by("pk")[0].logs.filter(status="pending")[0].pk},
            shiga_only(403, teacher=200, admin=200),
        ),
        "curricula:confirmations": (None, expect(403, company=200, company_niigata=200, admin=200)),
        "curricula:confirm_link": (
            lambda d: {"token": CONFIRMATION.token(d.kotoh.placements.order_by("pk")[0].mentor_id)},
            expect(200, anonymous=200),
        ),
        "curricula:placement_list": (None, expect(200)),
        "curricula:placement_detail": (
            lambda d: {"pk": d.kotoh.placements.order_by("pk")[0].pk},
            shiga_only(ministry=403),
        ),
        "curricula:placement_agreement": (
            lambda d: {"pk": d.kotoh.placements.order_by("pk")[0].pk},
            shiga_only(403, teacher=200, admin=200),
        ),
        "curricula:placement_agreement_pdf": (
            lambda d: {"pk": d.kotoh.placements.order_by("pk")[0].pk},
            shiga_only(ministry=403),
        ),
        "curricula:placement_agreement_scan": (
            lambda d: (
                (p := d.kotoh.placements.order_by("pk")[0]).agreement_scan.save(
                    "signed.pdf", ContentFile(b"%PDF-1.7\n"), save=True
                )
                or {"pk": p.pk}
            ),
            shiga_only(ministry=403),
        ),
        "curricula:student_list": (None, expect(200)),
        "curricula:placement_create": (None, expect(403, teacher=200, teacher_niigata=200, admin=200)),
        "curricula:student_create": (None, expect(403, teacher=200, teacher_niigata=200, admin=200)),
        "curricula:destination_summary": (None, expect(200)),
        "curricula:student_record_pdf": (
            lambda d: {"pk": d.kotoh.placements.order_by("pk")[0].student_id},
            shiga_only(ministry=403),
        ),
        # The roster is the school's own: teachers import their school's, and roll it over each April.
        "curricula:roster_import": (None, expect(403, teacher=200, teacher_niigata=200, admin=200)),
        "curricula:roster_template_download": (
            lambda d: {"fmt": "xlsx"},
            expect(403, teacher=200, teacher_niigata=200, admin=200),
        ),
        "curricula:rollover": (
            lambda d: {"school_pk": d.hikone.pk},
            shiga_only(403, teacher=200, admin=200),
        ),
    }
)
# Evaluations: the school side compares, the host company fills its mentor's, the link needs no account.
EXPECTATIONS.update(
    {
        "curricula:evaluation_compare": (
            lambda d: {"pk": d.kotoh.placements.order_by("pk")[0].pk, "stage": "final"},
            shiga_only(ministry=403, company=403),
        ),
        "curricula:evaluation_mentor": (
            lambda d: {"pk": d.kotoh.placements.order_by("pk")[0].pk, "stage": "final"},
            shiga_only(403, company=200, admin=200),
        ),
        "curricula:evaluation_remind": (
            lambda d: {"pk": d.kotoh.placements.order_by("pk")[0].pk, "stage": "final"},
            expect(405),
        ),
        "curricula:evaluation_link": (
            lambda d: {"token": EVALUATION.token(_mentor_evaluation(d).pk)},
            expect(200, anonymous=200),
        ),
        "curricula:rubric_list": (None, expect(200)),
        "curricula:rubric_detail": (lambda d: {"pk": _default_rubric().pk}, expect(200)),
        "curricula:rubric_copy": (lambda d: {"pk": _default_rubric().pk}, expect(405)),
        "curricula:evaluation_self": (
            lambda d: {"pk": _students_placement(d).pk, "stage": "final"},
            shiga_only(403, student=200, company=403),
        ),
    }
)
# The practice diary: the student writes their own; the school side and the host company read what was submitted.
EXPECTATIONS.update(
    {
        "curricula:diary_home": (None, expect(403, **every_student(200))),
        "curricula:diary_write": (
            lambda d: {"pk": _students_placement(d).pk, "day": _students_day(d).isoformat()},
            shiga_only(403, student=200, company=403),
        ),
        "curricula:diary_detail": (
            lambda d: {"pk": _students_diary(d).pk},
            shiga_only(ministry=403, company=200),
        ),
        "curricula:diary_photo": (
            lambda d: {"pk": _students_diary(d).pk},
            shiga_only(ministry=403, student=200, company=200),
        ),
        "curricula:diary_link_photo": (
            lambda d: {"token": CONFIRMATION.token(_students_placement(d).mentor_id), "pk": _students_diary(d).pk},
            expect(200, anonymous=200),
        ),
    }
)
EXPECTATIONS.update(
    {
        # Importing schools is for the offices that register them; a batch is its uploader's own (and admins').
        "partners:import_upload": (
            lambda d: {"kind": "schools"},
            expect(403, admin=200, prefecture=200, prefecture_niigata=200),
        ),
        "partners:import_preview": (_import_batch, expect(404, admin=200, prefecture=200)),
        # login_required wraps require_POST: anonymous users go to the login page, everyone else gets 405 for a GET.
        "partners:import_commit": (_import_batch, expect(405)),
    }
)


def _hikone_closure(demo):
    from partners.models import ClosedPeriod

    return {"pk": ClosedPeriod.objects.filter(school=demo.hikone).order_by("-fiscal_year", "starts_on")[0].pk}


# School and company calendars: read by everyone in scope, kept by the school's and the company's own keepers (a
# company reads its partner school's breaks but does not change them); the ministry only reads.
EXPECTATIONS.update(
    {
        "partners:calendar_list": (None, expect(200)),
        "partners:closure_create": (None, expect(200, ministry=403)),
        "partners:calendar_copy": (None, expect(200, ministry=403)),
        "partners:closure_edit": (_hikone_closure, shiga_only(ministry=403, company=403)),
        "partners:closure_delete": (_hikone_closure, expect(405)),
    }
)


def _consortium_only_pdf(demo):
    from showcase.models import Material

    return {"pk": Material.objects.get(consortium=demo.niigata_consortium, usage="consortium", kind="pdf").pk}


def _consortium_only_captioned_video(demo):
    """The demo's captioned video, made consortium-only: its captions are seen exactly where the video is."""
    from showcase.models import Material

    video = Material.objects.get(consortium=demo.niigata_consortium, kind="video")
    assert video.captions
    Material.objects.filter(pk=video.pk).update(usage="consortium")
    return {"pk": video.pk}


def _shiga_draft_page(demo):
    return {"pk": demo.shiga_consortium.public_page.pk}


def _kotoh_draft_profile(demo):
    from showcase.models import CompanyProfile

    profile, _ = CompanyProfile.objects.get_or_create(
        company=demo.kotoh, defaults={"what_we_do": "精密機械部品", "what_students_learn": "ものづくり"}
    )
    return {"pk": profile.pk}


# Showcase: public pages need no login; a draft answers 404 to all but those who may change it. The library's
# consortium-only PDF (Niigata) is seen by national roles and the Niigata personas only, never anonymously.
NIIGATA_READERS = {"ministry": 200, "admin": 200, **{p.replace("-", "_"): 200 for p in NIIGATA}}
EXPECTATIONS.update(
    {
        # Published for everyone: students read it like any visitor.
        "showcase:index": (None, expect(200, anonymous=200, **every_student(200))),
        "showcase:consortium": (
            _shiga_draft_page,
            expect(404, anonymous=404, prefecture=200, coordinator=200, admin=200),
        ),
        "showcase:company": (_kotoh_draft_profile, expect(404, anonymous=404, company=200, admin=200)),
        "showcase:manage": (None, expect(200)),
        "showcase:consortium_page_edit": (
            lambda d: {"consortium_pk": d.shiga_consortium.pk},
            shiga_only(403, prefecture=200, coordinator=200, admin=200),
        ),
        "showcase:consortium_page_publish": (lambda d: {"consortium_pk": d.shiga_consortium.pk}, expect(405)),
        "showcase:company_profile_edit": (
            lambda d: {"company_pk": d.kotoh.pk},
            shiga_only(403, company=200, admin=200),
        ),
        "showcase:company_profile_publish": (lambda d: {"company_pk": d.kotoh.pk}, expect(405)),
        "library:list": (None, expect(200, anonymous=200)),
        "library:create": (
            None,
            expect(403, **{p: 200 for p in ("coordinator", "teacher", "company", "admin")})
            | {p: 200 for p in NIIGATA if not p.startswith("prefecture")},
        ),
        "library:detail": (_consortium_only_pdf, expect(404, anonymous=404, **NIIGATA_READERS)),
        "library:edit": (
            _consortium_only_pdf,
            expect(404, ministry=403, admin=200, prefecture_niigata=403, company_niigata=403)
            | {"coordinator-niigata": 200, "teacher-niigata": 200},
        ),
        "library:publish": (_consortium_only_pdf, expect(405)),
        "library:file": (_consortium_only_pdf, expect(404, anonymous=404, **NIIGATA_READERS)),
        "library:download": (_consortium_only_pdf, expect(404, anonymous=404, **NIIGATA_READERS)),
        "library:preview": (_consortium_only_pdf, expect(404, anonymous=404, **NIIGATA_READERS)),
        "library:captions": (_consortium_only_captioned_video, expect(404, anonymous=404, **NIIGATA_READERS)),
    }
)


def _sign_in_configuration(demo, **fields):
    from sso.models import SignInConfiguration

    configuration = SignInConfiguration.objects.create(
        name="滋賀県立学校",
        prefecture=demo.hikone.prefecture,
        issuer="https://accounts.google.com",
        client_id="matrix",
        client_secret="matrix-secret",
        email_domains="shiga.example.jp",
        **fields,
    )
    return {"pk": configuration.pk}


# Single sign-on with school accounts: the way in is open to all (a disabled configuration and an answer that no
# sign-in here started are refused in words); the configurations are kept by national roles and each prefecture.
SIGN_IN_KEEPERS = {"ministry": 200, "admin": 200, "prefecture": 200, "prefecture_niigata": 200}
EXPECTATIONS.update(
    {
        "sso:choose": (None, expect(200, anonymous=200, **every_student(200))),
        "sso:start": (
            lambda d: _sign_in_configuration(d, enabled=False),
            expect(403, anonymous=403, **every_student(403)),
        ),
        "sso:callback": (None, expect(403, anonymous=403, **every_student(403))),
        "sso:configuration_list": (None, expect(403, **SIGN_IN_KEEPERS)),
        "sso:configuration_create": (None, expect(403, **SIGN_IN_KEEPERS)),
        "sso:configuration_edit": (_sign_in_configuration, expect(404, ministry=200, admin=200, prefecture=200)),
    }
)


def _invitation(demo):
    from accounts.models import Invitation

    invitation, _created = Invitation.objects.get_or_create(
        email="matrix-invitee@example.jp",
        defaults={"last_name": "招待", "role": "teacher", "school": demo.hikone, "invited_by": demo.users["teacher"]},
    )
    return invitation


def _invitation_token(demo):
    from accounts.services import invitation_token

    return {"token": invitation_token(_invitation(demo))}


def _invitation_batch(demo):
    batch = ImportBatch.objects.create(
        kind=ImportKind.TEACHER_INVITATIONS, original_filename="teachers.csv", created_by=demo.users["prefecture"]
    )
    return {"pk": batch.pk}


# People and invitations: those who invite (every role but teachers) have a people page; each invites the roles
# below their own, and manages only the people placed within their reach (the Hikone teacher: Shiga's prefecture
# and coordinator). The invitation link and password reset are for people who cannot sign in yet.
INVITERS_OF_TEACHERS = {p: 200 for p in ("prefecture", "coordinator", "prefecture_niigata", "coordinator_niigata")}
EXPECTATIONS.update(
    {
        "accounts:people": (None, expect(200, teacher=403, teacher_niigata=403)),
        "accounts:invite": (lambda d: {"role": "teacher"}, expect(403, **INVITERS_OF_TEACHERS)),
        "accounts:invitation_resend": (lambda d: {"pk": _invitation(d).pk}, expect(405)),
        "accounts:invitation_withdraw": (lambda d: {"pk": _invitation(d).pk}, expect(405)),
        "accounts:accept": (_invitation_token, expect(200, anonymous=200)),
        "accounts:person_edit": (
            lambda d: {"pk": d.users["teacher"].pk},
            expect(404, prefecture=200, coordinator=200, teacher=403, teacher_niigata=403),
        ),
        "accounts:person_deactivate": (lambda d: {"pk": d.users["teacher"].pk}, expect(405)),
        "accounts:person_reactivate": (lambda d: {"pk": d.users["teacher"].pk}, expect(405)),
        "accounts:bulk_upload": (None, expect(403, prefecture=200, prefecture_niigata=200)),
        "accounts:bulk_preview": (_invitation_batch, expect(404, admin=200, prefecture=200)),
        "accounts:bulk_commit": (_invitation_batch, expect(405)),
        "password_reset": (None, expect(200, anonymous=200)),
        "password_reset_done": (None, expect(200, anonymous=200)),
        "password_reset_confirm": (lambda d: {"uidb64": "MQ", "token": "no-such-token"}, expect(200, anonymous=200)),
        "password_reset_complete": (None, expect(200, anonymous=200)),
    }
)


def _class_code(demo):
    from curricula.models import ClassCode, Student

    row = Student.objects.filter(school=demo.hikone).exclude(class_name="").order_by("pk").first()
    code, _created = ClassCode.objects.get_or_create(
        school=demo.hikone, entry_year=row.entry_year, class_name=row.class_name, withdrawn_at=None
    )
    return code


def _class_code_token(demo):
    from curricula.services.student_accounts import CLASS_CODE

    return {"token": CLASS_CODE.token(_class_code(demo).pk)}


# A student's own pages: their home is theirs alone (each student sees their own on the same address). Class codes
# are made and printed by the school's teachers; the code's link is for visitors on their way to sign in and for
# students not linked yet (the demo's students are linked already: the link is used).
EXPECTATIONS.update(
    {
        "curricula:student_home": (None, expect(404, **every_student(200))),
        "curricula:class_code_list": (None, expect(403, teacher=200, teacher_niigata=200, admin=200)),
        "curricula:class_code_create": (None, expect(405)),
        "curricula:student_unlink": (lambda d: {"pk": d.hikone.students.order_by("pk")[0].pk}, expect(405)),
        "curricula:class_code_sheet": (
            lambda d: {"pk": _class_code(d).pk},
            shiga_only(403, teacher=200, admin=200, company=404, supporter=404),
        ),
        "curricula:class_code_link": (_class_code_token, expect(404, anonymous=200, **every_student(410))),
    }
)


def _shiga_designation(demo):
    from meister.fiscal import current_fiscal_year
    from partners.models import Designation

    return Designation.objects.get(consortium=demo.shiga_consortium, fiscal_year=current_fiscal_year())


def _shiga_thread(demo):
    from programme.models import AdviceThread

    return {"pk": AdviceThread.objects.filter(consortium=demo.shiga_consortium).order_by("pk")[0].pk}


def _shiga_ledger_entry(demo):
    return {"pk": _shiga_designation(demo).ledger_entries.order_by("pk")[0].pk}


def _ledger_batch(demo):
    batch = ImportBatch.objects.create(
        kind=ImportKind.LEDGER,
        original_filename="ledger.xlsx",
        created_by=demo.users["coordinator"],
        summary={"designation": _shiga_designation(demo).pk},
    )
    return {"pk": batch.pk}


def _shiga_results_event(demo):
    from programme.models import EventKind, ProgrammeEvent

    return {"pk": ProgrammeEvent.objects.get(kind=EventKind.RESULTS, consortia=demo.shiga_consortium).pk}


def _shiga_continuation_plan(demo):
    from programme.models import ContinuationPlan

    ContinuationPlan.objects.get_or_create(
        consortium=demo.shiga_consortium, defaults={"last_designated_year": 2026, "activities": "継続"}
    )
    return {"pk": demo.shiga_consortium.pk}


# The programme: the ministry assigns the ③ contractor's supporters and draws the network; a supporter reads and
# writes the advice of the consortia assigned to them this year and sees their plans and money, never a student;
# the consortium's own keepers (coordinator, prefecture) keep the plan, the estimate and the ledger.
MONEY_KEEPERS = {"prefecture": 200, "coordinator": 200, "admin": 200}
EXPECTATIONS.update(
    {
        "programme:support_overview": (None, expect(200)),
        "programme:assignment_create": (None, expect(403, ministry=200, admin=200)),
        "programme:consortium_advice": (lambda d: {"pk": d.shiga_consortium.pk}, shiga_only()),
        "programme:advice_create": (
            None,
            expect(403, coordinator=200, coordinator_niigata=200, admin=200, supporter=200, supporter_niigata=200),
        ),
        "programme:advice_detail": (_shiga_thread, shiga_only()),
        "programme:money_list": (None, expect(200)),
        "programme:designation_money": (lambda d: {"pk": _shiga_designation(d).pk}, shiga_only()),
        "programme:plan_edit": (lambda d: {"pk": _shiga_designation(d).pk}, shiga_only(403, **MONEY_KEEPERS)),
        "programme:estimate_edit": (lambda d: {"pk": _shiga_designation(d).pk}, shiga_only(403, **MONEY_KEEPERS)),
        "programme:ledger_create": (lambda d: {"pk": _shiga_designation(d).pk}, shiga_only(403, **MONEY_KEEPERS)),
        "programme:ledger_export": (lambda d: {"pk": _shiga_designation(d).pk}, shiga_only()),
        "programme:ledger_import": (lambda d: {"pk": _shiga_designation(d).pk}, shiga_only(403, **MONEY_KEEPERS)),
        "programme:ledger_edit": (_shiga_ledger_entry, shiga_only(403, **MONEY_KEEPERS)),
        "programme:ledger_evidence": (_shiga_ledger_entry, shiga_only()),
        "programme:ledger_import_preview": (_ledger_batch, expect(404, coordinator=200, admin=200)),
        "programme:ledger_import_commit": (_ledger_batch, expect(405)),
        "programme:network": (None, expect(200)),
        "programme:network_link_create": (None, expect(403, ministry=200, admin=200)),
        "programme:event_list": (None, expect(200)),
        "programme:event_create": (
            None,
            expect(200, teacher=403, company=403, teacher_niigata=403, company_niigata=403, surveyor=403),
        ),
        "programme:event_detail": (_shiga_results_event, shiga_only()),
        "programme:event_edit": (
            _shiga_results_event,
            shiga_only(403, ministry=200, prefecture=200, coordinator=200, admin=200, supporter=200),
        ),
        "programme:continuation_edit": (
            lambda d: {"pk": d.shiga_consortium.pk},
            shiga_only(403, **MONEY_KEEPERS),
        ),
        "programme:continuation_year": (_shiga_continuation_plan, shiga_only(403, **MONEY_KEEPERS)),
    }
)


# The programme's contractors on the rest of the portal, where they are answered otherwise than a row's default:
# a ③ supporter reaches only the consortia assigned to them this year (and their designations, meetings and
# stages), so a school, company, agreement or report is not there for them (404) and nothing is theirs to keep
# (403); the ④ surveyor reads the nation as the ministry does and runs the survey, and keeps nothing else. Neither
# invites anyone, and no page about a student is there for them (below).
CONTRACTORS = {
    # The library is every scope's; a video's captions go with it.
    "library:captions": {"surveyor": 200},
    "partners:proposal_detail": {"supporter": 404},
    "accounts:people": {"supporter": 403, "supporter_niigata": 403, "surveyor": 403},
    "accounts:person_edit": {"supporter": 403, "supporter_niigata": 403, "surveyor": 403},
    "assessments:practice_create": {"supporter": 403, "surveyor": 403, "supporter_niigata": 403},
    "assessments:survey_create": {"surveyor": 200},
    "assessments:survey_detail": {"surveyor": 200},
    "assessments:survey_list": {"surveyor": 200},
    "assessments:survey_tabulation": {"surveyor": 200},
    "curricula:class_session_edit": {"supporter": 404},
    "curricula:joint_project_edit": {"supporter": 404},
    "library:create": {"supporter_niigata": 403},
    "library:detail": {"surveyor": 200},
    "library:download": {"surveyor": 200},
    "library:edit": {"surveyor": 403, "supporter_niigata": 403},
    "library:file": {"surveyor": 200},
    "library:preview": {"surveyor": 200},
    "partners:agreement_create": {"supporter": 403, "surveyor": 403, "supporter_niigata": 403},
    "partners:agreement_detail": {"supporter": 404},
    "partners:agreement_document": {"supporter": 404},
    "partners:agreement_edit": {"supporter": 404, "surveyor": 403},
    "partners:calendar_copy": {"supporter": 403, "surveyor": 403, "supporter_niigata": 403},
    "partners:closure_create": {"supporter": 403, "surveyor": 403, "supporter_niigata": 403},
    "partners:closure_edit": {"supporter": 404, "surveyor": 403},
    "partners:company_contact_create": {"supporter": 404, "surveyor": 403},
    "partners:company_create": {"supporter": 403, "surveyor": 403, "supporter_niigata": 403},
    "partners:company_detail": {"supporter": 404},
    "partners:company_edit": {"supporter": 404, "surveyor": 403},
    "partners:company_person_create": {"supporter": 404, "surveyor": 403},
    "partners:consultation_create": {"supporter": 403, "surveyor": 403},
    "partners:consultation_edit": {"supporter": 403, "surveyor": 403},
    "partners:designation_create": {"supporter": 403, "surveyor": 403},
    "partners:engagement_detail": {"supporter": 404},
    "partners:meeting_create": {"supporter": 403, "surveyor": 403},
    "partners:meeting_edit": {"supporter": 403, "surveyor": 403},
    "partners:need_candidates": {"supporter": 404, "surveyor": 403},
    "partners:need_create": {"supporter": 403, "surveyor": 403, "supporter_niigata": 403},
    "partners:need_detail": {"supporter": 404},
    "partners:need_propose": {"supporter": 404, "surveyor": 403},
    "partners:proposal_answer": {"supporter": 404},
    "partners:school_contact_create": {"supporter": 404, "surveyor": 403},
    "partners:school_detail": {"supporter": 404},
    "partners:school_edit": {"supporter": 404, "surveyor": 403},
    "partners:stage_record": {"supporter": 403, "surveyor": 403},
    "partners:teaching_create": {"supporter": 404, "surveyor": 403},
    "reports:kpi_list": {"supporter": 403, "surveyor": 403, "supporter_niigata": 403},
    "reports:pdca_edit": {"supporter": 403, "surveyor": 403, "supporter_niigata": 403},
    "reports:pdca_list": {"supporter": 403, "surveyor": 403, "supporter_niigata": 403},
    "reports:run_create": {"supporter": 403, "surveyor": 403, "supporter_niigata": 403},
    "reports:run_detail": {"supporter": 404},
    "reports:run_download": {"supporter": 404},
    "reports:run_download_xlsx": {"supporter": 404},
    "reports:run_progress": {"supporter": 404},
    "showcase:company_profile_edit": {"supporter": 404},
    "sso:configuration_edit": {"surveyor": 403},
}
for _name, _statuses in CONTRACTORS.items():
    EXPECTATIONS[_name][1].update({persona.replace("_", "-"): status for persona, status in _statuses.items()})

# Every page about a student one by one answers the programme's contractors 404, as a row outside their scope: a ④
# surveyor (and a ③ supporter, in scope or not) cannot open any student page, whatever the role would otherwise get.
WORK_WITHOUT_STUDENTS = ("supporter", "supporter-niigata", "surveyor")
STUDENT_PAGES = (
    "curricula:student_home",
    "curricula:student_list",
    "curricula:student_create",
    "curricula:student_unlink",
    "curricula:student_record_pdf",
    "curricula:roster_import",
    "curricula:roster_template_download",
    "curricula:rollover",
    "curricula:class_code_list",
    "curricula:class_code_create",
    "curricula:class_code_sheet",
    "curricula:placement_list",
    "curricula:placement_create",
    "curricula:placement_detail",
    "curricula:placement_agreement",
    "curricula:placement_agreement_pdf",
    "curricula:placement_agreement_scan",
    "curricula:log_start",
    "curricula:log_day",
    "curricula:day_log_list",
    "curricula:day_log_edit",
    "curricula:confirmations",
    "curricula:evaluation_compare",
    "curricula:evaluation_mentor",
    "curricula:evaluation_remind",
    "curricula:evaluation_self",
    "curricula:diary_home",
    "curricula:diary_write",
    "curricula:diary_detail",
    "curricula:diary_photo",
    "curricula:allocation_list",
    "curricula:allocation_create",
    "curricula:allocation_detail",
    "assessments:administration_create",
    "assessments:administration_grid",
    "assessments:administration_import",
    "assessments:cohort_results",
)
for _name in STUDENT_PAGES:
    EXPECTATIONS[_name][1].update(dict.fromkeys(WORK_WITHOUT_STUDENTS, 404))


# Django's admin: staff only. Non-staff and anonymous users are sent to the admin login (302),
# except these: (staff, non-staff, anonymous). The autocomplete endpoint refuses a request
# without its parameters; the admin login shows its form to anyone who is not staff.
ADMIN_EXCEPTIONS = {
    "admin:login": (302, 200, 200),
    "admin:logout": (405, 302, 302),
    "admin:autocomplete": (403, 302, 302),
    "admin:view_on_site": (302, 302, 302),
    # The sign-in records are written by the login itself, never added by hand.
    "admin:axes_accessattempt_add": (403, 302, 302),
    "admin:axes_accesslog_add": (403, 302, 302),
    "admin:axes_accessfailurelog_add": (403, 302, 302),
}


def url_names(patterns=None, namespace=None):
    """(name, pattern) for every named URL pattern, namespaces joined with ':'."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            joined = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from url_names(entry.url_patterns, joined)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


PORTAL_URLS = sorted({name for name, _ in url_names() if not name.startswith("admin:")})
ADMIN_URLS = sorted({name for name, _ in url_names() if name.startswith("admin:")})


def _sign_in_records(demo):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    where = {"username": "teacher", "ip_address": "127.0.0.1", "user_agent": "test", "path_info": "/accounts/login/"}
    AccessAttempt.objects.create(**where, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**where)
    AccessFailureLog.objects.create(**where, locked_out=False)


def _authenticator(demo):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=demo.users["teacher"], name="認証アプリ")


# Back-office pages of the sign-in protection, whose rows the demo does not make.
THIRD_PARTY_ROWS = {
    "axes.AccessAttempt": _sign_in_records,
    "axes.AccessLog": _sign_in_records,
    "axes.AccessFailureLog": _sign_in_records,
    "otp_totp.TOTPDevice": _authenticator,
}


def admin_kwargs(name: str, pattern, demo) -> dict:
    """Arguments for an admin URL: an app label, or an object of the model the URL name is about."""
    groups = set(pattern.pattern.regex.groupindex)
    if not groups:
        return {}
    if name == "admin:auth_user_password_change":
        return {"id": demo.users["teacher"].pk}
    if name == "admin:view_on_site":
        from django.contrib.contenttypes.models import ContentType

        return {"content_type_id": ContentType.objects.get_for_model(demo.hikone).pk, "object_id": demo.hikone.pk}
    if groups == {"app_label"}:
        return {"app_label": "partners"}
    from django.apps import apps

    bare = name.removeprefix("admin:")
    # App labels may contain underscores (otp_totp): take the longest that prefixes the name.
    app_label = max((c.label for c in apps.get_app_configs() if bare.startswith(c.label + "_")), key=len)
    model = apps.get_model(app_label, bare.removeprefix(app_label + "_").rsplit("_", 1)[0])
    if not model._default_manager.exists() and model._meta.label in THIRD_PARTY_ROWS:
        THIRD_PARTY_ROWS[model._meta.label](demo)
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the demo has no {model.__name__} for {name}"
    return {"pk" if "pk" in groups else "object_id": obj.pk}


def test_every_url_has_an_expectation():
    assert sorted(set(PORTAL_URLS) - set(EXPECTATIONS)) == [], "URLs without a row in the permission matrix"
    assert sorted(set(EXPECTATIONS) - set(PORTAL_URLS)) == [], "rows for URLs that no longer exist"


def _status_for(client, persona, demo, url):
    client.logout()
    if persona != ANONYMOUS:
        client.force_login(demo.users[persona])
    return client.get(url).status_code


@pytest.mark.parametrize("name", PORTAL_URLS)
def test_portal_url(name, client, demo):
    kwargs_for, expected = EXPECTATIONS[name]
    url = reverse(name, kwargs=kwargs_for(demo) if kwargs_for else None)
    actual = {persona: _status_for(client, persona, demo, url) for persona in ALL}
    assert actual == expected


@pytest.mark.parametrize("name", ADMIN_URLS)
def test_admin_url_is_staff_only(name, client, demo):
    pattern = dict(url_names())[name]
    if "reportrun" in name:
        _report_run(demo)
    if "auth_group" in name:
        Group.objects.create(name="運用担当")
    url = reverse(name, kwargs=admin_kwargs(name, pattern, demo))
    actual = {persona: _status_for(client, persona, demo, url) for persona in ALL}
    staff, non_staff, anonymous = ADMIN_EXCEPTIONS.get(name, (200, 302, 302))
    expected = {persona: staff if persona == "admin" else non_staff for persona in PERSONAS}
    expected |= {persona: 404 for persona in STUDENTS}  # the back office is no student's page
    assert actual == {**expected, ANONYMOUS: anonymous}


def test_outsider_404_reveals_nothing(client, demo):
    client.force_login(demo.users["teacher-niigata"])
    missing = client.get(reverse("partners:school_detail", kwargs={"pk": 999_999}))
    hidden = client.get(reverse("partners:school_detail", kwargs={"pk": demo.hikone.pk}))
    assert missing.status_code == hidden.status_code == 404
    assert demo.hikone.name not in hidden.content.decode()


def test_the_student_pages_are_the_ones_the_scoping_rule_names():
    from meister.scoping import STUDENT_PAGES as RULE

    assert set(STUDENT_PAGES) == RULE
    assert RULE <= set(PORTAL_URLS), "every student page the rule names is a URL of the portal"
