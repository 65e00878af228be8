"""``manage.py build_training_data --out DIR``: build the instruction data set + data card."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from training.builder import DEFAULT_PUBLIC, OWN_SOURCES, BuildConfig, build
from training.sources import SOURCES


class Command(BaseCommand):
    help = "Build chat training data (messages + xtuner conversation JSONL) and its data card."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", default=str(Path(settings.DATA_DIR) / "training" / "data"))
        parser.add_argument(
            "--sources",
            default=",".join(OWN_SOURCES + DEFAULT_PUBLIC),
            help=f"comma list from: {', '.join(SOURCES)}; 'all' for every source",
        )
        parser.add_argument("--shared-dir", default=str(settings.AMMED_SHARED_DATA_DIR))
        parser.add_argument("--limit-per-source", type=int, default=None)
        parser.add_argument("--seed", type=int, default=20261129)
        parser.add_argument("--val-ratio", type=float, default=0.05)
        parser.add_argument(
            "--allow-research-only",
            action="store_true",
            help="include sources whose licence restricts them to research",
        )

    def handle(self, *args, **opts) -> None:
        names = (
            tuple(SOURCES)
            if opts["sources"] == "all"
            else tuple(s.strip() for s in opts["sources"].split(",") if s.strip())
        )
        unknown = [n for n in names if n not in SOURCES]
        if unknown:
            raise CommandError(f"unknown sources: {unknown}; known: {sorted(SOURCES)}")
        cfg = BuildConfig(
            out_dir=Path(opts["out"]),
            sources=names,
            shared_dir=Path(opts["shared_dir"]),
            limit_per_source=opts["limit_per_source"],
            seed=opts["seed"],
            val_ratio=opts["val_ratio"],
            allow_research_only=opts["allow_research_only"],
        )
        card = build(cfg, progress=lambda s: self.stdout.write(s))
        self.stdout.write(
            self.style.SUCCESS(
                f"wrote {card['totals']['train']} train / {card['totals']['val']} val rows to {cfg.out_dir}"
            )
        )
        for name, why in sorted(card["skipped"].items()):
            self.stdout.write(self.style.WARNING(f"skipped {name}: {why}"))
