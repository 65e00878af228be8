"""Language-model backends (llamacpp, ollama, template) behind one small interface."""
