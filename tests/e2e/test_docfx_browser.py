"""Learn constructs in a real browser, from the built files on a plain static host (no kb server, no
API): zone pivots, moniker ranges and ``#tab/`` sections become working tabs, choosing a pivot or a
version chooses it in every group, code blocks get a copy button; all from the asset ``docfx.js`` under
the pages' CSP meta, with no violation."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

# ruff: noqa: F811  (fixtures imported from browser_support.py, as in test_browser.py)
from browser_support import browser, page  # noqa: F401
from playwright.sync_api import Page, expect
from servers import answers, free_port, kb, running

pytestmark = pytest.mark.browser

DOC = """---
title: Abas e pivôs
ms.contentlocale: pt-br
---
# Abas e pivôs

::: zone pivot="cli"
Use a linha de comando.
::: zone-end

::: zone pivot="portal"
Use o portal.
::: zone-end

Mais um grupo:

::: zone pivot="cli"
Segundo grupo, linha de comando.
::: zone-end

::: zone pivot="portal"
Segundo grupo, portal.
::: zone-end

Por linguagem:

::: zone pivot="csharp,java"
Compile o projeto.
::: zone-end

::: zone pivot="python"
Execute o script.
::: zone-end

::: moniker range="o365-worldwide"
Centro de administração global.
::: moniker-end

::: moniker range="o365-21vianet"
Centro de administração da 21Vianet.
::: moniker-end

Depois:

::: moniker range="o365-worldwide"
1. Passo global.
::: moniker-end

::: moniker range="o365-21vianet"
1. Passo da 21Vianet.
::: moniker-end

# [Linux](#tab/linux)

Instale com apt.

# [Windows](#tab/windows)

Instale com o MSI.

---

```powershell
Get-CsUser -Identity "x"
```

> [!div class="checklist"]
> * Instalar o pacote
> * Criar o projeto

```msgraph-interactive
GET https://graph.microsoft.com/v1.0/me
```

> [!div class="mx-imgBorder"]
> ![Tela de notificações](media/tela.gif)

> [!div class="op_single_selector"]
> - [Portal](portal.md)
> - [PowerShell](powershell.md)

