"""The admin site for consultations: for inspection; every change goes through the pages,
the API or the CLI, which call the services (audit log, notifications)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cybercommons.governance.models import Decision, DraftVersion, Process


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Process)
class ProcessAdmin(ReadOnlyAdmin):
    list_display = ("title", "convenor", "phase", "visibility", "decision_rule", "created_at")
    list_filter = ("phase", "visibility", "decision_rule")
    search_fields = ("title", "slug")
    exclude = ("ballot_secret",)


@admin.register(DraftVersion)
class DraftVersionAdmin(ReadOnlyAdmin):
    list_display = ("process", "number", "created_at")


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("process", "rule", "outcome", "sha256", "decided_at")
    exclude = ("ballot_file",)
