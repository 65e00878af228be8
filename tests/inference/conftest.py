"""Fixtures for inference tests: a tiny random-weight GGUF made by the tests themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

from inference.random_gguf import TINY, write_random_gguf


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer llama-architecture model (vocab 512, F32, random weights, ChatML template)."""
    return write_random_gguf(tmp_path_factory.mktemp("models") / "tiny.gguf", TINY)
