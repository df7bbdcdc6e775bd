"""Pairs checked as a whole (kb.quality.pair_checks, kb.quality.untranslated): versions first, editions
summarised, text left untranslated summarised per document, what every language keeps left out."""

from __future__ import annotations

from pathlib import Path

from kb.align.topics import align
from kb.ingest.reader import ingest
from kb.model import Segment, SegmentKind, Severity
from kb.quality.checks import check_corpus, make_context
from kb.quality.pair_checks import check_alignment, check_editions
from kb.quality.untranslated import own_text
from tests.conftest import CONTENT, SEED_PT, SEED_PT_21V


def front(locale: str, handoff: str, source_hash: str) -> str:
    return (
        f"---\ntitle: T {locale}\nms.contentlocale: {locale}\nms.assetid: AAA\n"
        f"ms.openlocfilehash: {source_hash}\nms.lasthandoff: {handoff}\n---\n"
    )


ENGLISH = [
    "This paragraph was never translated and stays in the English of the source article.",
    "Another paragraph of the source that nobody translated for the readers of this page.",
    "Administrators should review the settings of every server before they start the upgrade.",
    "The report lists the users whose accounts were moved to the new pool during the night.",
]


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def test_a_translation_of_another_source_version_is_only_stale(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "es-es/a.md": front("es-ES", "04/23/2019", "new") + "# Renovación\n\nTienes 30 días para renovar.\n",
            "pt-br/a.md": front("pt-BR", "04/23/2019", "new") + "# Renovação\n\nVocê tem 30 dias para renovar.\n",
            # older source: another number, another paragraph; one stale finding and nothing else
            "ru-ru/a.md": front("ru-RU", "03/05/2019", "old")
            + "# Продление\n\nУ вас есть 60 дней.\n\nЕще один абзац старой версии статьи.\n",
        },
    )
    corpus = ingest(tmp_path)
    found = [f for f in check_corpus(corpus, align(corpus.documents)) if f.locale == "ru-RU"]
    assert [f.kind for f in found] == ["stale"]
    assert found[0].message.endswith("(0 block(s) only in es-ES, 1 only in ru-RU)")


def test_editions_of_one_locale_give_one_summary() -> None:
    corpus = ingest(CONTENT)
    ctx = make_context(corpus, align(corpus.documents))
    found = list(check_editions(ctx))
    assert [(f.kind, f.path, f.other_path, f.severity) for f in found] == [
        ("edition_difference", SEED_PT_21V, SEED_PT, Severity.INFO)
    ]
    assert list(check_alignment(ctx)) == []  # the seeds' translations align confidently


def test_a_page_left_in_english_is_one_finding_and_quotes_are_no_english(tmp_path: Path) -> None:
    body = "\n\n".join(ENGLISH)
    write(
        tmp_path,
        {
            "es-es/a.md": front("es-ES", "04/23/2019", "h") + "# Título\n\n" + body + "\n",
            "pt-br/a.md": front("pt-BR", "04/23/2019", "h") + "# Título\n\n" + body + "\n",
        },
    )
    corpus = ingest(tmp_path)
    found = [f for f in check_corpus(corpus, align(corpus.documents)) if f.kind == "untranslated"]
    assert sorted(f.locale for f in found) == ["es-ES", "pt-BR"]
    assert all(f.message.startswith("4 segments of this document are left in another language") for f in found)


def test_own_text_leaves_out_what_every_language_keeps() -> None:
    seg = Segment(
        SegmentKind.PARAGRAPH,
        "p[0]",
        'Aparece el mensaje "The user could not be found in the directory" y msRTCSIP-PrimaryUserAddress.',
        code=(),
    )
    assert "could not be found" not in own_text(seg) and "msRTCSIP" not in own_text(seg)
    assert "Aparece el mensaje" in own_text(seg)


def test_a_lexicon_given_to_the_checks_reaches_the_aligner(tmp_path: Path) -> None:
    from kb.quality.context import CheckOptions
    from tests.align.test_segalign import IT_WITHOUT_ANNOUNCEMENT, PT_ANNOUNCED
    from tests.conftest import write_files

    class Counting:
        calls = 0

        def similarity(self, tokens_a, lang_a, tokens_b, lang_b) -> float:  # type: ignore[no-untyped-def]
            Counting.calls += 1
            return 0.5

    # (documents whose structure leaves a gap: the seeds take the diagonal, which asks no lexicon)
    front = "---\ntitle: t\nms.assetid: 1111\nms.contentlocale: {}\n---\n"
    content = write_files(tmp_path, {"pt-br/a.md": front.format("pt-BR") + PT_ANNOUNCED,
                                     "it-it/a.md": front.format("it-IT") + IT_WITHOUT_ANNOUNCEMENT})
    corpus = ingest(content)
    check_corpus(corpus, align(corpus.documents), CheckOptions(lexicon=Counting()))
    assert Counting.calls > 0
