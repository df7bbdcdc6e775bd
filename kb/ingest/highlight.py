"""Code blocks highlighted on the server with Pygments: spans with classes (never inline styles, which
the site's CSP forbids), styled by the site's ``docfx.css``; a copy button is added by ``docfx.js``.

Learn's fence languages that Pygments names otherwise are mapped (``azurecli`` → bash, ``cmd`` →
batch, ``xaml`` → xml, …; a ``-interactive`` variant is its language: ``msgraph-interactive`` is an HTTP
request); an unknown language, or a block too large to highlight cheaply, stays plain text.
"""

from __future__ import annotations

import html

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

ALIASES = {
    "azurecli": "bash",
    "azure-cli": "bash",
    "azurecli-interactive": "bash",
    "azurepowershell": "powershell",
    "azurepowershell-interactive": "powershell",
    "cmd": "batch",
    "dos": "batch",
    "ps": "powershell",
    "dotnetcli": "bash",
    "shell": "bash",
    "sh": "bash",
    "output": "text",
    "aspx-csharp": "aspx-cs",
    "aspx": "aspx-cs",
    "vb": "vbnet",
    "msgraph": "http",  # (msgraph-interactive: a Graph request, with Learn's "Try it")
    "xaml": "xml",
    "cshtml": "html",
    "razor": "html",
    "txt": "text",
}
MAX_HIGHLIGHTED = 100_000
"""Characters: a longer block is shown plain (lexing time grows with it, and nobody reads colours there)."""

_FORMATTER = HtmlFormatter(nowrap=True)
_LEXERS: dict[str, Lexer | None] = {}  # the same few languages recur: a lexer is built once per process


def lexer_for(language: str) -> Lexer | None:
    """Pygments' lexer for a fence's language as Learn writes it, or None."""
    name = language.strip().lower()
    name = name.removesuffix("-interactive") if name not in ALIASES else name  # Learn's "Try it" variants
    name = ALIASES.get(name, name)
    if name not in _LEXERS:
        try:
            _LEXERS[name] = get_lexer_by_name(name, stripnl=False, ensurenl=False)
        except ClassNotFound:
            _LEXERS[name] = None
    return _LEXERS[name]


def code_html(code: str, language: str) -> str:
    """The inner HTML of a ``<code>`` element: highlighted spans, or the escaped code."""
    lexer = lexer_for(language) if language and len(code) <= MAX_HIGHLIGHTED else None
    if lexer is None or lexer.name == "Text only":
        return html.escape(code)
    return highlight(code, lexer, _FORMATTER)


def stylesheet() -> str:
    """The CSS of the token classes (``site_templates/assets/docfx.css`` holds it, light and dark)."""
    return str(HtmlFormatter(style="vs").get_style_defs(".highlight"))
