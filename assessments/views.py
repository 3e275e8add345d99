"""Assessments in the browser: the teacher's grid and import, results with their chart, surveys, practices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessments import services
from assessments.charts import change_chart
from assessments.exporters import ResultsExporter
from assessments.forms import (
    AdministrationForm,
    PracticeForm,
    PracticeSearchForm,
    SummaryForm,
    SurveyAnswerForm,
    SurveyForm,
)
from assessments.importers import ResponseImporter
from assessments.models import Administration, Instrument, Practice, Response, Survey, SurveyAnswer
from assessments.scoring import InstrumentSpec
from assessments.selectors import cohort_responses, cohorts_for, results_for, suppression_threshold
from assessments.selectors import survey as survey_selectors
from assessments.selectors.survey import response_rates, tabulation
from assessments.services import survey as services_survey
from meister import clock, signed_links
from meister.fiscal import current_fiscal_year, fiscal_year_from
from meister.importing import ImportProblem, ImportUploadForm, import_commit, import_preview, map_rows
from meister.replica import reads_replica
from meister.scoping import (
    changeable_by,
    get_for_user,
    may_change,
    may_change_some,
    may_create,
    may_see_result_summary,
    may_see_results,
    may_see_results_by_student,
    save_in_scope,
    sees_national_figures_only,
    visible_to,
)
from meister.validators import plain_int
from partners.models import Department, School


def _fiscal_year(request) -> int:
    return fiscal_year_from(request.GET.get("fy"), default=current_fiscal_year())


def _with_charts(results):
    for result in results:
        rows = [(s.name, s.change.mean_diff, s.change.ci_low, s.change.ci_high) for s in result.shown_changes]
        title = _("%(name)s の変化（平均と95%%信頼区間）") % {"name": result.instrument}
        result.chart = change_chart(rows, title=title)
    return results


@login_required
def index(request):
    administrations = visible_to(
        Administration.objects.select_related("instrument", "school", "department"), request.user
    )
    page = Paginator(administrations, 50).get_page(request.GET.get("page"))
    shown = [a.pk for a in page]
    context = {
        "page": page,
        # The entry grid is for those who may change an administration: the others see its timing without a link.
        "changeable": set(
            Administration.objects.filter(changeable_by(Administration, request.user), pk__in=shown).values_list(
                "pk", flat=True
            )
        ),
        "cohorts": list(cohorts_for(request.user)[:50]) if may_see_results(request.user) else [],
        "instruments": Instrument.objects.all(),
        "may_create": may_create(request.user, Administration),
        "may_see_results": may_see_results(request.user),
        "may_see_summary": may_see_result_summary(request.user),
    }
    return render(request, "assessments/index.html", context)


@login_required
def instrument_detail(request, pk):
    instrument = get_object_or_404(Instrument, pk=pk)
    items = instrument.items.select_related("subscale")
    return render(request, "assessments/instrument_detail.html", {"instrument": instrument, "items": items})


@login_required
def administration_create(request):
    if not may_create(request.user, Administration):
        raise PermissionDenied
    form = AdministrationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        administration = save_in_scope(
            form, lambda: services.administration_create(user=request.user, **form.cleaned_data)
        )
        if administration:
            messages.success(request, _("実施を登録しました。回答を入力してください。"))
            return redirect(administration)
    return render(request, "assessments/administration_form.html", {"form": form})


def _administration(user, pk, *, change=False) -> Administration:
    administrations = Administration.objects.select_related("instrument", "school", "department")
    return get_for_user(user, administrations, change=change, pk=pk)


@login_required
def administration_grid(request, pk):
    administration = _administration(request.user, pk, change=True)
    spec = InstrumentSpec.load(administration.instrument)
    students = list(administration.students())
    errors = {}
    if request.method == "POST":
        typed, errors = services.grid_parse(spec=spec, students=students, data=request.POST)
        if errors:
            messages.error(request, services.grid_error_summary(errors))
        else:
            saved = services.responses_save_grid(
                administration=administration, spec=spec, students=students, typed=typed, user=request.user
            )
            messages.success(request, _("%(n)s 人分の回答を保存しました。") % {"n": saved})
            return redirect("assessments:administration_grid", pk=administration.pk)
    else:
        typed = {}
        for response in administration.responses.all():
            for key, value in response.answers.items():
                typed[(response.student_id, key)] = f"{value:g}" if isinstance(value, float) else str(value)
    rows = [
        {
            "student": student,
            "cells": [
                {
                    "name": f"a-{student.pk}-{item.number}",
                    "value": typed.get((student.pk, item.key), ""),
                    "error": errors.get((student.pk, item.key)),
                }
                for item in spec.items
            ],
        }
        for student in students
    ]
    history = (
        Response.history.filter(administration_id=administration.pk)
        .select_related("history_user", "student")
        .order_by("-history_date")[:30]
    )
    context = {
        "administration": administration,
        "spec": spec,
        "rows": rows,
        "error_count": len(errors),
        "history": history,
    }
    return render(request, "assessments/administration_grid.html", context)


@login_required
def administration_import(request, pk):
    administration = _administration(request.user, pk, change=True)
    importer = ResponseImporter(administration)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    result = problem = None
    if request.method == "POST" and form.is_valid():
        try:
            parsed = map_rows(importer=importer, table=form.table)
        except ImportProblem as error:
            problem = error.message
        else:
            if request.POST.get("action") == "commit":
                result = import_commit(importer=importer, rows=parsed.rows, user=request.user)
                if result.committed:
                    messages.success(
                        request,
                        _("取り込みました。新規 %(new)s 件、更新 %(update)s 件、変更なし %(unchanged)s 件です。")
                        % result.counts,
                    )
                    return redirect("assessments:administration_grid", pk=administration.pk)
                messages.error(
                    request,
                    _(
                        "エラーのある行があるため、何も取り込んでいません。ファイルを直して、もう一度アップロードしてください。"
                    ),
                )
            else:
                result = import_preview(importer=importer, rows=parsed.rows, user=request.user)
    context = {"administration": administration, "importer": importer, "form": form, "result": result}
    context["problem"] = problem
    return render(request, "assessments/administration_import.html", context)


@login_required
def cohort_results(request, school_pk, entry_year):
    school = get_for_user(request.user, School, pk=school_pk)
    if not may_see_results(request.user):
        raise PermissionDenied
    fiscal_year = _fiscal_year(request)
    department = None
    department_id = plain_int(request.GET.get("department"))
    if department_id:
        department = get_object_or_404(Department, school=school, pk=department_id)
    responses = cohort_responses(
        user=request.user, school=school, entry_year=entry_year, fiscal_year=fiscal_year, department=department
    )
    with_names = may_see_results_by_student(request.user)
    export = request.GET.get("export")
    if export in {"csv", "xlsx"}:
        return ResultsExporter(results_for(responses), school=school, entry_year=entry_year).response(export)
    context = {
        "school": school,
        "entry_year": entry_year,
        "grade": fiscal_year - entry_year + 1,
        "fiscal_year": fiscal_year,
        "department": department,
        "departments": school.departments.all(),
        "results": _with_charts(results_for(responses, with_students=with_names)),
        "with_names": with_names,
        "threshold": suppression_threshold(),
    }
    return render(request, "assessments/results.html", context)


@login_required
@reads_replica
def summary(request):
    """Aggregates over the user's whole area (the nation for the ministry), or one school in it."""
    if not may_see_result_summary(request.user):
        raise PermissionDenied
    national_only = sees_national_figures_only(request.user)
    schools = School.objects.none() if national_only else visible_to(School.objects.all(), request.user)
    form = SummaryForm(request.GET or None, schools=schools)
    fiscal_year, school = current_fiscal_year(), None
    if form.is_valid():
        fiscal_year = form.cleaned_data["fiscal_year"] or fiscal_year
        school = form.cleaned_data["school"]
    responses = visible_to(Response.objects.all(), request.user).filter(administration__fiscal_year=fiscal_year)
    if school is not None:
        responses = responses.filter(administration__school=school)
    context = {
        "form": form,
        "fiscal_year": fiscal_year,
        "school": school,
        "area": request.user.scope_object or _("全国"),
        "results": _with_charts(results_for(responses)),
        "threshold": suppression_threshold(),
        "national_only": national_only,
    }
    return render(request, "assessments/summary.html", context)


