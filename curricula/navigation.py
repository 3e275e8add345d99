"""Curricula's menu entries: logging and placements for a school, confirmations for a company, a student's home."""

from django.utils.translation import gettext_lazy as _

from meister.links import page_url
from meister.navigation import NavItem, own_world


def entries(user) -> list[NavItem]:
    world = own_world(user)
    if world == "school":
        return [
            NavItem(_("実習の記録"), page_url("curricula:log_start"), 20, "practice"),
            NavItem(_("実習の受入れ"), page_url("curricula:placement_list"), 21, "practice"),
            NavItem(_("教育課程"), page_url("curricula:subject_list"), 22, "practice"),
            NavItem(_("クラスのコード"), page_url("curricula:class_code_list"), 23, "practice"),
        ]
    if world == "company":
        return [
            NavItem(_("実習日の確認"), page_url("curricula:confirmations"), 20, "practice"),
            NavItem(_("実習の受入れ"), page_url("curricula:placement_list"), 21, "practice"),
        ]
    if world == "student":
        return [
            NavItem(_("わたしの実習"), page_url("curricula:student_home"), 0, ""),
            NavItem(_("実習日誌"), page_url("curricula:diary_home"), 1, ""),
        ]
    return []
