"""DocFX syntax is understood, never dumped as raw syntax into segments."""

from __future__ import annotations

import pytest

from kb.ingest.reader import parse_document

FM = "---\ntitle: T\nms.contentlocale: pt-BR\n---\n"


def parse(body: str, rel: str = "a.md", root=None):
    doc, problems = parse_document(rel, (FM + body).encode(), root)
    assert doc is not None, problems
    return doc, problems


def seg_view(doc):
    return [(s.kind.value, s.path, s.text, s.alert) for s in doc.segments]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("> [!NOTE]\n> Texto da nota.\n", [("alert", "alert[0]", "Texto da nota.", "NOTE")]),
        (">[!IMPORTANT]\n>Leia isto.\n", [("alert", "alert[0]", "Leia isto.", "IMPORTANT")]),
        (">[!NOTES]\n>Plural.\n", [("alert", "alert[0]", "Plural.", "NOTE")]),
        ("> [!TIP]\n> Dica.\n", [("alert", "alert[0]", "Dica.", "TIP")]),
        (">**Observação**<br> Esse processo.\n", [("alert", "alert[0]", "Esse processo.", "NOTE")]),
        (">**Важно.**<br>\nПартнер CSP.\n", [("alert", "alert[0]", "Партнер CSP.", "IMPORTANT")]),
        ("> Citação comum.\n", [("paragraph", "quote[0]/p[0]", "Citação comum.", None)]),
        ("> [!div class=\"nextstepaction\"]\n> [Próximo](next.md)\n",
         [("paragraph", "quote[0]/p[0]", "Próximo", None)]),
        ('Use :::no-loc text="Azure Portal"::: agora.\n', [("paragraph", "p[0]", "Use Azure Portal agora.", None)]),
        ('::: zone pivot="a"\n\nDentro.\n\n::: zone-end\n', [("paragraph", "p[0]", "a", None),
                                                          ("paragraph", "p[1]", "Dentro.", None)]),
        ("# [Linux](#tab/linux)\n\nPasso.\n", [("heading", "heading[0]", "Linux", None),
                                               ("paragraph", "p[0]", "Passo.", None)]),
        ("```json\n{\"a\": 1}\n```\n", [("code", "code[0]", '{"a": 1}', None)]),
        ("| A | B |\n|---|---|\n| 1 | [x](x.md) |\n",
         [("table_cell", "table[0]/row[0]/cell[0]", "A", None), ("table_cell", "table[0]/row[0]/cell[1]", "B", None),
          ("table_cell", "table[0]/row[1]/cell[0]", "1", None), ("table_cell", "table[0]/row[1]/cell[1]", "x", None)]),
        ("- um\n  - dois\n- três\n", [("list_item", "list[0]/item[0]", "um", None),
                                      ("list_item", "list[0]/item[0]/list[0]/item[0]", "dois", None),
                                      ("list_item", "list[0]/item[1]", "três", None)]),
    ],
)
def test_docfx_blocks(body, expected):
    doc, _ = parse(body)
    assert seg_view(doc) == expected


def test_image_directive_becomes_an_image_with_alt_text():
    doc, _ = parse(':::image type="content" source="media/x.png" alt-text="Painel do parceiro":::\n')
    links = [(link.target, link.text, link.kind) for link in doc.links]
    assert links == [("media/x.png", "Painel do parceiro", "image")]
    assert ":::" not in "".join(s.text for s in doc.segments)


def test_heading_anchors_from_a_name_before_or_inside_and_generated():
    doc, _ = parse('<a name="before"></a>\n## Primeiro\n\n## <a name="inside"></a>Segundo\n\n## Terceira seção\n')
    assert [(h.text, h.anchor) for h in doc.headings] == [
        ("Primeiro", "before"), ("Segundo", "inside"), ("Terceira seção", "terceira-seção"),
    ]