# --- the fact-finding survey -------------------------------------------------------------------------------------


@login_required
def survey_list(request):
    if not may_change_some(request.user, Survey):
        # Respondents answer by link; the list is the owners' work.
        raise PermissionDenied
    surveys = visible_to(Survey.objects.select_related("prefecture"), request.user)
    state = request.GET.get("state")
    if state in survey_selectors.SURVEY_STATES:
        surveys = survey_selectors.surveys_in_state(user=request.user, state=state, today=clock.today())
        surveys = surveys.select_related("prefecture")
    else:
        state = ""
    return render(
        request,
        "assessments/survey_list.html",
        {"surveys": surveys, "state": state, "may_create": may_create(request.user, Survey)},
    )


@login_required
def survey_create(request):
    if not may_create(request.user, Survey):
        raise PermissionDenied
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        respondent_types = data.pop("respondent_types")
        survey = save_in_scope(
            form, lambda: services_survey.survey_create(user=request.user, respondent_types=respondent_types, **data)
        )
        if survey:
            messages.success(request, _("実態調査を作成しました。内容を確認して依頼を送ってください。"))
            return redirect(survey)
    return render(request, "assessments/survey_form.html", {"form": form})


def _survey(user, pk, *, change=False) -> Survey:
    survey = get_for_user(user, Survey.objects.select_related("prefecture"), change=change, pk=pk)
    if not may_change(user, survey):
        # Seeing a survey is for its owners; others in scope (none today) would only read.
        raise PermissionDenied
    return survey


