"""Matching: a school's need, proposals to companies, and the engagements (連携活動) that follow."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meister.labels import choice_label
from meister.models import Role
from meister.scoping import ScopedQuerySet, ScopeKind
from meister.validators import period_errors, validate_hours_in_a_day, validate_record_date, validate_text_line
from partners.models.registry import Company, CourseCategory, Department, IndustryDivision, OfferKind, School

SCHOOL_SIDE = {
    ScopeKind.PREFECTURE: ("school__prefecture",),
    ScopeKind.CONSORTIUM: ("school__consortia",),
    ScopeKind.SCHOOL: ("school",),
}


class NeedStatus(models.TextChoices):
    OPEN = "open", _("募集中")
    MATCHED = "matched", _("連携先決定")
    CLOSED = "closed", _("終了")


class SchoolNeed(models.Model):
    """What a school asks of industry, made concrete enough for a company to say yes to."""

    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="needs")
    department = models.ForeignKey(
        Department, verbose_name=_("学科"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("依頼の種類"), max_length=30, choices=OfferKind.choices)
    title = models.CharField(_("件名"), max_length=200, validators=[validate_text_line])
    category = models.CharField(_("専門学科区分"), max_length=20, choices=CourseCategory.choices)
    industry = models.ForeignKey(
        IndustryDivision, verbose_name=_("希望する産業分類"), on_delete=models.SET_NULL, null=True, blank=True
    )
    subject = models.CharField(_("科目"), max_length=100, blank=True, validators=[validate_text_line])
    grade = models.PositiveSmallIntegerField(_("学年"), null=True, blank=True, choices=[(1, "1"), (2, "2"), (3, "3")])
    start_on = models.DateField(_("開始日"), validators=[validate_record_date])
    end_on = models.DateField(_("終了日"), validators=[validate_record_date])
    weekday = models.PositiveSmallIntegerField(
        _("曜日"),
        null=True,
        blank=True,
        choices=[(0, _("月")), (1, _("火")), (2, _("水")), (3, _("木")), (4, _("金")), (5, _("土")), (6, _("日"))],
    )
    hours = models.PositiveSmallIntegerField(
        _("1回あたりの時間"), null=True, blank=True, validators=[validate_hours_in_a_day]
    )
    students = models.PositiveSmallIntegerField(_("生徒数"))
    place = models.CharField(_("場所"), max_length=200, blank=True, validators=[validate_text_line])
    details = models.TextField(_("内容・ねらい"), blank=True)
    status = models.CharField(_("状態"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登録者"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {**SCHOOL_SIDE, ScopeKind.COMPANY: ("proposals__company",)}
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR, Role.TEACHER}

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("学校のニーズ")
        verbose_name_plural = _("学校のニーズ")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("partners:need_detail", args=[self.pk])

    # What the needs' list prints for the two choices, from tables made once per language.
    @property
    def kind_label(self) -> str:
        return choice_label(OfferKind, self.kind)

    @property
    def status_label(self) -> str:
        return choice_label(NeedStatus, self.status)

    def clean(self):
        super().clean()
        errors = period_errors(self.start_on, self.end_on, start_field="start_on", end_field="end_on")
        if errors:
            raise ValidationError(errors)
        if self.department_id and self.school_id and self.department.school_id != self.school_id:
            raise ValidationError({"department": _("この学校の学科を選んでください。")})

    @property
    def months(self) -> set[int]:
        months, year, month = set(), self.start_on.year, self.start_on.month
        while (year, month) <= (self.end_on.year, self.end_on.month) and len(months) < 12:
            months.add(month)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months


class ProposalStatus(models.TextChoices):
    SENT = "sent", _("回答待ち")
    ACCEPTED = "accepted", _("受諾")
    DECLINED = "declined", _("辞退")
    WITHDRAWN = "withdrawn", _("取り下げ")
    QUESTION = "question", _("企業から質問")
    COUNTERED = "countered", _("企業から条件の提案")


# A proposal the company has not settled yet: still open to an answer, a question or a counter-proposal.
OPEN_PROPOSAL = (ProposalStatus.SENT, ProposalStatus.QUESTION, ProposalStatus.COUNTERED)


class Proposal(models.Model):
    """A request to one company for one need, answered logged in or through an emailed link."""

    need = models.ForeignKey(SchoolNeed, verbose_name=_("ニーズ"), on_delete=models.CASCADE, related_name="proposals")
    company = models.ForeignKey(Company, verbose_name=_("企業"), on_delete=models.CASCADE, related_name="proposals")
    message = models.TextField(_("企業へのメッセージ"))
    status = models.CharField(_("状態"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.SENT)
    sent_to = models.EmailField(_("送信先"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("依頼者"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)
    # When the e-mail was handed to the mail server; empty until then, so a job can try again (sent_at is the request).
    mailed_at = models.DateTimeField(_("メール送信日時"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("催促日時"), null=True, blank=True)
    answered_at = models.DateTimeField(_("回答日時"), null=True, blank=True)
    answered_by = models.CharField(_("回答者"), max_length=100, blank=True, validators=[validate_text_line])
    decline_reason = models.TextField(_("辞退の理由"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        **{kind: tuple(f"need__{p}" for p in paths) for kind, paths in SCHOOL_SIDE.items()},
        ScopeKind.COMPANY: ("company",),
    }
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR}

    class Meta:
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["need", "company"], name="proposal_once_per_company")]
        verbose_name = _("依頼")
        verbose_name_plural = _("依頼")

    def __str__(self):
        return f"{self.need} → {self.company}"

    @property
    def over_capacity(self) -> bool:
        """More students asked for than the company says it takes at once."""
        limit = self.company.max_students
        return limit is not None and self.need.students > limit

    @property
    def counter(self):
        """The company's latest counter-proposal while it waits for the coordinator, else None."""
        if self.status != ProposalStatus.COUNTERED:
            return None
        return self.exchanges.filter(kind=ExchangeKind.COUNTER).order_by("-at", "-pk").first()


