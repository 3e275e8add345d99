"""The people at companies, schools and organisations, the log of contacts with them, and what industry practitioners
taught."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from meister.models import Role
from meister.scoping import ScopedQuerySet, ScopeKind
from meister.validators import validate_fiscal_year, validate_record_date, validate_text_line
from partners.models.registry import Company, Organisation, School


class PersonRole(models.TextChoices):
    MENTOR = "mentor", _("指導担当者（メンター）")
    PRACTITIONER = "practitioner", _("産業実務家教員")
    BOARD_STAFF = "board_staff", _("教育委員会・行政職員")
    COORDINATOR = "coordinator", _("マイスター・ハイスクールCEO・コーディネーター")
    TEACHER = "teacher", _("教員")
    COMPANION = "companion", _("伴走者・アドバイザー")
    CONTACT = "contact", _("窓口担当者")


class Person(models.Model):
    """A contact person at a company, school or organisation."""

    name = models.CharField(_("氏名"), max_length=60, validators=[validate_text_line])
    kana = models.CharField(_("よみがな"), max_length=100, blank=True, validators=[validate_text_line])
    role = models.CharField(_("役割"), max_length=20, choices=PersonRole.choices)
    title = models.CharField(_("役職"), max_length=60, blank=True, validators=[validate_text_line])
    company = models.ForeignKey(
        Company, verbose_name=_("企業"), on_delete=models.CASCADE, null=True, blank=True, related_name="people"
    )
    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.CASCADE, null=True, blank=True, related_name="people"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("関係機関"), on_delete=models.CASCADE, null=True, blank=True, related_name="people"
    )
    email = models.EmailField(_("メールアドレス"), blank=True)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True, validators=[validate_text_line])

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        ScopeKind.PREFECTURE: ("company__prefecture", "school__prefecture", "organisation__prefecture"),
        ScopeKind.CONSORTIUM: ("company__consortia", "school__consortia", "organisation__consortia"),
        ScopeKind.SCHOOL: ("school", "company__consortia__schools"),
        ScopeKind.COMPANY: ("company",),
    }
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR, Role.TEACHER, Role.COMPANY}

    class Meta:
        ordering = ["kana", "name"]
        verbose_name = _("担当者")
        verbose_name_plural = _("担当者")

    def __str__(self):
        return self.name

    @property
    def affiliation(self):
        return self.company or self.school or self.organisation

    def clean(self):
        super().clean()
        if sum(x is not None for x in (self.company_id, self.school_id, self.organisation_id)) != 1:
            raise ValidationError(_("所属（企業・学校・関係機関のいずれか一つ）を指定してください。"))


class ContactChannel(models.TextChoices):
    VISIT = "visit", _("訪問")
    PHONE = "phone", _("電話")
    EMAIL = "email", _("メール")
    MEETING = "meeting", _("会議・打合せ")
    ONLINE = "online", _("オンライン")


class ContactLog(models.Model):
    """Who spoke with whom, when, about what, and the next step."""

    company = models.ForeignKey(
        Company, verbose_name=_("企業"), on_delete=models.CASCADE, null=True, blank=True, related_name="contact_logs"
    )
    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.CASCADE, null=True, blank=True, related_name="contact_logs"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("相手方"), on_delete=models.SET_NULL, null=True, blank=True, related_name="contact_logs"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("記録者"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    contacted_on = models.DateField(_("日付"), validators=[validate_record_date])
    channel = models.CharField(_("方法"), max_length=10, choices=ContactChannel.choices)
    subject = models.CharField(_("用件"), max_length=200, validators=[validate_text_line])
    notes = models.TextField(_("内容"), blank=True)
    next_step = models.CharField(_("次のアクション"), max_length=200, blank=True, validators=[validate_text_line])
    next_step_on = models.DateField(_("次のアクションの期日"), null=True, blank=True, validators=[validate_record_date])
    created_at = models.DateTimeField(_("記録日時"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        ScopeKind.PREFECTURE: ("company__prefecture", "school__prefecture"),
        ScopeKind.CONSORTIUM: ("company__consortia", "school__consortia"),
        ScopeKind.SCHOOL: ("school", "company__consortia__schools"),
        ScopeKind.COMPANY: ("company",),
    }
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR, Role.TEACHER, Role.COMPANY}

    class Meta:
        ordering = ["-contacted_on", "-pk"]
        verbose_name = _("連絡記録")
        verbose_name_plural = _("連絡記録")

    def __str__(self):
        return f"{self.contacted_on} {self.subject}"

    def clean(self):
        super().clean()
        if self.company_id is None and self.school_id is None:
            raise ValidationError(_("企業または学校を指定してください。"))
        if self.next_step_on and self.contacted_on and self.next_step_on < self.contacted_on:
            raise ValidationError({"next_step_on": _("次のアクションの期日は連絡日以降にしてください。")})


class PractitionerTeaching(models.Model):
    """産業実務家教員 registry: who taught what at which school, and for how many hours, in a fiscal year."""

    person = models.ForeignKey(
        Person, verbose_name=_("産業実務家教員"), on_delete=models.CASCADE, related_name="teaching"
    )
    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="practitioners")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_fiscal_year])
    subjects = models.CharField(_("担当科目"), max_length=200, validators=[validate_text_line])
    hours = models.DecimalField(_("授業時間数"), max_digits=6, decimal_places=1)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        ScopeKind.PREFECTURE: ("school__prefecture",),
        ScopeKind.CONSORTIUM: ("school__consortia",),
        ScopeKind.SCHOOL: ("school",),
        ScopeKind.COMPANY: ("person__company",),
    }
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR, Role.TEACHER}

    class Meta:
        ordering = ["-fiscal_year", "school", "person"]
        constraints = [
            models.UniqueConstraint(fields=["person", "school", "fiscal_year"], name="teaching_once_per_year")
        ]
        verbose_name = _("産業実務家教員の授業")
        verbose_name_plural = _("産業実務家教員の授業")

    def __str__(self):
        return f"{self.person} {self.school} {self.fiscal_year}"
