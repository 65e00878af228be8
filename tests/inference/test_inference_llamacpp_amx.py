"""The llamacpp backend with quantised weights, in a child process.

On a CPU with Intel AMX (``AMX_INT8 = 1``), llama.cpp repacks Q8_0/Q4_K weights with rows of
256/512 into its AMX buffer type, and its AMX kernel segfaults on the first decode
(``inference.llama_runtime``). The backend loads through ``load_llama``, which turns those
buffer types off there. The load runs in a child process so that a crash is this test's
failure, not pytest's death. On a CPU without AMX this still checks that quantised models
load and generate through the backend.
"""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from inference.llama_runtime import ENV
from inference.random_gguf import ModelShape, write_random_gguf

# Rows of 256 (attention, output) and 512 (FFN): shapes the AMX buffer type repacks.
AMX_SHAPE = ModelShape(
    n_embd=256, n_layer=1, n_head=4, n_head_kv=2, n_ff=512, n_vocab=512, n_ctx_train=512
)
FTYPES = {"Q8_0": 7, "Q4_K_M": 15}  # llama.cpp's llama_ftype

_CHILD = """
import json, sys
from inference.backends.llamacpp import LlamaCppBackend
from inference.base import LLMConfig
from inference.llama_runtime import cpu_backend_has_amx

cfg = LLMConfig(backend="llamacpp", model=sys.argv[1], ctx=256, threads=2, timeout_s=60.0)
be = LlamaCppBackend(cfg)
text = be.chat([{"role": "user", "content": "华法林每日一次"}], max_tokens=4, temperature=0.0)
out = {"amx": cpu_backend_has_amx(), "describe": be.describe(), "text": text}
be.close()
print(json.dumps(out, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def f16_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_random_gguf(tmp_path_factory.mktemp("amx") / "m-f16.gguf", AMX_SHAPE, f16=True)


def quantize(src: Path, dst: Path, quant: str) -> Path:
    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = FTYPES[quant]
    params.nthread = 2
    rc = llama_cpp.llama_model_quantize(str(src).encode(), str(dst).encode(), ctypes.byref(params))
    assert rc == 0 and dst.is_file(), f"llama_model_quantize({quant}) returned {rc}"
    return dst


@pytest.mark.parametrize("quant", sorted(FTYPES))
def test_backend_loads_and_generates_a_quantised_model(f16_gguf: Path, tmp_path, quant) -> None:
    model = quantize(f16_gguf, tmp_path / f"m-{quant.lower()}.gguf", quant)
    env = {k: v for k, v in os.environ.items() if k != ENV}  # the default: follow the CPU
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(model)],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    # -11 (SIGSEGV) was llama.cpp's AMX kernel (ggml_backend_amx_mul_mat) on an AMX CPU.
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["describe"]["extra_bufts"] is (not out["amx"])
    assert out["describe"]["layers"] == AMX_SHAPE.n_layer
    assert isinstance(out["text"], str)
