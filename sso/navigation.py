"""The single sign-on configurations' menu entry, for those who keep them."""

from django.utils.translation import gettext_lazy as _

from meister.links import page_url
from meister.navigation import NavItem
from meister.scoping import may_create
from sso.models import SignInConfiguration


def entries(user) -> list[NavItem]:
    if not may_create(user, SignInConfiguration):
        return []
    return [NavItem(_("学校のアカウント"), page_url("sso:configuration_list"), 85)]
