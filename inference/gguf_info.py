"""Read a GGUF file's header (architecture, sizes) without loading weights, and estimate
the memory a load needs. The header is parsed directly (``read_header``); the ``gguf``
package (imported lazily) only names quantisation types."""

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
    quant: str = ""  # general.file_type as llama.cpp names it (Q4_K_M, Q8_0, F16, ...)

    def kv_cache_bytes(self, n_ctx: int, bytes_per_value: int = 2) -> int:
        """K and V for every layer at ``n_ctx`` tokens (f16 cache by default)."""
        head_dim = self.embedding_length // max(self.head_count, 1)
        return 2 * self.block_count * n_ctx * self.head_count_kv * head_dim * bytes_per_value


_SCALARS = {
    0: "<B",
    1: "<b",
    2: "<H",
    3: "<h",
    4: "<I",
    5: "<i",
    6: "<f",
    7: "<?",
    10: "<Q",
    11: "<q",
    12: "<d",
}  # GGUF value types (8 string, 9 array)
_SMALL_ARRAY = 4096  # longer arrays (vocabularies) are skipped; only their length is kept


class _ArrayLen(int):
    """The length of a long array value that was skipped, not read."""


def read_header(path: Path) -> dict[str, object]:
    """The GGUF key/value header as a dict, read directly (no tensor data, no vocabulary).

    ``gguf.GGUFReader`` builds a numpy view for every element of every array, which takes
    seconds of CPU for a 262k-token vocabulary (Gemma 3); a header needs none of that.
    Long arrays come back as ``_ArrayLen`` (their length). ``ValueError`` when malformed.
    """
    import mmap
    import struct

    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        if buf[:4] != b"GGUF":
            raise ValueError("no GGUF magic")
        version, _n_tensors, n_kv = struct.unpack_from("<IQQ", buf, 4)
        if version < 2:
            raise ValueError(f"GGUF version {version} is not supported")
        pos = 24

        def take(fmt: str) -> object:
            nonlocal pos
            (value,) = struct.unpack_from(fmt, buf, pos)
            pos += struct.calcsize(fmt)
            return value

        def string() -> str:
            nonlocal pos
            n = int(take("<Q"))  # type: ignore[arg-type]
            if pos + n > len(buf):
                raise ValueError("string runs past the end of the file")
            text = bytes(buf[pos : pos + n]).decode("utf-8", errors="replace")
            pos += n
            return text

        def value(kind: int) -> object:
            nonlocal pos
            if kind in _SCALARS:
                return take(_SCALARS[kind])
            if kind == 8:
                return string()
            if kind == 9:
                item, n = int(take("<I")), int(take("<Q"))  # type: ignore[arg-type]
                if n > _SMALL_ARRAY:
                    if item in _SCALARS:
                        pos += n * struct.calcsize(_SCALARS[item])
                    elif item == 8:
                        for _ in range(n):
                            pos += 8 + int(struct.unpack_from("<Q", buf, pos)[0])
                    else:
                        raise ValueError(f"long array of type {item}")
                    if pos > len(buf):
                        raise ValueError("array runs past the end of the file")
                    return _ArrayLen(n)
                return [value(item) for _ in range(n)]
            raise ValueError(f"unknown GGUF value type {kind}")

        out: dict[str, object] = {}
        for _ in range(n_kv):
            key = string()
            out[key] = value(int(take("<I")))  # type: ignore[arg-type]
        return out


def read_info(path: Path) -> GGUFInfo:
    """Header facts of the GGUF at ``path``; ``ModelNotFound``/``LLMError`` when unreadable."""
    import struct

    if not path.is_file():
        raise ModelNotFound(f"model file not found: {path}")
    try:
        fields = read_header(path)
    except (ValueError, OSError, struct.error) as exc:
        raise LLMError(f"{path.name} is not a readable GGUF file: {exc}") from exc
    arch = str(fields.get("general.architecture", "unknown"))

    def num(key: str, default: int = 0) -> int:
        value = fields.get(f"{arch}.{key}", default)
        if isinstance(value, list):  # per-layer values (some architectures): the first
            value = value[0] if value else default
        return int(value) if value is not None else default  # type: ignore[arg-type]

    tokens = fields.get("tokenizer.ggml.tokens")
    head_count = num("attention.head_count", 1)
    return GGUFInfo(
        path=path,
        size_bytes=path.stat().st_size,
        architecture=arch,
        name=str(fields.get("general.name", path.stem)),
        block_count=num("block_count"),
        embedding_length=num("embedding_length"),
        head_count=head_count,
        head_count_kv=num("attention.head_count_kv", head_count),
        context_length=num("context_length"),
        vocab_size=len(tokens) if isinstance(tokens, list) else int(tokens or 0),  # type: ignore[arg-type]
        has_chat_template="tokenizer.chat_template" in fields,
        quant=_quant_name(fields.get("general.file_type")),
    )


def _quant_name(file_type: object) -> str:
    """``general.file_type`` 15 -> 'Q4_K_M' (gguf's LlamaFileType names, ``MOSTLY_`` dropped)."""
    if file_type is None:
        return ""
    from gguf import LlamaFileType

    try:
        name = LlamaFileType(int(file_type)).name  # type: ignore[call-overload]
    except ValueError:
        return str(file_type)
    return name.removeprefix("MOSTLY_").replace("ALL_F32", "F32")


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
