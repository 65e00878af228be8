"""Guidance, noticed defects round 2 (#15, #23), written before the fix: an antidiarrhoeal
(loperamide) is never offered with bloody diarrhoea or with fever beside diarrhoea (盐酸洛哌丁胺
胶囊说明书: 伴有高热和脓血便的急性细菌性痢疾禁用; NICE CKS Gastroenteritis: antimotility drugs
are avoided in bloody diarrhoea or suspected dysentery; WHO The treatment of diarrhoea 2005).
Plain diarrhoea in an adult may still be treated with it (the look-alike that must not change)."""

from __future__ import annotations

import pytest

CABINET = ["易蒙停", "蒙脱石散", "口服补液盐"]


def _verdict(answer: dict, product: str) -> str:
    (item,) = [i for i in answer["items"] if i["product"] == product]
    return item["verdict"]


@pytest.mark.parametrize(
    ("symptoms", "temperature"),
    [
        (["拉肚子", "大便带血"], None),
        (["拉肚子，便里有血丝"], None),
        (["腹泻", "便血"], None),
        (["拉肚子", "发烧"], None),
        (["腹泻", "发热"], None),
        (["拉肚子"], 38.6),
        (["拉肚子，发烧38度5"], None),
        (["拉肚子，拉的是血水"], None),
        (["拉肚子带脓血"], None),
    ],
)
def test_no_antidiarrhoeal_with_blood_or_fever(ask, symptoms, temperature) -> None:
    a = ask(CABINET, symptoms=symptoms, temperature_c=temperature)
    assert _verdict(a, "易蒙停") == "avoid", (symptoms, a["items"])


def test_plain_diarrhoea_may_still_be_treated(ask) -> None:
    a = ask(CABINET, symptoms=["拉肚子"])
    assert _verdict(a, "易蒙停") in ("recommended", "usable")
    assert a["see_doctor"]["urgency"] in (None, "routine")


@pytest.mark.parametrize(
    ("symptoms", "temperature"), [(["腹泻", "发烧"], None), (["拉肚子"], 38.6)]
)
def test_fever_with_diarrhoea_still_gets_oral_rehydration(ask, symptoms, temperature) -> None:
    """The routine flag withholds antidiarrhoeals only: the diarrhoea is still treated with
    oral rehydration salts (WHO The treatment of diarrhoea 2005)."""
    a = ask(CABINET, symptoms=symptoms, temperature_c=temperature)
    assert _verdict(a, "口服补液盐") == "recommended", a["items"]
    assert a["see_doctor"]["urgency"] == "routine"
