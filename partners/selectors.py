"""Reads of the registry, scoped to the user: the views call these first."""

from django.db.models import Q, QuerySet

from meister.scoping import get_for_user, visible_to
from partners.models import Company, Consortium, School


def _search(queryset: QuerySet, q: str, fields: tuple[str, ...]) -> QuerySet:
    q = (q or "").strip()
    if not q:
        return queryset
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": q})
    return queryset.filter(condition)


def schools_for_user(*, user, q: str = "") -> QuerySet:
    schools = visible_to(School.objects.select_related("prefecture"), user)
    return _search(schools, q, ("name", "kana", "code"))


def companies_for_user(*, user, q: str = "") -> QuerySet:
    companies = visible_to(Company.objects.select_related("prefecture", "industry"), user)
    return _search(companies, q, ("name", "kana", "corporate_number"))


def consortia_for_user(*, user, q: str = "") -> QuerySet:
    consortia = visible_to(Consortium.objects.select_related("prefecture"), user)
    return _search(consortia, q, ("name",))


def get_school_for_user(user, pk, *, change: bool = False) -> School:
    return get_for_user(user, School.objects.select_related("prefecture"), change=change, pk=pk)


def get_company_for_user(user, pk, *, change: bool = False) -> Company:
    return get_for_user(user, Company.objects.select_related("prefecture", "industry"), change=change, pk=pk)


def get_consortium_for_user(user, pk, *, change: bool = False) -> Consortium:
    return get_for_user(user, Consortium.objects.select_related("prefecture"), change=change, pk=pk)
