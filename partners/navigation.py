"""The registry's and matching's menu entries for a user."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meister.navigation import NavItem, own_world


def entries(user) -> list[NavItem]:
    world = own_world(user)
    if world == "school":
        return [
            NavItem(_("自校"), reverse("partners:school_detail", args=[user.school_id]), 10, "registry"),
            NavItem(pgettext_lazy("plural", "連携企業"), reverse("partners:company_list"), 11, "registry"),
            NavItem(pgettext_lazy("plural", "管理機関"), reverse("partners:consortium_list"), 12, "registry"),
            NavItem(_("ニーズ"), reverse("partners:need_list"), 13, "registry"),
            NavItem(_("学校暦"), reverse("partners:calendar_list"), 14, "registry"),
        ]
    if world == "company":
        return [
            NavItem(_("自社"), reverse("partners:company_detail", args=[user.company_id]), 10, "registry"),
            NavItem(pgettext_lazy("plural", "連携校"), reverse("partners:school_list"), 11, "registry"),
            NavItem(pgettext_lazy("plural", "管理機関"), reverse("partners:consortium_list"), 12, "registry"),
            NavItem(_("依頼"), reverse("partners:proposal_list"), 13, "registry"),
            NavItem(_("休業日"), reverse("partners:calendar_list"), 14, "registry"),
        ]
    return [
        NavItem(pgettext_lazy("plural", "学校"), reverse("partners:school_list"), 10, "registry"),
        NavItem(pgettext_lazy("plural", "企業"), reverse("partners:company_list"), 11, "registry"),
        NavItem(pgettext_lazy("plural", "管理機関"), reverse("partners:consortium_list"), 12, "registry"),
        NavItem(_("ニーズ"), reverse("partners:need_list"), 13, "registry"),
        NavItem(_("連携活動"), reverse("partners:engagement_list"), 14, "registry"),
        NavItem(_("担当者"), reverse("partners:person_list"), 15, "registry"),
        NavItem(_("連携協定"), reverse("partners:agreement_list"), 16, "registry"),
        NavItem(_("学校暦"), reverse("partners:calendar_list"), 17, "registry"),
    ]
