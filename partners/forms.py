"""Forms for the registry; the models' own validation gives the messages."""

import unicodedata

from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meister.models import Role
from meister.scoping import visible_to
from partners.models import (
    MONTHS,
    WEEKDAYS,
    Agreement,
    Company,
    CompanyOffer,
    ContactLog,
    Organisation,
    Person,
    Prefecture,
    School,
)


def normalise_digits(value: str) -> str:
    """Full-width digits and hyphens, as offices type them, to the plain form the validators expect."""
    return unicodedata.normalize("NFKC", value or "").replace("-", "").replace("ー", "").strip()


class PrefectureLimitedMixin:
    """A prefecture user registers only in their own prefecture."""

    def limit_prefecture(self, user):
        if user.role == Role.PREFECTURE:
            field = self.fields["prefecture"]
            field.queryset = Prefecture.objects.filter(pk=user.prefecture_id)
            field.initial = user.prefecture_id
            field.empty_label = None


class SchoolForm(PrefectureLimitedMixin, forms.ModelForm):
    class Meta:
        model = School
        fields = ["code", "name", "kana", "prefecture", "municipality", "address", "establishment"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_prefecture(user)
        if self.instance.pk:
            # The code and prefecture identify the school; only the back office changes them.
            for name in ("code", "prefecture", "establishment"):
                self.fields[name].disabled = True

    def clean_code(self):
        return normalise_digits(self.cleaned_data.get("code", "")).upper()


class CompanyForm(PrefectureLimitedMixin, forms.ModelForm):
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
        self.limit_prefecture(user)

    def clean_corporate_number(self):
        return normalise_digits(self.cleaned_data.get("corporate_number") or "") or None


OfferFormSet = inlineformset_factory(
    Company,
    CompanyOffer,
    fields=["kind", "capacity", "description"],
    extra=1,
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

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["contacted_on"].initial = timezone.localdate()


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "kana", "role", "title", "email", "phone"]


class AgreementForm(PrefectureLimitedMixin, forms.ModelForm):
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
        self.limit_prefecture(user)
        from partners.models import Consortium

        self.fields["consortium"].queryset = visible_to(Consortium.objects.all(), user)
        self.fields["organisations"].queryset = visible_to(Organisation.objects.all(), user)
        self.fields["companies"].queryset = visible_to(Company.objects.all(), user)
        self.fields["schools"].queryset = visible_to(School.objects.all(), user)

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
