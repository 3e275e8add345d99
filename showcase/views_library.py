"""The teaching-content library: search, a preview in the page, downloads, contributions and publishing.

Reading goes through `selectors.materials_for_user` (scope from `meister.scoping`, then the usage terms);
changing through `selectors.get_material_to_change`. A material the visitor may not see answers 404 on every
page, its edit page too; one they read but may not change answers 403 there.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meister.scoping import may_change, may_create, save_in_scope
from partners.models import CourseCategory
from showcase import selectors, services
from showcase.forms import MaterialForm
from showcase.models import Material, MaterialKind, UsageTerms
from showcase.ranges import ranged_response

PAGE_SIZE = 24


def material_list(request):
    """Anyone may search: a visitor without a login sees the public materials, as a public material's page opens
    for them too."""
    query = request.GET.get("q", "").strip()[:100]
    category = request.GET.get("category", "")
    category = category if category in CourseCategory.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in MaterialKind.values else ""
    usage = request.GET.get("usage", "")
    usage = usage if usage in UsageTerms.values else ""
    grade = request.GET.get("grade", "")
    grade = int(grade) if grade in {"1", "2", "3", "4"} else None
    materials = selectors.library_search(
        request.user, query=query, category=category, grade=grade, kind=kind, usage=usage
    )
    page = Paginator(materials, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": query,
        "category": category,
        "kind": kind,
        "usage": usage,
        "grade": grade,
        "categories": CourseCategory.choices,
        "kinds": MaterialKind.choices,
        "usages": UsageTerms.choices,
        "may_create": request.user.is_authenticated and may_create(request.user, Material),
    }
    return render(request, "showcase/material_list.html", context)


def material_detail(request, pk):
    material = selectors.get_material_for_user(request.user, pk)
    can_change = request.user.is_authenticated and may_change(request.user, material)
    context = {
        "material": material,
        "can_change": can_change,
        "events": selectors.publication_events(material) if selectors.may_see_history(request.user, material) else [],
    }
    return render(request, "showcase/material_detail.html", context)


def _stored_file(material):
    if not material.file:
        raise Http404
    return material.file.open("rb")


def material_file(request, pk):
    """The file inline for the page's player or viewer, with Range support so that a video can seek."""
    material = selectors.get_material_for_user(request.user, pk)
    opened = _stored_file(material)
    filename = material.file.name.rsplit("/", 1)[-1]
    response = ranged_response(
        request, opened, size=material.file.size, content_type=material.content_type, filename=filename
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


def material_captions(request, pk):
    """A video's captions for the page's player, to whoever may see the video itself."""
    material = selectors.get_material_for_user(request.user, pk)
    if not material.captions:
        raise Http404
    opened = material.captions.open("rb")
    response = ranged_response(
        request, opened, size=material.captions.size, content_type="text/vtt; charset=utf-8", filename="captions.vtt"
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


def material_download(request, pk):
    material = selectors.get_material_for_user(request.user, pk)
    if material.link and not material.file:
        services.download_recorded(material=material)
        return HttpResponseRedirect(material.link)
    opened = _stored_file(material)
    services.download_recorded(material=material)
    extension = material.file.name.rsplit(".", 1)[-1]
    filename = f"{material.title}.{extension}"
    return ranged_response(
        request,
        opened,
        size=material.file.size,
        content_type=material.content_type,
        filename=filename,
        as_attachment=True,
    )


def material_preview(request, pk):
    material = selectors.get_material_for_user(request.user, pk)
    if not material.preview:
        raise Http404
    opened = material.preview.open("rb")
    response = ranged_response(
        request, opened, size=material.preview.size, content_type="image/png", filename="preview.png"
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def material_create(request):
    if not may_create(request.user, Material):
        raise PermissionDenied
    return _material_form(request, Material(), _("教材を登録"))


@login_required
def material_edit(request, pk):
    material = selectors.get_material_to_change(request.user, pk)
    return _material_form(request, material, _("教材を編集"))


def _material_form(request, material, title):
    form = MaterialForm(request.POST or None, request.FILES or None, instance=material, user=request.user)
    if request.method == "POST" and form.is_valid():
        # A refused form stays bound, so everything typed is shown again; only the file must be chosen again.
        saved = save_in_scope(
            form,
            lambda: services.material_save(
                user=request.user,
                material=form.save(commit=False),
                upload=form.cleaned_data.get("upload"),
                captions=form.cleaned_data.get("captions_upload"),
            ),
        )
        if saved:
            messages.success(request, _("教材を保存しました。公開するまで他の人には表示されません。"))
            return redirect(saved)
    context = {"form": form, "title": title, "material": material}
    return render(request, "showcase/material_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def material_publish(request, pk):
    material = selectors.get_material_to_change(request.user, pk)
    published = request.POST.get("action") == "publish"
    services.publication_set(user=request.user, obj=material, published=published)
    messages.success(request, _("教材を公開しました。") if published else _("教材の公開を取り下げました。"))
    return redirect(material)
