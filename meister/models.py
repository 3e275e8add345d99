"""Users, their role and their scope."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from meister.scoping import Role, ScopeKind

# Which scope each role works in; the scoping object itself is data on the user.
ROLE_SCOPE = {
    Role.MINISTRY: ScopeKind.NATIONAL,
    Role.ADMIN: ScopeKind.NATIONAL,
    Role.PREFECTURE: ScopeKind.PREFECTURE,
    Role.COORDINATOR: ScopeKind.CONSORTIUM,
    Role.TEACHER: ScopeKind.SCHOOL,
    Role.COMPANY: ScopeKind.COMPANY,
    # A student belongs to a school (their scope object) but sees only what their own account leads to.
    Role.STUDENT: ScopeKind.STUDENT,
}
_SCOPE_FIELD = {
    ScopeKind.PREFECTURE: "prefecture",
    ScopeKind.CONSORTIUM: "consortium",
    ScopeKind.SCHOOL: "school",
    ScopeKind.COMPANY: "company",
    ScopeKind.STUDENT: "school",
}


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices, blank=True)
    prefecture = models.ForeignKey(
        "partners.Prefecture", verbose_name=_("都道府県"), on_delete=models.PROTECT, null=True, blank=True
    )
    consortium = models.ForeignKey(
        "partners.Consortium", verbose_name=_("管理機関"), on_delete=models.PROTECT, null=True, blank=True
    )
    school = models.ForeignKey(
        "partners.School", verbose_name=_("学校"), on_delete=models.PROTECT, null=True, blank=True
    )
    company = models.ForeignKey(
        "partners.Company", verbose_name=_("企業"), on_delete=models.PROTECT, null=True, blank=True
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("利用者")
        verbose_name_plural = _("利用者")

    def get_full_name(self):
        # Japanese order: family name first.
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def scope_kind(self) -> str | None:
        if self.is_superuser:
            return ScopeKind.NATIONAL
        return ROLE_SCOPE.get(self.role)

    @property
    def scope(self) -> tuple[str | None, int | None]:
        """The kind of scope and the id its scope paths match: the scoping object's, or a student's own."""
        kind = self.scope_kind
        if kind == ScopeKind.STUDENT:
            return kind, self.pk
        field = _SCOPE_FIELD.get(kind)
        return kind, (getattr(self, f"{field}_id") if field else None)

    @property
    def scope_object(self):
        field = _SCOPE_FIELD.get(self.scope_kind)
        return getattr(self, field) if field else None

    def clean(self):
        super().clean()
        if not self.role:
            return
        needed = _SCOPE_FIELD.get(ROLE_SCOPE[self.role])
        errors = {}
        for field in dict.fromkeys(_SCOPE_FIELD.values()):
            has_value = getattr(self, f"{field}_id") is not None
            if field == needed and not has_value:
                errors[field] = _("この役割には担当範囲の指定が必要です。")
            elif field != needed and has_value:
                errors[field] = _("この役割では指定できません。")
        if errors:
            raise ValidationError(errors)


class ImportKind(models.TextChoices):
    SCHOOLS = "schools", _("学校")
    COMPANIES = "companies", _("企業")
    CONTACTS = "contacts", _("担当者")
    CALENDARS = "calendars", _("休業日")
    TEACHER_INVITATIONS = "teacher_invitations", _("教員の招待")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("確認中")
    COMMITTED = "committed", _("取り込み済み")
    FAILED = "failed", _("読み込めず")


class ImportBatch(models.Model):
    """One uploaded file on its way into the registry: the rows read from it, checked, until they are taken in.

    The file itself is never stored; the commit takes the rows kept here (and checks them again).
    """

    kind = models.CharField(_("種類"), max_length=20, choices=ImportKind.choices)
    original_filename = models.CharField(_("元のファイル名"), max_length=255)
    created_by = models.ForeignKey(
        "meister.User", verbose_name=_("アップロードした人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("アップロード日時"), auto_now_add=True)
    committed_at = models.DateTimeField(_("取り込み日時"), null=True, blank=True)
    status = models.CharField(_("状態"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    # Counts per row status ({"new": 3, "update": 1, …}) and the file-level notes (ignored columns).
    summary = models.JSONField(_("集計"), default=dict, blank=True)
    # What each row would do (or did): kept so the page shows the check the user decided on.
    results = models.JSONField(_("行ごとの結果"), default=list, blank=True)
    # The rows as read at the preview ({"number": 2, "values": {field: text}}), emptied once they are taken in.
    rows = models.JSONField(_("取り込む行"), default=list, blank=True)
    error = models.TextField(_("エラー"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("取り込み")
        verbose_name_plural = _("取り込み")

    def __str__(self):
        return f"{self.get_kind_display()} {self.original_filename}"

    @property
    def error_count(self) -> int:
        return self.summary.get("error", 0)
