"""Back office for the registry: the same model validation as the portal's forms."""

from django.contrib import admin

from partners.models import (
    ActionItem,
    Agreement,
    Company,
    CompanyOffer,
    Consortium,
    ConsortiumStage,
    ContactLog,
    Department,
    DepartmentYear,
    Designation,
    Engagement,
    IndustryDivision,
    Meeting,
    Organisation,
    Person,
    PractitionerTeaching,
    Prefecture,
    Proposal,
    School,
    SchoolNeed,
    SupportConsultation,
)


@admin.register(Prefecture)
class PrefectureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kana", "romaji", "block"]
    list_filter = ["block"]
    search_fields = ["name", "kana", "romaji", "code"]


@admin.register(IndustryDivision)
class IndustryDivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]
    search_fields = ["name", "code"]


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0
    show_change_link = True


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "prefecture", "establishment"]
    list_filter = ["prefecture", "establishment"]
    search_fields = ["name", "kana", "code"]
    inlines = [DepartmentInline]


class DepartmentYearInline(admin.TabularInline):
    model = DepartmentYear
    extra = 0


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["school", "name", "category"]
    list_filter = ["category", "school__prefecture"]
    search_fields = ["name", "school__name"]
    autocomplete_fields = ["school"]
    inlines = [DepartmentYearInline]


class CompanyOfferInline(admin.TabularInline):
    model = CompanyOffer
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "corporate_number", "prefecture", "industry", "size_band"]
    list_filter = ["prefecture", "industry", "size_band", "offers__kind"]
    search_fields = ["name", "kana", "corporate_number"]
    inlines = [CompanyOfferInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "prefecture"]
    list_filter = ["kind", "prefecture"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "title", "company", "school", "organisation"]
    list_filter = ["role"]
    search_fields = ["name", "kana", "email"]
    autocomplete_fields = ["company", "school", "organisation"]


@admin.register(ContactLog)
class ContactLogAdmin(admin.ModelAdmin):
    list_display = ["contacted_on", "subject", "company", "school", "channel", "recorded_by"]
    list_filter = ["channel"]
    search_fields = ["subject", "notes", "company__name", "school__name"]
    autocomplete_fields = ["company", "school", "person"]
    date_hierarchy = "contacted_on"


class DesignationInline(admin.TabularInline):
    model = Designation
    extra = 0


class ConsortiumStageInline(admin.TabularInline):
    model = ConsortiumStage
    extra = 0


@admin.register(Consortium)
class ConsortiumAdmin(admin.ModelAdmin):
    list_display = ["name", "prefecture"]
    list_filter = ["prefecture"]
    search_fields = ["name"]
    filter_horizontal = ["schools", "companies", "organisations", "coordinators"]
    inlines = [DesignationInline, ConsortiumStageInline]


@admin.register(PractitionerTeaching)
class PractitionerTeachingAdmin(admin.ModelAdmin):
    list_display = ["person", "school", "fiscal_year", "subjects", "hours"]
    list_filter = ["fiscal_year"]
    search_fields = ["person__name", "school__name", "subjects"]
    autocomplete_fields = ["person", "school"]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "prefecture", "consortium", "signed_on"]
    list_filter = ["prefecture"]
    search_fields = ["title", "scope"]
    filter_horizontal = ["organisations", "companies", "schools"]
    date_hierarchy = "signed_on"


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["held_on", "title", "consortium", "kind"]
    list_filter = ["kind"]
    search_fields = ["title", "minutes"]
    inlines = [ActionItemInline]


@admin.register(SupportConsultation)
class SupportConsultationAdmin(admin.ModelAdmin):
    list_display = ["asked_on", "consortium", "question", "answered_on"]
    search_fields = ["question", "advice"]


class ProposalInline(admin.TabularInline):
    model = Proposal
    extra = 0
    fields = ["company", "status", "sent_to", "sent_at", "answered_at", "answered_by", "decline_reason"]
    readonly_fields = ["sent_at", "answered_at"]


@admin.register(SchoolNeed)
class SchoolNeedAdmin(admin.ModelAdmin):
    list_display = ["title", "school", "kind", "start_on", "end_on", "students", "status"]
    list_filter = ["status", "kind", "category"]
    search_fields = ["title", "school__name"]
    autocomplete_fields = ["school"]
    inlines = [ProposalInline]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["need", "company", "status", "sent_at", "answered_at"]
    list_filter = ["status"]
    search_fields = ["need__title", "company__name"]
    autocomplete_fields = ["need", "company"]


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    list_display = ["title", "school", "company", "kind", "start_on", "end_on", "students", "would_host_again"]
    list_filter = ["kind", "would_host_again"]
    search_fields = ["title", "school__name", "company__name"]
    autocomplete_fields = ["school", "company"]
