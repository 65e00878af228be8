"""Request body parsers for /api/v1: JSON that PostgreSQL and the services can hold.

DRF's own ``JSONParser`` lets a ``RecursionError`` from JSON nested 50,000 deep escape as a
500, and hands strings with NUL characters (which PostgreSQL text refuses) to the views.
This one answers 400 for both, and for JSON deeper than ``MAX_DEPTH``.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DrfJSONParser

MAX_DEPTH = 64  # no /api/v1 request body is close; FHIR bodies go through /fhir's own reader


def check_json(data: Any, max_depth: int = MAX_DEPTH) -> None:
    """Raise ``ParseError`` if ``data`` nests deeper than ``max_depth`` or holds a NUL
    character in a key or a string (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if "\x00" in node:
                raise ParseError("JSON strings must not contain NUL characters")
        elif isinstance(node, dict | list):
            if depth > max_depth:
                raise ParseError(f"JSON nested deeper than {max_depth} levels")
            if isinstance(node, dict):
                stack.extend((key, depth) for key in node)
                stack.extend((value, depth + 1) for value in node.values())
            else:
                stack.extend((value, depth + 1) for value in node)


class JSONParser(DrfJSONParser):
    """DRF's JSON parser, plus: nesting and NUL characters answered 400, never 500."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON nested too deeply") from None
        check_json(data)
        return data
