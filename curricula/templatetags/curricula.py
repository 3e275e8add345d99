"""Template helpers for placements, and the dashboard cards of teachers and companies."""

from django import template

from curricula.cards import dashboard_cards

register = template.Library()


@register.filter
def progress_percent(progress, required) -> int:
    return progress.percent_of(required)


@register.inclusion_tag("curricula/_dashboard_cards.html", takes_context=True)
def curricula_cards(context):
    """This week's students at their companies, missing and pending days, hours done vs required: as the dashboard
    worked them out (and may have kept), else read now."""
    cards = context.get("cards")
    if cards is None:
        cards = dashboard_cards(user=context["request"].user, work=context.get("placement_work"))
    return cards


@register.filter
def lookup(mapping, key):
    return mapping.get(key, "")


@register.filter
def descriptor(item, value):
    """A rubric item's words for one level of the scale."""
    return item.descriptor(value)
