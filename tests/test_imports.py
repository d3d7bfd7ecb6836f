"""The import graph of tm/ has no cycles: a module is read before the modules that use
it, so each can be understood (and tested) from the ones it imports.

The graph is read from the source with `ast`: an edge for every `import tm...` or
`from tm... import`, at module level or inside a function (a deferred import is still a
dependency); imports under `if TYPE_CHECKING:` are left out (they never run).
`from tm.x import y` is an edge to tm.x.y when that is a module, else to tm.x.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

TM = Path(__file__).resolve().parent.parent / "tm"
Graph = dict[str, dict[str, str]]
"""module -> {imported module: "module" (at module level) or "function" (deferred)}"""

def _modules(root: Path) -> dict[str, Path]:
    out = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _type_checking(test: ast.expr) -> bool:
    return "TYPE_CHECKING" in ast.unparse(test)


def _imported(node: ast.Import | ast.ImportFrom, here: str) -> list[str]:
    """Absolute names a statement imports (`from x import y` gives x.y, then x decides)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        parts = here.split(".")
        name = ".".join(parts[: len(parts) - node.level + 1] + (
            [node.module] if node.module else []))
    else:
        name = node.module or ""
    return [f"{name}.{alias.name}" for alias in node.names]


def _imports(path: Path, module: str, modules: dict[str, Path]) -> dict[str, str]:
    """The modules of the package that `path` imports, with "module" or "function"."""
    here = module if path.name == "__init__.py" else module.rpartition(".")[0]
    edges: dict[str, str] = {}

    def walk(nodes: list[ast.AST], kind: str) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and _type_checking(node.test):
                walk(list(node.orelse), kind)
                continue
            if isinstance(node, ast.Import | ast.ImportFrom):
                for name in _imported(node, here):
                    while name and name not in modules:
                        name = name.rpartition(".")[0]
                    if name and name != module and edges.get(name) != "module":
                        edges[name] = kind
            inner = "function" if isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) else kind
            walk(list(ast.iter_child_nodes(node)), inner)

    walk(list(ast.parse(path.read_text("utf-8")).body), "module")
    return edges


def import_graph(root: Path) -> Graph:
    """The imports among the modules of the package at `root`."""
    modules = _modules(root)
    return {m: _imports(path, m, modules) for m, path in modules.items()}


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), sorted."""
    edges = {m: list(e) for m, e in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
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
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(found)


@lru_cache(maxsize=1)
def tm_graph() -> Graph:
    return import_graph(TM)


def test_the_graph_is_read() -> None:
    graph = tm_graph()
    assert len(graph) > 60
    assert graph["tm.segment"]["tm.segment.rules"] == "module"
    assert "tm.terms" in graph["tm.checks.termcheck"]  # deferred: still an edge


def test_a_cycle_is_found(tmp_path: Path) -> None:
    """The check can fail: a package whose modules import each other, one of them only
    inside a function, and another only under TYPE_CHECKING."""
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from pkg.sub import b\n")
    (pkg / "sub" / "b.py").write_text("def f():\n    from pkg import a\n")
    (pkg / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import d\n")
    (pkg / "d.py").write_text("from . import c\n")
    graph = import_graph(pkg)
    assert graph["pkg.a"] == {"pkg.sub.b": "module"}
    assert graph["pkg.sub.b"] == {"pkg.a": "function"}
    assert graph["pkg.d"] == {"pkg.c": "module"}
    assert cycles(graph) == [["pkg.a", "pkg.sub.b"]]
    assert "imports inside functions" in _explain(graph, cycles(graph))


def _explain(graph: Graph, found: list[list[str]]) -> str:
    """The edges of each cycle, each marked as a module-level or a deferred import."""
    return "\n".join(
        "cycle: " + ", ".join(f"{a} -> {b} ({graph[a][b]})"
                              for a in c for b in c if b in graph[a])
        + " (imports inside functions are edges too: pass the dependency in, or move what"
          " both need to a module of its own)" for c in found)


def test_no_cycle() -> None:
    """No cycle, deferred imports included: a module that imports one of its importers,
    even inside a function, is a cycle."""
    graph = tm_graph()
    found = cycles(graph)
    assert found == [], _explain(graph, found)
