"""The mentor's confirmation of the days logged: on the company's page when signed in, or through the signed link
from the e-mail, which needs no account. Errors stand at the card they concern; "confirm all" can be taken back
for a few minutes (CONFIRM_ALL_UNDO_MINUTES) by the browser that did it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from curricula import links, selectors, services
from curricula.forms import ReviewForm
from curricula.models import DayLog
from curricula.services import diaries as diary_services
from meister import clock, signed_links
from meister.links import row_urls
from meister.scoping import may_confirm_days

# --- confirmation by the mentor ------------------------------------------------------------------


def _review(request, logs, *, user, actor):
    """Handle a confirm/reject POST for one of `logs`; returns the bound form when it has errors."""
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return form
    log = next((log for log in logs if log.pk == form.cleaned_data["log"]), None)
    if log is None:
        raise Http404
    comment = form.cleaned_data["comment"].strip()
    diary_comment = request.POST.get("diary_comment", "").strip()
    try:
        if diary_comment and getattr(log, "diary", None) is not None:
            diary_services.diary_mentor_comment(entry=log.diary, comment=diary_comment, actor=actor, user=user)
        if form.cleaned_data["decision"] == "confirm":
            services.day_log_confirm(log=log, user=user, actor=actor, feedback=comment)
            messages.success(request, _("%(student)s さんの%(day)sの記録を確認しました。") % _log_words(log))
        else:
            services.day_log_reject(log=log, user=user, actor=actor, reason=comment)
            messages.success(request, _("%(student)s さんの%(day)sの記録を差し戻しました。") % _log_words(log))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return None


UNDO_KEY = "confirm_all_undo"  # in the session: what this browser's last "confirm all" confirmed


def _confirm_all(request, logs, *, user, actor):
    try:
        batch = services.day_logs_confirm_all(logs=logs, user=user, actor=actor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return
    count = len(batch["logs"])
    if count:
        request.session[UNDO_KEY] = batch
    messages.success(request, _("%(count)s件の記録を確認しました。") % {"count": count})


def _undo_confirm_all(request, among, *, user, actor):
    batch = request.session.pop(UNDO_KEY, None)
    if not batch:
        messages.error(request, _("取り消せる「すべて確認する」はありません。"))
        return
    try:
        count = services.day_logs_unconfirm(batch=batch, among=among, user=user, actor=actor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return
    messages.success(request, _("%(count)s件の確認を取り消し、確認待ちに戻しました。") % {"count": count})


def _undo_offer(request) -> dict | None:
    """What the page offers to take back: the count and the moment the offer ends, while it lasts."""
    batch = request.session.get(UNDO_KEY)
    if not batch:
        return None
    until = services.confirm_all_undo_deadline(batch)
    if clock.now() > until:
        del request.session[UNDO_KEY]
        return None
    return {"count": len(batch["logs"]), "until": until}


def _review_context(logs, failed, *, token=None, **extra) -> dict:
    failed_pk = failed.cleaned_data.get("log") if failed is not None else None
    photo_url = _photo_urls(token)
    return {"logs": logs, "failed": failed, "failed_pk": failed_pk, "token": token, "photo_url": photo_url, **extra}


def _photo_urls(token=None):
    """A diary photo's address by the diary's key, for the cards' fragment: through the mentor's signed link when
    the page was opened by one, else the signed-in page's."""
    if token is None:
        return row_urls("curricula:diary_photo")
    return lambda pk: reverse("curricula:diary_link_photo", args=[token, pk])


def _with_diaries(logs) -> list[DayLog]:
    """The logs, each with the student's shared diary of that day (or None) as `diary`: one query more."""
    logs = list(logs)
    diaries = selectors.shared_diaries_for_logs(logs)
    for log in logs:
        log.diary = diaries.get((log.placement_id, log.day))
    return logs


def _log_words(log):
    return {"student": log.placement.student.kana_name, "day": f"{log.day:%m/%d}"}


@login_required
def confirmations(request):
    """The company's pending days for a logged-in mentor."""
    user = request.user
    if not may_confirm_days(user):
        raise PermissionDenied
    logs = _with_diaries(selectors.pending_logs_for_user(user=user))
    failed = None
    if request.method == "POST":
        actor = user.get_full_name() or user.username
        if request.POST.get("all") == "1":
            _confirm_all(request, logs, user=user, actor=actor)
            return redirect("curricula:confirmations")
        if request.POST.get("undo") == "1":
            _undo_confirm_all(request, selectors.day_logs_for_user(user=user), user=user, actor=actor)
            return redirect("curricula:confirmations")
        failed = _review(request, logs, user=user, actor=actor)
        if failed is None:
            return redirect("curricula:confirmations")
    context = _review_context(logs, failed, via_link=False, undo=_undo_offer(request))
    return render(request, "curricula/confirm.html", context)


@never_cache
@csrf_protect
def confirm_link(request, token):
    """The same page through a signed, expiring link: no account needed, only that mentor's days."""
    try:
        mentor = links.mentor_for_token(token)
    except signed_links.BadLink as error:
        return signed_links.refused(request, error, links.CONFIRMATION)
    logs = _with_diaries(selectors.pending_logs_for_mentor(mentor=mentor))
    failed = None
    if request.method == "POST":
        actor = _("%(name)s（メールのリンクから）") % {"name": mentor.name}
        if request.POST.get("all") == "1":
            _confirm_all(request, logs, user=None, actor=actor)
            return redirect(request.path)
        if request.POST.get("undo") == "1":
            among = DayLog.objects.filter(placement__mentor=mentor)
            _undo_confirm_all(request, among, user=None, actor=actor)
            return redirect(request.path)
        failed = _review(request, logs, user=None, actor=actor)
        if failed is None:
            return redirect(request.path)
    context = _review_context(logs, failed, via_link=True, mentor=mentor, token=token, undo=_undo_offer(request))
    return render(request, "curricula/confirm.html", context)
