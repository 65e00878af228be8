"""GGUF export details: q/k permutation, InternLM2-style added specials, vocab padding, QLoRA guard."""

from __future__ import annotations

import json

# torch and gguf are pinned in requirements/training.txt: a missing one is a broken install,
# so these are plain imports (an ImportError fails) rather than importorskip.
import gguf
import numpy as np
import pytest
import torch  # noqa: F401  (the exporter needs it; fail here, not mid-test)

from training import convert, internlm2, tokenizer
from training.gguf_export import export_gguf, permute_qk


def test_permute_qk_interleaves_rotary_halves():
    # One head, head_dim 4: rows [r0 r1 | r2 r3] (rotate-half pairs r0-r2, r1-r3) become
    # GGML's adjacent pairs [r0 r2 r1 r3].
    w = np.arange(4, dtype=np.float32)[:, None].repeat(2, 1)
    assert permute_qk(w, 1)[:, 0].tolist() == [0.0, 2.0, 1.0, 3.0]


def test_added_specials_become_control_and_vocab_is_padded(tmp_path):
    texts = ["请联系医生。", "华法林每日一次。"] * 40
    sp_path = tokenizer.train_sentencepiece(texts, tmp_path / "tokenizer.model", vocab_size=400)
    sp = tokenizer.load(sp_path)
    n = sp.vocab_size()
    cfg = internlm2.InternLM2Config(
        vocab_size=n + 3,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=64,
    )
    ilm = internlm2.save_checkpoint(internlm2.random_model(cfg), tmp_path / "ilm")
    llama = convert.convert_internlm2_dir_to_llama(ilm, tmp_path / "llama")
    (llama / "tokenizer.model").write_bytes(sp_path.read_bytes())
    # As InternLM2's tokenizer_config.json: specials declared in added_tokens_decoder.
    (llama / "tokenizer_config.json").write_text(
        json.dumps({"added_tokens_decoder": {str(n + 1): {"content": "<|action_end|>"}}})
    )
    out = export_gguf(llama, tmp_path / "m.gguf", outtype="f32")
    r = gguf.GGUFReader(str(out))
    f = r.fields
    tokens = [
        bytes(f["tokenizer.ggml.tokens"].parts[i]).decode() for i in f["tokenizer.ggml.tokens"].data
    ]
    types = [
        int(f["tokenizer.ggml.token_type"].parts[i][0]) for i in f["tokenizer.ggml.token_type"].data
    ]
    assert len(tokens) == n + 3
    assert tokens[n + 1] == "<|action_end|>" and types[n + 1] == gguf.TokenType.CONTROL
    assert types[n] == gguf.TokenType.UNUSED
    im_end = sp.piece_to_id("<|im_end|>")
    assert int(f["tokenizer.ggml.eos_token_id"].parts[-1][0]) == im_end
    assert types[im_end] == gguf.TokenType.CONTROL
    assert "im_start" in bytes(f["tokenizer.chat_template"].parts[-1]).decode()


def test_qlora_without_bitsandbytes_or_cuda_says_so(tmp_path):
    from training.lora import TrainConfig, load_model

    with pytest.raises(RuntimeError, match="bitsandbytes|CUDA"):
        load_model(tmp_path, TrainConfig(qlora=True), "cpu")
