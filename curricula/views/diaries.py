"""The practice diary: the student's days and the page to write one (a phone page, its text kept in the browser
until saved so that an expired session loses nothing), the teacher's and mentor's reading with comments and the
return for rework, and the photo, served only to those who may read the diary."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from curricula import links, selectors
from curricula.models import DiaryEntry
from curricula.services import diaries as services
from meister import signed_links
from meister.middleware import for_students
from meister.scoping import (
    acts_for_company,
    get_for_user,
    may_change,
    may_see_named_students,
    own_student_record,
)


class DiaryForm(forms.Form):
    did = forms.CharField(
        label=_("今日したこと"),
        required=False,
        max_length=services.TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    learned = forms.CharField(
        label=_("学んだこと・気づいたこと"),
        required=False,
        max_length=services.TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    photo = forms.FileField(
        label=_("写真（任意）"), required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )
    remove_photo = forms.BooleanField(label=_("写真を外す"), required=False)


def _shared_entry(user, pk) -> DiaryEntry:
    if not may_see_named_students(user):
        raise PermissionDenied
    rows = DiaryEntry.objects.select_related("placement", "placement__student", "placement__company")
    entry = get_for_user(user, rows, pk=pk)
    if not entry.shared:
        raise Http404  # a draft is the student's alone
    return entry


@login_required
def diary_detail(request, pk):
    """One submitted diary for the school side and the host company: comments, the return for rework, history."""
    user = request.user
    entry = _shared_entry(user, pk)
    school_side = may_change(user, entry.placement)
    mentor_side = acts_for_company(user, entry.placement.company_id)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        comment = request.POST.get("comment", "")
        try:
            if action == "return" and school_side:
                services.diary_return(user=user, entry=entry, comment=comment)
                messages.success(request, _("日誌を生徒に戻しました。"))
            elif action == "comment" and school_side:
                services.diary_teacher_comment(user=user, entry=entry, comment=comment)
                messages.success(request, _("コメントを保存しました。"))
            elif action == "mentor_comment" and mentor_side:
                actor = user.get_full_name() or user.username
                services.diary_mentor_comment(entry=entry, comment=comment, actor=actor, user=user)
                messages.success(request, _("コメントを保存しました。"))
            else:
                raise PermissionDenied
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            return redirect("curricula:diary_detail", pk=entry.pk)
    history = entry.history.select_related("history_user").order_by("-history_date")[:20]
    context = {
        "entry": entry,
        "placement": entry.placement,
        "school_side": school_side,
        "mentor_side": mentor_side,
        "error": error,
        "typed": request.POST.get("comment", "") if error else "",
        "history": history,
    }
    return render(request, "curricula/diary_detail.html", context, status=400 if error else 200)


def _photo_response(entry):
    if not entry.photo:
        raise Http404
    response = FileResponse(entry.photo.open("rb"), content_type=_photo_type(entry.photo.name))
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _photo_type(name: str) -> str:
    return "image/png" if name.endswith(".png") else "image/jpeg"


@for_students
@login_required
def diary_photo(request, pk):
    entry = _readable_entry(request.user, pk)
    return _photo_response(entry)


def _readable_entry(user, pk) -> DiaryEntry:
    own = selectors.own_diary_entry(user=user, pk=pk)
    return own if own is not None else _shared_entry(user, pk)


@never_cache
def diary_link_photo(request, token, pk):
    """A diary's photo on the mentor's confirmation page reached by the e-mailed link."""
    try:
        mentor = links.mentor_for_token(token)
    except signed_links.BadLink as error:
        return signed_links.refused(request, error, links.CONFIRMATION)
    entry = DiaryEntry.objects.filter(pk=pk, placement__mentor=mentor).select_related("placement").first()
    if entry is None or not entry.shared:
        raise Http404
    return _photo_response(entry)


def practice_day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404 from None


# --- the student's side ---------------------------------------------------------------------------------------------


def _writer_placement(user, pk):
    """The placement whose diary `user` may write: their own as a student, or, for a teacher of the school, one of a
    student who has no account yet."""
    placement = selectors.get_placement_for_user(user, pk)
    if own_student_record(user) is not None:
        return placement  # visible_to already limited a student to their own placements
    if may_change(user, placement) and placement.student.account_id is None:
        return placement
    raise PermissionDenied


@for_students
@login_required
def diary_home(request):
    """The student's practice days, newest first, each with its diary's state; and the self-evaluations due."""
    student = own_student_record(request.user)
    if student is None:
        raise PermissionDenied
    context = selectors.student_diary_days(student=student)
    return render(request, "curricula/diary_home.html", context)


@for_students
@login_required
def diary_write(request, pk, day):
    """One day's diary on a phone: save a draft or submit; a missing part keeps it a draft with the problem shown."""
    placement = _writer_placement(request.user, pk)
    day = practice_day(day)
    problem = services.day_problem(placement, day)
    if problem:
        messages.error(request, problem)
        if own_student_record(request.user) is not None:
            return redirect("curricula:diary_home")
        return redirect("curricula:placement_detail", pk=placement.pk)
    entry = services.diary_for(placement, day)
    form = DiaryForm(
        request.POST or None,
        request.FILES or None,
        initial={"did": entry.did, "learned": entry.learned},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            submit = request.POST.get("action") == "submit"
            try:
                problems = services.diary_save(
                    user=request.user,
                    entry=entry,
                    did=data["did"],
                    learned=data["learned"],
                    photo=data["photo"] or None,
                    remove_photo=data["remove_photo"],
                    submit=submit,
                )
            except ValidationError as error:
                form.add_error(None, error)
                problems = None
            if problems == {}:
                messages.success(request, _("日誌を提出しました。") if submit else _("下書きを保存しました。"))
                return redirect(request.path)
            for field, message in (problems or {}).items():
                form.add_error(field, message)
            if problems:
                form.add_error(None, _("下書きとして保存しました。赤字の箇所を直してから提出してください。"))
            entry = services.diary_for(placement, day)
        status = 400
    context = {
        "placement": placement,
        "day": day,
        "entry": entry,
        "form": form,
        "locked": entry.status == "submitted",
        "version": f"{entry.pk or 0}-{entry.updated_at.timestamp() if entry.updated_at else 0}",
    }
    return render(request, "curricula/diary_write.html", context, status=status)