def test_include_inside_root_is_expanded_and_outside_is_refused(tmp_path):
    (tmp_path / "includes").mkdir()
    (tmp_path / "includes" / "snip.md").write_text("Texto incluído.\n", encoding="utf-8")
    (tmp_path / "secret.md").write_text("segredo\n", encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    (content / "inc").mkdir()
    (content / "inc" / "x.md").write_text("Incluído [link](y.md).\n", encoding="utf-8")
    body = "Antes.\n\n[!INCLUDE[x](inc/x.md)]\n\n[!INCLUDE[s](../secret.md)]\n"
    doc, problems = parse(body, "a.md", content)
    assert [s.text for s in doc.segments] == ["Antes.", "Incluído link."]
    assert [(link.target, link.kind) for link in doc.links] == [
        ("inc/x.md", "include"), ("../secret.md", "include"), ("y.md", "link"),
    ]
    assert [(p.path, p.line, p.message) for p in problems] == [
        ("a.md", 9, "include '../secret.md' reaches outside the content root; not read")  # the file's line
    ]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # no docfx.json (a Teams repository's locale copy): the nearest folder above that has the file
        ({"pt-br/msteams/includes/aviso.md": "Aviso de versão.\n"}, ["Antes.", "Aviso de versão."]),
        # a docfx.json names the docset's root: there, and nowhere else
        ({"pt-br/msteams/docfx.json": "{}", "pt-br/msteams/includes/aviso.md": "Aviso do docset.\n",
          "pt-br/msteams/bots/includes/aviso.md": "Outro aviso.\n"}, ["Antes.", "Aviso do docset."]),
        ({"pt-br/msteams/docfx.json": "{}", "pt-br/includes/aviso.md": "Fora do docset.\n"}, ["Antes."]),
        ({"includes/aviso.md": "Na raiz do conteúdo.\n"}, ["Antes.", "Na raiz do conteúdo."]),
    ],
)
def test_an_include_from_the_docset_root_written_with_a_tilde(tmp_path, files, expected):
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    doc, problems = parse("Antes.\n\n[!INCLUDE [aviso](~/includes/aviso.md)]\n", "pt-br/msteams/bots/how-to/a.md",
                          tmp_path)
    assert [s.text for s in doc.segments] == expected
    assert [p.message for p in problems] == ([] if len(expected) == 2 else
                                             ["include '~/includes/aviso.md' not expanded: file not found"])


def test_a_page_made_only_of_an_include_that_is_missing_says_why_it_has_no_text(tmp_path):
    # The Q# language pages are a commented-out heading and one include from a dependent repository:
    # only "document body has no text" was reported, and not the include it came from.
    doc, problems = parse_document(
        "pt-br/q/aritmetica.md",
        "---\ntitle: Expressões\n---\n<!---\n# Arithmetic\n-->\n\n"
        "[!INCLUDE [source link](~/includes/spec/Arithmetic.md)]\n".encode(), tmp_path)
    assert doc is None
    assert [(p.path, p.line, p.message) for p in problems] == [
        ("pt-br/q/aritmetica.md", 8, "include '~/includes/spec/Arithmetic.md' not expanded: file not found"),
        ("pt-br/q/aritmetica.md", 4, "document body has no text"),
    ]


def test_inline_code_is_kept_as_anchor():
    doc, _ = parse("Run `Get-Subscription` with id 42.\n")
    assert doc.segments[0].code == ("Get-Subscription",)


def test_a_file_of_many_includes_is_read_in_one_pass(tmp_path):
    # Each include's line was counted from the start of the text: 200,000 includes, a quadratic count.
    from kb.ingest.includes import expand_includes

    (tmp_path / "x.md").write_text("X.\n", encoding="utf-8")
    out, links, problems = expand_includes("[!INCLUDE[x](x.md)]\n" * 200_000, "a.md", tmp_path, first_line=5)
    assert out.count("X.") == 100 and len(links) == 200_000 and links[-1].line == 200_004
    assert [(p.line, p.message) for p in problems] == [
        (105, "include 'x.md' and later ones not expanded: over 100 includes in one document")]
