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


# Runs in a child process: a llama.cpp crash there is this test's failure, not pytest's death.
_GENERATE = """
import json, sys
from training.chat import render
from inference.llama_runtime import load_llama, use_extra_buffer_types
from training.pipeline import generate

out = {"extra_bufts": use_extra_buffer_types()}
msgs = [{"role": "user", "content": sys.argv[2]}]
llm = load_llama(sys.argv[1], n_ctx=128, n_threads=2, verbose=False)
out["prompt_ids"] = llm.tokenize(render(msgs).encode(), add_bos=True, special=True)
out["usage"] = generate(sys.argv[1], msgs, max_tokens=4)["usage"]
print(json.dumps(out))
"""


@pytest.mark.parametrize("quant", ["Q8_0", "Q4_K_M"])
def test_quantised_gguf_loads_and_generates_in_llama_cpp(tmp_path, quant):
    """Rows of 256/512 are what llama.cpp's AMX buffer type repacks: on an AMX CPU its kernel
    segfaulted on the first decode (inference.llama_runtime). The prompt must also tokenise in
    llama.cpp as in training: no dummy-prefix ``▁`` after the specials."""
    import subprocess
    import sys
    from pathlib import Path

    from training.chat import tokenize_conversation
    from training.quantize import quantize

    texts = ["华法林每日一次，按时服用。", "请联系医生。", "二甲双胍随餐服用。"] * 20
    sp_path = tokenizer.train_sentencepiece(texts, tmp_path / "tokenizer.model", vocab_size=300)
    sp = tokenizer.load(sp_path)
    cfg = internlm2.InternLM2Config(
        vocab_size=sp.vocab_size(),
        hidden_size=256,
        intermediate_size=512,
        num_hidden_layers=1,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=512,
    )
    ilm = internlm2.save_checkpoint(internlm2.random_model(cfg, seed=3), tmp_path / "ilm")
    llama = convert.convert_internlm2_dir_to_llama(ilm, tmp_path / "llama")
    f16 = export_gguf(llama, tmp_path / "m-f16.gguf", tokenizer_model=sp_path)
    q = quantize(f16, tmp_path / f"m-{quant.lower()}.gguf", quant)

    text = "华法林每日一次"
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-c", _GENERATE, str(q), text],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["usage"]["completion_tokens"] >= 1
    want, _ = tokenize_conversation([{"role": "user", "content": text}], sp, sp.bos_id(), 128)
    assert out["prompt_ids"] == want


def test_extra_buffer_types_follow_amx_unless_forced(monkeypatch):
    from inference import llama_runtime

    monkeypatch.delenv(llama_runtime.ENV, raising=False)
    assert llama_runtime.use_extra_buffer_types() == (not llama_runtime.cpu_backend_has_amx())
    monkeypatch.setenv(llama_runtime.ENV, "0")
    assert llama_runtime.use_extra_buffer_types() is False
    monkeypatch.setenv(llama_runtime.ENV, "1")
    assert llama_runtime.use_extra_buffer_types() is True
