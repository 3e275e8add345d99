from django import forms
from django.utils.translation import gettext_lazy as _

from meister.fiscal import current_fiscal_year, fiscal_year_label
from reports.models import ReportKind

FIRST_FISCAL_YEAR = 2021  # the programme began in 令和3年度


class ReportRunForm(forms.Form):
    kind = forms.ChoiceField(label=_("種類"), choices=ReportKind.choices)
    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int)

    def __init__(self, *args, language: str = "ja", **kwargs):
        super().__init__(*args, **kwargs)
        years = range(current_fiscal_year(), FIRST_FISCAL_YEAR - 1, -1)
        self.fields["fiscal_year"].choices = [(fy, fiscal_year_label(fy, language)) for fy in years]
