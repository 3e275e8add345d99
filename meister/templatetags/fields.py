"""`{{ field|bootstrap_field }}`: a form field in Bootstrap 5's markup, the same as crispy-forms' `as_crispy_field`
gives (wrapper, label, input classes, help text, errors tied to the input), for the plain inputs filter forms use.

Drawn by one Jinja2 template (meister/jinja2/forms/bootstrap_field.html) through the form renderer: crispy's field
template is dozens of Django-template nodes and filters a field, and a filter form of five selects cost more than
the fifty rows under it. Inputs with choices drawn as lists (radio buttons, check-box lists) and file inputs are
left to crispy-forms, which has the markup for them.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template

register = template.Library()

# The input's Bootstrap class; crispy-forms also adds the widget's class name in lower case ("select form-select").
_CLASSES = {
    forms.TextInput: "form-control",
    forms.NumberInput: "form-control",
    forms.EmailInput: "form-control",
    forms.URLInput: "form-control",
    forms.DateInput: "form-control",
    forms.Textarea: "form-control",
    forms.Select: "form-select",
    forms.SelectMultiple: "form-select",
    forms.NullBooleanSelect: "form-select",
    forms.CheckboxInput: "form-check-input",
}


@register.filter
def bootstrap_field(field):
    widget = field.field.widget
    bootstrap = _CLASSES.get(type(widget))
    if bootstrap is None:  # a subclass with a template of its own, radio buttons, files…
        return as_crispy_field(field)
    classes = widget.attrs.get("class", "").split()
    for name in (type(widget).__name__.lower(), bootstrap, "is-invalid" if field.errors else None):
        if name and name not in classes:
            classes.append(name)
    attrs = {"class": " ".join(classes)}
    # Django ties the help text and the errors to the input (aria-describedby, aria-invalid).
    return field.render(
        template_name="forms/bootstrap_field.html",
        context={"field": field, "input": field.as_widget(attrs=attrs), "check": bootstrap == "form-check-input"},
    )
