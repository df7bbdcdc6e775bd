"""kb.ingest.skeleton: the version of a skeleton covers every module its HTML comes from.

Skeletons rendered from the Markdown give the same bytes as rendering the Markdown:
tests/ingest/test_render_skeleton.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

from kb.ingest import cache, skeleton

INGEST = Path(skeleton.__file__).resolve().parent


def ingest_imports(name: str) -> set[str]:
    """The modules of kb.ingest that ``name`` (a file of kb/ingest) imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse((INGEST / name).read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "kb.ingest":
            found.update(f"{a.name}.py" for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kb.ingest."):
            found.add(node.module.removeprefix("kb.ingest.") + ".py")
    return found


def rendering_closure(start: str = "render.py") -> set[str]:
    """``start`` and every module of kb.ingest it imports, directly or not."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(ingest_imports(name))
    return seen


def test_the_skeleton_version_hashes_every_module_the_html_comes_from() -> None:
    assert rendering_closure() == set(skeleton.RENDERING_MODULES)


def test_the_parse_cache_version_covers_the_rendering_modules() -> None:
    """A Document carries its skeleton: code that changes it must start a fresh parse cache."""
    listed = {f"{name.removeprefix('ingest/')}.py" for name in cache._PARSER_MODULES if name.startswith("ingest/")}
    assert set(skeleton.RENDERING_MODULES) <= listed
    # and so does every module the parser's result comes from (a YAML page's reader was missing)
    assert rendering_closure("reader.py") <= listed


def test_the_version_is_a_short_stable_hash() -> None:
    assert skeleton.skeleton_version() == skeleton.skeleton_version()
    assert len(skeleton.skeleton_version()) == 16
