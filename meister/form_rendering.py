"""How form fields draw their inputs: with Django's own Jinja2 widget templates where Django ships one (every
built-in widget: the same markup as its Django-template twin, at a fraction of the cost), and with the Django
template engine for the rest (the admin site's widgets have no Jinja2 version).

A class's logging screen draws four inputs a student and a filter form a select of every prefecture: drawn by the
Django template engine, one select cost half a millisecond.
"""

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class FastWidgets(BaseRenderer):
    @cached_property
    def _jinja2(self):
        return Jinja2()

    @cached_property
    def _django(self):
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return self._jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)
