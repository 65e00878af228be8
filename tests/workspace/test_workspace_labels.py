"""Labels in Chinese: site header, model names, column headers, review errors."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from workspace_helpers import client_for
from workspace_helpers import demo_db as demo_db

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]
CLINICAL_APPS = {"followup", "orders", "monitor", "agent", "diet", "workspace"}


def test_site_header_and_model_names_are_chinese():
    page = client_for("dr_wang").get("/admin/?all=1").text
    assert "Django 管理" not in page and "AM-Med 出院随访管理" in page
    assert "entrys" not in page and "疾病饮食知识条目" in page


def test_every_clinical_column_header_and_filter_is_chinese():
    english = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in CLINICAL_APPS:
            continue
        for name in model_admin.list_display:
            label = str(label_for_field(name, model, model_admin))
            if re.fullmatch(r"[A-Za-z _]+", label):
                english.append(f"{model.__name__}.{name}: {label}")
        for item in model_admin.list_filter:
            if isinstance(item, str):
                label = str(model._meta.get_field(item).verbose_name)
                if re.fullmatch(r"[A-Za-z _]+", label):
                    english.append(f"{model.__name__} filter {item}: {label}")
    assert english == [], "\n".join(english)


def test_review_errors_are_chinese():
    from clinical.monitor import services

    with pytest.raises(services.ReviewError, match="拒绝时必须填写原因"):
        services.reject(0, None, "")
