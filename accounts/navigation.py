"""The people page in the menu of those who invite."""

from django.utils.translation import gettext_lazy as _

from meister.links import page_url
from meister.navigation import NavItem
from meister.placing import placeable_kinds


def entries(user) -> list[NavItem]:
    if not placeable_kinds(user):
        return []
    return [NavItem(_("利用者と招待"), page_url("accounts:people"), 90)]
