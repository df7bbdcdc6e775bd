"""The hostile fixture corpus: what an attacker or a broken tool could put in a content folder.

Tests write it into a temporary folder (it is never committed) with :func:`write`::

    base/outside/     files the build must never read, each holding CANARY
    base/content/     the content root: hostile documents, and links and includes into outside/

Every :class:`Case` says what ingest must make of its file: a document (its markup kept as data, for
the renderer to sanitise) and/or problems, given as the starts of their messages in line order.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CANARY = "kb-canary-outside-the-content-root"
"""A word in every file outside the content root: it must never reach a document, index or page."""
PWNED = "pwned-by-yaml"
"""A file name a YAML ``!!python`` tag tries to create; it must never exist."""


def fm(title: str = "Artigo hostil", extra: str = "") -> str:
    return f"---\ntitle: {title}\nms.contentlocale: pt-BR\n{extra}---\n"


INTRO = "# Artigo\n\nTexto normal em português, para que o documento tenha algo legível.\n\n"


def doc(body: str, **kw: str) -> bytes:
    return (fm(**kw) + INTRO + body).encode()


def fence(text: str) -> str:
    return f"```\n{text}\n```\n"


# --- injected script, in every form the renderer must neutralise ---------------------------------

SCRIPT = """
<script>alert('script-block')</script>

Parágrafo com <script>alert('script-inline')</script> no meio.

<SCRIPT SRC=//evil.example/x.js></SCRIPT>

<scr<script>ipt>alert('split')</script>
"""

HANDLERS = """
<img src=x onerror="alert('onerror')">

<div onmouseover="alert('mouseover')">passe o mouse</div>

Texto com <a href="#" onclick="alert('onclick')">um link</a> e <b onmouseover=alert('bold')>negrito</b>.

<details open ontoggle=alert('ontoggle')><summary>resumo</summary>detalhes</details>

