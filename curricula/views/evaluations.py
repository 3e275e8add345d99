"""Evaluations of a placement: the mentor's form (signed in or by the e-mailed link), the student's self-evaluation,
the teacher's side-by-side view with its chart, comment and "remind now", and the rubrics (評価シート) to adapt."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from curricula import links, selectors
from curricula.charts import comparison_chart
from curricula.models import (
    Evaluation,
    EvaluationReview,
    EvaluationStage,
    Evaluator,
    Rubric,
    RubricItem,
)
from curricula.services import evaluations as services
from meister import signed_links
from meister.middleware import for_students
from meister.scoping import (
    acts_for_company,
    get_for_user,
    may_change,
    may_create,
    may_see_named_students,
    own_student_record,
    speaks_for_company,
    visible_to,
)


class EvaluationForm(forms.Form):
    """One radio group per rubric line (any may stay empty in a draft) and the evaluator's remarks."""

    def __init__(self, data=None, *, questions, scale, initial_levels=None, initial_comment=""):
        super().__init__(data)
        self.questions = questions
        for q in questions:
            self.fields[q.key] = forms.TypedChoiceField(
                label=q.title,
                help_text=q.criterion,
                # Each level in the item's own words where the rubric gives them, else the scale's.
                choices=[(str(value), f"{mark}：{q.descriptor(value) or words}") for value, mark, words in scale],
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                initial=(initial_levels or {}).get(q.key),
            )
        self.fields["comment"] = forms.CharField(
            label=_("所見（よかった点・これからの課題）"),
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 4}),
            initial=initial_comment,
        )

    def rows(self):
        return [(q, self[q.key]) for q in self.questions]


def _fill(request, evaluation, *, user, written_by, template_base, done_url):
    """The form of one evaluation: save a draft, or submit when every line has a level."""
    items = list(evaluation.rubric.items.all())
    questions = services.questions(evaluation, items)
    scale = evaluation.rubric.scale
    levels = services.levels_of(evaluation)
    form = EvaluationForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        scale=scale,
        initial_levels=levels,
        initial_comment=evaluation.comment,
    )
    status, draft_kept = 200, False
    if request.method == "POST" and not evaluation.submitted and form.is_valid():
        submit = request.POST.get("action") == "submit"
        data = form.cleaned_data
        try:
            problems = services.evaluation_save(
                evaluation=evaluation,
                levels={q.key: data.get(q.key) for q in questions},
                comment=data["comment"],
                submit=submit,
                user=user,
                written_by=written_by,
            )
        except ValidationError as error:
            form.add_error(None, error)
            status = 400
        else:
            if not problems:
                if submit:
                    messages.success(request, _("評価を提出しました。ありがとうございました。"))
                else:
                    messages.success(request, _("下書きを保存しました。"))
                return redirect(done_url)
            for key, problem in problems.items():
                form.add_error(key, problem)
            form.add_error(None, _("下書きとして保存しました。赤字の項目を選んでから提出してください。"))
            # Refused as a submission, kept as a draft: nothing typed is lost, and the page says so.
            status, draft_kept = 400, True
    elif request.method == "POST":
        status = 400
    context = {
        "evaluation": evaluation,
        "placement": evaluation.placement,
        "form": form,
        "scale": scale,
        "base": template_base,
        "due": services.due_on(evaluation.placement, evaluation.stage),
        "draft_kept": draft_kept,
    }
    return render(request, "curricula/evaluation_form.html", context, status=status)


@never_cache
@csrf_protect
def evaluation_link(request, token):
    """The mentor's evaluation through the e-mailed link: no account, the signed link names the evaluation."""
    try:
        evaluation = _linked_evaluation(token)
    except signed_links.BadLink as error:
        return signed_links.refused(request, error, links.EVALUATION)
    if evaluation.submitted and request.method == "POST":
        return signed_links.refused(request, signed_links.UsedLink(), links.EVALUATION)
    mentor = evaluation.placement.mentor
    name = _("%(name)s（メールのリンクから）") % {"name": mentor.name if mentor else ""}
    return _fill(
        request, evaluation, user=None, written_by=name, template_base="base_public.html", done_url=request.path
    )


def _linked_evaluation(token) -> Evaluation:
    rows = Evaluation.objects.select_related(
        "rubric", "placement", "placement__student", "placement__company", "placement__mentor"
    )
    # One row by its key: ordered by the key, not by the model's list order (which joins two more tables to sort).
    evaluation = rows.filter(pk=links.EVALUATION.read_id(token), evaluator=Evaluator.MENTOR).order_by("pk").first()
    if evaluation is None:
        raise signed_links.BadLink
    return evaluation


def _stage(stage: str) -> str:
    if stage not in EvaluationStage.values:
        raise Http404
    return stage


@login_required
def evaluation_mentor(request, pk, stage):
    """The same form for a signed-in mentor of the host company."""
    placement = selectors.get_placement_for_user(request.user, pk)
    if not acts_for_company(request.user, placement.company_id):
        raise PermissionDenied
    evaluation = services.evaluation_for(placement, _stage(stage), Evaluator.MENTOR)
    evaluation.placement = placement
    name = request.user.get_full_name() or request.user.username
    return _fill(
        request, evaluation, user=request.user, written_by=name, template_base="base.html", done_url=request.path
    )


@for_students
@login_required
def evaluation_self(request, pk, stage):
    """The student's self-evaluation on the same rubric: by the student, or by a teacher for a student with no
    account."""
    user = request.user
    placement = selectors.get_placement_for_user(user, pk)
    if own_student_record(user) is None and not (may_change(user, placement) and placement.student.account_id is None):
        raise PermissionDenied
    evaluation = services.evaluation_for(placement, _stage(stage), Evaluator.SELF)
    evaluation.placement = placement
    name = user.get_full_name() or user.username
    return _fill(request, evaluation, user=user, written_by=name, template_base="base.html", done_url=request.path)


