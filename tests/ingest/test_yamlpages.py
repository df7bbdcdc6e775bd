"""Learn's YAML pages (kb.ingest.yamlpages): landing pages, hubs and FAQs are documents, read as the
Markdown of the page Learn renders, each segment at the line of the YAML file its text is on."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.build.pipeline import build
from kb.ingest import yamlpages
from kb.ingest.reader import ingest, parse_document
from kb.output.options import BuildOptions

FAQ = """\
### YamlMime:FAQ
metadata:
  title: Perguntas frequentes (aba do navegador)
  ms.contentlocale: pt-BR
  ms.date: 09/04/2020
title: Perguntas frequentes sobre o Bookings
summary: Respostas às perguntas mais comuns.
sections:
  - name: Configuração
    questions:
      - question: Como ativo o Bookings?
        answer: |
          Vá para **Configurações** e veja [Ativar](turn-on.md#passos).
      - question: Quanto custa?
        answer: Está incluído na assinatura.
additionalContent: |
  ## Próximas etapas
  Veja [Ativar](turn-on.md).
"""

HUB = """\
### YamlMime:Hub
title: Microsoft Bookings
summary: Configure o Bookings.
brand: m365
metadata:
  ms.topic: hub-page
highlightedContent:
  items:
    - title: O que é o Bookings?
      itemType: overview
      url: turn-on.md
additionalContent:
  sections:
    - title: Primeiros passos
      items:
        - title: Ativar o Bookings
          summary: Para toda a organização.
          url: turn-on.md
        - title: Perguntas frequentes
          url: faq.yml
  footer: "[Blog](https://x.example/blog) - [Fórum](https://x.example/forum)"
"""

LANDING = """\
### YamlMime:Landing
title: Bookings
summary: Tudo sobre o Bookings.
landingContent:
  - title: Começar
    linkLists:
      - linkListType: get-started
        links:
          - text: Ativar
            url: turn-on.md
          - text: Perguntas
            url: faq.yml
"""


def segments(text: str) -> list[tuple[str, str, int | None, str, tuple[str, ...]]]:
    doc, problems = parse_document("pt-br/page.yml", text.encode())
    assert problems == [] and doc is not None
    return [(s.kind.value, s.path, s.line, s.text, tuple(link.target for link in s.links)) for s in doc.segments]


def test_an_faq_is_its_questions_under_their_sections_each_at_its_yaml_line() -> None:
    assert segments(FAQ) == [
        ("heading", "heading[0]", 6, "Perguntas frequentes sobre o Bookings", ()),
        ("paragraph", "p[0]", 7, "Respostas às perguntas mais comuns.", ()),
        ("heading", "heading[1]", 9, "Configuração", ()),
        ("heading", "heading[2]", 11, "Como ativo o Bookings?", ()),
        ("paragraph", "p[1]", 13, "Vá para Configurações e veja Ativar.", ("turn-on.md#passos",)),
        ("heading", "heading[3]", 14, "Quanto custa?", ()),
        ("paragraph", "p[2]", 15, "Está incluído na assinatura.", ()),
        # the closing Markdown (Business Central's next steps), lost before
        ("heading", "heading[4]", 17, "Próximas etapas", ()),
        ("paragraph", "p[3]", 17, "Veja Ativar.", ("turn-on.md",)),
    ]
    doc, _ = parse_document("pt-br/faq.yml", FAQ.encode())
    assert doc is not None
    assert (doc.title, doc.locale, doc.description, doc.translation.date) == (
        "Perguntas frequentes sobre o Bookings", "pt-BR", "Respostas às perguntas mais comuns.", "2020-09-04")


def test_a_hub_and_a_landing_page_are_headed_lists_of_links() -> None:
    assert segments(HUB) == [
        ("heading", "heading[0]", 2, "Microsoft Bookings", ()),
        ("paragraph", "p[0]", 3, "Configure o Bookings.", ()),
        ("list_item", "list[0]/item[0]", 9, "O que é o Bookings?", ("turn-on.md",)),
        ("heading", "heading[1]", 14, "Primeiros passos", ()),
        ("list_item", "list[1]/item[0]", 16, "Ativar o Bookings: Para toda a organização.", ("turn-on.md",)),
        ("list_item", "list[1]/item[1]", 19, "Perguntas frequentes", ("faq.yml",)),
        ("paragraph", "p[1]", 21, "Blog - Fórum", ("https://x.example/blog", "https://x.example/forum")),  # its footer
    ]
    assert [s[3] for s in segments(LANDING)] == ["Bookings", "Tudo sobre o Bookings.", "Começar", "Ativar", "Perguntas"]


# Microsoft Graph's pt-BR landing page (2019): the format localized repositories still hold.
YAML_DOCUMENT = """\
### YamlMime:YamlDocument
documentType: LandingData
title: Documentação do Microsoft Graph
metadata:
  ms.contentlocale: pt-BR
abstract:
  description: 'Microsoft Graph fornece um modelo de programação unificada.'
  aside:
    title: 'Visão geral (4:46)'
    href: 'https://youtu.be/PI9NO5rayiY'
sections:
  - items:
      - type: list
        style: cards
        items:
          - href: /graph/overview
            html: <p>Descubra o que você pode fazer.</p>
            image:
              src: ./images/i.svg
            title: Visão geral
  - title: Novidades
    items:
      - type: list
        style: unordered
        items:
          - html: <a href="/graph/auth">Guias de autenticação</a>
      - type: paragraph
        text: Saiba mais no <a href="/graph/changelog">log</a>!
      - type: table
        columns:
          - image:
              src: ./images/android.svg
            title: Android
"""

# Azure PowerShell's structured tutorial: steps of a title and Markdown content.
TUTORIAL = """\
### YamlMime:Tutorial
title: Criar máquinas virtuais
metadata:
  ms.contentlocale: pt-BR
items:
- durationInMinutes: 1
  content: >-
    Neste tutorial, você cria uma VM.
- durationInMinutes: 2
  title: Entrar
  content: |-
    Entre antes de qualquer etapa:

    ```azurepowershell-interactive
    Connect-AzAccount
    ```
"""


def test_an_old_landing_page_and_a_tutorial_are_pages_too() -> None:
    assert segments(YAML_DOCUMENT) == [
        ("heading", "heading[0]", 3, "Documentação do Microsoft Graph", ()),
        ("paragraph", "p[0]", 7, "Microsoft Graph fornece um modelo de programação unificada.", ()),
        ("list_item", "list[0]/item[0]", 9, "Visão geral (4:46)", ("https://youtu.be/PI9NO5rayiY",)),
        # (a block is looked for by its label's text after the previous one's: not inside the line above)
        ("list_item", "list[0]/item[1]", 20, "Visão geral: Descubra o que você pode fazer.", ("/graph/overview",)),
        ("heading", "heading[1]", 21, "Novidades", ()),
        ("list_item", "list[1]/item[0]", 26, "Guias de autenticação", ("/graph/auth",)),
        ("paragraph", "p[1]", 28, "Saiba mais no log!", ("/graph/changelog",)),
        ("list_item", "list[2]/item[0]", 33, "Android", ()),
    ]
    assert segments(TUTORIAL) == [
        ("heading", "heading[0]", 2, "Criar máquinas virtuais", ()),
        ("paragraph", "p[0]", 8, "Neste tutorial, você cria uma VM.", ()),
        ("heading", "heading[1]", 10, "Entrar", ()),
        ("paragraph", "p[1]", 12, "Entre antes de qualquer etapa:", ()),
        ("code", "code[0]", 12, "Connect-AzAccount", ()),
    ]


def test_a_mime_line_that_lost_a_mark_is_read_and_reported() -> None:
    """Visual Studio's it-IT landing page starts '## YamlMime:Landing': it was skipped without a word."""
    doc, problems = parse_document("it-it/index.yml", LANDING.replace("### YamlMime", "## YamlMime", 1).encode())
    assert doc is not None and doc.title == "Bookings"
    assert [(p.line, p.message) for p in problems] == [
        (1, "the first line is '## YamlMime:Landing': DocFX reads '### YamlMime:Landing' (read so)")]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("### YamlMime:FAQ\nsummary: ok\ntitle: a: b\n", (3, "the YAML page is not valid YAML")),
        ("### YamlMime:FAQ\n- a list\n", (1, "the YAML page is not a mapping of keys to values")),
        ("### YamlMime:Landing\nbrand: m365\n", (1, "the YAML page has no title and no text")),
    ],
)
def test_a_broken_yaml_page_is_a_problem_naming_its_line(text: str, problem: tuple[int, str]) -> None:
    doc, problems = parse_document("pt-br/page.yml", text.encode())
    assert doc is None and len(problems) == 1
    assert (problems[0].line, problems[0].message[: len(problem[1])]) == problem


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"### YamlMime:Landing\ntitle: x", "landing"),
        (b"\xef\xbb\xbf### YamlMime:FAQ\n", "faq"),  # after a byte-order mark
        (b"###YamlMime: Hub\n", "hub"),
        (b"### YamlMime:YamlDocument\n", "yamldocument"),
        (b"### YamlMime:Tutorial\n", "tutorial"),
        (b"### YamlMime:Module\n", "module"),
        (b"### YamlMime:ModuleUnit\n", "moduleunit"),
        (b"### YamlMime:LearningPath\n", "learningpath"),
        (b"## YamlMime:Landing\ntitle: x", "landing"),  # a mark lost in translation: read, and reported
        (b"### YamlMime:ManagedReference\n", None),  # API reference: not a page kb reads
        (b"- name: Ativar\n  href: a.md\n", None),
        (b"title: x\n### YamlMime:FAQ\n", None),  # only on the first line
    ],
)
def test_a_page_is_told_by_its_first_line(head: bytes, kind: str | None) -> None:
    assert yamlpages.page_kind(head) == kind


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


