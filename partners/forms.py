"""Edit forms for the registry; the model's own validation gives the messages."""

from django import forms

from partners.models import Company, School


class SchoolForm(forms.ModelForm):
    class Meta:
        model = School
        fields = ["name", "kana", "municipality"]


class CompanyForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = ["name", "kana", "corporate_number", "municipality", "industry", "description"]

    def clean_corporate_number(self):
        # Offices type 法人番号 with full-width digits and hyphens; store the 13 plain digits.
        value = self.cleaned_data.get("corporate_number") or ""
        value = value.translate(str.maketrans("０１２３４５６７８９", "0123456789")).replace("-", "").strip()
        return value or None
