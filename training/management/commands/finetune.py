"""``manage.py finetune --model LLAMA_DIR --data DATA_DIR --out OUT``: LoRA/QLoRA + merge (no xtuner)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from training import lora, tokenizer
from training.convert import copy_tokenizer


class Command(BaseCommand):
    help = "LoRA (or --qlora) fine-tune a Llama-layout checkpoint on messages JSONL, then merge."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--model", required=True, help="Llama-layout dir with tokenizer.model")
        parser.add_argument("--data", required=True, help="dir with train.jsonl and val.jsonl")
        parser.add_argument("--out", required=True)
        parser.add_argument("--steps", type=int, default=1000)
        parser.add_argument("--batch-size", type=int, default=4)
        parser.add_argument("--max-len", type=int, default=2048)
        parser.add_argument("--lr", type=float, default=2e-4)
        parser.add_argument("--lora-r", type=int, default=64)
        parser.add_argument("--lora-alpha", type=int, default=16)
        parser.add_argument("--qlora", action="store_true")
        parser.add_argument("--bf16", action="store_true")
        parser.add_argument("--device", default="cuda")

    def handle(self, *args, **o) -> None:
        out = Path(o["out"])
        out.mkdir(parents=True, exist_ok=True)
        sp = tokenizer.load(Path(o["model"]) / "tokenizer.model")
        cfg = lora.TrainConfig(
            steps=o["steps"],
            batch_size=o["batch_size"],
            max_len=o["max_len"],
            lr=o["lr"],
            lora_r=o["lora_r"],
            lora_alpha=o["lora_alpha"],
            qlora=o["qlora"],
            bf16=o["bf16"] or o["qlora"],
        )
        model = lora.load_model(o["model"], cfg, o["device"])
        data = Path(o["data"])
        train = lora.encode_records(lora.read_jsonl(data / "train.jsonl"), sp, cfg.max_len)
        val = lora.encode_records(lora.read_jsonl(data / "val.jsonl"), sp, cfg.max_len)
        with (out / "loss_log.jsonl").open("w") as log_f:

            def log(rec: dict) -> None:
                log_f.write(json.dumps(rec) + "\n")
                log_f.flush()
                self.stdout.write(json.dumps(rec))

            res = lora.train(
                model, train, val, cfg, device=o["device"], pad_id=sp.unk_id(), log=log
            )
        res["model"].save_pretrained(str(out / "adapter"))
        summary = {k: v for k, v in res.items() if k != "model"}
        if cfg.qlora:
            # Merge into the full-precision base, not the 4-bit one the adapter trained on.
            del res["model"]
            lora.merge_adapter_dirs(o["model"], out / "adapter", out / "merged")
        else:
            lora.merge_adapter(res["model"], out / "merged")
            copy_tokenizer(Path(o["model"]), out / "merged")
        (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
        self.stdout.write(
            self.style.SUCCESS(
                f"val loss {summary['val_loss_first']:.3f} -> {summary['val_loss_last']:.3f}; "
                f"{summary['tokens_per_s']} tokens/s"
            )
        )
