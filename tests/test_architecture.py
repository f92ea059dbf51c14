"""The package's walls: layers import downward only, kits know no domain, pure cores stay pure.

The imports are read from the source with `ast` (every import, also those inside functions and
under TYPE_CHECKING), so a wall breaks here before anybody runs into a circular import.
docs/architecture.md draws the same layers.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "microdrama"

# From the ground up. A module may import its own package and packages of lower layers; two
# packages of one layer stay independent of each other, except on the top floor.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors",),  # the error tree: imports nothing at all
    ("config", "i18n", "spreadsheets", "archives", "sandbox"),  # ground kits
    ("lake", "db"),  # the two stores
    ("web",),  # the web kit: dependencies, guards, templates, page sections
    ("accounts",),  # users, roles, tokens, the audit log
    ("catalog",),  # works, companies, platforms, people, the import ledger
    ("review", "script"),  # expert review records; the script studio
    ("ingest", "index"),  # imports; the Star Index
    ("panels",),  # review panels (their reviews are dated in the index's periods)
    ("demo", "producers", "reports"),  # simulator; producer portal; insight reports
    ("app", "models", "cli", "__main__"),  # the top floor: app factory, model registry, CLI
)
KITS = {"errors", "config", "i18n", "spreadsheets", "archives", "sandbox", "lake", "db", "web"}
TOP = set(LAYERS[-1])

# Pure cores: they take plain data and return plain data, so they must not reach a database,
# a web framework or our own kits for either, directly or through any helper they import.
PURE = (
    "microdrama.index.method",
    "microdrama.ingest.readers",
    "microdrama.script.parse",
    "microdrama.script.compliance",
    "microdrama.reports.content",
)
FORBIDDEN_IN_PURE = ("sqlalchemy", "fastapi", "starlette", "microdrama.db", "microdrama.web")


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _resolve(name: str) -> str:
    """The module an imported dotted name lives in (`a.b.func` -> `a.b`)."""
    modules = _modules()
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name


@cache
def _imports(module: str) -> frozenset[str]:
    """Every name a module imports, ours resolved to modules, others as written."""
    path = _modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pkg import mod` imports the module; `from mod import name` the module.
            for alias in node.names:
                dotted = f"{base}.{alias.name}"
                found.add(dotted if dotted in _modules() else base)
    ours = {_resolve(name) for name in found if name.startswith("microdrama")}
    others = {name for name in found if not name.startswith("microdrama")}
    return frozenset((ours - {module, ""}) | others)


def _ours(module: str) -> set[str]:
    return {name for name in _imports(module) if name.startswith("microdrama")}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _layer(package: str) -> int:
    for index, layer in enumerate(LAYERS):
        if package in layer:
            return index
    raise AssertionError(
        f"package microdrama.{package} stands on no layer: add it to LAYERS in "
        "tests/test_architecture.py and to the drawing in docs/architecture.md"
    )


def _edges() -> Iterable[tuple[str, str]]:
    for module in _modules():
        for imported in _ours(module):
            yield module, imported


def test_every_package_stands_on_a_layer() -> None:
    packages = {_package(m) for m in _modules()} - {"__init__"}
    for package in packages:
        _layer(package)


def test_imports_run_down_the_layers_only() -> None:
    wrong = []
    for module, imported in _edges():
        mine, theirs = _package(module), _package(imported)
        if mine == theirs or theirs == "__init__":
            continue
        if mine in TOP and theirs in TOP:
            continue
        if _layer(theirs) >= _layer(mine):
            wrong.append(f"{module} -> {imported}")
    assert wrong == [], "imports that run up or sideways:\n" + "\n".join(sorted(wrong))


def test_no_module_imports_itself_through_a_circle() -> None:
    graph = {module: _ours(module) for module in _modules()}
    circles = [component for component in _strongly_connected(graph) if len(component) > 1]
    assert circles == [], f"modules that import each other in a circle: {circles}"


def test_kits_import_no_domain() -> None:
    wrong = [
        f"{module} -> {imported}"
        for module, imported in _edges()
        if _package(module) in KITS and _package(imported) not in KITS
    ]
    assert wrong == []


def test_errors_import_nothing_of_ours() -> None:
    assert _ours("microdrama.errors") == set()


def test_a_domain_page_never_imports_another_domains_page() -> None:
    edges = {"pages", "admin_pages", "api"}
    wrong = [
        f"{module} -> {imported}"
        for module, imported in _edges()
        if module.rpartition(".")[2] in edges
        and imported.rpartition(".")[2] in edges
        and _package(module) != _package(imported)
    ]
    assert wrong == []


@pytest.mark.parametrize("core", PURE)
def test_a_pure_core_reaches_no_database_and_no_web(core: str) -> None:
    members = [m for m in _modules() if m == core or m.startswith(core + ".")]
    assert members, f"{core} holds no modules"
    for member in members:
        reached = _reachable(member)
        bad = sorted(
            (via, name)
            for via, names in reached.items()
            for name in _imports(via)
            if name.startswith(FORBIDDEN_IN_PURE)
        )
        assert bad == [], f"{member} reaches {bad} (module, import)"


def test_the_purity_check_can_fail() -> None:
    # The check must see through helpers: the index service reaches SQLAlchemy.
    reached = _reachable("microdrama.index.service")
    assert any(name.startswith("sqlalchemy") for module in reached for name in _imports(module))


def _reachable(start: str) -> dict[str, None]:
    """The modules of ours that `start` reaches, itself included, in the order found."""
    seen: dict[str, None] = {}
    stack = [start]
    while stack:
        module = stack.pop()
        if module in seen:
            continue
        seen[module] = None
        stack.extend(_ours(module))
    return seen


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components
