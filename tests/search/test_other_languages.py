"""Search in the languages kb has no analysis of its own for: German and French get Whoosh's stemmers
and stop words, Chinese, Japanese and Korean pairs of characters (kb.wordforms.token_spans).

Microsoft publishes its docs in these languages too; a docset holding them must be searchable in each,
with the same topic shown in the others."""

from __future__ import annotations

from pathlib import Path

import pytest
from languages_corpus import INVOICE, PASSWORD, write_corpus

from kb.align.topics import align
from kb.ingest.reader import ingest
from kb.output.options import BuildOptions
from kb.search.index import write_index
from kb.search.query import search


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("languages")
    corpus = ingest(write_corpus(root / "content"), jobs=1)
    assert not corpus.problems
    write_index(root / "index", corpus, align(corpus.documents), BuildOptions(jobs=1))
    return root / "index"


@pytest.mark.parametrize(("query", "expected"), [
    ("パスワード", "ja-jp/password.md"),  # inside "パスワードをリセットする" and "でパスワードを"
    ("請求書", "ja-jp/invoice.md"),
    ("密码", "zh-cn/password.md"),
    ("重置密码", "zh-cn/password.md"),
    ("发票", "zh-cn/invoice.md"),
    ("비밀번호", "ko-kr/password.md"),  # the text has "비밀번호를", the word with its particle
    ("청구서", "ko-kr/invoice.md"),
    ("Kennwörter", "de-de/password.md"),  # German stemming and folding: the text has "Kennwort"
    ("Rechnung", "de-de/invoice.md"),
    ("factures", "fr-fr/invoice.md"),
    ("réinitialisation", "fr-fr/password.md"),  # the text has "réinitialiser"
])
def test_a_query_finds_the_page_in_its_language_and_shows_the_others(index_dir: Path, query: str,
                                                                    expected: str) -> None:
    result = search(index_dir, query)
    assert [hit.path for hit in result.results] == [expected]
    topic = PASSWORD if "password" in expected else INVOICE
    assert result.results[0].topic == topic
    assert sorted(t.locale for t in result.results[0].translations) == sorted(
        loc for loc in ("de-DE", "fr-FR", "ja-JP", "ko-KR", "zh-CN") if loc.lower() != expected[:5])


def test_a_phrase_needs_its_characters_in_a_row(index_dir: Path) -> None:
    assert [hit.path for hit in search(index_dir, '"パスワードをリセット"').results] == ["ja-jp/password.md"]
    # each word is in the page, and every pair of their characters, but "を" is between them
    assert [hit.path for hit in search(index_dir, "パスワード リセット").results] == ["ja-jp/password.md"]
    assert search(index_dir, '"パスワード リセット"').results == ()


def test_the_snippet_marks_the_characters_that_matched(index_dir: Path) -> None:
    [hit] = search(index_dir, "密码", locale="zh-CN").results
    assert hit.snippet == "你可以在合作伙伴中心重置<mark>密码</mark>。打开设置并选择更改<mark>密码</mark>。"


@pytest.mark.parametrize(("query", "locale"), [
    ("Rechnungen anzeigen", "de-DE"), ("afficher les factures", "fr-FR"), ("パスワードの変更", "ja-JP"),
    ("비밀번호 변경", "ko-KR"), ("更改密码", "zh-CN"),
])
def test_auto_detects_every_language_of_the_release(index_dir: Path, query: str, locale: str) -> None:
    result = search(index_dir, query, locale="auto")
    assert result.locale == locale
    assert {hit.locale for hit in result.results} == {locale}
