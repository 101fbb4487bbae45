"""The house's arrows run one way: the Faust layer depends on the core and the contract,
never the reverse, and no module imports another that imports it back."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("agents", "schemas", "streams")
# The pure side: no Faust, no Kafka client, nothing of the app or the agents around it.
PURE = ("agents/core", "agents/reader", "schemas")
FAUST_LAYER = ("faust", "aiokafka", "streams", "agents.stream")


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}


def _type_only(tree: ast.Module) -> set[int]:
    """Line numbers of the imports inside `if TYPE_CHECKING:` blocks."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                lines.update(n.lineno for n in ast.walk(inner) if hasattr(n, "lineno"))
    return lines


def _imports(path: Path, known: set[str], runtime_only: bool) -> set[str]:
    """The modules of the house (or outside names) that `path` imports, anywhere in it."""
    tree = ast.parse(path.read_text())
    skip = _type_only(tree) if runtime_only else set()
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if node.lineno in skip if hasattr(node, "lineno") else False:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            # `from pkg import mod` names a module when pkg.mod is one
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        for name in names:
            # the longest module of the house that the name is, or is inside of
            parts = name.split(".")
            inside = next(
                (
                    ".".join(parts[:i])
                    for i in range(len(parts), 0, -1)
                    if ".".join(parts[:i]) in known
                ),
                None,
            )
            found.add(inside or name)
    return found


def test_the_core_the_reader_and_the_contract_import_nothing_of_the_faust_layer() -> None:
    modules = _modules()
    known = set(modules)
    offenders = {}
    for name, path in modules.items():
        if not str(path.relative_to(ROOT)).startswith(PURE):
            continue
        bad = sorted(
            i for i in _imports(path, known, runtime_only=False) if i.startswith(FAUST_LAYER)
        )
        if bad:
            offenders[name] = bad
    assert offenders == {}


def test_only_the_cli_imports_the_app() -> None:
    modules = _modules()
    known = set(modules)
    importers = sorted(
        name
        for name, path in modules.items()
        if "streams.app" in _imports(path, known, runtime_only=False) and name != "streams.app"
    )
    assert importers == ["streams.cli"]


def test_no_module_imports_one_that_imports_it_back() -> None:
    modules = _modules()
    known = set(modules)
    graph = {
        name: {i for i in _imports(path, known, runtime_only=True) if i in known and i != name}
        for name, path in modules.items()
    }
    # A package's __init__ importing its own modules is not a circle of the house.
    for name in graph:
        graph[name] = {i for i in graph[name] if not name.startswith(i + ".") and i != name}
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert circles == []
