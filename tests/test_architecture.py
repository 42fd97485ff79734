"""The package's import structure keeps DESIGN.md §1: no import cycle, no private (underscore)
name imported across modules, and nothing imported back up the layers.

The imports are read from the source with `ast` (nothing is imported), at module level and
inside functions alike, since a function-level import is still a dependency: it only hides a cycle
until the function runs. Imports under ``if TYPE_CHECKING:`` are annotations, not dependencies:
they count for the underscore rule but not for cycles or layers.

Each failure prints every offending edge (``importer -> imported``, with file and line), so one
run lists all the work, not the first case only.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import attrs

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "proccodes"

# DESIGN.md §1, bottom to top. A module may import from its own layer or any layer below it,
# never from a layer above. Names are relative to the package; "" is the package itself.
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("errors: the exceptions", frozenset({"errors"})),
    (
        "syntax and plumbing: argument checks, code syntax and ranges, modifiers, safe file "
        "reading, the progress bar",
        frozenset(
            {
                "_args",
                "_frozen",
                "_progress",
                "_resources",
                "_schema",
                "codes",
                "modifiers",
                "ranges",
                "sources._files",
            }
        ),
    ),
    ("records: the typed record types", frozenset({"records"})),
    (
        "building records: the converter, the shipped-data readers, the official-file loaders, "
        "ranges, the search index",
        frozenset(
            {
                "_convert",
                "_fastload",
                "_merge",
                "_official",
                "_repository",
                "_search",
                "sources",
                "sources.localities",
                "sources.ncci",
                "sources.pfs",
                "sources.rbcs",
            }
        ),
    ),
    ("catalog: the immutable Catalog and the shipped data", frozenset({"catalog"})),
    (
        "consumers: checks, claims, fees, overlays, releases, export, FHIR, the site",
        frozenset(
            {
                "_describe",
                "checks",
                "claims",
                "claims.cluster",
                "claims.engine",
                "claims.frame",
                "claims.lines",
                "claims.pricing",
                "claims.report",
                "claims.rules",
                "claims.select",
                "cpt",
                "export",
                "fees",
                "fhir",
                "release",
                "serve",
                "serve.app",
                "serve._release",
                "site",
                "sources.hcpcs",  # load_hcpcs returns a Catalog
                "testing",
            }
        ),
    ),
    ("front doors: the package facade and the command line", frozenset({"", "__main__", "cli"})),
)


@attrs.frozen
class Edge:
    """One import: ``importer`` imports ``name`` from module ``imported`` (``name`` is empty for a
    whole module)."""

    importer: str
    imported: str
    name: str
    path: str
    line: int
    type_checking: bool

    def __str__(self) -> str:
        module = self.imported or PACKAGE
        what = f"{module}.{self.name}" if self.name else module
        return f"{self.importer or PACKAGE} -> {what}  ({self.path}:{self.line})"


def _modules() -> dict[str, Path]:
    """Every module of the package, by dotted name relative to the package ('' for itself)."""
    found = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC / PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """The ids of the nodes under an ``if TYPE_CHECKING:`` block."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                for child in node.body:
                    inside.update(id(n) for n in ast.walk(child))
    return inside


def _relative(absolute: str) -> str | None:
    """``proccodes.x.y`` -> ``x.y``; ``proccodes`` -> ``''``; anything else None."""
    if absolute == PACKAGE:
        return ""
    if absolute.startswith(PACKAGE + "."):
        return absolute[len(PACKAGE) + 1 :]
    return None


def _edges() -> Iterator[Edge]:
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        hidden = _type_checking_nodes(tree)
        is_package = path.name == "__init__.py"
        package = module if is_package else module.rpartition(".")[0]
        shown = str(path.relative_to(SRC.parent))
        for node in ast.walk(tree):
            checking = id(node) in hidden
            if isinstance(node, ast.Import):
                for alias in node.names:
                    target = _relative(alias.name)
                    if target is not None:
                        yield Edge(module, target, "", shown, node.lineno, checking)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = [p for p in package.split(".") if p]
                    if node.level - 1 > len(base):  # pragma: no cover - would not import
                        continue
                    base = base[: len(base) - (node.level - 1)]
                    base += node.module.split(".") if node.module else []
                    target = ".".join(base)
                else:
                    found = _relative(node.module or "")
                    if found is None:
                        continue
                    target = found
                for alias in node.names:
                    submodule = f"{target}.{alias.name}" if target else alias.name
                    if submodule in MODULES:  # `from . import _official`: a module
                        yield Edge(module, submodule, "", shown, node.lineno, checking)
                    else:
                        yield Edge(module, target, alias.name, shown, node.lineno, checking)


