"""``kb check --lexicon FILE`` / ``--mined-lexicon``: segment alignment across languages takes the
bilingual lexicon as evidence, so that a paragraph only one translation has is the one reported, not
every paragraph after it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.cli import main
from tests.align.test_segalign import IT_WITHOUT_ANNOUNCEMENT, PT_ANNOUNCED, TRANSLATED
from tests.conftest import write_files

HEADER = "term\tlanguage\ttranslation\ttranslation_language\tweight"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    front = "---\ntitle: {title}\nms.assetid: 1111\nms.contentlocale: {locale}\n---\n"
    return write_files(tmp_path / "content", {
        "pt-br/a.md": front.format(title="Pagamentos", locale="pt-BR") + PT_ANNOUNCED,
        "it-it/a.md": front.format(title="Pagamenti", locale="it-IT") + IT_WITHOUT_ANNOUNCEMENT,
    })


def extra_segments(capsys: pytest.CaptureFixture[str], content: Path, *options: str) -> list[tuple[str, str]]:
    assert main(["check", "--content", str(content), "--json", "--jobs", "1", *options]) == 0
    found = json.loads(capsys.readouterr().out)["findings"]
    return [(f["locale"], f["segment"]) for f in found if f["kind"] == "extra_segment"]


def test_a_curated_lexicon_reports_the_paragraph_only_one_translation_has(
    capsys: pytest.CaptureFixture[str], content: Path, tmp_path: Path
) -> None:
    lexicon = tmp_path / "lexicon.tsv"
    rows = [f"{a}\tpt\t{b}\tit\t1" for a, b in TRANSLATED] + [f"{b}\tit\t{a}\tpt\t1" for a, b in TRANSLATED]
    lexicon.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    # without a lexicon, the pairs drift after the extra first paragraph and the last one is blamed
    assert extra_segments(capsys, content) == [("pt-BR", "p[2]")]
    assert extra_segments(capsys, content, "--lexicon", str(lexicon)) == [("pt-BR", "p[0]")]


def test_a_bad_lexicon_file_is_refused_naming_the_file_and_line(
    capsys: pytest.CaptureFixture[str], content: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text(f"{HEADER}\nimpostos\tpt\timposte\tit\tmuch\n", encoding="utf-8")
    assert main(["check", "--content", str(content), "--jobs", "1", "--lexicon", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.tsv" in err and "line 2" in err and str(tmp_path) not in err
    assert main(["check", "--content", str(content), "--jobs", "1", "--lexicon", str(tmp_path / "none.tsv")]) == 2
    assert "none.tsv" in capsys.readouterr().err


def test_the_mined_lexicon_leaves_documents_of_one_structure_as_they_were(capsys: pytest.CaptureFixture[str]) -> None:
    """The seeds' translations keep their source's structure: the diagonal decides, the lexicon adds nothing."""
    from tests.conftest import CONTENT

    def everything(*options: str) -> list[dict]:
        assert main(["check", "--content", str(CONTENT), "--json", "--jobs", "1", *options]) == 0
        found: list[dict] = json.loads(capsys.readouterr().out)["findings"]
        return found

    plain = everything()
    assert plain and everything("--mined-lexicon") == plain
