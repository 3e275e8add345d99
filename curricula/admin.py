"""Back office for curricula and placements; the audit trail is read-only, as it is everywhere."""

from django.contrib import admin

from curricula.models import ClassSession, DayLog, DayLogEvent, Destination, JointProject, Placement, Student, Subject
from curricula.services.sessions import class_session_delete, class_session_save
from curricula.tallies import school_of_placement, tallies_recount, unlogged_for_student


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "department", "grade", "credits", "follows"]
    list_filter = ["grade", "school__prefecture"]
    search_fields = ["name", "school__name"]
    autocomplete_fields = ["school", "companies"]


@admin.register(ClassSession)
class ClassSessionAdmin(admin.ModelAdmin):
    list_display = ["held_on", "subject", "kind", "hours", "student_count", "company"]
    list_filter = ["kind"]
    autocomplete_fields = ["company", "person"]

    # Through the service, so that the 産業実務家教員 hours follow changes made here as well.
    def save_model(self, request, obj, form, change):
        class_session_save(user=request.user, session=obj)

    def delete_model(self, request, obj):
        class_session_delete(user=request.user, session=obj)

    def delete_queryset(self, request, queryset):
        for session in queryset.select_related("subject"):
            class_session_delete(user=request.user, session=session)


@admin.register(JointProject)
class JointProjectAdmin(admin.ModelAdmin):
    list_display = ["theme", "school", "kind", "fiscal_year", "student_count"]
    list_filter = ["kind", "fiscal_year"]
    autocomplete_fields = ["school", "companies", "organisations"]


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["kana_name", "school", "department", "entry_year", "class_name", "number"]
    list_filter = ["entry_year", "school__prefecture"]
    search_fields = ["kana_name"]
    autocomplete_fields = ["school"]

    # A student moved to another school or deleted takes their placements' counts along.
    def save_model(self, request, obj, form, change):
        was_at = Student.objects.filter(pk=obj.pk).values_list("school_id", flat=True).first()
        super().save_model(request, obj, form, change)
        if was_at not in (None, obj.school_id):
            tallies_recount(school_ids=[was_at, obj.school_id])
            unlogged_for_student(obj.pk)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        tallies_recount(school_ids=[obj.school_id])

    def delete_queryset(self, request, queryset):
        schools = set(queryset.values_list("school", flat=True))
        super().delete_queryset(request, queryset)
        tallies_recount(school_ids=schools)


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["student", "company", "kind", "starts_on", "ends_on", "weekdays", "agreement_status"]
    list_filter = ["kind", "agreement_status"]
    search_fields = ["student__kana_name", "company__name"]
    autocomplete_fields = ["company", "mentor"]
    raw_id_fields = ["student"]

    def save_model(self, request, obj, form, change):
        was_at = school_of_placement(obj.pk)
        super().save_model(request, obj, form, change)
        tallies_recount(school_ids=[was_at, obj.student.school_id])

    def delete_model(self, request, obj):
        was_at = school_of_placement(obj.pk)
        super().delete_model(request, obj)
        tallies_recount(school_ids=[was_at])

    def delete_queryset(self, request, queryset):
        schools = set(queryset.values_list("student__school", flat=True))
        super().delete_queryset(request, queryset)
        tallies_recount(school_ids=schools)


class DayLogEventInline(admin.TabularInline):
    model = DayLogEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "user", "actor", "action", "old_status", "new_status", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DayLog)
class DayLogAdmin(admin.ModelAdmin):
    list_display = ["day", "placement", "attendance", "hours", "status"]
    list_filter = ["status", "attendance"]
    date_hierarchy = "day"
    raw_id_fields = ["placement"]
    inlines = [DayLogEventInline]

    # Edited here, a day may change its hours or status without a service: count its school again.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        tallies_recount(school_ids=[school_of_placement(obj.placement_id)])

    def delete_model(self, request, obj):
        school = school_of_placement(obj.placement_id)
        super().delete_model(request, obj)
        tallies_recount(school_ids=[school])

    def delete_queryset(self, request, queryset):
        schools = set(queryset.values_list("placement__student__school", flat=True))
        super().delete_queryset(request, queryset)
        tallies_recount(school_ids=schools)


@admin.register(Destination)
class DestinationAdmin(admin.ModelAdmin):
    list_display = ["student", "graduated_fiscal_year", "kind", "company"]
    list_filter = ["kind", "graduated_fiscal_year"]
    autocomplete_fields = ["company"]
    raw_id_fields = ["student"]
