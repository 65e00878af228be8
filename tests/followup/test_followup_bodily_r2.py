"""Partly understood words, round 2 (#15: the real-language cost of the bodily rule). On real
consultations most clauses that named the body in passing were no new complaint: a diagnosis
whose name holds a body word (乙肝, 脂肪肝, 糖尿病, 胃炎), a test or its report (胃镜结果, 腰椎CT,
B超提示肝…), the place of a procedure (手背上打点滴), a history, an idiom (吵嘴, 忌嘴) or the unborn
child. Such look-alikes stay below urgent and still reach a clinician (review); a NEW bodily
complaint told in the same frames stays urgent or worse. Written before the change; a case the
engine still gets wrong is a strict xfail with its reason in the data. The set's vignettes and
shape are run by test_followup_sets.py (set ``bodily_r2``); here, how a look-alike is quoted."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone
from followup_vignette_builder import assess_vignette, load_vignettes

R2 = load_vignettes(Path(__file__).with_name("followup_vignettes_bodily_r2.yaml"))
BENIGN = [v for v in R2 if v["benign"]]


def test_a_look_alike_is_quoted_for_review_not_read_away() -> None:
    """The diagnosis is not understood away: its words are quoted for the care team."""
    now = timezone.now()
    v = next(v for v in BENIGN if v["id"] == "br-fatty-liver")
    out = assess_vignette(v, now)
    net = next(r for r in out["reasons"] if r["code"] == "symptom-unrecognised")
    assert out["disposition"] == "review" and net["disposition"] == "review"
    assert "脂肪肝" in net["text"]
