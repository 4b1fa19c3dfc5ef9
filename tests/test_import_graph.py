"""The code's import graph: packages import downwards only, and only libraries' public interfaces.

Every import counts, at the top of a module or inside a function. Layers, lowest first:
    base         settings, failpoints, fast_exit, parsing, messages (what the reports say)
    vocabulary   storage (connections, the writers' lock), catalog, domain (parsed submissions, value rows, issues)
                 raw_tables (each raw table's columns)
    work         ingest (readers, parsers, landing, reports), quality (gates, Great Expectations): neither
                 imports the other
    steps        intake (one file: read → parse → gate → report → land), build_state, dbt_runner, serving,
                 docs_site, forms, precheck, instance
    resources    resources
    dagster      assets
    entry        schedules, definitions, run_once
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from dagster_project.settings import REPO_ROOT

PACKAGE = "dagster_project"
LAYERS = [
    {"settings", "failpoints", "fast_exit", "parsing", "messages"},
    {"storage", "catalog", "domain", "raw_tables"},
    {"ingest", "quality"},
    {"intake", "build_state", "dbt_runner", "serving", "docs_site", "forms", "precheck", "instance"},
    {"resources"},
    {"assets"},
    {"schedules", "definitions", "run_once"},
]
# dbt-core's documented programmatic entry point is dbt.cli.main; dagster-dbt's public API is its top level.
ALLOWED_DBT = {"dbt.cli.main"}
# The one use of Dagster's internals, kept on purpose: instance.py pools the SQLite event log's connections
# (a subclass of Dagster's storage class; ~3 s of a run's fixed overhead). Nothing else may join it.
DAGSTER_INTERNALS_ALLOWED = {"dagster_project/instance.py"}


def _modules(root: Path) -> dict[str, Path]:
    return {
        ".".join(path.relative_to(root.parent).with_suffix("").parts).removesuffix(".__init__"): path
        for path in root.rglob("*.py")
    }


def imports_of(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """Absolute names of what a module imports (`from x import y` gives x.y when x.y is a module), with lines."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            yield name, node.lineno
            for alias in node.names:
                yield f"{name}.{alias.name}", node.lineno


def unit_of(name: str, modules: dict[str, Path]) -> str | None:
    """The package or top-level module of dagster_project a name belongs to."""
    parts = name.split(".")
    if parts[0] != PACKAGE or len(parts) < 2:
        return None
    return parts[1] if ".".join(parts[:2]) in modules else None


def layer_of(unit: str) -> int:
    (index,) = [i for i, units in enumerate(LAYERS) if unit in units]
    return index


@pytest.fixture(scope="module")
def graph() -> dict[str, dict[str, list[str]]]:
    """unit -> unit it imports -> where (module:line)."""
    modules = _modules(REPO_ROOT / PACKAGE)
    edges: dict[str, dict[str, list[str]]] = {}
    for module, path in modules.items():
        source = unit_of(module, modules)
        if source is None:
            continue
        for name, line in imports_of(module, path):
            target = unit_of(name, modules)
            if target is not None and target != source:
                edges.setdefault(source, {}).setdefault(target, []).append(f"{module}:{line}")
    return edges


def test_every_package_and_module_has_a_layer():
    units = {unit_of(m, _modules(REPO_ROOT / PACKAGE)) for m in _modules(REPO_ROOT / PACKAGE)} - {None}
    assert units <= set().union(*LAYERS), f"not placed in a layer: {sorted(units - set().union(*LAYERS))}"


# Siblings that meet only through what lies below them: the readers make the domain's types, the gates judge them.
APART = {"ingest", "quality"}


def test_packages_import_downwards_only(graph):
    upwards = [
        f"{source} → {target} ({', '.join(where)})"
        for source, targets in graph.items()
        for target, where in targets.items()
        if layer_of(target) > layer_of(source) or {source, target} <= APART
    ]
    assert not upwards, "imports from a higher layer, or between the readers and the gates:\n" + "\n".join(upwards)


def cycles_in(graph: dict[str, dict[str, list[str]]]) -> list[str]:
    cycles = set()
    for start in graph:
        stack = [(start, [start])]
        while stack:
            unit, path = stack.pop()
            for target in graph.get(unit, {}):
                if target == start:
                    cycles.add(" → ".join([*path, start]))
                elif target not in path:
                    stack.append((target, [*path, target]))
    return sorted(cycles)


def test_there_is_no_import_cycle(graph):
    assert not cycles_in(graph), "import cycles:\n" + "\n".join(cycles_in(graph))


def modules_imported(path: Path) -> Iterator[tuple[str, int]]:
    """The modules a file imports from, by their absolute names (relative imports are the project's own)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            yield node.module, node.lineno


def internal_imports(path: Path) -> list[str]:
    found = []
    relative = path.relative_to(REPO_ROOT).as_posix() if path.is_relative_to(REPO_ROOT) else path.name
    for name, line in modules_imported(path):
        if name.startswith("dagster._") and relative in DAGSTER_INTERNALS_ALLOWED:
            continue
        top, _, rest = name.partition(".")
        if (
            (top == "dbt" and rest and name not in ALLOWED_DBT)
            or (top == "dagster_dbt" and rest)
            or (top == "dagster" and rest.startswith("_"))
            or top in ("dbt_common", "dbt_adapters")
        ):
            found.append(f"{relative}:{line}: {name}")
    return found


def test_dbt_and_dagster_dbt_are_used_through_their_public_interfaces_only():
    internal = [
        found
        for folder in (PACKAGE, "bench", "bi", "tests")
        for path in (REPO_ROOT / folder).rglob("*.py")
        for found in internal_imports(path)
    ]
    assert not internal, "internal modules of dbt or Dagster:\n" + "\n".join(internal)


def test_the_checks_find_what_they_look_for(tmp_path):
    """The graph reader itself: a cycle and internal imports written into a throwaway package are seen."""
    package = tmp_path / PACKAGE
    for folder in ("ingest", "quality"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "ingest" / "a.py").write_text(
        "from ..quality.b import x\nfrom dagster_dbt.asset_utils import y\n"
        "import dbt.adapters.duckdb\nfrom dbt.cli.main import dbtRunner\n"
    )
    (package / "quality" / "b.py").write_text("def f():\n    from ..ingest import a\n")
    modules = _modules(package)
    graph = {}
    for module, path in modules.items():
        for name, line in imports_of(module, path):
            target = unit_of(name, modules)
            if target and target != unit_of(module, modules):
                graph.setdefault(unit_of(module, modules), {}).setdefault(target, []).append(str(line))
    assert graph == {"ingest": {"quality": ["1", "1"]}, "quality": {"ingest": ["2", "2"]}}
    assert cycles_in(graph) == ["ingest → quality → ingest", "quality → ingest → quality"]
    assert cycles_in({"ingest": {"domain": []}, "quality": {"domain": []}}) == []
    found = internal_imports(package / "ingest" / "a.py")
    assert [f.rsplit(": ", 1)[1] for f in found] == ["dagster_dbt.asset_utils", "dbt.adapters.duckdb"]
