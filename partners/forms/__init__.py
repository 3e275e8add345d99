"""Forms for the registry; the models' own validation gives the messages."""

import unicodedata

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from meister import clock
from meister.fiscal import current_fiscal_year, fiscal_year_choices
from meister.scoping import limit_choices_to_scope
from partners.models import (
    MONTHS,
    WEEKDAYS,
    ActionItem,
    Agreement,
    Company,
    CompanyOffer,
    ConsortiumStage,
    ContactLog,
    Designation,
    Meeting,
    OfferKind,
    Person,
    PersonRole,
    PractitionerTeaching,
    School,
    SupportConsultation,
)


def normalise_digits(value: str) -> str:
    """Full-width digits and hyphens, as offices type them, to the plain form the validators expect."""
    return unicodedata.normalize("NFKC", value or "").replace("-", "").replace("ー", "").strip()


class SchoolForm(forms.ModelForm):
    class Meta:
        model = School
        fields = ["code", "name", "kana", "prefecture", "municipality", "address", "establishment"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The code and prefecture identify the school; only the back office changes them.
            for name in ("code", "prefecture", "establishment"):
                self.fields[name].disabled = True
        limit_choices_to_scope(self, user)

    def clean_code(self):
        return normalise_digits(self.cleaned_data.get("code", "")).upper()


class CompanyForm(forms.ModelForm):
    # Longer than 13 so that "4011-001-098993" or full-width digits reach clean_corporate_number.
    corporate_number = forms.CharField(label=_("法人番号"), max_length=30, required=False)
    busy_months = forms.TypedMultipleChoiceField(
        label=_("繁忙月（受入れが難しい月）"),
        choices=MONTHS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "list-inline"}),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("受入れ可能な曜日（空なら制約なし）"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Company
        fields = [
            "name",
            "kana",
            "corporate_number",
            "prefecture",
            "municipality",
            "address",
            "industry",
            "size_band",
            "description",
            "busy_months",
            "weekdays",
            "max_students",
            "latitude",
            "longitude",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices_to_scope(self, user)

    def clean_corporate_number(self):
        return normalise_digits(self.cleaned_data.get("corporate_number") or "") or None


OfferFormSet = inlineformset_factory(
    Company,
    CompanyOffer,
    fields=["kind", "capacity", "description"],
    extra=1,
    # One offer per kind; a posted form count beyond it is refused without building thousands of forms.
    max_num=len(OfferKind.choices),
    absolute_max=len(OfferKind.choices),
    validate_max=True,
    can_delete=True,
    widgets={"description": forms.TextInput},
)


class ContactLogForm(forms.ModelForm):
    class Meta:
        model = ContactLog
        fields = ["contacted_on", "channel", "person", "subject", "notes", "next_step", "next_step_on"]
        widgets = {
            "contacted_on": forms.DateInput(attrs={"type": "date"}),
            "next_step_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, people, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["contacted_on"].initial = clock.today()
        limit_choices_to_scope(self, user)


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "kana", "role", "title", "email", "phone"]


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "title",
            "prefecture",
            "consortium",
            "signed_on",
            "organisations",
            "companies",
            "schools",
            "scope",
            "document",
        ]
        widgets = {"signed_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices_to_scope(self, user)

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and hasattr(document, "read"):
            head = document.read(5)
            document.seek(0)
            if head != b"%PDF-":
                raise forms.ValidationError(_("協定書はPDFファイルでアップロードしてください。"))
            if document.size > 20 * 1024 * 1024:
                raise forms.ValidationError(_("協定書のファイルは20MB以下にしてください。"))
        return document


DATE = forms.DateInput(attrs={"type": "date"})


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["kind", "held_on", "title", "attendees", "minutes"]
        widgets = {
            "held_on": DATE,
            "attendees": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }


# More than any meeting's minutes hold; a posted form count beyond it is refused without building the forms.
ACTION_ITEMS_PER_MEETING = 50
ActionItemFormSet = inlineformset_factory(
    Meeting,
    ActionItem,
    fields=["description", "owner", "due_on", "done"],
    extra=2,
    max_num=ACTION_ITEMS_PER_MEETING,
    absolute_max=ACTION_ITEMS_PER_MEETING,
    validate_max=True,
    can_delete=True,
    widgets={"due_on": DATE},
)


class ConsultationForm(forms.ModelForm):
    class Meta:
        model = SupportConsultation
        fields = ["asked_on", "question", "advisor", "advice", "answered_on"]
        widgets = {
            "asked_on": DATE,
            "answered_on": DATE,
            "question": forms.Textarea(attrs={"rows": 3}),
            "advice": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advisor"].queryset = Person.objects.filter(role=PersonRole.COMPANION)
        limit_choices_to_scope(self, user)


class StageForm(forms.ModelForm):
    class Meta:
        model = ConsortiumStage
        fields = ["fiscal_year", "stage", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"] = forms.TypedChoiceField(
            label=_("年度"), coerce=int, choices=fiscal_year_choices(), initial=current_fiscal_year()
        )


class DesignationForm(forms.ModelForm):
    class Meta:
        model = Designation
        fields = ["fiscal_year", "type", "is_new", "first_fiscal_year", "budget_yen"]

    def clean(self):
        # The consortium is not a field of the form, so Django would not check the one-per-year rule.
        cleaned = super().clean()
        taken = Designation.objects.filter(consortium=self.instance.consortium, fiscal_year=cleaned.get("fiscal_year"))
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("この年度の事業指定は既に登録されています。"))
        return cleaned

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("fiscal_year", "first_fiscal_year"):
            self.fields[name] = forms.TypedChoiceField(
                label=self.fields[name].label,
                coerce=int,
                choices=fiscal_year_choices(),
                initial=current_fiscal_year(),
            )


class TeachingForm(forms.ModelForm):
    class Meta:
        model = PractitionerTeaching
        fields = ["person", "fiscal_year", "subjects", "hours"]

    def clean(self):
        cleaned = super().clean()
        taken = PractitionerTeaching.objects.filter(
            school=self.instance.school, person=cleaned.get("person"), fiscal_year=cleaned.get("fiscal_year")
        )
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("この人のこの年度の授業時間は既に記録されています。"))
        return cleaned

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(role=PersonRole.PRACTITIONER).select_related("company")
        self.fields["fiscal_year"] = forms.TypedChoiceField(
            label=_("年度"), coerce=int, choices=fiscal_year_choices(), initial=current_fiscal_year()
        )
        limit_choices_to_scope(self, user)
