"""The whole pipeline on the CPU: data -> tiny InternLM2 -> Llama -> LoRA -> merge -> GGUF ->
Q8_0 / Q4_K_M -> registry -> llama.cpp load + generate. About a minute on 2 cores."""

from __future__ import annotations

import json
from pathlib import Path

# Pinned in requirements/training.txt (and inference.txt): a missing one is a broken install,
# so these are plain imports (an ImportError fails) rather than importorskip.
import gguf  # noqa: F401
import llama_cpp  # noqa: F401
import pytest
import torch

from training.builder import BuildConfig, build
from training.pipeline import SmallConfig, generate, run_small_pipeline

FIX = Path(__file__).parent / "fixtures"


@pytest.mark.slow
def test_small_pipeline_end_to_end(tmp_path):
    from gguf import GGUFReader

    from training import registry

    card = build(
        BuildConfig(
            out_dir=tmp_path / "data",
            sources=("cmekg_labels", "safety_refusals", "toyhom_dialogue"),
            paths={"toyhom_dialogue": FIX / "toyhom_sample.gb18030.csv"},
            limit_per_source=150,
            val_ratio=0.1,
        )
    )
    assert card["totals"]["train"] > 200 and card["totals"]["val"] > 5
    models = tmp_path / "models"
    res = run_small_pipeline(
        tmp_path / "data", tmp_path / "work", models, SmallConfig(lora_steps=10)
    )

    # LoRA learned something: validation loss fell from the random init.
    assert res["train"]["val_loss_last"] < res["train"]["val_loss_first"] - 0.05
    assert 0 < res["train"]["trainable_params"] < res["train"]["total_params"] / 5

    # The GGUF holds what llama.cpp needs.
    reader = GGUFReader(res["gguf"]["F16"])
    fields = reader.fields
    arch = bytes(fields["general.architecture"].parts[-1]).decode()
    assert arch == "llama"
    assert int(fields["llama.block_count"].parts[-1][0]) == 2
    assert int(fields["llama.attention.head_count_kv"].parts[-1][0]) == 2
    names = {t.name for t in reader.tensors}
    assert {
        "token_embd.weight",
        "output.weight",
        "blk.1.attn_q.weight",
        "blk.1.ffn_down.weight",
    } <= names

    # Quantised files are smaller than F16 and registered by name.
    f16, q8, q4 = (Path(res["gguf"][k]) for k in ("F16", "Q8_0", "Q4_K_M"))
    assert q4.stat().st_size < q8.stat().st_size < f16.stat().st_size
    reg = json.loads((models / "registry.json").read_text())
    assert set(reg["models"]) == {"ammed-tiny-q8_0", "ammed-tiny-q4_k_m"}
    assert reg["models"]["ammed-tiny-q4_k_m"]["quant"] == "Q4_K_M"
    assert registry.resolve(models, "ammed-tiny-q8_0") == q8.resolve()

    # llama.cpp loads the quantised model and generates.
    out = generate(q8, [{"role": "user", "content": "华法林怎么吃？"}], max_tokens=12)
    assert out["usage"]["completion_tokens"] >= 1
    assert out["metadata"]["general.architecture"] == "llama"
    out4 = generate(q4, [{"role": "user", "content": "华法林怎么吃？"}], max_tokens=4)
    assert out4["usage"]["prompt_tokens"] == out["usage"]["prompt_tokens"]


@pytest.mark.slow
def test_gguf_f16_logits_match_transformers(tmp_path):
    """Export correctness: llama.cpp's F16 logits track the transformers model's."""
    import numpy as np
    from llama_cpp import Llama
    from transformers import LlamaForCausalLM

    from training import convert, internlm2, tokenizer
    from training.gguf_export import export_gguf

    texts = ["华法林每日一次，按时服用。", "请联系医生。", "二甲双胍随餐服用。"] * 20
    sp_path = tokenizer.train_sentencepiece(texts, tmp_path / "tokenizer.model", vocab_size=300)
    sp = tokenizer.load(sp_path)
    cfg = internlm2.InternLM2Config(
        vocab_size=sp.vocab_size(),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=128,
    )
    ilm = internlm2.save_checkpoint(internlm2.random_model(cfg, seed=5, std=0.1), tmp_path / "ilm")
    llama_dir = convert.convert_internlm2_dir_to_llama(ilm, tmp_path / "llama")
    gguf_path = export_gguf(llama_dir, tmp_path / "m.gguf", outtype="f32", tokenizer_model=sp_path)
    ids = [sp.bos_id(), *sp.encode("华法林每日一次")]
    model = LlamaForCausalLM.from_pretrained(str(llama_dir), dtype=torch.float32).eval()
    with torch.no_grad():
        want = model(input_ids=torch.tensor([ids])).logits[0].numpy()
    llm = Llama(model_path=str(gguf_path), n_ctx=64, logits_all=True, verbose=False, n_threads=2)
    llm.eval(ids)
    got = np.array(llm.scores[: len(ids)])
    assert np.abs(got - want).max() < 1e-2, np.abs(got - want).max()
    assert (got.argmax(-1) == want.argmax(-1)).all()
