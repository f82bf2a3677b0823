"""The admin site for core's data. The audit log is shown read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from cybercommons.core.models import (
    ApiToken,
    AuditEntry,
    Country,
    Event,
    Invitation,
    Membership,
    Organisation,
    Progress,
    Reference,
    User,
)


@admin.register(User)
class CybercommonsUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("Cybercommons", {"fields": ("display_name", "country", "language")}),
    )
    list_display = ("username", "display_name", "email", "country", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("username", "display_name", "email")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "stakeholder_type", "country", "created_at")
    list_filter = ("stakeholder_type",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]
    autocomplete_fields = ("country",)


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "alpha3", "region", "subregion", "un_regional_group",
                    "is_ldc", "is_lldc", "is_sids", "income_group")
    list_filter = ("region", "un_regional_group", "is_ldc", "is_lldc", "is_sids", "income_group")
    search_fields = ("name", "code", "alpha3")


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that only services write: visible to staff, never edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "created_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("action", "object_id", "actor_label")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "prefix", "scopes", "created_at", "last_used_at",
                    "revoked_at")
    exclude = ("key_hash",)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "organisation", "role", "created_at", "expires_at", "accepted_at")
    exclude = ("token_hash",)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("name", "source", "created_at")
    list_filter = ("name",)


@admin.register(Progress)
class ProgressAdmin(ReadOnlyAdmin):
    list_display = ("label", "status", "done", "total", "updated_at")


@admin.register(Reference)
class ReferenceAdmin(ReadOnlyAdmin):
    list_display = ("source_module", "source_kind", "source_key", "relation", "target_module",
                    "target_kind", "target_key")
