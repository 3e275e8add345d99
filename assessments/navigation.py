"""Assessments' menu entries; the fact-finding survey for those who run it."""

from django.utils.translation import gettext_lazy as _

from assessments.models import Survey
from meister.links import page_url
from meister.navigation import NavItem, own_world
from meister.scoping import may_change_some


def entries(user) -> list[NavItem]:
    world = own_world(user)
    if world == "company":
        return []
    items = [NavItem(_("アセスメント"), page_url("assessments:index"), 40, "results")]
    if world is None and may_change_some(user, Survey):
        items.append(NavItem(_("実態調査"), page_url("assessments:survey_list"), 41, "results"))
    return items
