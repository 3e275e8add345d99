"""The registry summary (連携先登録状況): schools, companies, consortia and designations per prefecture."""

from django.db.models import Count, Q

from meister import clock
from meister.fiscal import fiscal_year_label, wareki_date
from meister.scoping import ScopeKind, within_scope
from partners.models import Company, Consortium, Designation, Prefecture, School
from reports.documents.common import ReportScope, Sheet
from reports.models import ReportRun


def registry_summary_rows(run: ReportRun) -> list[dict]:
    """Per prefecture within the run's scope: schools, companies, consortia and designations."""
    kind, ident = run.scope
    schools = within_scope(School.objects.all(), kind, ident)
    companies = within_scope(Company.objects.all(), kind, ident)
    consortia = within_scope(Consortium.objects.all(), kind, ident)
    designations = within_scope(Designation.objects.filter(fiscal_year=run.fiscal_year), kind, ident)
    figures = {}
    for name, queryset, column in (
        ("schools", schools, "prefecture"),
        ("companies", companies, "prefecture"),
        ("consortia", consortia, "prefecture"),
        ("designations", designations, "consortium__prefecture"),
    ):
        for row in queryset.values(column).annotate(n=Count("pk")):
            figures.setdefault(row[column], {})[name] = row["n"]
    without_number = companies.filter(Q(corporate_number__isnull=True)).values("prefecture").annotate(n=Count("pk"))
    for row in without_number:
        figures.setdefault(row["prefecture"], {})["companies_without_number"] = row["n"]
    prefectures = Prefecture.objects.filter(pk__in=figures.keys())
    return [
        {
            "prefecture": prefecture,
            **{
                key: figures[prefecture.pk].get(key, 0)
                for key in ("schools", "companies", "companies_without_number", "consortia", "designations")
            },
        }
        for prefecture in prefectures
    ]


def collect_registry_summary(fy: int, scope: ReportScope, progress=lambda percent: None) -> dict:
    run = ReportRun(fiscal_year=fy)
    if scope.kind == ScopeKind.PREFECTURE:
        run.prefecture_id = scope.ident
    elif scope.kind == ScopeKind.CONSORTIUM:
        run.consortium_id = scope.ident
    rows = registry_summary_rows(run)
    progress(40)
    keys = ("schools", "companies", "companies_without_number", "consortia", "designations")
    return {
        "rows": rows,
        "totals": {key: sum(row[key] for row in rows) for key in keys},
        "fiscal_year_label": fiscal_year_label(fy, "ja"),
        "scope_label": scope.label,
        "generated_on": wareki_date(clock.today()),
        "empty": False,
        "title": "連携先登録状況",
        "threshold": 0,
    }


def sheets_registry_summary(context) -> list[Sheet]:
    return [
        Sheet(
            "都道府県別",
            ["都道府県", "学校", "企業", "うち法人番号なし", "管理機関", "事業指定"],
            [
                [
                    row["prefecture"].name,
                    row["schools"],
                    row["companies"],
                    row["companies_without_number"],
                    row["consortia"],
                    row["designations"],
                ]
                for row in context["rows"]
            ]
            + [["合計", *context["totals"].values()]],
            [12, 10, 10, 16, 10, 10],
        )
    ]
