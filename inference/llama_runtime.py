"""Load a GGUF with llama-cpp-python, avoiding llama.cpp's AMX kernels.

Why: llama-cpp-python compiles llama.cpp with ``GGML_NATIVE``, so on a CPU with Intel AMX
(Sapphire Rapids and later; ``llama_print_system_info`` shows ``AMX_INT8 = 1``) the CPU
backend offers the AMX *extra buffer type*: at load time it repacks Q8_0 / Q4_K / ... weights
whose rows suit it (``amx repack tensor blk.0.attn_q.weight of type q8_0``) and later runs
their matmuls through ``ggml_backend_amx_mul_mat``. In the llama.cpp that llama-cpp-python 0.3.36
vendors, that function hands ``ldtilecfg`` a tile configuration with garbage in bytes the ISA requires to be
zero, the CPU raises #GP and the process dies with SIGSEGV on the first ``llama_decode`` of a
quantised model (F16/F32 weights never take that path). The fault does not depend on our GGUF:
the file's vocab and shapes are consistent and the same file generates once the AMX buffer is
off. Upstream: ggml-org/llama.cpp#20824 (segfault in ggml_backend_amx_mul_mat, machine
dependent) and the open fix ggml-org/llama.cpp#26954 (tile config must not live on the stack).

So on an AMX CPU the model is loaded with ``use_extra_bufts = false`` (llama.cpp's
``--no-repack``): weights stay in the plain CPU buffer and matmuls use the AVX-512/VNNI kernels.
``AMMED_LLAMACPP_EXTRA_BUFTS=1`` forces extra buffer types on (a llama.cpp with the fix, or one
built without AMX), ``=0`` forces them off everywhere. Llama-cpp-python's ``Llama`` does not
expose the flag, so it is set on the params ``Llama`` takes from ``llama_model_default_params``.
Code that drives the C API itself (bench/llamacpp_bench.py) sets
``params.use_extra_bufts = use_extra_buffer_types()`` on its own params.

The production backend (``inference.backends.llamacpp``), the benchmark
(bench/llamacpp_bench.py) and training's smoke generation and evaluation load through
``load_llama``; it passes every other ``Llama`` argument (``n_gpu_layers``, ``n_ctx``,
``n_batch``, ``n_threads``, ``flash_attn``, ``seed``, ...) through unchanged.

GPU builds (CUDA offload): ``use_extra_bufts`` only decides whether llama.cpp adds the *CPU*
backend's extra buffer types (AMX, CPU_REPACK) to the list it picks from for weights kept in
host memory (``make_cpu_buft_list``). Offloaded layers still go to the GPU's own buffer types,
and ``n_gpu_layers``, the KV cache, flash attention and the GPU kernels are untouched. With
full offload (``n_gpu_layers=-1``) the guard changes nothing measurable; with partial offload
the layers left on the CPU run from the plain CPU buffer (no AMX, no CPU repacking), exactly
as on a CPU-only machine. The flag is all-or-nothing: with it off, weights in host memory also
lose CPU_REPACK (llama.cpp's repacked layouts for some quant types), which makes those CPU
matmuls slower, never wrong.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

ENV = "AMMED_LLAMACPP_EXTRA_BUFTS"
_lock = threading.Lock()


@lru_cache(maxsize=1)
def cpu_backend_has_amx() -> bool:
    """Whether llama.cpp's CPU backend was built with, and detected, AMX (int8) kernels."""
    import llama_cpp

    return b"AMX_INT8 = 1" in llama_cpp.llama_print_system_info()


def use_extra_buffer_types() -> bool:
    """Extra (repacking) buffer types for weights: off where they would bring in AMX."""
    forced = os.environ.get(ENV, "").strip().lower()
    if forced in ("1", "true", "yes", "on"):
        return True
    if forced in ("0", "false", "no", "off"):
        return False
    return not cpu_backend_has_amx()


def load_llama(model_path: str | Path, **kwargs: Any):  # -> llama_cpp.Llama
    """``llama_cpp.Llama(model_path=..., **kwargs)``, without the AMX buffer type on AMX CPUs.

    ``kwargs`` are ``Llama``'s own (``n_gpu_layers``, ``n_ctx``, ``flash_attn``, ...), passed
    through unchanged; only the model params' ``use_extra_bufts`` differs. Load failures raise
    what ``Llama`` raises (``ValueError``).
    """
    import llama_cpp
    import llama_cpp.llama as llama_mod

    if use_extra_buffer_types():
        return llama_cpp.Llama(model_path=str(model_path), **kwargs)

    with _lock:
        default_params = llama_mod.llama_cpp.llama_model_default_params

        def no_extra_bufts():
            params = default_params()
            params.use_extra_bufts = False
            return params

        llama_mod.llama_cpp.llama_model_default_params = no_extra_bufts
        try:
            llm = llama_cpp.Llama(model_path=str(model_path), **kwargs)
        finally:
            llama_mod.llama_cpp.llama_model_default_params = default_params
    if llm.model_params.use_extra_bufts:  # a llama-cpp-python that builds params another way
        raise RuntimeError("could not turn off llama.cpp's extra buffer types (AMX crash guard)")
    return llm