TURN_ON = ("---\ntitle: Ativar\nms.contentlocale: pt-BR\n---\n# Ativar\n\nVeja as [perguntas](faq.yml).\n\n"
           "## Passos\n\nTexto.\n")


def test_only_pages_are_documents_other_yaml_is_not(tmp_path: Path) -> None:
    root = _write(tmp_path / "content", {
        "pt-br/faq.yml": FAQ, "pt-br/index.yml": HUB, "pt-br/turn-on.md": TURN_ON,
        "pt-br/toc.yml": "- name: Ativar\n  href: turn-on.md\n",
        "pt-br/api.yml": "### YamlMime:ManagedReference\nitems: []\n",
        "pt-br/data.yml": "key: value\n",
    })
    corpus = ingest(root)
    assert [d.path for d in corpus.documents] == ["pt-br/faq.yml", "pt-br/index.yml", "pt-br/turn-on.md"]
    assert corpus.problems == ()


def test_links_to_a_yaml_page_land_on_it_and_it_renders_as_learn_does(tmp_path: Path) -> None:
    root = _write(tmp_path / "content", {"pt-br/faq.yml": FAQ, "pt-br/index.yml": HUB, "pt-br/turn-on.md": TURN_ON})
    result = build(root, tmp_path / "out", BuildOptions(jobs=1))
    site = result.release / "site"
    pages = {p.parent.name: p.read_text(encoding="utf-8") for p in (site / "pt-br").glob("*/index.html")}
    faq_url = "/pt-br/perguntas-frequentes-sobre-o-bookings/"
    assert f'href="{faq_url}"' in pages["ativar"]  # not "not in this knowledge base"
    faq = pages["perguntas-frequentes-sobre-o-bookings"]
    assert "<h3" in faq and "Como ativo o Bookings?" in faq and "<strong>Configurações</strong>" in faq
    assert 'href="/pt-br/ativar/#passos"' in faq
    hub = pages["microsoft-bookings"]
    assert '<article class="doc landing">' in hub and f'href="{faq_url}"' in hub  # a card grid


