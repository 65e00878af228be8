"""The instruction data never trains on an evaluation utterance.

``training/instruct.py`` reads the Toyhom asks itself and skips every id of the LLM
evaluation set and the lexicon labels; those ids are made by ``bench/lexicon_eval.py``. If
the two id schemes drifted apart, the skip would silently stop working and evaluation
utterances would leak into training: this pins them together on the real corpus."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from training import instruct

ROOT = Path(__file__).resolve().parents[2]


def _lexicon_eval():
    spec = importlib.util.spec_from_file_location("lexicon_eval", ROOT / "bench/lexicon_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_training_reads_the_evaluation_ids_exactly() -> None:
    bench = _lexicon_eval()
    if not bench.SHARED.is_dir():
        pytest.skip(f"{bench.SHARED} is not here (the corpora are not shipped)")
    evaluated = bench.utterances()
    trained = dict(instruct.toyhom_utterances(bench.SHARED))
    assert trained, "no Toyhom utterances read"
    assert set(trained) <= set(evaluated)
    assert all(evaluated[k] == text for k, text in trained.items())
    held_out = instruct.held_out_ids()
    toyhom_labelled = {k for k in held_out if k.startswith("toyhom:")}
    assert toyhom_labelled and toyhom_labelled <= set(trained)  # every skip can match


def test_every_lexicon_label_file_is_held_out() -> None:
    """A new labelled slice (held-out or development) is skipped by training without anyone
    remembering to list it: the held-out r2 slice was once trainable this way."""
    files = sorted((ROOT / "bench" / "data").glob("lexicon_*.csv"))
    assert any(f.name == "lexicon_heldout_r2.csv" for f in files)
    held_out = instruct.held_out_ids()
    for path in files:
        ids = {line.split(",", 1)[0] for line in path.read_text("utf-8").splitlines()[1:]}
        assert ids and ids <= held_out, path.name
