"""The shape of a menu entry, shared by the apps that contribute entries and the portal that shows them."""

from dataclasses import dataclass

from meister.scoping import own_world

__all__ = ["NavItem", "own_world"]


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 50  # where it stands in the menu: the portal sorts every app's entries by it
