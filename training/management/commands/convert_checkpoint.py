"""``manage.py convert_checkpoint SRC DST --to llama|internlm2``."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from training import convert


class Command(BaseCommand):
    help = "Convert an InternLM2 checkpoint to the Llama layout, or back."

    def add_arguments(self, parser) -> None:
        parser.add_argument("src")
        parser.add_argument("dst")
        parser.add_argument("--to", choices=["llama", "internlm2"], default="llama")

    def handle(self, *args, **opts) -> None:
        fn = (
            convert.convert_internlm2_dir_to_llama
            if opts["to"] == "llama"
            else convert.convert_llama_dir_to_internlm2
        )
        out = fn(opts["src"], opts["dst"])
        self.stdout.write(self.style.SUCCESS(f"wrote {opts['to']} checkpoint to {out}"))
