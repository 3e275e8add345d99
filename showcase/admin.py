from django.contrib import admin
from django.db import models

from showcase.models import CompanyProfile, ConsortiumPage, Material


@admin.register(ConsortiumPage)
class ConsortiumPageAdmin(admin.ModelAdmin):
    list_display = ["consortium", "status", "published_at"]
    list_filter = ["status"]


@admin.register(CompanyProfile)
class CompanyProfileAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["company", "status", "published_at"]
    list_filter = ["status"]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "category", "usage", "kind", "status", "download_count"]
    list_filter = ["status", "usage", "category", "kind"]
    search_fields = ["title", "description", "subject"]
