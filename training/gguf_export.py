"""Export a Llama-layout checkpoint + sentencepiece tokenizer to GGUF (llama arch).

Follows llama.cpp's ``convert_hf_to_gguf.py`` for ``LlamaForCausalLM`` (and what its
``InternLM2Model`` does after splitting ``wqkv``):
- tensor names ``token_embd``, ``blk.N.attn_{norm,q,k,v,output}``, ``blk.N.ffn_{norm,gate,up,down}``,
  ``output_norm``, ``output``;
- q/k rows permuted from HF's rotate-half RoPE order to GGML's interleaved order;
- norms stay F32, 2-D weights F16 (or F32);
- SPM vocabulary: pieces, scores, token types; for a chat model ``<|im_end|>`` is the EOS
  so generation stops at the end of the assistant turn, as llama.cpp's InternLM2 export does.
Quantisation (Q4_K_M, Q8_0) is a second step (``training.quantize``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from training.chat import CHAT_TEMPLATE, IM_END


def permute_qk(w: np.ndarray, n_head: int) -> np.ndarray:
    """HF rotate-half row order -> GGML interleaved RoPE order (llama.cpp ``LlamaModel.permute``)."""
    return (
        w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:])
        .swapaxes(1, 2)
        .reshape(w.shape)
    )


def _tensor_map(n_layers: int) -> dict[str, str]:
    m = {
        "model.embed_tokens.weight": "token_embd.weight",
        "model.norm.weight": "output_norm.weight",
        "lm_head.weight": "output.weight",
    }
    per = {
        "input_layernorm.weight": "attn_norm.weight",
        "self_attn.q_proj.weight": "attn_q.weight",
        "self_attn.k_proj.weight": "attn_k.weight",
        "self_attn.v_proj.weight": "attn_v.weight",
        "self_attn.o_proj.weight": "attn_output.weight",
        "post_attention_layernorm.weight": "ffn_norm.weight",
        "mlp.gate_proj.weight": "ffn_gate.weight",
        "mlp.up_proj.weight": "ffn_up.weight",
        "mlp.down_proj.weight": "ffn_down.weight",
    }
    for i in range(n_layers):
        for hf, gg in per.items():
            m[f"model.layers.{i}.{hf}"] = f"blk.{i}.{gg}"
    return m


def _added_tokens(model_dir: Path) -> dict[int, str]:
    """``added_tokens_decoder`` of ``tokenizer_config.json`` (InternLM2's chat specials)."""
    path = model_dir / "tokenizer_config.json"
    if not path.exists():
        return {}
    dec = json.loads(path.read_text(encoding="utf-8")).get("added_tokens_decoder", {})
    return {int(i): t["content"] for i, t in dec.items()}


def _add_vocab(
    writer, tokenizer_model: Path, chat: bool, vocab_size: int, added: dict[int, str]
) -> None:
    import gguf
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(tokenizer_model))
    tokens, scores, types = [], [], []
    for i in range(sp.vocab_size()):
        tokens.append(sp.id_to_piece(i).encode("utf-8"))
        scores.append(sp.get_score(i))
        if sp.is_unknown(i):
            types.append(gguf.TokenType.UNKNOWN)
        elif sp.is_control(i):
            types.append(gguf.TokenType.CONTROL)
        elif sp.is_unused(i):
            types.append(gguf.TokenType.UNUSED)
        elif sp.is_byte(i):
            types.append(gguf.TokenType.BYTE)
        elif sp.id_to_piece(i).startswith("<|") and sp.id_to_piece(i).endswith("|>"):
            # ChatML markers: control tokens, so llama.cpp renders/stops on them as specials.
            types.append(gguf.TokenType.CONTROL)
        else:
            types.append(gguf.TokenType.NORMAL)
    # As llama.cpp's InternLM2 converter: added specials override their pieces as CONTROL,
    # and the vocabulary is padded to the embedding's row count.
    for i in range(len(tokens), vocab_size):
        tokens.append(f"[PAD{i}]".encode())
        scores.append(-1000.0)
        types.append(gguf.TokenType.UNUSED)
    for i, content in added.items():
        if i < len(tokens):
            tokens[i] = content.encode("utf-8")
            types[i] = gguf.TokenType.CONTROL
    writer.add_tokenizer_model("llama")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(sp.bos_id())
    by_content = {c: i for i, c in added.items()}
    im_end = by_content.get(IM_END, sp.piece_to_id(IM_END))
    eos = im_end if chat and im_end != sp.unk_id() else sp.eos_id()
    writer.add_eos_token_id(eos)
    writer.add_unk_token_id(sp.unk_id())
    writer.add_pad_token_id(sp.unk_id())
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    # Our tokenizers are trained without a dummy prefix; InternLM2's own adds one.
    proto_prefix = _sp_adds_dummy_prefix(tokenizer_model)
    writer.add_add_space_prefix(proto_prefix)
    if chat:
        writer.add_chat_template(CHAT_TEMPLATE)


