from django.contrib import admin

from partners.models import (
    Company,
    Consortium,
    Department,
    Designation,
    IndustryDivision,
    Organisation,
    Prefecture,
    School,
)


@admin.register(Prefecture)
class PrefectureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kana", "romaji", "block"]
    search_fields = ["name", "kana", "romaji", "code"]


@admin.register(IndustryDivision)
class IndustryDivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]
    search_fields = ["name", "code"]


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "prefecture", "establishment"]
    list_filter = ["prefecture", "establishment"]
    search_fields = ["name", "kana", "code"]
    inlines = [DepartmentInline]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "corporate_number", "prefecture", "industry"]
    list_filter = ["prefecture", "industry"]
    search_fields = ["name", "kana", "corporate_number"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "prefecture"]
    list_filter = ["kind", "prefecture"]
    search_fields = ["name"]


class DesignationInline(admin.TabularInline):
    model = Designation
    extra = 0


@admin.register(Consortium)
class ConsortiumAdmin(admin.ModelAdmin):
    list_display = ["name", "prefecture"]
    list_filter = ["prefecture"]
    search_fields = ["name"]
    filter_horizontal = ["schools", "companies", "organisations"]
    inlines = [DesignationInline]
