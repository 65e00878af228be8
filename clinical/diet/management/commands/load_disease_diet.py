"""Load disease diet lists (宜吃/忌吃/推荐) from a local medical-kg-disease-diet copy.

The data is crawled from xywy.com (research/development use only, no licence): it is read
from where it lies and never copied into the repository. Rows become lower-priority "kg"
reasons; the product works without them.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from clinical.diet.models import DiseaseDietEntry
from clinical.diet.rules import kg

DATASET = "medical-kg-disease-diet"
DATA_FILE = "disease_diet_kg.jsonl.gz"
BATCH = 5000
# Field names of the compact file, then of the original liuhuanyong medical.json.
FIELDS = {
    DiseaseDietEntry.Relation.GOOD: ("good_food", "do_eat"),
    DiseaseDietEntry.Relation.AVOID: ("avoid_food", "not_eat"),
    DiseaseDietEntry.Relation.RECIPE: ("recommand_recipes", "recommand_eat"),
}


def upstream(provenance_md: Path) -> str:
    """'<repo>@<commit>' of the data file, read from PROVENANCE.md ('unknown' if absent)."""
    if not provenance_md.is_file():
        return "unknown upstream"
    text = provenance_md.read_text(encoding="utf-8")
    repo = re.search(r"\| Repository \| (https://github\.com/\S+)", text)
    commit = re.search(r"\| Commit \| `([0-9a-f]{7,40})`", text)
    return (
        f"{repo.group(1) if repo else 'unknown repository'}"
        f"@{commit.group(1)[:7] if commit else 'unknown commit'}"
    )


def _open(path: Path) -> Any:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


class Command(BaseCommand):
    help = "Load disease diet lists (宜吃/忌吃/推荐) from medical-kg-disease-diet (replaces earlier loads)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--path",
            type=Path,
            default=Path(settings.AMMED_SHARED_DATA_DIR) / DATASET,
            help=f"directory holding {DATA_FILE} and PROVENANCE.md, or the .jsonl(.gz) file itself",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        data_file = path / DATA_FILE if path.is_dir() else path
        if not data_file.is_file():
            raise CommandError(f"no disease diet data at {data_file}")
        folder = data_file.parent
        origin = upstream(folder / "PROVENANCE.md")
        rows: dict[tuple[str, str, str], DiseaseDietEntry] = {}
        diseases = 0
        with _open(data_file) as fh:
            for lineno, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CommandError(f"{data_file.name}:{lineno}: not JSON ({exc})") from exc
                name = str(record.get("name") or "").strip()[:200]
                if not name:
                    continue
                diseases += 1
                where = (
                    f"{record.get('source_file')}#{record.get('source_key')}"
                    if record.get("source_file")
                    else f"{data_file.name}:{lineno}"
                )
                provenance = (
                    f"{DATASET}（寻医问药网 xywy.com 爬取数据，{origin} {where}；"
                    "未经临床验证，仅供参考）"
                )[:500]
                for relation, keys in FIELDS.items():
                    foods = next((record[k] for k in keys if record.get(k)), [])
                    for food in foods if isinstance(foods, list) else []:
                        food = str(food).strip()[:200]
                        if food:
                            rows.setdefault(
                                (name, food, relation),
                                DiseaseDietEntry(
                                    dataset=DATASET,
                                    disease=name,
                                    food=food,
                                    relation=relation,
                                    provenance=provenance,
                                ),
                            )
                if diseases % 1000 == 0:
                    self.stdout.write(f"  read {diseases} diseases, {len(rows)} diet rows …")
        with transaction.atomic():
            DiseaseDietEntry.objects.filter(dataset=DATASET).delete()
            entries = list(rows.values())
            for start in range(0, len(entries), BATCH):
                DiseaseDietEntry.objects.bulk_create(entries[start : start + BATCH])
                self.stdout.write(f"  wrote {min(start + BATCH, len(entries))}/{len(entries)}")
        kg.invalidate()
        self.stdout.write(
            self.style.SUCCESS(
                f"loaded {len(rows)} diet rows for {diseases} diseases from {data_file} ({origin})"
            )
        )
