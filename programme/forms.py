"""Forms of the programme; every choice that decides scope offers only what lies in the user's scope."""

from django import forms
from django.contrib.auth import get_user_model
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from meister.fiscal import current_fiscal_year, fiscal_year_choices
from meister.scoping import limit_choices_to_scope, supporter_accounts
from partners.models import Consortium, Designation, DesignationType
from programme.models import (
    AdviceThread,
    ContinuationPlan,
    ContinuationStatus,
    EstimateLine,
    ExpenseCategory,
    FundingSource,
    ImplementationPlan,
    LedgerEntry,
    NetworkLink,
    PlannedActivity,
    ProgrammeEvent,
    SupportAssignment,
)

DATE = forms.DateInput(attrs={"type": "date"})


def _fiscal_year_field(initial=None) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("年度"), coerce=int, choices=fiscal_year_choices(), initial=initial or current_fiscal_year()
    )


class SupporterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class AssignmentForm(forms.ModelForm):
    supporter = SupporterChoiceField(label=_("伴走者・アドバイザー"), queryset=get_user_model().objects.none())

    class Meta:
        model = SupportAssignment
        fields = ["supporter", "part", "consortium", "fiscal_year"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supporter"].queryset = supporter_accounts(get_user_model().objects.all()).order_by("username")
        self.fields["fiscal_year"] = _fiscal_year_field()
        limit_choices_to_scope(self, user)

    def clean(self):
        # Assigning a supporter who is assigned already keeps the one assignment, in the part now given.
        data = super().clean()
        existing = SupportAssignment.objects.filter(
            supporter=data.get("supporter"), consortium=data.get("consortium"), fiscal_year=data.get("fiscal_year")
        ).first()
        if existing is not None:
            self.instance = existing
        return data


class AdviceThreadForm(forms.ModelForm):
    body = forms.CharField(label=_("本文"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)

    class Meta:
        model = AdviceThread
        fields = ["consortium", "kind", "subject", "follow_up_on"]
        widgets = {"follow_up_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices_to_scope(self, user)


class AdviceReplyForm(forms.Form):
    body = forms.CharField(label=_("回答・コメント"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    follow_up_on = forms.DateField(label=_("次のフォローアップ期日"), required=False, widget=DATE)
    close = forms.BooleanField(label=_("これで完了にする"), required=False)


class PlanForm(forms.ModelForm):
    class Meta:
        model = ImplementationPlan
        fields = ["objectives", "approach"]
        widgets = {"objectives": forms.Textarea(attrs={"rows": 4}), "approach": forms.Textarea(attrs={"rows": 3})}


ACTIVITIES_PER_PLAN = 60
PlannedActivityFormSet = inlineformset_factory(
    ImplementationPlan,
    PlannedActivity,
    fields=["month", "title", "detail"],
    extra=3,
    max_num=ACTIVITIES_PER_PLAN,
    absolute_max=ACTIVITIES_PER_PLAN,
    validate_max=True,
    can_delete=True,
)


class EstimateLineForm(forms.ModelForm):
    class Meta:
        model = EstimateLine
        fields = ["category", "amount_yen", "basis"]

    def __init__(self, *args, fiscal_year, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        field.queryset = ExpenseCategory.objects.filter(fiscal_year=fiscal_year)
        if categories is not None:  # the year's categories read once for every line of the formset
            field.choices = [("", field.empty_label), *((category.pk, str(category)) for category in categories)]
        self.fields["amount_yen"].widget.attrs.update({"min": 0, "step": 1, "inputmode": "numeric"})


LINES_PER_ESTIMATE = 80
EstimateFormSet = inlineformset_factory(
    Designation,
    EstimateLine,
    form=EstimateLineForm,
    extra=3,
    max_num=LINES_PER_ESTIMATE,
    absolute_max=LINES_PER_ESTIMATE,
    validate_max=True,
    can_delete=True,
)


class LedgerEntryForm(forms.ModelForm):
    class Meta:
        model = LedgerEntry
        fields = ["spent_on", "category", "payee", "description", "amount_yen", "evidence"]
        widgets = {
            "spent_on": DATE,
            "evidence": forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ExpenseCategory.objects.filter(
            fiscal_year=self.instance.designation.fiscal_year
        )
        self.fields["amount_yen"].widget.attrs.update({"min": 0, "step": 1, "inputmode": "numeric"})
        limit_choices_to_scope(self, user)


LEADING = (DesignationType.ADVANCED, DesignationType.ADVANCED_FOLLOW_ON)
LEARNING = (DesignationType.STRENGTHENING, DesignationType.STRENGTHENING_FOLLOW_ON)


def _designated(types):
    return Consortium.objects.filter(pk__in=Designation.objects.filter(type__in=types).values("consortium"))


class NetworkLinkForm(forms.ModelForm):
    class Meta:
        model = NetworkLink
        fields = ["fiscal_year", "leader", "supported", "supported_prefecture", "joint_activities"]
        widgets = {"joint_activities": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The form links a ① consortium to a ② one; a link to a prefecture as a whole is kept in the back office.
        self.fields["supported"].required = True
        self.fields["leader"].queryset = _designated(LEADING)
        self.fields["supported"].queryset = _designated(LEARNING)
        self.fields["fiscal_year"] = _fiscal_year_field()
        limit_choices_to_scope(self, user)


class EventForm(forms.ModelForm):
    class Meta:
        model = ProgrammeEvent
        fields = ["kind", "title", "held_on", "place", "consortia", "modules", "attendance", "materials", "minutes"]
        widgets = {
            "held_on": DATE,
            "consortia": forms.CheckboxSelectMultiple,
            "modules": forms.Textarea(attrs={"rows": 3}),
            "attendance": forms.Textarea(attrs={"rows": 4}),
            "materials": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices_to_scope(self, user)


class ContinuationPlanForm(forms.ModelForm):
    funding = forms.TypedMultipleChoiceField(
        label=_("費用の負担"), choices=FundingSource.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = ContinuationPlan
        fields = ["last_designated_year", "activities", "funding", "funding_note"]
        widgets = {"activities": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["last_designated_year"] = _fiscal_year_field(self.instance.last_designated_year)
        self.fields["last_designated_year"].label = _("指定最終年度")


class ContinuationStatusForm(forms.ModelForm):
    """Whether the work went on in a year after the designation: yes or no, as checked on a date."""

    active = forms.TypedChoiceField(
        label=_("継続している"),
        choices=[(True, _("はい")), (False, _("いいえ"))],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ContinuationStatus
        fields = ["fiscal_year", "active", "checked_on", "note"]
        widgets = {"checked_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"] = _fiscal_year_field(self.instance.fiscal_year)