class ExchangeKind(models.TextChoices):
    QUESTION = "question", _("質問")
    COUNTER = "counter", _("条件の提案")
    REPLY = "reply", _("コーディネーターの回答")
    COUNTER_ACCEPTED = "counter_accepted", _("提案の受け入れ")


class ProposalExchange(models.Model):
    """What the company and the coordinator said to each other on a proposal, in order: kept as its history."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("依頼"), on_delete=models.CASCADE, related_name="exchanges")
    kind = models.CharField(_("種類"), max_length=20, choices=ExchangeKind.choices)
    text = models.TextField(_("内容"), blank=True)
    start_on = models.DateField(_("提案する開始日"), null=True, blank=True, validators=[validate_record_date])
    end_on = models.DateField(_("提案する終了日"), null=True, blank=True, validators=[validate_record_date])
    students = models.PositiveSmallIntegerField(_("提案する生徒数"), null=True, blank=True)
    written_by = models.CharField(_("記入者"), max_length=100, validators=[validate_text_line])
    at = models.DateTimeField(_("日時"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {kind: tuple(f"proposal__{p}" for p in paths) for kind, paths in Proposal.scope_paths.items()}
    change_roles = Proposal.change_roles

    class Meta:
        ordering = ["proposal", "at", "pk"]
        verbose_name = _("依頼へのやりとり")
        verbose_name_plural = _("依頼へのやりとり")

    def __str__(self):
        return f"{self.proposal} {self.get_kind_display()}"


class Engagement(models.Model):
    """連携活動: what a school and a company agreed to do together; later sessions and reports count it."""

    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="engagements")
    company = models.ForeignKey(Company, verbose_name=_("企業"), on_delete=models.CASCADE, related_name="engagements")
    need = models.ForeignKey(
        SchoolNeed,
        verbose_name=_("ニーズ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="engagements",
    )
    proposal = models.OneToOneField(
        Proposal, verbose_name=_("依頼"), on_delete=models.SET_NULL, null=True, blank=True, related_name="engagement"
    )
    kind = models.CharField(_("種類"), max_length=30, choices=OfferKind.choices)
    title = models.CharField(_("件名"), max_length=200, validators=[validate_text_line])
    start_on = models.DateField(_("開始日"), validators=[validate_record_date])
    end_on = models.DateField(_("終了日"), validators=[validate_record_date])
    students = models.PositiveSmallIntegerField(_("生徒数"))
    people = models.CharField(_("担当者"), max_length=200, blank=True, validators=[validate_text_line])
    would_host_again = models.BooleanField(_("またお願いしたい"), null=True, blank=True)
    feedback = models.TextField(_("学校からの振り返り"), blank=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {**SCHOOL_SIDE, ScopeKind.COMPANY: ("company",)}
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR, Role.TEACHER}

    class Meta:
        ordering = ["-start_on"]
        verbose_name = _("連携活動")
        verbose_name_plural = _("連携活動")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("partners:engagement_detail", args=[self.pk])
