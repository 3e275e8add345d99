"""The programme's menu entries: supporters and advice, plans and money, the network and events."""

from django.utils.translation import gettext_lazy as _

from meister.links import page_url
from meister.navigation import NavItem, own_world


def entries(user) -> list[NavItem]:
    if own_world(user) is not None:
        return []
    return [
        NavItem(_("伴走支援"), page_url("programme:support_overview"), 35, "programme"),
        NavItem(_("計画と経費"), page_url("programme:money_list"), 36, "programme"),
        NavItem(_("広域ネットワーク"), page_url("programme:network"), 37, "programme"),
        NavItem(_("事業の行事"), page_url("programme:event_list"), 38, "programme"),
    ]
