from django import forms
from django.utils.translation import gettext_lazy as _

from meister.fiscal import current_fiscal_year, fiscal_year_choices
from meister.scoping import ScopeKind, visible_to
from partners.models import Consortium, Prefecture
from reports.metrics import metric_choices
from reports.models import KIND_SCOPES, Kpi, KpiSource, KpiTarget, PdcaReview, ReportKind

OWN_SCOPE = ""


class ReportRunForm(forms.Form):
    kind = forms.ChoiceField(label=_("種類"), choices=ReportKind.choices)
    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    target = forms.ChoiceField(label=_("対象"), required=False)

    def __init__(self, *args, language: str = "ja", user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["fiscal_year"].choices = fiscal_year_choices(language)
        self.fields["fiscal_year"].initial = current_fiscal_year()
        self.fields["target"].choices = self._targets()
        if user is not None and user.scope[0] == ScopeKind.CONSORTIUM:
            self.fields["kind"].initial = ReportKind.PDCA  # the one report a coordinator writes

    def _targets(self):
        """The scopes the user may report on: their own, and for national or prefecture users the ones inside."""
        if self.user is None:
            return [(OWN_SCOPE, _("自分の担当範囲"))]
        kind, _ident = self.user.scope
        choices = [(OWN_SCOPE, _("全国") if kind == ScopeKind.NATIONAL else str(self.user.scope_object or ""))]
        if kind == ScopeKind.NATIONAL:
            choices += [(f"prefecture:{p.pk}", str(p)) for p in Prefecture.objects.order_by("code")]
        if kind in (ScopeKind.NATIONAL, ScopeKind.PREFECTURE):
            consortia = visible_to(Consortium.objects.select_related("prefecture"), self.user)
            choices += [
                (f"consortium:{c.pk}", f"{c.prefecture}　{c.name}")
                for c in consortia.order_by("prefecture__code", "name")
            ]
        return choices

    def clean(self):
        data = super().clean()
        target = data.get("target") or OWN_SCOPE
        data["prefecture"] = data["consortium"] = None
        if target.startswith("prefecture:"):
            data["prefecture"] = Prefecture.objects.filter(pk=target.split(":", 1)[1]).first()
        elif target.startswith("consortium:"):
            data["consortium"] = Consortium.objects.filter(pk=target.split(":", 1)[1]).first()
        kind = data.get("kind")
        if kind and self.user is not None:
            if data["consortium"]:
                scope = ScopeKind.CONSORTIUM
            elif data["prefecture"]:
                scope = ScopeKind.PREFECTURE
            else:
                scope = self.user.scope[0]
            if scope not in KIND_SCOPES[kind]:
                messages = {
                    ReportKind.PDCA: _("PDCA報告書は管理機関を選んで作成してください。"),
                    ReportKind.ANNUAL: _("年次報告書は全国または都道府県を対象に作成します。"),
                    ReportKind.FACT_FINDING: _("実態調査報告書は全国または都道府県を対象に作成します。"),
                }
                self.add_error("target", messages.get(kind, _("この種類の報告書は、この対象では作成できません。")))
        return data


class KpiForm(forms.ModelForm):
    metric = forms.ChoiceField(label=_("集計項目"), required=False)

    class Meta:
        model = Kpi
        fields = ["fiscal_year", "order", "name", "unit", "source", "metric", "instrument", "subscale", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, language: str = "ja", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [("", "—"), *metric_choices()]
        self.fields["fiscal_year"] = forms.TypedChoiceField(
            label=_("年度"), coerce=int, choices=fiscal_year_choices(language), initial=current_fiscal_year()
        )
        self.fields["source"].initial = KpiSource.COMPUTED


class KpiTargetForm(forms.ModelForm):
    class Meta:
        model = KpiTarget
        fields = ["target", "actual", "note"]
        widgets = {
            "target": forms.NumberInput(attrs={"step": "0.1"}),
            "actual": forms.NumberInput(attrs={"step": "0.1"}),
        }

    def __init__(self, *args, kpi=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        if kpi is not None and kpi.source != KpiSource.MANUAL:
            # Computed indicators take their actual figure from the portal's records.
            del self.fields["actual"]


class PdcaReviewForm(forms.ModelForm):
    class Meta:
        model = PdcaReview
        fields = ["plan_note", "do_note", "check_note", "act_note"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}
