"""What every page needs: the navigation for the user's role and the current fiscal year."""

from django.utils.translation import get_language

from meister.fiscal import current_fiscal_year, fiscal_year_label
from meister.scoping import sees_own_world_only
from portal.navigation import navigation


def portal(request):
    fy = current_fiscal_year()
    context = {"current_fiscal_year": fy, "current_fiscal_year_label": fiscal_year_label(fy, get_language() or "ja")}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["navigation"] = navigation(user)
        context["own_pages_only"] = sees_own_world_only(user)
    return context
