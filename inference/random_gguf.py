"""Write llama.cpp-loadable GGUF models with random weights (tests and benchmarks only).

No weights can be downloaded here, so the tests and the GPU benchmark make their own
model: the right *shape* and a real tokenizer, random numbers inside. The outputs are
gibberish by design; loading, chat templates, grammar-constrained decoding, timeouts and
speed do not depend on what the weights say.

Minimal metadata llama.cpp needs for a ``llama``/``internlm2`` model: the architecture
and its hyper-parameters (context/embedding length, block count, FFN length, head counts,
RMS-norm epsilon), a tokenizer (``tokenizer.ggml.model`` = ``llama`` i.e. SentencePiece,
with token texts, scores and types; the 256 byte tokens ``<0x00>``..``<0xFF>`` are needed
for byte fallback and the newline token), and per block the norm, Q/K/V/O and the gated
FFN tensors. ``tokenizer.chat_template`` carries InternLM2's ChatML-style template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# InternLM2-chat's template (ChatML markers), as shipped in its GGUF exports.
INTERNLM2_CHAT_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

# Characters every test model can spell directly (JSON punctuation, digits, Latin, a
# little Chinese); anything else falls back to byte tokens.
_BASE_PIECES = (
    [chr(c) for c in range(0x21, 0x7F)]
    + ["▁", "▁▁", '"', "{", "}", ":", ",", "[", "]"]
    + list("血压糖头晕吃过了能吗药饭您好的是不用医生请咨询高低疼痛华法林二甲双胍阿莫西林")
)


@dataclass(frozen=True)
class ModelShape:
    arch: str = "llama"
    n_embd: int = 64
    n_layer: int = 2
    n_head: int = 4
    n_head_kv: int = 2
    n_ff: int = 128
    n_vocab: int = 512
    n_ctx_train: int = 2048
    rope_freq_base: float = 10000.0
    name: str = "ammed-test-tiny"


TINY = ModelShape()
INTERNLM2_7B = ModelShape(
    arch="internlm2",
    n_embd=4096,
    n_layer=32,
    n_head=32,
    n_head_kv=8,
    n_ff=14336,
    n_vocab=92544,
    n_ctx_train=32768,
    rope_freq_base=1_000_000.0,
    name="internlm2_5-7b-chat-shaped-random",
)


def vocabulary(n_vocab: int) -> tuple[list[str], list[float], list[int]]:
    """SentencePiece-style token texts, scores and types for ``n_vocab`` tokens."""
    from gguf import TokenType

    tokens = ["<unk>", "<s>", "</s>"]
    types = [TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL]
    tokens += [f"<0x{b:02X}>" for b in range(256)]
    types += [TokenType.BYTE] * 256
    tokens += ["<|im_start|>", "<|im_end|>"]
    types += [TokenType.CONTROL, TokenType.CONTROL]
    seen = set(tokens)
    for piece in _BASE_PIECES:
        if piece not in seen and len(tokens) < n_vocab:
            tokens.append(piece)
            types.append(TokenType.NORMAL)
            seen.add(piece)
    i = 0
    while len(tokens) < n_vocab:
        tokens.append(f"▁t{i}")
        types.append(TokenType.NORMAL)
        i += 1
    if len(tokens) > n_vocab:
        raise ValueError(f"n_vocab must be at least {len(tokens)}")
    # SentencePiece merges prefer higher scores: earlier pieces win.
    scores = [0.0 if t != TokenType.NORMAL else -float(rank) for rank, t in enumerate(types)]
    return tokens, scores, [int(t) for t in types]


def write_random_gguf(
    path: Path,
    shape: ModelShape = TINY,
    *,
    f16: bool = False,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Write a random-weight model of ``shape`` to ``path`` (F32, or F16 matrices).

    To keep the 7B-shaped benchmark model cheap to make, every matrix is a view of one
    random buffer (speed does not depend on the values).
    """
    import numpy as np
    from gguf import GGUFWriter, LlamaFileType

    say = progress or (lambda _m: None)
    s = shape
    head_dim = s.n_embd // s.n_head
    n_embd_kv = head_dim * s.n_head_kv
    dtype = np.float16 if f16 else np.float32
    rng = np.random.default_rng(seed)
    biggest = max(s.n_vocab * s.n_embd, s.n_ff * s.n_embd, s.n_embd * s.n_embd)
    say(f"random buffer: {biggest / 1e6:.0f}M values")
    pool = (rng.standard_normal(biggest, dtype=np.float32) * 0.02).astype(dtype)

    def mat(rows: int, cols: int) -> np.ndarray:
        return pool[: rows * cols].reshape(rows, cols)

    norm = np.ones(s.n_embd, dtype=np.float32)

    w = GGUFWriter(str(path), s.arch)
    w.add_name(s.name)
    w.add_context_length(s.n_ctx_train)
    w.add_embedding_length(s.n_embd)
    w.add_block_count(s.n_layer)
    w.add_feed_forward_length(s.n_ff)
    w.add_head_count(s.n_head)
    w.add_head_count_kv(s.n_head_kv)
    w.add_rope_dimension_count(head_dim)
    w.add_rope_freq_base(s.rope_freq_base)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_vocab_size(s.n_vocab)
    w.add_file_type(LlamaFileType.MOSTLY_F16 if f16 else LlamaFileType.ALL_F32)
    tokens, scores, types = vocabulary(s.n_vocab)
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(tokens.index("<|im_end|>"))
    w.add_unk_token_id(0)
    w.add_add_bos_token(True)
    w.add_chat_template(INTERNLM2_CHAT_TEMPLATE)

    w.add_tensor("token_embd.weight", mat(s.n_vocab, s.n_embd))
    w.add_tensor("output_norm.weight", norm)
    w.add_tensor("output.weight", mat(s.n_vocab, s.n_embd))
    for i in range(s.n_layer):
        p = f"blk.{i}."
        w.add_tensor(p + "attn_norm.weight", norm)
        w.add_tensor(p + "attn_q.weight", mat(s.n_embd, s.n_embd))
        w.add_tensor(p + "attn_k.weight", mat(n_embd_kv, s.n_embd))
        w.add_tensor(p + "attn_v.weight", mat(n_embd_kv, s.n_embd))
        w.add_tensor(p + "attn_output.weight", mat(s.n_embd, s.n_embd))
        w.add_tensor(p + "ffn_norm.weight", norm)
        w.add_tensor(p + "ffn_gate.weight", mat(s.n_ff, s.n_embd))
        w.add_tensor(p + "ffn_up.weight", mat(s.n_ff, s.n_embd))
        w.add_tensor(p + "ffn_down.weight", mat(s.n_embd, s.n_ff))
    say(f"writing {path}")
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path
