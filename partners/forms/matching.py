"""Forms for needs, the ranking's weights and filters, proposals, answers and feedback."""

from django import forms
from django.utils.translation import gettext_lazy as _

from meister.scoping import limit_choices_to_scope
from meister.validators import validate_text_line
from partners.matching import DEFAULT_WEIGHTS
from partners.models import Engagement, SchoolNeed

DATE = forms.DateInput(attrs={"type": "date"})


class NeedForm(forms.ModelForm):
    class Meta:
        model = SchoolNeed
        fields = [
            "school",
            "department",
            "kind",
            "title",
            "category",
            "industry",
            "subject",
            "grade",
            "start_on",
            "end_on",
            "weekday",
            "hours",
            "students",
            "place",
            "details",
        ]
        widgets = {"start_on": DATE, "end_on": DATE, "details": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = self.fields["department"].queryset.select_related("school")
        # A teacher's need is for their own school: it is the one school offered, and it comes chosen.
        limit_choices_to_scope(self, user)


WEIGHT_LABELS = {
    "offer": _("提供内容が合う"),
    "field": _("分野が合う"),
    "place": _("近い"),
    "capacity": _("期間中の空き"),
    "constraints": _("日程・人数の制約"),
    "history": _("これまでの連携"),
    "recency": _("最近依頼していない"),
}


class RankingForm(forms.Form):
    """Weights 0–5 per factor and two filters; every field has a default so a bare GET ranks too."""

    only_with_offer = forms.BooleanField(label=_("この種類を提供している企業のみ"), required=False, initial=True)
    same_prefecture = forms.BooleanField(label=_("同じ都道府県のみ"), required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        for factor, label in WEIGHT_LABELS.items():
            self.fields[f"w_{factor}"] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=5,
                initial=DEFAULT_WEIGHTS[factor],
                required=False,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "style": "width:5em"}),
            )

    def options(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {"weights": dict(DEFAULT_WEIGHTS), "only_with_offer": True, "same_prefecture": False}
        data = self.cleaned_data
        weights = {f: DEFAULT_WEIGHTS[f] if data.get(f"w_{f}") is None else data[f"w_{f}"] for f in WEIGHT_LABELS}
        return {
            "weights": weights,
            "only_with_offer": data["only_with_offer"],
            "same_prefecture": data["same_prefecture"],
        }


class ProposalForm(forms.Form):
    message = forms.CharField(label=_("企業へのメッセージ"), widget=forms.Textarea(attrs={"rows": 10}))


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("回答"),
        choices=[
            ("accept", _("お引き受けする")),
            ("counter", _("日程や人数を変えて提案する")),
            ("question", _("先に質問する")),
            ("decline", _("今回は見送る")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("回答を選んでください。")},
    )
    reason = forms.CharField(
        label=_("見送る理由（一言で結構です）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    text = forms.CharField(
        label=_("質問・提案の内容"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    start_on = forms.DateField(label=_("提案する開始日"), required=False, widget=DATE)
    end_on = forms.DateField(label=_("提案する終了日"), required=False, widget=DATE)
    students = forms.IntegerField(label=_("受け入れられる生徒数"), required=False, min_value=1, max_value=999)
    name = forms.CharField(
        label=_("ご回答者のお名前"),
        max_length=100,
        validators=[validate_text_line],
        error_messages={"required": _("ご回答者のお名前を入力してください。")},
    )

    def clean(self):
        data = super().clean()
        answer = data.get("answer")
        if answer == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("辞退の理由を一言お書きください。今後の依頼の参考にします。"))
        if answer == "question" and not (data.get("text") or "").strip():
            self.add_error("text", _("質問の内容を入力してください。"))
        if answer == "counter" and not any(data.get(f) for f in ("start_on", "end_on", "students")):
            self.add_error("students", _("提案する日程か人数を入力してください。"))
        return data


class ExchangeReplyForm(forms.Form):
    text = forms.CharField(label=_("企業への回答"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class FeedbackForm(forms.ModelForm):
    would_host_again = forms.TypedChoiceField(
        label=_("またお願いしたいですか"),
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        choices=[("", _("未回答")), ("yes", _("はい")), ("no", _("いいえ"))],
        required=False,
    )

    class Meta:
        model = Engagement
        fields = ["would_host_again", "feedback"]
        widgets = {"feedback": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["would_host_again"] = {True: "yes", False: "no"}.get(self.instance.would_host_again, "")
