"""Bad input is reported (path, line where known, reason) and skipped; the rest ingests."""

from __future__ import annotations

import codecs
import json
import os

import pytest
from conftest import CONTENT

from kb.cli import main
from kb.errors import InvalidParameter
from kb.ingest.reader import IngestOptions, ingest
from kb.ingest.textfiles import read_option_file
from kb.model import Problem

GOOD = "---\ntitle: Bom\nms.contentlocale: pt-BR\n---\n# Bom\n\nTexto.\n"

BAD: dict[str, tuple[bytes, int | None, str]] = {
    "no-front-matter.md": (b"# Just a heading\n\nText.\n", 1, "no front matter"),
    "invalid-utf8.md": (b"---\ntitle: x\n---\nline\n\xff\xfe bad\n", 5, "file is not valid UTF-8"),
    "empty-body.md": (b"---\ntitle: x\n---\n\n  \n", 4, "document has front matter but an empty body"),
    "binary.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, "file is binary"),
    "broken-utf16.md": (b"\xff\xfe-\x00-\x00-\x00\n\x00\x00\xdc", None, "file is not valid UTF-16 (at byte offset 10)"),
    "unclosed.md": (b"---\ntitle: x\n# no closing fence\n", 1,
                    "front matter opened with '---' on line 1 is never closed"),
}


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    for name, (data, _, _) in BAD.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_each_bad_file_is_reported_and_the_rest_ingests(folder):
    (folder / "huge.md").write_bytes(GOOD.encode() + b"x" * 2000)
    corpus = ingest(folder, opts=IngestOptions(max_bytes=1000))
    assert [d.path for d in corpus.documents] == ["good.md"]
    got = {p.path: (p.line, p.message) for p in corpus.problems}
    assert set(got) == set(BAD) | {"huge.md"}
    for name, (_, line, message) in BAD.items():
        assert got[name][0] == line, name
        assert got[name][1].startswith(message), (name, got[name])
    assert got["huge.md"] == (None, f"file is too large ({len(GOOD) + 2000:,} bytes; the limit is 1,000)")


# Front matter YAML cannot read: DocFX publishes the page without the metadata it could not read, and so
# does kb, keeping each top-level entry that reads on its own. (path: front matter, values kept, line, reason)
UNREADABLE_FRONT_MATTER = {
    "unclosed.md": ("title: [unclosed\nms.contentlocale: ru-RU\n", {"ms.contentlocale": "ru-RU"}, 3,
                    "front matter is not valid YAML: did not find expected ',' or ']'"),
    # machine translation ran the keys together (Xamarin's pt-BR articles)
    "run-together.md": ('Título: "criar" Descrição: "guia".\nms.assetid: 72B6\nms.custom:\n- a\n- b\n# c\n',
                        {"ms.assetid": "72B6", "ms.custom": ["a", "b"]}, 2,
                        "front matter is not valid YAML: did not find expected key"),
    "indented.md": ("title: Ok\n  bad: indent: x\nauthor: me\n", {"author": "me"}, 3,
                    "front matter is not valid YAML: mapping values are not allowed in this context"),
    "list.md": ("- a\n- b\n", {}, 2, "front matter is not a mapping of keys to values"),
}


@pytest.mark.parametrize("name", UNREADABLE_FRONT_MATTER)
def test_front_matter_yaml_cannot_read_leaves_out_only_what_it_cannot_read(tmp_path, name):
    fm, kept, line, reason = UNREADABLE_FRONT_MATTER[name]
    (tmp_path / name).write_text(f"---\n{fm}---\n# Título do artigo\n\nTexto.\n", encoding="utf-8")
    corpus = ingest(tmp_path, jobs=1)
    [document] = corpus.documents
    assert document.title == "Título do artigo" and document.front_matter == kept
    assert corpus.problems == (Problem(name, line, f"{reason}; what it could not read is left out"),)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_a_file_in_utf16_or_utf32_with_its_byte_order_mark_is_read_as_docfx_reads_it(tmp_path, encoding):
    bom = {"utf-16-be": codecs.BOM_UTF16_BE, "utf-32-be": codecs.BOM_UTF32_BE}.get(encoding, b"")
    (tmp_path / "wide.md").write_bytes(bom + GOOD.replace("Bom", "Largo").encode(encoding))
    corpus = ingest(tmp_path)
    assert [(d.path, d.title) for d in corpus.documents] == [("wide.md", "Largo")] and not corpus.problems
    assert [s.text for s in corpus.documents[0].segments] == ["Largo", "Texto."]


WITHOUT_FRONT_MATTER = {
    # an article in a locale folder opening with its title: DocFX publishes it (older Graph translations)
    "pt-br/api/user.md": ("\ufeff\n# <a name=\"user\"></a>Tipo de recurso do usuário\n\nRepresenta uma conta.\n", None),
    "ru-ru/paging.md": (" \n# Разбиение на страницы\n\nТекст.\n", None),
    "pt-br/README.md": ("# Documentação\n\nComo contribuir.\n", "no front matter"),  # the repository's
    "pt-br/LICENSE.txt": ("# License\n\nMIT.\n", "no front matter"),
    "pt-br/notes.md": ("Texto sem título.\n\n# Depois\n", "no front matter"),  # no heading first
    "notes.md": ("# Nota\n\nFora de uma pasta de idioma.\n", "no front matter"),  # no locale folder
}


