"""Chat formatting and tokenisation for training (InternLM2 / ChatML template).

The template is the one InternLM2.5-chat uses and xtuner's ``internlm2_chat`` template::

    <s><|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n
    <|im_start|>assistant\n{assistant}<|im_end|>\n

Only assistant content (and the closing ``<|im_end|>``) is trained on; everything else gets
label ``-100``. The same template is written into the GGUF (``tokenizer.chat_template``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

IM_START = "<|im_start|>"
IM_END = "<|im_end|>"
IGNORE = -100

CHAT_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


class Encoder(Protocol):
    def encode(self, text: str) -> list[int]: ...

    def piece_to_id(self, piece: str) -> int: ...

    def unk_id(self) -> int: ...


def marker_ids(sp: Encoder) -> tuple[int, int]:
    """Ids of ``<|im_start|>``/``<|im_end|>``. They are looked up, never encoded from text:
    in InternLM2's tokenizer they may be control pieces that ``encode`` would spell out."""
    start, end = sp.piece_to_id(IM_START), sp.piece_to_id(IM_END)
    if sp.unk_id() in (start, end):
        raise ValueError("tokenizer has no <|im_start|>/<|im_end|> pieces (not a chat tokenizer)")
    return start, end


def render(messages: Sequence[dict[str, Any]], add_generation_prompt: bool = False) -> str:
    """The prompt text without BOS (for llama.cpp completion calls and for inspection)."""
    parts = [f"{IM_START}{m['role']}\n{m['content']}{IM_END}\n" for m in messages]
    if add_generation_prompt:
        parts.append(f"{IM_START}assistant\n")
    return "".join(parts)


def tokenize_conversation(
    messages: Sequence[dict[str, Any]], sp: Encoder, bos_id: int, max_len: int
) -> tuple[list[int], list[int]]:
    """``(input_ids, labels)`` with non-assistant tokens masked; truncated to ``max_len``."""
    start, end = marker_ids(sp)
    ids: list[int] = [bos_id]
    labels: list[int] = [IGNORE]
    for m in messages:
        head = [start, *sp.encode(f"{m['role']}\n")]
        body = [*sp.encode(m["content"]), end]
        tail = sp.encode("\n")
        ids += head + body + tail
        train = m["role"] == "assistant"
        labels += [IGNORE] * len(head) + (body if train else [IGNORE] * len(body))
        labels += [IGNORE] * len(tail)
    return ids[:max_len], labels[:max_len]
