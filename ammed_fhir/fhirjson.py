"""FHIR JSON that keeps each decimal as it was sent (R4: a decimal's precision is significant).

A JSON number with a fraction or an exponent is read as a ``float``; when the encoder would
spell that float differently from the text it came from (``1.00``, ``0.10``, ``120.0``,
``7.250``, ``1e2``), it is read as a ``FhirDecimal`` instead: a ``float`` (the engines do
arithmetic on it unchanged; ``str``/``repr`` and arithmetic are a float's) that also remembers
its text, which ``dumps`` writes back verbatim. Request bodies, the ``Resource`` JSON columns
(``FhirJSONEncoder``/``FhirJSONDecoder``) and every ``/fhir`` response go through here.

PostgreSQL's ``jsonb`` keeps a number's scale (``1.00`` stays ``1.00``) but writes an exponent
out (``1e2`` is stored as ``100``, ``1.50e-3`` as ``0.00150``): same value and precision, not
the same spelling. SQLite keeps the text as written.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


class FhirDecimal(float):
    """A float that remembers the JSON text it was read from (``text``)."""

    __slots__ = ("text",)

    text: str

    def __new__(cls, text: str) -> FhirDecimal:
        obj = super().__new__(cls, text)
        obj.text = text
        return obj

    def __reduce__(self) -> tuple[Any, ...]:  # pickle/deepcopy keep the text
        return (FhirDecimal, (self.text,))


def parse_float(text: str) -> float:
    """``json.loads``' ``parse_float``: a plain float when ``dumps`` spells it as sent."""
    value = float(text)
    if orjson.dumps(value) == text.encode():
        return value
    return FhirDecimal(text)


def loads(text: str | bytes, **kwargs: Any) -> Any:
    """``json.loads`` keeping decimals as sent."""
    return json.loads(text, parse_float=parse_float, **kwargs)


def _default(obj: Any) -> Any:
    if isinstance(obj, FhirDecimal):
        return orjson.Fragment(obj.text)
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON, each ``FhirDecimal`` written as its original text."""
    try:
        return orjson.dumps(obj, default=_default)
    except orjson.JSONEncodeError:
        # what orjson refuses and json takes: integers beyond 64 bits, non-string keys
        return "".join(_slow(obj)).encode()


def _slow(obj: Any) -> Any:
    if isinstance(obj, FhirDecimal):
        yield obj.text
    elif isinstance(obj, dict):
        yield "{"
        for i, (key, value) in enumerate(obj.items()):
            if i:
                yield ","
            yield json.dumps(key if isinstance(key, str) else json.dumps(key), ensure_ascii=False)
            yield ":"
            yield from _slow(value)
        yield "}"
    elif isinstance(obj, list | tuple):
        yield "["
        for i, value in enumerate(obj):
            if i:
                yield ","
            yield from _slow(value)
        yield "]"
    else:
        yield json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class FhirJSONEncoder(json.JSONEncoder):
    """For ``JSONField(encoder=...)``: ``dumps`` (decimals written as sent)."""

    def encode(self, o: Any) -> str:
        return dumps(o).decode()


class FhirJSONDecoder(json.JSONDecoder):
    """For ``JSONField(decoder=...)``: decimals read back as ``FhirDecimal`` where needed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("parse_float", parse_float)
        super().__init__(*args, **kwargs)
