"""``manage.py train_small``: the whole pipeline at toy scale on the CPU (about a minute)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from training.builder import BuildConfig, build
from training.pipeline import SmallConfig, generate, run_small_pipeline, write_json


class Command(BaseCommand):
    help = "Build data, make a tiny random InternLM2, convert, LoRA, merge, GGUF, quantise, register, generate."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--work", default=str(Path(settings.DATA_DIR) / "training" / "small"))
        parser.add_argument("--model-dir", default=str(settings.AMMED_MODEL_DIR))
        parser.add_argument("--steps", type=int, default=20)
        parser.add_argument("--limit-per-source", type=int, default=300)

    def handle(self, *args, **o) -> None:
        work = Path(o["work"])
        card = build(
            BuildConfig(
                out_dir=work / "data",
                sources=("cmekg_labels", "safety_refusals"),
                limit_per_source=o["limit_per_source"],
                val_ratio=0.1,
            ),
            progress=self.stdout.write,
        )
        self.stdout.write(f"data: {card['totals']}")
        res = run_small_pipeline(
            work / "data",
            work,
            o["model_dir"],
            SmallConfig(lora_steps=o["steps"]),
            progress=self.stdout.write,
        )
        out = generate(
            res["gguf"]["Q4_K_M"], [{"role": "user", "content": "华法林怎么吃？"}], max_tokens=16
        )
        write_json(
            work / "summary.json", {k: v for k, v in res.items() if k != "log"} | {"sample": out}
        )
        self.stdout.write(
            self.style.SUCCESS(f"generated (tiny random model, not meaningful): {out['text']!r}")
        )
