"""Backend registry: a kind maps to a dotted path, imported on first use (heavy deps lazy)."""

from __future__ import annotations

import atexit
import threading

from django.utils.module_loading import import_string

from inference.base import LLMBackend, LLMConfig
from inference.errors import LLMConfigError

BACKENDS: dict[str, str] = {
    "template": "inference.backends.template.TemplateBackend",
    "llamacpp": "inference.backends.llamacpp.LlamaCppBackend",
    "ollama": "inference.backends.ollama.OllamaBackend",
    "openai": "inference.backends.openai_compat.OpenAICompatBackend",
}

_lock = threading.Lock()
_cache: dict[LLMConfig, LLMBackend] = {}


def build_backend(config: LLMConfig) -> LLMBackend:
    """A new backend instance for ``config`` (loads weights for llamacpp)."""
    try:
        path = BACKENDS[config.backend]
    except KeyError:
        known = ", ".join(sorted(BACKENDS))
        raise LLMConfigError(
            f"unknown AMMED_LLM_BACKEND {config.backend!r} (known: {known})"
        ) from None
    cls = import_string(path)
    return cls(config)


def get_backend(config: LLMConfig | None = None) -> LLMBackend:
    """The process-wide backend for ``config`` (default: from settings), built once."""
    config = config or LLMConfig.from_settings()
    with _lock:
        backend = _cache.get(config)
        if backend is None:
            backend = build_backend(config)
            _cache[config] = backend
        return backend


def reset_backends() -> None:
    """Close and forget cached backends (tests, settings changes)."""
    with _lock:
        for backend in _cache.values():
            backend.close()
        _cache.clear()


# Free models (and their GPU contexts) while the interpreter is still whole: llama.cpp's
# CUDA backend must not be torn down before the contexts that use it.
atexit.register(reset_backends)
