"""Placements, the class logging screen, mentor confirmation (logged in or by signed link) and lists.

The ministry works nationally but sees counts only: pages with student names answer 403 there,
and the lists turn into tallies.
"""

import calendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from curricula import documents, exporters, selectors, services
from curricula.forms import AgreementForm, DayLogForm, DayRowForm, PlacementForm, StudentForm
from curricula.models import (
    ALL_KINDS,
    AgreementStatus,
    ClassCode,
    DayLog,
    DiaryEntry,
    DiaryStatus,
    LogStatus,
    Placement,
    PlacementKind,
    PlacementTally,
    Student,
)
from curricula.rows import placement_rows
from curricula.services.evaluations import evaluation_sheets
from curricula.views.rosters import roster_context
from meister import clock
from meister.calendar import holiday_name
from meister.fiscal import fiscal_year_from
from meister.links import day_urls
from meister.replica import reads_replica
from meister.scoping import (
    acts_for_company,
    get_for_user,
    may_change,
    may_create,
    may_see_full_names,
    may_see_guardian_contact,
    may_see_named_students,
    save_in_scope,
    speaks_for_company,
    visible_to,
)
from meister.templatetags.wareki import holiday
from meister.validators import plain_int
from partners.models import WEEKDAYS

PAGE_SIZE = 50
SUNDAY_FIRST = [WEEKDAYS[6], *WEEKDAYS[:6]]


def _require_names(user):
    if not may_see_named_students(user):
        raise PermissionDenied


# --- logging ---------------------------------------------------------------------------------


@login_required
def log_start(request):
    """Open the logging screen on the latest day that still lacks a log."""
    if not may_create(request.user, DayLog):
        raise PermissionDenied
    day = selectors.latest_logging_day(user=request.user)
    return redirect("curricula:log_day", day=day)


@login_required
def log_day(request, day: datetime.date):
    """A whole class's day on one screen: one row per student placed that day, all saved or none."""
    user = request.user
    if not may_create(user, DayLog):
        raise PermissionDenied
    today = clock.today()
    placements = list(selectors.placements_on_day(user=user, day=day))
    posted = _with_common_activities(request.POST, placements) if request.method == "POST" else None
    rows = []
    for placement in placements:
        log = placement.day_logs[0] if placement.day_logs else None
        editable = day <= today and (log is None or log.status != LogStatus.CONFIRMED)
        data = posted if editable else None
        rows.append({"placement": placement, "log": log, "form": DayRowForm(data, placement=placement, log=log)})
    diaries = selectors.shared_diaries_on_day(placements, day)
    for row in rows:
        row["diary"] = diary = diaries.get(row["placement"].pk)
        if diary is not None:  # what the row's diary cell shows of it
            row["diary_texts"] = (truncatechars(diary.did, 80), truncatechars(diary.learned, 80))
    editable_rows = [row for row in rows if row["log"] is None or row["log"].status != LogStatus.CONFIRMED]
    if request.method == "POST":
        if day > today:
            raise PermissionDenied
        if all(row["form"].is_valid() for row in editable_rows):
            try:
                saved = services.day_logs_record(
                    user=user,
                    day=day,
                    rows=[(row["placement"], _row_data(row["form"])) for row in editable_rows],
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("%(count)s人分の記録を保存しました。指導担当者に確認を依頼しました。") % {"count": len(saved)}
                    if saved
                    else _("変更はありませんでした。"),
                )
                return redirect("curricula:log_day", day=day)
        else:
            messages.error(request, _("入力に誤りがあります。どの記録も保存していません。赤字の箇所を直してください。"))
    context = {
        "day": day,
        "rows": rows,
        "is_future": day > today,
        "holiday": holiday_name(day),
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1),
        "today": today,
        "common_activities": request.POST.get("common_activities", "") if request.method == "POST" else "",
        "missing_by_day": selectors.missing_count_by_day(user=user, today=today),
    }
    return render(request, "curricula/log_day.html", context, status=400 if request.method == "POST" else 200)


def _with_common_activities(post, placements):
    """What the whole class did, typed once, goes into every present student's empty activities box."""
    common = post.get("common_activities", "").strip()
    if not common:
        return post
    post = post.copy()
    for placement in placements:
        key = f"p{placement.pk}-activities"
        if key in post and not post[key].strip() and post.get(f"p{placement.pk}-attendance") != "absent":
            post[key] = common
    return post


def _row_data(form) -> dict:
    data = dict(form.cleaned_data)
    data["activities"] = data["activities"].strip()
    data["reflection"] = data["reflection"].strip()
    return data


