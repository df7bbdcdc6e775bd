"""Search in the languages kb has no analysis of its own for: German and French get Whoosh's stemmers
and stop words, Chinese, Japanese and Korean pairs of characters (kb.wordforms.token_spans).

Microsoft publishes its docs in these languages too; a docset holding them must be searchable in each,
with the same topic shown in the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.align.topics import align
from kb.ingest.reader import ingest
from kb.output.options import BuildOptions
from kb.search.index import write_index
from kb.search.query import search

PASSWORD = "33333333-3333-3333-3333-333333333333"
INVOICE = "44444444-4444-4444-4444-444444444444"
NAMES = (("password", PASSWORD), ("invoice", INVOICE))

ARTICLES = {
    # locale: (password article title, its text), (invoice article title, its text)
    "ja-jp": (("パスワードをリセットする", "パートナー センターでパスワードをリセットできます。設定を開き、"
                                    "**パスワードの変更**を選択します。"),
              ("請求書を表示する", "毎月の請求書はパートナー センターの[請求]ページに表示されます。")),
    "zh-cn": (("重置密码", "你可以在合作伙伴中心重置密码。打开设置并选择**更改密码**。"),
              ("查看发票", "每月的发票显示在合作伙伴中心的[账单]页面上。")),
    "ko-kr": (("비밀번호 재설정", "파트너 센터에서 비밀번호를 재설정할 수 있습니다. 설정을 열고 "
                                "**비밀번호 변경**을 선택합니다."),
              ("청구서 보기", "월별 청구서는 파트너 센터의 [청구] 페이지에 표시됩니다.")),
    "de-de": (("Kennwort zurücksetzen", "Sie können Ihr Kennwort im Partner Center zurücksetzen. Öffnen Sie die "
                                      "Einstellungen und wählen Sie **Kennwort ändern**."),
              ("Rechnungen anzeigen", "Monatliche Rechnungen werden im Partner Center auf der Seite "
                                    "[Abrechnung] angezeigt.")),
    "fr-fr": (("Réinitialiser le mot de passe", "Vous pouvez réinitialiser votre mot de passe dans l'Espace "
                                               "partenaires. Ouvrez les paramètres et choisissez **Modifier**."),
              ("Afficher les factures", "Les factures mensuelles sont affichées dans l'Espace partenaires, "
                                       "page [Facturation].")),
}


def _write(root: Path) -> Path:
    for locale, articles in ARTICLES.items():
        for (title, text), (name, assetid) in zip(articles, NAMES, strict=True):
            path = root / locale / f"{name}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"---\ntitle: {title}\nms.assetid: {assetid}\n---\n# {title}\n\n{text}\n",
                            encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("languages")
    corpus = ingest(_write(root / "content"), jobs=1)
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
