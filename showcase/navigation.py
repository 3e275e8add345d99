"""The showcase's menu entries: the teaching-content library and the public pages, for everyone signed in."""

from django.utils.translation import gettext_lazy as _

from meister.links import page_url
from meister.navigation import NavItem


def entries(user) -> list[NavItem]:
    return [
        NavItem(_("教材ライブラリ"), page_url("library:list"), 60, "public"),
        NavItem(_("公開ページ"), page_url("showcase:manage"), 61, "public"),
        NavItem(_("地域の取組（一般公開）"), page_url("showcase:index"), 62, "public"),
    ]
