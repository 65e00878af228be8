"""Read a GGUF file's header (architecture, sizes) without loading weights, and estimate
the memory a load needs. Uses the ``gguf`` package (imported lazily)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from inference.errors import LLMError, ModelNotFound, ModelTooLarge


@dataclass(frozen=True)
class GGUFInfo:
    path: Path
    size_bytes: int
    architecture: str
    name: str
    block_count: int
    embedding_length: int
    head_count: int
    head_count_kv: int
    context_length: int
    vocab_size: int
    has_chat_template: bool

    def kv_cache_bytes(self, n_ctx: int, bytes_per_value: int = 2) -> int:
        """K and V for every layer at ``n_ctx`` tokens (f16 cache by default)."""
        head_dim = self.embedding_length // max(self.head_count, 1)
        return 2 * self.block_count * n_ctx * self.head_count_kv * head_dim * bytes_per_value


def _field(reader: object, key: str, default: object = None) -> object:
    field = reader.fields.get(key)  # type: ignore[attr-defined]
    if field is None:
        return default
    return field.contents()


def read_info(path: Path) -> GGUFInfo:
    """Header facts of the GGUF at ``path``; ``ModelNotFound``/``LLMError`` when unreadable."""
    if not path.is_file():
        raise ModelNotFound(f"model file not found: {path}")
    try:
        from gguf import GGUFReader
    except ImportError as exc:  # pragma: no cover - requirements/inference.txt pins it
        raise LLMError("the gguf package is not installed (requirements/inference.txt)") from exc
    try:
        reader = GGUFReader(str(path))
    except (ValueError, OSError) as exc:
        raise LLMError(f"{path.name} is not a readable GGUF file: {exc}") from exc
    arch = str(_field(reader, "general.architecture", "unknown"))

    def num(key: str, default: int = 0) -> int:
        value = _field(reader, f"{arch}.{key}", default)
        return int(value) if value is not None else default

    tokens = reader.fields.get("tokenizer.ggml.tokens")
    head_count = num("attention.head_count", 1)
    return GGUFInfo(
        path=path,
        size_bytes=path.stat().st_size,
        architecture=arch,
        name=str(_field(reader, "general.name", path.stem)),
        block_count=num("block_count"),
        embedding_length=num("embedding_length"),
        head_count=head_count,
        head_count_kv=num("attention.head_count_kv", head_count),
        context_length=num("context_length"),
        vocab_size=len(tokens.data) if tokens is not None else 0,
        has_chat_template=reader.fields.get("tokenizer.chat_template") is not None,
    )


def available_host_memory() -> int:
    """Bytes the kernel says a new allocation can get (MemAvailable), or 0 when unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def check_fits(info: GGUFInfo, n_ctx: int, gpu_layers: int) -> int:
    """Raise ``ModelTooLarge`` when weights + KV cache cannot fit in host memory.

    Only a CPU load (``gpu_layers == 0``) is checked against host RAM; a GPU load is left
    to llama.cpp, which fails the load with its own out-of-memory error that we surface.
    Returns the estimated bytes.
    """
    need = int(info.size_bytes * 1.05) + info.kv_cache_bytes(n_ctx)
    have = available_host_memory()
    if gpu_layers == 0 and have and need > have:
        raise ModelTooLarge(
            f"{info.path.name} needs about {need / 2**30:.1f} GiB "
            f"(weights {info.size_bytes / 2**30:.1f} GiB + KV cache for {n_ctx} tokens) "
            f"but only {have / 2**30:.1f} GiB of memory is available; use a smaller "
            "quantisation, a shorter AMMED_LLM_CTX, or offload layers to a GPU "
            "(AMMED_LLM_GPU_LAYERS)"
        )
    return need
