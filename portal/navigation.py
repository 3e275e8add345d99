"""The menu: every app's entries for the user, in their order, behind the dashboard, gathered under the headings
of `meister.navigation.GROUPS` so that the bar keeps to one line."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from accounts import navigation as accounts
from assessments import navigation as assessments
from curricula import navigation as curricula
from meister.links import page_url
from meister.navigation import GROUPS, NavItem
from meister.scoping import may_open_back_office, sees_own_world_only
from partners import navigation as partners
from programme import navigation as programme
from reports import navigation as reports
from showcase import navigation as showcase
from sso import navigation as sso

SOURCES = (
    partners.entries,
    curricula.entries,
    programme.entries,
    reports.entries,
    assessments.entries,
    showcase.entries,
    sso.entries,
    accounts.entries,
)


@dataclass
class MenuGroup:
    """One heading of the bar: a link of its own (`item`) or a dropdown of `items`."""

    key: str
    label: str
    items: list[NavItem] = field(default_factory=list)

    @property
    def item(self) -> NavItem | None:
        return self.items[0] if self.key == "" else None

    current: str = ""  # the path of the page shown, to mark its heading

    @property
    def active(self) -> bool:
        return any(entry.url == self.current for entry in self.items)


def navigation(user) -> list[NavItem]:
    if sees_own_world_only(user):
        # A student's menu holds their own pages only.
        return sorted(curricula.entries(user), key=lambda item: item.order)
    items = [NavItem(_("ダッシュボード"), page_url("portal:dashboard"), 0, "")]
    for entries in SOURCES:
        items.extend(entries(user))
    if may_open_back_office(user):
        items.append(NavItem(_("管理画面"), page_url("admin:index"), 90))
    return sorted(items, key=lambda item: item.order)


def menu(user, current: str = "") -> list[MenuGroup]:
    """The bar: entries of their own first, then one dropdown per heading that has entries, in GROUPS' order."""
    items = navigation(user)
    singles = [MenuGroup("", item.label, [item], current) for item in items if item.group == ""]
    groups = [MenuGroup(key, label, [i for i in items if i.group == key], current) for key, label in GROUPS.items()]
    unknown = [i for i in items if i.group and i.group not in GROUPS]
    if unknown:  # an entry naming a heading the bar does not know still shows, under the last heading
        groups[-1].items.extend(unknown)
    return singles + [group for group in groups if group.items]
