"""Reports' menu entries, for everyone who does not work inside one school or company."""

from django.utils.translation import gettext_lazy as _

from meister.links import page_url
from meister.navigation import NavItem, own_world


def entries(user) -> list[NavItem]:
    if own_world(user) is not None:
        return []
    return [
        NavItem(_("報告書"), page_url("reports:run_list"), 30, "results"),
        NavItem(_("PDCA"), page_url("reports:pdca_list"), 31, "results"),
    ]
