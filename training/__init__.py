"""Training pipeline: instruction data, (Q)LoRA fine-tuning, merge, GGUF export, evaluation."""
