"""The shape of a menu entry, shared by the apps that contribute entries and the portal that shows them."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from meister.scoping import own_world

__all__ = ["GROUPS", "NavItem", "own_world"]

# The menu's headings, in the order they stand in the bar; each opens a dropdown of its entries. An entry in no
# group ("") stands in the bar by itself. Few headings keep the bar on one line of a 1280 px laptop in English.
GROUPS = {
    "registry": _("連携先"),
    "practice": _("実習"),
    "programme": _("事業運営"),
    "results": _("評価と報告"),
    "public": _("公開と教材"),
    "admin": _("管理"),
}


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 50  # where it stands in the menu: the portal sorts every app's entries by it
    group: str = "admin"  # a key of GROUPS, or "" for an entry of its own in the bar