# Learn's training (learn-pr, ru-RU and it-IT, 2018): a module, a unit of it with a quiz, its content included.
MODULE = """\
### YamlMime:Module
uid: learn.cosmos
metadata:
  title: Criar um banco de dados
  ms.contentlocale: pt-BR
title: Criar um banco de dados
summary: Saiba como criar uma conta.
abstract: |
  Neste módulo, você vai:

  - Criar um banco de dados
prerequisites: Nenhum
levels:
- beginner
units:
- learn.cosmos.1-introduction
- learn.cosmos.2-quiz
- learn.cosmos.3-gone
badge:
  uid: learn.cosmos.badge
"""

UNIT = """\
### YamlMime:ModuleUnit
uid: learn.cosmos.2-quiz
metadata:
  title: Teste
  ms.contentlocale: pt-BR
title: <span data-ttu-id="7fe83-101">Teste de conhecimento</span><span class="sxs-lookup">\
<span data-stu-id="7fe83-101">Knowledge check</span></span>
durationInMinutes: 5
content: |
  [!include[](includes/2-quiz.md)]
quiz:
  title: Verifique seu conhecimento
  questions:
  - content: Qual é a unidade de vazão?
    choices:
    - content: Unidade de Solicitação
      isCorrect: true
      explanation: Correto.
    - content: Megabyte
      isCorrect: false
      explanation: Não é uma medida de vazão.
  - content: Qual é a unidade de vazão?
    choices:
    - content: RU/s
      isCorrect: true
tasks:
- action: exists
  hint: Dê um nome único à conta.
  azure:
    resource:
      name: docsproxyppea427
"""


