"""Reading: what each visitor may see of pages, profiles and materials, with the related rows fetched once.

Scope comes from `meister.scoping` alone. On top of it, publication decides: a visitor without a login,
or outside the owner's scope, sees only published pages and profiles and only materials whose usage
terms let them in; a draft is seen by those who may change it.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _

from curricula.models import Subject
from meister.scoping import changeable_by, speaks_for_company, visible_to
from meister.tilemap import tile_map
from partners.models import Company, Consortium, CourseCategory, Department, Prefecture, School
from partners.selectors import prefecture_name_field
from showcase.models import CompanyProfile, ConsortiumPage, Material, PublicationStatus, UsageTerms

PUBLISHED = Q(status=PublicationStatus.PUBLISHED)


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _readable(model, user) -> Q:
    return PUBLISHED | changeable_by(model, user)


def get_readable(user, queryset, **lookups):
    """A page or profile the user may read (published, or changeable by them), else 404."""
    try:
        return queryset.filter(_readable(queryset.model, user)).get(**lookups)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- public pages -----------------------------------------------------------------------------------


def published_consortium_pages(*, prefecture: str | None = None, category: str | None = None):
    pages = ConsortiumPage.objects.filter(PUBLISHED).select_related("consortium__prefecture")
    if prefecture:
        pages = pages.filter(consortium__prefecture__code=prefecture)
    if category in CourseCategory.values:
        departments = Department.objects.filter(category=category).values("school")
        pages = pages.filter(consortium__in=Consortium.objects.filter(schools__in=departments).values("pk"))
    return pages.prefetch_related(
        Prefetch("consortium__schools", queryset=School.objects.prefetch_related("departments"))
    )


def published_company_profiles(*, prefecture: str | None = None, category: str | None = None):
    profiles = CompanyProfile.objects.filter(PUBLISHED).select_related("company__prefecture", "company__industry")
    if prefecture:
        profiles = profiles.filter(company__prefecture__code=prefecture)
    if category in CourseCategory.values:
        departments = Department.objects.filter(category=category).values("school")
        profiles = profiles.filter(company__in=Company.objects.filter(consortia__schools__in=departments).values("pk"))
    return profiles


def published_map() -> dict:
    """Where the published pages are: consortium pages and company profiles per prefecture on the tile map, with
    the same figures as rows (each leading to the index narrowed to that prefecture). Three queries."""
    names = dict(Prefecture.objects.values_list("code", prefecture_name_field()))

    def by_prefecture(queryset, path):
        return dict(queryset.filter(PUBLISHED).order_by().values_list(path).annotate(n=Count("pk")))

    pages = by_prefecture(ConsortiumPage.objects, "consortium__prefecture__code")
    profiles = by_prefecture(CompanyProfile.objects, "company__prefecture__code")
    codes = sorted(set(pages) | set(profiles))
    title = _("公開ページのある都道府県（管理機関と企業のページ数）")
    return {
        "map_svg": tile_map({code: pages.get(code, 0) + profiles.get(code, 0) for code in codes}, names, title=title),
        "map_title": title,
        "map_rows": [(code, names.get(code, code), pages.get(code, 0), profiles.get(code, 0)) for code in codes],
    }


def prefectures_with_pages():
    """Prefectures with a published consortium page or company profile: one probe each (joining both kinds of page
    at once multiplies every prefecture's consortia by its companies)."""
    here = OuterRef("pk")
    return Prefecture.objects.filter(
        Exists(ConsortiumPage.objects.filter(PUBLISHED, consortium__prefecture=here))
        | Exists(CompanyProfile.objects.filter(PUBLISHED, company__prefecture=here))
    )


def consortium_page_context(page: ConsortiumPage) -> dict:
    """What a consortium's page shows: its schools, subjects, the chosen projects and engagements, opted-in
    companies and public materials. No student is named anywhere here."""
    consortium = page.consortium
    schools = list(consortium.schools.prefetch_related("departments").order_by("code"))
    subjects = Subject.objects.filter(school__in=schools).select_related("school", "department")
    profiles = {p.company_id: p for p in CompanyProfile.objects.filter(PUBLISHED, company__consortia=consortium)}
    projects = list(page.projects.filter(school__in=schools).select_related("school").prefetch_related("companies"))
    for project in projects:
        # Only companies that published a profile get a link; the others are named as in the project.
        project.partners = [
            (c.name, profiles[c.pk].get_absolute_url() if c.pk in profiles else "") for c in project.companies.all()
        ]
    engagements = page.engagements.filter(school__in=schools).select_related("school", "company")
    materials = Material.objects.filter(PUBLISHED, usage=UsageTerms.PUBLIC, consortium=consortium).select_related(
        "school", "company"
    )[:12]
    return {
        "page": page,
        "consortium": consortium,
        "schools": schools,
        "subjects": subjects,
        "projects": projects,
        "engagements": engagements,
        "partner_profiles": sorted(profiles.values(), key=lambda p: p.company.kana or p.company.name),
        "materials": materials,
    }


def company_profile_context(profile: CompanyProfile) -> dict:
    company = profile.company
    schools = (
        School.objects.filter(Q(consortia__companies=company) | Q(joint_projects__companies=company))
        .distinct()
        .order_by("code")
    )
    pages = ConsortiumPage.objects.filter(PUBLISHED, consortium__companies=company).select_related("consortium")
    materials = Material.objects.filter(PUBLISHED, usage=UsageTerms.PUBLIC, company=company)[:12]
    return {"profile": profile, "company": company, "schools": schools, "pages": pages, "materials": materials}


def pages_to_manage(user):
    """Consortia and companies in the user's scope whose page or profile the user may keep."""
    consortia = visible_to(Consortium.objects.select_related("prefecture", "public_page"), user)
    companies = visible_to(Company.objects.select_related("prefecture", "public_profile"), user)
    if speaks_for_company(user):
        companies = companies.filter(pk=user.company_id)
    else:
        # Profiles are the companies' own: others see those that exist, not every company in scope.
        companies = companies.filter(public_profile__isnull=False)
    return consortia, companies


# --- the library ------------------------------------------------------------------------------------


def materials_for_user(user):
    """Materials a visitor may see: public ones for anyone; those for schools for anyone signed in; consortium-only
    ones inside the consortium's scope; drafts for those who may change them."""
    open_terms = [UsageTerms.PUBLIC]
    condition = Q(pk__in=[])
    if _signed_in(user):
        open_terms.append(UsageTerms.SCHOOLS)
        in_scope = visible_to(Material.objects.all(), user).filter(PUBLISHED).values("pk")
        condition = Q(pk__in=in_scope) | changeable_by(Material, user)
    condition |= PUBLISHED & Q(usage__in=open_terms)
    return Material.objects.filter(condition)


def library_search(user, *, query: str = "", category: str = "", grade: int | None = None, kind: str = "", usage=""):
    materials = materials_for_user(user).select_related("school", "company", "consortium__prefecture")
    if query:
        for word in query.split()[:5]:
            materials = materials.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(subject__icontains=word)
                | Q(company__name__icontains=word)
                | Q(school__name__icontains=word)
            )
    if category:
        materials = materials.filter(category=category)
    if grade:
        materials = materials.filter(grade=grade)
    if kind:
        materials = materials.filter(kind=kind)
    if usage:
        materials = materials.filter(usage=usage)
    return materials


def get_material_for_user(user, pk):
    try:
        return materials_for_user(user).select_related("school", "company", "consortium", "contributed_by").get(pk=pk)
    except (Material.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_material_to_change(user, pk):
    """A material for its edit and publish pages: 404 where its own page is 404 (someone else's draft), 403 where
    the user reads it but may not change it."""
    material = get_material_for_user(user, pk)
    if not Material.objects.filter(changeable_by(Material, user), pk=material.pk).exists():
        raise PermissionDenied
    return material


def publication_events(obj, limit: int = 20) -> list[dict]:
    """Who published or withdrew `obj`, and when, newest first (from the audit history)."""
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    events, previous = [], None
    for record in records:
        if record.status != previous and (previous is not None or record.status == PublicationStatus.PUBLISHED):
            events.append(
                {
                    "at": record.history_date,
                    "user": record.history_user,
                    "published": record.status == PublicationStatus.PUBLISHED,
                }
            )
        previous = record.status
    return list(reversed(events))[:limit]


def may_see_history(user, obj) -> bool:
    """The publication audit is for those whose scope covers the owner, never for anonymous visitors."""
    return _signed_in(user) and visible_to(type(obj)._base_manager.filter(pk=obj.pk), user).exists()
