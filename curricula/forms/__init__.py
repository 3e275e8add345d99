import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from curricula.models import AgreementStatus, AllocationRound, Attendance, DayLog, Placement, Student
from curricula.services.allocation_places import round_problems
from meister.scoping import limit_choices_to_scope
from meister.sniffing import JPEG, PDF, PNG, sniff
from partners.models import WEEKDAYS, Person


class DayRowForm(forms.Form):
    """One student's row on the class logging screen; the prefix is the placement's id."""

    attendance = forms.ChoiceField(label=_("出欠"), choices=Attendance.choices, initial=Attendance.PRESENT)
    hours = forms.DecimalField(
        label=_("時間数"), max_digits=4, decimal_places=1, min_value=Decimal("0"), max_value=Decimal("12")
    )
    activities = forms.CharField(label=_("実習内容"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reflection = forms.CharField(
        label=_("生徒の振り返り（実習日誌）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, placement, log=None, **kwargs):
        self.placement = placement
        self.log = log
        if log is not None:
            initial = {name: getattr(log, name) for name in ("attendance", "hours", "activities", "reflection")}
        else:
            initial = {"attendance": Attendance.PRESENT, "hours": placement.hours_per_day}
        super().__init__(*args, prefix=f"p{placement.pk}", initial=initial, **kwargs)
        self.fields["hours"].widget.attrs.update({"step": "0.5", "inputmode": "decimal"})
        for name, field in self.fields.items():
            css = "form-select" if name == "attendance" else "form-control"
            field.widget.attrs["class"] = css + (" text-end" if name == "hours" else "")

    def clean(self):
        data = super().clean()
        attendance, hours = data.get("attendance"), data.get("hours")
        if attendance == Attendance.ABSENT:
            # The prefilled hours stay in the box when a student is marked absent; an absent day has none.
            data["hours"] = Decimal("0")
        elif attendance:
            if hours is not None and hours <= 0:
                self.add_error("hours", _("時間数を入力してください。"))
            if not (data.get("activities") or "").strip():
                self.add_error("activities", _("実習内容を入力してください。"))
        return data


class DayLogForm(forms.ModelForm):
    class Meta:
        model = DayLog
        fields = ["attendance", "hours", "activities", "reflection"]
        widgets = {
            "attendance": forms.Select(attrs={"class": "form-select"}),
            "hours": forms.NumberInput(attrs={"class": "form-control", "inputmode": "decimal"}),
            "activities": forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
            "reflection": forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        }

    def clean(self):
        data = super().clean()
        if data.get("attendance") != Attendance.ABSENT and not (data.get("activities") or "").strip():
            self.add_error("activities", _("実習内容を入力してください。"))
        return data


class ReviewForm(forms.Form):
    log = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("confirm", _("確認する")), ("reject", _("差し戻す"))])
    comment = forms.CharField(
        label=_("コメント・差し戻しの理由"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("差し戻しの理由を入力してください。"))
        return data


class AgreementForm(forms.Form):
    agreement_status = forms.ChoiceField(label=_("三者協定"), choices=AgreementStatus.choices)
    agreement_scan = forms.FileField(label=_("三者協定（署名済み）"), required=False)

    def clean_agreement_scan(self):
        scan = self.cleaned_data.get("agreement_scan")
        if not scan:
            return scan
        if scan.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("ファイルは10MB以下にしてください。"))
        # Typed by its bytes, never its name: a web page named .pdf is not a signed agreement.
        scan.seek(0)
        kind = sniff(scan.read(16))
        scan.seek(0)
        if kind not in (PDF, JPEG, PNG):
            raise forms.ValidationError(_("PDFまたは画像（JPEG・PNG）をアップロードしてください。"))
        # Stored under a name of our own: the sender's file name often carries the student's.
        scan.name = f"{uuid.uuid4().hex}.{kind.extension}"
        return scan


class WeekdayPatternMixin:
    """The model's `weekdays` digits ("13" = Tuesdays and Thursdays) as checkboxes named `weekday_set`.

    The model's own check of the pattern reports on `weekdays`, a field the form does not have: its words are
    shown on the checkboxes instead, once, so a missing or unknown weekday is answered in words, never an error page.
    """

    def clean(self):
        data = super().clean()
        self.instance.weekdays = "".join(str(d) for d in sorted(set(data.get("weekday_set") or [])))
        return data

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict") and "weekdays" in errors.error_dict:
            messages = errors.error_dict.pop("weekdays")
            if not self.has_error("weekday_set"):
                errors.error_dict["weekday_set"] = messages
        super()._update_errors(errors)


def _weekday_set_field():
    return forms.TypedMultipleChoiceField(
        label=_("実習の曜日"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )


class PlacementForm(WeekdayPatternMixin, forms.ModelForm):
    """A placement with its weekday pattern as checkboxes; choices are limited to what the user may see."""

    weekday_set = _weekday_set_field()

    class Meta:
        model = Placement
        fields = [
            "student",
            "company",
            "mentor",
            "subject",
            "engagement",
            "kind",
            "starts_on",
            "ends_on",
            "hours_per_day",
            "required_hours",
            "insurance",
            "safety",
            "skills",
        ]
        widgets = {
            "skills": forms.Textarea(attrs={"rows": 3}),
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "insurance": forms.Textarea(attrs={"rows": 2}),
            "safety": forms.Textarea(attrs={"rows": 3}),
        }

    field_order = ["student", "company", "mentor", "subject", "kind", "starts_on", "ends_on", "weekday_set"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = Person.objects.filter(company__isnull=False)
        self.fields["engagement"].queryset = self.fields["engagement"].queryset.select_related("company")
        if self.instance.pk:
            self.fields["weekday_set"].initial = self.instance.weekday_numbers
        # By ふりがな (the model's order), each with 組・番号 so that two students of one name are told apart.
        self.fields["student"].label_from_instance = lambda student: student.label
        limit_choices_to_scope(self, user)


class StudentForm(forms.ModelForm):
    class Meta:
        model = Student
        fields = [
            "department",
            "entry_year",
            "class_name",
            "number",
            "student_number",
            "full_name",
            "kana_name",
            "guardian_name",
            "guardian_contact",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The department decides the school, so it is the choice that keeps a student inside the user's scope.
        self.fields["department"].queryset = self.fields["department"].queryset.select_related("school")
        limit_choices_to_scope(self, user)

    def clean(self):
        data = super().clean()
        if data.get("department"):
            self.instance.school = data["department"].school
        return data


class AllocationRoundForm(WeekdayPatternMixin, forms.ModelForm):
    weekday_set = _weekday_set_field()

    class Meta:
        model = AllocationRound
        fields = [
            "school",
            "entry_year",
            "title",
            "kind",
            "subject",
            "starts_on",
            "ends_on",
            "hours_per_day",
            "required_hours",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    field_order = ["school", "entry_year", "title", "kind", "subject", "starts_on", "ends_on", "weekday_set"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.problems = {}
        limit_choices_to_scope(self, user)

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        # A round nobody could take part in, or no host could take, is refused here, before anything is saved.
        self.problems = round_problems(user=self.user, round=self.instance)
        for name, message in self.problems.items():
            self.add_error(name, message)
