"""llama.cpp through llama-cpp-python: a local GGUF model, optional CUDA offload.

- The prompt is built with the model's own chat template (``tokenizer.chat_template`` in
  the GGUF, via llama-cpp-python's Jinja2 formatter). A GGUF without one is refused for
  chat, since guessing a template produces garbage, unless its architecture's own template is
  known (``inference.chat_templates``: Gemma 3, whose base GGUF ships none).
- ``structured`` constrains decoding with a grammar compiled from the JSON schema, so the
  output always parses; it is still validated (fail closed).
- Timeouts: generation stops at the deadline (a stopping criterion checked per token) and
  ``LLMTimeout`` is raised; prompt processing itself is not interruptible.
- Loaded through ``inference.llama_runtime.load_llama``: on a CPU with Intel AMX llama.cpp's
  AMX weight repacking segfaults on the first decode of a quantised model (upstream bug), so
  its extra CPU buffer types are turned off there (``AMMED_LLAMACPP_EXTRA_BUFTS`` overrides).
  GPU offload is unaffected.
- One ``Llama`` context is not thread-safe: calls are serialised by a lock. Concurrency
  at scale belongs to a batched server (llama-server --parallel, vLLM, LMDeploy) reached
  through the ``openai`` backend; see docs/benchmarks.md.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from inference.base import LLMBackend, LLMConfig, Message, parse_json_object
from inference.chat_templates import BY_ARCHITECTURE
from inference.errors import (
    BackendNotInstalled,
    LLMConfigError,
    LLMError,
    LLMOutputError,
    LLMTimeout,
    ModelNotFound,
)
from inference.gguf_info import GGUFInfo, check_fits, read_info
from inference.llama_runtime import load_llama
from inference.models import registered_path

log = logging.getLogger(__name__)


def resolve_model_path(config: LLMConfig) -> Path:
    """``AMMED_LLM_MODEL`` as a path (absolute, or relative to ``AMMED_MODEL_DIR``), or the
    name of a model in ``AMMED_MODEL_DIR/registry.json`` (``manage.py llm list``)."""
    if not config.model:
        raise ModelNotFound(
            "AMMED_LLM_MODEL is empty: set it to a GGUF file (absolute, or relative to "
            "AMMED_MODEL_DIR) or a registered name; `manage.py llm pull` gets one"
        )
    path = Path(config.model).expanduser()
    if not path.is_absolute():
        path = Path(config.model_dir) / path
    if not path.is_file() and (named := registered_path(Path(config.model_dir), config.model)):
        path = named
    if not path.is_file():
        raise ModelNotFound(
            f"model file not found: {path} (see `manage.py llm list`; "
            "`manage.py llm pull <repo> <file>` downloads one)"
        )
    return path


def _import_llama_cpp() -> Any:
    try:
        import llama_cpp
    except ImportError as exc:
        raise BackendNotInstalled(
            "llama-cpp-python is not installed: pip install -r requirements/inference.txt "
            '(for CUDA: CMAKE_ARGS="-DGGML_CUDA=on" pip install llama-cpp-python==0.3.36)'
        ) from exc
    return llama_cpp


class LlamaCppBackend(LLMBackend):
    name = "llamacpp"

    def __init__(self, config: LLMConfig) -> None:
        super().__init__(config)
        llama_cpp = _import_llama_cpp()
        self.path = resolve_model_path(config)
        self.info: GGUFInfo = read_info(self.path)
        check_fits(self.info, config.ctx, config.gpu_layers)
        if config.gpu_layers and not llama_cpp.llama_supports_gpu_offload():
            raise LLMConfigError(
                f"AMMED_LLM_GPU_LAYERS={config.gpu_layers} but this llama-cpp-python build "
                'has no GPU backend; rebuild it with CMAKE_ARGS="-DGGML_CUDA=on" (README, GPU)'
            )
        self._lock = threading.Lock()
        started = time.perf_counter()
        try:
            # Not llama_cpp.Llama directly: AMX CPUs crash on quantised weights (llama_runtime).
            self.llm = load_llama(
                self.path,
                n_gpu_layers=config.gpu_layers,
                n_ctx=config.ctx,
                n_batch=min(512, config.ctx),
                n_ubatch=min(512, config.ctx),
                n_threads=config.threads or None,
                flash_attn=config.flash_attn,
                seed=1234,
                verbose=False,
            )
        except ValueError as exc:  # llama-cpp-python raises ValueError on a failed load
            raise LLMError(f"llama.cpp could not load {self.path.name}: {exc}") from exc
        self.load_seconds = time.perf_counter() - started
        self.template_source = "gguf" if self.info.has_chat_template else ""
        self._family_template: str | None = None
        if not self.info.has_chat_template and self.info.architecture in BY_ARCHITECTURE:
            self._use_family_template()
        self.extra_bufts = bool(self.llm.model_params.use_extra_bufts)
        log.info(
            "llamacpp: loaded %s (%s, %d layers, gpu_layers=%d, extra_bufts=%s) in %.1fs",
            self.path.name,
            self.info.architecture,
            self.info.block_count,
            config.gpu_layers,
            self.extra_bufts,
            self.load_seconds,
        )

    # -- helpers ---------------------------------------------------------------------
    def _use_family_template(self) -> None:
        """A GGUF without ``tokenizer.chat_template`` of a family whose template we know
        (``inference.chat_templates``, e.g. Gemma 3's ``<start_of_turn>``): use that one."""
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        template, stops = BY_ARCHITECTURE[self.info.architecture]
        stop_ids = [self.llm.token_eos()]
        for text in stops:
            ids = self.llm.tokenize(text.encode(), add_bos=False, special=True)
            if len(ids) == 1:
                stop_ids.append(ids[0])
        self._family_template = template
        self.llm.chat_handler = Jinja2ChatFormatter(
            template=template,
            eos_token=self.llm._model.token_get_text(self.llm.token_eos()),
            bos_token=self.llm._model.token_get_text(self.llm.token_bos()),
            stop_token_ids=stop_ids,
        ).to_chat_handler()
        self.template_source = f"inference.chat_templates[{self.info.architecture}]"

    def _require_template(self) -> None:
        if not self.info.has_chat_template and self._family_template is None:
            raise LLMConfigError(
                f"{self.path.name} carries no chat template (tokenizer.chat_template); "
                "export the model with its template"
            )

    def _complete(
        self,
        messages: list[Message],
        *,
        max_tokens: int | None,
        temperature: float,
        timeout_s: float | None,
        response_format: dict[str, Any] | None = None,
    ) -> str:
        return "".join(self._pieces(messages, max_tokens, temperature, timeout_s, response_format))

    def _pieces(
        self,
        messages: list[Message],
        max_tokens: int | None,
        temperature: float,
        timeout_s: float | None,
        response_format: dict[str, Any] | None = None,
    ) -> Iterator[str]:
        """Stream the answer; stop generating and raise ``LLMTimeout`` at the deadline."""
        self._require_template()
        budget = self.config.timeout_s if timeout_s is None else timeout_s
        deadline = time.monotonic() + budget
        with self._lock:
            self.llm.reset()
            chunks = self.llm.create_chat_completion(
                messages=list(messages),
                max_tokens=max_tokens or self.config.max_tokens,
                temperature=temperature,
                response_format=response_format,
                stream=True,
            )
            try:
                for chunk in chunks:
                    piece = chunk["choices"][0]["delta"].get("content")
                    if piece:
                        yield piece
                    if time.monotonic() >= deadline:
                        raise LLMTimeout(f"llamacpp: no complete answer within {budget:.3g}s")
            except ValueError as exc:  # e.g. "Requested tokens (2159) exceed context window"
                raise LLMOutputError(f"llamacpp: {exc}") from exc
            finally:
                chunks.close()  # stops generation (frees the context for the next call)

    # -- interface -------------------------------------------------------------------
    def chat(
        self,
        messages: list[Message],
        *,
        max_tokens: int | None = None,
        temperature: float = 0.2,
        timeout_s: float | None = None,
    ) -> str:
        return self._complete(
            messages, max_tokens=max_tokens, temperature=temperature, timeout_s=timeout_s
        ).strip()

    def structured(
        self,
        messages: list[Message],
        schema: dict[str, Any],
        *,
        max_tokens: int | None = None,
        timeout_s: float | None = None,
    ) -> dict[str, Any]:
        text = self._complete(
            messages,
            max_tokens=max_tokens,
            temperature=0.0,
            timeout_s=timeout_s,
            response_format={"type": "json_object", "schema": schema},
        )
        return parse_json_object(text, schema)

    def stream(
        self,
        messages: list[Message],
        *,
        max_tokens: int | None = None,
        temperature: float = 0.2,
        timeout_s: float | None = None,
    ) -> Iterator[str]:
        yield from self._pieces(messages, max_tokens, temperature, timeout_s)

    def render_prompt(self, messages: list[Message]) -> str:
        """The exact prompt text the model's chat template produces (for tests/debugging)."""
        self._require_template()
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        template = self._family_template or self.llm.metadata["tokenizer.chat_template"]
        eos = self.llm._model.token_get_text(self.llm.token_eos())
        bos = self.llm._model.token_get_text(self.llm.token_bos())
        formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)
        return formatter(messages=list(messages)).prompt

    def describe(self) -> dict[str, Any]:
        return {
            "backend": self.name,
            "model": str(self.path),
            "architecture": self.info.architecture,
            "layers": self.info.block_count,
            "size_bytes": self.info.size_bytes,
            "gpu_layers": self.config.gpu_layers,
            "ctx": self.config.ctx,
            "flash_attn": self.config.flash_attn,
            "load_seconds": round(self.load_seconds, 2),
            "extra_bufts": self.extra_bufts,
            "chat_template": self.template_source,
        }

    def close(self) -> None:
        llm = getattr(self, "llm", None)
        if llm is not None:
            llm.close()
            self.llm = None
