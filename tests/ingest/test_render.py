"""kb.ingest.render: document bodies to safe HTML (alerts, anchors, HTML cells, links, images, sanitising)."""

from __future__ import annotations

import pickle

import pytest
from bs4 import BeautifulSoup

from kb.ingest.render import BodyText, LinkStatus, LinkTarget, render_body, sanitize

PT = BodyText(
    alerts={
        "NOTE": "Observação",
        "TIP": "Dica",
        "IMPORTANT": "Importante",
        "WARNING": "Aviso",
        "CAUTION": "Cuidado",
    },
    missing_link="não está nesta base de conhecimento",
    missing_image="imagem não disponível",
)


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


@pytest.mark.parametrize(
    ("markdown", "kind", "title"),
    [
        ("> [!NOTE]\n> Texto da nota.", "note", "Observação"),
        ("> [!TIP]\n> Texto da nota.", "tip", "Dica"),
        ("> [!IMPORTANT]\n> Texto da nota.", "important", "Importante"),
        ("> [!WARNING]\n> Texto da nota.", "warning", "Aviso"),
        ("> [!CAUTION]\n> Texto da nota.", "caution", "Cuidado"),
        (">**Importante**<br>\nTexto da nota.", "important", "Importante"),
        ("> **Observação**\n> Texto da nota.", "note", "Observação"),
    ],
)
def test_alerts_are_styled_by_kind_with_a_title_in_the_page_language(
    markdown: str, kind: str, title: str
) -> None:
    out = render_body(markdown, text=PT).html
    div = soup(out).find("div")
    assert div is not None
    assert div["class"] == ["alert", f"alert-{kind}"]
    assert div["role"] == "note"
    assert div["aria-label"] == title
    assert [p.get_text() for p in div.find_all("p")] == [title, "Texto da nota."]
    assert "<blockquote" not in out


def test_a_plain_blockquote_stays_a_blockquote() -> None:
    assert (
        render_body("> Só uma citação.").html.strip() == "<blockquote>\n<p>Só uma citação.</p>\n</blockquote>"
    )


def test_heading_ids_are_kept_and_the_leading_h1_is_returned_apart() -> None:
    body = (
        '# <a name="multichannel-support"></a>Suporte a vários canais\n\n'
        "Texto.\n\n"
        "## Serviços baseados em uso\n\n"
        '## <a href="" id="charge_types"></a>Tipos de encargos\n\n'
        '<a name="revoking"></a>\n\n'
        "## Revogar\n\n"
        '<a href="" id="free-anchor"></a>\n\nFim.\n'
    )
    out = render_body(body)
    assert out.h1.strip() == '<h1 id="multichannel-support">Suporte a vários canais</h1>'
    page = soup(out.html)
    assert [h.get("id") for h in page.find_all("h2")] == [
        "serviços-baseados-em-uso",
        "tipos-de-encargos",
        "revoking",
    ]
    # An <a href="" id> inside a heading becomes an id the fragment can reach; it is not a link.
    assert page.find(id="charge_types") is not None and page.find(id="charge_types").name == "span"
    assert page.find(id="free-anchor") is not None
    assert not page.find_all("a")
    assert [(h.level, h.id) for h in out.headings] == [
        (2, "serviços-baseados-em-uso"),
        (2, "tipos-de-encargos"),
        (2, "revoking"),
    ]
    assert len(page.find_all(id="revoking")) == 1  # the anchor names the heading; no second id


def test_a_body_without_a_leading_h1_keeps_everything_in_html() -> None:
    out = render_body("Intro.\n\n# Depois\n")
    assert out.h1 == ""
    assert '<h1 id="depois">Depois</h1>' in out.html