>[!div class="step-by-step"]
[« Passo 1](abas.md)
[Passo 3 »](abas.md#linux)

:::row:::
   :::column span="1":::
      ### Ecossistema da Web
   :::column-end:::
   :::column span="1":::
      ### Inovação rápida
   :::column-end:::
:::row-end:::

<details>
<summary>Perguntas do gerador</summary>

* Qual é o nome da solução?

</details>

```csharp
// Um comentário, uma palavra-chave, um tipo, um texto e um número
public class Pedido { string nome = "x"; int total = 42; }
```

```xml
<add key="a" value="1" />
```

```powershell
$usuario = Get-CsUser -Identity "x"
```

> [!div class="nextstepaction"]
> [Próximo passo](abas.md)
"""


PIVOT_GROUPS = """### YamlMime:ZonePivotGroups
groups:
- id: languages
  title: Linguagens
  pivots:
  - id: csharp
    title: C#
  - id: java
    title: Java
  - id: python
    title: Python
"""
"""The tabs' titles of the language pivots (the cli/portal pivots have none: their tabs say their ids)."""


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of the document's page, its site served by Python's http.server."""
    root = tmp_path_factory.mktemp("docfx")
    (root / "content" / "pt-br").mkdir(parents=True)
    (root / "content" / "pt-br" / "abas.md").write_text(DOC, encoding="utf-8")
    (root / "content" / "pt-br" / "zone-pivot-groups.yml").write_text(PIVOT_GROUPS, encoding="utf-8")
    (root / "content" / "pt-br" / "media").mkdir()
    (root / "content" / "pt-br" / "media" / "tela.gif").write_bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
    out = root / "out"
    done = subprocess.run(kb("build", "--content", str(root / "content"), "--build", str(out), "--quiet",
                             "--jobs", "1"), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    pages = [p for p in (out / "site").rglob("index.html") if "tab-panel" in p.read_text(encoding="utf-8")]
    assert len(pages) == 1
    site = (out / "site").resolve()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)]
    with running(cmd, answers(url + "/")):
        yield f"{url}/{pages[0].resolve().parent.relative_to(site).as_posix()}/"


def test_tabs_and_copy_buttons_work_on_a_static_host(page: Page, document: str) -> None:
    problems: list[str] = []
    page.add_init_script('document.addEventListener("securitypolicyviolation", '
                         '(e) => console.error("CSP violation: " + e.violatedDirective));')
    page.on("console", lambda m: problems.append(m.text) if "CSP violation" in m.text else None)
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.goto(document)
    tabs = page.get_by_role("tab")
    expect(tabs).to_have_count(13)  # pivot groups of 2, 2 and 3, moniker groups of 2 and 2, #tab/ sections 2
    expect(page.get_by_text("Use a linha de comando.")).to_be_visible()
    expect(page.get_by_text("Use o portal.")).to_be_hidden()
    page.get_by_role("tab", name="portal").first.click()
    expect(page.get_by_text("Use o portal.")).to_be_visible()
    expect(page.get_by_text("Segundo grupo, portal.")).to_be_visible()  # the same pivot everywhere
    expect(page.get_by_text("Segundo grupo, linha de comando.")).to_be_hidden()
    page.get_by_role("tab", name="Windows").click()
    expect(page.get_by_text("Instale com o MSI.")).to_be_visible()
    expect(page.get_by_text("Instale com apt.")).to_be_hidden()
    expect(page.locator("pre .copy-code")).to_have_count(5)  # (PowerShell twice, the Graph request, C#, XML)
    expect(page.locator("pre code .nb").first).to_have_text("Get-CsUser")
    assert problems == []


def test_choosing_a_version_of_a_moniker_range_chooses_it_in_every_group(page: Page, document: str) -> None:
    page.goto(document)
    expect(page.get_by_text("Centro de administração global.")).to_be_visible()
    expect(page.get_by_text("Passo da 21Vianet.")).to_be_hidden()
    page.get_by_role("tab", name="o365-21vianet").first.click()
    expect(page.get_by_text("Centro de administração da 21Vianet.")).to_be_visible()
    expect(page.get_by_text("Passo da 21Vianet.")).to_be_visible()
    expect(page.get_by_text("Passo global.")).to_be_hidden()
    expect(page.get_by_role("tab", name="o365-21vianet").last).to_have_attribute("aria-selected", "true")


def test_a_zone_written_for_two_pivots_shows_under_both_tabs(page: Page, document: str) -> None:
    page.goto(document)
    # each tab says its pivot's title, also a pivot that has only a panel shared with another ("Java")
    expect(page.locator(".tab-list").nth(2).get_by_role("tab")).to_have_text(["C#", "Java", "Python"])
    expect(page.get_by_text("Compile o projeto.")).to_be_visible()  # (csharp, the first, is chosen)
    page.get_by_role("tab", name="Python").click()
    expect(page.get_by_text("Compile o projeto.")).to_be_hidden()
    expect(page.get_by_text("Execute o script.")).to_be_visible()
    page.get_by_role("tab", name="Java").click()
    expect(page.get_by_text("Compile o projeto.")).to_be_visible()
    expect(page.get_by_text("Execute o script.")).to_be_hidden()


def test_a_checklist_ticks_its_items_instead_of_bullets(page: Page, document: str) -> None:
    page.goto(document)
    item = page.locator(".checklist li").first
    expect(item).to_have_text("Instalar o pacote")
    ticks = item.evaluate("li => [getComputedStyle(li).listStyleType, getComputedStyle(li, '::before').content]")
    assert ticks == ["none", '"✓" / ""']


def test_code_the_lexer_cannot_read_shows_plain_not_boxed_in_red(page: Page, document: str) -> None:
    """Graph writes its requests without an HTTP version, which Pygments' HTTP lexer marks as errors."""
    page.goto(document)
    error = page.locator("code .err").filter(has_text="GET https://graph.microsoft.com/v1.0/me")
    expect(error).to_have_count(1)
    assert error.evaluate("e => getComputedStyle(e).borderTopWidth") == "0px"


def test_learns_image_border_and_article_selector_divs(page: Page, document: str) -> None:
    page.goto(document)
    assert page.locator(".mx-imgBorder img").evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    selector = page.locator(".op_single_selector ul")
    shown = selector.evaluate("e => [getComputedStyle(e).display, getComputedStyle(e).listStyleType]")
    assert shown == ["flex", "none"]


def test_a_step_by_step_div_sets_the_previous_and_next_steps_at_either_side(page: Page, document: str) -> None:
    # ATA's configuration series: the links continue the quote without '>', on two lines of one paragraph.
    page.goto(document)
    links = page.locator(".step-by-step a")
    expect(links).to_have_text(["« Passo 1", "Passo 3 »"])
    boxes = [links.nth(i).bounding_box() for i in range(2)]
    row = page.locator(".step-by-step p").bounding_box()
    assert boxes[0] and boxes[1] and row
    assert boxes[0]["y"] == boxes[1]["y"]  # one row
    assert boxes[0]["x"] == row["x"] and boxes[1]["x"] + boxes[1]["width"] == row["x"] + row["width"]
    assert links.first.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"


def test_a_rows_columns_stand_side_by_side_and_stack_on_a_phone(page: Page, document: str) -> None:
    # Edge's WebView2 overview: a row of headings over a row of their texts, a grid on Learn.
    page.goto(document)
    columns = page.locator(".docfx-row .docfx-column h3")
    expect(columns).to_have_text(["Ecossistema da Web", "Inovação rápida"])
    first, second = (columns.nth(i).bounding_box() for i in range(2))
    assert first and second and first["y"] == second["y"] and first["x"] < second["x"]
    page.set_viewport_size({"width": 390, "height": 844})
    first, second = (columns.nth(i).bounding_box() for i in range(2))
    assert first and second and first["x"] == second["x"] and first["y"] < second["y"]


def test_a_disclosure_folds_the_markdown_written_between_its_tags(page: Page, document: str) -> None:
    # Teams' tabs articles: '<details>', '<summary>', a blank line, a Markdown list, '</details>'.
    page.goto(document)
    question = page.get_by_text("Qual é o nome da solução?")
    expect(question).to_be_hidden()
    page.get_by_text("Perguntas do gerador").click()
    expect(question).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_highlighted_code_keeps_its_contrast_light_and_dark(browser, document: str, scheme: str) -> None:  # noqa: F811
    """Pygments' colours were drawn for a white page: in dark mode a C# comment (#107C10), a keyword (#00F)
    and a string (#A31515) stood on the dark code background below 4.5:1; and a "next step" button's white
    text stood on dark mode's light link colour (2.06:1)."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(document)
        expect(page.locator("code.language-csharp .c1")).to_have_count(1)
        expect(page.locator(".nextstepaction a")).to_have_count(1)
        found = Axe().run(page, context="main", options={"runOnly": ["color-contrast"]}).response["violations"]
        assert [[n["target"] for n in v["nodes"]] for v in found] == []
    finally:
        context.close()
