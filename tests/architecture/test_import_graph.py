"""The project's import graph has no cycle, between apps or between files, counting imports inside functions
(they hide a cycle, they do not remove it); management commands count too. The agent server imports no Django."""

import ast
from collections import defaultdict
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP = {"migrations", "tests", "bench", ".venv", "node_modules", "__pycache__", ".git", "templates"}
# The composition root wires every app together by design.
COMPOSITION_ROOT = ("nellia.settings", "nellia.urls", "nellia.asgi", "nellia.wsgi", "nellia.celery", "nellia.routing")


def _modules() -> dict[str, Path]:
    apps = [p for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name not in SKIP]
    found = {}
    for app in apps:
        for path in app.rglob("*.py"):
            if SKIP & set(path.relative_to(ROOT).parts):
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            targets |= {f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names}
    return targets


def _resolve(name: str, known: set[str]) -> str | None:
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


Graph = dict[str, set[str]]


def _first_cycle(graph: Graph) -> list[str]:
    """A cycle of `graph` (empty when there is none)."""
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        return list(exc.args[1])
    return []


@pytest.fixture(scope="module")
def graphs() -> tuple[Graph, Graph, Graph]:
    modules = _modules()
    known = set(modules)
    files: Graph = defaultdict(set)
    apps: Graph = defaultdict(set)
    raw: Graph = {}
    for module, path in modules.items():
        raw[module] = _imports(module, path, known)
        if module.startswith(COMPOSITION_ROOT):
            continue
        for target in raw[module]:
            resolved = _resolve(target, known)
            if resolved is None or resolved == module or module.startswith(resolved + "."):
                continue  # a package's own __init__ is not a design dependency
            files[module].add(resolved)
            if module.split(".")[0] != resolved.split(".")[0]:
                apps[module.split(".")[0]].add(resolved.split(".")[0])
    return files, apps, raw


def test_no_cycle_between_apps(graphs):
    _files, apps, _raw = graphs
    assert _first_cycle(apps) == []


def test_no_cycle_between_files(graphs):
    files, _apps, _raw = graphs
    assert _first_cycle(files) == []


def test_events_imports_no_other_app(graphs):
    _files, apps, _raw = graphs
    assert apps["events"] <= {"nellia"}


def test_agent_server_imports_no_django(graphs):
    _files, _apps, raw = graphs
    project_apps = {module.split(".")[0] for module in raw} - {"mcp_bridge"}
    offenders = {
        module: sorted(t for t in targets if t.split(".")[0] in {"django", "rest_framework", *project_apps})
        for module, targets in raw.items()
        if module.startswith("mcp_bridge.agent_server")
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def test_the_check_finds_a_cycle():
    assert _first_cycle({"a": {"b"}, "b": {"a"}}) != []


def test_the_graph_is_the_projects(graphs):
    _files, apps, _raw = graphs
    assert {"leads", "agents", "metrics"} <= apps["pipeline"] and "pipeline" in apps["prospecting"]
