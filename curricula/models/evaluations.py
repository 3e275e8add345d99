"""Evaluations of a placement against a rubric kept as data (評価シート), by the mentor and by the student.

A rubric is a list of items in two sections, attitudes to work common to every placement and the skills of the
work itself, each scored on the rubric's level scale with a descriptor per level. The portal ships a national
default modelled on the public ジョブ・カード 職業能力評価シート; a prefecture or a consortium copies and adapts it.
A placement's own skills (one per line on the placement) are scored on the same scale after the rubric's items.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from curricula.models.placements import Placement
from meister.models import Role
from meister.scoping import SHARED_BY_EVERY_SCOPE, ScopedQuerySet, ScopeKind
from meister.validators import validate_text_line


class Rubric(models.Model):
    """An evaluation form: its level scale and its items. No owner is the national default every scope may copy."""

    name = models.CharField(_("評価シート名"), max_length=100, validators=[validate_text_line])
    prefecture = models.ForeignKey(
        "partners.Prefecture", verbose_name=_("都道府県"), on_delete=models.CASCADE, null=True, blank=True
    )
    consortium = models.ForeignKey(
        "partners.Consortium", verbose_name=_("管理機関"), on_delete=models.CASCADE, null=True, blank=True
    )
    copied_from = models.ForeignKey(
        "self", verbose_name=_("複製元"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The level scale, best first: [[3, "A", "常にできている"], ...]; a score is the level's number.
    levels = models.JSONField(_("評価の段階"))
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    # A form holds no one's data: every signed-in user may read any; changes stay with the owner.
    scope_paths = SHARED_BY_EVERY_SCOPE
    change_scope_paths = {ScopeKind.PREFECTURE: ("prefecture",), ScopeKind.CONSORTIUM: ("consortium",)}
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR}

    class Meta:
        ordering = ["prefecture", "consortium", "name", "pk"]
        verbose_name = _("評価シート")
        verbose_name_plural = _("評価シート")

    def __str__(self):
        return self.name

    @property
    def name_shown(self) -> str:
        """The default rubric's name in the reader's language; a rubric's own name as written."""
        return gettext(self.name) if self.name else ""

    def clean(self):
        super().clean()
        if self.prefecture_id and self.consortium_id:
            raise ValidationError(_("都道府県か管理機関のどちらか一方の評価シートにしてください。"))
        if not _valid_levels(self.levels):
            raise ValidationError({"levels": _("評価の段階は2つ以上、数値・記号・説明の組で書いてください。")})

    @property
    def scale(self) -> list[tuple[int, str, str]]:
        # The default scale's words are the portal's own and read in the reader's language; a rubric's own stay.
        return [(int(value), str(mark), gettext(str(words))) for value, mark, words in self.levels]

    @property
    def top(self) -> int:
        return max(value for value, _mark, _words in self.scale)

    def mark(self, value: int | None) -> str:
        return next((mark for v, mark, _words in self.scale if v == value), "")


# The default rubric's level words (curricula/data/default_rubric.json), for the translation catalogue.
DEFAULT_LEVEL_WORDS = (
    gettext_noop("常にできている"),
    gettext_noop("おおむねできている"),
    gettext_noop("支援があればできる"),
)


def _valid_levels(levels) -> bool:
    if not isinstance(levels, list) or len(levels) < 2:
        return False
    for row in levels:
        if not (isinstance(row, list) and len(row) == 3 and isinstance(row[0], int) and all(row[1:])):
            return False
    return len({row[0] for row in levels}) == len(levels)


class RubricSection(models.TextChoices):
    ATTITUDE = "attitude", _("働く上で必要な意欲・姿勢")
    BASIC = "basic", _("職務遂行のための基本的能力")
    SKILL = "skill", _("技能・技術に関する能力")


