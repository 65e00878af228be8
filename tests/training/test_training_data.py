"""Data builders: converters for each public format, cleaning, split, data card."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from training import cleaning
from training.builder import BuildConfig, build
from training.records import Sample
from training.sources import (
    SourceUnavailable,
    chatmed,
    huatuo,
    medicine_instructions,
    refusals,
    shennong,
    tianchi_ner,
    toyhom,
)

FIX = Path(__file__).parent / "fixtures"


def test_toyhom_reads_gb18030_and_utf8_alike():
    a = list(toyhom.load(FIX / "toyhom_sample.gb18030.csv"))
    b = list(toyhom.load(FIX / "toyhom_sample.utf8.csv"))
    assert [s.messages for s in a] == [s.messages for s in b]
    assert a[0].meta["department"] == "心血管科"
    assert a[0].user_text.startswith("高血压能吃党参吗？\n我有高血压三年")
    assert a[0].assistant_text.startswith("党参一般不会明显升高血压")


def test_shennong_unwraps_prompt_and_takes_shennong_answer():
    rows = list(shennong.load(FIX / "shennong_sample.csv"))
    assert rows[0].user_text == "失眠多梦可以用什么中药调理？"
    assert rows[0].assistant_text.startswith("失眠多梦可在中医师辨证后")
    assert rows[0].commercial_use is False


def test_medicine_instructions_label_questions_quote_the_label():
    rows = list(medicine_instructions.load(FIX / "medicine_instructions_sample.csv"))
    kinds = {s.kind for s in rows}
    assert {"label:用法用量", "label:注意事项", "label:功能主治"} <= kinds
    dose = next(s for s in rows if s.kind == "label:用法用量")
    assert "开水冲服，一次1袋，一日2次" in dose.assistant_text
    assert "不要自行加量" in dose.assistant_text
    assert not any(s.kind == "label:相互作用" for s in rows)  # empty cell -> no question


def test_tianchi_bio_becomes_entity_extraction():
    rows = list(tianchi_ner.load(FIX / "tianchi_sample_bio.txt"))
    assert len(rows) == 2
    assert rows[0].user_text.endswith("口服，治疗感冒。")
    assert json.loads(rows[0].assistant_text) == {"药物剂型": ["口服"], "疾病": ["感冒"]}
    assert json.loads(rows[1].assistant_text) == {"人群": ["孕妇"]}


def test_huatuo_and_chatmed_converters():
    h = list(huatuo.load(FIX / "huatuo_sample.jsonl"))
    c = list(chatmed.load(FIX / "chatmed_sample.jsonl"))
    assert h[0].user_text == "阿司匹林有什么副作用？"
    assert c[0].user_text == "孩子咳嗽一周了怎么办？"
    assert c[0].assistant_text.startswith("咳嗽持续一周")


def test_missing_file_is_unavailable_not_a_crash(tmp_path):
    with pytest.raises(SourceUnavailable):
        list(toyhom.load(tmp_path / "nope.csv"))


def test_scrub_pii_replaces_phone_id_name_email():
    text = "我叫王小明，电话13912345678，座机010-62751234，身份证110101199003071234，邮箱a.b@x.cn，张先生陪同。这位女士"
    out, n = cleaning.scrub_pii(text)
    assert n == 6
    for leaked in ("王小明", "13912345678", "62751234", "110101199003071234", "a.b@x.cn", "张先生"):
        assert leaked not in out
    assert "我叫[姓名]" in out and "[姓名]先生" in out and "这位女士" in out
    # Doses and lab values are not identifiers.
    assert cleaning.scrub_pii("空腹血糖7.8mmol/L，华法林3mg")[1] == 0


def _s(q: str, a: str) -> Sample:
    return Sample.qa(q, a, source="t", kind="t", licence="t")


def test_dedup_ignores_punctuation_width_and_space():
    rows = [
        _s("华法林怎么吃？", "每日一次。"),
        _s("华法林怎么吃?", "每日一次"),
        _s("华法林怎么吃", "每日两次"),
    ]
    assert [s.assistant_text for s in cleaning.dedup(rows)] == ["每日一次。", "每日两次"]


def test_length_filter():
    assert not cleaning.length_ok(_s("胃疼", "好"))
    assert cleaning.length_ok(_s("胃疼", "请到消化科就诊"))
    assert not cleaning.length_ok(_s("问" * 1000, "答" * 1100))


def test_split_is_stable_and_independent_of_order():
    rows = [_s(f"问题{i}", "答案答案") for i in range(400)]
    val1 = {s.user_text for s in rows if cleaning.is_validation(s, 7, 0.1)}
    val2 = {s.user_text for s in reversed(rows) if cleaning.is_validation(s, 7, 0.1)}
    assert val1 == val2 and 20 < len(val1) < 60
    assert val1 != {s.user_text for s in rows if cleaning.is_validation(s, 8, 0.1)}


def test_refusals_are_monitor_approved_and_dose_free():
    rows = list(refusals.load())
    assert len(rows) > 50
    assert all("医生" in s.assistant_text or "120" in s.assistant_text for s in rows)
    assert all(s.meta["monitor"] for s in rows)
    assert not any(ch in s.assistant_text for s in rows for ch in ("mg", "毫克"))


def test_build_writes_both_formats_card_and_is_deterministic(tmp_path):
    paths = {
        "toyhom_dialogue": FIX / "toyhom_sample.gb18030.csv",
        "shennong_tcm": FIX / "shennong_sample.csv",
    }
    cfg = BuildConfig(
        out_dir=tmp_path / "a",
        sources=("safety_refusals", "toyhom_dialogue", "shennong_tcm"),
        paths=paths,
        val_ratio=0.2,
    )
    card = build(cfg)
    assert card["sources"]["toyhom_dialogue"]["read"] == 4
    assert card["sources"]["toyhom_dialogue"]["kept"] == 2  # one too short, one duplicate
    assert card["dropped"] == {"length": 1, "duplicate": 1}
    assert card["pii_replacements"] >= 3
    assert "research-only" in card["skipped"]["shennong_tcm"]
    out = tmp_path / "a"
    train = [json.loads(x) for x in (out / "train.jsonl").read_text().splitlines()]
    xt = [json.loads(x) for x in (out / "train.xtuner.jsonl").read_text().splitlines()]
    assert len(train) == len(xt) == card["totals"]["train"]
    assert train[0]["messages"][0]["role"] == "system"
    assert set(xt[0]["conversation"][0]) == {"system", "input", "output"}
    all_text = (out / "train.jsonl").read_text() + (out / "val.jsonl").read_text()
    assert "13912345678" not in all_text and "王小明" not in all_text
    md = (out / "data_card.md").read_text()
    assert "| toyhom_dialogue | MIT" in md
    build(BuildConfig(**{**cfg.__dict__, "out_dir": tmp_path / "b"}))
    for f in ("train.jsonl", "val.jsonl", "train.xtuner.jsonl", "eval_prompts.jsonl"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()


def test_cmekg_labels_come_from_the_package_pickle():
    from training.sources import cmekg

    rows = list(cmekg.load(limit=200))
    assert len(rows) == 200
    g = cmekg.graph()
    s = rows[0]
    label = g[s.meta["drug"]]
    section = s.kind.split(":")[1]
    assert any(v in s.assistant_text for v in label[section])
    assert s.licence.startswith("MIT")


@pytest.mark.shared_data
def test_public_sets_convert_from_shared_data(shared_data, tmp_path):
    card = build(
        BuildConfig(
            out_dir=tmp_path,
            sources=(
                "toyhom_dialogue",
                "am_med_agent_labels",
                "shennong_tcm",
                "tianchi_ner",
                "huatuo",
                "chatmed_consult",
            ),
            shared_dir=shared_data,
            allow_research_only=True,
            limit_per_source=300,
        )
    )
    for name in (
        "toyhom_dialogue",
        "am_med_agent_labels",
        "shennong_tcm",
        "tianchi_ner",
        "huatuo",
        "chatmed_consult",
    ):
        assert card["sources"][name]["kept"] > 100, name
    assert not card["skipped"]


def test_a_source_failing_midway_contributes_nothing(tmp_path, monkeypatch):
    import types

    from training import builder
    from training.sources import SOURCES, SourceInfo

    def load(path, limit):
        yield Sample.qa("第一个问题", "第一个回答", source="flaky", kind="t", licence="own")
        raise SourceUnavailable("engine went away")

    fake = types.SimpleNamespace(INFO=SourceInfo("flaky", "own", True, "test"), load=load)
    monkeypatch.setitem(SOURCES, "flaky", "unused")
    monkeypatch.setattr(builder, "get", lambda name: fake)
    card = build(BuildConfig(out_dir=tmp_path, sources=("flaky",)))
    assert card["skipped"] == {"flaky": "engine went away"}
    assert card["totals"] == {"train": 0, "val": 0}
