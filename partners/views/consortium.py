"""What a consortium records in the portal: meetings with action items, support consultations, its
連携段階 per year, designations (by the prefecture), and 産業実務家教員 hours at its schools."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from meister.fiscal import fiscal_year_from
from meister.scoping import get_for_user, may_change, save_in_scope
from partners import selectors, services
from partners.forms import (
    ActionItemFormSet,
    ConsultationForm,
    DesignationForm,
    MeetingForm,
    StageForm,
    TeachingForm,
)
from partners.models import ConsortiumStage, Designation, Meeting, PractitionerTeaching, SupportConsultation


def _consortium_for_recording(request, pk, model):
    consortium = selectors.get_consortium_for_user(request.user, pk)
    if not may_change(request.user, model(consortium=consortium)):
        raise PermissionDenied
    return consortium


def _render(request, form, consortium, title, formset=None):
    return render(
        request, "partners/record_form.html", {"form": form, "formset": formset, "target": consortium, "title": title}
    )


@login_required
def meeting_create(request, pk):
    consortium = _consortium_for_recording(request, pk, Meeting)
    return _meeting_form(request, Meeting(consortium=consortium))


@login_required
def meeting_edit(request, pk):
    meeting = get_for_user(request.user, Meeting.objects.select_related("consortium"), change=True, pk=pk)
    return _meeting_form(request, meeting)


def _meeting_form(request, meeting):
    form = MeetingForm(request.POST or None, instance=meeting)
    items = ActionItemFormSet(request.POST or None, instance=meeting, prefix="items")
    if request.method == "POST" and form.is_valid() and items.is_valid():
        saved = save_in_scope(
            form,
            lambda: services.meeting_save(
                user=request.user,
                meeting=form.save(commit=False),
                action_items=items.save(commit=False),
                action_items_removed=items.deleted_objects,
            ),
        )
        if saved:
            messages.success(request, _("会議の記録を保存しました。"))
            return redirect(meeting.consortium.get_absolute_url() + "#meetings")
    return _render(request, form, meeting.consortium, _("会議の記録"), formset=items)


@login_required
def consultation_create(request, pk):
    consortium = _consortium_for_recording(request, pk, SupportConsultation)
    return _simple_form(
        request, ConsultationForm, SupportConsultation(consortium=consortium), _("伴走支援の相談"), with_user=True
    )


@login_required
def consultation_edit(request, pk):
    consultation = get_for_user(
        request.user, SupportConsultation.objects.select_related("consortium"), change=True, pk=pk
    )
    return _simple_form(request, ConsultationForm, consultation, _("伴走支援の相談"), with_user=True)


@login_required
def stage_record(request, pk):
    consortium = _consortium_for_recording(request, pk, ConsortiumStage)
    # One stage per year: recording a year again updates it instead of failing.
    fy = fiscal_year_from(request.POST.get("fiscal_year"))
    existing = consortium.stages.filter(fiscal_year=fy).first() if fy else None
    return _simple_form(request, StageForm, existing or ConsortiumStage(consortium=consortium), _("連携段階"))


@login_required
def designation_create(request, pk):
    consortium = _consortium_for_recording(request, pk, Designation)
    return _simple_form(request, DesignationForm, Designation(consortium=consortium), _("事業指定"))


def _simple_form(request, form_class, instance, title, *, with_user=False):
    extra = {"user": request.user} if with_user else {}
    form = form_class(request.POST or None, instance=instance, **extra)
    if request.method == "POST" and form.is_valid():
        if save_in_scope(
            form, lambda: services.consortium_record_save(user=request.user, record=form.save(commit=False))
        ):
            messages.success(request, _("保存しました。"))
            return redirect(instance.consortium.get_absolute_url())
    return _render(request, form, instance.consortium, title)


@login_required
def teaching_create(request, pk):
    school = selectors.get_school_for_user(request.user, pk)
    if not may_change(request.user, PractitionerTeaching(school=school)):
        raise PermissionDenied
    teaching = PractitionerTeaching(school=school)
    form = TeachingForm(request.POST or None, instance=teaching, user=request.user)
    if request.method == "POST" and form.is_valid():
        if save_in_scope(form, lambda: services.teaching_record(user=request.user, teaching=form.save(commit=False))):
            messages.success(request, _("産業実務家教員の授業時間を記録しました。"))
            return redirect(school.get_absolute_url())
    return render(
        request,
        "partners/record_form.html",
        {"form": form, "target": school, "title": _("産業実務家教員の授業時間を記録")},
    )
