"""The menu: every app's entries for the user, in their order, behind the dashboard."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import navigation as accounts
from assessments import navigation as assessments
from curricula import navigation as curricula
from meister.navigation import NavItem
from meister.scoping import may_open_back_office
from partners import navigation as partners
from programme import navigation as programme
from reports import navigation as reports
from sso import navigation as sso

SOURCES = (
    partners.entries,
    curricula.entries,
    programme.entries,
    reports.entries,
    assessments.entries,
    sso.entries,
    accounts.entries,
)


def navigation(user) -> list[NavItem]:
    items = [NavItem(_("ダッシュボード"), reverse("portal:dashboard"), 0)]
    for entries in SOURCES:
        items.extend(entries(user))
    if may_open_back_office(user):
        items.append(NavItem(_("管理画面"), reverse("admin:index"), 90))
    return sorted(items, key=lambda item: item.order)
