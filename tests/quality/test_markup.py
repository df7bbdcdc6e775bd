"""malformed_markup (kb.quality.markup): DocFX markup the parser could not read, found in the raw text."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kb.ingest.reader import parse_document
from kb.quality.markup import literal_bold, literal_underscores, problems

CASES = [
    ("> [!NOTE]\n> Fine.\n", []),
    ("> [!div class=\"nextstepaction\"]\n> [Next](a.md)\n", []),
    (">[! **Nota**] suspender la suscripción.\n", [(0, "the alert marker [! **Nota**] is not one the parser reads")]),
    ("Text.\n\n>[! NOTE SULLA]\n> Testo.\n", [(2, "the alert marker [! NOTE SULLA] is not one the parser reads")]),
    (">[! Nota:] si se cancela\n", [(0, "the alert marker [! Nota:] is not one the parser reads")]),
    # Office Add-ins pt-BR: machine translation dropped the brackets and translated the kind.
    (">! Observação O valor padrão é `short`.\n", [(0, "the alert marker lost its brackets (write > [!NOTE])")]),
    ("Texto.\n\n> ! Важно: проверьте.\n", [(2, "the alert marker lost its brackets (write > [!IMPORTANT])")]),
    ("> !important is CSS.\n>! Wow.\n", []),
    # the "!" lost in translation (Customer Insights' ru-RU "> [СОВЕТ]", it-IT "> [SUGGERIMENTO]")
    ("   > [СОВЕТ] Наилучшие шансы.\n\n> [SUGGERIMENTO] Le migliori.\n", [
        (0, "the alert marker lost its '!' (write > [!TIP])"), (2, "the alert marker lost its '!' (write > [!TIP])")]),
    ("> [Nota](a.md) e\n\n> [nota] e\n\n> [Nota]: https://x.y\n\n> [NOTE][ref]\n\n[ref]: https://x.y/r\n", []),
    ("со значениями [](#card-layout) макета\n", [(0, "a link has no text: the reader has nothing to follow")]),
    ("[x](a.md) [![i](a.png)](b.md) `a[](0)` [text]() \\[](x)\n", []),
    # ASP.NET Core's 2FA article in three locales: a translation joined the label's line and the include's.
    ("**Twilio:** [!code-csharp[](2fa/sample/MessageServices_twilio.cs)]\n",
     [(0, "a code include after text on its line shows as written (it must start a line)")]),
    ("[!code-csharp[](a.cs)]\n> [!code-csharp[](a.cs?name=x)]\n1. [!code-csharp[t](a.cs#L1-L3)]\n", []),
    # EF Core's translations: a code include commented out, above the code written in its place
    ("<!-- [!code-csharp[Main](samples/KeyId.cs?highlight=3)] -->\n``` csharp\nclass Car\n```\n", []),
    ("<!--\n>[! Nota] antiga\n-->\nTexto <!-- [!code-csharp[](a.cs)] --> e >[! Nota] x\n", []),
    ("<!-- x -->\n\n>[! Nota] nova\n", [(2, "the alert marker [! Nota] is not one the parser reads")]),
    # Business Central's translations: an alert commented out, right under the comment's opening line
    ("Texto.\n<!--\n> [!Note]\n> In the table that follows.\n-->\n", []),
    ("[!INCLUDE [t](../includes/a.md)]\n", []),
    ("[! INCLUDE [t](../includes/a.md)]\n", [(0, "the include is not written [!INCLUDE [title](file.md)]")]),
    ("::: zone pivot=\"a\"\nText\n::: zone-end\n", []),
    (":::image type=\"content\" source=\"a.png\" alt-text=\"A\":::\n", []),
    ("::: zone pivot=\"a\"\nText\n", [(0, "a ::: directive is never closed")]),
    ("Text\n::: zone-end\n", [(1, "a ::: directive is closed that was never opened")]),
    ("```\n>[! Nota] in code\n```\n", []),
    ("> [!VIDEO https://www.microsoft.com/videoplayer/embed/RE2TxDC]\n", []),  # a video card
    ("   > [!video https://example.com/v ]\n", []),
    ("> [!VIDEO]\n", [(0, "the alert marker [!VIDEO] is not one the parser reads")]),  # no address
    # Experience League's kinds, marks and video (kb.ingest.exl)
    (">[!INFO]\n>\n>x\n\n>[!CONTEXTUALHELP]\n>id=\"a\"\n\n>[!BEGINSHADEBOX]\n\n>[!VIDEO](https://v.example/1)\n", []),
    (">[!INFO]\n>\n>[!UICONTROL Grupo de usuarios] no es obligatorio.\n", []),
    # character references a space broke (machine translation of SQL Server docs)
    ("|a|[CREATE ROLE & #40; Transact-SQL & #41;](b.md)|\n",
     [(0, "a space breaks this character reference, which shows as written")] * 2),
    ("A &# 160; B &#x41 ; C & amp; D\n", [(0, "a space breaks this character reference, which shows as written")] * 3),
    ("R&D; Tom & Jerry; &#40;ok&#41; &amp; & more;\n", []),
    # Windows Server's command index: '&#124;' (|) left as '&124;' (pt-BR, it-IT) and '& 124;' (es-ES, ru-RU)
    ("[logman start &124; deixar](a.md) [logman start & 124; detener](a.md)\n",
     [(0, "this character reference lost its '#', which shows as written")] * 2),
    ("R&D 124; 3 & 4; &1;\n", []),
    ("```\nx = a & #1;\n```\n", []),
    ('## <a name="next"></a>{1&gt;{2&gt;Próximas etapas&lt;2}&lt;1}\n',
     [(0, "a translation tool's placeholder is left in the text")]),
    ("Texto {1>negrito<1} e {0} {1} {2>x\n", [(0, "a translation tool's placeholder is left in the text")]),
    ("Garantir que seu controle seja [https://www.microsoft.com][|::ref1::|Main] exibido.\n",
     [(0, "a translation tool's placeholder is left in the text")]),
    # a code span machine translation did not put back (NuGet's es-ES reference, and many other docsets)
    ("| Otro | Se supone que el archivo es un archivo @no__t 0, como el anterior |\n@No__t-0 foi. @No__t -1 e\n",
     [(line, "a translation tool's placeholder is left in the text") for line in (0, 1, 1)]),
    ("no__t-0 and my@no__tx and `@no__t` stay\n", []),
    # Windows Server's es-ES failover clustering pages: a space after the '@', or no '@' at all
    ("clúster de conmutación por error @ no__t-1\n\nsubred de SMB de norte de sur de no__t-1\n",
     [(line, "a translation tool's placeholder is left in the text") for line in (0, 2)]),
    # containers whose opening line ends with colons (Teams' layout rows, a complex image's description)
    (':::row:::\n:::column span="":::\nA\n:::column-end:::\n:::row-end:::\n', []),
    (':::image type="complex" source="a.png" alt-text="A":::\nLong description.\n:::image-end:::\n', []),
    (":::row:::\nA\n", [(0, "a ::: directive is never closed")]),
    (":::\nA\n", [(0, "a ::: directive is never closed")]),  # a bare fence, named nothing
    # Edge's WebView2 articles (es-ES, pt-BR): a complex image's description ends on its own line.
    ('    :::row:::\n       :::column span="1":::\n          :::image type="complex" source="a.png" alt-text="A":::\n'
     "             Núcleo de WPF :::image-end:::\n       :::column-end:::\n    :::row-end:::\n", []),
    (':::image type="complex" source="a.png" alt-text="A"::: Long. :::image-end:::\n', []),
    # Exchange's ru-RU tables: an alert on the line under a cell's HTML is part of the HTML block.
    ("<table>\n<tr>\n<td><p>groups.contoso.com</p>\n    > [!NOTE]\n    > Формат записи.\n\n</td>\n</tr>\n</table>\n",
     [(3, "an alert right under HTML is read as part of it and shows as written (leave a blank line above it)")]),
    ("<div>\n> [!TIP]\n> x\n</div>\n", [(1, "an alert right under HTML is read as part of it and shows as written "
                                        "(leave a blank line above it)")]),
    ("<table>\n<tr><td><p>a</p>\n\n> [!TIP]\n> Dica.\n\n</td></tr>\n</table>\n", []),  # a blank line: an alert
    ("Texto <b>x</b>\n<br/>\n> [!NOTE]\n> Nota.\n", []),  # inline HTML in a paragraph: the quote starts a block
    # Dynamics 365 (it-IT, pt-BR) and localized Azure pages: the anchor's closing quote became &quot;.
    ('### <a name="workspace-section-filters&quot;></a>Filtri sezione\n',
     [(0, "this tag's closing quote is written &quot;, so the tag shows as written")]),
    ('Texto <a class="x" id="y&quot; >z</a> e <img\n  src="a.png&quot;/>\n',
     [(0, "this tag's closing quote is written &quot;, so the tag shows as written")] * 2),
    ('<a title="He said &quot;hi&quot;">x</a> <span data-ttu-id=&quot;1-2&quot;>y</span>\n', []),  # tags that read
    ('Write `<a name="x&quot;>` to break it.\n\n```html\n<a name="x&quot;>\n```\n', []),
    # Microsoft Graph's ru-RU OneDrive overview: machine translation inflected the label of the reference
    # and not its definition's, so the link shows as written, brackets and all.
    ("Используйте расширения [обработчика файлов][] OneDrive.\n\n[обработчик файлов]: https://example.com/fh\n",
     [(0, "the reference link's label [обработчика файлов] names no definition ([обработчика файлов]: …), so it "
          "shows as written; the document defines [обработчик файлов]")]),
    ("See [the guide][Guide  Ref] and ![logo][]. [x][nowhere]\n\n> [guide ref]: a.md\n- [LOGO]: b.png\n",
     [(0, "the reference link's label [nowhere] names no definition ([nowhere]: …), so it shows as written")]),
    ("Set-CsRoom [-Confirm <Switch Parameter>][-WhatIf <Switch Parameter>] [-Force][-Verbose]\n", []),
    ("items[0][1] `[a][b]` \\[a][b] [a]: [b][c](x.md) [ref]: a.md\n\n```\n[a][b]\n```\n", []),
    # A page documenting the syntax writes it in code, which a reader sees as written: no problem.
    ("Escreva `[!code-csharp[Main](x.cs)]` e `[! Nota]` ou `[!include x.md]`.\n\n> ```md\n> [!code-cs[a](b.cs)]\n"
     "> Text [!code-cs[a](b.cs)]\n> ```\n", []),
    ("Texto `código` [!code-cs[a](b.cs)]\n", [(0, "a code include after text on its line shows as written (it must "
                                                   "start a line)")]),
]


@pytest.mark.parametrize(("body", "expected"), CASES)
def test_markup_the_parser_could_not_read(body: str, expected: list[tuple[int, str]]) -> None:
    assert [(line, what) for line, what, _ in problems(body)] == expected


BOLD_CASES = [
    ("Vá para **** > **usuários ativos**.\n", ["Vá para **** > usuários ativos."]),
    ("vá para a página **configurações** \\> de privacidade de **segurança &amp; ** .\n",
     ["vá para a página configurações > de privacidade de **segurança & ** ."]),
    ("| A |\n|---|\n|** Versión 4 del encabezado**|\n", ["** Versión 4 del encabezado**"]),
    ("**R:**Se você tiver um cenário.\n", ["**R:**Se você tiver um cenário."]),
    ("<table><tr><td>**Deixe em branco**</td></tr></table>\n", []),  # kb reads Markdown in HTML cells
    ("**Bold** and `**kept in code**`, *em* and __strong__.\n", []),
    ("--****** Fin: script ******\n\n```\n**not markdown**\n```\n", []),
    ("| Status | \\*\\*Deixe em branco\\*\\* |\n|---|---|\n| a | b |\n", []),  # escaped: meant to show
]


@pytest.mark.parametrize(("body", "texts"), BOLD_CASES)
def test_bold_marks_a_reader_sees_as_written(body: str, texts: list[str]) -> None:
    doc = parse_document("pt-br/a.md", f"---\ntitle: T\n---\n{body}".encode())[0]
    assert [seg.text for seg in literal_bold(doc)] == texts


def test_bold_marks_are_told_from_escaped_ones_in_one_pass() -> None:
    # Each mark of a segment was looked for in the whole source: 100,000 escaped marks, a quadratic scan.
    body = "\\*\\*a " * 100_000 + "\n\nVá para **** > x.\n"
    doc = parse_document("pt-br/a.md", f"---\ntitle: T\n---\n{body}".encode())[0]
    assert [seg.text for seg in literal_bold(doc)] == ["Vá para **** > x."]


def test_comments_are_read_past_in_one_pass_however_hostile() -> None:
    # Comments opened and never closed: a pattern tried at each read to the end (40,000 took a minute).
    body = "<!-- a\n" * 200_000 + "> [! Nota] b\n"
    assert [(line, what) for line, what, _ in problems(body)] == [
        (200_000, "the alert marker [! Nota] is not one the parser reads")]


def test_many_broken_includes_on_one_line_are_read_in_one_pass() -> None:
    # Each was given its line by counting from the start, and quoted to its line's end (1 MB, 100,000 times).
    found = list(problems("x\n" + "[!INCLUDE [" * 100_000))
    assert len(found) == 100_000 and {line for line, _, _ in found} == {1}
    assert {what for _, what, _ in found} == {"the include is not written [!INCLUDE [title](file.md)]"}
    assert found[0][2] == "[!INCLUDE [" * 45 + "[!INC" and found[-1][2] == "[!INCLUDE ["


UNDERSCORE_CASES = [
    # Adobe Commerce's machine translation glued the next word to the closing mark (Markdown then reads none)
    ("No _[!UICONTROL Action]_clique em Edit.\n", ["No _Action_clique em Edit."]),
    ("Em _[Colunas](a.md)_acima e ainda `[x]`_no.\n", ["Em _Colunas_acima e ainda [x]_no."]),
    ("Na_[!DNL Grade]_ acima.\n", ["Na_Grade_ acima."]),
    ("No _[!UICONTROL Action]_ clique e _Ação_.\n", []),  # read as emphasis
    # names, not emphasis: between two letters (DNS records, SQL instances, placeholders)
    ("Registro _sipinternaltls._tcp.<domínio> e _sipinternal_tcp. <dominio>.\n", []),
    ("Adicione _50 ao nome: MSRS10_50.ARCHINST e <имя_домена>.\n", []),
    ("Em \\_[!UICONTROL Action]\\_clique.\n", []),  # escaped: meant to show
]


@pytest.mark.parametrize(("body", "texts"), UNDERSCORE_CASES)
def test_emphasis_underscores_a_reader_sees_as_written(body: str, texts: list[str]) -> None:
    doc = parse_document("pt-br/a.md", f"---\ntitle: T\n---\n{body}".encode())[0]
    assert [seg.text for seg in literal_underscores(doc)] == texts


LINK_CASES = [
    # Cloud App Security, ru-RU: the translation put quotes inside the image title's quotes
    ('Clique **Параметры** ![значок "Параметры"](./media/settings-icon.png "значок "Параметры"") и выбрав.\n',
     ["an image is shown as written: its title holds quotes of its own kind (write them \\\")"]),
    # Outlook's Free/Busy reference and Skype for Business, in every locale: a space in the address
    ("Ele é expresso em [FILETIME](http://msdn.microsoft.com/library/ 4af8e79a.aspx).\n",
     ["a link is shown as written: its address has a space (write it %20)"]),
    ("| a |\n|---|\n| [DNS](https://support.office.com/article/2b54e1b0 .aspx) |\n",
     ["a link is shown as written: its address has a space (write it %20)"]),
    ("Veja [Configurar] (configure.md) antes.\n", ["a link is shown as written: a space parts its ] from its ("]),
    # prose in brackets, a link Markdown reads, and Markdown syntax shown on purpose
    ("Выберите [All] (Все), затем [телефония] (4 бит), [Вход] (Вход/выход), [x] (a.b).\n", []),
    ("[Title with (parens)](a.md) e [b](https://x.y/ms143506(v=sql.120).aspx).\n", []),
    ("Escreva `[texto](a b.md)` ou \\[texto\\](a b.md).\n\n```\n[a](b c.md)\n```\n", []),
    # the Contributor Guide, it-IT: its [ escaped to show the syntax beside the link it makes
    ("- **\\[classe String](xref:System.String)** viene visualizzato come [classe String](xref:System.String).\n", []),
    ("Escreva \\[texto](pasta/a b.md) assim.\n", []),
    ('[link](a.md "título") e ![img](a.png \'it\\\'s\').\n', []),
]


@pytest.mark.parametrize(("body", "whys"), LINK_CASES)
def test_links_a_reader_sees_as_written(body: str, whys: list[str]) -> None:
    from kb.quality.markup import literal_links

    doc = parse_document("pt-br/a.md", f"---\ntitle: T\n---\n{body}".encode())[0]
    assert [why for _, why in literal_links(doc)] == whys


def test_links_shown_as_written_are_told_from_the_source_in_one_pass() -> None:
    # Each segment's link was looked for in the whole source: 40,000 that differ from it, a quadratic scan.
    from kb.quality.markup import literal_links

    body = "".join(f"[a&amp;{i}](http://b/ c)\n\n" for i in range(40_000)) + "Veja [x](http://a/ b.md).\n"
    doc = parse_document("pt-br/a.md", f"---\ntitle: T\n---\n{body}".encode())[0]
    assert [seg.text for seg, _ in literal_links(doc)] == ["Veja [x](http://a/ b.md)."]


def test_docfx_markup_a_translation_broke_past_reading_is_reported_where_it_shows() -> None:
    """A Russian Teams article: an image directive turned into YAML by machine translation."""
    from kb.quality.markup import left_markers

    body = ("Texto.\n\n':::image type=\"content\" source=\"a.png\" alt-text=\"A\" border=\"false\"::': null\n\n"
            "Use `[!NOTE]` em código.\n\n> [!NOTE:] já relatado\n")
    doc, _ = parse_document("ru-ru/a.md", ("---\ntitle: A\n---\n" + body).encode())
    reported = {doc.file_line(line) for line, _, _ in problems(doc.body)}
    assert reported == {10}  # the mangled alert marker, reported by problems() already
    assert [(s.line, s.text[:8]) for s in left_markers(doc, reported)] == [(6, "':::imag")]


PIECES = [":::", "::: ", ":::image", ":::image-end:::", ' type="complex"', ":::row:::", ":::column-end:::", "\n",
          "> ", ">!", "! Nota ", "[]", "(", ")", "#x", "[!code-csharp[", "](a.cs)]", "&", "#", "124;", " ", "`",
          "**", "[|::ref1::|", "]", "{1>", "<1}", "[!NOTE]", "[! Nota]", "[!INCLUDE", "1. ", "\t"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
@example(":::\nA\n")  # a bare fence, which once had no name to read
def test_any_mix_of_markup_fragments_is_read_without_error(body: str) -> None:
    lines = body.count("\n") + 1
    assert all(0 <= line < lines for line, _, _ in problems(body))


def test_undefined_reference_labels_are_compared_with_a_bounded_number_of_defined_ones() -> None:
    defined = "".join(f"[definida {i}]: https://example.com/{i}\n" for i in range(5_000))
    body = "[texto][indefinida]\n" * 5_000 + "\n" + defined
    found = list(problems(body))
    assert len(found) == 5_000
    assert found[0][1] == ("the reference link's label [indefinida] names no definition ([indefinida]: …), "
                           "so it shows as written")  # (no nearest label named: 5,000 were not compared)
