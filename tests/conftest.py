"""Shared fixtures: API clients per persona, the shared data dir, fixture bundles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings

FIXTURE_BUNDLES = Path(settings.BASE_DIR) / "fixtures" / "bundles"


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data``; tests using it skip cleanly when it is absent."""
    path = Path(settings.AMMED_SHARED_DATA_DIR)
    if not path.is_dir():
        pytest.skip(f"shared data not present at {path}")
    return path


@pytest.fixture
def demo_bundles() -> list[dict]:
    return [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted(FIXTURE_BUNDLES.glob("*.json"))
    ]
