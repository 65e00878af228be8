"""Quantise a GGUF through llama.cpp (``llama_cpp.llama_model_quantize``)."""

from __future__ import annotations

from pathlib import Path

# llama.cpp's ``llama_ftype`` values (include/llama.h).
FTYPES = {"Q8_0": 7, "Q4_K_M": 15, "Q5_K_M": 17, "Q6_K": 18, "F16": 1}


def quantize(src: str | Path, dst: str | Path, qtype: str = "Q4_K_M", nthread: int = 2) -> Path:
    """Write ``dst`` as ``qtype``; raises ``RuntimeError`` when llama.cpp reports failure.

    Tensors whose rows are not a multiple of 256 (tiny test models) get llama.cpp's own
    fallback type for k-quants; the file still loads and runs.
    """
    import ctypes

    import llama_cpp

    if qtype not in FTYPES:
        raise ValueError(f"unknown quant type {qtype!r}; choose from {sorted(FTYPES)}")
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = FTYPES[qtype]
    params.nthread = nthread
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    rc = llama_cpp.llama_model_quantize(
        str(src).encode("utf-8"), str(dst).encode("utf-8"), ctypes.byref(params)
    )
    if rc != 0 or not dst.exists():
        raise RuntimeError(f"llama_model_quantize({qtype}) failed with code {rc}")
    return dst
