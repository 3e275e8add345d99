"""Forms for public pages, company profiles and materials; every choice is limited to the user's scope."""

from django import forms
from django.utils.translation import gettext_lazy as _

from curricula.models import JointProject
from meister.scoping import limit_choices_to_scope, speaks_for_company, teaches_at_school, visible_to
from partners.models import Company, Consortium, Engagement
from showcase.models import CompanyProfile, ConsortiumPage, Material

TEXT = {"rows": 4}
BAD_URL = {"invalid": _("URLを正しく入力してください（https://…）。")}


class ProjectChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.theme}（{obj.school.name}、{obj.get_kind_display()}）"


class EngagementChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title}（{obj.school.name} × {obj.company.name}）"


class ConsortiumPageForm(forms.ModelForm):
    class Meta:
        model = ConsortiumPage
        fields = ["introduction", "introduction_en", "outcomes", "outcomes_en", "contact", "projects", "engagements"]
        field_classes = {"projects": ProjectChoices, "engagements": EngagementChoices}
        widgets = {
            "introduction": forms.Textarea(attrs=TEXT),
            "introduction_en": forms.Textarea(attrs=TEXT),
            "outcomes": forms.Textarea(attrs=TEXT),
            "outcomes_en": forms.Textarea(attrs=TEXT),
            "contact": forms.Textarea(attrs={"rows": 2}),
            "projects": forms.CheckboxSelectMultiple,
            "engagements": forms.CheckboxSelectMultiple,
        }
        error_messages = {"introduction": {"required": _("紹介文を入力してください。")}}

    def __init__(self, *args, consortium: Consortium, user, **kwargs):
        super().__init__(*args, **kwargs)
        schools = consortium.schools.values("pk")
        self.fields["projects"].queryset = JointProject.objects.filter(school__in=schools).select_related("school")
        self.fields["engagements"].queryset = Engagement.objects.filter(school__in=schools).select_related(
            "school", "company"
        )
        self.fields["projects"].help_text = _("生徒の個人情報は表示されません。")
        limit_choices_to_scope(self, user)


class CompanyProfileForm(forms.ModelForm):
    website = forms.URLField(
        label=_("ウェブサイト"), required=False, assume_scheme="https", max_length=200, error_messages=BAD_URL
    )

    class Meta:
        model = CompanyProfile
        fields = ["what_we_do", "what_we_do_en", "what_students_learn", "what_students_learn_en", "website"]
        widgets = {name: forms.Textarea(attrs=TEXT) for name in fields[:4]}
        error_messages = {
            "what_we_do": {"required": _("事業内容を入力してください。")},
            "what_students_learn": {"required": _("生徒が学べることを入力してください。")},
        }


class MaterialForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("ファイル"),
        required=False,
        help_text=_("PDF、スライド、画像、動画（WebM 推奨）。ファイルの中身で形式を確かめます。"),
    )
    captions_upload = forms.FileField(
        label=_("字幕ファイル（WebVTT）"),
        required=False,
        help_text=_("動画の字幕（.vtt）。音声を聞けない人も内容が分かるように付けてください。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".vtt,text/vtt"}),
    )

    class Meta:
        model = Material
        fields = ["title", "description", "category", "subject", "grade", "usage", "consortium", "school", "company"]
        fields += ["link"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "title": {"required": _("タイトルを入力してください。")},
            "description": {"required": _("概要を入力してください。")},
            "category": {"required": _("専門学科区分を選んでください。")},
            "usage": {"required": _("利用条件を選んでください。")},
            "consortium": {"required": _("管理機関を選んでください。")},
        }

    link = forms.URLField(
        label=_("リンク"), required=False, assume_scheme="https", max_length=500, error_messages=BAD_URL
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Teachers contribute for their school and company staff for their company; others name a member company.
        if teaches_at_school(user):
            del self.fields["company"]
            self.fields["school"].required = True
        elif speaks_for_company(user):
            del self.fields["school"]
            self.fields["company"].required = True
        else:
            consortia = visible_to(Consortium.objects.all(), user).values("pk")
            self.fields["company"].queryset = Company.objects.filter(consortia__in=consortia).distinct()
        self.fields["grade"].widget.attrs.update({"min": 1, "max": 4})
        self.fields["grade"].help_text = _("空欄なら全学年")
        limit_choices_to_scope(self, user)

    def clean(self):
        cleaned = super().clean()
        consortium = cleaned.get("consortium")
        school, company = cleaned.get("school"), cleaned.get("company")
        if consortium and school and not consortium.schools.filter(pk=school.pk).exists():
            self.add_error("school", _("この学校は選んだ管理機関に参加していません。"))
        if consortium and company and not consortium.companies.filter(pk=company.pk).exists():
            self.add_error("company", _("この企業は選んだ管理機関に参加していません。"))
        if not cleaned.get("upload") and not cleaned.get("link") and not self.instance.file:
            self.add_error("upload", _("ファイルを選ぶか、リンクを入力してください。"))
        if cleaned.get("upload") and cleaned.get("link"):
            self.add_error("link", _("ファイルとリンクはどちらか一方にしてください。"))
        return cleaned