class RubricItem(models.Model):
    rubric = models.ForeignKey(Rubric, verbose_name=_("評価シート"), on_delete=models.CASCADE, related_name="items")
    section = models.CharField(_("区分"), max_length=10, choices=RubricSection.choices)
    position = models.PositiveSmallIntegerField(_("順序"))
    title = models.CharField(_("評価項目"), max_length=100, validators=[validate_text_line])
    criterion = models.CharField(_("評価の観点"), max_length=300, validators=[validate_text_line])
    # What each level looks like for this item: {"3": "...", "2": "...", "1": "..."}.
    descriptors = models.JSONField(_("段階ごとの説明"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = SHARED_BY_EVERY_SCOPE
    change_scope_paths = {
        kind: tuple(f"rubric__{p}" for p in paths) for kind, paths in Rubric.change_scope_paths.items()
    }
    change_roles = Rubric.change_roles

    class Meta:
        ordering = ["rubric", "position", "pk"]
        verbose_name = _("評価項目")
        verbose_name_plural = _("評価項目")

    def __str__(self):
        return self.title

    # What a reader sees: words still the default rubric's (curricula/rubric_words.py) in the reader's language, a
    # consortium's own words as written. The forms that edit an item keep the stored text.
    @property
    def title_shown(self) -> str:
        return gettext(self.title) if self.title else ""

    @property
    def criterion_shown(self) -> str:
        return gettext(self.criterion) if self.criterion else ""

    def descriptor(self, value: int) -> str:
        words = str((self.descriptors or {}).get(str(value), ""))
        return gettext(words) if words else ""


class EvaluationStage(models.TextChoices):
    MIDTERM = "midterm", _("中間評価")
    FINAL = "final", _("最終評価")


class Evaluator(models.TextChoices):
    MENTOR = "mentor", _("指導担当者")
    SELF = "self", _("生徒の自己評価")


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    SUBMITTED = "submitted", _("提出済み")


class Evaluation(models.Model):
    """One evaluation of a placement at one stage by one side (the mentor, or the student of themselves)."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("実習"), on_delete=models.CASCADE, related_name="evaluations"
    )
    stage = models.CharField(_("時期"), max_length=10, choices=EvaluationStage.choices)
    evaluator = models.CharField(_("評価者"), max_length=10, choices=Evaluator.choices)
    rubric = models.ForeignKey(Rubric, verbose_name=_("評価シート"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状態"), max_length=10, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    comment = models.TextField(_("所見"), blank=True)
    written_by = models.CharField(_("記入者"), max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("記入者の利用者"), on_delete=models.SET_NULL, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("最後の催促"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {kind: tuple(f"placement__{p}" for p in paths) for kind, paths in Placement.scope_paths.items()}
    change_roles = {Role.ADMIN, Role.TEACHER, Role.COMPANY}

    class Meta:
        ordering = ["placement", "stage", "evaluator"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "stage", "evaluator"], name="evaluation_once_per_side")
        ]
        verbose_name = _("実習の評価")
        verbose_name_plural = _("実習の評価")

    def __str__(self):
        return f"{self.placement} {self.get_stage_display()} {self.get_evaluator_display()}"

    @property
    def submitted(self) -> bool:
        return self.status == EvaluationStatus.SUBMITTED


class EvaluationScore(models.Model):
    """A level given to one rubric item, or to one of the placement's own skills (`skill`, with no item)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(RubricItem, on_delete=models.PROTECT, null=True, blank=True, related_name="scores")
    skill = models.CharField(_("実習の技能"), max_length=100, blank=True)
    level = models.PositiveSmallIntegerField(_("評価"))

    objects = ScopedQuerySet.as_manager()
    scope_paths = {kind: tuple(f"evaluation__{p}" for p in paths) for kind, paths in Evaluation.scope_paths.items()}
    change_roles = Evaluation.change_roles

    class Meta:
        ordering = ["evaluation", "item__position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(item__isnull=False, skill="") | models.Q(item__isnull=True) & ~models.Q(skill=""),
                name="evaluation_score_item_or_skill",
            )
        ]
        verbose_name = _("評価の段階")
        verbose_name_plural = _("評価の段階")

    def __str__(self):
        return f"{self.evaluation} {self.item or self.skill} {self.level}"


class EvaluationReview(models.Model):
    """The teacher's comment on a stage, written beside the mentor's evaluation and the self-evaluation."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="evaluation_reviews")
    stage = models.CharField(_("時期"), max_length=10, choices=EvaluationStage.choices)
    comment = models.TextField(_("教員のコメント"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("記入者"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(_("記入日時"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = Evaluation.scope_paths
    change_roles = {Role.ADMIN, Role.TEACHER}

    class Meta:
        ordering = ["placement", "stage", "written_at", "pk"]
        verbose_name = _("評価への教員のコメント")
        verbose_name_plural = _("評価への教員のコメント")

    def __str__(self):
        return f"{self.placement} {self.get_stage_display()}"
