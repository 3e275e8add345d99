"""Instruments as data, their administrations to a cohort, students' responses; the fact-finding survey; practices.

An instrument (a Grit-S style scale, self-efficacy, a vendor's literacy test) is rows, not code: subscales, items
with their Likert points and reverse scoring, and a scoring rule. Item texts are placeholders an administrator edits,
so no copyrighted wording ships with the portal.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meister.models import Role
from meister.scoping import SHARED_BY_EVERY_SCOPE, ScopedQuerySet, ScopeKind
from meister.validators import validate_fiscal_year, validate_record_date, validate_text_line
from partners.models import CollaborationStage

SCHOOL_PATHS = {
    ScopeKind.PREFECTURE: ("school__prefecture",),
    ScopeKind.CONSORTIUM: ("school__consortia",),
    ScopeKind.SCHOOL: ("school",),
}


class InstrumentKind(models.TextChoices):
    ANSWERED = "answered", _("生徒が回答する尺度")
    IMPORTED = "imported", _("外部機関のスコアを取り込む")


class Scoring(models.TextChoices):
    MEAN = "mean", _("平均")
    SUM = "sum", _("合計")


class Instrument(models.Model):
    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("種類"), max_length=10, choices=InstrumentKind.choices, default=InstrumentKind.ANSWERED)
    points = models.PositiveSmallIntegerField(
        _("選択肢の数（件法）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2), MaxValueValidator(11)],
        help_text=_("生徒が回答する尺度のみ。5なら1〜5で回答します。"),
    )
    score_min = models.DecimalField(_("スコアの最小値"), max_digits=7, decimal_places=2, null=True, blank=True)
    score_max = models.DecimalField(_("スコアの最大値"), max_digits=7, decimal_places=2, null=True, blank=True)
    scoring = models.CharField(_("得点の出し方"), max_length=4, choices=Scoring.choices, default=Scoring.MEAN)
    description = models.TextField(_("説明"), blank=True)

    change_roles = {Role.ADMIN}

    class Meta:
        ordering = ["pk"]
        verbose_name = _("尺度・調査票")
        verbose_name_plural = _("尺度・調査票")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.kind == InstrumentKind.ANSWERED and not self.points:
            raise ValidationError({"points": _("生徒が回答する尺度には選択肢の数が必要です。")})
        if self.kind == InstrumentKind.IMPORTED and (self.score_min is None or self.score_max is None):
            raise ValidationError(_("取り込む尺度にはスコアの最小値と最大値が必要です。"))
        if self.score_min is not None and self.score_max is not None and self.score_min >= self.score_max:
            raise ValidationError({"score_max": _("最大値は最小値より大きくしてください。")})

    def value_range(self) -> tuple[float, float]:
        if self.kind == InstrumentKind.ANSWERED:
            return 1.0, float(self.points)
        return float(self.score_min), float(self.score_max)


class Subscale(models.Model):
    instrument = models.ForeignKey(
        Instrument, verbose_name=_("尺度・調査票"), on_delete=models.CASCADE, related_name="subscales"
    )
    code = models.SlugField(_("コード"), max_length=40)
    name = models.CharField(_("下位尺度名"), max_length=60)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["instrument", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="subscale_code_per_instrument")]
        verbose_name = _("下位尺度")
        verbose_name_plural = _("下位尺度")

    def __str__(self):
        return self.name


class Item(models.Model):
    instrument = models.ForeignKey(
        Instrument, verbose_name=_("尺度・調査票"), on_delete=models.CASCADE, related_name="items"
    )
    number = models.PositiveSmallIntegerField(_("項目番号"))
    text = models.CharField(_("項目文"), max_length=300)
    subscale = models.ForeignKey(Subscale, verbose_name=_("下位尺度"), on_delete=models.PROTECT, related_name="items")
    reverse_scored = models.BooleanField(_("逆転項目"), default=False)

    class Meta:
        ordering = ["instrument", "number"]
        constraints = [models.UniqueConstraint(fields=["instrument", "number"], name="item_number_per_instrument")]
        verbose_name = _("項目")
        verbose_name_plural = _("項目")

    def __str__(self):
        return f"{self.number}. {self.text}"

    def clean(self):
        super().clean()
        if self.subscale_id and self.instrument_id and self.subscale.instrument_id != self.instrument_id:
            raise ValidationError({"subscale": _("同じ尺度の下位尺度を選んでください。")})


class Timing(models.TextChoices):
    PRE = "pre", _("事前")
    MID = "mid", _("中間")
    POST = "post", _("事後")


class Administration(models.Model):
    """One instrument given to one cohort (school, entry year, optionally a department) at one time of a year."""

    instrument = models.ForeignKey(
        Instrument, verbose_name=_("尺度・調査票"), on_delete=models.PROTECT, related_name="administrations"
    )
    school = models.ForeignKey(
        "partners.School", verbose_name=_("学校"), on_delete=models.CASCADE, related_name="administrations"
    )
    entry_year = models.PositiveSmallIntegerField(_("入学年度"), validators=[validate_fiscal_year])
    department = models.ForeignKey(
        "partners.Department", verbose_name=_("学科"), on_delete=models.CASCADE, null=True, blank=True
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_fiscal_year])
    timing = models.CharField(_("時期"), max_length=4, choices=Timing.choices)
    administered_on = models.DateField(_("実施日"), null=True, blank=True, validators=[validate_record_date])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登録者"), on_delete=models.SET_NULL, null=True, blank=True
    )

    objects = ScopedQuerySet.as_manager()
    scope_paths = SCHOOL_PATHS
    change_roles = {Role.ADMIN, Role.TEACHER}

    class Meta:
        ordering = ["-fiscal_year", "school", "entry_year", "instrument", "timing"]
        verbose_name = _("実施")
        verbose_name_plural = _("実施")

    def __str__(self):
        return f"{self.school} {self.entry_year} {self.instrument} {self.get_timing_display()}"

    def get_absolute_url(self):
        return reverse("assessments:administration_grid", args=[self.pk])

    def clean(self):
        super().clean()
        if self.department_id and self.school_id and self.department.school_id != self.school_id:
            raise ValidationError({"department": _("学科は同じ学校のものを選んでください。")})
        # A nullable department would slip through a unique constraint, so the check is here.
        if self.instrument_id and self.school_id and self.entry_year and self.fiscal_year and self.timing:
            twins = Administration.objects.filter(
                instrument_id=self.instrument_id,
                school_id=self.school_id,
                entry_year=self.entry_year,
                department_id=self.department_id,
                fiscal_year=self.fiscal_year,
                timing=self.timing,
            ).exclude(pk=self.pk)
            if twins.exists():
                raise ValidationError(_("同じ学年・時期の実施がすでに登録されています。"))

    def students(self):
        from curricula.models import Student

        students = Student.objects.filter(school_id=self.school_id, entry_year=self.entry_year)
        if self.department_id:
            students = students.filter(department_id=self.department_id)
        return students.order_by("class_name", "number")


class Response(models.Model):
    """A student's answers (item number → value) and the subscale scores computed from them."""

    administration = models.ForeignKey(
        Administration, verbose_name=_("実施"), on_delete=models.CASCADE, related_name="responses"
    )
    student = models.ForeignKey(
        "curricula.Student", verbose_name=_("生徒"), on_delete=models.CASCADE, related_name="assessment_responses"
    )
    answers = models.JSONField(_("回答"), default=dict)
    scores = models.JSONField(_("得点"), default=dict)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("回答の履歴"))

    objects = ScopedQuerySet.as_manager()
    scope_paths = {kind: tuple(f"administration__{p}" for p in paths) for kind, paths in SCHOOL_PATHS.items()}
    change_roles = {Role.ADMIN, Role.TEACHER}

    class Meta:
        ordering = ["administration", "student"]
        constraints = [
            models.UniqueConstraint(fields=["administration", "student"], name="response_once_per_administration")
        ]
        verbose_name = _("回答")
        verbose_name_plural = _("回答")

    def __str__(self):
        return f"{self.administration} {self.student}"


