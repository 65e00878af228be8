"""The real llama.cpp path on the CPU, with a tiny random-weight model made by the tests.

The model's words are gibberish by design (random weights); what is tested is what does
not depend on them: loading, the model's own chat template, grammar-constrained JSON that
parses and validates, streaming, deadlines, and the errors for missing/oversized models.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from inference import gguf_info
from inference.backends.llamacpp import LlamaCppBackend
from inference.base import LLMConfig
from inference.errors import LLMConfigError, LLMTimeout, ModelNotFound, ModelTooLarge
from inference.random_gguf import TINY, ModelShape, write_random_gguf

SCHEMA = {
    "type": "object",
    "properties": {
        "intent": {"type": "string", "enum": ["diet_question", "medication_question"]},
        "urgent": {"type": "boolean"},
        "foods": {"type": "array", "items": {"type": "string", "maxLength": 4}, "maxItems": 2},
    },
    "required": ["intent", "urgent", "foods"],
    "additionalProperties": False,
}


def config(path: Path, **kw: object) -> LLMConfig:
    values: dict = {
        "backend": "llamacpp",
        "model": str(path),
        "ctx": 512,
        "threads": 2,
        "timeout_s": 60.0,
        "max_tokens": 24,
    }
    values.update(kw)
    return LLMConfig(**values)


@pytest.fixture(scope="module")
def backend(tiny_gguf: Path) -> LlamaCppBackend:
    be = LlamaCppBackend(config(tiny_gguf))
    yield be
    be.close()


def test_it_loads_the_generated_model_and_reads_its_header(backend: LlamaCppBackend) -> None:
    d = backend.describe()
    assert d["architecture"] == "llama"
    assert d["layers"] == TINY.n_layer
    assert backend.info.vocab_size == TINY.n_vocab
    assert backend.llm.n_vocab() == TINY.n_vocab


def test_it_builds_the_prompt_with_the_models_own_chat_template(backend: LlamaCppBackend) -> None:
    prompt = backend.render_prompt(
        [{"role": "system", "content": "规则"}, {"role": "user", "content": "能吃柚子吗"}]
    )
    assert prompt == (
        "<s><|im_start|>system\n规则<|im_end|>\n"
        "<|im_start|>user\n能吃柚子吗<|im_end|>\n<|im_start|>assistant\n"
    )


def test_chat_returns_generated_text(backend: LlamaCppBackend) -> None:
    """Order-independent (issue 21): sampling at temperature 0.2 drew on the model's shared
    RNG, so whether random weights said anything depended on which test ran before; in
    reverse order the answer was empty. Greedy decoding (temperature 0) does not touch the
    RNG, and the stronger check holds for ANY weights: ``chat`` is exactly the generated
    stream, joined and stripped (not a canned or truncated string), and reproducible."""
    messages = [{"role": "user", "content": "你好"}]
    text = backend.chat(messages, max_tokens=8, temperature=0.0)
    streamed = "".join(backend.stream(messages, max_tokens=8, temperature=0.0))
    assert isinstance(text, str)
    assert text == streamed.strip()
    assert backend.chat(messages, max_tokens=8, temperature=0.0) == text


def test_structured_output_is_constrained_to_the_schema(backend: LlamaCppBackend) -> None:
    for question in ("能吃柚子吗", "华法林漏服了怎么办", "血压160/100"):
        value = backend.structured([{"role": "user", "content": question}], SCHEMA, max_tokens=120)
        assert value["intent"] in {"diet_question", "medication_question"}
        assert isinstance(value["urgent"], bool)
        assert len(value["foods"]) <= 2 and all(len(f) <= 4 for f in value["foods"])


def test_stream_yields_pieces(backend: LlamaCppBackend) -> None:
    # Greedy, so the pieces do not depend on the order the tests ran in (see above).
    pieces = list(
        backend.stream([{"role": "user", "content": "你好"}], max_tokens=6, temperature=0.0)
    )
    assert 1 <= len(pieces) <= 6


def test_generation_stops_at_the_deadline_and_the_backend_stays_usable(
    backend: LlamaCppBackend,
) -> None:
    with pytest.raises(LLMTimeout):
        backend.chat([{"role": "user", "content": "你好"}], max_tokens=400, timeout_s=0.0)
    value = backend.structured([{"role": "user", "content": "能吃柚子吗"}], SCHEMA, max_tokens=120)
    assert value["intent"] in {"diet_question", "medication_question"}


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound, match="llm pull"):
        LlamaCppBackend(config(tmp_path / "nope.gguf"))
    with pytest.raises(ModelNotFound, match="AMMED_LLM_MODEL is empty"):
        LlamaCppBackend(config(tmp_path, model=""))


def test_relative_model_name_resolves_in_the_model_dir(tiny_gguf: Path) -> None:
    be = LlamaCppBackend(config(Path(tiny_gguf.name), model_dir=tiny_gguf.parent))
    try:
        assert be.path == tiny_gguf
    finally:
        be.close()


def test_model_too_large_for_memory_is_refused_before_loading(
    tiny_gguf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gguf_info, "available_host_memory", lambda: 100_000)
    with pytest.raises(ModelTooLarge, match="GiB of memory is available"):
        LlamaCppBackend(config(tiny_gguf))


def test_a_file_that_is_not_gguf_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a model" * 100)
    with pytest.raises(Exception, match="not a readable GGUF"):
        LlamaCppBackend(config(bad))


def test_model_without_chat_template_refuses_chat(tmp_path: Path, monkeypatch) -> None:
    path = write_random_gguf(tmp_path / "tiny.gguf", ModelShape(n_layer=1))
    be = LlamaCppBackend(config(path))
    try:
        object.__setattr__(
            be, "info", be.info.__class__(**{**be.info.__dict__, "has_chat_template": False})
        )
        with pytest.raises(LLMConfigError, match="no chat template"):
            be.chat([{"role": "user", "content": "你好"}])
    finally:
        be.close()


def test_gpu_layers_on_a_cpu_only_build_is_a_config_error(tiny_gguf: Path) -> None:
    import llama_cpp

    if llama_cpp.llama_supports_gpu_offload():
        pytest.skip("this llama-cpp-python build has a GPU backend")
    with pytest.raises(LLMConfigError, match="no GPU backend"):
        LlamaCppBackend(config(tiny_gguf, gpu_layers=99))
