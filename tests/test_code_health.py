"""Code health: no module-level name is bound twice in a module of the application packages.

A second ``_SENTENCE_END = …`` or a second ``def judge`` silently replaces the first, and a reader
who finds the first one reads the wrong rule. The walk (``ast``, no import) counts, per module,
every name bound at module level: ``def``/``async def``/``class``, assignments (tuple targets
included), annotated assignments with a value, ``import``/``from … import``, and the same inside
module-level ``if``/``for``/``while``/``with``/``try`` blocks. Allowed, explicitly:

- names bound under ``if TYPE_CHECKING:`` (type-only imports; they never run);
- import fallbacks: a ``try`` whose handlers catch ``ImportError``/``ModuleNotFoundError``; the
  handlers' bindings are alternatives to the ``try`` body's, not second definitions;
- ``if``/``else`` branches: a name bound in each branch is one binding (the branches exclude
  each other), but a name bound before the ``if`` and again inside it is a redefinition;
- ``typing.overload`` stubs: ``@overload`` signatures before their implementation.

``+=`` and friends update a name, and a ``for`` or ``with`` target is a loop's or a block's
temporary: neither defines a name, neither is counted. ``import a.b`` and ``import a.c`` bind the
same package ``a``: one binding.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("clinical", "ammed_fhir", "inference", "training")
_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}


def _modules() -> list[Path]:
    return sorted(
        p
        for pkg in PACKAGES
        for p in (ROOT / pkg).rglob("*.py")
        if "migrations" not in p.parts and ".venv" not in p.parts
    )


def _targets(node: ast.expr) -> Iterator[str]:
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Tuple | ast.List):
        for elt in node.elts:
            yield from _targets(elt)
    elif isinstance(node, ast.Starred):
        yield from _targets(node.value)


def _is_overload(node: ast.AST) -> bool:
    decorators = getattr(node, "decorator_list", [])
    return any(
        (isinstance(d, ast.Name) and d.id == "overload")
        or (isinstance(d, ast.Attribute) and d.attr == "overload")
        for d in decorators
    )


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        (isinstance(n, ast.Name) and n.id in _IMPORT_ERRORS)
        or (isinstance(n, ast.Attribute) and n.attr in _IMPORT_ERRORS)
        for n in names
    )


def _bindings(body: Iterable[ast.stmt]) -> Counter[str]:
    """How often each name is bound by the statements of ``body`` (one block's level)."""
    out: Counter[str] = Counter()
    packages: set[str] = set()
    for stmt in body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if not _is_overload(stmt):
                out[stmt.name] += 1
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                out.update(_targets(target))
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            out.update(_targets(stmt.target))
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    out[alias.asname] += 1
                elif (root := alias.name.split(".")[0]) not in packages:
                    packages.add(root)  # import a.b, import a.c: the one package a
                    out[root] += 1
        elif isinstance(stmt, ast.ImportFrom):
            out.update(alias.asname or alias.name for alias in stmt.names if alias.name != "*")
        elif isinstance(stmt, ast.If):
            if _is_type_checking(stmt.test):
                continue
            body, orelse = _bindings(stmt.body), _bindings(stmt.orelse)
            out.update(body | orelse)  # a name of both exclusive branches counts once
        elif isinstance(stmt, ast.Try):
            tried = _bindings(stmt.body) + _bindings(stmt.orelse) + _bindings(stmt.finalbody)
            if stmt.handlers and all(_catches_import_error(h) for h in stmt.handlers):
                fallbacks: Counter[str] = Counter()
                for handler in stmt.handlers:
                    fallbacks |= _bindings(handler.body)
                out.update(tried | fallbacks)
            else:
                out.update(tried)
                for handler in stmt.handlers:
                    out.update(_bindings(handler.body))
        elif isinstance(stmt, ast.For | ast.While):
            out.update(_bindings(stmt.body) + _bindings(stmt.orelse))
        elif isinstance(stmt, ast.With):
            out.update(_bindings(stmt.body))
    return out


def duplicates(source: str) -> list[str]:
    """The module-level names of ``source`` bound more than once (see the module docstring)."""
    return sorted(name for name, n in _bindings(ast.parse(source).body).items() if n > 1)


def test_the_walk_finds_a_second_definition_and_allows_the_listed_forms() -> None:
    assert duplicates("A = 1\nB = 2\nA = 3\n") == ["A"]
    assert duplicates("def f(): pass\nclass f: pass\n") == ["f"]
    assert duplicates("x, y = 1, 2\nif y:\n    x = 3\n") == ["x"]
    assert duplicates("import os\nfrom os import path as os\n") == ["os"]
    allowed = (
        "from typing import TYPE_CHECKING, overload\n"
        "if TYPE_CHECKING:\n    from a import B\n"
        "from a import B\n"
        "try:\n    import ujson as json\nexcept ImportError:\n    import json\n"
        "if B:\n    C = 1\nelse:\n    C = 2\n"
        "@overload\ndef f(x: int) -> int: ...\n@overload\ndef f(x: str) -> str: ...\n"
        "def f(x): return x\n"
        "N: int\nN = 1\nN += 1\n"
        "import urllib.error\nimport urllib.request\n"
        "for _t in 'ab':\n    pass\nfor _t in 'cd':\n    pass\n"
    )
    assert duplicates(allowed) == []
    # a try that is no import fallback is no excuse
    assert duplicates("try:\n    A = 1\nexcept ValueError:\n    A = 2\n") == ["A"]


def test_no_module_level_name_is_bound_twice() -> None:
    found = {
        str(path.relative_to(ROOT)): names
        for path in _modules()
        if (names := duplicates(path.read_text(encoding="utf-8")))
    }
    assert len(_modules()) > 300  # the walk reads the packages, not an empty glob
    assert found == {}
