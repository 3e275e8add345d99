"""Search, filters and sorting for the registry lists. Querysets arrive already scoped."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meister.fiscal import fiscal_year_choices
from partners.models import (
    Agreement,
    Company,
    CompanyOffer,
    Consortium,
    CourseCategory,
    Department,
    Designation,
    DesignationType,
    Establishment,
    IndustryDivision,
    OfferKind,
    Person,
    PersonRole,
    Prefecture,
    School,
    SizeBand,
)


def _search(queryset, fields, value):
    value = (value or "").strip()
    if not value:
        return queryset
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": value})
    return queryset.filter(condition)


def _descending(label) -> str:
    return gettext("%s（降順）") % label


class SortFilter(django_filters.OrderingFilter):
    """Sorting whose choices read in the reader's language: the labels stay lazy until a page shows them (the
    filter sets are built once, at import), and the descending ones are in the portal's own words."""

    def build_choices(self, fields, labels):
        ascending = [(param, labels.get(field, param)) for field, param in fields.items()]
        descending = [(f"-{param}", lazy(_descending, str)(label)) for param, label in ascending]
        return [choice for pair in zip(ascending, descending, strict=True) for choice in pair]


class RegistryFilterSet(django_filters.FilterSet):
    """Text search across the list's identifying fields, plus each list's own filters. A choice of rows (a
    prefecture, an industry) offers only what the scoped list holds: a Shiga coordinator is not offered 47
    prefectures, only those of the rows they see."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(label=_("検索"), method="filter_search")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for choice in self.filters.values():
            if isinstance(choice, django_filters.ModelChoiceFilter) and self.queryset is not None:
                held = self.queryset.order_by().values(choice.field_name)
                choice.queryset = choice.queryset.filter(pk__in=held)

    def filter_search(self, queryset, name, value):
        return _search(queryset, self.search_fields, value)


class SchoolFilter(RegistryFilterSet):
    search_fields = ("name", "kana", "code")
    prefecture = django_filters.ModelChoiceFilter(label=_("都道府県"), queryset=Prefecture.objects.all())
    establishment = django_filters.ChoiceFilter(label=_("設置者"), choices=Establishment.choices)
    category = django_filters.ChoiceFilter(
        label=_("専門学科区分"), choices=CourseCategory.choices, method="filter_category"
    )
    sort = SortFilter(
        label=_("並べ替え"),
        fields=(("code", "code"), ("kana", "kana"), ("prefecture__code", "prefecture")),
        field_labels={"code": _("学校コード"), "kana": _("よみがな"), "prefecture__code": _("都道府県")},
    )

    class Meta:
        model = School
        fields = []

    def filter_category(self, queryset, name, value):
        departments = Department.objects.filter(school=OuterRef("pk"), category=value)
        return queryset.filter(Exists(departments))


class CompanyFilter(RegistryFilterSet):
    search_fields = ("name", "kana", "corporate_number")
    prefecture = django_filters.ModelChoiceFilter(label=_("都道府県"), queryset=Prefecture.objects.all())
    industry = django_filters.ModelChoiceFilter(label=_("産業分類"), queryset=IndustryDivision.objects.all())
    offer = django_filters.ChoiceFilter(label=_("提供できること"), choices=OfferKind.choices, method="filter_offer")
    size_band = django_filters.ChoiceFilter(label=_("企業規模"), choices=SizeBand.choices)
    without_number = django_filters.BooleanFilter(
        label=_("法人番号なしのみ"),
        field_name="corporate_number",
        lookup_expr="isnull",
        widget=forms.CheckboxInput,
    )
    sort = SortFilter(
        label=_("並べ替え"),
        fields=(("kana", "kana"), ("corporate_number", "corporate_number"), ("prefecture__code", "prefecture")),
        field_labels={"kana": _("よみがな"), "corporate_number": _("法人番号"), "prefecture__code": _("都道府県")},
    )

    class Meta:
        model = Company
        fields = []

    def filter_offer(self, queryset, name, value):
        return queryset.filter(Exists(CompanyOffer.objects.filter(company=OuterRef("pk"), kind=value)))

    def filter_queryset(self, queryset):
        # An unticked box means "all companies", not "only those with a number".
        if not self.form.cleaned_data.get("without_number"):
            self.form.cleaned_data["without_number"] = None
        return super().filter_queryset(queryset)


class ConsortiumFilter(RegistryFilterSet):
    search_fields = ("name",)
    prefecture = django_filters.ModelChoiceFilter(label=_("都道府県"), queryset=Prefecture.objects.all())
    designation_type = django_filters.ChoiceFilter(
        label=_("事業区分"), choices=DesignationType.choices, method="filter_designation"
    )
    designation_year = django_filters.TypedChoiceFilter(
        label=_("指定年度"), choices=fiscal_year_choices, coerce=int, method="filter_designation"
    )
    sort = SortFilter(
        label=_("並べ替え"),
        fields=(("name", "name"), ("prefecture__code", "prefecture")),
        field_labels={"name": _("名称"), "prefecture__code": _("都道府県")},
    )

    class Meta:
        model = Consortium
        fields = []

    def filter_designation(self, queryset, name, value):
        # Type and year together mean one designation of that type in that year.
        data = self.form.cleaned_data
        designations = Designation.objects.filter(consortium=OuterRef("pk"))
        if data.get("designation_type"):
            designations = designations.filter(type=data["designation_type"])
        if data.get("designation_year"):
            designations = designations.filter(fiscal_year=data["designation_year"])
        return queryset.filter(Exists(designations))


class PersonFilter(RegistryFilterSet):
    search_fields = ("name", "kana", "company__name", "school__name", "organisation__name")
    role = django_filters.ChoiceFilter(label=_("役割"), choices=PersonRole.choices)
    sort = SortFilter(label=_("並べ替え"), fields=(("kana", "kana"),), field_labels={"kana": _("よみがな")})

    class Meta:
        model = Person
        fields = []


class AgreementFilter(RegistryFilterSet):
    search_fields = ("title", "scope")
    prefecture = django_filters.ModelChoiceFilter(label=_("都道府県"), queryset=Prefecture.objects.all())
    sort = SortFilter(
        label=_("並べ替え"),
        fields=(("signed_on", "signed_on"), ("title", "title")),
        field_labels={"signed_on": _("締結日"), "title": _("名称")},
    )

    class Meta:
        model = Agreement
        fields = []
