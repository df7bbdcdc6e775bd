"""The shape of the package: no import cycle among kb's modules (imports inside functions count), no
module over MAX_LINES lines, and no private name of one kb module used by another.

Each test lists the known offenders explicitly, so that it fails on any new one; an offender that is
fixed must leave its list too (the test says so), so that it cannot come back unnoticed.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import grimp

import kb

KB = Path(kb.__file__).resolve().parent

MAX_LINES = 600

# Cycles outside kb/build and kb/site, being broken in their own branches: each is the set of modules
# of one strongly connected component of the import graph.
KNOWN_CYCLES: list[frozenset[str]] = []

# Modules over MAX_LINES lines, being split in their own branches (paths relative to kb/).
KNOWN_LONG: set[str] = set()

# Private names one kb module uses of another, being made public in their own branches:
# "user module: used module._name".
KNOWN_PRIVATE: set[str] = set()


@functools.cache
def graph() -> grimp.ImportGraph:
    # no cache_dir: a test leaves no .grimp_cache folder behind
    return grimp.build_graph("kb", cache_dir=None)


def cycles(g: grimp.ImportGraph) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(g.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for module in sorted(g.modules):
        if module not in index:
            visit(module)
    return found


def describe(g: grimp.ImportGraph, component: frozenset[str]) -> str:
    """One cycle through ``component``, as the lines that import each next module."""
    first, *_ = sorted(component)
    others = sorted(component - {first})
    back = next(m for m in others if g.chain_exists(importer=m, imported=first))
    path = g.find_shortest_chain(importer=first, imported=back) or (first, back)
    steps = [*path, first]
    lines = []
    for importer, imported in zip(steps, steps[1:], strict=False):
        details = g.get_import_details(importer=importer, imported=imported)
        where = ", ".join(f"line {d['line_number']}" for d in details) or "?"
        lines.append(f"{importer} -> {imported} ({where})")
    return "; ".join(lines)


def test_no_import_cycle_among_kb_modules() -> None:
    g = graph()
    found = cycles(g)
    new = [describe(g, c) for c in found if c not in KNOWN_CYCLES]
    assert new == [], "import cycles (imports inside functions count): " + " | ".join(new)
    gone = [sorted(c) for c in KNOWN_CYCLES if c not in found]
    assert gone == [], f"these cycles are broken, remove them from KNOWN_CYCLES: {gone}"


def test_the_cycle_finder_sees_imports_inside_functions() -> None:
    g = grimp.ImportGraph()
    for module in ("kb", "kb.a", "kb.b", "kb.c"):
        g.add_module(module)
    g.add_import(importer="kb.a", imported="kb.b")
    g.add_import(importer="kb.b", imported="kb.a")
    g.add_import(importer="kb.b", imported="kb.c")
    assert cycles(g) == [frozenset({"kb.a", "kb.b"})]
    # grimp reads every import statement, a lazy one too: kb.site.templates imports kb.site.loops in render_page
    assert graph().direct_import_exists(importer="kb.site.templates", imported="kb.site.loops")


def modules() -> Iterator[tuple[str, Path]]:
    """(dotted name, path) of every module of kb."""
    for path in sorted(KB.rglob("*.py")):
        parts = path.relative_to(KB.parent).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def test_no_module_is_longer_than_the_limit() -> None:
    lengths = {path.relative_to(KB).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
               for _, path in modules()}
    long = {name for name, n in lengths.items() if n > MAX_LINES}
    new, gone = sorted(long - KNOWN_LONG), sorted(KNOWN_LONG - long)
    assert new == [], f"over {MAX_LINES} lines, split them by job: {new}"
    assert gone == [], f"no longer over {MAX_LINES} lines, remove them from KNOWN_LONG: {gone}"


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def private_uses(module: str, path: Path, known_modules: set[str]) -> list[str]:
    """``module: other._name`` for every private name of another kb module that ``module`` imports or
    reads as an attribute of that module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    aliases: dict[str, str] = {}  # local name → the kb module it is bound to
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "kb":
                    aliases[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else "kb"
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: ``from . import x`` names the package, each further dot its parent
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            if base.split(".")[0] != "kb":
                continue
            for alias in node.names:
                if base != module and is_private(alias.name):
                    found.append(f"{module}: {base}.{alias.name}")
                if f"{base}.{alias.name}" in known_modules:
                    aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            chain = dotted(node.value)
            if chain is None:
                continue
            head, _, rest = chain.partition(".")
            if head not in aliases:
                continue
            target = aliases[head] + (f".{rest}" if rest else "")
            if target in known_modules and target != module:
                found.append(f"{module}: {target}.{node.attr}")
    return found


def test_no_kb_module_uses_a_private_name_of_another() -> None:
    known_modules = {name for name, _ in modules()}
    found = {use for name, path in modules() for use in private_uses(name, path, known_modules)}
    new, gone = sorted(found - KNOWN_PRIVATE), sorted(KNOWN_PRIVATE - found)
    assert new == [], f"private names used across modules, make them public or move them: {new}"
    assert gone == [], f"no longer used across modules, remove them from KNOWN_PRIVATE: {gone}"


def test_the_private_name_finder_sees_imports_and_attributes(tmp_path: Path) -> None:
    source = tmp_path / "user.py"
    source.write_text(
        "import kb.site.data\nfrom kb.site import data as d\nfrom kb.build.workers import _die_with, Running\n"
        "from . import pages\n"
        "kb.site.data._strings_file()\nd._ID_ATTR\npages._member_label\nd.title_key\nself_thing._private\n",
        encoding="utf-8",
    )
    known = {"kb", "kb.site", "kb.site.data", "kb.site.pages", "kb.site.user", "kb.build.workers"}
    assert sorted(private_uses("kb.site.user", source, known)) == [
        "kb.site.user: kb.build.workers._die_with",
        "kb.site.user: kb.site.data._ID_ATTR",
        "kb.site.user: kb.site.data._strings_file",
        "kb.site.user: kb.site.pages._member_label",
    ]


def test_every_module_is_imported_by_a_test() -> None:
    """Tests mirror the package: each module of kb has a test that imports it (``kb.__main__`` is run
    as ``python -m kb``; a package counts through its modules)."""
    tests = Path(__file__).parent
    imported: set[str] = set()
    for path in tests.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if '"-m", "kb"' in text:
            imported.add("kb.__main__")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kb"):
                imported.add(node.module)
                imported.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    modules = {".".join(p.relative_to(KB.parent).with_suffix("").parts) for p in KB.rglob("*.py")}
    untested = sorted(m for m in modules if not m.endswith("__init__") and m not in imported)
    assert untested == [], f"modules no test imports: {untested}"
