"""The menu: every app's entries for the user, in their order, behind the dashboard."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import navigation as accounts
from assessments import navigation as assessments
from curricula import navigation as curricula
from meister.navigation import NavItem
from meister.scoping import may_open_back_office, sees_own_world_only
from partners import navigation as partners
from reports import navigation as reports
from sso import navigation as sso

SOURCES = (partners.entries, curricula.entries, reports.entries, assessments.entries, sso.entries, accounts.entries)


def navigation(user) -> list[NavItem]:
    if sees_own_world_only(user):
        # A student's menu holds their own pages only.
        return sorted(curricula.entries(user), key=lambda item: item.order)
    items = [NavItem(_("ダッシュボード"), reverse("portal:dashboard"), 0)]
    for entries in SOURCES:
        items.extend(entries(user))
    if may_open_back_office(user):
        items.append(NavItem(_("管理画面"), reverse("admin:index"), 90))
    return sorted(items, key=lambda item: item.order)