<body onload=alert('onload')>
"""

URLS = """
[link](javascript:alert('md-link')) [maiúsculas](JaVaScRiPt:alert('md-case'))
[tab](jav&#x09;ascript:alert('md-entity')) [espaço]( javascript:alert('md-space'))
[dados](data:text/html;base64,PHNjcmlwdD5hbGVydCgnZGF0YScpPC9zY3JpcHQ+)
![imagem](javascript:alert('md-image'))
<javascript:alert('autolink')> [vb](vbscript:msgbox('vb'))

[referência][ref]

[ref]: javascript:alert('md-reference')

<a href="javascript:alert('html-link')">html</a> <a href="&#106;avascript:alert('html-entity')">entidade</a>

<form action="javascript:alert('form')"><button formaction="javascript:alert('button')">enviar</button></form>

<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoJ2RhdGEtc3ZnJyk+PC9zdmc+">

:::image type="content" source="javascript:alert('image-directive')" alt-text="diretiva":::
"""

IFRAMES = """
<iframe src="javascript:alert('iframe')"></iframe>

<iframe srcdoc="<script>alert('srcdoc')</script>"></iframe>

<object data="javascript:alert('object')"></object> <embed src="javascript:alert('embed')">

<meta http-equiv="refresh" content="0;url=javascript:alert('meta')">

<base href="javascript:alert('base')//">
"""

SVG = """
<svg><script>alert('svg-script')</script></svg>

<svg onload="alert('svg-onload')"><circle r="10"/></svg>

<svg><a xlink:href="javascript:alert('svg-link')"><text x="0" y="15">clique</text></a></svg>

<svg><animate onbegin="alert('svg-animate')" attributeName="x" dur="1s"/></svg>

<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')></style></mglyph></table></mtext></math>
"""

CSS = """
<div style="width: expression(alert('css-expression'))">expressão</div>

<style>body { background: url("javascript:alert('style-url')") }</style>

<div style="background-image: url(javascript:alert('css-url'))">fundo</div>

<p style="behavior: url(x.htc); -moz-binding: url(x.xml#xss)">binding</p>

<style>@import 'javascript:alert("css-import")';</style>
"""

DOCFX = """
> [!NOTE]
> <script>alert('alert-box')</script> Nota com script.

> [!div class="x\\" onmouseover=\\"alert('div')"]
> Bloco div.

<a name="x&quot; onclick=&quot;alert('anchor')"></a>
## Título com âncora

## Título <img src=x onerror=alert('heading')>

<table><tr><td onclick="alert('td')">célula</td></tr></table>
"""

# --- reaching outside the content root -----------------------------------------------------------

LINKS_OUT = """
[segredo](../../outside/secret.md) ![imagem](../../outside/image.png) <img src="../../outside/image.png">
![vazamento](../media/leak.png) <img src="../media/leak.png"> ![pasta](../linked-dir/other.md)
[sistema](../../../../../../../../etc/passwd) [arquivo](file:///etc/passwd) [absoluto](/etc/passwd)
"""


def includes_out(base: Path) -> str:
    secret = (base / "outside" / "secret.md").resolve()
    return f"""
[!INCLUDE[relativo](../../outside/secret.md)]

[!INCLUDE[absoluto]({secret})]

[!INCLUDE[sistema](../../../../../../../../etc/passwd)]

[!INCLUDE[pasta ligada](../linked-dir/other.md)]

[!INCLUDE[arquivo ligado](../link-out.md)]
"""


# --- front matter --------------------------------------------------------------------------------

BOMB = "".join(
    f"{a}: &{a} [{', '.join([f'*{b}'] * 10 if b else ['x'] * 10)}]\n"
    for a, b in zip("abcdefghi", ["", *"abcdefgh"], strict=True)
)


# --- cases ---------------------------------------------------------------------------------------

Writer = Callable[[Path, Path], None]
"""Writes a case's file: (the file's path, the base folder holding content/ and outside/)."""


def data(content: bytes) -> Writer:
    def write(path: Path, base: Path) -> None:
        path.write_bytes(content)

    return write


@dataclass(frozen=True)
class Case:
    """One hostile file and what ingest must make of it."""

    path: str
    """Path relative to the content root."""
    write: Writer
    """Creates the file."""
    document: bool
    """True when ingest must read it into a document (its markup is then the renderer's to sanitise)."""
    problems: tuple[str, ...] = ()
    """The start of each problem ingest reports for this path, in line order."""
    xss: bool = False
    """True when the document carries injected script that the built site must not run."""


def _symlink(target: str) -> Writer:
    return lambda path, base: path.symlink_to(target)


def _fifo(path: Path, base: Path) -> None:
    os.mkfifo(path)


def _huge(path: Path, base: Path) -> None:
    with path.open("wb") as f:
        f.write(doc(""))
        chunk = b"palavra " * (1024 * 128)  # 1 MB
        for _ in range(50):
            f.write(chunk)


def _python_tag(path: Path, base: Path) -> None:
    target = base / PWNED
    path.write_bytes(doc("", extra=f'x: !!python/object/apply:os.system ["touch {target}"]\n'))


def _include_out(path: Path, base: Path) -> None:
    path.write_bytes(doc(includes_out(base)))


OUTSIDE = "reaches outside the content root; not read"
TOO_DEEP = "content nested too deeply"

CASES: list[Case] = [
    # injected script: documents, kept as data; the renderer sanitises them
    Case("xss/script.md", data(doc(SCRIPT)), True, xss=True),
    Case("xss/handlers.md", data(doc(HANDLERS)), True, xss=True),
    Case("xss/urls.md", data(doc(URLS)), True, xss=True),
    Case("xss/iframes.md", data(doc(IFRAMES)), True, xss=True),
    Case("xss/svg.md", data(doc(SVG)), True, xss=True),
    Case("xss/css.md", data(doc(CSS)), True, xss=True),
    Case("xss/docfx.md", data(doc(DOCFX)), True, xss=True),
    Case("xss/front-matter.md", data((
        "---\ntitle: \"<script>alert('title')</script>\"\n"
        "description: \"\\\"><img src=x onerror=alert('description')>\"\n"
        "ms.contentlocale: pt-BR\nms.assetid: \"<svg onload=alert('assetid')>\"\nms.date: \"<b>x</b>\"\n---\n"
        + INTRO).encode()), True, ("ms.date '<b>x</b>' is not a date",), xss=True),
    Case("xss/locale.md", data((
        "---\ntitle: Local\nms.contentlocale: \"pt-BR\\\"><script>alert('locale')</script>\"\n---\n"
        + INTRO).encode()), True, xss=True),
    Case("xss/TOC.md", data(
        b"# [Menu](javascript:alert('toc-link'))\n## <script>alert('toc-title')</script>\n"
        b"## [Artigo](script.md)\n"), False),
    # reaching outside the content root
    Case("escape/links-out.md", data(doc(LINKS_OUT)), True),
    Case("escape/include-out.md", _include_out, True, (
        f"include '../../outside/secret.md' {OUTSIDE}",
        "include '/",
        f"include '../../../../../../../../etc/passwd' {OUTSIDE}",
        f"include '../linked-dir/other.md' {OUTSIDE}",
        f"include '../link-out.md' {OUTSIDE}",
    )),
    Case("escape/include-self.md", data(doc("[!INCLUDE[eu](include-self.md)]\n" * 100)), True, (
        "include 'include-self.md' not expanded: includes nest too deeply",
        "include 'include-self.md' and later ones not expanded: over 100 includes in one document",
    )),
    Case("link-out.md", _symlink("../outside/secret.md"), False,
         ("symbolic link points outside the content root; not read",)),
    Case("linked-dir", _symlink("../outside/dir"), False,
         ("symbolic link to a folder outside the content root; not read",)),
    Case("media/leak.png", _symlink("../../outside/image.png"), False,
         ("symbolic link points outside the content root; not read",)),
    # size and depth
    Case("huge.md", _huge, False, ("file is too large (52,428,",)),
    Case("deep/list.md", data(doc("- " * 10_000 + "x\n")), True, (TOO_DEEP,)),
    Case("deep/ordered-list.md", data(doc("1. " * 10_000 + "x\n")), True, (TOO_DEEP,)),
    Case("deep/quote.md", data(doc(">" * 10_000 + " x\n")), True, (TOO_DEEP,)),
    Case("deep/list-html.md", data(doc("<ul><li>" * 10_000 + "x" + "</li></ul>" * 10_000 + "\n")), False,
         ("document has more than 20,000 HTML tags; not read",)),
    Case("deep/div-html.md", data(doc("<div>" * 5_000 + "x" + "</div>" * 5_000 + "\n")), False,
         ("document is nested too deeply to parse",)),
    Case("deep/front-matter.md", data(doc("", extra="a: " + "[" * 100_000 + "]" * 100_000 + "\n")), False,
         ("front matter is nested more than 32 levels deep",)),
    # front matter
    Case("yaml/bomb.md", data(("---\n" + BOMB + "title: x\n---\n" + INTRO).encode()), False,
         ("front matter has more than 10,000 values",)),
    Case("yaml/self-alias.md", data(doc("", extra="a: &a [*a]\n")), False,
         ("front matter has more than 10,000 values",)),
    Case("yaml/python-tag.md", _python_tag, True,  # built without the value the safe loader refuses
         ("front matter is not valid YAML: could not determine a constructor",)),
    Case("yaml/impossible-date.md", data(doc("", extra="ms.date: 2019-02-30\n")), True,
         ("ms.date '2019-02-30' is not a date",)),
    Case("yaml/binary-and-set.md", data(doc("", extra="b: !!binary aGVsbG8=\ns: !!set {x, y}\nn: .nan\n")),
         True),
    # bytes and file types
    Case("bytes/nul.md", data(doc("a\x00b")), False, ("file is binary",)),
    Case("bytes/latin1.md", data(doc("").replace(b"portugu\xc3\xaas", b"portugu\xeas")), False,
         ("file is not valid UTF-8",)),
    # UTF-16 with its byte-order mark is text, as DocFX reads it; without the mark, its NULs say binary
    Case("bytes/utf16.md", data(doc("").decode().encode("utf-16")), True),
    Case("bytes/utf16-no-bom.md", data(doc("").decode().encode("utf-16-le")), False, ("file is binary",)),
    Case("bytes/bom.md", data(b"\xef\xbb\xbf" + doc("")), True),
    Case("bytes/pipe.md", _fifo, False, ("not a regular file",)),
    Case(os.fsdecode(b"bytes/nome-\xe9.md"), data(doc("")), False, ("file name is not valid UTF-8",)),
    Case("names[/x]/rich-markup.md", data(b"no front matter [/x]\n"), False, ("no front matter",)),
    Case("names/rich-title.md", data(doc("", title="'[/x] [link=file:///etc/passwd]clique[/link]'")), True),
    # input that made a parser stage quadratic (hours for a few MB) or huge in memory
    # (in code blocks, so that only the text-level rewrites see them: markdown-it's own parsing of
    # 100,000 unclosed brackets is linear but slow, ~30 KB/s)
    Case("slow/image-directives.md", data(doc(fence(":::image " * 100_000))), True),
    Case("slow/include-brackets.md", data(doc(fence("[!INCLUDE[" * 100_000))), True),
    Case("slow/no-loc.md", data(doc(fence(':::no-loc text="a" x ' * 50_000))), True),
    Case("slow/unclosed-tables.md", data(doc("</table>\n\n" + fence("x <table " * 300_000))), True),
    Case("slow/unclosed-tags.md", data(doc("<table x" * 15_000 + "\n")), False,
         ("HTML block has more than 100 tags or comments that are never closed",)),
    Case("slow/unclosed-comments.md", data(doc("<div>\n" + "<!-- >" * 15_000 + "\n")), False,
         ("HTML block has more than 100 tags or comments that are never closed",)),
    Case("slow/processing-instructions.md", data(doc("<? " * 15_000 + "\n")), False,
         ("HTML block has more than 100 tags or comments that are never closed",)),
    Case("slow/tag-flood.md", data(doc("<div>\n" + "<b>" * 1_000_000 + "\n")), False,
         ("document has more than 20,000 HTML tags; not read",)),
]

FILLER = 40
"""Ordinary documents added beside the hostile ones, so that ingest uses its process pool."""


def write(base: Path) -> Path:
    """Write the corpus under ``base``; returns the content root."""
    outside = base / "outside"
    (outside / "dir").mkdir(parents=True)
    secret = f"---\ntitle: {CANARY}\n---\n# {CANARY}\n\n{CANARY} [!INCLUDE[x](../content/xss/script.md)]\n"
    (outside / "secret.md").write_text(secret, encoding="utf-8")
    (outside / "dir" / "other.md").write_text(secret, encoding="utf-8")
    (outside / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + CANARY.encode())
    root = base / "content"
    for case in CASES:
        path = root / case.path
        path.parent.mkdir(parents=True, exist_ok=True)
        case.write(path, base)
    for i in range(FILLER):
        text = f"# Artigo {i}\n\nTexto comum número {i} sobre faturas, clientes e parceiros na nuvem.\n"
        (root / "filler" / f"artigo-{i:02d}.md").parent.mkdir(exist_ok=True)
        (root / "filler" / f"artigo-{i:02d}.md").write_text(fm(f"Artigo {i}") + text, encoding="utf-8")
    return root
