#!/usr/bin/env bash
# llama.cpp on an NVIDIA H200 (or any CUDA GPU): build, make a model, measure.
#
#   bash bench/gpu_llamacpp.sh            # everything; logs and JSON lines under $OUT
#
# Inputs (all offline; the GPU machine has no network):
#   $GPU_DIR/llama_cpp_python-0.3.36-slim.tar.gz   slimmed sdist (bench/slim_sdist.sh makes it)
#   $GPU_DIR/whl/*.whl                              gguf 0.19.0 + diskcache (pure Python)
#   $GPU_DIR/src/{inference,bench}                  AM-Med's backend and this bench (optional)
# Steps: (1) build llama-cpp-python with CUDA for sm_90 while (2) a random-weight
# InternLM2.5-7B-shaped F16 GGUF is written, (3) quantise it to Q4_K_M, (4) pp512/tg256
# through the C API and through AM-Med's llamacpp backend, GPU (full offload) and CPU,
# (5) the reported Llama(...) crash configurations, (6) N conversations at once.
set -uo pipefail
GPU_DIR=${GPU_DIR:-.gpu/i8}
OUT=${BENCH_OUT:-/tmp/ammed-bench-out}
W=${WORK:-/tmp/ammed-llm}
JOBS=${JOBS:-$(nproc)}
mkdir -p "$OUT" "$W"
R="$OUT/results.jsonl"
log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$OUT/steps.log"; }

python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site "$GPU_DIR"/whl/*.whl
# AM-Med's code: a copy under $GPU_DIR/src when the run happens in another checkout, else here.
SRC=$GPU_DIR/src; [ -d "$SRC/inference" ] || SRC=$PWD
export PYTHONPATH=/tmp/site:$SRC PYTHONUNBUFFERED=1
B="python3 $SRC/bench/llamacpp_bench.py --out $R"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$OUT/gpu.txt"
lscpu | grep -E "Model name|^CPU\(s\)" >> "$OUT/gpu.txt"

log "build llama-cpp-python (CUDA sm_90) in the background"
(
  set -e
  if ls /tmp/site/llama_cpp/lib/libggml-cuda* >/dev/null 2>&1; then echo "already built"; exit 0; fi
  rm -rf "$W/src" && mkdir -p "$W/src" && tar xzf "$GPU_DIR"/llama_cpp_python-0.3.36-slim.tar.gz -C "$W/src"
  cd "$W/src"/llama_cpp_python-0.3.36
  CMAKE_ARGS="-DGGML_CUDA=on -DCMAKE_CUDA_ARCHITECTURES=90 -DLLAVA_BUILD=off" \
    CMAKE_BUILD_PARALLEL_LEVEL=$JOBS \
    python3 -m pip wheel -v --no-build-isolation --no-deps -w "$W/wheel" .
  python3 -m pip install -q --no-index --no-deps --target /tmp/site "$W"/wheel/llama_cpp_python-*.whl
) > "$OUT/build.log" 2>&1 &
BUILD=$!

if [ ! -s "$W/q4km.gguf" ]; then
  log "write random-weight InternLM2.5-7B-shaped F16 GGUF"
  $B make-model "$W/f16.gguf" 2>&1 | tail -3
fi
wait $BUILD; rc=$?
log "build finished rc=$rc"
[ $rc -eq 0 ] || { tail -40 "$OUT/build.log"; exit 1; }
ls -la "$W"/wheel | tee -a "$OUT/steps.log"

if [ ! -s "$W/q4km.gguf" ]; then
  log "quantise to Q4_K_M"
  $B quantize "$W/f16.gguf" "$W/q4km.gguf" > "$OUT/quantize.log" 2>&1; tail -1 "$OUT/quantize.log"
  rm -f "$W/f16.gguf"
fi
M="$W/q4km.gguf"

log "GPU, C API"
$B capi "$M" --ngl 99 --fa 1
$B capi "$M" --ngl 99 --fa 0
log "GPU, AM-Med llamacpp backend"
$B product "$M" --ngl 99 --fa 1
$B product "$M" --ngl 99 --fa 0
log "Llama(...) constructor variants (crash hunt; faulthandler)"
for v in "--ctx 4096 --fa 1" "--ctx 512 --fa 1" "--ctx 4096 --fa 0" "--ctx 512 --fa 0"; do
  log "ctor $v"; $B ctor "$M" --ngl 99 $v > "$OUT/ctor_$(echo $v | tr -d ' -').log" 2>&1
  echo "exit=$?" >> "$OUT/ctor_$(echo $v | tr -d ' -').log"; tail -4 "$OUT/ctor_$(echo $v | tr -d ' -').log"
done
log "concurrency"
$B concurrency "$M" --ngl 99 --n 1 2 4 8 16 32
log "CPU ($JOBS threads), C API and backend"
$B capi "$M" --ngl 0 --fa 1 --reps 1 --threads "$JOBS"
$B product "$M" --ngl 0 --fa 1 --reps 1 --tg 64 --threads "$JOBS"
log "done"
