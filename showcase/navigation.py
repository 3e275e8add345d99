"""The showcase's menu entries: the teaching-content library and the public pages, for everyone signed in."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meister.navigation import NavItem


def entries(user) -> list[NavItem]:
    return [
        NavItem(_("教材ライブラリ"), reverse("library:list"), 60, "public"),
        NavItem(_("公開ページ"), reverse("showcase:manage"), 61, "public"),
        NavItem(_("地域の取組（一般公開）"), reverse("showcase:index"), 62, "public"),
    ]
