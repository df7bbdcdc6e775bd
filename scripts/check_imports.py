"""Every third-party module that kb/ imports comes from a distribution declared in pyproject.toml's
[project].dependencies, so that a plain ``pip install .`` has everything ``kb`` runs.

    python scripts/check_imports.py [PROJECT_ROOT]

Reads every import in ``PROJECT_ROOT/kb/**/*.py`` with ``ast`` (at module level or inside a function alike),
leaves out the standard library and kb itself, and looks up which installed distribution provides each of
the others (``importlib.metadata.packages_distributions``). An import that no installed distribution
provides, or whose distribution is not declared, is printed with the files that import it, and the exit
status is 1. Standard library only: it runs in a virtualenv that holds nothing but kb's dependencies
(.ci/check-install), where an undeclared library is simply missing, and under pytest
(tests/test_packaging.py), where the test extra may bring it in.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path

PACKAGE = "kb"


def normalize(name: str) -> str:
    """A distribution name as PyPI compares them (PEP 503): ``PyYAML`` and ``pyyaml`` are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(pyproject: Path) -> set[str]:
    """The normalized names of the distributions in ``[project].dependencies``."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    names = set()
    for requirement in project.get("dependencies", []):
        found = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
        if found:
            names.add(normalize(found.group(1)))
    return names


def third_party_imports(package: Path) -> dict[str, list[str]]:
    """``{top-level module: ["kb/file.py:line", …]}`` for each module imported under ``package`` that is
    neither in the standard library nor the package itself (relative imports are the package's own)."""
    found: dict[str, list[str]] = {}
    root = package.parent
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_bytes(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top == package.name or top in sys.stdlib_module_names:
                    continue
                found.setdefault(top, []).append(f"{path.relative_to(root).as_posix()}:{node.lineno}")
    return found


def problems(root: Path, providers: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """One line per third-party module that ``root/kb`` imports and ``root/pyproject.toml`` does not
    declare; ``providers`` maps a module to the distributions that provide it (default: the installed ones)."""
    if providers is None:
        providers = metadata.packages_distributions()
    wanted = declared(root / "pyproject.toml")
    out = []
    for module, where in sorted(third_party_imports(root / PACKAGE).items()):
        at = ", ".join(where)
        dists = sorted(set(providers.get(module, [])))
        if not dists:
            out.append(f"{module} (imported at {at}) comes from no installed distribution: "
                       "declare the one that provides it in [project].dependencies")
        elif not any(normalize(d) in wanted for d in dists):
            out.append(f"{module} (imported at {at}) comes from {' or '.join(dists)}, "
                       "which [project].dependencies does not declare")
    return out


def main(argv: Sequence[str]) -> int:
    root = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent
    found = problems(root)
    for line in found:
        print(f"undeclared import: {line}", file=sys.stderr)
    if found:
        return 1
    modules = sorted(third_party_imports(root / PACKAGE))
    print(f"check_imports: the {len(modules)} third-party modules kb imports are all declared: {', '.join(modules)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