EDGES = tuple(_edges())


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_the_walk_sees_the_imports_it_should():
    # The walk itself: module- and function-level imports, relative and absolute, are all seen.
    assert len(MODULES) > 20
    pairs = {(e.importer, e.imported) for e in EDGES}
    assert ("codes", "errors") in pairs  # module level
    assert ("", "catalog") in pairs  # under TYPE_CHECKING in the facade
    assert ("checks", "_args") in pairs  # inside a function
    assert all(e.imported in MODULES for e in EDGES), [
        str(e) for e in EDGES if e.imported not in MODULES
    ]


def test_no_private_name_is_imported_across_modules():
    # A private module (``_official``) may be imported within the package; a private NAME of
    # another module may not: give that module a public function instead.
    offending = [str(e) for e in EDGES if _is_private(e.name) and e.imported != e.importer]
    assert not offending, "private names imported across modules:\n  " + "\n  ".join(offending)


def _private_module_attributes() -> Iterator[str]:
    """``module._name`` where ``module`` is another proccodes module bound by an import."""
    by_path = {str(path.relative_to(SRC.parent)): module for module, path in MODULES.items()}
    bound: dict[str, dict[str, str]] = {}  # file -> local name -> module
    for e in EDGES:
        if not e.name:
            bound.setdefault(e.path, {})[e.imported.rpartition(".")[2]] = e.imported
    for shown, names in bound.items():
        tree = ast.parse((SRC.parent / shown).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in names
                and _is_private(node.attr)
                and names[node.value.id] != by_path[shown]
            ):
                importer = by_path[shown] or PACKAGE
                yield f"{importer} -> {names[node.value.id]}.{node.attr}  ({shown}:{node.lineno})"


def test_no_private_attribute_of_another_module_is_read():
    offending = sorted(set(_private_module_attributes()))
    assert not offending, "private names read across modules:\n  " + "\n  ".join(offending)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (or a self-loop): Tarjan."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:  # iterative, so a deep graph cannot hit the recursion limit
        nonlocal counter
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
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
                if len(component) > 1 or node in graph.get(node, ()):
                    found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle():
    runtime = [e for e in EDGES if not e.type_checking and e.imported != e.importer]
    graph: dict[str, set[str]] = {}
    for e in runtime:
        graph.setdefault(e.importer, set()).add(e.imported)
    cycles = _cycles(graph)
    report = []
    for component in cycles:
        members = set(component)
        report.append("cycle: " + ", ".join(m or PACKAGE for m in component))
        pairs: dict[tuple[str, str], list[Edge]] = {}
        for e in runtime:
            if e.importer in members and e.imported in members:
                pairs.setdefault((e.importer, e.imported), []).append(e)
        for (importer, imported), edges in sorted(pairs.items()):
            names = sorted({e.name for e in edges if e.name})
            where = sorted({f"{e.path}:{e.line}" for e in edges})
            report.append(
                f"    {importer or PACKAGE} -> {imported} ({', '.join(names) or 'module'}; "
                f"{', '.join(where)})"
            )
    assert not cycles, "import cycles (every edge inside each):\n" + "\n".join(report)


def _layer_of() -> dict[str, int]:
    return {module: i for i, (_, members) in enumerate(LAYERS) for module in members}


def test_every_module_has_a_layer():
    layer = _layer_of()
    missing = sorted(m for m in MODULES if m not in layer)
    gone = sorted(m for m in layer if m not in MODULES)
    assert not missing, (
        f"modules with no layer in LAYERS above (add each where it belongs): {missing}"
    )
    assert not gone, f"LAYERS names modules that no longer exist: {gone}"


def test_nothing_is_imported_back_up_the_layers():
    layer = _layer_of()
    upward = [
        f"{e}: layer {layer[e.importer]} ({LAYERS[layer[e.importer]][0].split(':')[0]}) imports "
        f"layer {layer[e.imported]} ({LAYERS[layer[e.imported]][0].split(':')[0]})"
        for e in EDGES
        if not e.type_checking
        and e.importer in layer
        and e.imported in layer
        and layer[e.imported] > layer[e.importer]
    ]
    assert not upward, "imports back up the layers:\n  " + "\n  ".join(upward)
