"""The people page in the menu of those who invite."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meister.navigation import NavItem
from meister.placing import placeable_kinds


def entries(user) -> list[NavItem]:
    if not placeable_kinds(user):
        return []
    return [NavItem(_("利用者と招待"), reverse("accounts:people"), 90)]
