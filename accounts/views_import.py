"""The bulk invitation of teachers in the browser: upload the list, see each row checked, then invite them all."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.importers import TeacherInvitationImporter
from meister.importing import (
    ImportProblem,
    ImportUploadForm,
    RowStatus,
    get_import_batch_for_user,
    import_batch_commit,
    import_batch_create,
    import_batches_for_user,
    max_upload_bytes,
)
from meister.importing.reading import MAX_COLUMNS, MAX_ROWS, MAX_SHEET_ROWS
from meister.models import ImportKind, ImportStatus


def _importer(user) -> TeacherInvitationImporter:
    importer = TeacherInvitationImporter()
    if not importer.may_import(user):
        raise PermissionDenied
    return importer


def _batch(user, pk):
    batch = get_import_batch_for_user(user, pk)
    if batch.kind != ImportKind.TEACHER_INVITATIONS:
        raise Http404
    return batch


@login_required
def bulk_upload(request):
    importer = _importer(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = import_batch_create(
            user=request.user, importer=importer, filename=form.cleaned_data["file"].name, table=form.table
        )
        return redirect("accounts:bulk_preview", pk=batch.pk)
    recent = import_batches_for_user(user=request.user).filter(kind=importer.kind, created_by=request.user)[:10]
    context = {
        "form": form,
        "importer": importer,
        "kind_label": ImportKind(importer.kind).label,
        "max_size": max_upload_bytes(),
        "max_rows": MAX_ROWS,
        "max_sheet_rows": MAX_SHEET_ROWS,
        "max_columns": MAX_COLUMNS,
        "recent": recent,
        "preview_url_name": "accounts:bulk_preview",
    }
    return render(request, "partners/import_upload.html", context)


@login_required
def bulk_preview(request, pk):
    batch = _batch(request.user, pk)
    importer = TeacherInvitationImporter()
    context = {
        "batch": batch,
        "kind_label": batch.get_kind_display(),
        "statuses": RowStatus,
        "may_commit": batch.status == ImportStatus.PREVIEWED
        and batch.error_count == 0
        and batch.summary.get("rows", 0) > 0
        and importer.may_import(request.user),
        "commit_url": reverse("accounts:bulk_commit", args=[batch.pk]),
        "upload_url": reverse("accounts:bulk_upload"),
    }
    return render(request, "partners/import_preview.html", context)


@login_required
@require_POST
def bulk_commit(request, pk):
    batch = _batch(request.user, pk)
    importer = _importer(request.user)
    try:
        result = import_batch_commit(batch=batch, importer=importer, user=request.user)
    except ImportProblem as problem:
        messages.error(request, problem.message)
    else:
        if result.committed:
            messages.success(request, _("%(new)s 人に招待を送りました（招待済み %(unchanged)s 人）。") % result.counts)
            return redirect("accounts:people")
        messages.error(
            request,
            _("エラーのある行があるため、誰も招待していません。ファイルを直して、もう一度アップロードしてください。"),
        )
    return redirect("accounts:bulk_preview", pk=batch.pk)