LINKS = {
    "b.md": LinkTarget(LinkStatus.PAGE, "/pt-br/b/", "Artigo B"),
    "c.md#sec": LinkTarget(LinkStatus.PAGE, "/pt-br/c/#sec", "Artigo C"),
    "d.md": LinkTarget(LinkStatus.OTHER_LOCALE, "/topics/d/", "Não disponível em Português"),
    "gone.md": LinkTarget(LinkStatus.MISSING, None, "“gone.md” não está nesta base de conhecimento"),
}


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("[B](b.md)", '<a href="/pt-br/b/" title="Artigo B">B</a>'),
        ("[C](c.md#sec)", '<a href="/pt-br/c/#sec" title="Artigo C">C</a>'),
        (
            "[D](d.md)",
            '<a href="/topics/d/" class="link-other-locale" title="Não disponível em Português">D</a>',
        ),
        (
            "[G](gone.md)",
            '<span class="link-missing" title="“gone.md” não está nesta base de conhecimento">G'
            '<span class="visually-hidden"> (não está nesta base de conhecimento)</span></span>',
        ),
        (
            "[X](https://example.com/x)",
            '<a href="https://example.com/x" class="link-external" rel="noopener noreferrer">X</a>',
        ),
        ("[S](#secao)", '<a href="#secao">S</a>'),
        ('<a href="b.md">B em HTML</a>', '<a href="/pt-br/b/" title="Artigo B">B em HTML</a>'),
        (
            "[U](unknown.md)",
            '<span class="link-missing" title="unknown.md">U'
            '<span class="visually-hidden"> (não está nesta base de conhecimento)</span></span>',
        ),
    ],
)
def test_links_go_where_the_site_decided(markdown: str, expected: str) -> None:
    out = render_body(markdown, LINKS, text=PT).html.strip()
    assert out == f"<p>{expected}</p>"


def test_markdown_inside_html_cells_is_rendered_and_its_links_resolved() -> None:
    body = (
        "<table>\n<tbody>\n<tr>\n"
        "<td><p><strong>Serviços</strong></p></td>\n"
        "<td><p>Consulte [Artigo B](b.md) e `kb build`, **importante** e [fora](gone.md).</p>\n"
        '<ul><li><p>Veja <a href="d.md">D</a> &lt;b&gt;literal&lt;/b&gt;</p></li></ul></td>\n'
        "</tr>\n</tbody>\n</table>\n"
    )
    out = render_body(body, LINKS, text=PT).html
    cell = soup(out).find_all("td")[1]
    assert cell.find("a", href="/pt-br/b/").get_text() == "Artigo B"
    assert cell.find("code").get_text() == "kb build"
    assert cell.find("strong").get_text() == "importante"
    assert cell.find("span", class_="link-missing").get_text() == "fora (não está nesta base de conhecimento)"
    assert cell.find("a", class_="link-other-locale")["href"] == "/topics/d/"
    assert "&lt;b&gt;literal&lt;/b&gt;" in str(cell)  # escaped text stays text
    assert "[Artigo B]" not in out


def test_images_keep_alt_text_and_missing_ones_say_so() -> None:
    body = (
        "![Diagrama do fluxo](media/flow.png)\n\n![Falta](media/none.png)\n\n"
        '<img src="media/flow.png" alt="HTML">\n'
    )
    out = soup(render_body(body, images={"media/flow.png": "/files/pt-br/media/flow.png"}, text=PT).html)
    imgs = out.find_all("img")
    assert [(i["src"], i["alt"]) for i in imgs] == [
        ("/files/pt-br/media/flow.png", "Diagrama do fluxo"),
        ("/files/pt-br/media/flow.png", "HTML"),
    ]
    missing = out.find("span", class_="image-missing")
    assert missing["role"] == "img"
    assert missing["aria-label"] == "Falta (imagem não disponível)"
    assert missing.get_text() == "Falta"