def test_a_training_unit_is_its_content_and_its_quiz_each_at_its_yaml_line(tmp_path: Path) -> None:
    root = _write(tmp_path / "content", {"pt-br/cosmos/2-quiz.yml": UNIT,
                                         "pt-br/cosmos/includes/2-quiz.md": "Responda às perguntas.\n"})
    corpus = ingest(root)
    assert corpus.problems == ()
    (doc,) = corpus.documents
    assert (doc.title, doc.uid) == ("Teste de conhecimento", "learn.cosmos.2-quiz")  # the English source left out
    assert [(s.kind.value, s.line, s.text) for s in doc.segments] == [
        ("heading", 6, "Teste de conhecimento"),
        ("paragraph", 9, "Responda às perguntas."),
        ("heading", 11, "Verifique seu conhecimento"),
        ("list_item", 13, "Qual é a unidade de vazão?"),
        ("list_item", 13, "Unidade de Solicitação ✓ — Correto."),
        ("list_item", 13, "Megabyte — Não é uma medida de vazão."),
        ("list_item", 21, "Qual é a unidade de vazão?"),  # (the second, not the first written the same)
        ("list_item", 21, "RU/s ✓"),
    ]


def test_a_training_module_lists_its_units_by_their_titles(tmp_path: Path) -> None:
    intro = UNIT.replace("2-quiz", "1-introduction").replace("Teste de conhecimento", "Introdução")
    root = _write(tmp_path / "content", {
        "pt-br/cosmos/index.yml": MODULE, "pt-br/cosmos/1-introduction.yml": intro,
        "pt-br/cosmos/2-quiz.yml": UNIT, "pt-br/cosmos/includes/2-quiz.md": "Responda às perguntas.\n",
        "pt-br/cosmos/includes/1-introduction.md": "Boas-vindas.\n"})
    assert [s[2:4] for s in segments(MODULE)] == [
        (4, "Criar um banco de dados"), (7, "Saiba como criar uma conta."), (9, "Neste módulo, você vai:"),
        (9, "Criar um banco de dados"), (12, "Nenhum"), (16, ""), (17, ""), (18, "")]  # (a block's lines: its first's)
    result = build(root, tmp_path / "out", BuildOptions(jobs=1))
    page = (result.release / "site" / "pt-br" / "learn-cosmos" / "index.html").read_text(encoding="utf-8")
    assert ('<li><a href="/pt-br/learn-cosmos-1-introduction/" title="Introdução">Introdução</a></li>\n'
            '<li><a href="/pt-br/learn-cosmos-2-quiz/" title="Teste de conhecimento">Teste de conhecimento</a></li>'
            ) in page
    # a unit the corpus lacks is missing, not an API member's page on Learn (its uid is dotted as theirs are)
    assert ('<li><span class="link-missing" title="“xref:learn.cosmos.3-gone” não está nesta base de conhecimento">'
            '3-gone<span class="visually-hidden"> (não está nesta base de conhecimento)</span></span></li>') in page
    assert "docsproxyppea427" not in page and "sxs-lookup" not in page
