"""The house rules of the code layout (issue: a house the next engineer reads in ten minutes): stages import one
way, schemas/ never imports a module that imports schemas/, and no module imports inside a function."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("pipeline", "schemas")


def _modules() -> dict[str, Path]:
    found = {}
    for top in PACKAGES:
        for path in (ROOT / top).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            found[name] = path
    return found


def _imports(path: Path) -> set[str]:
    deps = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES:
            deps.add(node.module)
            deps |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            deps |= {a.name for a in node.names if a.name.split(".")[0] in PACKAGES}
    return deps


def _stage(module: str) -> str:
    """The stage a module belongs to: pipeline.<sub-package>, or the top-level module, or schemas."""
    parts = module.split(".")
    return "schemas" if parts[0] == "schemas" else ".".join(parts[:2]) if len(parts) > 1 else module


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        for dep in _imports(path):
            while dep not in modules and "." in dep:  # `from pipeline import frames` names a module
                dep = dep.rsplit(".", 1)[0]
            if dep in modules and dep not in ("pipeline",):
                graph[name].add(dep)
    return graph


def test_no_import_cycle_between_stages():
    stages: dict[str, set[str]] = defaultdict(set)
    for module, deps in list(_graph().items()):
        stages[_stage(module)] |= {_stage(d) for d in deps if _stage(d) != _stage(module)}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})) for nxt in stages[start])

    assert [s for s in list(stages) if reaches(s, s, {s})] == []


def test_schemas_import_nothing_that_imports_schemas():
    graph = _graph()

    def closure(module: str) -> set[str]:
        seen, todo = set(), [module]
        while todo:
            for dep in graph[todo.pop()]:
                if dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        return seen

    for schema in (m for m in _modules() if m.startswith("schemas")):
        assert not {d for d in closure(schema) if d.startswith("schemas") and d != schema and schema in closure(d)}
        assert not [d for d in closure(schema) if d.startswith("pipeline") and any(
            x.startswith("schemas") for x in closure(d))], schema


def test_no_imports_inside_functions():
    found = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found += [f"{name}:{inner.lineno}" for inner in ast.walk(node)
                          if isinstance(inner, ast.Import | ast.ImportFrom)]
    assert found == []
