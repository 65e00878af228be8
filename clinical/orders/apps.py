from __future__ import annotations

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "clinical.orders"
    label = "orders"
