"""kb.ingest.exl: Adobe Experience League's Markdown (AdobeDocs' localized repositories), each construct
with the smallest input that shows it: what the model holds and what the page shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.ingest import exl
from kb.ingest.cache import ParseCache
from kb.ingest.html_rules import BodyText
from kb.ingest.reader import ingest, parse_document
from kb.ingest.render import render_body
from kb.model import Document


def parse(body: str) -> Document:
    doc, problems = parse_document("pt-br/a.md", ("---\ntitle: T\n---\n" + body).encode())
    assert doc is not None and problems == [], problems
    return doc


def html(doc: Document) -> str:
    return render_body(doc.body, {}, {}, BodyText()).html


CASES = [
    # (body, the segments as (path, text, alert, link targets), what the page's HTML holds)
    pytest.param("Selecione **[!UICONTROL Roles]** no [!DNL Experience Platform].\n",
                 [("p[0]", "Selecione Roles no Experience Platform.", None, [])],
                 "<p>Selecione <strong>Roles</strong> no Experience Platform.</p>", id="ui-labels-and-names-are-text"),
    pytest.param("Veja [[!DNL Real-Time CDP]](b.md).\n",
                 [("p[0]", "Veja Real-Time CDP.", None, ["b.md"])],
                 '<p>Veja <span class="link-missing" title="b.md">Real-Time CDP<span',  # (no such page: still a link)
                 id="a-name-in-a-links-words-keeps-the-link"),
    pytest.param("Use `[!UICONTROL Save]` e [!UICONTROL [!DNL Adobe] Save] no [[!DNL [AI assistant]]](c.md).\n",
                 [("p[0]", "Use [!UICONTROL Save] e Adobe Save no [AI assistant].", None, ["c.md"])],
                 "<p>Use <code>[!UICONTROL Save]</code> e Adobe Save no ", id="code-keeps-them-and-nested-marks-go"),
    # (a translation put the closing bracket past the bold's end: Adobe Target's es-ES)
    pytest.param("Em **[!UICONTROL Implementação**] &gt; *[!DNL Editar*] e **[!DNL nunca** fechado.\n",
                 [("p[0]", "Em Implementação > Editar e [!DNL nunca fechado.", None, [])],
                 "<p>Em <strong>Implementação</strong> &gt; <em>Editar</em> e <strong>[!DNL nunca</strong> "
                 "fechado.</p>",
                 id="a-mark-whose-bracket-is-past-the-bold"),
    pytest.param("| Filtro |\n| --- |\n| [!UICONTROL Created by] |\n",
                 [("table[0]/row[0]/cell[0]", "Filtro", None, []), ("table[0]/row[1]/cell[0]", "Created by", None, [])],
                 "<td>Created by</td>", id="in-a-table-cell"),
    pytest.param("## Detalhes da função {#role-details}\n\n[Detalhes](#role-details){target=\"_blank\"}\n",
                 [("heading[0]", "Detalhes da função", None, []), ("p[0]", "Detalhes", None, ["#role-details"])],
                 '<h2 id="role-details">Detalhes da função</h2>\n<p><a href="#role-details">Detalhes</a></p>',
                 id="a-headings-own-id-and-a-links-attributes"),
    pytest.param('>[!CONTEXTUALHELP]\n>id="roles_about"\n>title="O que são funções?"\n\nTexto.\n',
                 [("p[0]", "Texto.", None, [])], "<p>Texto.</p>", id="in-app-help-is-not-shown"),
    pytest.param(">[!INFO]\n>\n>Uma nota.\n\n>[!SUCCESS]\n>\n>Uma dica.\n",
                 [("alert[0]", "Uma nota.", "NOTE", []), ("alert[1]", "Uma dica.", "TIP", [])],
                 '<p class="alert-title">Note</p>\n<p>Uma nota.</p>', id="its-alert-kinds-are-docfxs"),
    pytest.param(">[!BEGINSHADEBOX]\n\nNa caixa.\n\n>[!ENDSHADEBOX]\n",
                 [("p[0]", "Na caixa.", None, [])], "<p>Na caixa.</p>\n", id="a-shaded-boxs-marks-leave-nothing"),
    pytest.param(">[!VIDEO](https://video.tv.adobe.com/v/3451835)\n",
                 [("quote[0]/p[0]", "https://video.tv.adobe.com/v/3451835", None, ["https://video.tv.adobe.com/v/3451835"])],
                 '<div class="docfx-div video-card">', id="a-video-is-a-link-card"),
    pytest.param("+++ Espandi i [!UICONTROL requisiti]\n\nDevi avere **accesso**:\n\n<table>\n<tr><td>Piano</td></tr>\n"
                 "</table>\n\n+++\n\nDopo.\n",
                 [("p[0]", "Espandi i requisiti", None, []), ("p[1]", "Devi avere accesso:", None, []),
                  ("table[0]/row[0]/cell[0]", "Piano", None, []), ("p[2]", "Dopo.", None, [])],
                 '<details class="exl-expand"><summary>Espandi i requisiti</summary>\n<p>Devi avere <strong>accesso'
                 '</strong>:</p>\n<div class="table-scroll" tabindex="0"><table>\n<tbody><tr><td>Piano</td></tr>\n'
                 '</tbody></table></div>\n</details>\n<p>Dopo.</p>', id="a-section-the-reader-expands"),
    pytest.param("```\n+++ Em código\n+++\n```\n\n+++ Nunca fechado\n",
                 [("code[0]", "+++ Em código +++", None, []), ("p[0]", "+++ Nunca fechado", None, [])],
                 "<p>+++ Nunca fechado</p>", id="not-in-code-and-not-unclosed"),
    pytest.param('[!BADGE Beta]{type=Positive url="b.md newtab=true" tooltip="Só na versão beta"} Texto.\n',
                 [("p[0]", "Beta Texto.", None, ["b.md"])],
                 '<p><span class="exl-badge exl-badge-positive" title="Só na versão beta"><span class="link-missing" '
                 'title="b.md">Beta', id="a-badge-is-a-label-of-its-colour-linking-its-url"),
    pytest.param("| Estado |\n| --- |\n| [!badge Fim]{type=Roxo} e [!BADGE [!DNL Beta]] |\n",
                 [("table[0]/row[0]/cell[0]", "Estado", None, []), ("table[0]/row[1]/cell[0]", "Fim e Beta", None, [])],
                 '<td><span class="exl-badge exl-badge-informative">Fim</span> e '
                 '<span class="exl-badge exl-badge-informative">Beta</span></td>',
                 id="a-badge-of-no-known-colour-is-blue"),
]


@pytest.mark.parametrize(("body", "segments", "shown"), CASES)
def test_experience_league_construct(body: str, segments: list, shown: str) -> None:
    doc = parse(body)
    assert [(s.path, s.text, s.alert, [link.target for link in s.links]) for s in doc.segments] == segments
    page = html(doc)
    assert shown in page
    assert "[!" not in page.replace("<code>[!UICONTROL Save]</code>", "").replace("[!DNL nunca", "")


def test_an_alert_whose_marker_is_all_its_first_paragraph_shows_no_empty_paragraph() -> None:
    # DocFX's own "> [!NOTE]", ">", "> Text." too: kb rendered an empty <p></p> under the title.
    assert html(parse("> [!NOTE]\n>\n> Texto.\n")) == (
        '<div class="alert alert-note" role="note" aria-label="Note">\n<p class="alert-title">Note</p>\n'
        "<p>Texto.</p>\n</div>\n")


def test_a_shaded_boxs_mark_with_text_after_it_keeps_the_text() -> None:
    assert [s.text for s in parse(">[!BEGINSHADEBOX]\n>Dentro.\n").segments] == ["Dentro."]


def test_a_video_line_is_rewritten_as_docfxs_and_other_text_is_left_as_it_is() -> None:
    assert exl.video("Texto.\n> >[!VIDEO](https://v.example/1?a=b)\n") == "Texto.\n> >[!VIDEO https://v.example/1?a=b]\n"
    text = "Sem marcas [!NOTE] aqui: [!VIDEO](x) no meio de uma linha.\n"
    assert exl.video(text) == text


def test_marks_nested_past_the_bound_stay_as_written() -> None:
    # Each depth is one more pass over the text: a hostile paragraph nesting 50,000 took minutes.
    deep = "[!DNL " * 10 + "x" + "]" * 10
    kept = exl.MAX_NESTED_MARKS
    assert [s.text for s in parse(f"{deep}\n\n[!DNL [!DNL [!DNL [!DNL y]]]] z\n").segments] == [
        "[!DNL " * (10 - kept) + "x" + "]" * (10 - kept), "y z"]


def test_a_headings_id_is_found_in_one_pass_however_hostile() -> None:
    # The blanks before '{#' were searched from every position: a heading of 200,000 spaces took ~20 s.
    from markdown_it.token import Token

    text = Token("text", "", 0)
    text.content = "a" + " " * 200_000 + "{#"
    assert exl.heading_id([text]) is None
    text.content = "Título  {#x-y}  "
    assert (exl.heading_id([text]), text.content) == ("x-y", "Título")


@pytest.mark.parametrize(("title", "description", "shown"), [
    ("Filtrar listas em [!DNL Adobe Workfront] Exibir", "Na tela [!UICONTROL Detalhes do projeto].",
     ("Filtrar listas em Adobe Workfront Exibir", "Na tela Detalhes do projeto.")),
    # (character references were decoded already, once: a reference written as text stays text)
    ("O [!DNL Tutorial]&#58; &amp;lt;1&amp;gt;", "Voc&ecirc; &amp; eu", ("O Tutorial: &lt;1&gt;", "Você & eu")),
])
def test_a_front_matter_title_and_description_are_what_the_page_shows(title: str, description: str,
                                                                       shown: tuple[str, str]) -> None:
    text = f"---\ntitle: {title}\ndescription: {description}\n---\nTexto.\n"
    doc, problems = parse_document("pt-br/a.md", text.encode())
    assert doc is not None and problems == []
    assert (doc.title, doc.description) == shown


def test_a_section_title_is_found_in_one_pass_however_hostile() -> None:
    # A lazy title before optional trailing blanks tried every split of them: quadratic in the line's length.
    line = "+++ a" + " " * 200_000 + "b"
    assert exl.expand(f"{line}\nTexto.\n+++\n") == (
        f'<details class="exl-expand"><summary>a{" " * 200_000}b</summary>\nTexto.\n</details>\n')


def test_an_include_from_the_repositorys_root_is_taken_in_and_its_folder_holds_no_documents(tmp_path: Path) -> None:
    # Experience League's docsets include '{{$include /help/_includes/x.md}}' (a path from the repository's
    # root, where help/ is); kb showed the line as written and took the fragments for broken documents.
    files = {
        "pt-br/help/_includes/relacionados.md": "Veja também [o guia](/help/guia/b.md).\n",
        "pt-br/help/guia/a.md": ("---\ntitle: A\n---\n# A\n\n{{$include /help/_includes/relacionados.md}}\n\n"
                                 "{{$include /help/_includes/nada.md}}\n\n{{$include /../../../segredo.md}}\n"),
        "segredo.md": "Fora do conteúdo.\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    corpus = ingest(tmp_path / "pt-br", cache=ParseCache.under(tmp_path / "out"))
    assert [d.path for d in corpus.documents] == ["help/guia/a.md"]
    doc = corpus.documents[0]
    assert [(s.text, [link.target for link in s.links]) for s in doc.segments] == [
        ("A", []), ("Veja também o guia.", ["/help/guia/b.md"])]
    assert [(p.path, p.line, p.message) for p in corpus.problems] == [
        ("help/guia/a.md", 8, "include '/help/_includes/nada.md' not expanded: file not found"),
        ("help/guia/a.md", 10, "include '/../../../segredo.md' reaches outside the content root; not read"),
    ]
    # (a document that includes is never cached: the fragment may change alone)
    (tmp_path / "pt-br/help/_includes/relacionados.md").write_text("Outro texto.\n", encoding="utf-8")
    again = ingest(tmp_path / "pt-br", cache=ParseCache.under(tmp_path / "out"))
    assert [s.text for s in again.documents[0].segments] == ["A", "Outro texto."]
