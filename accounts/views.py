"""The people page of those who invite, invitations and their link, and changes to a person within scope."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import AcceptForm, InvitationForm, PlacementForm
from meister.models import Role, User
from meister.placing import placeable_kinds
from meister.signed_links import BadLink, refused

PAGE_SIZE = 50


def _inviter(user) -> None:
    """Only those who invite have a people page; the others may not open it (403)."""
    if not placeable_kinds(user):
        raise PermissionDenied


def _show_refusal(request, error: ValidationError, form=None) -> None:
    if form is not None and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
        return
    for message in error.messages:
        if form is not None:
            form.add_error(None, message)
        else:
            messages.error(request, message)


@login_required
def people(request):
    _inviter(request.user)
    context = {
        "page": Paginator(selectors.people_for_user(user=request.user), PAGE_SIZE).get_page(request.GET.get("page")),
        "invitations": selectors.invitations_for_user(user=request.user),
        "roles": selectors.invitable_roles(request.user),
        "may_import": request.user.role == Role.PREFECTURE,
        "mails_left": services.mails_left(request.user),
    }
    return render(request, "accounts/people.html", context)


@login_required
def invite(request, role):
    _inviter(request.user)
    if role not in Role.values:
        raise Http404
    if role not in selectors.invitable_roles(request.user):
        raise PermissionDenied
    form = InvitationForm(request.POST or None, user=request.user, role=role)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(user=request.user, invitation=form.save(commit=False))
        except ValidationError as error:
            _show_refusal(request, error, form)
        except Exception:
            form.add_error(None, _("招待メールを送れませんでした。メールアドレスを確かめて、もう一度お試しください。"))
        else:
            messages.success(request, _("%(email)s に招待を送りました。") % {"email": invitation.email})
            return redirect("accounts:people")
    return render(request, "accounts/invite.html", {"form": form, "role_label": Role(role).label})


@login_required
@require_POST
def invitation_resend(request, pk):
    _inviter(request.user)
    invitation = selectors.get_invitation_for_user(request.user, pk)
    try:
        services.invitation_resend(user=request.user, invitation=invitation)
    except ValidationError as error:
        _show_refusal(request, error)
    except Exception:
        messages.error(request, _("招待メールを送れませんでした。しばらくしてからもう一度お試しください。"))
    else:
        messages.success(
            request, _("%(email)s に新しいリンクを送りました。前のリンクは使えません。") % {"email": invitation.email}
        )
    return redirect("accounts:people")


@login_required
@require_POST
def invitation_withdraw(request, pk):
    _inviter(request.user)
    invitation = selectors.get_invitation_for_user(request.user, pk)
    try:
        services.invitation_withdraw(user=request.user, invitation=invitation)
    except ValidationError as error:
        _show_refusal(request, error)
    else:
        messages.success(request, _("%(email)s への招待を取り消しました。") % {"email": invitation.email})
    return redirect("accounts:people")


def accept(request, token):
    """The invitee's page, reached by the mailed link: no account needed; the link works once."""
    try:
        invitation = services.invitation_from_token(token)
    except BadLink as error:
        return refused(request, error, services.INVITATION_LINK)
    probe = User(email=invitation.email, last_name=invitation.last_name, first_name=invitation.first_name)
    form = AcceptForm(probe, request.POST or None, initial={"username": invitation.email})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["new_password1"],
            )
        except BadLink as error:
            return refused(request, error, services.INVITATION_LINK)
        except ValidationError as error:
            _show_refusal(request, error, form)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("登録が完了しました。ようこそ、%(name)sさん。") % {"name": user.get_full_name()}
            )
            return redirect("portal:dashboard")
    return render(request, "accounts/accept.html", {"form": form, "invitation": invitation})


@login_required
def person_edit(request, pk):
    _inviter(request.user)
    person = selectors.get_person_for_user(request.user, pk)
    form = PlacementForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_place(user=request.user, person=form.save(commit=False))
        except ValidationError as error:
            _show_refusal(request, error, form)
        else:
            messages.success(
                request, _("%(name)sさんの役割と担当範囲を変更しました。") % {"name": person.get_full_name()}
            )
            return redirect("accounts:people")
    history = person.history.select_related("history_user").order_by("-history_date")[:20]
    return render(request, "accounts/person_edit.html", {"form": form, "person": person, "history": history})


@login_required
@require_POST
def person_deactivate(request, pk):
    _inviter(request.user)
    person = selectors.get_person_for_user(request.user, pk)
    services.user_deactivate(user=request.user, person=person)
    messages.success(
        request, _("%(name)sさんの利用を停止しました。記録はそのまま残ります。") % {"name": person.get_full_name()}
    )
    return redirect("accounts:people")


@login_required
@require_POST
def person_reactivate(request, pk):
    _inviter(request.user)
    person = selectors.get_person_for_user(request.user, pk)
    services.user_reactivate(user=request.user, person=person)
    messages.success(request, _("%(name)sさんの利用を再開しました。") % {"name": person.get_full_name()})
    return redirect("accounts:people")
