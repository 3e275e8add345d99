"""Forms for class sessions with industry and joint projects; every choice is limited to the user's scope."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from curricula.models import ClassSession, JointProject, SessionKind, Subject
from meister.fiscal import current_fiscal_year, fiscal_year_choices
from meister.scoping import limit_choices_to_scope
from partners.models import Engagement, Person

# The kinds that happen at or with a company, so the company has to be named.
COMPANY_KINDS = {SessionKind.VISIT, SessionKind.FACILITY, SessionKind.LECTURE}


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        where = obj.company or obj.school or obj.organisation
        return f"{obj.name}（{where}）" if where else obj.name


class SubjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.school.name} {obj.name}（{_('%(grade)s年') % {'grade': obj.grade}}）"


class ClassSessionForm(forms.ModelForm):
    class Meta:
        model = ClassSession
        fields = ["subject", "held_on", "kind", "hours", "student_count", "company", "person", "engagement", "notes"]
        field_classes = {"subject": SubjectChoiceField, "person": PersonChoiceField}
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "subject": {"required": _("科目を選んでください。")},
            "held_on": {"required": _("実施日を入力してください。"), "invalid": _("実施日の形式が正しくありません。")},
            "kind": {"required": _("種別を選んでください。")},
            "hours": {"required": _("時間数を入力してください。")},
            "student_count": {"required": _("参加生徒数を入力してください。")},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Subject.objects.select_related("school")
        self.fields["person"].queryset = Person.objects.select_related("company", "school", "organisation")
        self.fields["hours"].widget.attrs.update({"step": "0.5", "min": "0.5", "inputmode": "decimal"})
        self.fields["engagement"].queryset = Engagement.objects.select_related("company")
        limit_choices_to_scope(self, user)

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is not None and not Decimal("0") < hours <= Decimal("12"):
            raise forms.ValidationError(_("時間数は0.5〜12の範囲で入力してください。"))
        return hours

    def clean(self):
        data = super().clean()
        kind, company, person = data.get("kind"), data.get("company"), data.get("person")
        if kind == SessionKind.LECTURE and not person:
            self.add_error("person", _("出前授業では講師を選んでください。"))
        if kind in COMPANY_KINDS and not company and not (person and person.company_id):
            self.add_error("company", _("この種別では企業を選んでください。"))
        if company and person and person.company_id and person.company_id != company.pk:
            self.add_error("person", _("講師・担当者は選んだ企業の人を選んでください。"))
        engagement = data.get("engagement")
        subject = data.get("subject")
        if engagement and subject and engagement.school_id != subject.school_id:
            self.add_error("engagement", _("この学校の連携活動を選んでください。"))
        if person and person.company_id and not company:
            # The company is implied by its person; recording it keeps the company's view of its sessions.
            data["company"] = person.company
            self.instance.company = person.company
        return data


class JointProjectForm(forms.ModelForm):
    class Meta:
        model = JointProject
        fields = ["school", "fiscal_year", "kind", "theme", "companies", "organisations", "student_count", "outcomes"]
        widgets = {
            "companies": forms.CheckboxSelectMultiple,
            "organisations": forms.CheckboxSelectMultiple,
            "outcomes": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "school": {"required": _("学校を選んでください。")},
            "kind": {"required": _("種別を選んでください。")},
            "theme": {"required": _("テーマを入力してください。")},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"] = forms.TypedChoiceField(
            label=_("年度"), coerce=int, choices=fiscal_year_choices(), initial=current_fiscal_year()
        )
        limit_choices_to_scope(self, user)

    def clean(self):
        data = super().clean()
        if not data.get("companies") and not data.get("organisations"):
            self.add_error("companies", _("連携企業または連携機関を1つ以上選んでください。"))
        return data
