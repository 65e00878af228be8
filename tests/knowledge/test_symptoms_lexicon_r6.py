"""#23 lexicon round 6: red-flag readings fixed by mechanism (not by utterance) after the miss
analysis of ``dev_r5`` and ``dev_r6a`` (``bench/lexicon_eval.py``). Each mechanism is checked on a
family of phrasings written from clinical knowledge (traditional characters, 疼/痛, word order),
and on the benign look-alikes it must not reach. What the code still reads wrong stays here as a
strict xfail with its reason."""

from __future__ import annotations

import pytest

from clinical.knowledge.symptoms import present


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        # the convulsion verb after a named seizure disorder, and 发抽
        ("seizure", "癫痫抽过之后人很累"),
        ("seizure", "他羊癫疯昨天又抽了"),
        ("seizure", "癲癇抽了兩次"),
        ("seizure", "孩子夜里发抽"),
        # lay 手脚抽搐 is read as a convulsion as well as tetany (the higher is never lost)
        ("seizure", "手脚抽搐了一阵"),
        ("tetany", "手脚抽搐了一阵"),
        ("seizure", "四肢一抽一抽的"),
        # an eruption said with its verb
        ("rash", "孩子出水痘了"),
        ("rash", "这两天出麻疹"),
        ("rash", "身上起疹了"),
        ("rash", "背上长了好多丘疹"),
        ("rash", "胳膊上起了一片水疱"),
        ("rash", "身上起了小红包"),
        # vomiting that does not stop, is frequent, severe or projectile
        ("persistent_vomiting", "呕吐不止"),
        ("persistent_vomiting", "吐了一晚上，一次接一次"),
        ("persistent_vomiting", "频繁呕吐两天"),
        ("persistent_vomiting", "剧烈呕吐"),
        ("persistent_vomiting", "喷射性呕吐"),
        # a bursting head with or without a pain word, and apart from its head word
        ("severe_headache", "头要炸了"),
        ("severe_headache", "头快要炸开了一样"),
        ("severe_headache", "頭要炸了"),
        ("severe_headache", "后脑勺那里突然炸裂一样"),
        # the heart said to feel bad (synonyms of 难受)
        ("chest_tightness", "心脏不好受"),
        ("chest_tightness", "心脏有点不得劲"),
        # everyday words for diarrhoea, fatigue and appetite
        ("diarrhea", "这两天闹肚子"),
        ("diarrhea", "上吐下泻"),
        ("vomiting", "上吐下泻"),
        ("fatigue", "最近没有精神"),
        ("fatigue", "总是提不起精神"),
        ("fatigue", "缺少气力"),
        ("fatigue", "提不起劲"),
        ("poor_appetite", "吃什么都没味口"),
    ],
)
def test_round6_mechanisms_read(concept: str, text: str) -> None:
    assert concept in present(text)


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        # a blood draw, smoking: not a convulsion
        ("seizure", "癫痫病人能抽血吗"),
        ("seizure", "癫痫患者可以抽烟吗"),
        # the textbook tetany word stays tetany only (hypocalcaemia)
        ("seizure", "手足抽搐"),
        # a disease name or a vaccine is no eruption
        ("rash", "水痘疫苗要打吗"),
        ("rash", "小时候得过水痘"),
        # friction blisters on the feet, a lump, pimples: no rash
        ("rash", "脚上磨了水泡"),
        ("rash", "胳膊的皮肤鼓起一个小包"),
        # a scalp wound is no bursting headache
        ("severe_headache", "头皮裂开了"),
        # plain vomiting stays plain
        ("persistent_vomiting", "吐了一次"),
        # 困难 is no sleepiness, 口味 no appetite
        ("drowsiness", "感觉呼吸困难"),
        ("poor_appetite", "口味偏咸"),
    ],
)
def test_round6_mechanisms_do_not_reach(concept: str, text: str) -> None:
    assert concept not in present(text)


MISSED = pytest.mark.xfail(strict=True, reason="still missed after #23 lexicon round 6")


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        # run-on text: the recurrence is more than 10 characters after the disease name
        # (symptom_predicates.csv reach); widening the reach costs precision on general questions
        pytest.param(
            "seizure",
            "癫痫停药好几年了前天晚上加班熬夜到很晚又复发了",
            marks=MISSED,
            id="epilepsy-recurrence-beyond-reach",
        ),
        # the disease named in an earlier sentence, the fit in a later one (anaphora)
        pytest.param(
            "seizure",
            "我弟弟有癫痫。上周又病发了一次",
            marks=MISSED,
            id="epilepsy-recurrence-next-sentence",
        ),
        # persistence said in a later clause than the vomiting
        pytest.param(
            "persistent_vomiting",
            "昨天开始吐，吃什么都吐出来，一直持续到今天",
            marks=MISSED,
            id="vomiting-persistence-two-clauses-on",
        ),
    ],
)
def test_round6_known_misses(concept: str, text: str) -> None:
    assert concept in present(text)
