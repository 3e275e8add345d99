"""Inputs drawn by Django's Jinja2 widget templates, and the admin's widgets (which have none) by Django's engine."""

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template.backends.jinja2 import Template as Jinja2Template

from meister.form_rendering import FastWidgets


class Choice(forms.Form):
    kind = forms.ChoiceField(choices=[("a", "<A>"), ("b", "B")], initial="b")
    hours = forms.DecimalField(max_digits=4, decimal_places=1, initial="7.5")
    note = forms.CharField(widget=forms.Textarea, initial="x & y")


def test_the_portal_draws_built_in_widgets_with_jinja2_and_the_same_markup():
    renderer = get_default_renderer()
    assert isinstance(renderer, FastWidgets)
    assert isinstance(renderer.get_template("django/forms/widgets/select.html"), Jinja2Template)
    for name in Choice.base_fields:
        fast = Choice(renderer=renderer)[name].as_widget()
        plain = Choice(renderer=DjangoTemplates())[name].as_widget()
        assert " ".join(fast.split()) == " ".join(plain.split()), name
    assert "&lt;A&gt;" in Choice(renderer=renderer)["kind"].as_widget()  # escaped as ever


def test_a_widget_without_a_jinja2_template_is_drawn_by_djangos_engine():
    template = FastWidgets().get_template("admin/widgets/related_widget_wrapper.html")
    assert not isinstance(template, Jinja2Template)
