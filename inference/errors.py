"""One error family for every language-model backend.

``permanent`` says whether retrying the same call can help (a missing model cannot; a
busy server can). Callers in the clinical apps treat *any* ``LLMError`` the same way:
fall back to the deterministic templates, never to an unphrased or unchecked answer.
"""

from __future__ import annotations


class LLMError(RuntimeError):
    """A backend could not answer."""

    permanent = False


class LLMConfigError(LLMError):
    """The configuration names an unknown backend or lacks a required value."""

    permanent = True


class BackendNotInstalled(LLMConfigError):
    """The optional package behind a backend is not installed."""


class ModelNotFound(LLMError):
    """The configured model file (or server-side model) does not exist."""

    permanent = True


class ModelTooLarge(LLMError):
    """The model cannot fit in the memory it would be loaded into."""

    permanent = True


class LLMUnavailable(LLMError):
    """The model server cannot be reached (transient)."""


class LLMTimeout(LLMError):
    """The answer did not finish within the configured time budget."""


class LLMOutputError(LLMError):
    """The model's output did not parse or did not match the requested schema."""