def test_a_missing_image_without_alt_text_is_a_small_mark_not_a_sentence() -> None:
    """Decorative icons (``:::image type="icon"``, four in an "applies to" line) take no words when absent."""
    body = 'APLICA-SE A: :::image type="icon" source="media/yes.png":::SQL Server ![](media/no.png) Azure\n'
    out = render_body(body, text=PT).html
    assert out.count('<span class="image-missing image-decorative" aria-hidden="true" title="media/') == 2
    assert "imagem não disponível" not in out and "SQL Server" in out


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="x.png" onerror="alert(1)" alt="a">',
    "[x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<iframe src="https://evil.example/"></iframe>',
    "<svg><script>alert(1)</script></svg>",
    '<div onclick="alert(1)" style="background:url(javascript:alert(1))">x</div>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "<style>body{display:none}</style>",
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example/"><input name="q"></form>',
    "<table><tr><td><script>alert(1)</script>[x](javascript:alert(1))</td></tr></table>",
    '<p>x</p><meta http-equiv="refresh" content="0;url=https://evil.example/">',
]


URL_ATTRS = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href"}
ACTIVE_TAGS = {
    "script",
    "iframe",
    "frame",
    "object",
    "embed",
    "style",
    "form",
    "input",
    "meta",
    "link",
    "svg",
    "math",
    "base",
    "template",
}


def unsafe_parts(html: str) -> list[str]:
    """Every active tag, event handler, inline style and non-http(s) URL in ``html``."""
    found = []
    for tag in soup(html).find_all(True):
        if tag.name in ACTIVE_TAGS:
            found.append(f"<{tag.name}>")
        for name, value in tag.attrs.items():
            if name.startswith("on") or name == "style":
                found.append(f"{tag.name}[{name}]")
            if name in URL_ATTRS:
                scheme = str(value).strip().split(":", 1)[0].lower() if ":" in str(value) else ""
                if scheme and scheme not in ("http", "https", "mailto"):
                    found.append(f"{tag.name}[{name}={value}]")
    return found


@pytest.mark.parametrize("hostile", HOSTILE)
def test_no_script_handler_javascript_url_or_iframe_reaches_the_page(hostile: str) -> None:
    out = render_body(f"Texto.\n\n{hostile}\n\nFim.\n", LINKS).html
    assert unsafe_parts(out) == []
    assert "<script" not in out.lower() and "alert(1)</" not in out
    assert "Texto." in out and "Fim." in out


def test_sanitize_keeps_document_structure() -> None:
    html = (
        '<table><colgroup><col width="50%"></colgroup><tbody><tr class="odd">'
        '<td colspan="2">x</td></tr></tbody></table><h2 id="a">T</h2>'
    )
    assert sanitize(html) == html


def test_code_is_escaped_and_focusable_for_scrolling() -> None:
    out = render_body("```unknown-language\n<script>x</script>\n```\n").html
    assert (
        out.strip()
        == '<pre tabindex="0"><code class="language-unknown-language highlight">&lt;script&gt;x&lt;/script&gt;\n'
        "</code></pre>"
    )
    highlighted = render_body("```html\n<script>x</script>\n```\n").html
    assert "<script" not in highlighted and '<span class="nt">script</span>' in highlighted


def test_rendering_is_a_pure_function_of_picklable_data() -> None:
    args = ("# T\n\n[B](b.md) > [!NOTE]\n", LINKS, {}, PT)
    copy = pickle.loads(pickle.dumps(args))
    assert render_body(*args) == render_body(*copy)


def test_tables_scroll_in_a_focusable_box_of_their_own() -> None:
    out = render_body("| a | b |\n| - | - |\n| 1 | 2 |\n\n<table><tr><td>x</td></tr></table>\n").html
    boxes = soup(out).find_all("div", class_="table-scroll")
    assert [(b["tabindex"], b.find("table") is not None) for b in boxes] == [("0", True), ("0", True)]
    assert out.count("<table") == out.count("</table></div>") == 2


def test_an_html_list_cut_by_blank_lines_stays_one_list() -> None:
    body = "Passos:\n\n<ol>\n<li>Um.</li>\n\n<li>Dois.</li>\n\n<li>Três.</li>\n</ol>\n\nFim.\n"
    page = soup(render_body(body).html)
    assert [[li.get_text() for li in ol.find_all("li")] for ol in page.find_all("ol")] == [
        ["Um.", "Dois.", "Três."]
    ]
    assert [p.get_text() for p in page.find_all("p")] == ["Passos:", "Fim."]
