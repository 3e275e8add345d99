"""連携協定: list, detail, registration with the signed PDF, and its download — all within scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from meister.scoping import may_change, may_create, save_in_scope
from partners import exporters, selectors, services
from partners.filters import AgreementFilter
from partners.forms import AgreementForm
from partners.models import Agreement
from partners.views import registry_list


@login_required
def agreement_list(request):
    filterset = AgreementFilter(request.GET, queryset=selectors.agreements_for_user(user=request.user))
    return registry_list(
        request,
        filterset=filterset,
        template="partners/agreement_list.html",
        exporter=exporters.AgreementExporter,
        extra={"may_create": may_create(request.user, Agreement)},
    )


@login_required
def agreement_detail(request, pk):
    agreement = selectors.get_agreement_for_user(request.user, pk)
    context = {
        "agreement": agreement,
        "organisations": agreement.organisations.all(),
        "companies": agreement.companies.all(),
        "schools": agreement.schools.all(),
        "can_change": may_change(request.user, agreement),
    }
    return render(request, "partners/agreement_detail.html", context)


@login_required
def agreement_create(request):
    if not may_create(request.user, Agreement):
        raise PermissionDenied
    return _agreement_form(request, Agreement())


@login_required
def agreement_edit(request, pk):
    return _agreement_form(request, selectors.get_agreement_for_user(request.user, pk, change=True))


def _agreement_form(request, agreement):
    form = AgreementForm(request.POST or None, request.FILES or None, instance=agreement, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = save_in_scope(
            form,
            lambda: services.agreement_save(
                user=request.user,
                agreement=form.save(commit=False),
                organisations=data["organisations"],
                companies=data["companies"],
                schools=data["schools"],
            ),
        )
        if saved:
            messages.success(request, _("連携協定を保存しました。"))
            return redirect(agreement)
    return render(
        request,
        "partners/edit.html",
        {"form": form, "object": agreement if agreement.pk else None, "kind": _("連携協定"), "multipart": True},
    )


@login_required
def agreement_document(request, pk):
    agreement = selectors.get_agreement_for_user(request.user, pk)
    if not agreement.document:
        raise Http404
    return FileResponse(
        agreement.document.open("rb"),
        as_attachment=True,
        filename=f"{agreement.title}.pdf",
        content_type="application/pdf",
    )
