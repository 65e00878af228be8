"""The worklist has no table of its own: it is a page over the clinical apps' rows. The
unmanaged model gives it an admin entry and a ``view_worklist`` permission for the roles."""

from __future__ import annotations

from django.db import models


class Worklist(models.Model):
    """The clinician's home page (``clinical.workspace.worklist``); no rows, no table."""

    class Meta:
        managed = False
        default_permissions = ("view",)
        verbose_name = "我的工作台"
        verbose_name_plural = "我的工作台（按紧急程度排序的患者）"

    def __str__(self) -> str:
        return "我的工作台"
