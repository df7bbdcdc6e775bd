"""Each Learn (DocFX) construct of issue 21 with the smallest input that shows it: its segments (what
search, alignment, checks and exports see) and its HTML (what the page shows)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.ingest import docfx, highlight, htmlblocks, markdown
from kb.ingest.html_rules import BodyText, LinkStatus, LinkTarget
from kb.ingest.reader import ingest
from kb.ingest.render import render_body
from kb.ingest.segments import build_segments
from kb.ingest.skeleton import pack_skeleton

Seg = tuple[str, str, str, tuple[str, ...], str | None]
LINKS = {"b.md": LinkTarget(LinkStatus.PAGE, "/pt-br/b/", "B"), "../x.md": LinkTarget(LinkStatus.PAGE, "/pt-br/x/"),
         "xref:articles/b": LinkTarget(LinkStatus.PAGE, "/pt-br/b/", "B")}
IMAGES = {"a.png": "/files/a.png", "big.png": "/files/big.png"}
TEXT = BodyText({"NOTE": "Observação", "IMPORTANT": "Importante", "CAUTION": "Cuidado"})


def segments(body: str) -> list[Seg]:
    return [(s.kind.value, s.path, s.text, tuple(link.target for link in s.links), s.alert)
            for s in build_segments(markdown.parse(body), 1)]


def html(body: str) -> str:
    out = render_body(body, LINKS, IMAGES, TEXT)
    assert render_body(body, LINKS, IMAGES, TEXT, pack_skeleton(markdown.parse(body))) == out
    return out.h1 + out.html


# (name, body, segments, snippets the HTML holds)
CASES: list[tuple[str, str, list[Seg], list[str]]] = [
    (
        "1-html-table-in-list-item",
        '1. Intro text.\n\n   <table>\n   <tr><td><p><a href="b.md">Link B</a></p></td></tr>\n   </table>\n',
        [("list_item", "list[0]/item[0]", "Intro text.", (), None),
         ("table_cell", "list[0]/item[0]/table[0]/row[0]/cell[0]", "Link B", ("b.md",), None)],
        ['<td><p><a href="/pt-br/b/" title="B">Link B</a></p></td>'],
    ),
    (
        "1-html-list-in-alert",
        '> [!IMPORTANT]\n> <ul><li><p>First <a href="b.md">B</a></p></li></ul>\n',
        [("list_item", "alert[0]/list[0]/item[0]", "First B", ("b.md",), None)],
        ['<p class="alert-title">Importante</p>', '<li><p>First <a href="/pt-br/b/" title="B">B</a></p></li>'],
    ),
    (
        "1-raw-a-href-in-text",
        'See <a href="b.md">the B page</a> and <a name="here"></a>there.\n',
        [("paragraph", "p[0]", "See the B page and there.", ("b.md",), None)],
        ['<p>See <a href="/pt-br/b/" title="B">the B page</a> and <span id="here"></span>there.</p>'],
    ),
    (
        # Lync Server's converted pages hold definition lists: a term and its meaning are two words.
        "1-definition-list-terms-and-meanings-are-words-apart",
        "<dl><dt>Eco</dt><dd>Nenhum</dd><dt>DNLP</dt><dd><p>Todos</p></dd></dl>\n",
        [("paragraph", "p[0]", "Eco Nenhum DNLP Todos", (), None)],
        ["<dl><dt>Eco</dt><dd>Nenhum</dd>"],
    ),
    (
        "2-alert-in-html-table-cell",
        "<table><tr><td><p>Before</p>\n\n> [!NOTE]\n> Check <a href=\"b.md\">B</a>.\n\n"
        "<p>After</p></td></tr></table>\n",
        [("table_cell", "table[0]/row[0]/cell[0]", "Before Check B. After", ("b.md",), None)],
        ['<div aria-label="Observação" class="alert alert-note" role="note">',
         '<p>Check <a href="/pt-br/b/" title="B">B</a>.</p>', "<p>After</p></td>"],
    ),
    (
        "2-alert-in-html-list-item",
        '<ul>\n<li><p>First <a href="b.md">B</a>.</p>\n<div>\n\n> [!NOTE]\n> A note.\n\n</div></li>\n'
        "<li><p>Two</p></li>\n</ul>\n",
        [("list_item", "list[0]/item[0]", "First B. A note.", ("b.md",), None),
         ("list_item", "list[0]/item[1]", "Two", (), None)],
        ['<li><p>First <a href="/pt-br/b/" title="B">B</a>.</p>\n<div>\n\n<div aria-label="Observação" '
         'class="alert alert-note" role="note">',
         "<p>A note.</p>\n</div>\n\n\n\n</div></li>\n<li><p>Two</p></li>\n</ul>"],
    ),
    (
        "2-alert-in-nested-html-lists",
        "<ol>\n<li><p>Step</p>\n<ul>\n<li>Inner</li>\n</ul>\n\n> [!TIP]\n> Tip.\n\n<p>Last.</p></li>\n</ol>\n",
        [("list_item", "list[0]/item[0]", "Step Tip. Last.", (), None),
         ("list_item", "list[0]/item[0]/list[0]/item[0]", "Inner", (), None)],
        ['<li>Inner</li>\n</ul>\n\n<div aria-label="Tip" class="alert alert-tip" role="note">',
         '<p>Tip.</p>\n</div>\n\n\n\n<p>Last.</p></li>\n</ol>'],
    ),
    (
        "2-html-table-with-blank-lines-and-an-alert-in-a-list-item",
        "1. Step one.\n\n   <table>\n   <tr><td><p>a</p>\n\n   > [!NOTE]\n   > Note.\n\n   </td></tr>\n\n"
        "   <tr><td>b</td></tr>\n   </table>\n\n2. Step two.\n",
        [("list_item", "list[0]/item[0]", "Step one.", (), None),
         ("table_cell", "list[0]/item[0]/table[0]/row[0]/cell[0]", "a Note.", (), None),
         ("table_cell", "list[0]/item[0]/table[0]/row[1]/cell[0]", "b", (), None),
         ("list_item", "list[0]/item[1]", "Step two.", (), None)],
        ["<p>Note.</p>\n</div>\n\n\n\n</td></tr>\n\n<tr><td>b</td></tr>\n</tbody></table></div>\n</li>\n"
         "<li>\n<p>Step two.</p>"],
    ),
    (
        "2-html-list-with-blank-lines-in-a-list-item",
        "1. Step one.\n\n   <ul>\n   <li>a</li>\n\n   <li>b</li>\n   </ul>\n\n2. Step two.\n",
        [("list_item", "list[0]/item[0]", "Step one.", (), None),
         ("list_item", "list[0]/item[0]/list[0]/item[0]", "a", (), None),
         ("list_item", "list[0]/item[0]/list[0]/item[1]", "b", (), None),
         ("list_item", "list[0]/item[1]", "Step two.", (), None)],
        ["<ul>\n<li>a</li>\n\n<li>b</li>\n</ul>\n</li>\n<li>\n<p>Step two.</p>"],
    ),
    (
        "html-list-tags-in-text-and-code-keep-their-blank-lines",
        "Use `<ul>` here.\n\nThen `</ul>`.\n\n```html\n<ul>\n\n<li>x</li>\n</ul>\n```\n",
        [("paragraph", "p[0]", "Use <ul> here.", (), None), ("paragraph", "p[1]", "Then </ul>.", (), None),
         ("code", "code[0]", "<ul> <li>x</li> </ul>", (), None)],
        ["<p>Then <code>&lt;/ul&gt;</code>.</p>", '<span class="p">&gt;</span>\n\n<span class="p">&lt;</span>'],
    ),
    (
        "3-list-item-then-nested-alert",
        "1. See [Agreements](b.md).\n\n   > [!NOTE]\n   > Check the customer.\n",
        [("list_item", "list[0]/item[0]", "See Agreements.", ("b.md",), None),
         ("alert", "list[0]/item[0]/alert[0]", "Check the customer.", (), "NOTE")],
        ['<p>See <a href="/pt-br/b/" title="B">Agreements</a>.</p>', '<p>Check the customer.</p>'],
    ),
    (
        "3-two-alerts-without-a-blank-line",
        "> [!NOTE]\n> One.\n> [!IMPORTANT]\n> Two.\n",
        [("alert", "alert[0]", "One.", (), "NOTE"), ("alert", "alert[1]", "Two.", (), "IMPORTANT")],
        ['<p class="alert-title">Observação</p>\n<p>One.</p>\n</div>',
         '<p class="alert-title">Importante</p>\n<p>Two.</p>'],
    ),
    (
        "4-every-heading-anchor-kept",
        '## <a name="first"></a><a name="4"></a>Title\n\n[Go](#4)\n',
        [("heading", "heading[0]", "Title", (), None), ("paragraph", "p[0]", "Go", ("#4",), None)],
        ['<h2 id="first"><span id="4"></span>Title</h2>', '<a href="#4">Go</a>'],
    ),
    (
        "5-image-with-a-colon-in-its-alt-text",
        ':::image type="content" source="a.png" alt-text="Screenshot: the billing page.":::\n',
        [("paragraph", "p[0]", "", ("a.png",), None)],
        ['<img src="/files/a.png" alt="Screenshot: the billing page." loading="lazy" '
         'class="docfx-image image-content image-border">'],
    ),
    (
        "5-image-lightbox-without-border",
        ':::image source="a.png" alt-text="A" lightbox="big.png" border="false":::\n',
        [("paragraph", "p[0]", "", ("a.png", "big.png"), None)],
        ['<a href="/files/big.png" class="image-lightbox"><img src="/files/a.png" alt="A" loading="lazy" '
         'class="docfx-image image-content"></a>'],
    ),
    (
        "5-image-attribute-right-after-a-closing-quote",  # (a Teams translation: no blank before lightbox)
        ':::image source="a.png" alt-text="A captura."lightbox="big.png" border="false":::\n',
        [("paragraph", "p[0]", "", ("a.png", "big.png"), None)],
        ['<a href="/files/big.png" class="image-lightbox"><img src="/files/a.png" alt="A captura." loading="lazy" '
         'class="docfx-image image-content"></a>'],
    ),
    (
        "5-image-icon-inline",
        'Press :::image type="icon" source="a.png"::: to go on.\n',
        [("paragraph", "p[0]", "Press to go on.", ("a.png",), None)],
        ['<p>Press <img src="/files/a.png" alt="" loading="lazy" class="docfx-image image-icon"> to go on.</p>'],
    ),
    (
        "5-image-complex-with-its-description",
        ':::image type="complex" source="a.png" alt-text="Chart":::\n   Sales **rise** in May.\n:::image-end:::\n',
        [("paragraph", "p[0]", "", ("a.png",), None), ("paragraph", "quote[0]/p[0]", "Sales rise in May.", (), None)],
        ['class="docfx-image image-complex image-border"',
         '<div class="docfx-div image-long-description">\n<p>Sales <strong>rise</strong> in May.</p>'],
    ),
    (
        # Edge's WebView2 steps (three locales): a complex image in a list item kept the list whole only
        # if its description stays in the item; at the margin it ended the list, and the next step's
        # indented text became a code block.
        "5-image-complex-in-a-list-item-and-in-an-alert",
        '1.  Choose **Manage**.\n    \n    :::image type="complex" source="a.png" alt-text="Manage":::\n'
        "       Manage packages\n    :::image-end:::\n    \n1.  Search.\n\n    Ready.\n\n"
        '> [!NOTE]\n> :::image type="complex" source="a.png" alt-text="C":::\n> Long C.\n> :::image-end:::\n',
        [("list_item", "list[0]/item[0]", "Choose Manage. Manage packages", ("a.png",), None),
         ("list_item", "list[0]/item[1]", "Search. Ready.", (), None),
         ("alert", "alert[0]", "Long C.", ("a.png",), "NOTE")],
        ['<div class="docfx-div image-long-description">\n<p>Manage packages</p>\n</div>\n</li>\n<li>\n'
         "<p>Search.</p>\n<p>Ready.</p>\n</li>\n</ol>",
         '<div class="docfx-div image-long-description">\n<p>Long C.</p>\n</div>\n</div>'],
    ),
    (
        # Edge's WebView2 steps: images in columns in a list item, each fence three spaces in from its
        # parent; read from the fences' indent, as Markdig does, not as code.
        "5-rows-and-columns-in-a-list-item-are-read-from-their-fences-indent",
        '1.  Choose **WPF**.\n    \n    :::row:::\n       :::column span="1":::\n          Column one.\n'
        '       :::column-end:::\n       :::column span="1":::\n          Column two.\n       :::column-end:::\n'
        "    :::row-end:::\n    \n1.  Next.\n",
        [("list_item", "list[0]/item[0]", "Choose WPF. Column one. Column two.", (), None),
         ("list_item", "list[0]/item[1]", "Next.", (), None)],
        ['<p>Choose <strong>WPF</strong>.</p>\n<div class="docfx-row">\n<div class="docfx-column span-1">\n'
         '<p>Column one.</p>\n</div>\n<div class="docfx-column span-1">\n<p>Column two.</p>\n</div>\n</div>\n</li>'],
    ),
    (
        # C++'s keyword columns (ru-RU, as the English page is written): a column four spaces in, its links
        # eight in with a backslash break each; Learn shows them as text, not as a code block.
        "5-a-columns-content-written-deeper-than-its-fence-is-no-code",
        ":::row:::\n    :::column:::\n        [`alignas`](align-cpp.md)\\\n        [`and`](and.md)<sup>b</sup>\n"
        "    :::column-end:::\n    :::column:::\n        - [`auto`](auto.md)\n            - nested\n"
        "    :::column-end:::\n:::row-end:::\n",
        [("paragraph", "p[0]", "alignas andb", ("align-cpp.md", "and.md"), None),
         ("list_item", "list[0]/item[0]", "auto", ("auto.md",), None),
         ("list_item", "list[0]/item[0]/list[0]/item[0]", "nested", (), None)],
        ['(not in this knowledge base)</span></span><br>\n<span class="link-missing" title="and.md"><code>and</code>',
         '<sup>b</sup></p>\n</div>\n<div class="docfx-column">\n<ul>\n<li><span class="link-missing" title="auto.md">'
         '<code>auto</code>',
         "</span></span>\n<ul>\n<li>nested</li>\n</ul>\n</li>\n</ul>"],
    ),
    (
        # Azure's tabs open a panel with '<a id="cli"></a>' and its text: the anchor named the next tab's
        # heading, which then was no tab (the third of three tabs showed as a heading under the group).
        "6-a-bare-anchor-names-only-the-heading-right-after-it",
        '### <a name="cli"></a>[CLI](#tab/azure-cli)\n\n<a id="cli-panel"></a>\n\nCLI text.\n\n'
        '### <a name="ps"></a>[PowerShell](#tab/azure-powershell)\n\nPS text.\n\n---\n\n<a name="x"></a>\n\n## Later\n',
        [("heading", "heading[0]", "CLI", (), None), ("paragraph", "p[1]", "CLI text.", (), None),
         ("heading", "heading[1]", "PowerShell", (), None), ("paragraph", "p[2]", "PS text.", (), None),
         ("heading", "heading[2]", "Later", (), None)],
        ['<section class="tab-panel" data-tab="azure-cli">\n<h3 id="cli" class="tab-title">CLI</h3>\n'
         '<p><span id="cli-panel"></span></p>',
         '<section class="tab-panel" data-tab="azure-powershell">\n<h3 id="ps" class="tab-title">PowerShell</h3>',
         '<h2 id="x">Later</h2>'],
    ),
    (
        # Edge's es-ES and ru-RU "hover over" pages keep the English links, which name the English headings
        "4-a-bilingual-heading-without-an-anchor-is-named-after-its-source",
        '<span data-ttu-id="e-1">Ver [hoja perenne](#evergreen-mode).</span><span class="sxs-lookup">'
        '<span data-stu-id="e-1">See [Evergreen](#evergreen-mode).</span></span>\n\n'
        '## <span data-ttu-id="e-2">Modo de hoja perenne</span><span class="sxs-lookup"><span data-stu-id="e-2">'
        "Evergreen mode</span></span>\n\n"
        '## <a name="kept"></a><span data-ttu-id="e-3">Otro</span><span class="sxs-lookup">'
        '<span data-stu-id="e-3">Other</span></span>\n',
        [("paragraph", "p[0]", "Ver hoja perenne.", ("#evergreen-mode",), None),
         ("heading", "heading[0]", "Modo de hoja perenne", (), None),
         ("heading", "heading[1]", "Otro", (), None)],
        ['<a href="#evergreen-mode">hoja perenne</a>', '<h2 id="evergreen-mode">Modo de hoja perenne</h2>',
         '<h2 id="kept">Otro</h2>'],
    ),
    (
        "4-an-empty-heading-is-a-section-as-markdig-names-it",
        "## \n\n|a|\n|-|\n|b|\n\n##\n",
        [("table_cell", "table[0]/row[0]/cell[0]", "a", (), None),
         ("table_cell", "table[0]/row[1]/cell[0]", "b", (), None)],
        ['<h2 id="section"></h2>', '<h2 id="section-1"></h2>'],
    ),
    (
        "6-pipe-in-a-code-span-of-a-pipe-table",
        "| Command | Use |\n|---|---|\n| `a | b` | pipe |\n",
        [("table_cell", "table[0]/row[0]/cell[0]", "Command", (), None),
         ("table_cell", "table[0]/row[0]/cell[1]", "Use", (), None),
         ("table_cell", "table[0]/row[1]/cell[0]", "a | b", (), None),
         ("table_cell", "table[0]/row[1]/cell[1]", "pipe", (), None)],
        ["<td><code>a | b</code></td>\n<td>pipe</td>"],
    ),
    (
        "6-pipe-table-alignment-as-classes",
        "| L | C | R |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n",
        [("table_cell", f"table[0]/row[{r}]/cell[{c}]", t, (), None)
         for r, row in enumerate(("LCR", "123")) for c, t in enumerate(row)],
        ['<th class="align-left">L</th>', '<th class="align-center">C</th>', '<td class="align-right">3</td>'],
    ),
    (
        "6-backslash-paths",
        "[X](..\\x.md) and <a href=\"..\\x.md\">raw X</a>\n",
        [("paragraph", "p[0]", "X and raw X", ("../x.md", "../x.md"), None)],
        ['<a href="/pt-br/x/">X</a> and <a href="/pt-br/x/">raw X</a>'],
    ),
    (
        "6-bold-alert-label-with-an-exclamation-mark",
        ">**Внимание!**\n>Проверьте клиента.\n",
        [("alert", "alert[0]", "Проверьте клиента.", (), "CAUTION")],
        ['<div class="alert alert-caution" role="note" aria-label="Cuidado">'],
    ),
    (
        "6-alert-marker-without-brackets",
        ">! Observação O valor é `short`.\n\n> !important is CSS.\n",
        [("alert", "alert[0]", "O valor é short.", (), "NOTE"),
         ("paragraph", "quote[0]/p[0]", "!important is CSS.", (), None)],
        ['<div class="alert alert-note" role="note" aria-label="Observação">\n<p class="alert-title">Observação</p>\n'
         '<p>O valor é <code>short</code>.</p>', "<blockquote>\n<p>!important is CSS.</p>"],
    ),
    (
        # Machine translation dropped a link's words: the site shows where it leads (the heading, the
        # page's title, the address) rather than an empty link no one can see or name.
        "6-link-without-text-shows-where-it-leads",
        "Os valores [](#card-layout) e [](b.md) e [](c.md).\n\n## <a name=\"card-layout\"></a>Layout do cartão\n",
        [("paragraph", "p[0]", "Os valores e e .", ("#card-layout", "b.md", "c.md"), None),
         ("heading", "heading[0]", "Layout do cartão", (), None)],
        ['<a href="#card-layout">Layout do cartão</a> e <a href="/pt-br/b/" title="B">B</a> e '
         '<span class="link-missing" title="c.md">c.md<span class="visually-hidden">'],
    ),
    (
        "6-video-as-a-link-card",
        "> [!VIDEO https://www.youtube.com/embed/abc]\n",
        [("paragraph", "quote[0]/p[0]", "https://www.youtube.com/embed/abc",
          ("https://www.youtube.com/embed/abc",), None)],
        ['<div class="docfx-div video-card">\n<p><a href="https://www.youtube.com/embed/abc" class="link-external" '
         'rel="noopener noreferrer">https://www.youtube.com/embed/abc</a></p>\n</div>'],
    ),
    (
        # Office Add-ins' "embed Script Lab as an iframe": the site frames no other host (its CSP), so
        # the frame becomes the link to what it showed instead of a silent hole after "Demo:".
        "6-iframe-as-a-link-card",
        '**Demo:**\n\n<iframe src="https://x.example/view" height="600px" frameborder="0"></iframe>\n',
        [("paragraph", "p[0]", "Demo:", (), None),
         ("paragraph", "p[1]", "https://x.example/view", ("https://x.example/view",), None)],
        ['<div class="video-card"><p><a class="link-external" href="https://x.example/view" '
         'rel="noopener noreferrer">https://x.example/view</a></p></div>'],
    ),
    (
        "6-iframe-in-a-line-of-text-as-its-titled-link",
        'Watch <iframe src="https://x.example/v" title="The  demo"></iframe> now.\n',
        [("paragraph", "p[0]", "Watch The demo now.", ("https://x.example/v",), None)],
        ['<p>Watch <a href="https://x.example/v" class="link-external" rel="noopener noreferrer">The demo</a>'
         ' now.</p>'],
    ),
    (
        "6-video-player-as-a-link-to-its-source",
        '<div>\n<video controls><source src="https://x.example/a.mp4">Cannot play it.</video>\n</div>\n',
        [("paragraph", "p[0]", "https://x.example/a.mp4", ("https://x.example/a.mp4",), None)],
        ['<div class="video-card"><p><a class="link-external" href="https://x.example/a.mp4" '
         'rel="noopener noreferrer">https://x.example/a.mp4</a></p></div>'],
    ),
    (
        # Not an HTML block (a video tag does not start one): each tag is a token of the line.
        "6-video-player-in-a-paragraph-as-a-link-to-its-source",
        'See: <video controls><source src="https://x.example/a.mp4" type="video/mp4"></video>\n',
        [("paragraph", "p[0]", "See: https://x.example/a.mp4", ("https://x.example/a.mp4",), None)],
        ['<p>See: <a href="https://x.example/a.mp4" class="link-external" rel="noopener noreferrer">'
         'https://x.example/a.mp4</a></p>'],
    ),
    (
        "6-zone-pivots-as-tabs",
        '::: zone pivot="cli"\nRun it.\n::: zone-end\n\n::: zone pivot="portal"\nClick it.\n::: zone-end\n',
        [("paragraph", "p[0]", "cli", (), None), ("paragraph", "p[1]", "Run it.", (), None),
         ("paragraph", "p[2]", "portal", (), None), ("paragraph", "p[3]", "Click it.", (), None)],
        ['<div class="tabs">\n<section class="tab-panel" data-tab="cli">\n<p class="tab-title">cli</p>\n'
         '<p>Run it.</p>\n'
         '</section>\n<section class="tab-panel" data-tab="portal">\n<p class="tab-title">portal</p>\n'
         '<p>Click it.</p>\n</section>\n</div>'],
    ),
    (
        "6-moniker-ranges-as-tabs",
        '::: moniker range="o365-worldwide"\n\n1. Go to [B](b.md).\n\n::: moniker-end\n\n'
        '::: moniker range="o365-21vianet"  \n1. Go elsewhere.\n::: moniker-end \n\nAfter.\n',
        [("paragraph", "p[0]", "o365-worldwide", (), None),
         ("list_item", "list[0]/item[0]", "Go to B.", ("b.md",), None),
         ("paragraph", "p[1]", "o365-21vianet", (), None),
         ("list_item", "list[1]/item[0]", "Go elsewhere.", (), None),
         ("paragraph", "p[2]", "After.", (), None)],
        ['<div class="tabs">\n<section class="tab-panel" data-tab="o365-worldwide">\n'
         '<p class="tab-title">o365-worldwide</p>\n<ol>\n<li>Go to <a href="/pt-br/b/" title="B">B</a>.</li>\n</ol>\n'
         '</section>\n<section class="tab-panel" data-tab="o365-21vianet">\n<p class="tab-title">o365-21vianet</p>\n'
         '<ol>\n<li>Go elsewhere.</li>\n</ol>\n</section>\n</div>\n<p>After.</p>'],
    ),
    (
        "6-moniker-ranges-after-zone-pivots-are-a-group-of-their-own",
        '::: zone pivot="cli"\nRun it.\n::: zone-end\n\n::: moniker range="v2"\nNew.\n::: moniker-end\n',
        [("paragraph", "p[0]", "cli", (), None), ("paragraph", "p[1]", "Run it.", (), None),
         ("paragraph", "p[2]", "v2", (), None), ("paragraph", "p[3]", "New.", (), None)],
        ['<p>Run it.</p>\n</section>\n</div>\n<div class="tabs">\n<section class="tab-panel" data-tab="v2">'],
    ),
    (
        "6-a-fence-end-with-no-opening-is-not-printed",
        "Text.\n::: zone-end\n\nMore.\n::: moniker-end\n",
        [("paragraph", "p[0]", "Text.", (), None), ("paragraph", "p[1]", "More.", (), None)],
        ["<p>Text.</p>\n<p>More.</p>"],
    ),
    (
        "6-target-zones-show-what-learn-shows",
        '::: zone target="docs"\n\n# Deploy Data Box\n\n::: zone-end\n\n::: zone target="chromeless"\n\n'
        '# Portal title\n\n::: form action="OpenBlade[#x]" submitText="Go" :::\n\n::: zone-end\n\n'
        '::: zone target="docs"\n::: zone pivot="cli"\nRun it.\n::: zone-end\n::: zone-end\n\nText.\n',
        [("heading", "heading[0]", "Deploy Data Box", (), None), ("paragraph", "p[0]", "cli", (), None),
         ("paragraph", "p[1]", "Run it.", (), None), ("paragraph", "p[2]", "Text.", (), None)],
        ['<h1 id="deploy-data-box">Deploy Data Box</h1>\n<div class="tabs">\n'
         '<section class="tab-panel" data-tab="cli">'],
    ),
    (
        "4-xref-autolinks-show-the-name-learn-shows",
        "Use <xref:System.String> or <xref:System.String.Format*?displayProperty=nameWithType>.\n",
        [("paragraph", "p[0]", "Use String or String.Format.",
          ("xref:System.String", "xref:System.String.Format*?displayProperty=nameWithType"), None)],
        ['>String<span class="visually-hidden">'],
    ),
    (
        # An article's uid (ASP.NET Core's cross references): Learn shows the article's title.
        "4-xref-autolinks-to-an-article-show-its-title",
        "See <xref:articles/b> and <xref:fundamentals/gone>.\n",
        [("paragraph", "p[0]", "See and .", ("xref:articles/b", "xref:fundamentals/gone"), None)],
        ['See <a href="/pt-br/b/" title="B">B</a> and <span class="link-missing" title="xref:fundamentals/gone">'
         'fundamentals/gone<span class="visually-hidden">'],
    ),
    (
        "6-a-zone-for-two-pivots-is-one-panel-of-both",
        '::: zone pivot="csharp, java"\nCompile.\n::: zone-end\n\n::: zone pivot="python"\nRun.\n::: zone-end\n',
        [("paragraph", "p[0]", "csharp, java", (), None), ("paragraph", "p[1]", "Compile.", (), None),
         ("paragraph", "p[2]", "python", (), None), ("paragraph", "p[3]", "Run.", (), None)],
        ['<section class="tab-panel" data-tab="csharp java">\n<p class="tab-title">csharp, java</p>'],
    ),
    (
        "5-image-directive-written-with-a-blank-after-its-colons",
        '1. Select it.\n\n   ::: image type="content" source="media/a.png" alt-text="The page":::\n',
        [("list_item", "list[0]/item[0]", "Select it.", ("media/a.png",), None)],
        ['<p>Select it.</p>\n<p><span class="image-missing" role="img" aria-label="The page (image not available)"'],
    ),
    (
        "6-zone-pivots-inside-a-moniker-range",
        '::: moniker range=">=sql-server-2017"\n\n::: zone pivot="linux"\nApt.\n::: zone-end\n\n'
        '::: zone pivot="windows"\nMsi.\n::: zone-end\n\n::: moniker-end\n',
        [("paragraph", "p[0]", ">=sql-server-2017", (), None), ("paragraph", "p[1]", "linux", (), None),
         ("paragraph", "p[2]", "Apt.", (), None), ("paragraph", "p[3]", "windows", (), None),
         ("paragraph", "p[4]", "Msi.", (), None)],
        ['<section class="tab-panel" data-tab="&gt;=sql-server-2017">\n<p class="tab-title">&gt;=sql-server-2017</p>\n'
         '<div class="tabs">\n<section class="tab-panel" data-tab="linux">',
         '<p>Msi.</p>\n</section>\n</div>\n</section>\n</div>'],
    ),
    (
        "6-tab-headings-as-tabs",
        "Intro.\n\n# [Linux](#tab/linux)\n\nApt.\n\n# [Windows](#tab/windows)\n\nMsi.\n\n---\n\nAfter.\n",
        [("paragraph", "p[0]", "Intro.", (), None), ("heading", "heading[0]", "Linux", (), None),
         ("paragraph", "p[1]", "Apt.", (), None), ("heading", "heading[1]", "Windows", (), None),
         ("paragraph", "p[2]", "Msi.", (), None), ("paragraph", "p[3]", "After.", (), None)],
        ['<div class="tabs">\n<section class="tab-panel" data-tab="linux">\n'
         '<h1 id="linux" class="tab-title">Linux</h1>\n'
         '<p>Apt.</p>\n</section>\n<section class="tab-panel" data-tab="windows">',
         "<p>Msi.</p>\n</section>\n</div>\n<p>After.</p>"],
    ),
    (
        "6-nextstepaction-as-a-button-link",
        '> [!div class="nextstepaction"]\n> [Next step](b.md)\n',
        [("paragraph", "quote[0]/p[0]", "Next step", ("b.md",), None)],
        ['<div class="docfx-div nextstepaction">\n<p><a href="/pt-br/b/" title="B">Next step</a></p>\n</div>'],
    ),
    (
        "6-alert-marker-inside-a-pipe-table-cell",
        "| A |\n|---|\n| Text <br/> > [!IMPORTANT]> Needed. |\n",
        [("table_cell", "table[0]/row[0]/cell[0]", "A", (), None),
         ("table_cell", "table[0]/row[1]/cell[0]", "Text Needed.", (), None)],
        ['<td>Text <br> <strong class="alert-label alert-label-important">Importante:</strong> Needed.</td>'],
    ),
    (
        "3-alert-indented-like-code-after-a-list-marker",
        "- Intro.\n-     > [!IMPORTANT]\n    > After [B](b.md).\n",
        [("list_item", "list[0]/item[0]", "Intro.", (), None),
         ("alert", "list[0]/item[1]/alert[0]", "After B.", ("b.md",), "IMPORTANT")],
        ['<p class="alert-title">Importante</p>\n<p>After <a href="/pt-br/b/" title="B">B</a>.</p>'],
    ),
    (
        "4-fragment-written-with-two-hashes",
        "## Process\n\n[Up](##process) and [B](b.md##x)\n",
        [("heading", "heading[0]", "Process", (), None),
         ("paragraph", "p[0]", "Up and B", ("#process", "b.md#x"), None)],
        ['<a href="#process">Up</a>'],
    ),
    (
        "6-a-link-to-nothing-is-its-text",
        "See [Get-CsUser](https://example.com/x)[]() and [its page]().\n",
        [("paragraph", "p[0]", "See Get-CsUser and its page.", ("https://example.com/x",), None)],
        ['<p>See <a href="https://example.com/x" class="link-external" rel="noopener noreferrer">Get-CsUser</a>'
         ' and its page.</p>'],
    ),
    (
        "bilingual-heading-keeps-its-anchor-and-the-translation",
        '## <a name="turn-on"></a><span data-ttu-id="3d7d3-103">Ativar o Bookings</span><span class="sxs-lookup">'
        '<span data-stu-id="3d7d3-103">Turn Bookings on</span></span>\n',
        [("heading", "heading[0]", "Ativar o Bookings", (), None)],
        ['<h2 id="turn-on">Ativar o Bookings</h2>'],
    ),
    (
        "bilingual-sentences-keep-their-markdown-and-links",
        '<span data-ttu-id="a-1">Vá para **Configurações** e [B](b.md).</span><span class="sxs-lookup"><span '
        'data-stu-id="a-1">Go to **Settings** and [B](b.md).</span></span> <span data-ttu-id="a-2">Depois.</span>'
        '<span class="sxs-lookup"><span data-stu-id="a-2">Then.</span></span>\n',
        [("paragraph", "p[0]", "Vá para Configurações e B. Depois.", ("b.md",), None)],
        ['<p>Vá para <strong>Configurações</strong> e <a href="/pt-br/b/" title="B">B</a>. Depois.</p>'],
    ),
    (
        "bilingual-html-cell",
        '<table><tr><td><span data-ttu-id="x-1"><a href="b.md">Antes</a></span><span class="sxs-lookup"><span '
        'data-stu-id="x-1"><a href="b.md">Earlier</a></span></span></td></tr></table>\n',
        [("table_cell", "table[0]/row[0]/cell[0]", "Antes", ("b.md",), None)],
        ['<td><a href="/pt-br/b/" title="B">Antes</a></td>'],
    ),
    (
        # Teams' tabs articles: the questions fold under the disclosure, as the browser nests Learn's page
        "details-in-a-list-item-folds-the-markdown-between-its-tags",
        "1. Valores.\n\n    <details>\n    <summary><b>Perguntas</b></summary>\n\n    * **Nome?**\n\n"
        "      O nome.\n\n    </details>\n\n2. Depois.\n",
        [("list_item", "list[0]/item[0]", "Valores. Perguntas", (), None),
         ("list_item", "list[0]/item[0]/list[0]/item[0]", "Nome? O nome.", (), None),
         ("list_item", "list[0]/item[1]", "Depois.", (), None)],
        ["<li>\n<p>Valores.</p>\n <details>\n<summary><b>Perguntas</b></summary>\n<ul>\n<li>\n<p><strong>Nome?"
         "</strong></p>\n<p>O nome.</p>\n</li>\n</ul>\n </details>\n</li>"],
    ),
    (
        "a-div-opened-and-closed-in-two-blocks-wraps-what-lies-between",
        '<div class="nota"><!-- </div> -->\n\nTexto **forte** e [B](b.md).\n\n</div><div>\n\nFora.\n\n</div>\n',
        [("paragraph", "p[1]", "Texto forte e B.", ("b.md",), None), ("paragraph", "p[3]", "Fora.", (), None)],
        ['<div class="nota">\n<p>Texto <strong>forte</strong> e <a href="/pt-br/b/" title="B">B</a>.</p>\n</div>'
         '<div>\n<p>Fora.</p>\n</div>'],
    ),
    (
        # The Win32 docs' related topics, as converted from MSDN: each link a paragraph inside a <dt> that
        # blocks of their own open and close. Each block was closed alone: an empty list, then stray terms.
        "a-definition-list-opened-and-closed-around-markdown-holds-it",
        "<dl> <dt>\n\n[Um](a.md)\n</dt> <dt>\n\n[Dois](b.md)\n</dt> </dl>\n",
        [("paragraph", "p[1]", "Um", ("a.md",), None), ("paragraph", "p[3]", "Dois", ("b.md",), None)],
        ['<dl> <dt>\n<p><span class="link-missing"', '</span></p>\n</dt> <dt>\n<p><a href="/pt-br/b/" title="B">Dois'
         "</a></p>\n</dt> </dl>"],
    ),
    (
        "a-wrapper-closed-after-other-html-in-its-block-ends-there",
        "<details><summary>S</summary>\n\nDentro.\n\n<p>x</p>\n</details>\n\nDepois.\n",
        [("paragraph", "p[0]", "S", (), None), ("paragraph", "p[1]", "Dentro.", (), None),
         ("paragraph", "p[2]", "x", (), None), ("paragraph", "p[3]", "Depois.", (), None)],
        ["<p>x</p>\n</details>\n<p>Depois.</p>"],
    ),
    (
        # Edge's WebView2 overview: a row of icons, a row of headings, a row of texts; Learn shows a 3×3
        # grid, where dropping the fences had listed the three headings, then the three texts. The
        # containers take a marker of their own, so that a zone inside a column (or around a row) holds.
        "rows-and-columns-lay-their-content-side-by-side",
        '## Ventajas\n\n:::row:::\n   :::column span="1":::\n      ### Uno\n   :::column-end:::\n'
        '   :::column span="2":::\n      Texto **dos**.\n   :::column-end:::\n:::row-end:::\n\n'
        '::: zone pivot="a"\n:::row:::\n:::column:::\nZona.\n:::column-end:::\n:::row-end:::\n::: zone-end\n\n'
        ":::column-end:::\n:::row:::\nNever closed.\n",
        [("heading", "heading[0]", "Ventajas", (), None), ("heading", "heading[1]", "Uno", (), None),
         ("paragraph", "p[0]", "Texto dos.", (), None), ("paragraph", "p[1]", "a", (), None),
         ("paragraph", "p[2]", "Zona.", (), None), ("paragraph", "p[3]", "Never closed.", (), None)],
        ['<h2 id="ventajas">Ventajas</h2>\n<div class="docfx-row">\n<div class="docfx-column span-1">\n'
         '<h3 id="uno">Uno</h3>\n</div>\n<div class="docfx-column span-2">\n<p>Texto <strong>dos</strong>.</p>\n'
         '</div>\n</div>\n<div class="tabs">\n<section class="tab-panel" data-tab="a">\n<p class="tab-title">a</p>\n'
         '<div class="docfx-row">\n<div class="docfx-column">\n<p>Zona.</p>\n</div>\n</div>\n</section>\n</div>\n'
         "<p>Never closed.</p>"],
    ),
    (
        "5-code-highlighted-with-classes",
        "```powershell\nGet-CsUser -Identity \"x\"\n```\n",
        [("code", "code[0]", 'Get-CsUser -Identity "x"', (), None)],
        ['<pre tabindex="0"><code class="language-powershell highlight"><span class="nb">Get-CsUser</span> '
         '<span class="n">-Identity</span> <span class="s2">"x"</span>\n</code></pre>'],
    ),
]


@pytest.mark.parametrize(("body", "expected", "snippets"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_construct(body: str, expected: list[Seg], snippets: list[str]) -> None:
    assert segments(body) == expected
    page = html(body)
    for snippet in snippets:
        assert snippet in page
    assert "[!" not in page and ":::" not in page and "style=" not in page
    assert not any(english in page for english in ("sxs-lookup", "Turn Bookings", "Settings", "Earlier", "Then."))


def test_bilingual_markup_is_read_in_one_pass_however_hostile() -> None:
    hostile = '<span data-ttu-id="x">' * 20_000 + '<span class="sxs-lookup">' * 20_000
    assert docfx.bilingual(hostile) == hostile  # nothing pairs: left as written
    pair = '<span data-ttu-id="1">Um.</span><span class="sxs-lookup"><span data-stu-id="1">One.</span></span>'
    assert docfx.bilingual(pair * 3 + "\n" + pair) == "Um.Um.Um.\nUm."


def test_a_divs_attributes_are_read_in_one_pass_however_hostile() -> None:
    # Each start inside a long word tried every split of it: 2.6 s for a [!div] of 20,000 letters.
    assert markdown.parse("> [!div " + "a" * 200_000 + "]\n> Text.\n")[0].meta["div"] == ""
    tokens = markdown.parse("> [!div x" + "a" * 200_000 + ' class="nextstepaction"]\n> [Next](n.md)\n')
    assert tokens[0].meta["div"] == "nextstepaction"


def test_a_bilingual_sentence_including_a_bilingual_file_is_its_translation(tmp_path: Path) -> None:
    # Business Central (es-ES): the file a sentence includes is bilingual too, so the sentence's pair held
    # another pair, which no pass read: the page showed the Spanish and the English sentence, with its link.
    def pair(text: str, source: str, n: int) -> str:
        return (f'<span data-ttu-id="a-{n}">{text}</span><span class="sxs-lookup">'
                f'<span data-stu-id="a-{n}">{source}</span></span>')

    root = tmp_path / "content"
    (root / "es-es" / "includes").mkdir(parents=True)
    (root / "es-es" / "includes" / "hub.md").write_text(pair("Accountant Hub", "Accountant Hub", 1) + "\n")
    include = "[!INCLUDE[hub](includes/hub.md)]"
    body = pair(f"Acceda a {include} en [Microsoft](https://x.example/a).",
                f"Access {include} on [Microsoft](https://x.example/a).", 2)
    (root / "es-es" / "a.md").write_text(f"---\ntitle: {pair('Inicio', 'Start', 3)}\n---\n# Inicio\n\n{body}\n")
    corpus = ingest(root)
    (doc,) = corpus.documents
    assert corpus.problems == () and doc.title == "Inicio"
    assert [s.text for s in doc.segments] == ["Inicio", "Acceda a Accountant Hub en Microsoft."]
    assert docfx.bilingual(pair(pair("a", "b", 1) * 2, "c", 2)) == "aa"


def test_code_spans_of_a_table_row_are_found_in_one_pass_however_hostile() -> None:
    # An expression tried each split of a run of backticks: a row of 3,000 of them took minutes.
    assert docfx._escape_code_pipes("|" + "`" * 200_000 + "|") == "|" + "`" * 200_000 + "|"
    assert docfx._escape_code_pipes("| `a|b` | ``c|`d`` | `e | f |") == "| `a\\|b` | ``c\\|`d`` | `e | f |"



@pytest.mark.parametrize("line", [" " * 200_000 + "|-x", "|-|-" + " " * 200_000 + "x"])
def test_a_table_delimiter_row_is_told_in_one_pass_however_hostile(line: str) -> None:
    # Two runs of blanks side by side: each split was tried, 3 s for a row of 20,000 spaces.
    assert docfx._DELIMITER_ROW.match(line) is None
    assert docfx._DELIMITER_ROW.match(line.replace("x", "|")) is not None


def test_nested_zones_are_fenced_in_linear_space_however_deep() -> None:
    # Each container is fenced with more colons than those it holds: 3,000 nested zones made fences of
    # up to 3,003 colons, 4.5 million in all, and a parse of 35 s. Deeper than MAX_ZONE_DEPTH, a zone
    # loses its fences (its content stays).
    depth = 3_000
    hostile = "".join(f'::: zone pivot="p{i}"\n' for i in range(depth)) + "Texto.\n" + "::: zone-end\n" * depth
    out = docfx._zones(hostile)
    fences = re.findall("^:+", out, re.M)
    assert len(fences) == 2 * docfx.MAX_ZONE_DEPTH and max(map(len, fences)) == 2 + docfx.MAX_ZONE_DEPTH
    assert "Texto." in out
    two = '::: moniker range="v2"\n::: zone pivot="a"\nA.\n::: zone-end\n::: moniker-end\n'
    assert docfx._zones(two) == ':::: docfx-zone range="v2"\n::: docfx-zone pivot="a"\nA.\n:::\n::::\n'


def test_zone_fences_are_read_in_one_pass_however_many_blanks() -> None:
    # The patterns once read a run of blanks again from each blank (a line of 80,000 took 27 s).
    blanks = " \t" * 100_000
    assert docfx._zones(f"::: zone pivot={blanks}x\n") == f"::: docfx-zone pivot={blanks}x\n"
    assert docfx._zones(f"::: moniker range={blanks}x\n") == f"::: docfx-zone range={blanks}x\n"
    assert docfx._zones(f"::: zone-end{blanks}x\n") == f"::: zone-end{blanks}x\n"
    assert docfx._zones(f'::: zone pivot="a"{blanks}\nA.\n::: zone-end{blanks}\n') == (
        '::: docfx-zone pivot="a"\nA.\n:::\n')


def test_directive_attributes_are_read_in_one_pass_however_long_a_word() -> None:
    # A key was tried from every letter of a word: a zone line with a 32,000-letter word took 8 s.
    word = "a" * 200_000
    assert docfx.image_attrs(f'pivot="x" {word}') == {"pivot": "x"}
    assert docfx.image_attrs(f"{word} alt-text=ok") == {"alt-text": "ok"}


def test_html_containers_are_found_in_one_pass_however_hostile() -> None:
    # Opening tags never closed, and closing tags of another name: neither is a span, and both are
    # read once (a scan from each '<ul' to a closing tag would be quadratic).
    hostile = "\n<ul>" * 20_000 + "\n</table>" * 20_000 + "\n\n"
    assert htmlblocks.container_spans(hostile) == []
    assert markdown.preprocess(hostile) == hostile
    nested = "<table>\n<tr><td>\n<ul><li>a</li></ul>\n</td></tr>\n</table>\n\n<ol><li>b</ol>\n"
    assert htmlblocks.container_spans(nested) == [(0, 56), (58, 72)]
    assert htmlblocks.container_spans("Say <ul> and </ul>.\n\n> <ul>\n</ul>") == [(23, 33)]
    # '<table' that no '>' follows (the tag pattern alone read to the end of the text from each, minutes
    # for the hostile corpus's 300,000), and a long line of tags (each looked back to its line's start)
    unclosed = "</table>\n\n```\n" + "x <table " * 300_000 + "\n```\n"
    assert htmlblocks.container_spans(unclosed) == [] and markdown.preprocess(unclosed) == unclosed
    one_line = "x <ul>" * 300_000 + "\n\n</ul>\n"
    assert htmlblocks.container_spans(one_line) == []
    assert htmlblocks.container_spans("<ul " + "x " * 300_000 + "\n\n>\n<li>a</li>\n</ul>") == [(0, 600_024)]



def test_html_comments_are_blanked_in_one_pass_however_hostile() -> None:
    # <!--.*?--> tried at each of many '<!--' with no '-->' read to the end each time: 40,000 took a minute
    # in the checks (kb/quality/markup.outside_code) and in the wrappers' scan.
    hostile = "<!-- a\n" * 400_000
    assert htmlblocks.blank_comments(hostile) == hostile
    assert htmlblocks.blank_comments("a<!--b\nc-->d<!---->e<!-- f") == "a     \n    d       e<!-- f"
    assert htmlblocks.blank_comments("a<!--b\nc-->d", keep_newlines=False) == "a          d"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["<!--", "-->", "a", "\n", "-", "<!", ">"]), max_size=30).map("".join))
def test_html_comments_are_blanked_as_the_pattern_blanks_them(text: str) -> None:
    pattern = re.compile(r"<!--.*?-->", re.S)
    keep = pattern.sub(lambda m: "\n".join(" " * len(p) for p in m.group(0).split("\n")), text)
    assert htmlblocks.blank_comments(text) == keep
    assert htmlblocks.blank_comments(text, keep_newlines=False) == pattern.sub(lambda m: " " * len(m.group(0)), text)


def test_wrappers_left_open_or_closed_elsewhere_are_read_in_one_pass_however_hostile() -> None:
    # 20,000 wrappers opened, then 20,000 closers of one never opened (each looked for down the stack),
    # and '<div' with no '>' after it (the tag pattern read to the end of the text from each).
    body = "<div>" * 20_000 + "</details>" * 20_000
    text, still_open = htmlblocks.open_ends(body)
    assert still_open == ["div"] * 20_000 and text.count("<!--kb-close:details-->") == 20_000
    assert htmlblocks.left_open("<p>x</p>" + "</div>\n" * 20_000, still_open) == "<p>x</p>"
    assert htmlblocks.open_ends("x <div " * 300_000) == ("x <div " * 300_000, [])
    assert htmlblocks.open_ends("<div><details><p>a</div>b</details>") == (
        "<div><details><p>a</div>b<!--kb-close:details-->", [])  # </div> closed the details inside it


@pytest.mark.parametrize(("language", "code"), [
    ("sql", "SELECT 1 FROM t"), ("json", '{"a": 1}'), ("powershell", "Get-CsUser"), ("azurecli", "az login --x"),
    ("csharp", "var x = 1;"), ("console", "$ ls -l"), ("xml", "<a b='c'/>"), ("cmd", "echo %PATH%"),
    # the unseen docsets' (Graph, SQL Server, Visual Studio): Learn's "-interactive" variants, xaml, tsql
    ("msgraph-interactive", "GET https://graph.microsoft.com/v1.0/me HTTP/1.1"), ("tsql", "SELECT 1"),
    ("csharp-interactive", "var x = 1;"), ("xaml", '<Grid x:Name="a"/>'), ("cshtml", "<p>@Model.Name</p>"),
])
def test_the_corpora_languages_are_highlighted(language: str, code: str) -> None:
    assert '<span class="' in html(f"```{language}\n{code}\n```\n")


def test_an_include_in_a_list_item_keeps_the_list(tmp_path) -> None:
    from kb.ingest.reader import parse_document

    (tmp_path / "includes").mkdir()
    (tmp_path / "includes" / "step.md").write_text("Included line one.\n\nIncluded line two.\n", encoding="utf-8")
    body = "---\ntitle: T\n---\n1. First.\n\n   [!INCLUDE[step](includes/step.md)]\n\n2. Second.\n"
    doc, problems = parse_document("a.md", body.encode(), tmp_path)
    assert problems == []
    assert doc is not None
    assert [(s.path, s.text) for s in doc.segments] == [
        ("list[0]/item[0]", "First. Included line one. Included line two."), ("list[0]/item[1]", "Second.")]


def test_a_control_character_in_a_yaml_title_keeps_the_document() -> None:
    from kb.ingest.reader import parse_document

    doc, problems = parse_document("a.md", "---\ntitle: Uso \u0097 geral\n---\nTexto.\n".encode())
    assert doc is not None and doc.title == "Uso \u2014 geral"
    assert [(p.line, p.message) for p in problems] == [
        (2, "front matter has control characters; they were replaced")]


def test_docfx_css_styles_every_pygments_token_class() -> None:
    css = (ROOT / "site_templates" / "assets" / "docfx.css").read_text(encoding="utf-8")
    classes = [line.split("{")[0].strip() for line in highlight.stylesheet().splitlines()
               if line.startswith(".highlight .")]
    assert len(classes) > 30
    assert [c for c in classes if f"{c} {{" not in css] == []
    assert "style=" not in css


def test_every_coloured_token_class_has_a_dark_colour() -> None:
    import re

    css = (ROOT / "site_templates" / "assets" / "docfx.css").read_text(encoding="utf-8")
    start = css.index("@media (prefers-color-scheme: dark)")
    light, dark = css[:start], css[start:css.index("\n}\n", start)]
    coloured = {m.group(1) for rule in re.finditer(r"^([^{@\n]+)\{[^}]*\bcolor:", light, re.M)
                for m in re.finditer(r"\.highlight (\.\w+)", rule.group(1))}
    assert len(coloured) > 30
    assert sorted(c for c in coloured if f".highlight {c}" not in dark) == []


@pytest.mark.parametrize(("href", "expected"), [
    ("..\\x.md", "../x.md"), ("..%5Cdir%5Cx.md#a", "../dir/x.md#a"), ("https://h/a%5Cb", "https://h/a%5Cb"),
    ("x.md", "x.md"),
])
def test_backslash_paths_are_made_ordinary(href: str, expected: str) -> None:
    assert docfx.normalize_href(href) == expected


def test_image_attributes_may_hold_colons_and_either_quote() -> None:
    text = """ type="content" source='a.png' alt-text="Shot: the page" border=false"""
    assert docfx.image_attrs(text) == {"type": "content", "source": "a.png", "alt-text": "Shot: the page",
                                       "border": "false"}


@pytest.mark.parametrize(
    ("uid", "shown"),
    [("System.String", "String"), ("System.String.Format*", "Format"),
     ("System.String.Format%2A?displayProperty=nameWithType", "String.Format"),
     ("System.IO.File?displayProperty=fullName", "System.IO.File"),
     ("System.Collections.Generic.List`1", "List"), ("Microsoft.Graph", "Graph"), ("plain", "plain")],
)
def test_an_xref_shows_the_name_learn_shows(uid: str, shown: str) -> None:
    assert docfx.xref_name(uid) == shown
