from django.contrib import admin

from programme.models import (
    AdviceThread,
    ContinuationPlan,
    EstimateLine,
    ExpenseCategory,
    ImplementationPlan,
    LedgerEntry,
    NetworkLink,
    ProgrammeEvent,
    SupportAssignment,
)


@admin.register(ExpenseCategory)
class ExpenseCategoryAdmin(admin.ModelAdmin):
    list_display = ("fiscal_year", "order", "name", "code")
    list_filter = ("fiscal_year",)


@admin.register(SupportAssignment)
class SupportAssignmentAdmin(admin.ModelAdmin):
    list_display = ("fiscal_year", "consortium", "supporter", "part")
    list_filter = ("fiscal_year", "part")
    raw_id_fields = ("supporter", "consortium", "assigned_by")


admin.site.register([AdviceThread, ImplementationPlan, EstimateLine, LedgerEntry, NetworkLink, ProgrammeEvent])
admin.site.register(ContinuationPlan)
