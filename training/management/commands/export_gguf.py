"""``manage.py export_gguf MERGED_DIR --name NAME``: GGUF F16 -> Q4_K_M / Q8_0 -> registry."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from training.gguf_export import export_gguf
from training.quantize import quantize
from training.registry import record_in_inference_manifest, register_model


class Command(BaseCommand):
    help = "Export a merged Llama-layout checkpoint to GGUF, quantise, register in AMMED_MODEL_DIR."

    def add_arguments(self, parser) -> None:
        parser.add_argument("model")
        parser.add_argument(
            "--name", required=True, help="registry name prefix, e.g. ammed-internlm2_5-7b"
        )
        parser.add_argument("--quants", default="Q4_K_M,Q8_0")
        parser.add_argument("--model-dir", default=str(settings.AMMED_MODEL_DIR))
        parser.add_argument("--n-ctx", type=int, default=4096)
        parser.add_argument("--keep-f16", action="store_true")
        parser.add_argument("--data-card", default="")

    def handle(self, *args, **o) -> None:
        models = Path(o["model_dir"])
        models.mkdir(parents=True, exist_ok=True)
        f16 = export_gguf(o["model"], models / f"{o['name']}-f16.gguf", name=o["name"])
        self.stdout.write(f"wrote {f16}")
        for q in [q.strip() for q in o["quants"].split(",") if q.strip()]:
            path = quantize(f16, models / f"{o['name']}-{q.lower()}.gguf", q)
            entry = register_model(
                models,
                f"{o['name']}-{q.lower()}",
                path,
                quant=q,
                n_ctx=o["n_ctx"],
                base=str(o["model"]),
                data_card=o["data_card"],
            )
            record_in_inference_manifest(models, entry)
            self.stdout.write(self.style.SUCCESS(f"registered {o['name']}-{q.lower()} -> {path}"))
        if not o["keep_f16"]:
            f16.unlink()
