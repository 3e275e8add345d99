"""Cheap per-row helpers for long tables: `{{ log.placement_id|row_url:"curricula:placement_detail" }}` is the page
`{% url %}` would give, from a pattern reversed once (meister.links.row_urls)."""

from django import template

from meister.links import row_urls

register = template.Library()


@register.filter
def row_url(pk, name: str) -> str:
    return row_urls(name)(pk)
