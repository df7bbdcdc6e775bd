"""docfx.json as DocFX reads it: content and resource globs with ``files``/``exclude``/``src``/``dest``,
``globalMetadata`` and ``fileMetadata``, files that are not documents, and ``redirect_url`` stubs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docsets_fixture import DOCFX, make_repository

from kb.ingest.docsets import Docsets, Role, glob_regex, with_metadata
from kb.ingest.reader import discover, ingest, parse_document
from kb.model import Redirect


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("**/*.md", "a.md", True),
        ("**/*.md", "x/y/a.md", True),
        ("**/*.md", "a.mdx", False),
        ("**/**.yml", "x/toc.yml", True),
        ("*.md", "x/a.md", False),
        ("README.md", "README.md", True),
        ("README.md", "x/README.md", False),
        ("readme.md", "README.md", True),  # letter case does not matter
        ("**/includes/**", "a/includes/b.md", True),
        ("**/includes/**", "includes/b.md", True),
        ("**/includes/**", "a/includes.md", False),
        ("_themes/**", "_themes/x/y.css", True),
        ("**/*.{png,jpg}", "m/a.jpg", True),
        ("**/*.{png,jpg}", "m/a.gif", False),
        ("a?.md", "ab.md", True),
        ("a?.md", "a/.md", False),
        ("articles/old/**.md", "articles/old/x/c.md", True),
    ],
)
def test_glob(glob: str, path: str, matches: bool) -> None:
    assert bool(glob_regex(glob).match(path)) is matches


ROLES = {
    "README.md": Role.SKIPPED,  # a repository's own file beside its docsets
    "SECURITY.md": Role.SKIPPED,
    "docs/README.md": Role.SKIPPED,  # inside the docset, in no group
    "docs/articles/a.md": Role.DOCUMENT,
    "docs/articles/old/c.md": Role.DOCUMENT,
    "docs/articles/includes/fragment.md": Role.SKIPPED,  # excluded
    "docs/articles/drafts/d.md": Role.SKIPPED,  # excluded, relative to the group's src
    "docs/hub/index.md": Role.DOCUMENT,
    "docs/hub/other.md": Role.SKIPPED,  # the hub group takes index.md only
    "docs/articles/media/p.png": Role.RESOURCE,
    "docs/articles/private/q.png": Role.SKIPPED,
    "other/x.md": Role.UNGOVERNED,  # no docfx.json above: read as before
    "other/includes/y.md": Role.SKIPPED,  # but an includes folder holds fragments, as DocFX's convention
    "other/Includes/deeper/z.md": Role.SKIPPED,
    "other/includes-guide.md": Role.UNGOVERNED,
    "other/includes/media/y.png": Role.UNGOVERNED,  # an include's image, copied when shown
}


@pytest.mark.parametrize(("path", "role"), ROLES.items())
def test_roles(path: str, role: Role) -> None:
    docsets, problems = Docsets.of([("docs/docfx.json", json.dumps(DOCFX).encode())])
    assert problems == []
    assert docsets.role(path) is role


def test_published_paths_follow_src_and_dest() -> None:
    docsets, _ = Docsets.of([("docs/docfx.json", json.dumps(DOCFX).encode())])
    assert docsets.published_key("docs/hub/index.md") == "docs/index.md"
    assert docsets.published_key("docs/articles/old/c.md") == "docs/old/c.md"
    assert docsets.published_key("other/x.md") == "other/x.md"


def test_metadata_file_over_global_and_front_matter_over_both() -> None:
    docsets, _ = Docsets.of([("docs/docfx.json", json.dumps(DOCFX).encode())])
    assert docsets.metadata("docs/articles/old/c.md") == {
        "ms.contentlocale": "pt-BR", "searchScope": ["Fixture"], "ROBOTS": "NOINDEX",
    }
    assert docsets.metadata("docs/articles/a.md") == {"ms.contentlocale": "pt-BR", "searchScope": ["Fixture"]}
    assert docsets.metadata("other/x.md") == {}
    merged = with_metadata({"MS.ContentLocale": "ru-RU", "title": "T"}, {"ms.contentlocale": "pt-BR", "x": 1})
    assert merged == {"x": 1, "MS.ContentLocale": "ru-RU", "title": "T"}


def test_nearest_docfx_json_governs() -> None:
    outer = {"build": {"content": [{"files": ["**/*.md"]}]}}
    inner = {"build": {"content": [{"files": ["only.md"]}]}}
    configs = [("docfx.json", json.dumps(outer).encode()), ("sub/docfx.json", json.dumps(inner).encode())]
    docsets, _ = Docsets.of(configs)
    assert docsets.role("a.md") is Role.DOCUMENT
    assert docsets.role("sub/only.md") is Role.DOCUMENT
    assert docsets.role("sub/other.md") is Role.SKIPPED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "docfx.json is not valid JSON"),
        (b"[]", "docfx.json has no 'build' object"),
        (b'{"metadata": []}', "docfx.json has no 'build' object"),
    ],
)
def test_broken_docfx_json_is_a_problem_and_its_folder_is_read_without_it(
    tmp_path: Path, data: bytes, message: str
) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "docfx.json").write_bytes(data)
    (tmp_path / "d" / "a.md").write_text("---\ntitle: A\n---\n# A\n\nText.\n", encoding="utf-8")
    corpus = ingest(tmp_path)
    assert [d.path for d in corpus.documents] == ["d/a.md"]
    assert [(p.path, p.message.split(" (")[0].split(";")[0]) for p in corpus.problems] == [("d/docfx.json", message)]


def test_discover_honours_the_docset(tmp_path: Path) -> None:
    found = discover(make_repository(tmp_path))
    assert found.documents == [
        "docs/articles/a.md", "docs/articles/away.md", "docs/articles/b.md", "docs/articles/lost.md",
        "docs/articles/moved.md", "docs/articles/old/c.md", "docs/hub/index.md", "other/x.md",
    ]
    assert found.problems == []
    assert sorted(found.resources) == ["docs/articles/files/guide.pdf", "docs/articles/media/p.png"]


def test_ingest_readme_security_includes_are_neither_documents_nor_problems(tmp_path: Path) -> None:
    corpus = ingest(make_repository(tmp_path))
    assert [d.path for d in corpus.documents] == [
        "docs/articles/a.md", "docs/articles/b.md", "docs/articles/old/c.md", "other/x.md",
    ]
    assert corpus.problems == ()
    by_path = {d.path: d for d in corpus.documents}
    assert by_path["docs/articles/a.md"].locale == "pt-BR"  # from globalMetadata
    assert by_path["docs/articles/old/c.md"].front_matter["ROBOTS"] == "NOINDEX"
    assert "searchScope" not in by_path["other/x.md"].front_matter


def test_without_docfx_json_an_includes_folder_holds_fragments_not_documents(tmp_path: Path) -> None:
    (tmp_path / "pt-br" / "includes").mkdir(parents=True)
    (tmp_path / "pt-br" / "includes" / "banner.md").write_text("Uma nota **incluída**.\n", encoding="utf-8")
    (tmp_path / "pt-br" / "a.md").write_text(
        "---\ntitle: A\n---\n# A\n\n[!INCLUDE [banner](includes/banner.md)]\n", encoding="utf-8")
    corpus = ingest(tmp_path)
    assert [d.path for d in corpus.documents] == ["pt-br/a.md"]
    assert corpus.problems == ()  # the fragment, without front matter, is no broken document
    assert [s.text for s in corpus.documents[0].segments] == ["A", "Uma nota incluída."]


def test_redirect_stubs_become_redirects(tmp_path: Path) -> None:
    corpus = ingest(make_repository(tmp_path))
    assert corpus.redirects == (
        Redirect("docs/articles/away.md", "pt-BR", "https://example.com/elsewhere", None),
        Redirect("docs/articles/lost.md", "pt-BR", "no-such-article", None),
        Redirect("docs/articles/moved.md", "pt-BR", "b", "docs/articles/b.md"),
        # published at the docset's root (src: hub, dest: .), so 'a' is the article published as a.md
        Redirect("docs/hub/index.md", "pt-BR", "a", "docs/articles/a.md"),
    )


def test_redirect_stub_without_docfx_json() -> None:
    parsed, problems = parse_document("ru-ru/x/index.md", b"---\nredirect_url: /azure/y\n---\n")
    assert (parsed, problems) == (Redirect("ru-ru/x/index.md", "ru-RU", "/azure/y"), [])


def test_docset_metadata_takes_part_in_the_parse_cache_key(tmp_path: Path) -> None:
    from kb.ingest.cache import ParseCache

    root = make_repository(tmp_path / "c")
    cache = ParseCache.under(tmp_path / "out")
    first = ingest(root, cache=cache)
    config = json.loads((root / "docs" / "docfx.json").read_text())
    config["build"]["globalMetadata"]["ms.contentlocale"] = "es-ES"
    (root / "docs" / "docfx.json").write_text(json.dumps(config))
    second = ingest(root, cache=cache)
    assert {d.locale for d in first.documents if d.path.startswith("docs/")} == {"pt-BR"}
    assert {d.locale for d in second.documents if d.path.startswith("docs/")} == {"es-ES"}


def test_inspect_json_lists_the_redirects(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kb.cli import main

    assert main(["inspect", "--content", str(make_repository(tmp_path)), "--json", "--jobs", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["problems"] == []
    assert report["redirects"][2] == {
        "path": "docs/articles/moved.md", "locale": "pt-BR", "target": "b", "target_path": "docs/articles/b.md",
    }


def test_a_docfx_json_that_is_a_pipe_is_not_read(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "docfx.json")
    (tmp_path / "a.md").write_text("---\ntitle: A\n---\n# A\n\nText.\n", encoding="utf-8")
    corpus = ingest(tmp_path)
    assert [d.path for d in corpus.documents] == ["a.md"]
    assert [p.message for p in corpus.problems] == ["docfx.json is not a regular file; its folder is read without it"]
