"""What every page needs: the navigation for the user's role and the current fiscal year."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from meister.fiscal import current_fiscal_year, fiscal_year_label
from meister.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


def _navigation(user) -> list[NavItem]:
    items = [NavItem(_("ダッシュボード"), reverse("meister:dashboard"))]
    role = user.role
    if role == Role.TEACHER and user.school_id:
        items.append(NavItem(_("自校"), reverse("partners:school_detail", args=[user.school_id])))
        items.append(NavItem(pgettext_lazy("plural", "連携企業"), reverse("partners:company_list")))
        items.append(NavItem(pgettext_lazy("plural", "管理機関"), reverse("partners:consortium_list")))
        items.append(NavItem(_("ニーズ"), reverse("partners:need_list")))
        items.append(NavItem(_("実習の記録"), reverse("curricula:log_start")))
        items.append(NavItem(_("実習の受入れ"), reverse("curricula:placement_list")))
        items.append(NavItem(_("教育課程"), reverse("curricula:subject_list")))
        items.append(NavItem(_("アセスメント"), reverse("assessments:index")))
    elif role == Role.COMPANY and user.company_id:
        items.append(NavItem(_("自社"), reverse("partners:company_detail", args=[user.company_id])))
        items.append(NavItem(pgettext_lazy("plural", "連携校"), reverse("partners:school_list")))
        items.append(NavItem(pgettext_lazy("plural", "管理機関"), reverse("partners:consortium_list")))
        items.append(NavItem(_("依頼"), reverse("partners:proposal_list")))
        items.append(NavItem(_("実習日の確認"), reverse("curricula:confirmations")))
        items.append(NavItem(_("実習の受入れ"), reverse("curricula:placement_list")))
    else:
        items.append(NavItem(pgettext_lazy("plural", "学校"), reverse("partners:school_list")))
        items.append(NavItem(pgettext_lazy("plural", "企業"), reverse("partners:company_list")))
        items.append(NavItem(pgettext_lazy("plural", "管理機関"), reverse("partners:consortium_list")))
        items.append(NavItem(_("ニーズ"), reverse("partners:need_list")))
        items.append(NavItem(_("連携活動"), reverse("partners:engagement_list")))
        items.append(NavItem(_("担当者"), reverse("partners:person_list")))
        items.append(NavItem(_("連携協定"), reverse("partners:agreement_list")))
        items.append(NavItem(_("報告書"), reverse("reports:run_list")))
        items.append(NavItem(_("PDCA"), reverse("reports:pdca_list")))
        items.append(NavItem(_("アセスメント"), reverse("assessments:index")))
        if role in {Role.MINISTRY, Role.PREFECTURE, Role.ADMIN}:
            items.append(NavItem(_("実態調査"), reverse("assessments:survey_list")))
    if user.is_staff:
        items.append(NavItem(_("管理画面"), reverse("admin:index")))
    return items


def portal(request):
    fy = current_fiscal_year()
    context = {"current_fiscal_year": fy, "current_fiscal_year_label": fiscal_year_label(fy, get_language() or "ja")}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["navigation"] = _navigation(user)
    return context
