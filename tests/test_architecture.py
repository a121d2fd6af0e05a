"""The code's shape: no function over 80 lines, no import cycles, analyzers
never importing service (/work/shared/architecture.md, the project's rules).

Parsed with ``ast``, nothing imported: function-level imports and ``TYPE_CHECKING``
imports count as edges too, since they are the same dependency, only later.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("analyzers", "service")
MAX_FUNCTION_LINES = 80
# Functions over the limit that are being shrunk on other branches (issue 9); remove an
# entry when its function is split. Nothing may be added here.
LONG_FUNCTIONS_BEING_SPLIT: set[str] = set()


# Import cycles being removed on other branches. Nothing may be added.
CYCLES_BEING_REMOVED: list[list[str]] = []


def _sources() -> Iterator[tuple[str, Path]]:
    """(dotted module name, path) of every module of the packages, migrations aside."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts:
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            yield ".".join(parts), path


def long_functions() -> dict[str, int]:
    """``path:function`` -> lines, for every function longer than the limit."""
    out = {}
    for _, path in _sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    out[f"{path.relative_to(ROOT).as_posix()}:{node.name}"] = lines
    return out


def _imported(module: str, path: Path, modules: set[str]) -> set[str]:
    """The project modules ``module`` imports, at any level of its code."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # "from a import b": the module a.b when b is one, else a itself.
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names
            ]
        else:
            continue
        found.update(_nearest_module(name, modules) for name in names)
    found.discard(None)  # type: ignore[arg-type]
    found.discard(module)
    return found  # type: ignore[return-value]


def _nearest_module(name: str, modules: set[str]) -> str | None:
    parts = name.split(".")
    while parts:
        if ".".join(parts) in modules:
            return ".".join(parts)
        parts.pop()
    return None


def import_graph() -> dict[str, set[str]]:
    sources = dict(_sources())
    modules = set(sources)
    return {name: _imported(name, path, modules) for name, path in sources.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_function_over_the_limit() -> None:
    found = long_functions()
    assert set(found) - LONG_FUNCTIONS_BEING_SPLIT == set(), found
    # An entry whose function was split must leave the list, so it cannot grow back.
    assert LONG_FUNCTIONS_BEING_SPLIT - set(found) == set()


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == CYCLES_BEING_REMOVED


def test_analyzers_never_import_service() -> None:
    graph = import_graph()
    offenders = {
        (m, dep)
        for m, deps in graph.items()
        if m.split(".")[0] == "analyzers"
        for dep in deps
        if dep.split(".")[0] == "service"
    }
    assert offenders == set()


def test_the_checks_see_what_they_look_for() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    graph = import_graph()
    # Function-level imports count: analyze() imports the pipeline inside the function.
    assert "analyzers.pipeline" in graph["analyzers"]
    assert "analyzers.stages.decode" in graph["analyzers.pipeline"]
