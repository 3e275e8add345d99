"""Students' accounts: made at their first sign-in with the school account, and linked to their own roster row.

Two ways lead a student's account to their row, both only where the school signs in with its accounts (a
configuration of `sso` covers it) and only for an address the provider vouches for, in the configuration's domain
(`sso.services.linked_user` checks both before asking here):
- the roster holds the address: the one row of the configuration's schools with it, not yet claimed, is linked;
- a class code: the student opened the code's link first (`CLASS_CODE_SESSION`), so an account is made at the code's
  school, and the student picks their row of that class (or is linked to the row that holds their address).
A row is claimed by one account, and an account claims one row.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from curricula.models import ClassCode, Student
from meister.models import Role, User
from meister.scoping import may_create, own_student_record, saving_in_scope
from meister.signed_links import BadLink, ExpiredLink, LinkKind, UsedLink
from meister.validators import validate_text_line
from partners.models import School

# The class code a visitor opened, kept in their session while they sign in with the school account.
CLASS_CODE_SESSION = "curricula_class_code"


def _max_age() -> timedelta:
    return timedelta(days=settings.CLASS_CODE_DAYS)


CLASS_CODE = LinkKind(
    salt="curricula.class-code",
    url_name="curricula:class_code_link",
    max_age=_max_age,
    ask=gettext_lazy("担任の先生に新しいクラスのコードを依頼してください。"),
)


# --- class codes ---------------------------------------------------------------------------------------------------


def class_code_create(*, user, school: School, entry_year: int, class_name: str) -> ClassCode:
    """A new code for one class of the school's roster; the class's earlier codes stop opening."""
    if not may_create(user, ClassCode):
        raise ValidationError(_("クラスのコードを作れるのは学校の先生です。"))
    validate_text_line(class_name)  # a control character (NUL) is no class, and the database refuses it
    code = ClassCode(school=school, entry_year=entry_year, class_name=class_name, created_by=user)
    if not code.students().exists():
        raise ValidationError(_("この組の生徒は名簿にいません。"))
    with saving_in_scope(user, code):
        ClassCode.objects.filter(
            school=school, entry_year=entry_year, class_name=class_name, withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now())
        code.save()
    return code


def class_code_for_token(token: str) -> ClassCode:
    """The code a link names, still open: BadLink, ExpiredLink (also when a newer code replaced it) otherwise.

    The code's age counts from when it was made, however late its sheet was printed."""
    code = ClassCode.objects.select_related("school").filter(pk=CLASS_CODE.read_id(token)).first()
    if code is None:
        raise BadLink
    if code.withdrawn_at is not None or code.created_at + CLASS_CODE.age() < timezone.now():
        raise ExpiredLink
    return code


def open_class_code(session) -> ClassCode | None:
    """The class code kept in the session, if it still opens."""
    token = session.get(CLASS_CODE_SESSION)
    if not token:
        return None
    try:
        return class_code_for_token(token)
    except BadLink:
        return None


def unclaimed_rows(code: ClassCode):
    return code.students().filter(account__isnull=True)


# --- accounts --------------------------------------------------------------------------------------------------------


def _schools_of(configuration):
    if configuration.school_id:
        return School.objects.filter(pk=configuration.school_id)
    return School.objects.filter(prefecture_id=configuration.prefecture_id)


def student_account_create(*, school: School, email: str) -> User | None:
    """A student's account at `school`, signing in with the school account only (no portal password); None when the
    address already names an account (a leaver's, another school's), which stays as it is."""
    email = email.strip().lower()
    if User.objects.filter(username__iexact=email).exists() or User.objects.filter(email__iexact=email).exists():
        return None
    account = User(username=email, email=email, role=Role.STUDENT, school=school)
    account.set_unusable_password()
    account.full_clean()
    account.save()
    return account


def student_account_for_sign_in(sender=None, *, configuration, email: str, request=None, **kwargs) -> User | None:
    """The account for a verified address in the configuration's domain that no portal user has yet (a receiver of
    `sso.signals.account_wanted`): linked to the roster row that holds the address, or, for a visitor who opened a
    class code of a school the configuration covers, made at that school to pick their row. None otherwise."""
    schools = _schools_of(configuration)
    with transaction.atomic():
        rows = list(
            Student.objects.select_for_update()
            .filter(school__in=schools, email__iexact=email.strip(), anonymised_on__isnull=True)
            .select_related("school")[:2]
        )
        if len(rows) == 1 and rows[0].account_id is None:
            account = student_account_create(school=rows[0].school, email=email)
            if account is not None:
                rows[0].account = account
                rows[0].save(update_fields=["account"])
            return account
        if rows:
            return None
        code = open_class_code(request.session) if request is not None else None
        if code is not None and schools.filter(pk=code.school_id).exists():
            return student_account_create(school=code.school, email=email)
    return None


def student_link(*, account: User, code: ClassCode, student_id: int | None = None) -> Student:
    """Link a student's account to their row of the code's class: the row that holds the account's address, else
    the row they picked. Refused when the account is linked already or the row was claimed meanwhile."""
    if own_student_record(account) is not None:
        raise UsedLink
    if account.school_id != code.school_id:
        raise BadLink
    with transaction.atomic():
        rows = unclaimed_rows(code).select_for_update()
        row = rows.filter(email__iexact=account.email).first() if account.email else None
        if row is None and student_id is not None:
            row = rows.filter(pk=student_id).first()
        if row is None:
            raise ValidationError(_("この名前はもう選ばれています。もう一度選んでください。"))
        row.account = account
        row.save(update_fields=["account"])
    return row


def student_unlink(*, user: User, student: Student) -> User | None:
    """A teacher frees a roster row from the account linked to it (a student picked the wrong name, or a school
    account was replaced). The row's records stay; the account sees nothing until it is linked again with a class
    code. `student` was fetched for change through scoping; the row is locked so that a link at the same moment
    cannot slip between. Returns the account that was linked, or None when there was none."""
    with transaction.atomic():
        row = Student.objects.select_for_update().get(pk=student.pk)
        account = row.account
        if account is None:
            return None
        row.account = None
        row._change_reason = f"unlinked by {user.username}"
        row.save(update_fields=["account"])
    return account