# --- the fact-finding survey (実態調査) ----------------------------------------------------------------------------


class IssueKind(models.TextChoices):
    RECRUITING = "recruiting", _("連携先企業の開拓・確保")
    COMPANY_BURDEN = "company_burden", _("企業側の負担とメリットの説明")
    TEACHER_LOAD = "teacher_load", _("教員の負担・校内体制")
    CURRICULUM = "curriculum", _("教育課程への位置づけ")
    LOGISTICS = "logistics", _("移動・時間割・安全管理")
    FUNDING = "funding", _("予算・財源")
    SUSTAINING = "sustaining", _("事業終了後の継続（自走化）")
    OTHER = "other", _("その他")


class RespondentType(models.TextChoices):
    PREFECTURE = "prefecture", _("都道府県")
    SCHOOL = "school", _("学校")
    COMPANY = "company", _("企業")


class Survey(models.Model):
    """A questionnaire sent by the ministry (national) or a prefecture (its own prefecture) to respondents."""

    title = models.CharField(_("調査名"), max_length=150, validators=[validate_text_line])
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_fiscal_year])
    prefecture = models.ForeignKey(
        "partners.Prefecture",
        verbose_name=_("実施する都道府県"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("空欄は文部科学省による全国調査です。"),
    )
    deadline = models.DateField(_("回答期限"), validators=[validate_record_date])
    message = models.TextField(_("依頼文"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("作成者"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    # Respondents answer through their link; only the owners (ministry, prefectures) see a survey in the portal.
    scope_paths = {ScopeKind.PREFECTURE: ("prefecture",)}
    # The ④ contractor runs the national survey for the ministry.
    change_roles = {Role.ADMIN, Role.MINISTRY, Role.SURVEYOR, Role.PREFECTURE}

    class Meta:
        ordering = ["-fiscal_year", "-pk"]
        verbose_name = _("実態調査")
        verbose_name_plural = _("実態調査")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("assessments:survey_detail", args=[self.pk])


class Recipient(models.Model):
    survey = models.ForeignKey(Survey, verbose_name=_("実態調査"), on_delete=models.CASCADE, related_name="recipients")
    respondent_type = models.CharField(_("回答者の種別"), max_length=10, choices=RespondentType.choices)
    name = models.CharField(_("回答者（機関名）"), max_length=150, validators=[validate_text_line])
    email = models.EmailField(_("メールアドレス"), blank=True)
    prefecture = models.ForeignKey("partners.Prefecture", verbose_name=_("都道府県"), on_delete=models.PROTECT)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("督促日時"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {ScopeKind.PREFECTURE: ("survey__prefecture",)}
    change_roles = Survey.change_roles

    class Meta:
        ordering = ["survey", "respondent_type", "prefecture__code", "name"]
        verbose_name = _("回答依頼先")
        verbose_name_plural = _("回答依頼先")

    def __str__(self):
        return self.name


class SurveyAnswer(models.Model):
    recipient = models.OneToOneField(
        Recipient, verbose_name=_("回答依頼先"), on_delete=models.CASCADE, related_name="answer"
    )
    stage = models.PositiveSmallIntegerField(_("連携段階"), choices=CollaborationStage.choices)
    issues = models.JSONField(_("直面している課題"), default=list, blank=True)
    issue_detail = models.TextField(_("課題の具体的な内容"), blank=True)
    solution_issue = models.CharField(
        _("うまくいった解決策の対象となる課題"), max_length=20, choices=IssueKind.choices, blank=True
    )
    solution = models.TextField(_("うまくいった解決策（連携ポイント）"), blank=True)
    answered_by = models.CharField(_("ご回答者"), max_length=60, validators=[validate_text_line])
    answered_at = models.DateTimeField(_("回答日時"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {ScopeKind.PREFECTURE: ("recipient__survey__prefecture",)}
    change_roles: set = set()

    class Meta:
        ordering = ["recipient"]
        verbose_name = _("実態調査の回答")
        verbose_name_plural = _("実態調査の回答")

    def __str__(self):
        return f"{self.recipient} {self.get_stage_display()}"

    def clean(self):
        super().clean()
        if any(issue not in IssueKind.values for issue in self.issues or []):
            raise ValidationError({"issues": _("課題の値が正しくありません。")})


# --- what worked (連携ポイント) -----------------------------------------------------------------------------------


class Practice(models.Model):
    """A practice that worked, for a stage and an issue; shared nationally so that regions learn from each other."""

    title = models.CharField(_("タイトル"), max_length=150, validators=[validate_text_line])
    stage = models.PositiveSmallIntegerField(_("連携段階"), choices=CollaborationStage.choices)
    issue = models.CharField(_("課題"), max_length=20, choices=IssueKind.choices)
    summary = models.TextField(_("取組の内容"))
    outcome = models.TextField(_("成果・ポイント"), blank=True)
    consortium = models.ForeignKey(
        "partners.Consortium", verbose_name=_("管理機関"), on_delete=models.SET_NULL, null=True, blank=True
    )
    prefecture = models.ForeignKey(
        "partners.Prefecture", verbose_name=_("都道府県"), on_delete=models.PROTECT, null=True, blank=True
    )
    source = models.ForeignKey(
        SurveyAnswer, verbose_name=_("元の回答"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登録者"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    # The library is read by everyone signed in (regions learn from each other); these roles add to it.
    scope_paths = SHARED_BY_EVERY_SCOPE
    create_roles = {Role.ADMIN, Role.MINISTRY, Role.PREFECTURE, Role.COORDINATOR}
    change_roles = {Role.ADMIN}

    class Meta:
        ordering = ["stage", "issue", "-pk"]
        verbose_name = _("連携ポイント")
        verbose_name_plural = _("連携ポイント")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("assessments:practice_detail", args=[self.pk])
