"""Invitations to the portal, the mails that carried them, the sessions each user signed in with, and the history
of every change to a user (who changed whose role, scope or standing, and when)."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history import register

from meister.models import Role, User
from meister.scoping import ScopedQuerySet, ScopeKind
from meister.validators import validate_text_line

# Every change to a user is kept with who made it; the password and the sign-in stamp are not history.
register(User, app="accounts", excluded_fields=["password", "last_login"], verbose_name=_("利用者の変更履歴"))

SCOPE_FIELDS = ("prefecture", "consortium", "school", "company")


def new_link_key() -> str:
    return secrets.token_urlsafe(12)


class InvitationQuerySet(ScopedQuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True)


class Invitation(models.Model):
    """An invitation to join the portal with a role and a scope, sent by e-mail with a single-use link."""

    email = models.EmailField(_("メールアドレス"))
    last_name = models.CharField(_("姓"), max_length=150, validators=[validate_text_line])
    first_name = models.CharField(_("名"), max_length=150, blank=True, validators=[validate_text_line])
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices)
    prefecture = models.ForeignKey(
        "partners.Prefecture", verbose_name=_("都道府県"), on_delete=models.CASCADE, null=True, blank=True
    )
    consortium = models.ForeignKey(
        "partners.Consortium", verbose_name=_("管理機関"), on_delete=models.CASCADE, null=True, blank=True
    )
    school = models.ForeignKey(
        "partners.School", verbose_name=_("学校"), on_delete=models.CASCADE, null=True, blank=True
    )
    company = models.ForeignKey(
        "partners.Company", verbose_name=_("企業"), on_delete=models.CASCADE, null=True, blank=True
    )
    invited_by = models.ForeignKey(
        User, verbose_name=_("招待した人"), on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    # The inviter's language when inviting: the mail is written in it.
    language = models.CharField(_("言語"), max_length=8, default="ja")
    # Part of the link: a resend draws a new key, so that the link sent before opens nothing.
    link_key = models.CharField(max_length=32, default=new_link_key, editable=False)
    created_at = models.DateTimeField(_("招待日時"), auto_now_add=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("登録日時"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("取消日時"), null=True, blank=True)
    user = models.ForeignKey(
        User, verbose_name=_("登録した利用者"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()
    scope_paths = {
        ScopeKind.PREFECTURE: ("prefecture", "consortium__prefecture", "school__prefecture"),
        ScopeKind.CONSORTIUM: ("consortium", "school__consortia", "company__consortia"),
        ScopeKind.SCHOOL: ("school",),
        ScopeKind.COMPANY: ("company",),
    }
    change_roles = {Role.ADMIN, Role.MINISTRY, Role.PREFECTURE, Role.COORDINATOR, Role.COMPANY}

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("招待")
        verbose_name_plural = _("招待")

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None

    @property
    def scope_object(self):
        return next((getattr(self, name) for name in SCOPE_FIELDS if getattr(self, f"{name}_id")), None)

    def clean(self):
        super().clean()
        if self.role:
            # The same rule as the account it becomes: exactly the scope its role works in.
            User(role=self.role, **{f"{name}_id": getattr(self, f"{name}_id") for name in SCOPE_FIELDS}).clean()


class InvitationMail(models.Model):
    """One invitation mail handed to the mail server: what the hourly limit per inviter counts."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="mails")
    sent_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("招待メール")
        verbose_name_plural = _("招待メール")

    def __str__(self):
        return f"{self.invitation.email} {self.sent_at:%Y-%m-%d %H:%M}"


class SignedInSession(models.Model):
    """A session a user signed in with, so that deactivating the user ends it at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, db_index=True)
    signed_in_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.user_id} {self.signed_in_at:%Y-%m-%d %H:%M}"
