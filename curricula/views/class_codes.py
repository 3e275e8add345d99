"""Class codes: the teacher's list of classes with their codes and the printed QR sheet; the student's way in.

The student's page (`class_code_link`) is the code's signed link. A visitor keeps the code in the session and signs
in with the school account; back here, signed in, they pick their own row of the class (or are linked at once when
the row holds their address) and go home. A wrong, expired or replaced code, or one opened again by a student who is
linked already, gets the one refusal page of signed links.
"""

import io
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from curricula.models import ClassCode, Student
from curricula.services import student_accounts
from curricula.services.student_accounts import CLASS_CODE, CLASS_CODE_SESSION
from meister import printing, signed_links
from meister.fiscal import current_fiscal_year
from meister.middleware import for_students
from meister.scoping import get_for_user, may_create, own_student_record, sees_own_world_only, visible_to
from meister.validators import plain_int
from partners.models import School
from sso.models import SignInConfiguration

# Slips on one printed A4 page.
SLIPS_PER_PAGE = 8


def _classes(user):
    """The user's current classes on the roster: school, 入学年度, 組, how many students, how many linked."""
    students = visible_to(Student.objects.filter(anonymised_on__isnull=True).exclude(class_name=""), user)
    students = students.filter(entry_year__gte=current_fiscal_year() - 3)
    return (
        students.values("school", "school__name", "entry_year", "class_name")
        .annotate(students=Count("pk"), linked=Count("account"))
        .order_by("school__name", "-entry_year", "class_name")
    )


@login_required
def class_code_list(request):
    user = request.user
    if not may_create(user, ClassCode):
        raise PermissionDenied
    codes = visible_to(ClassCode.objects.filter(withdrawn_at__isnull=True), user)
    current = {(c.school_id, c.entry_year, c.class_name): c for c in codes}
    rows = []
    for row in _classes(user):
        code = current.get((row["school"], row["entry_year"], row["class_name"]))
        expires = code.created_at + CLASS_CODE.age() if code else None
        if expires is not None and expires <= timezone.now():
            code = expires = None
        rows.append({**row, "code": code, "expires": expires})
    return render(request, "curricula/class_codes.html", {"rows": rows})


@login_required
@require_POST
def class_code_create(request):
    user = request.user
    if not may_create(user, ClassCode):
        raise PermissionDenied
    school = get_for_user(user, School, pk=plain_int(request.POST.get("school")))
    entry_year = plain_int(request.POST.get("entry_year"))
    class_name = request.POST.get("class_name", "")[:10]
    try:
        code = student_accounts.class_code_create(
            user=user, school=school, entry_year=entry_year or 0, class_name=class_name
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("curricula:class_code_list")
    messages.success(request, _("%(class)s組のクラスのコードを作りました。") % {"class": code.class_name})
    return redirect("curricula:class_code_list")


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


@login_required
def class_code_sheet(request, pk):
    """The printed page of slips for a class: one per student, each with the class's QR code and the link."""
    code = get_for_user(request.user, ClassCode, change=True, pk=pk)
    if code.withdrawn_at is not None:
        raise Http404
    url = CLASS_CODE.url(code.pk)
    html = render_to_string(
        "print/class_codes.html",
        {
            "code": code,
            "students": list(code.students()),
            "url": url,
            "qr": _qr_svg(url),
            "expires": code.created_at + CLASS_CODE.age(),
        },
        request=request,
    )
    return printing.pdf_response(html, f"class-code-{code.class_name}.pdf")


@login_required
@require_POST
def student_unlink(request, pk):
    """Free a roster row from its student account (the teacher's undo of a wrong link)."""
    student = get_for_user(request.user, Student, change=True, pk=pk)
    account = student_accounts.student_unlink(user=request.user, student=student)
    if account is None:
        messages.info(
            request, _("%(name)sさんの名簿は、どのアカウントともつながっていません。") % {"name": student.kana_name}
        )
    else:
        messages.success(
            request,
            _("%(name)sさんの名簿とアカウントのつながりを外しました。クラスのコードで、もう一度つなげます。")
            % {"name": student.kana_name},
        )
    back = request.POST.get("next", "")
    # Back to the list page the button was on: only a path of this site, never a view name or another host.
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(back)
    return redirect("curricula:student_list")


# --- the student's way in --------------------------------------------------------------------------------------------


class PickForm(forms.Form):
    student = forms.TypedChoiceField(label=gettext_lazy("自分の名前"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = [(row.pk, f"{row.number}　{row.kana_name}") for row in rows]


def _sign_in_choices(code, next_path):
    configurations = SignInConfiguration.objects.filter(enabled=True).filter(
        Q(school=code.school) | Q(school__isnull=True, prefecture=code.school.prefecture_id)
    )
    query = urlencode({"next": next_path})
    return [(c, reverse("sso:start", args=[c.pk]) + f"?{query}") for c in configurations.order_by("name", "pk")]


@for_students
def class_code_link(request, token):
    try:
        code = student_accounts.class_code_for_token(token)
    except signed_links.BadLink as error:
        return signed_links.refused(request, error, CLASS_CODE)
    user = request.user
    if user.is_authenticated and not sees_own_world_only(user):
        raise Http404
    if not user.is_authenticated:
        request.session[CLASS_CODE_SESSION] = token
        context = {"code": code, "choices": _sign_in_choices(code, request.path)}
        return render(request, "curricula/class_code_link.html", context)
    if own_student_record(user) is not None:
        return signed_links.refused(request, signed_links.UsedLink(), CLASS_CODE)
    if user.school_id != code.school_id:
        raise Http404
    rows = list(student_accounts.unclaimed_rows(code))
    if not rows:
        return signed_links.refused(request, signed_links.UsedLink(), CLASS_CODE)
    form = PickForm(request.POST or None, rows=rows)
    matched = user.email and any(row.email.lower() == user.email.lower() for row in rows)
    if matched or (request.method == "POST" and form.is_valid()):
        try:
            student_accounts.student_link(
                account=user, code=code, student_id=None if matched else form.cleaned_data["student"]
            )
        except signed_links.BadLink as error:
            return signed_links.refused(request, error, CLASS_CODE)
        except ValidationError as error:
            form.add_error("student", error)
        else:
            request.session.pop(CLASS_CODE_SESSION, None)
            messages.success(request, _("名簿とつながりました。これからは学校のアカウントでサインインできます。"))
            return redirect("curricula:student_home")
    return render(request, "curricula/class_code_pick.html", {"code": code, "form": form})
