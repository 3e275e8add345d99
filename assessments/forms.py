from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Administration, IssueKind, Practice, RespondentType, Survey, SurveyAnswer
from meister.fiscal import current_fiscal_year
from meister.scoping import limit_choices_to_scope
from partners.models import CollaborationStage, School


class AdministrationForm(forms.ModelForm):
    class Meta:
        model = Administration
        fields = ["school", "instrument", "entry_year", "department", "fiscal_year", "timing", "administered_on"]
        widgets = {"administered_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].initial = current_fiscal_year()
        limit_choices_to_scope(self, user)


class SurveyForm(forms.ModelForm):
    respondent_types = forms.MultipleChoiceField(
        label=_("回答を依頼する相手"),
        choices=RespondentType.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[RespondentType.SCHOOL, RespondentType.COMPANY],
        help_text=_("担当範囲の登録済みの都道府県・学校・企業に依頼します。"),
    )

    class Meta:
        model = Survey
        fields = ["title", "fiscal_year", "deadline", "message"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].initial = current_fiscal_year()


class SurveyAnswerForm(forms.ModelForm):
    issues = forms.MultipleChoiceField(
        label=_("直面している（直面した）課題"),
        choices=IssueKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = SurveyAnswer
        fields = ["stage", "issues", "issue_detail", "solution_issue", "solution", "answered_by"]
        widgets = {"stage": forms.RadioSelect, "issue_detail": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = CollaborationStage.choices
        self.fields["solution"].widget.attrs["rows"] = 4

    def clean(self):
        data = super().clean()
        if data.get("solution") and not data.get("solution_issue"):
            self.add_error("solution_issue", _("解決策がどの課題に対するものか選んでください。"))
        return data


class PracticeForm(forms.ModelForm):
    class Meta:
        model = Practice
        fields = ["title", "stage", "issue", "summary", "outcome", "consortium", "prefecture"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices_to_scope(self, user)


class PracticeSearchForm(forms.Form):
    q = forms.CharField(label=_("キーワード"), required=False, widget=forms.TextInput(attrs={"class": "form-control"}))
    stage = forms.TypedChoiceField(
        label=_("連携段階"),
        choices=[("", _("すべて")), *CollaborationStage.choices],
        coerce=int,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    issue = forms.ChoiceField(
        label=_("課題"),
        choices=[("", _("すべて")), *IssueKind.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class SummaryForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    school = forms.ModelChoiceField(label=_("学校"), queryset=School.objects.none(), required=False)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
