"""How a student is named on a page: 氏名 with ふりがな where the viewer may see full names, else ふりがな only."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def student_name(student, full_names: bool):
    if full_names and getattr(student, "full_name", ""):
        return format_html('{}<span class="text-muted small">（{}）</span>', student.full_name, student.kana_name)
    return student.kana_name
