"""The school's roster: importing it from the 校務支援システム (with a template to fill) and the April rollover."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from curricula.exporters import RosterTemplateExporter
from curricula.models import DestinationKind, EnrolmentStatus, Placement, Rollover, Student
from curricula.oneroster import ONEROSTER_FILES, oneroster_table
from curricula.rosters import RosterImporter, duplicate_notes, likely_duplicates
from curricula.services.rollover import (
    destination_choice,
    rollover_plan,
    rollover_run,
    rollover_undo,
    rollover_undo_refusal,
)
from meister.fiscal import current_fiscal_year
from meister.importing import ImportProblem, ImportUploadForm, RowStatus, import_commit, import_preview, map_rows
from meister.importing.reading import MAX_ROWS, max_upload_bytes, too_large_message
from meister.scoping import get_for_user, may_change, may_import, may_see_full_names, own_school_id, visible_to
from meister.validators import plain_int
from partners.models import School


def _may_import(user) -> bool:
    return may_import(user, Student, roles=RosterImporter.import_roles)


class RosterTargetMixin:
    """The school (a teacher's own) and the fiscal year a roster is for."""

    def _target_fields(self, user):
        self.fields["school"] = forms.ModelChoiceField(label=gettext_lazy("学校"), queryset=School.objects.none())
        self.fields["fiscal_year"] = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
        schools = visible_to(School.objects.order_by("name"), user)
        if own_school_id(user):
            schools = schools.filter(pk=own_school_id(user))
        self.fields["school"].queryset = schools
        if schools.count() == 1:
            self.fields["school"].initial = schools.first()
        self.fields["fiscal_year"].initial = current_fiscal_year()
        self.order_fields(["school", "fiscal_year"])


class RosterUploadForm(RosterTargetMixin, ImportUploadForm):
    """The 校務支援システム's file, with the school and year it is for."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._target_fields(user)


class OneRosterUploadForm(RosterTargetMixin, forms.Form):
    """OneRoster (Japan Profile) CSV files; `table` holds the roster's rows once the form is valid."""

    users = forms.FileField(label="users.csv", widget=forms.FileInput(attrs={"accept": ".csv"}))
    enrollments = forms.FileField(label="enrollments.csv", widget=forms.FileInput(attrs={"accept": ".csv"}))
    classes = forms.FileField(label="classes.csv", widget=forms.FileInput(attrs={"accept": ".csv"}))
    department = forms.CharField(
        label=gettext_lazy("学科"),
        required=False,
        max_length=100,
        help_text=gettext_lazy(
            "OneRoster には学科がないため、この学科で登録します（学科が1つの学校では空欄で構いません）。"
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._target_fields(user)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        limit = max_upload_bytes()
        files = {}
        for name in ONEROSTER_FILES:
            upload = data[name]
            if upload.size > limit:
                self.add_error(name, too_large_message(upload.size, limit))
                return data
            files[name] = upload.read()
        try:
            self.table = oneroster_table(
                files, school=data["school"], fiscal_year=data["fiscal_year"], department=data["department"]
            )
        except ImportProblem as problem:
            raise ValidationError(problem.message, code="format") from None
        return data


def roster_context(user, page) -> dict:
    """What the student list adds for the roster: full names where allowed, likely duplicates, the roster's pages."""
    full_names = may_see_full_names(user, Student)
    school = own_school_id(user)
    return {
        "full_names": full_names,
        "duplicates": duplicate_notes(page.object_list, user),
        "may_import_roster": _may_import(user),
        "rollover_school": school,
    }


@login_required
def roster_import(request):
    """Upload, check every row (nothing is written), then take the whole file in, or nothing of it."""
    if not _may_import(request.user):
        raise PermissionDenied
    oneroster = request.POST.get("source") == "oneroster"
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    file_form = RosterUploadForm(None if oneroster else data, None if oneroster else files, user=request.user)
    oneroster_form = OneRosterUploadForm(data if oneroster else None, files if oneroster else None, user=request.user)
    form = oneroster_form if oneroster else file_form
    result = problem = importer = None
    duplicates: dict = {}
    if request.method == "POST" and form.is_valid():
        importer = RosterImporter(form.cleaned_data["school"], form.cleaned_data["fiscal_year"])
        try:
            parsed = map_rows(importer=importer, table=form.table)
        except ImportProblem as error:
            problem = error.message
        else:
            if request.POST.get("action") == "commit":
                try:
                    result = import_commit(importer=importer, rows=parsed.rows, user=request.user)
                except IntegrityError:
                    # Another upload for the same school got there between the check and the write.
                    problem = _("同じ時に別の取り込みで名簿が変わりました。もう一度確認してください。")
                    result = None
                if result is not None and result.committed:
                    messages.success(
                        request,
                        _("取り込みました。新規 %(new)s 件、更新 %(update)s 件、変更なし %(unchanged)s 件です。")
                        % result.counts,
                    )
                    return redirect("curricula:student_list")
                if result is not None:
                    messages.error(
                        request,
                        _(
                            "エラーのある行があるため、何も取り込んでいません。"
                            "ファイルを直して、もう一度アップロードしてください。"
                        ),
                    )
            else:
                result = import_preview(importer=importer, rows=parsed.rows, user=request.user)
            if result is not None:
                flagged = likely_duplicates(importer.school, parsed.rows)
                duplicates = {number: flagged[kind, number] for kind, number in flagged if kind == "row"}
    rows = [(row, duplicates.get(row.number, [])) for row in result.rows] if result else []
    context = {
        "form": file_form,
        "oneroster_form": oneroster_form,
        "fields": RosterImporter.fields,
        "result": result,
        "rows": rows,
        "problem": problem,
        "max_rows": MAX_ROWS,
        "statuses": dict(RowStatus.choices),
    }
    return render(request, "curricula/roster_import.html", context)


@login_required
def roster_template_download(request, fmt):
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    if not _may_import(request.user):
        raise PermissionDenied
    return RosterTemplateExporter().response(fmt)


# --- the rollover -----------------------------------------------------------------------------------------------


def _posted_choices(request, plan) -> tuple[dict, dict]:
    leaving = {}
    for enrolment in plan.leaving:
        status = request.POST.get(f"leaving-{enrolment.student_id}", EnrolmentStatus.TRANSFERRED)
        if status not in (EnrolmentStatus.TRANSFERRED, EnrolmentStatus.WITHDRAWN):
            raise ValidationError(_("転学か退学を選んでください。"))
        leaving[enrolment.student_id] = status
    companies = {
        p.company_id: p.company
        for p in Placement.objects.filter(student__in=[e.student_id for e in plan.graduating]).select_related("company")
    }
    destinations = {}
    for enrolment in plan.graduating:
        chosen = destination_choice(
            request.POST.get(f"destination-{enrolment.student_id}", ""),
            request.POST.get(f"company-{enrolment.student_id}", ""),
            companies,
        )
        if chosen:
            destinations[enrolment.student_id] = chosen
    return leaving, destinations


@login_required
def rollover(request, school_pk):
    """年度更新 of one school: the preview, the run (once per year) and its undo."""
    school = get_for_user(request.user, School, pk=school_pk)
    if not may_change(request.user, Rollover(school=school)):
        raise PermissionDenied
    fiscal_year = plain_int(request.GET.get("year"), lowest=2000, highest=2100) or current_fiscal_year()
    url = f"{reverse('curricula:rollover', args=[school.pk])}?year={fiscal_year}"
    if request.method == "POST":
        plan = rollover_plan(school=school, fiscal_year=fiscal_year)
        try:
            if request.POST.get("action") == "undo":
                if plan.done is None:
                    raise ValidationError(_("元に戻す年度更新はありません。"))
                rollover_undo(user=request.user, rollover=plan.done)
                messages.success(request, _("%(year)s年度の年度更新を元に戻しました。") % {"year": fiscal_year})
            else:
                leaving, destinations = _posted_choices(request, plan)
                rollover_run(
                    user=request.user,
                    school=school,
                    fiscal_year=fiscal_year,
                    leaving=leaving,
                    destinations=destinations,
                )
                messages.success(request, _("%(year)s年度への年度更新を実行しました。") % {"year": fiscal_year})
        except ValidationError as refusal:
            for message in refusal.messages:
                messages.error(request, message)
        return redirect(url)
    plan = rollover_plan(school=school, fiscal_year=fiscal_year)
    graduates = [e.student_id for e in plan.graduating]
    hosts: dict = {}
    for placement in Placement.objects.filter(student__in=graduates).select_related("company"):
        hosts.setdefault(placement.student_id, {})[placement.company_id] = placement.company
    context = {
        "school": school,
        "plan": plan,
        "fiscal_year": fiscal_year,
        "full_names": may_see_full_names(request.user, Student),
        "undo_refusal": rollover_undo_refusal(plan.done) if plan.done else None,
        "destination_kinds": DestinationKind.choices,
        "leaving_statuses": [(s.value, s.label) for s in (EnrolmentStatus.TRANSFERRED, EnrolmentStatus.WITHDRAWN)],
        "hosts": {pk: list(companies.values()) for pk, companies in hosts.items()},
        "previous_url": f"{reverse('curricula:rollover', args=[school.pk])}?year={fiscal_year - 1}",
        "next_url": f"{reverse('curricula:rollover', args=[school.pk])}?year={fiscal_year + 1}",
    }
    return render(request, "curricula/rollover.html", context)
