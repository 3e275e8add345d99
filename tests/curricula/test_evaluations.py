"""Evaluations of a placement: the default rubric, the mentor's form by link and signed in, drafts with the problem
by the field, the teacher's side-by-side view, reminders and "remind now", and the rubrics a scope adapts."""

import datetime
import json

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curricula import links
from curricula.models import (
    Evaluation,
    EvaluationReview,
    EvaluationScore,
    EvaluationStatus,
    Placement,
    Rubric,
    RubricItem,
)
from curricula.rubric_words import DEFAULT_RUBRIC_WORDS
from curricula.services import evaluations as services

pytestmark = pytest.mark.django_db


def kotoh_placement(demo) -> Placement:
    placement = demo.kotoh.placements.select_related("mentor", "student").order_by("pk")[0]
    assert placement.mentor and placement.mentor.email
    return placement


def all_levels(evaluation, level=3) -> dict:
    return {q.key: str(level) for q in services.questions(evaluation)}


def test_the_default_rubric_is_data_modelled_on_the_job_card_sheet(demo):
    rubric = services.default_rubric()
    assert [mark for _v, mark, _w in rubric.scale] == ["A", "B", "C"]
    titles = list(rubric.items.values_list("title", flat=True))
    assert {"責任感", "コミュニケーション", "チームワーク", "ビジネスマナー"} <= set(titles)
    assert {"attitude", "basic", "skill"} == set(rubric.items.values_list("section", flat=True))
    assert all(set(item.descriptors) == {"3", "2", "1"} for item in rubric.items.all())


def test_the_default_rubrics_words_are_all_in_the_catalogue_and_read_in_english(client, demo):
    data = json.loads(services.DEFAULT_RUBRIC.read_text(encoding="utf-8"))
    words = {data["name"]}
    for _section, title, criterion, levels in data["items"]:
        words |= {title, criterion, *levels.values()}
    assert words == set(DEFAULT_RUBRIC_WORDS)
    placement = kotoh_placement(demo)
    evaluation = services.evaluation_for(placement, "final", "mentor")
    url = reverse("curricula:evaluation_link", args=[links.EVALUATION.token(evaluation.pk)])
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert "Responsibility" in page and "Finishes the work entrusted to them" in page and "責任感" not in page
    assert "Placement evaluation sheet" in page
    client.cookies["django_language"] = "ja"
    assert "責任感" in client.get(url).content.decode()
    # A consortium's own words are shown as written, in either language.
    RubricItem.objects.filter(rubric=evaluation.rubric, title="責任感").update(title="最後までやり抜く力")
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert "最後までやり抜く力" in page and "Responsibility" not in page


def test_the_placements_own_skills_follow_the_rubric(demo):
    placement = kotoh_placement(demo)
    placement.skills = "NC旋盤の段取り\n\nノギスでの測定\n"
    placement.save()
    evaluation = services.evaluation_for(placement, "final", "mentor")
    keys = [q.key for q in services.questions(evaluation)]
    assert keys[-2:] == ["skill-0", "skill-1"]
    assert [q.title for q in services.questions(evaluation)][-2:] == ["NC旋盤の段取り", "ノギスでの測定"]