def test_a_file_without_front_matter_is_an_article_when_docfx_would_publish_it(tmp_path):
    for rel, (text, _) in WITHOUT_FRONT_MATTER.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    corpus = ingest(tmp_path, jobs=1)
    assert [(d.path, d.title, d.locale, d.locale_source.value) for d in corpus.documents] == [
        ("pt-br/api/user.md", "Tipo de recurso do usuário", "pt-BR", "path"),
        ("ru-ru/paging.md", "Разбиение на страницы", "ru-RU", "path"),
    ]
    problems = {p.path: p.message.split(":")[0] for p in corpus.problems}
    assert problems == {rel: why for rel, (_, why) in WITHOUT_FRONT_MATTER.items() if why}


def test_inspect_json_shape_and_strict_exit(folder, capsys):
    assert main(["inspect", "--content", str(folder), "--json", "--jobs", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report) == ["documents", "problems", "redirects"]  # redirects: an added key (issue 21)
    assert report["redirects"] == []
    assert report["documents"] == [{
        "path": "good.md", "locale": "pt-BR", "locale_source": "metadata", "editions": ["global"],
        "title": "Bom", "assetid": None, "segments": 2, "links": 0, "problems": [],
    }]
    assert {"path": "no-front-matter.md", "line": 1,
            "message": "no front matter: a document starts with a '---' YAML block (title, …)"} in report["problems"]
    assert main(["inspect", "--content", str(folder), "--strict", "--jobs", "1"]) == 1


def test_strict_passes_on_the_seeds(capsys):
    from tests.conftest import CONTENT

    assert main(["inspect", "--content", str(CONTENT), "--strict"]) == 0


def test_missing_content_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["inspect", "--content", str(tmp_path / "nope")]) == 2
    assert f"--content: '{tmp_path / 'nope'}' is not a folder" in capsys.readouterr().err


def test_symlink_outside_the_root_is_not_read(tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text(GOOD, encoding="utf-8")
    root = tmp_path / "root"
    root.mkdir()
    (root / "link.md").symlink_to(outside)
    corpus = ingest(root)
    assert corpus.documents == ()
    assert [(p.path, p.message) for p in corpus.problems] == [
        ("link.md", "symbolic link points outside the content root; not read")
    ]


def test_files_in_a_folder_that_is_not_a_locale_still_work(tmp_path):
    (tmp_path / "docs" / "billing").mkdir(parents=True)
    (tmp_path / "docs" / "billing" / "a.md").write_text(
        "---\ntitle: Fatura\n---\nComo ler a sua fatura mensal do programa de parceiros na nuvem.\n", encoding="utf-8"
    )
    (doc,) = ingest(tmp_path).documents
    assert (doc.path, doc.locale, doc.locale_source.value) == ("docs/billing/a.md", "pt-BR", "detected")


def test_a_malformed_toc_yml_is_reported_with_its_line_and_the_articles_still_ingest(tmp_path):
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "toc.yml").write_text("- name: Bom\n  href: good.md\n- name: [unclosed\n", encoding="utf-8")
    corpus = ingest(tmp_path)
    assert [d.path for d in corpus.documents] == ["good.md"]
    assert [(p.path, p.line, p.message) for p in corpus.problems] == [
        ("toc.yml", 3, "navigation is not valid YAML: while parsing a flow sequence did not find expected ',' or ']'"),
    ]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "--lexicon: cannot read '{p}': No such file or directory"),
        (lambda p: p.mkdir(), "--lexicon: '{p}' is a folder, not a file"),
        (lambda p: os.mkfifo(p), "--lexicon: '{p}' is not a regular file (a pipe, socket or device)"),
        (lambda p: p.write_bytes(b"a\x00b"), "--lexicon: '{p}': file is binary (contains NUL bytes), not text"),
        (lambda p: p.write_bytes(b"term\nok\n\xff\n"),
         "--lexicon: '{p}' line 3: file is not valid UTF-8 (byte 0xff at offset 8)"),
        (lambda p: p.write_bytes(b"x" * 65), "--lexicon: '{p}' is too large (65 bytes; the limit is 64)"),
    ],
)
def test_a_file_an_option_names_is_refused_naming_the_option_and_the_file(tmp_path, make, message):
    path = tmp_path / "lexicon.tsv"
    make(path)
    with pytest.raises(InvalidParameter) as refused:
        read_option_file(path, "--lexicon", max_bytes=64)
    assert str(refused.value) == message.format(p=path)


def test_a_file_an_option_names_is_read_as_text_with_its_line_endings_made_one(tmp_path):
    path = tmp_path / "glossary.yml"
    path.write_bytes(b"\xef\xbb\xbfterms:\r\n  - a\r\n")
    assert read_option_file(path, "--glossary") == "terms:\n  - a\n"


@pytest.mark.parametrize("command", [["build", "--build", "{tmp}/out", "--lexicon"], ["check", "--glossary"]])
def test_a_pipe_given_as_an_options_file_is_refused_not_read_forever(tmp_path, capsys, command):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    args = [a.format(tmp=tmp_path) for a in command]
    assert main([args[0], "--content", str(CONTENT), *args[1:], str(fifo)]) == 2
    option = args[-1]
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"kb {args[0]}: {option}: '{fifo}' is not a regular file (a pipe, socket or device)"
    )