@login_required
def survey_detail(request, pk):
    survey = _survey(request.user, pk)
    recipients = survey.recipients.select_related("prefecture", "answer")
    links = {r.pk: services_survey.recipient_token(r) for r in recipients}
    context = {
        "survey": survey,
        "recipients": [(r, links[r.pk]) for r in recipients],
        "rates": response_rates(survey),
    }
    return render(request, "assessments/survey_detail.html", context)


@login_required
@require_POST
def survey_send(request, pk):
    survey = _survey(request.user, pk, change=True)
    count = services_survey.survey_send(survey=survey)
    messages.success(request, _("%(n)s 件の依頼をメールで送りました。") % {"n": count})
    return redirect(survey)


@login_required
def survey_tabulation(request, pk):
    survey = _survey(request.user, pk)
    by = "block" if request.GET.get("by") == "block" else "prefecture"
    table = tabulation(survey, by=by)
    answers = SurveyAnswer.objects.filter(recipient__survey=survey).exclude(solution="")
    return render(
        request,
        "assessments/survey_tabulation.html",
        {"survey": survey, "table": table, "by": by, "answers": answers, "may_add": may_create(request.user, Practice)},
    )


@login_required
@require_POST
def survey_answer_to_practice(request, pk, answer_pk):
    survey = _survey(request.user, pk)
    if not may_create(request.user, Practice):
        raise PermissionDenied
    answer = get_object_or_404(SurveyAnswer.objects.select_related("recipient"), pk=answer_pk, recipient__survey=survey)
    try:
        practice = services_survey.practice_from_answer(user=request.user, answer=answer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("assessments:survey_tabulation", pk=survey.pk)
    messages.success(request, _("連携ポイントに登録しました。題名と内容を整えてください。"))
    return redirect(practice)


@never_cache
def survey_answer_link(request, token):
    """The respondent's answer through the emailed link: no account, the signed link is the permission."""
    try:
        recipient = services_survey.recipient_from_token(token)
    except signed_links.BadLink as error:
        return signed_links.refused(request, error, services_survey.ANSWER_LINK)
    existing = SurveyAnswer.objects.filter(recipient=recipient).first()
    form = SurveyAnswerForm(request.POST or None, instance=existing)
    done = False
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services_survey.survey_answer_save(recipient=recipient, **values)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            done = True
    context = {"recipient": recipient, "survey": recipient.survey, "form": form, "done": done}
    return render(request, "assessments/survey_answer.html", context)


# --- what worked (連携ポイント) -----------------------------------------------------------------------------------


@login_required
def practice_list(request):
    form = PracticeSearchForm(request.GET or None)
    practices = visible_to(Practice.objects.select_related("consortium", "prefecture"), request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            for word in data["q"].split():
                practices = practices.filter(
                    Q(title__icontains=word)
                    | Q(summary__icontains=word)
                    | Q(outcome__icontains=word)
                    | Q(consortium__name__icontains=word)
                )
        if data["stage"]:
            practices = practices.filter(stage=data["stage"])
        if data["issue"]:
            practices = practices.filter(issue=data["issue"])
    page = Paginator(practices, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/practice_list.html",
        {"form": form, "page": page, "may_create": may_create(request.user, Practice)},
    )


@login_required
def practice_detail(request, pk):
    practice = get_for_user(request.user, Practice.objects.select_related("consortium", "prefecture"), pk=pk)
    return render(request, "assessments/practice_detail.html", {"practice": practice})


@login_required
def practice_create(request):
    if not may_create(request.user, Practice):
        raise PermissionDenied
    form = PracticeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        practice = save_in_scope(form, lambda: services_survey.practice_create(user=request.user, **form.cleaned_data))
        if practice:
            messages.success(request, _("連携ポイントを登録しました。"))
            return redirect(practice)
    return render(request, "assessments/practice_form.html", {"form": form})