@login_required
def evaluation_compare(request, pk, stage):
    """The teacher's view of a stage: the mentor's and the student's levels side by side, a chart, comments."""
    user = request.user
    if not may_see_named_students(user):
        raise PermissionDenied
    placement = selectors.get_placement_for_user(user, pk)
    if speaks_for_company(user):
        raise PermissionDenied  # the student's self-evaluation is for the school side
    stage = _stage(stage)
    found = {
        e.evaluator: e
        for e in visible_to(Evaluation.objects.filter(placement=placement, stage=stage), user)
        .select_related("rubric")
        .prefetch_related("scores")
    }
    for evaluation in found.values():
        evaluation.placement = placement
    mentor, own = found.get(Evaluator.MENTOR), found.get(Evaluator.SELF)
    rubric = (mentor or own).rubric if (mentor or own) else services.rubric_for(placement)
    probe = mentor or own or Evaluation(placement=placement, stage=stage, rubric=rubric)
    questions = services.questions(probe, list(rubric.items.all()))
    mentor_levels = services.levels_of(mentor) if mentor and mentor.submitted else {}
    self_levels = services.levels_of(own) if own and own.submitted else {}
    rows = [
        {
            "question": q,
            "mentor": mentor_levels.get(q.key),
            "mentor_mark": rubric.mark(mentor_levels.get(q.key)),
            "self": self_levels.get(q.key),
            "self_mark": rubric.mark(self_levels.get(q.key)),
        }
        for q in questions
    ]
    review = EvaluationReview(placement=placement, stage=stage, written_by=user)
    can_comment = may_change(user, review)
    review_error = ""
    if request.method == "POST":
        if not can_comment:
            raise PermissionDenied
        try:
            services.evaluation_review_add(
                user=user, placement=placement, stage=stage, comment=request.POST.get("comment", "")
            )
        except ValidationError as error:
            review_error = " ".join(error.messages)
        else:
            messages.success(request, _("コメントを保存しました。"))
            return redirect(request.path)
    chart = comparison_chart(
        [(q.title, mentor_levels.get(q.key), self_levels.get(q.key)) for q in questions],
        rubric.scale,
        title=_("評価の比較"),
        mentor_label=_("● 指導担当者"),
        self_label=_("■ 自己評価"),
    )
    context = {
        "placement": placement,
        "stage": stage,
        "stage_label": EvaluationStage(stage).label,
        "stages": EvaluationStage.choices,
        "mentor": mentor,
        "own": own,
        "rows": rows,
        "rubric": rubric,
        "chart": chart if (mentor_levels or self_levels) else "",
        "reviews": EvaluationReview.objects.filter(placement=placement, stage=stage).select_related("written_by"),
        "can_comment": can_comment,
        "review_error": review_error,
        "typed": request.POST.get("comment", "") if review_error else "",
        "can_remind": may_change(user, placement) and placement.mentor_id is not None,
        "due": services.due_on(placement, stage),
    }
    return render(request, "curricula/evaluation_compare.html", context, status=400 if review_error else 200)


@login_required
@require_POST
def evaluation_remind(request, pk, stage):
    placement = selectors.get_placement_for_user(request.user, pk)
    try:
        services.evaluation_remind_now(user=request.user, placement=placement, stage=_stage(stage))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("指導担当者に評価のお願いを送りました。"))
    return redirect("curricula:evaluation_compare", pk=placement.pk, stage=stage)


# --- rubrics ----------------------------------------------------------------------------------------------------------


class RubricItemForm(forms.ModelForm):
    class Meta:
        model = RubricItem
        fields = ["section", "title", "criterion"]


@login_required
def rubric_list(request):
    services.default_rubric()
    rubrics = visible_to(Rubric.objects.select_related("prefecture", "consortium"), request.user)
    context = {"rubrics": rubrics, "may_copy": may_create(request.user, Rubric)}
    return render(request, "curricula/rubric_list.html", context)


@login_required
def rubric_detail(request, pk):
    rubric = get_for_user(request.user, Rubric.objects.select_related("prefecture", "consortium"), pk=pk)
    editable = services.may_edit_rubric(request.user, rubric)
    ItemFormSet = forms.modelformset_factory(RubricItem, form=RubricItemForm, extra=1, can_delete=True)
    formset = ItemFormSet(request.POST or None, queryset=rubric.items.all()) if editable else None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if formset.is_valid():
            try:
                services.rubric_items_save(user=request.user, rubric=rubric, formset=formset)
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
            else:
                messages.success(request, _("評価シートを保存しました。"))
                return redirect("curricula:rubric_detail", pk=rubric.pk)
    context = {
        "rubric": rubric,
        "items": rubric.items.all(),
        "formset": formset,
        "may_copy": may_create(request.user, Rubric),
    }
    return render(request, "curricula/rubric_detail.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def rubric_copy(request, pk):
    rubric = get_for_user(request.user, Rubric, pk=pk)
    if not may_create(request.user, Rubric):
        raise PermissionDenied
    name = request.POST.get("name", "").strip()[:100] or _("%(name)s（複製）") % {"name": rubric.name[:90]}
    try:
        copy = services.rubric_copy(user=request.user, rubric=rubric, name=name)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("curricula:rubric_detail", pk=rubric.pk)
    messages.success(request, _("評価シートを複製しました。項目を自由に直せます。"))
    return redirect("curricula:rubric_detail", pk=copy.pk)
