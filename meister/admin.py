from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from meister.models import User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "get_full_name", "role", "prefecture", "consortium", "school", "company", "is_active"]
    list_filter = ["role", "is_active", "is_staff", "prefecture"]
    autocomplete_fields = ["prefecture", "consortium", "school", "company"]
    fieldsets = UserAdmin.fieldsets + (
        (_("役割と担当範囲"), {"fields": ["role", "prefecture", "consortium", "school", "company"]}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        (_("役割と担当範囲"), {"fields": ["role", "prefecture", "consortium", "school", "company"]}),
    )
