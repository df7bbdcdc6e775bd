"""garbled_text (kb.quality.garbled): characters an encoding error replaced with U+FFFD."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.align.topics import align
from kb.ingest.reader import ingest
from kb.model import Finding
from kb.quality.checks import check_corpus
from kb.quality.garbled import lost_words

CASES = [
    # Office client docs (pt-BR): one letter lost in each heading
    ("## <a name=\"parameters\"></a>Par\ufffdmetros", ["Par\ufffdmetros"]),
    # ru-RU MAPI reference: a whole line lost
    ("> [in] \ufffd\ufffd\ufffd\ufffd; \ufffd\ufffd \ufffd", ["\ufffd\ufffd\ufffd\ufffd", "\ufffd\ufffd"]),
    ("\ufffdrea e A\ufffd", ["\ufffdrea", "A\ufffd"]),
    # Skype (ru-RU): the page names the character itself
    ("заменяться на один из следующих специальных символов: ï, ¿, ½, \ufffd.", []),
    ("a \ufffd b (\ufffd)", []),
    ("no mark at all", []),
]


@pytest.mark.parametrize(("line", "words"), CASES)
def test_words_an_encoding_error_left_marks_in(line: str, words: list[str]) -> None:
    assert lost_words(line) == words


def garbled(root: Path, files: dict[str, str]) -> list[Finding]:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    corpus = ingest(root)
    return [f for f in check_corpus(corpus, align(corpus.documents)) if f.kind == "garbled_text"]


WHAT = "an encoding error replaced characters of {} with U+FFFD (\ufffd), so what was written there is lost"


def test_garbled_text_is_reported_at_its_line_outside_code(tmp_path: Path) -> None:
    body = ("# Coment\ufffdrios\n\nTexto `c\ufffdd` bom.\n\n```\nsa\ufffdda\n```\n\n"
            "| A | B |\n|---|---|\n| \ufffd\ufffd\ufffd | b |\n")
    found = garbled(tmp_path, {"pt-br/a.md": f"---\ntitle: Coment\ufffdrios\n---\n{body}",
                               "es-es/a.md": "---\ntitle: Comentarios\n---\n# Comentarios\n"})
    what = WHAT.format("this line")
    assert [(f.path, f.line, f.severity.value, f.message) for f in found] == [
        ("pt-br/a.md", 4, "warning", f"{what}: “Coment\ufffdrios”"),
        ("pt-br/a.md", 14, "warning", f"{what}: “\ufffd\ufffd\ufffd”"),
    ]


def test_a_garbled_title_the_body_does_not_repeat_is_reported_without_a_line(tmp_path: Path) -> None:
    found = garbled(tmp_path, {"ru-ru/a.md": "---\ntitle: \ufffd\ufffd\ufffd\n---\nТекст.\n"})
    assert [(f.line, f.message) for f in found] == [(None, f"{WHAT.format('the title')}: “\ufffd\ufffd\ufffd”")]


def test_lost_words_are_found_in_one_pass_however_hostile() -> None:
    # A line holding the mark and a long word (a data: URI, a hash): each start inside the word tried
    # every split of it, 4 s for a word of 20,000 letters.
    word = "a" * 200_000
    assert lost_words(f"\ufffd {word}") == []
    assert lost_words(f"\ufffd {word}\ufffd") == [f"{word}\ufffd"]