@login_required
def day_log_edit(request, pk):
    """Correct one day (after a rejection, typically) and send it back to the mentor."""
    log = get_for_user(
        request.user, DayLog.objects.select_related("placement", "placement__student", "placement__company"), pk=pk
    )
    if not may_change(request.user, log) or log.status == LogStatus.CONFIRMED:
        raise PermissionDenied
    form = DayLogForm(request.POST or None, instance=DayLog.objects.get(pk=log.pk))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in ("attendance", "hours", "activities", "reflection")}
        try:
            services.day_log_correct(user=request.user, log=log, data=data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("記録を修正し、指導担当者に再確認を依頼しました。"))
            return redirect("curricula:placement_detail", pk=log.placement_id)
    events = log.events.select_related("user")
    return render(request, "curricula/day_log_edit.html", {"log": log, "form": form, "events": events})


# --- placements ------------------------------------------------------------------------------------


# Module-level labels are lazy: each page reads them in its reader's language.
STATES = {
    "missing": gettext_lazy("未記録の日あり"),
    "pending": gettext_lazy("確認待ちあり"),
    "rejected": gettext_lazy("差し戻しあり"),
    "unsigned": gettext_lazy("三者協定が未締結（実習中・実習前）"),
    "evaluation": gettext_lazy("指導担当者の評価が期限間近・期限切れ"),
    "overdue": gettext_lazy("指導担当者の評価が期限切れ"),
    "diary": gettext_lazy("日誌が教員のコメント待ち"),
}