def _sp_adds_dummy_prefix(tokenizer_model: Path) -> bool:
    """``normalizer_spec.add_dummy_prefix`` of the model (llama.cpp's ``add_space_prefix``).

    Read from the proto when protobuf is installed; otherwise observed: with a dummy prefix
    sentencepiece turns ``"a"`` into pieces that start with ``▁``. (Assuming sentencepiece's
    default ``True`` here made llama.cpp put a ``▁`` after every special token of a prompt
    that our prefix-less tokenizers never produced in training.)"""
    try:
        from sentencepiece import sentencepiece_model_pb2 as pb

        proto = pb.ModelProto()
        proto.ParseFromString(tokenizer_model.read_bytes())
        return bool(proto.normalizer_spec.add_dummy_prefix)
    except Exception:  # sentencepiece_model_pb2 needs protobuf (not pinned) of a fitting version
        import sentencepiece as spm

        sp = spm.SentencePieceProcessor(model_file=str(tokenizer_model))
        pieces = sp.encode("a", out_type=str)
        return bool(pieces) and pieces[0].startswith("\u2581")


def export_gguf(
    model_dir: str | Path,
    out_path: str | Path,
    *,
    name: str = "ammed",
    outtype: str = "f16",
    chat: bool = True,
    tokenizer_model: str | Path | None = None,
) -> Path:
    """Write ``out_path`` (GGUF v3, llama arch) from a Llama-layout safetensors checkpoint."""
    import gguf

    from training.checkpoint import load_state_dict

    model_dir = Path(model_dir)
    cfg = json.loads((model_dir / "config.json").read_text())
    n_head = cfg["num_attention_heads"]
    n_kv = cfg.get("num_key_value_heads") or n_head
    n_layers = cfg["num_hidden_layers"]
    head_dim = cfg.get("head_dim") or cfg["hidden_size"] // n_head
    rope_theta = cfg.get("rope_theta") or (cfg.get("rope_parameters") or {}).get(
        "rope_theta", 10000.0
    )
    sd = load_state_dict(model_dir)
    if "lm_head.weight" not in sd:  # tied embeddings
        sd["lm_head.weight"] = sd["model.embed_tokens.weight"]
    names = _tensor_map(n_layers)

    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(out), arch="llama")
    writer.add_name(name)
    writer.add_vocab_size(cfg["vocab_size"])
    writer.add_context_length(cfg["max_position_embeddings"])
    writer.add_embedding_length(cfg["hidden_size"])
    writer.add_block_count(n_layers)
    writer.add_feed_forward_length(cfg["intermediate_size"])
    writer.add_rope_dimension_count(head_dim)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_kv)
    writer.add_layer_norm_rms_eps(cfg["rms_norm_eps"])
    writer.add_rope_freq_base(float(rope_theta))
    ftype = gguf.LlamaFileType.MOSTLY_F16 if outtype == "f16" else gguf.LlamaFileType.ALL_F32
    writer.add_file_type(ftype)
    _add_vocab(
        writer,
        Path(tokenizer_model or model_dir / "tokenizer.model"),
        chat,
        cfg["vocab_size"],
        _added_tokens(model_dir),
    )

    for hf_name, t in sd.items():
        if hf_name.endswith("rotary_emb.inv_freq"):
            continue
        if hf_name not in names:
            raise ValueError(f"tensor {hf_name} has no GGUF name (not a plain Llama checkpoint?)")
        arr = t.detach().float().cpu().numpy()
        if hf_name.endswith("q_proj.weight"):
            arr = permute_qk(arr, n_head)
        elif hf_name.endswith("k_proj.weight"):
            arr = permute_qk(arr, n_kv)
        if arr.ndim >= 2 and outtype == "f16":
            arr = arr.astype(np.float16)
        else:
            arr = arr.astype(np.float32)
        writer.add_tensor(names[hf_name], arr)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return out
