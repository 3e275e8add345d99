from django.contrib import admin

from assessments.models import Administration, Instrument, Item, Practice, Recipient, Subscale, Survey


class SubscaleInline(admin.TabularInline):
    model = Subscale
    extra = 0


class ItemInline(admin.TabularInline):
    model = Item
    extra = 0
    fields = ["number", "text", "subscale", "reverse_scored"]


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "points", "scoring"]
    inlines = [SubscaleInline, ItemInline]


@admin.register(Administration)
class AdministrationAdmin(admin.ModelAdmin):
    list_display = ["school", "entry_year", "department", "instrument", "fiscal_year", "timing"]
    list_filter = ["fiscal_year", "timing", "instrument"]
    raw_id_fields = ["school", "department", "created_by"]


class RecipientInline(admin.TabularInline):
    model = Recipient
    extra = 0
    fields = ["respondent_type", "name", "email", "prefecture", "sent_at", "reminded_at"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "fiscal_year", "prefecture", "deadline"]
    inlines = [RecipientInline]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["title", "stage", "issue", "consortium", "prefecture"]
    list_filter = ["stage", "issue"]
    search_fields = ["title", "summary"]
