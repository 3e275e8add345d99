"""The registry's and matching's menu entries for a user."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meister.links import page_url, row_urls
from meister.navigation import NavItem, own_world


def entries(user) -> list[NavItem]:
    world = own_world(user)
    if world == "school":
        return [
            NavItem(_("自校"), row_urls("partners:school_detail")(user.school_id), 10, "registry"),
            NavItem(pgettext_lazy("plural", "連携企業"), page_url("partners:company_list"), 11, "registry"),
            NavItem(pgettext_lazy("plural", "管理機関"), page_url("partners:consortium_list"), 12, "registry"),
            NavItem(_("ニーズ"), page_url("partners:need_list"), 13, "registry"),
            NavItem(_("学校暦"), page_url("partners:calendar_list"), 14, "registry"),
        ]
    if world == "company":
        return [
            NavItem(_("自社"), row_urls("partners:company_detail")(user.company_id), 10, "registry"),
            NavItem(pgettext_lazy("plural", "連携校"), page_url("partners:school_list"), 11, "registry"),
            NavItem(pgettext_lazy("plural", "管理機関"), page_url("partners:consortium_list"), 12, "registry"),
            NavItem(_("依頼"), page_url("partners:proposal_list"), 13, "registry"),
            NavItem(_("休業日"), page_url("partners:calendar_list"), 14, "registry"),
        ]
    return [
        NavItem(pgettext_lazy("plural", "学校"), page_url("partners:school_list"), 10, "registry"),
        NavItem(pgettext_lazy("plural", "企業"), page_url("partners:company_list"), 11, "registry"),
        NavItem(pgettext_lazy("plural", "管理機関"), page_url("partners:consortium_list"), 12, "registry"),
        NavItem(_("ニーズ"), page_url("partners:need_list"), 13, "registry"),
        NavItem(_("連携活動"), page_url("partners:engagement_list"), 14, "registry"),
        NavItem(_("担当者"), page_url("partners:person_list"), 15, "registry"),
        NavItem(_("連携協定"), page_url("partners:agreement_list"), 16, "registry"),
        NavItem(_("学校暦"), page_url("partners:calendar_list"), 17, "registry"),
    ]