@login_required
@reads_replica
def placement_list(request):
    user = request.user
    placements = selectors.placements_for_user(user=user)
    kind = request.GET.get("kind")
    if kind in PlacementKind.values:
        placements = placements.filter(kind=kind)
    if not may_see_named_students(user):
        return _placement_counts(request, kind if kind in PlacementKind.values else None)
    company = plain_int(request.GET.get("company"))
    if company:
        placements = placements.filter(company_id=company)
    consortium = plain_int(request.GET.get("consortium"))
    if consortium:
        placements = placements.filter(student__school__consortia=consortium)
    state = request.GET.get("state")
    if state in STATES:
        placements = selectors.in_work_state(placements, state)
    if request.GET.get("export") in {"csv", "xlsx"}:
        return exporters.PlacementExporter(selectors.with_progress(placements)).response(request.GET["export"])
    # Hours done and expected are worked out for the page's rows only, not for every placement in scope.
    page = Paginator(placements, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_progress(page.object_list)
    context = {
        "page": page,
        "rows": placement_rows(page.object_list, full_names=may_see_full_names(user, Student)),
        "states": STATES,
        "state": state,
        "kinds": PlacementKind.choices,
        "kind": kind,
        "companies": _companies_of(user),
        "company": str(company or ""),
        "consortium": consortium,
        "can_log": may_create(user, DayLog),
        "may_create": may_create(user, Placement),
        "full_names": may_see_full_names(user, Student),
    }
    return render(request, "curricula/placement_list.html", context)


def _companies_of(user):
    from partners.models import Company

    # The companies of the user's own placements (the list's filter offers no company that would empty it), found
    # from those placements rather than from every placement there is.
    placed = visible_to(Placement.objects.order_by(), user).values("company")
    rows = visible_to(Company.objects.filter(pk__in=placed), user).values_list("pk", "name")
    return [(str(pk), name) for pk, name in rows]


def _placement_counts(request, kind):
    """Counts without names, from the running tallies per school and kind (never the millions of day logs)."""
    tallies = visible_to(PlacementTally.objects.order_by(), request.user)
    by_kind = tallies.exclude(kind=ALL_KINDS).values("kind").annotate(n=Sum("placements")).order_by("kind")
    chosen = tallies.filter(kind=kind or ALL_KINDS, placements__gt=0)
    by_prefecture = (
        chosen.values("school__prefecture__name", "school__prefecture__code")
        .annotate(n=Sum("placements"), students=Sum("students"))
        .order_by("school__prefecture__code")
    )
    totals = chosen.aggregate(hours=Sum("confirmed_hours"), at=Max("updated_at"))
    labels = dict(PlacementKind.choices)
    context = {
        "by_kind": [(labels.get(row["kind"], row["kind"]), row["n"]) for row in by_kind if row["n"]],
        "by_prefecture": by_prefecture,
        "confirmed_hours": totals["hours"] or 0,
        "counted_at": totals["at"],
    }
    return render(request, "curricula/placement_counts.html", context)


@login_required
def placement_detail(request, pk):
    user = request.user
    _require_names(user)
    placement = selectors.get_placement_for_user(user, pk)
    today = clock.today()
    placement.progress = selectors.progress(placement, today)
    month = _month(request.GET.get("month"), placement, today)
    logs = placement.logs.all()
    context = {
        "placement": placement,
        "weeks": _calendar(placement, month, today, {log.day: log for log in logs}),
        "month": month,
        "previous_month": (month - datetime.timedelta(days=1)).replace(day=1),
        "next_month": (month + datetime.timedelta(days=32)).replace(day=1),
        "logs": _flagged(placement, DayLog.objects.filter(placement=placement).order_by("-day")),
        "can_change": may_change(user, placement),
        "can_log": may_create(user, DayLog),
        "can_compare": not speaks_for_company(user),
        "fills_mentor": acts_for_company(user, placement.company_id),
        "show_guardian": may_see_guardian_contact(user),
        "agreement_form": AgreementForm(initial={"agreement_status": placement.agreement_status}),
        "weekday_header": [label for _day, label in SUNDAY_FIRST],
        "history": selectors.placement_history(placement=placement),
    }
    return render(request, "curricula/placement_detail.html", context)


def _flagged(placement, logs) -> list[DayLog]:
    """The logs, each with `closed_reason` set when its day has since become a holiday or a closed day."""
    rows = list(logs)
    for log in rows:
        log.closed_reason = placement.closed_reason(log.day)
    return rows


def _month(value, placement, today) -> datetime.date:
    try:
        month = datetime.datetime.strptime(value or "", "%Y-%m").date()
        if not 2000 <= month.year <= 2100:
            raise ValueError(value)
        return month
    except ValueError:
        anchor = min(max(today, placement.starts_on), placement.ends_on)
        return anchor.replace(day=1)


def _calendar(placement, month, today, by_day):
    """Weeks (Sunday first, as Japanese calendars are) of cells: the day and its state."""
    weeks = []
    pattern = set(placement.pattern_days())
    for week in calendar.Calendar(firstweekday=6).monthdatescalendar(month.year, month.month):
        cells = []
        for day in week:
            log = by_day.get(day)
            if day.month != month.month:
                state = "outside"
            elif log is not None:
                state = "absent" if log.attendance == "absent" else log.status
            elif placement.is_expected_on(day):
                state = "missing" if day <= today else "planned"
            elif day in pattern:
                state = "closed"
            else:
                state = "none"
            closed = placement.closed_reason(day) if day.month == month.month else None
            cells.append({"day": day, "state": state, "log": log, "closed": closed})
        weeks.append(cells)
    return weeks


@login_required
def placement_agreement(request, pk):
    """The 三者協定: its status and the signed scan (GET shows the form on the placement page)."""
    placement = selectors.get_placement_for_user(request.user, pk, change=True)
    _require_names(request.user)
    form = AgreementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_agreement_update(
                user=request.user,
                placement=placement,
                status=form.cleaned_data["agreement_status"],
                scan=form.cleaned_data["agreement_scan"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("三者協定の状況を更新しました。"))
        return redirect("curricula:placement_detail", pk=placement.pk)
    return render(request, "curricula/agreement_form.html", {"placement": placement, "form": form})


@login_required
def placement_agreement_pdf(request, pk):
    _require_names(request.user)
    placement = selectors.get_placement_for_user(request.user, pk)
    return documents.agreement_response(placement, show_guardian=may_see_guardian_contact(request.user))


@login_required
def placement_agreement_scan(request, pk):
    _require_names(request.user)
    placement = selectors.get_placement_for_user(request.user, pk)
    if not placement.agreement_scan:
        raise Http404
    from django.http import FileResponse

    name = placement.agreement_scan.name.rsplit("/", 1)[-1]
    return FileResponse(placement.agreement_scan.open("rb"), as_attachment=True, filename=name)


# --- day logs, students, curricula ---------------------------------------------------------------------


LOG_STATES = {"missing": gettext_lazy("未記録"), **{value: label for value, label in LogStatus.choices}}


@login_required
@reads_replica
def day_log_list(request):
    """Logged days by status, or the expected days without a log (`?state=missing`); Excel of the logs."""
    user = request.user
    state = request.GET.get("state") or ""
    if not may_see_named_students(user):
        logs = selectors.day_logs_for_user(user=user).order_by()
        counts = logs.values("status").annotate(n=Count("pk"), hours=Sum("hours"))
        labels = dict(LogStatus.choices)
        rows = [(labels.get(row["status"], row["status"]), row["n"], row["hours"]) for row in counts]
        return render(request, "curricula/day_log_counts.html", {"rows": rows})
    if state == "missing":
        page = Paginator(selectors.missing_day_rows(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = [(row.placement, row.day) for row in page.object_list]
        return render(
            request,
            "curricula/day_log_list.html",
            {
                "page": page,
                "state": state,
                "states": LOG_STATES,
                "missing": True,
                "can_log": may_create(user, DayLog),
                "log_url": day_urls("curricula:log_day"),
            },
        )
    logs = selectors.day_logs_for_user(user=user)
    if state in LogStatus.values:
        logs = logs.filter(status=state)
    if request.GET.get("export") in {"csv", "xlsx"}:
        return exporters.DayLogExporter(logs).response(request.GET["export"])
    page = Paginator(logs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.flag_closed_logs(page.object_list)
    for log in page.object_list:
        # The closed day's name (New Year's Day) escaped as curricula/_closed_badge.html prints it, for the rows.
        log.closed_label = conditional_escape(holiday(log.closed_reason)) if log.closed_reason else ""
    context = {"page": page, "state": state, "states": LOG_STATES, "missing": False}
    return render(request, "curricula/day_log_list.html", context)


@login_required
def student_list(request):
    user = request.user
    students = selectors.students_for_user(user=user)
    if not may_see_named_students(user):
        counts = (
            students.order_by()
            .values("school__prefecture__name", "school__prefecture__code")
            .annotate(n=Count("pk"), placed=Count("placements__student", distinct=True))
            .order_by("school__prefecture__code")
        )
        return render(request, "curricula/student_counts.html", {"counts": counts})
    page = Paginator(students, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "fiscal_year": _fy(), "may_create": may_create(user, Student)}
    # Who may print class codes may also undo a student's link to their row.
    context["may_unlink"] = may_create(user, ClassCode)
    context.update(roster_context(user, page))
    return render(request, "curricula/student_list.html", context)


def _fy():
    from meister.fiscal import current_fiscal_year

    return current_fiscal_year()


@login_required
def student_record_pdf(request, pk):
    """The printable practice record (実習記録) of one student: every placement and day."""
    _require_names(request.user)
    student = selectors.get_student_for_user(request.user, pk)
    placements = selectors.with_progress(selectors.placements_for_user(user=request.user).filter(student=student))
    logs = visible_to(DayLog.objects.filter(placement__student=student), request.user).select_related(
        "placement", "placement__company"
    )
    sheets = evaluation_sheets(placements, with_self=not speaks_for_company(request.user))
    diaries = visible_to(
        DiaryEntry.objects.filter(placement__student=student).exclude(status=DiaryStatus.DRAFT), request.user
    ).select_related("placement__company")
    return documents.student_record_response(
        student, placements, logs.order_by("day"), sheets, diaries=diaries.order_by("day")
    )


@login_required
def subject_list(request):
    user = request.user
    subjects = list(selectors.subjects_for_user(user=user))
    context = {
        "subjects": subjects,
        "sessions": selectors.sessions_for_user(user=user)[:30],
        "projects": selectors.projects_for_user(user=user)[:30],
        "agreement_statuses": AgreementStatus.choices,
    }
    return render(request, "curricula/subject_list.html", context)


@login_required
@reads_replica
def destination_summary(request):
    """Graduates' destinations as counts only, so every role (the ministry too) may see them."""
    fiscal_year = fiscal_year_from(request.GET.get("year"))
    context = selectors.destination_summary(user=request.user, fiscal_year=fiscal_year)
    context["year"] = fiscal_year
    return render(request, "curricula/destination_summary.html", context)


@login_required
def placement_create(request):
    if not may_create(request.user, Placement):
        raise PermissionDenied
    form = PlacementForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        placement = save_in_scope(
            form, lambda: services.placement_save(user=request.user, placement=form.save(commit=False))
        )
        if placement:
            messages.success(request, _("実習の受入れを登録しました。"))
            return redirect(placement)
    return render(
        request,
        "curricula/form.html",
        {"form": form, "title": _("実習の受入れを登録"), "cancel_url": reverse("curricula:placement_list")},
    )


@login_required
def student_create(request):
    if not may_create(request.user, Student):
        raise PermissionDenied
    form = StudentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if save_in_scope(form, lambda: services.student_save(user=request.user, student=form.save(commit=False))):
            messages.success(request, _("生徒を登録しました。"))
            return redirect("curricula:student_list")
    return render(
        request,
        "curricula/form.html",
        {"form": form, "title": _("生徒を登録"), "cancel_url": reverse("curricula:student_list")},
    )
