"""Plot a loss log (``loss_log.jsonl`` from ``training.gpu_run`` or ``manage.py finetune``).

``python -m training.plot LOG.jsonl OUT.png [--title T]``: one panel per phase (full
pre-train, LoRA), train loss as a thin line, validation loss as dots.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def plot(log_path: str | Path, out_png: str | Path, title: str = "") -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [json.loads(x) for x in Path(log_path).read_text().splitlines() if x.strip()]
    phases = [p for p in ("full", "lora") if any(r.get("mode") == p for r in rows)]
    fig, axes = plt.subplots(1, len(phases), figsize=(5.5 * len(phases), 4), squeeze=False)
    names = {"full": "full pre-train (all weights)", "lora": "LoRA fine-tune (r=16)"}
    for ax, phase in zip(axes[0], phases, strict=True):
        tr = [
            (r["step"], r["train_loss"])
            for r in rows
            if r.get("mode") == phase and "train_loss" in r
        ]
        va = [
            (r["step"], r["val_loss"]) for r in rows if r.get("mode") == phase and "val_loss" in r
        ]
        if tr:
            ax.plot(*zip(*tr, strict=True), lw=0.8, alpha=0.6, label="train loss")
        if va:
            ax.plot(*zip(*va, strict=True), "o-", ms=3, label="validation loss")
            ax.annotate(f"{va[-1][1]:.2f}", va[-1], textcoords="offset points", xytext=(-10, 8))
        ax.set_title(names[phase])
        ax.set_xlabel("optimiser step")
        ax.set_ylabel("cross-entropy (nats/token)")
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    out = Path(out_png)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("out")
    ap.add_argument("--title", default="")
    a = ap.parse_args()
    plot(a.log, a.out, a.title)


if __name__ == "__main__":
    main()
