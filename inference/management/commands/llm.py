"""``manage.py llm pull <repo> <file> | list [--verify] | check [--model PATH]``."""

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
    help = "Manage language models: pull a GGUF from Hugging Face, list the cache, check a load."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        pull = sub.add_parser("pull", help="download a GGUF into AMMED_MODEL_DIR (sha256 kept)")
        pull.add_argument("repo", help="Hugging Face repo, e.g. internlm/internlm2_5-7b-chat-gguf")
        pull.add_argument("file", help="file in the repo, e.g. internlm2_5-7b-chat-q4_k_m.gguf")
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
            self.stdout.write(f"{m.file}  {m.size_bytes / 2**30:.2f} GiB  {source}{state}")
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
