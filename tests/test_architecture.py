"""The shape of generator/: no import cycles between its modules, and only the CLI
talks to the terminal (print, sys.exit, argparse). Read from the source with `ast`,
module-level and function-level imports alike, so a hidden lazy import counts too."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
TERMINAL_ONLY = "generator.cli"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, ast.Module]:
    return {_module_name(p): ast.parse(p.read_text("utf-8")) for p in PACKAGE.rglob("*.py")}


def _imported(name: str, tree: ast.Module, known: set[str]) -> set[str]:
    """The generator modules `name` imports, anywhere in it; `from a import b` counts as
    importing a.b when that is a module, else a."""
    package = name if f"{name}.__init__" in known or _is_package(name) else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                whole = f"{base}.{alias.name}"
                found.add(whole if whole in known else base)
    return {m for m in found if m in known and m != name}


def _is_package(name: str) -> bool:
    return (PACKAGE.parent / name.replace(".", "/") / "__init__.py").is_file()


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imported(name, tree, known) for name, tree in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the modules along it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_the_graph_is_read_from_the_source() -> None:
    graph = _graph()
    assert "generator.pipeline" in graph["generator.cli"] or any(
        "generator.pipeline" in targets for targets in graph.values()
    )
    assert "generator.new.base" in graph["generator.new.session"]
    # a function-level import counts: the cycle finder sees what a lazy import hides
    assert _cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycles_in_generator() -> None:
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def _terminal_uses(tree: ast.Module) -> list[str]:
    uses = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "print":
                uses.append(f"print() on line {node.lineno}")
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "exit"
                and isinstance(func.value, ast.Name)
                and func.value.id == "sys"
            ):
                uses.append(f"sys.exit() on line {node.lineno}")
        if isinstance(node, ast.Import) and any(a.name == "argparse" for a in node.names):
            uses.append(f"import argparse on line {node.lineno}")
        if isinstance(node, ast.ImportFrom) and node.module == "argparse":
            uses.append(f"from argparse on line {node.lineno}")
    return uses


def test_only_the_cli_prints_exits_or_parses_arguments() -> None:
    offenders = {
        name: uses
        for name, tree in _modules().items()
        if name != TERMINAL_ONLY and (uses := _terminal_uses(tree))
    }
    assert offenders == {}
    assert _terminal_uses(_modules()[TERMINAL_ONLY])  # the check does find them where they are


def test_the_site_and_exports_do_not_import_the_scaffolder() -> None:
    """The assistant page's data comes from neutral modules (assistant_data, yamllines)."""
    graph = _graph()
    readers = [m for m in graph if m.startswith(("generator.site", "generator.exports"))]
    assert readers
    assert {m: sorted(t for t in graph[m] if t.startswith("generator.new")) for m in readers} == {
        m: [] for m in readers
    }
