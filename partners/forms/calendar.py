"""Forms for school and company calendars (休業日); choices are limited to the user's scope."""

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from meister.fiscal import current_fiscal_year
from meister.scoping import limit_choices_to_scope, placing_fields
from partners.forms import fiscal_year_choices
from partners.models import SCHOOL_KINDS, ClosedPeriod, ClosureKind, Company, School


class TypedDateField(forms.DateField):
    """A date as offices type it: ２０２６-０８-１３ or 2026/8/13 read like 2026-08-13 (NFKC, slashes)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).strip().replace("/", "-")
        return super().to_python(value)


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _owner_kinds(user) -> tuple[bool, bool]:
    """Whether the user keeps schools' calendars, companies' calendars, or both (national and consortium roles)."""
    kept = placing_fields(user, ClosedPeriod, ("school", "company"))
    return "school" in kept, "company" in kept


def _one_owner_required(form) -> None:
    """With one owner field the choice is required (and comes chosen when there is one option); with both, the
    form's clean() asks for exactly one."""
    owners = [name for name in ("school", "company") if name in form.fields]
    for name in owners:
        form.fields[name].required = len(owners) == 1


class ClosedPeriodForm(forms.ModelForm):
    class Meta:
        model = ClosedPeriod
        fields = ["school", "company", "fiscal_year", "kind", "starts_on", "ends_on", "label"]
        field_classes = {"starts_on": TypedDateField, "ends_on": TypedDateField}
        widgets = {"starts_on": DATE, "ends_on": DATE}
        error_messages = {
            "starts_on": {
                "required": _("開始日を入力してください。"),
                "invalid": _("開始日は 2026-08-13 のように入力してください。"),
            },
            "ends_on": {
                "required": _("終了日を入力してください。"),
                "invalid": _("終了日は 2026-08-13 のように入力してください。"),
            },
            "label": {"required": _("名称を入力してください（例: 夏季休業）。")},
            "kind": {"required": _("区分を選んでください。")},
        }
        help_texts = {"ends_on": _("1日だけなら開始日と同じ日にします。")}

    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = fiscal_year_choices()
        if self.instance.pk is None and not self.initial.get("fiscal_year"):
            self.initial["fiscal_year"] = current_fiscal_year()
        self.fields["school"].queryset = School.objects.all()
        self.fields["company"].queryset = Company.objects.all()
        schools, companies = _owner_kinds(user)
        if self.instance.pk is not None:
            schools, companies = self.instance.school_id is not None, self.instance.company_id is not None
        if not companies:
            del self.fields["company"]
        if not schools:
            del self.fields["school"]
            self.fields["kind"].choices = [(ClosureKind.COMPANY.value, ClosureKind.COMPANY.label)]
            self.initial.setdefault("kind", ClosureKind.COMPANY.value)
        elif not companies:
            self.fields["kind"].choices = [("", "---------"), *SCHOOL_KINDS]
        _one_owner_required(self)
        limit_choices_to_scope(self, user)

    def clean(self):
        cleaned = super().clean()
        if "school" in self.fields and "company" in self.fields:
            if (cleaned.get("school") is None) == (cleaned.get("company") is None) and not self.has_error("school"):
                self.add_error("school", _("学校か企業のどちらか一つを選んでください。"))
        return cleaned


class CalendarCopyForm(forms.Form):
    """Whose calendar, and from which fiscal year to the next."""

    school = forms.ModelChoiceField(label=_("学校"), queryset=School.objects.all(), required=False)
    company = forms.ModelChoiceField(label=_("企業"), queryset=Company.objects.all(), required=False)
    from_year = forms.TypedChoiceField(label=_("コピー元の年度"), coerce=int)

    class _Meta:
        model = ClosedPeriod

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._meta = self._Meta
        self.instance = ClosedPeriod()
        self.fields["from_year"].choices = fiscal_year_choices()
        if not self.initial.get("from_year"):
            self.initial["from_year"] = current_fiscal_year() - 1
        schools, companies = _owner_kinds(user)
        if not companies:
            del self.fields["company"]
        if not schools:
            del self.fields["school"]
        _one_owner_required(self)
        limit_choices_to_scope(self, user)

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("school") is None) == (cleaned.get("company") is None):
            raise forms.ValidationError(_("学校か企業のどちらか一つを選んでください。"))
        return cleaned
