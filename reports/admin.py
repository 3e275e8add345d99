from django.contrib import admin

from reports.models import ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "fiscal_year", "prefecture", "consortium", "status", "progress", "created_at"]
    list_filter = ["kind", "status", "fiscal_year"]
    readonly_fields = ["requested_by", "status", "progress", "error", "created_at", "started_at", "finished_at"]
