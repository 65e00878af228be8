"""``manage.py build_drug_kb``: build the medication KB artifact in var/medkb/ (idempotent)."""

from __future__ import annotations

import resource
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand

from clinical.medkb import kb


class Command(BaseCommand):
    help = "Build the medication knowledge base (CMeKG + curated CSVs) into var/medkb/."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="rebuild even if current")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        path = kb.artifact_path()
        if path.exists() and not force:
            self.stdout.write(f"medkb is current: {path} (use --force to rebuild)")
            return
        t0 = time.perf_counter()

        def progress(msg: str, i: int, n: int) -> None:
            pct = f" {i * 100 // n:3d}%" if n else ""
            self.stderr.write(f"\r[{time.perf_counter() - t0:5.1f}s]{pct} {msg:<40}", ending="")
            sys.stderr.flush()

        path, built = kb.build_and_save(progress)
        kb.reset_cache()
        self.stderr.write("")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        s = built.stats
        self.stdout.write(
            f"built {path} in {time.perf_counter() - t0:.1f}s (peak RSS {rss:.0f} MiB): "
            f"{s['ingredients']} curated ingredients, {s['products']} products "
            f"({s['graph_products']} from CMeKG), {s['names']} names"
        )
