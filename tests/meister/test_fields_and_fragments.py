"""`bootstrap_field` draws crispy-forms' markup for plain inputs more cheaply; `{% fragment %}` draws a list's rows
with Jinja2, escaped and translated as a Django template would."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.template import Context, Template
from django.utils import translation

from meister.templatetags.fields import bootstrap_field


class Filters(forms.Form):
    q = forms.CharField(label="検索 <b>", required=False, help_text="名前の一部")
    prefecture = forms.ChoiceField(label="都道府県", choices=[("", "---"), ("13", "東京都")], required=False)
    small = forms.NumberInput(attrs={"class": "form-control form-control-sm"})
    weight = forms.IntegerField(label="重み", min_value=0, max_value=5, widget=small)
    only_mine = forms.BooleanField(label="自分の分のみ", required=False)
    kind = forms.ChoiceField(label="種類", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, required=False)


def _same(html: str) -> str:
    """Markup without the whitespace between and inside tags that crispy's template leaves."""
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", str(html)))).strip()


@pytest.mark.parametrize(
    "data", [{}, {"q": "x", "prefecture": "99", "weight": "9", "only_mine": "on"}], ids=["blank", "errors"]
)
def test_plain_inputs_have_crispys_markup(data):
    form = Filters(data or None)
    for name in ("q", "prefecture", "weight", "only_mine"):
        assert _same(bootstrap_field(form[name])) == _same(as_crispy_field(form[name])), name


def test_errors_and_help_are_tied_to_the_input_and_the_label_is_escaped():
    form = Filters({"prefecture": "99", "weight": "9"})
    html = str(bootstrap_field(form["prefecture"]))
    assert 'class="select form-select is-invalid"' in html and 'aria-invalid="true"' in html
    assert 'aria-describedby="id_prefecture_error"' in html and '<div id="id_prefecture_error"' in html
    weight = str(bootstrap_field(form["weight"]))
    assert 'class="form-control form-control-sm numberinput is-invalid"' in weight
    assert '<span class="asteriskField">*</span>' in weight
    q = str(bootstrap_field(form["q"]))
    assert "検索 &lt;b&gt;" in q and 'aria-describedby="id_q_helptext"' in q and 'id="id_q_helptext"' in q


def test_radio_buttons_are_left_to_crispy_forms():
    form = Filters()
    assert str(bootstrap_field(form["kind"])) == str(as_crispy_field(form["kind"]))


def test_a_fragment_escapes_translates_and_links_rows():
    page = Template('{% load fragments %}<tbody>{% fragment "partners/candidate_rows.html" widen=widen %}</tbody>')

    class Reason:
        def __init__(self, value, text):
            self.value, self.text = value, text

    class Candidate:
        company_id, name, prefecture, municipality, score, already_proposed = 7, "<株>", "東京都", "港区", 80.5, False
        reasons = [Reason(0.8, "近い & 速い"), Reason(0.5, "一部"), Reason(0.1, "遠い")]

    with translation.override("en"):
        html = page.render(Context({"candidates": [Candidate()], "widen": None}))
        empty = page.render(Context({"candidates": [], "widen": "?a=1&b=2"}))
    assert 'aria-label="&lt;株&gt;"' in html and ">&lt;株&gt;</a>" in html and "近い &amp; 速い" in html
    assert '<a href="/partners/companies/7/">' in html
    assert "◎ Good fit" in html and "△ Partial fit" in html and "✕ Poor fit" in html
    assert 'href="?a=1&amp;b=2"' in empty and "Search without the filters (any offer, any prefecture)" in empty
