"""Admin view of the loaded disease diet knowledge graph (read-only: it is reloaded, not edited)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from clinical.diet.models import DiseaseDietEntry


@admin.register(DiseaseDietEntry)
class DiseaseDietEntryAdmin(admin.ModelAdmin):
    list_display = ("disease", "relation", "food", "dataset", "loaded_at")
    list_filter = ("relation", "dataset")
    search_fields = ("disease", "food")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
