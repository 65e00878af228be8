"""Labels in Chinese: site header, model names, column headers, review errors."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
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


# Labels that stay in Latin letters on purpose: "ID" (Django's own primary-key label, a
# universal abbreviation in Chinese UIs) and "AM-Med" (the product's name, the sender of a
# message).
ALLOWED_LATIN = {"ID", "AM-Med"}
_LATIN_ONLY = re.compile(r"[\x00-\x7f]*")


def _latin_only(label: object) -> bool:
    text = str(label).strip()
    return bool(text) and text not in ALLOWED_LATIN and bool(_LATIN_ONLY.fullmatch(text))


def _labels(model, model_admin, request) -> list[tuple[str, str]]:
    """Every label the admin shows for ``model``: app and model names, column headers,
    filter titles, actions, form and read-only field labels, choices of shown fields."""
    opts = model._meta
    out = [
        ("app", opts.app_config.verbose_name),
        ("model", opts.verbose_name),
        ("models", opts.verbose_name_plural),
    ]
    for name in model_admin.get_list_display(request):
        if name != "action_checkbox":
            out.append((f"column {name}", label_for_field(name, model, model_admin)))
    for item in model_admin.get_list_filter(request):
        if isinstance(item, str):
            out.append((f"filter {item}", label_for_field(item, model, model_admin)))
        elif isinstance(item, tuple):
            out.append((f"filter {item[0]}", opts.get_field(item[0]).verbose_name))
        else:
            out.append((f"filter {item.__name__}", item.title))
    for name, (_, _, description) in model_admin.get_actions(request).items():
        out.append((f"action {name}", str(description) % {"verbose_name_plural": "x"}))
    shown = {n: f.label for n, f in model_admin.get_form(request).base_fields.items()}
    for name in model_admin.get_readonly_fields(request):
        shown[name] = label_for_field(name, model, model_admin)
    for name, label in shown.items():
        out.append((f"field {name}", label))
        field = next((f for f in opts.get_fields() if f.name == name), None)
        for value, choice in getattr(field, "flatchoices", None) or []:
            out.append((f"choice {name}={value}", choice))
    return out


def test_every_registered_admin_label_is_chinese():
    """Every registered admin model, the project's and third-party apps' (auth, axes,
    authtoken), as the admin shows it in Chinese."""
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(username="admin")  # sees every action
    english = []
    with translation.override("zh-hans"):
        for model, model_admin in admin.site._registry.items():
            for where, label in _labels(model, model_admin, request):
                if _latin_only(label):
                    english.append(f"{model._meta.label} {where}: {label}")
    assert english == [], "\n".join(english)


def _texts(page: str, pattern: str) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>", "", t)).strip() for t in re.findall(pattern, page, re.S)
    ]


def test_pages_a_physician_opens_show_no_english_headers_filters_or_actions():
    c = client_for("dr_wang")
    c.raise_request_exception = False  # pages the physician may not open answer 403
    index = c.get("/admin/?all=1").text
    assert [t for t in _texts(index, r"<caption>(.*?)</caption>") if _latin_only(t)] == []
    opened, english = 0, []
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        resp = c.get(url)
        if resp.status_code != 200:
            continue
        opened += 1
        page = resp.text
        for kind, pattern in (
            ("column", r'<th scope="col"[^>]*>(.*?)</th>'),
            ("filter", r"<summary>(.*?)</summary>|<h3>(.*?)</h3>"),
            ("action", r"<option value=\"[a-z_]+\">(.*?)</option>"),
        ):
            for found in re.findall(pattern, page, re.S):
                parts = found if isinstance(found, tuple) else (found,)
                for part in parts:
                    text = html.unescape(re.sub(r"<[^>]+>", "", part)).strip()
                    if _latin_only(text):
                        english.append(f"{url} {kind}: {text}")
    assert opened >= 10  # the physician's pages: worklist, alerts, reviews, orders, ...
    assert english == [], "\n".join(english)


def test_third_party_app_names_are_chinese_for_a_superuser():
    page = client_for("admin").get("/admin/?all=1").text
    assert "登录安全" in page and "登录尝试" in page and "订阅推送" in page
    assert "Axes" not in page and "Access attempts" not in page
