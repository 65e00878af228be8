"""``manage.py llm pull/list/check``. The Hugging Face hub cannot be reached from here, so
``pull`` is tested with the one network call (``inference.models.hf_download``) replaced
by a copy of a local GGUF; everything around it (cache layout, sha256, manifest) is real."""

from __future__ import annotations

import hashlib
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from inference import models

REPO = "internlm/internlm2_5-7b-chat-gguf"
FILE = "internlm2_5-7b-chat-q4_k_m.gguf"


@pytest.fixture
def model_dir(tmp_path: Path, settings) -> Path:  # type: ignore[no-untyped-def]
    settings.AMMED_MODEL_DIR = tmp_path / "models"
    return settings.AMMED_MODEL_DIR


@pytest.fixture
def fake_hub(tiny_gguf: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    calls: list[tuple] = []

    def download(repo: str, filename: str, revision: str | None, local_dir: Path) -> Path:
        calls.append((repo, filename, revision))
        local_dir.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy(tiny_gguf, local_dir / filename))

    monkeypatch.setattr(models, "hf_download", download)
    return calls


def run(*args: str) -> str:
    out = StringIO()
    call_command("llm", *args, stdout=out)
    return out.getvalue()


def test_pull_downloads_into_the_cache_and_records_the_sha256(
    model_dir: Path, fake_hub: list, tiny_gguf: Path
) -> None:
    out = run("pull", REPO, FILE)
    expected = hashlib.sha256(tiny_gguf.read_bytes()).hexdigest()
    assert expected in out
    assert fake_hub == [(REPO, FILE, None)]
    entry = models.read_manifest(model_dir)[f"{REPO.replace('/', '__')}/{FILE}"]
    assert entry.sha256 == expected and entry.repo == REPO
    assert entry.size_bytes == tiny_gguf.stat().st_size


def test_list_shows_pulled_models_and_verify_detects_corruption(
    model_dir: Path, fake_hub: list
) -> None:
    run("pull", REPO, FILE)
    assert f"{REPO}@main" in run("list")
    assert "sha256 OK" in run("list", "--verify")
    path = model_dir / REPO.replace("/", "__") / FILE
    with path.open("r+b") as fh:
        fh.seek(-4, 2)
        fh.write(b"XXXX")
    with pytest.raises(CommandError, match="does not match"):
        run("list", "--verify")


def test_pull_refuses_non_gguf_and_reports_hub_failures(model_dir: Path, monkeypatch) -> None:
    with pytest.raises(CommandError, match="not a .gguf"):
        run("pull", REPO, "README.md")

    def offline(*_a: object) -> Path:
        raise models.LLMError("could not download x: LocalEntryNotFoundError: offline")

    monkeypatch.setattr(models, "hf_download", offline)
    with pytest.raises(CommandError, match="could not download"):
        run("pull", REPO, FILE)
    assert not (model_dir / models.MANIFEST).exists()


def test_check_loads_and_probes_a_real_gguf(tiny_gguf: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AMMED_LLM_CTX = 512
    out = run("check", "--backend", "llamacpp", "--model", str(tiny_gguf))
    assert "'architecture': 'llama'" in out
    assert "structured probe" in out and "(schema-valid)" in out
    assert out.rstrip().endswith("OK")


def test_check_with_a_missing_model_fails_clearly(model_dir: Path) -> None:
    with pytest.raises(CommandError, match="model file not found"):
        run("check", "--backend", "llamacpp", "--model", "absent.gguf")


def test_check_template_backend(settings) -> None:  # type: ignore[no-untyped-def]
    settings.AMMED_LLM_BACKEND = "template"
    out = run("check")
    assert "'backend': 'template'" in out and out.rstrip().endswith("OK")


def test_unknown_backend_is_a_config_error() -> None:
    with pytest.raises(CommandError, match="unknown AMMED_LLM_BACKEND 'gpt'"):
        run("check", "--backend", "gpt")
