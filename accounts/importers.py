"""The bulk invitation of teachers: a prefecture's list (e-mail, name, school code) through the one import pipeline.

Every row is checked as a single invitation is (the school inside the prefecture's reach, an address without an
account or a pending invitation, the hour's mail allowance); one bad row and nothing is written. The mails go once
the rows are saved.
"""

import re

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy

from accounts.models import Invitation
from accounts.services import check_invitee, invitation_mail, mails_left, throttle_message
from meister import mailing
from meister.importing import Importer, ImportField, keep_text, normalise_code
from meister.models import ImportKind, Role
from meister.placing import may_place
from meister.scoping import ScopeKind
from partners.models import School


def _address(value: str) -> str:
    return value.strip().lower()


class TeacherInvitationImporter(Importer):
    kind = ImportKind.TEACHER_INVITATIONS
    model = Invitation
    name_fields = frozenset()
    scope_fields = frozenset({"school"})
    fields = (
        ImportField(
            "email",
            gettext_lazy("メールアドレス"),
            ("メール", "e-mail", "email", "mail"),
            required=True,
            normalise=_address,
        ),
        ImportField("name", gettext_lazy("氏名"), ("名前", "教員名", "name"), required=True, normalise=keep_text),
        ImportField(
            "school_code",
            gettext_lazy("学校コード"),
            ("学校番号", "school code"),
            required=True,
            normalise=normalise_code,
        ),
    )

    def may_import(self, user) -> bool:
        if user is None:
            return True
        return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.PREFECTURE)

    def prepare(self, rows, context):
        codes = {row.get("school_code") for row in rows if row.get("school_code")}
        context.cache["schools"] = {school.code: school for school in School.objects.filter(code__in=codes)}
        emails = {row.get("email") for row in rows if row.get("email")}
        context.cache["pending"] = {
            invitation.email.lower(): invitation
            for invitation in Invitation.objects.pending().filter(email__in=emails, role=Role.TEACHER)
        }
        context.cache["left"] = mails_left(context.user) if context.user is not None else len(rows)
        context.cache["new"] = 0

    def clean_values(self, row, context, problems):
        values = {"role": Role.TEACHER}
        if row.get("email"):
            values["email"] = row.get("email")
        name = row.get("name")
        if name:
            last, _space, first = re.sub(r"\s+", " ", name).partition(" ")
            values["last_name"], values["first_name"] = last, first
        code = row.get("school_code")
        if code:
            school = context.cache["schools"].get(code)
            if school is None:
                problems.add(
                    "school",
                    gettext_lazy("学校コード「%(code)s」の学校が登録されていません。"),
                    code=code,
                )
            else:
                values["school"] = school
        return values

    def find_existing(self, values, context, problems):
        email = values.get("email")
        if not email:
            return None
        pending = context.cache["pending"].get(email)
        if pending is not None and pending.school_id == getattr(values.get("school"), "pk", None):
            return pending  # invited already to the same school: unchanged
        try:
            check_invitee(email)
        except Exception as error:
            for message in getattr(error, "message_dict", {}).get("email", [str(error)]):
                problems.add("email", message)
        return None

    def key(self, instance):
        return instance.email.lower() if instance.email else None

    def new_instance(self, values, context):
        return Invitation(invited_by=context.user, language=translation.get_language() or "ja")

    def in_scope(self, instance, existing, context):
        return context.user is None or may_place(context.user, ScopeKind.SCHOOL, instance.school)

    def validate_row(self, row, context):
        planned, errors = super().validate_row(row, context)
        if not errors and not planned.existing:
            context.cache["new"] += 1
            if context.cache["new"] > context.cache["left"]:
                errors.append(throttle_message())
        return planned, errors

    def after_save(self, instance, *, created, context):
        if created and context.user is not None:
            sender = context.user
            transaction.on_commit(
                lambda: mailing.send_each([instance], lambda i: invitation_mail(i, sender=sender), what="invitation")
            )

    def label(self, row, instance):
        return f"{row.get('name')} <{row.get('email')}>"
