#!/usr/bin/env bash
# The H200 LoRA run (docs/benchmarks.md, "Training"). Prepares the carry folder here; the
# device command itself is run through the device tool from the lead's checkout.
#
#   bench/training_gpu.sh [CHECKOUT]      # default CHECKOUT: this repository
#
# Then, on the device (carry [".gpu/i9"]):
#   python3 .gpu/i9/gpu_entry.py --data .gpu/i9/data --out $OUT --pretrain-s 75 --lora-s 75
# and here, with the files it returns:
#   .venv/bin/python -m training.plot OUT/loss_log.jsonl docs/training_loss.png
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CHECKOUT="${1:-$ROOT}"
DEST="$CHECKOUT/.gpu/i9"
rm -rf "$DEST"
mkdir -p "$DEST/training"
cd "$ROOT"
.venv/bin/python -m training.gpu_data "$DEST/data" "${AMMED_SHARED_DATA_DIR:-$ROOT/../shared/data}"
cp training/__init__.py training/chat.py training/checkpoint.py training/convert.py \
   training/internlm2.py training/lora.py training/gpu_run.py "$DEST/training/"
cat > "$DEST/gpu_entry.py" <<'PY'
"""Entry point: this folder first on sys.path, so its training/ shadows the checkout's."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from training.gpu_run import main  # noqa: E402

main()
PY
du -sh "$DEST"
