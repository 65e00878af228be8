"""InternLM2 <-> Llama conversion on a small random checkpoint, both ways."""

from __future__ import annotations

import json

# Pinned in requirements/training.txt (and inference.txt): a missing one is a broken install,
# so these are plain imports (an ImportError fails) rather than importorskip.
import pytest
import torch
import transformers

from training import convert, internlm2
from training.checkpoint import load_state_dict

CFG = internlm2.InternLM2Config(
    vocab_size=97,
    hidden_size=64,
    intermediate_size=96,
    num_hidden_layers=2,
    num_attention_heads=8,
    num_key_value_heads=2,
    max_position_embeddings=128,
    rope_theta=10000.0,
)


@pytest.fixture
def ckpt(tmp_path):
    return internlm2.save_checkpoint(internlm2.random_model(CFG, seed=3), tmp_path / "internlm2")


def test_wqkv_split_follows_gqa_grouping():
    n_heads, n_kv, hd, hidden = 8, 2, 4, 3
    g = n_heads // n_kv
    # Row r of wqkv holds value r, so each output row says where it came from.
    wqkv = torch.arange(n_kv * (g + 2) * hd, dtype=torch.float32)[:, None].repeat(1, hidden)
    q, k, v = convert.split_wqkv(wqkv, n_heads, n_kv, hd)
    block = (g + 2) * hd
    # Query head 5 belongs to kv group 1 (heads 4-7), position 1 in that group.
    assert q[5 * hd, 0].item() == 1 * block + 1 * hd
    assert k[1 * hd, 0].item() == 1 * block + g * hd
    assert v[0, 0].item() == (g + 1) * hd
    assert torch.equal(convert.pack_wqkv(q, k, v, n_heads, n_kv, hd), wqkv)


def test_round_trip_is_tensor_exact(ckpt, tmp_path):
    llama = convert.convert_internlm2_dir_to_llama(ckpt, tmp_path / "llama")
    back = convert.convert_llama_dir_to_internlm2(llama, tmp_path / "back")
    a, b = load_state_dict(ckpt), load_state_dict(back)
    assert a.keys() == b.keys()
    for name in a:
        assert torch.equal(a[name], b[name]), name
    assert internlm2.InternLM2Config.from_dir(back) == CFG
    lsd = load_state_dict(llama)
    assert lsd["model.layers.0.self_attn.q_proj.weight"].shape == (64, 64)
    assert lsd["model.layers.0.self_attn.k_proj.weight"].shape == (16, 64)
    assert "lm_head.weight" in lsd and "model.embed_tokens.weight" in lsd
    assert json.loads((llama / "config.json").read_text())["architectures"] == ["LlamaForCausalLM"]


def test_converted_llama_logits_equal_reference_internlm2(ckpt, tmp_path):
    from transformers import LlamaForCausalLM

    ref = internlm2.load_checkpoint(ckpt).eval()
    llama_dir = convert.convert_internlm2_dir_to_llama(ckpt, tmp_path / "llama")
    model = LlamaForCausalLM.from_pretrained(str(llama_dir), dtype=torch.float32).eval()
    ids = torch.randint(0, CFG.vocab_size, (2, 23), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        want = ref(ids)
        got = model(input_ids=ids).logits
    assert want.shape == got.shape == (2, 23, CFG.vocab_size)
    assert torch.allclose(want, got, atol=1e-5, rtol=1e-4), (want - got).abs().max()
    # A wrong grouping must be visible: swapping k and v heads breaks equality.
    sd = load_state_dict(llama_dir)
    sd["model.layers.0.self_attn.k_proj.weight"], sd["model.layers.0.self_attn.v_proj.weight"] = (
        sd["model.layers.0.self_attn.v_proj.weight"],
        sd["model.layers.0.self_attn.k_proj.weight"],
    )
    model.load_state_dict(sd, strict=False)
    with torch.no_grad():
        assert not torch.allclose(want, model(input_ids=ids).logits, atol=1e-3)


def test_llama_to_internlm2_from_a_transformers_model(tmp_path):
    """The other direction starting from a Llama checkpoint transformers wrote."""
    from transformers import LlamaForCausalLM

    llama_cfg = transformers.LlamaConfig(
        **{
            k: v
            for k, v in convert.llama_config_dict(CFG).items()
            if k not in ("architectures", "torch_dtype")
        }
    )
    torch.manual_seed(0)
    model = LlamaForCausalLM(llama_cfg).eval()
    model.save_pretrained(str(tmp_path / "llama"), safe_serialization=True)
    ilm_dir = convert.convert_llama_dir_to_internlm2(tmp_path / "llama", tmp_path / "ilm")
    ref = internlm2.load_checkpoint(ilm_dir).eval()
    ids = torch.randint(0, CFG.vocab_size, (1, 17), generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        assert torch.allclose(ref(ids), model(input_ids=ids).logits, atol=1e-5, rtol=1e-4)


def test_unknown_tensor_is_rejected():
    with pytest.raises(convert.ConversionError):
        convert.internlm2_to_llama_state_dict(
            {"model.layers.0.attention.bogus.weight": torch.zeros(1)}, CFG
        )
