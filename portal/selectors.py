"""Reads for the dashboards, always through the user's scope."""

from django.db.models import Count, Q

from meister.fiscal import current_fiscal_year
from meister.scoping import may_see_fill_rates, visible_to
from partners.models import Company, Consortium, Designation, School
from partners.selectors import fill_rate_by_prefecture


def dashboard_figures(*, user) -> dict:
    fy = current_fiscal_year()
    schools = visible_to(School.objects.all(), user)
    companies = visible_to(Company.objects.all(), user).aggregate(
        total=Count("pk"), without_number=Count("pk", filter=Q(corporate_number__isnull=True))
    )
    designations = visible_to(Designation.objects.filter(fiscal_year=fy), user)
    return {
        "fiscal_year": fy,
        "school_count": schools.count(),
        "company_count": companies["total"],
        "company_without_number_count": companies["without_number"],
        "consortium_count": visible_to(Consortium.objects.all(), user).count(),
        "designation_count": designations.count(),
        "designations": designations.select_related("consortium", "consortium__prefecture")[:10],
        "fill_rates": list(fill_rate_by_prefecture(user=user, fiscal_year=fy)),
        "may_see_fill_rates": may_see_fill_rates(user),
    }
