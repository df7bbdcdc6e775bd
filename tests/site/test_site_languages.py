"""A site whose docset holds locales beyond kb's four (German, Japanese, Traditional Chinese): every page
speaks its locale's language, with the interface strings of site_templates/strings.json and CLDR's
names of the locales (Babel)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from kb.align.topics import align
from kb.ingest.reader import ingest
from kb.output.options import BuildOptions
from kb.site import writer as site

ARTICLE = {
    "de-de": ("Kennwort zurücksetzen", "Sie können Ihr Kennwort im Partner Center zurücksetzen."),
    "ja-jp": ("パスワードをリセットする", "パートナー センターでパスワードをリセットできます。"),
    "zh-tw": ("重設密碼", "您可以在合作夥伴中心重設密碼。"),
    "ko-kr": ("암호 재설정", "파트너 센터에서 암호를 재설정할 수 있습니다."),
}


@pytest.fixture(scope="module")
def dest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("content")
    for folder, (title, text) in ARTICLE.items():
        (root / folder).mkdir()
        (root / folder / "reset.md").write_text(
            f"---\ntitle: {title}\nms.assetid: 55555555-5555-5555-5555-555555555555\nms.date: 03/05/2019\n---\n"
            f"# {title}\n\n{text}\n\n## Details\n\n> [!NOTE]\n> {text}\n", encoding="utf-8")
    corpus = ingest(root, jobs=1)
    out = tmp_path_factory.mktemp("out") / "site"
    site.render_site(out, corpus, align(corpus.documents), BuildOptions(jobs=1, base_url="/"))
    return out


def page(dest: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((dest / path / "index.html").read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize(("folder", "lang", "hub_link", "note", "date", "languages"), [
    ("de-de", "de-DE", "Alle Sprachen und Editionen", "Hinweis", "05.03.2019",
     ["Deutsch", "日本語 (日本)", "한국어 (대한민국)", "中文 (繁體, 台灣)"]),
    ("ja-jp", "ja-JP", "すべての言語とエディション", "注意", "2019/03/05",
     ["Deutsch", "日本語 (日本)", "한국어 (대한민국)", "中文 (繁體, 台灣)"]),
    ("zh-tw", "zh-TW", "所有語言和版本", "注意", "2019年3月5日",
     ["Deutsch", "日本語 (日本)", "한국어 (대한민국)", "中文 (繁體, 台灣)"]),
    ("ko-kr", "ko-KR", "모든 언어 및 에디션", "참고", "2019. 3. 5.",
     ["Deutsch", "日本語 (日本)", "한국어 (대한민국)", "中文 (繁體, 台灣)"]),
])
def test_an_article_speaks_its_locales_language(dest: Path, folder: str, lang: str, hub_link: str,
                                                note: str, date: str, languages: list[str]) -> None:
    doc = page(dest, f"{folder}/reset")
    assert doc.html["lang"] == lang
    assert doc.select_one(".meta a").get_text() == hub_link
    assert doc.select_one(".alert-title").get_text() == note
    assert doc.find("time").get_text() == date
    nav = doc.find("nav", class_="switcher-languages")
    assert [span.get_text() for span in nav.select(".switch > span")] == languages