def test_mentor_fills_through_the_link_a_draft_keeps_the_problem_by_the_field(client, demo):
    placement = kotoh_placement(demo)
    evaluation = services.evaluation_for(placement, "final", "mentor")
    url = reverse("curricula:evaluation_link", args=[links.EVALUATION.token(evaluation.pk)])
    page = client.get(url)
    assert page.status_code == 200
    assert "責任感" in page.content.decode()

    levels = all_levels(evaluation)
    first_key = next(iter(levels))
    del levels[first_key]
    response = client.post(url, {**levels, "comment": "よく頑張りました", "action": "submit"})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="{first_key}-error"' in html and "段階を選んでください。" in html
    assert response.context["draft_kept"] is True  # the all-forms test lets these writes stand, and only these
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT
    assert evaluation.comment == "よく頑張りました"  # nothing typed is lost
    assert EvaluationScore.objects.filter(evaluation=evaluation).count() == len(levels)

    response = client.post(url, {**all_levels(evaluation), "comment": "よく頑張りました", "action": "submit"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SUBMITTED
    assert "メールのリンクから" in evaluation.written_by

    used = client.post(url, {**all_levels(evaluation, 1), "action": "submit"})
    assert used.status_code == 410
    assert set(EvaluationScore.objects.filter(evaluation=evaluation).values_list("level", flat=True)) == {3}


def test_a_wrong_or_foreign_link_gets_the_friendly_page(client, demo):
    placement = kotoh_placement(demo)
    own = services.evaluation_for(placement, "final", "self")
    assert client.get(reverse("curricula:evaluation_link", args=["nonsense"])).status_code == 404
    # A token of another kind, or naming a self-evaluation, opens nothing.
    assert client.get(reverse("curricula:evaluation_link", args=[links.CONFIRMATION.token(own.pk)])).status_code == 404
    assert client.get(reverse("curricula:evaluation_link", args=[links.EVALUATION.token(own.pk)])).status_code == 404


def test_a_level_outside_the_scale_is_refused_and_changes_nothing(client, demo):
    placement = kotoh_placement(demo)
    client.force_login(demo.users["company"])
    url = reverse("curricula:evaluation_mentor", args=[placement.pk, "midterm"])
    response = client.post(url, {"item-1": "9", "action": "submit"})
    assert response.status_code == 400 and response.context["draft_kept"] is False
    assert not EvaluationScore.objects.filter(evaluation__placement=placement).exists()


def test_signed_in_mentor_submits_and_the_teacher_compares_and_comments(client, demo):
    placement = kotoh_placement(demo)
    client.force_login(demo.users["company"])
    mentor_evaluation = services.evaluation_for(placement, "final", "mentor")
    url = reverse("curricula:evaluation_mentor", args=[placement.pk, "final"])
    assert client.post(url, {**all_levels(mentor_evaluation, 3), "action": "submit"}).status_code == 302
    own = services.evaluation_for(placement, "final", "self")
    services.evaluation_save(
        evaluation=own,
        levels={key: 2 for key in all_levels(own)},
        comment="報告が遅れた",
        submit=True,
        written_by="生徒",
    )

    client.force_login(demo.users["teacher"])
    compare = reverse("curricula:evaluation_compare", args=[placement.pk, "final"])
    html = client.get(compare).content.decode()
    assert 'data-testid="evaluation-chart"' in html and "<circle" in html and "<rect" in html
    assert html.count('data-testid="mentor-level">A<') == len(all_levels(own))
    assert html.count('data-testid="self-level">B<') == len(all_levels(own))
    assert "報告が遅れた" in html

    refused = client.post(compare, {"comment": "  "})
    assert refused.status_code == 400 and 'id="review-error"' in refused.content.decode()
    assert not EvaluationReview.objects.exists()
    assert client.post(compare, {"comment": "自己評価が控えめです。面談で話しましょう。"}).status_code == 302
    assert "面談で話しましょう" in client.get(compare).content.decode()

    client.force_login(demo.users["company"])
    assert client.get(compare).status_code == 403  # the self-evaluation stays on the school side


def test_reminders_go_once_in_the_days_before_and_remind_now_shows_when(client, demo, travel, settings):
    placement = kotoh_placement(demo)
    settings.CURRICULA_EVALUATION_REMINDER_DAYS = 7
    travel(placement.ends_on - datetime.timedelta(days=3))
    sent = services.evaluation_reminders_send()
    assert sent >= 1
    to_mentor = [
        m for m in mail.outbox if m.to == [placement.mentor.email] and placement.student.kana_name in m.subject
    ]
    assert len(to_mentor) == 1
    assert "/curricula/evaluate/" in to_mentor[0].body
    evaluation = Evaluation.objects.get(placement=placement, stage="final", evaluator="mentor")
    assert evaluation.reminded_at is not None
    mail.outbox.clear()
    services.evaluation_reminders_send()
    assert not [m for m in mail.outbox if m.to == [placement.mentor.email] and placement.student.kana_name in m.subject]

    client.force_login(demo.users["teacher"])
    response = client.post(reverse("curricula:evaluation_remind", args=[placement.pk, "final"]))
    assert response.status_code == 302
    assert [m for m in mail.outbox if m.to == [placement.mentor.email]]
    html = client.get(reverse("curricula:evaluation_compare", args=[placement.pk, "final"])).content.decode()
    assert "最後の催促" in html


def test_no_reminder_long_before_the_due_day(demo, travel):
    placement = kotoh_placement(demo)
    travel(placement.starts_on - datetime.timedelta(days=30))
    services.evaluation_reminders_send()
    assert not Evaluation.objects.filter(placement=placement, reminded_at__isnull=False).exists()


def test_a_consortium_copies_and_adapts_the_rubric_which_its_schools_then_use(client, demo):
    default = services.default_rubric()
    client.force_login(demo.users["coordinator"])
    refused = client.post(reverse("curricula:rubric_copy", args=[default.pk]), {"name": "彦根\x00版"}, follow=True)
    assert refused.status_code == 200 and "制御文字" in refused.content.decode()
    assert not Rubric.objects.filter(copied_from=default).exists()
    response = client.post(reverse("curricula:rubric_copy", args=[default.pk]), {"name": "彦根版 評価シート"})
    copy = Rubric.objects.get(name="彦根版 評価シート")
    assert response.status_code == 302 and copy.consortium == demo.shiga_consortium
    assert copy.items.count() == default.items.count()
    item = copy.items.order_by("position").first()
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(item.pk)}
    data |= {"form-0-section": "attitude", "form-0-title": "あいさつ", "form-0-criterion": "自分からあいさつしている"}
    ItemSet = RubricItem.objects.filter(rubric=copy).order_by("position", "pk")
    for n, other in enumerate(ItemSet[1:], start=1):
        data |= {f"form-{n}-id": str(other.pk), f"form-{n}-section": other.section}
        data |= {f"form-{n}-title": other.title, f"form-{n}-criterion": other.criterion}
    data["form-TOTAL_FORMS"] = data["form-INITIAL_FORMS"] = str(ItemSet.count())
    assert client.post(reverse("curricula:rubric_detail", args=[copy.pk]), data).status_code == 302
    assert RubricItem.objects.get(pk=item.pk).title == "あいさつ"

    placement = kotoh_placement(demo)
    assert services.rubric_for(placement) == copy
    # The default stays as shipped, and a prefecture does not edit a consortium's copy.
    assert client.post(reverse("curricula:rubric_detail", args=[default.pk]), data).status_code == 403
    client.force_login(demo.users["prefecture-niigata"])
    assert client.post(reverse("curricula:rubric_detail", args=[copy.pk]), data).status_code == 403


def test_the_mentors_page_costs_the_same_queries_at_two_scales(client, demo):
    placement = kotoh_placement(demo)
    evaluation = services.evaluation_for(placement, "final", "mentor")
    url = reverse("curricula:evaluation_link", args=[links.EVALUATION.token(evaluation.pk)])
    services.evaluation_save(evaluation=evaluation, levels={"x": 1}, comment="", submit=False, written_by="m")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = count()
    for other in Placement.objects.exclude(pk=placement.pk):
        other_evaluation = services.evaluation_for(other, "final", "mentor")
        services.evaluation_save(
            evaluation=other_evaluation,
            levels=dict.fromkeys(all_levels(other_evaluation), 2),
            comment="",
            submit=True,
            written_by="m",
        )
    placement.skills = "\n".join(f"技能{n}" for n in range(12))
    placement.save()
    assert count() == small


def test_the_practice_record_prints_both_evaluations_and_the_teachers_comment(client, demo):
    from tests.pdf import pdf_text

    placement = kotoh_placement(demo)
    mentor = services.evaluation_for(placement, "final", "mentor")
    own = services.evaluation_for(placement, "final", "self")
    levels = dict.fromkeys(all_levels(mentor), 3)
    services.evaluation_save(evaluation=mentor, levels=levels, comment="段取りが早い", submit=True, written_by="指導者")
    services.evaluation_save(
        evaluation=own, levels=dict.fromkeys(levels, 1), comment="測定に自信がない", submit=True, written_by="生徒"
    )
    services.evaluation_review_add(
        user=demo.users["teacher"], placement=placement, stage="final", comment="面談で自信をつけよう"
    )
    client.force_login(demo.users["teacher"])
    text = pdf_text(client.get(reverse("curricula:student_record_pdf", args=[placement.student_id])).content)
    for words in ("最終評価", "段取りが早い", "測定に自信がない", "面談で自信をつけよう", "チームワーク"):
        assert words in text.replace("\n", "")

    client.force_login(demo.users["company"])
    text = pdf_text(client.get(reverse("curricula:student_record_pdf", args=[placement.student_id])).content)
    assert "段取りが早い" in text.replace("\n", "") and "測定に自信がない" not in text.replace("\n", "")


def test_evaluations_due_show_on_the_teachers_and_the_companys_dashboard(client, demo, travel):
    placement = kotoh_placement(demo)
    travel(placement.ends_on - datetime.timedelta(days=2))
    client.force_login(demo.users["teacher"])
    html = client.get(reverse("portal:dashboard")).content.decode()
    compare = reverse("curricula:evaluation_compare", args=[placement.pk, "final"])
    assert 'data-testid="evaluations-due"' in html and compare in html
    client.force_login(demo.users["company"])
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("curricula:evaluation_mentor", args=[placement.pk, "final"]) in html

    evaluation = services.evaluation_for(placement, "final", "mentor")
    services.evaluation_save(
        evaluation=evaluation, levels=dict.fromkeys(all_levels(evaluation), 2), comment="", submit=True, written_by="m"
    )
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("curricula:evaluation_mentor", args=[placement.pk, "final"]) not in html


def test_the_pdca_report_shows_evaluation_means_and_hides_small_groups(demo, settings):
    from meister.fiscal import fiscal_year
    from reports.documents import ReportScope
    from reports.documents.common import HIDDEN
    from reports.documents.pdca import collect_pdca

    placements = list(Placement.objects.filter(student__school=demo.hikone).order_by("pk")[:3])
    for placement in placements:
        evaluation = services.evaluation_for(placement, "final", "mentor")
        levels = dict.fromkeys(all_levels(evaluation), 2)
        services.evaluation_save(evaluation=evaluation, levels=levels, comment="", submit=True, written_by="m")
    scope = ReportScope("consortium", demo.shiga_consortium.pk)
    fy = fiscal_year(placements[0].starts_on)

    settings.ASSESSMENTS_SUPPRESSION_THRESHOLD = 3
    rows = {row["title"]: row for row in collect_pdca(fy, scope)["evaluation_rows"]}
    assert rows["責任感"]["mentor_text"] == "2.00" and rows["責任感"]["mentor_n"] == 3
    assert rows["責任感"]["self_text"] == "—"

    settings.ASSESSMENTS_SUPPRESSION_THRESHOLD = 4
    rows = {row["title"]: row for row in collect_pdca(fy, scope)["evaluation_rows"]}
    assert rows["責任感"]["mentor_text"] == HIDDEN and rows["責任感"]["mentor_mean"] is None
