"""load_disease_diet: the KG loader, its lower-priority reasons, and the real shared data."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from clinical.diet.models import DiseaseDietEntry
from clinical.diet.services import consult

PROVENANCE = """# test fixture
| item | value |
| --- | --- |
| Repository | https://github.com/example/kg-fixture |
| Commit | `0123456789abcdef0123456789abcdef01234567` |
"""


def _fixture(folder: Path) -> Path:
    """A three-disease file in the shape of disease_diet_kg.jsonl.gz."""
    records = [
        {
            "name": "高血压",
            "good_food": ["鸡肉", "芹菜"],
            "avoid_food": ["咸鸭蛋", "鸡肝"],
            "recommand_recipes": ["芹菜粥"],
            "source_file": "data/medical_0.json",
            "source_key": "138",
        },
        {
            "name": "痛风",
            "good_food": ["白扁豆", "牛奶"],
            "avoid_food": ["白扁豆", "牛奶", "鸡心"],
            "recommand_recipes": [],
            "source_file": "data/medical_2.json",
            "source_key": "12",
        },
        # the original liuhuanyong field names are read too
        {"name": "百日咳", "do_eat": ["小白菜"], "not_eat": ["海蟹"], "recommand_eat": []},
    ]
    folder.mkdir(parents=True, exist_ok=True)
    with gzip.open(folder / "disease_diet_kg.jsonl.gz", "wt", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    (folder / "PROVENANCE.md").write_text(PROVENANCE, encoding="utf-8")
    return folder


@pytest.mark.django_db
def test_the_loader_reads_the_fixture_with_provenance(tmp_path: Path) -> None:
    call_command("load_disease_diet", path=_fixture(tmp_path / "kg"), stdout=open("/dev/null", "w"))
    assert DiseaseDietEntry.objects.count() == 12
    row = DiseaseDietEntry.objects.get(disease="高血压", food="咸鸭蛋")
    assert row.relation == "avoid"
    assert "example/kg-fixture@0123456" in row.provenance
    assert "data/medical_0.json#138" in row.provenance
    assert DiseaseDietEntry.objects.filter(disease="百日咳", relation="avoid", food="海蟹").exists()
    # loading again replaces, never duplicates
    call_command("load_disease_diet", path=tmp_path / "kg", stdout=open("/dev/null", "w"))
    assert DiseaseDietEntry.objects.count() == 12


@pytest.mark.django_db
def test_a_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no disease diet data"):
        call_command("load_disease_diet", path=tmp_path / "absent")


@pytest.mark.django_db
def test_kg_avoid_raises_ok_to_caution_with_its_provenance(tmp_path: Path) -> None:
    assert consult(food="鸡肝", patient={"conditions": ["原发性高血压 2级"]}).verdict == "ok"
    call_command("load_disease_diet", path=_fixture(tmp_path / "kg"), stdout=open("/dev/null", "w"))
    answer = consult(food="鸡肝", patient={"conditions": ["原发性高血压 2级"]}).to_dict()
    assert answer["verdict"] == "caution"
    (reason,) = answer["reasons"]
    assert reason["code"] == "kg.avoid"
    assert reason["because"] == "原发性高血压 2级"
    assert "medical-kg-disease-diet" in reason["source"] and "未经临床验证" in reason["source"]


@pytest.mark.django_db
def test_kg_never_makes_avoid_and_curated_rules_outrank_it(tmp_path: Path) -> None:
    call_command("load_disease_diet", path=_fixture(tmp_path / "kg"), stdout=open("/dev/null", "w"))
    # gout + milk: the guideline says low-fat dairy is recommended; the contradictory KG rows
    # (milk both 宜吃 and 忌吃) and the curated rule keep it ok
    answer = consult(food="牛奶", patient={"conditions": ["痛风"]}).to_dict()
    assert answer["verdict"] == "ok"
    assert [r["code"] for r in answer["reasons"]] == ["gout.dairy"]
    # Issue 21: this accepted 鸡心 being "avoid" OR "caution", two opposite verdicts, under a
    # comment calling it a food only the KG knows. It is not: organ meat is the curated gout
    # rule's "avoid" (the 2019 guideline), and that rule alone gives the verdict and reason.
    heart = consult(food="鸡心", patient={"conditions": ["痛风"]}).to_dict()
    assert heart["verdict"] == "avoid"
    assert [r["code"] for r in heart["reasons"]] == ["gout.organ"]
    # a food only the KG lists as 忌吃 (鸡肝 for hypertension): caution at most, never avoid
    liver = consult(food="鸡肝", patient={"conditions": ["高血压"]}).to_dict()
    assert liver["verdict"] == "caution"
    assert [r["code"] for r in liver["reasons"]] == ["kg.avoid"]
    # unknown food otherwise stays unknown (白扁豆 is both 宜吃 and 忌吃 in the KG)
    assert consult(food="白扁豆", patient={"conditions": ["痛风"]}).verdict == "unknown"


@pytest.mark.django_db
@pytest.mark.shared_data
def test_the_real_shared_data_loads_and_answers(shared_data: Path) -> None:
    folder = shared_data / "medical-kg-disease-diet"
    if not (folder / "disease_diet_kg.jsonl.gz").is_file():
        pytest.skip("medical-kg-disease-diet not present")
    call_command("load_disease_diet", path=folder, stdout=open("/dev/null", "w"))
    assert DiseaseDietEntry.objects.values("disease").distinct().count() > 8000
    answer = consult(food="咸鸭蛋", patient={"conditions": ["高血压"]}).to_dict()
    assert answer["verdict"] == "caution"
    assert "hypertension.salt" in [r["code"] for r in answer["reasons"]]


@pytest.mark.django_db
def test_without_kg_rows_an_answer_costs_no_query_after_the_presence_check(
    django_assert_num_queries,
) -> None:
    from clinical.diet.rules import kg

    kg.invalidate()
    with django_assert_num_queries(1):  # the cached "is anything loaded?" check
        consult(food="鸡肝", patient={"conditions": ["高血压"]})
    with django_assert_num_queries(0):
        assert consult(food="鸡肝", patient={"conditions": ["高血压"]}).verdict == "ok"
