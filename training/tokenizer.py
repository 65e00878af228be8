"""Train a small sentencepiece tokenizer (for tests and the from-scratch GPU run).

The 7B pipeline uses InternLM2.5's own ``tokenizer.model``; this one exists because no
tokenizer can be downloaded here. Settings mirror what the GGUF export assumes: BPE with
byte fallback (every character encodable), ``<unk>``=0, ``<s>``=1, ``</s>``=2, the ChatML
markers as user-defined pieces, no dummy prefix, no normalisation.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

from training.chat import IM_END, IM_START


def train_sentencepiece(texts: Iterable[str], out_path: str | Path, vocab_size: int = 2000) -> Path:
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(texts)),
        model_writer=buf,
        vocab_size=vocab_size,
        model_type="bpe",
        byte_fallback=True,
        character_coverage=0.9995,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        user_defined_symbols=[IM_START, IM_END],
        add_dummy_prefix=False,
        normalization_rule_name="identity",
        remove_extra_whitespaces=False,
        split_digits=True,
        max_sentence_length=8192,
        num_threads=2,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buf.getvalue())
    return out


def load(path: str | Path):  # -> sentencepiece.SentencePieceProcessor
    import sentencepiece as spm

    return spm.SentencePieceProcessor(model_file=str(path))
