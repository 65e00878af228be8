"""Language-model backends (llamacpp, ollama, openai-compatible, template) behind one small
interface. See ``inference.base`` for the contract and ``inference.registry.get_backend``."""
