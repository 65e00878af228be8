"""Disease diet lists loaded from an external knowledge graph (optional, research-use data)."""

from __future__ import annotations

from django.db import models


class DiseaseDietEntry(models.Model):
    """One row of a disease's diet list (宜吃/忌吃/推荐) from a loaded knowledge graph.

    Clinical invariant: these rows are crawled, clinically unvalidated data. The engine uses
    them only as lower-priority "kg" reasons: a 忌吃 row can raise ``ok`` to ``caution`` but
    never to ``avoid``, and every reason names the row's provenance. The product works with
    this table empty; ``manage.py load_disease_diet`` fills it from a local copy.
    """

    class Relation(models.TextChoices):
        GOOD = "good", "宜吃"
        AVOID = "avoid", "忌吃"
        RECIPE = "recipe", "推荐食谱"

    dataset = models.CharField("数据集", max_length=100)
    disease = models.CharField("疾病", max_length=200)
    food = models.CharField("食物", max_length=200)
    relation = models.CharField("关系", max_length=10, choices=Relation.choices)
    provenance = models.CharField("出处", max_length=500)
    loaded_at = models.DateTimeField("载入时间", auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "disease", "food", "relation"], name="diet_kg_entry_unique"
            )
        ]
        indexes = [models.Index(fields=["disease", "food"], name="diet_kg_disease_food")]
        verbose_name = "疾病饮食知识条目"
        verbose_name_plural = "疾病饮食知识条目"

    def __str__(self) -> str:
        return f"{self.disease} {self.get_relation_display()} {self.food}"
