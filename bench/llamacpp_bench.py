"""llama.cpp speed on one machine: C API vs AM-Med's own llamacpp backend, CPU vs GPU.

Run by bench/gpu_llamacpp.sh (which builds llama-cpp-python and makes the model). Each
sub-command prints one JSON line per measurement (also appended to --out):

  make-model PATH [--tiny]          random-weight InternLM2.5-7B-shaped GGUF (F16)
  quantize SRC DST                  Q4_K_M through llama_cpp.llama_model_quantize
  capi MODEL --ngl N --fa 0|1       pp512 / tg256 straight through the C API (llama-bench's method)
  product MODEL --ngl N --fa 0|1    the same through inference.backends.llamacpp (Llama class)
  ctor MODEL --ngl N --fa 0|1 --ctx C   load + decode through Llama(...) with those arguments
  concurrency MODEL --ngl N         N conversations at once: one context, N sequences, batched

Tokens are random ids (no tokenizer in the timed loop), like llama-bench.

Every load leaves llama.cpp's extra CPU buffer types off on an AMX CPU, as the product does
(``inference.llama_runtime``: its AMX kernel segfaults on quantised weights);
``AMMED_LLAMACPP_EXTRA_BUFTS=0/1`` forces them. Records carry ``extra_bufts``.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import statistics
import sys
import time
from pathlib import Path

OUT: Path | None = None


def emit(record: dict) -> None:
    line = json.dumps(record, ensure_ascii=False)
    print(line, flush=True)
    if OUT is not None:
        with OUT.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")


def tokens(n: int, n_vocab: int, seed: int = 0) -> list[int]:
    import random

    rnd = random.Random(seed)
    return [rnd.randrange(300, n_vocab) for _ in range(n)]


# -- model -------------------------------------------------------------------------
def cmd_make_model(a: argparse.Namespace) -> None:
    from inference.random_gguf import INTERNLM2_7B, TINY, write_random_gguf

    t = time.perf_counter()
    shape = TINY if a.tiny else INTERNLM2_7B
    write_random_gguf(Path(a.path), shape, f16=True, progress=lambda m: print(m, flush=True))
    emit(
        {
            "step": "make-model",
            "path": a.path,
            "bytes": Path(a.path).stat().st_size,
            "seconds": round(time.perf_counter() - t, 1),
        }
    )


def cmd_quantize(a: argparse.Namespace) -> None:
    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = llama_cpp.LLAMA_FTYPE_MOSTLY_Q4_K_M
    params.nthread = os.cpu_count() or 4
    t = time.perf_counter()
    rc = llama_cpp.llama_model_quantize(a.src.encode(), a.dst.encode(), ctypes.byref(params))
    emit(
        {
            "step": "quantize",
            "rc": rc,
            "bytes": Path(a.dst).stat().st_size if rc == 0 else 0,
            "seconds": round(time.perf_counter() - t, 1),
        }
    )
    if rc != 0:
        sys.exit(1)


# -- C API -------------------------------------------------------------------------
class CApi:
    """Minimal llama.cpp driver: model + context + batch, decode and time."""

    def __init__(
        self,
        model: str,
        ngl: int,
        fa: int,
        n_ctx: int,
        n_seq: int = 1,
        n_batch: int = 512,
        threads: int = 0,
    ) -> None:
        import llama_cpp as L

        from inference.llama_runtime import use_extra_buffer_types

        self.L = L
        L.llama_backend_init()
        mp = L.llama_model_default_params()
        mp.n_gpu_layers = ngl
        mp.use_extra_bufts = use_extra_buffer_types()  # AMX crash guard, as load_llama
        self.extra_bufts = bool(mp.use_extra_bufts)
        self.model = L.llama_model_load_from_file(model.encode(), mp)
        if not self.model:
            raise SystemExit("model load failed")
        cp = L.llama_context_default_params()
        cp.n_ctx = n_ctx
        cp.n_batch = n_batch
        cp.n_ubatch = min(n_batch, 512)
        cp.n_seq_max = n_seq
        cp.kv_unified = n_seq > 1
        cp.flash_attn_type = (
            L.LLAMA_FLASH_ATTN_TYPE_ENABLED if fa else L.LLAMA_FLASH_ATTN_TYPE_DISABLED
        )
        n_thr = threads or (os.cpu_count() or 4)
        cp.n_threads = n_thr
        cp.n_threads_batch = n_thr
        cp.no_perf = True
        self.ctx = L.llama_init_from_model(self.model, cp)
        if not self.ctx:
            raise SystemExit("context init failed")
        self.n_vocab = L.llama_vocab_n_tokens(L.llama_model_get_vocab(self.model))
        self.batch = L.llama_batch_init(max(n_batch, n_seq), 0, n_seq)

    def clear(self) -> None:
        self.L.llama_memory_clear(self.L.llama_get_memory(self.ctx), True)

    def decode(self, items: list[tuple[int, int, int, bool]]) -> None:
        """items: (token, pos, seq, want_logits)."""
        b = self.batch
        for i, (tok, pos, seq, logits) in enumerate(items):
            b.token[i] = tok
            b.pos[i] = pos
            b.n_seq_id[i] = 1
            b.seq_id[i][0] = seq
            b.logits[i] = logits
        b.n_tokens = len(items)
        rc = self.L.llama_decode(self.ctx, b)
        if rc != 0:
            raise SystemExit(f"llama_decode returned {rc}")

    def sync(self) -> None:
        self.L.llama_synchronize(self.ctx)

    def pp(self, n: int) -> float:
        self.clear()
        toks = tokens(n, self.n_vocab)
        t = time.perf_counter()
        for start in range(0, n, 512):
            chunk = toks[start : start + 512]
            self.decode([(tk, start + i, 0, start + i == n - 1) for i, tk in enumerate(chunk)])
        self.sync()
        return n / (time.perf_counter() - t)

    def tg(self, n: int) -> float:
        self.clear()
        toks = tokens(n, self.n_vocab, seed=1)
        t = time.perf_counter()
        for i, tk in enumerate(toks):
            self.decode([(tk, i, 0, True)])
            self.sync()
        return n / (time.perf_counter() - t)


def _median(fn, reps: int) -> tuple[float, list[float]]:
    vals = [fn() for _ in range(reps)]
    return statistics.median(vals), [round(v, 1) for v in vals]


def cmd_capi(a: argparse.Namespace) -> None:
    api = CApi(a.model, a.ngl, a.fa, a.ctx, threads=a.threads)
    api.pp(64)  # warm-up (kernels, buffers)
    api.tg(8)
    pp, pps = _median(lambda: api.pp(a.pp), a.reps)
    tg, tgs = _median(lambda: api.tg(a.tg), a.reps)
    emit(
        {
            "path": "capi",
            "extra_bufts": api.extra_bufts,
            "ngl": a.ngl,
            "fa": a.fa,
            "ctx": a.ctx,
            "threads": a.threads,
            f"pp{a.pp}": round(pp, 1),
            f"tg{a.tg}": round(tg, 1),
            "pp_runs": pps,
            "tg_runs": tgs,
        }
    )


# -- the product path ------------------------------------------------------------------
def _backend(a: argparse.Namespace):
    from inference.backends.llamacpp import LlamaCppBackend
    from inference.base import LLMConfig

    cfg = LLMConfig(
        backend="llamacpp",
        model=str(Path(a.model).resolve()),
        gpu_layers=a.ngl,
        ctx=a.ctx,
        flash_attn=bool(a.fa),
        threads=a.threads,
        timeout_s=600.0,
    )
    return LlamaCppBackend(cfg)


def cmd_product(a: argparse.Namespace) -> None:
    import llama_cpp

    be = _backend(a)
    llm = be.llm
    n_vocab = llm.n_vocab()

    def pp() -> float:
        llm.reset()
        llm._ctx.kv_cache_seq_rm(-1, 0, -1)
        toks = tokens(a.pp, n_vocab)
        t = time.perf_counter()
        llm.eval(toks)
        llama_cpp.llama_synchronize(llm._ctx.ctx)
        return a.pp / (time.perf_counter() - t)

    def tg() -> float:
        # Llama.generate: the loop create_completion runs (sampler chain + eval per token).
        llm.reset()
        prompt = tokens(16, n_vocab, seed=2)
        gen = llm.generate(prompt, temp=0.0, reset=True)
        next(gen)  # prompt processed, first token sampled
        t = time.perf_counter()
        for i, _tok in enumerate(gen):
            if i + 1 >= a.tg:
                break
        gen.close()
        return a.tg / (time.perf_counter() - t)

    pp()
    pp_v, pps = _median(pp, a.reps)
    tg_v, tgs = _median(tg, a.reps)
    # End to end: chat template, sampling, detokenising, one ~500-token prompt, 256 tokens.
    eos = llm.token_eos()
    text = "患者问题：" + "血压160/100，头晕，能吃华法林吗？" * 28
    t = time.perf_counter()
    out = llm.create_chat_completion(
        messages=[
            {"role": "system", "content": "你是随访助手。"},
            {"role": "user", "content": text},
        ],
        max_tokens=a.tg,
        temperature=0.0,
        logit_bias={eos: -1000.0},
    )
    e2e = time.perf_counter() - t
    emit(
        {
            "path": "product",
            "extra_bufts": be.extra_bufts,
            "ngl": a.ngl,
            "fa": a.fa,
            "ctx": a.ctx,
            "threads": a.threads,
            f"pp{a.pp}": round(pp_v, 1),
            f"tg{a.tg}": round(tg_v, 1),
            "pp_runs": pps,
            "tg_runs": tgs,
            "chat_prompt_tokens": out["usage"]["prompt_tokens"],
            "chat_completion_tokens": out["usage"]["completion_tokens"],
            "chat_seconds": round(e2e, 3),
            "load_seconds": round(be.load_seconds, 2),
        }
    )


def cmd_ctor(a: argparse.Namespace) -> None:
    """Llama(...) with the arguments of the reported crash; prints each stage (faulthandler on).

    Loaded through ``load_llama`` (the same ``Llama`` arguments, AMX guard as the product);
    ``AMMED_LLAMACPP_EXTRA_BUFTS=1`` gives plain ``Llama(...)`` on any CPU."""
    import faulthandler

    from inference.llama_runtime import load_llama

    faulthandler.enable()
    kwargs = {"n_gpu_layers": a.ngl, "n_ctx": a.ctx, "verbose": False}
    if a.fa is not None:
        kwargs["flash_attn"] = bool(a.fa) if a.fa_kind == "bool" else a.fa
    print("stage: load", a.model, kwargs, flush=True)
    llm = load_llama(a.model, **kwargs)
    extra_bufts = bool(llm.model_params.use_extra_bufts)
    print("stage: loaded; flash_attn_type =", llm.context_params.flash_attn_type, flush=True)
    toks = tokens(512, llm.n_vocab())
    llm.eval(toks)
    print("stage: eval 512 ok", flush=True)
    out = llm.create_completion(toks[:32], max_tokens=16, temperature=0.0)
    print("stage: generate ok", out["usage"], flush=True)
    emit(
        {
            "path": "ctor",
            "extra_bufts": extra_bufts,
            "kwargs": kwargs,
            "ok": True,
        }
    )


# -- concurrency -----------------------------------------------------------------------
def cmd_concurrency(a: argparse.Namespace) -> None:
    """N conversations arriving together: batched prefill, then one decode step for all."""
    for n in a.n:
        api = CApi(
            a.model, a.ngl, 1, n * (a.prompt + a.gen + 16), n_seq=n, n_batch=2048, threads=a.threads
        )
        prompts = [tokens(a.prompt, api.n_vocab, seed=10 + s) for s in range(n)]
        api.pp(64)
        api.clear()
        t0 = time.perf_counter()
        items = [(tk, i, s, i == a.prompt - 1) for s in range(n) for i, tk in enumerate(prompts[s])]
        for start in range(0, len(items), 2048):
            api.decode(items[start : start + 2048])
        api.sync()
        t_prefill = time.perf_counter() - t0
        for step in range(a.gen):
            api.decode([(prompts[s][step % a.prompt], a.prompt + step, s, True) for s in range(n)])
            api.sync()
        t_all = time.perf_counter() - t0
        # Lockstep: all N finish together, so every latency (and the p95) is t_all.
        emit(
            {
                "path": "concurrency",
                "n": n,
                "prompt": a.prompt,
                "gen": a.gen,
                "prefill_s": round(t_prefill, 3),
                "latency_p95_s": round(t_all, 3),
                "agg_gen_tok_s": round(n * a.gen / (t_all - t_prefill), 1),
                "agg_total_tok_s": round(n * (a.prompt + a.gen) / t_all, 1),
            }
        )
        api.L.llama_batch_free(api.batch)
        api.L.llama_free(api.ctx)
        api.L.llama_model_free(api.model)


def main() -> None:
    global OUT
    p = argparse.ArgumentParser()
    p.add_argument("--out", default="")
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make-model")
    m.add_argument("path")
    m.add_argument("--tiny", action="store_true")
    q = sub.add_parser("quantize")
    q.add_argument("src")
    q.add_argument("dst")
    for name in ("capi", "product", "ctor", "concurrency"):
        s = sub.add_parser(name)
        s.add_argument("model")
        s.add_argument("--ngl", type=int, default=99)
        s.add_argument("--fa", type=int, default=1)
        s.add_argument("--fa-kind", default="bool")
        s.add_argument("--ctx", type=int, default=4096)
        s.add_argument("--threads", type=int, default=0)
        s.add_argument("--pp", type=int, default=512)
        s.add_argument("--tg", type=int, default=256)
        s.add_argument("--reps", type=int, default=3)
        s.add_argument("--n", type=int, nargs="*", default=[1, 2, 4, 8, 16])
        s.add_argument("--prompt", type=int, default=384)
        s.add_argument("--gen", type=int, default=128)
    a = p.parse_args()
    OUT = Path(a.out) if a.out else None
    {
        "make-model": cmd_make_model,
        "quantize": cmd_quantize,
        "capi": cmd_capi,
        "product": cmd_product,
        "ctor": cmd_ctor,
        "concurrency": cmd_concurrency,
    }[a.cmd](a)


if __name__ == "__main__":
    main()
