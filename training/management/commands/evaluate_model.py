"""``manage.py evaluate_model NAME --prompts eval_prompts.jsonl --out DIR``."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from training import evaluate
from training.registry import resolve


class Command(BaseCommand):
    help = (
        "Run a registered GGUF (or 'reference') over held-out prompts through the output monitor."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "model", help="registry name, a .gguf path, or 'reference' (echo the reference answers)"
        )
        parser.add_argument("--prompts", required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--limit", type=int, default=None)
        parser.add_argument("--max-tokens", type=int, default=128)

    def handle(self, *args, **o) -> None:
        name = o["model"]
        if name == "reference":
            refs = {}
            for line in Path(o["prompts"]).read_text(encoding="utf-8").splitlines():
                if line.strip():
                    r = json.loads(line)
                    refs[r["messages"][-1]["content"]] = r["reference"]

            def gen(messages: list[dict[str, str]]) -> str:
                return refs.get(messages[-1]["content"], "")
        else:
            path = Path(name) if name.endswith(".gguf") else None
            if path is None:
                try:
                    path = resolve(settings.AMMED_MODEL_DIR, name)
                except KeyError as exc:
                    raise CommandError(
                        f"{name} is not in {settings.AMMED_MODEL_DIR}/registry.json"
                    ) from exc
            gen = evaluate.llama_cpp_generator(path, max_tokens=o["max_tokens"])
        report = evaluate.run(
            o["prompts"],
            gen,
            o["out"],
            model_name=name,
            shared_dir=Path(settings.AMMED_SHARED_DATA_DIR),
            limit=o["limit"],
        )
        self.stdout.write(evaluate.render_md(report))
