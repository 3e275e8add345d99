"""Registry imports in the browser: upload a file, see what each row would do, then take it all in at once."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

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
from partners.importers import importer_for


def _importer(kind: str, user):
    importer = importer_for(kind)
    if importer is None:
        raise Http404
    if not importer.may_import(user):
        raise PermissionDenied
    return importer


@login_required
def import_upload(request, kind):
    importer = _importer(kind, request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = import_batch_create(
            user=request.user, importer=importer, filename=form.cleaned_data["file"].name, table=form.table
        )
        return redirect("partners:import_preview", pk=batch.pk)
    context = {
        "form": form,
        "importer": importer,
        "kind_label": ImportKind(importer.kind).label,
        "max_size": max_upload_bytes(),
        "max_rows": MAX_ROWS,
        "max_sheet_rows": MAX_SHEET_ROWS,
        "max_columns": MAX_COLUMNS,
        "recent": import_batches_for_user(user=request.user).filter(kind=importer.kind, created_by=request.user)[:10],
    }
    return render(request, "partners/import_upload.html", context)


@login_required
def import_preview(request, pk):
    batch = get_import_batch_for_user(request.user, pk)
    importer = importer_for(batch.kind)
    if importer is None:
        raise Http404  # a batch of another app's importer (the bulk invitation) has its own page
    context = {
        "batch": batch,
        "kind_label": batch.get_kind_display(),
        "statuses": RowStatus,
        "may_commit": batch.status == ImportStatus.PREVIEWED
        and batch.error_count == 0
        and batch.summary.get("rows", 0) > 0
        and importer.may_import(request.user),
    }
    return render(request, "partners/import_preview.html", context)


@login_required
@require_POST
def import_commit(request, pk):
    batch = get_import_batch_for_user(request.user, pk)
    importer = _importer(batch.kind, request.user)
    try:
        result = import_batch_commit(batch=batch, importer=importer, user=request.user)
    except ImportProblem as problem:
        messages.error(request, problem.message)
    else:
        if result.committed:
            messages.success(
                request,
                _("取り込みました。新規 %(new)s 件、更新 %(update)s 件、変更なし %(unchanged)s 件です。")
                % result.counts,
            )
        else:
            messages.error(
                request,
                _(
                    "エラーのある行があるため、何も取り込んでいません。ファイルを直して、もう一度アップロードしてください。"
                ),
            )
    return redirect("partners:import_preview", pk=batch.pk)
