"""Property-based tests of the parser on arbitrary Markdown, HTML, front matter and bytes.

For any input: no exception escapes ``parse_document`` or ``ingest``; a file that yields no document
yields a problem naming it; and no problem is the catch-all "could not be parsed (…)" that
``parse_document`` keeps for parser bugs — every failure is one the parser anticipated and explains.
A document that comes back is well formed (see :func:`check_document`).
"""

from __future__ import annotations

import json
import pickle
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kb.ingest import frontmatter
from kb.ingest.reader import ingest, parse_document
from kb.model import Document, Problem

pytestmark = pytest.mark.slow  # hypothesis runs hundreds of documents per property

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FM = "---\ntitle: Título\nms.contentlocale: pt-BR\n---\n"
BUG = "could not be parsed ("

# --- strategies ----------------------------------------------------------------------------------

MARKDOWN = [
    "# ", "## ", "### ", "\n", "\n\n", "- ", "* ", "1. ", "  ", "    ", "> ", ">", "> [!NOTE]\n",
    "> [!TIP]\n", '> [!div class="op_single_selector"]\n', ">**Importante**<br>", "```\n", "```powershell\n",
    "~~~\n", "|", "| a | b |\n|---|---|\n", "*", "**", "_", "`", "``", "[", "]", "(", ")", "![", "<", ">",
    "&", "&amp;", "&#", "&#x", "\\", "[!INCLUDE[x](x.md)]", "[!INCLUDE[",
    ':::image type="content" source="a.png" alt-text="b":::', ":::image-end:::", ':::no-loc text="Azure":::',
    '::: zone pivot="a"\n', "::: zone-end\n", '<a name="x"></a>', "</a>", "<br>", "<table>", "</table>",
    "<tr>", "<td>", "</td>", "<th>", "<ul>", "<li>", "</li>", "</ul>", "<ol>", "<p>", "</p>", "<div>",
    "</div>", "<!--", "-->", "<?", '<img src="x.png" alt="y">', "<script>", "</script>", "<style>",
    '<h2 id="x">', "</h2>", "<code>", "</code>", "texto", "Aplica-se a:", "**Aplica-se a**",
    "- Partner Center", "- Microsoft Cloud Germany", "Применимо к", "\u00a0", "\u200b", "\t", "\r\n", "\r",
    "---\n", "[x]: http://y\n", "# [Linux](#tab/linux)\n", "[link](a.md#b)", "[ext](https://example.com)",
    "<https://example.com>", "{#id}", "=====\n", "-----\n",
    # Experience League's marks (kb.ingest.exl)
    "[!UICONTROL ", "[!DNL ", ">[!CONTEXTUALHELP]\n", ">[!BEGINSHADEBOX]\n", ">[!INFO]\n", '{target="_blank"}',
    ">[!VIDEO](https://v.example/1)\n", "> [СОВЕТ] ", "[!BADGE Beta]", '{type=Positive url="a.md" tooltip="t"}',
    "+++ Título\n", "+++\n",
]
fragments = st.one_of(st.sampled_from(MARKDOWN), st.text(max_size=12))
markdown_text = st.lists(fragments, max_size=80).map("".join)

TAGS = [
    "table", "tr", "td", "th", "tbody", "ul", "ol", "li", "p", "div", "h1", "h3", "a", "img", "code", "br",
    "span", "b", "strong", "script", "style", "svg", "details", "blockquote", "pre", "section", "iframe",
]
ATTRS = ["href", "src", "name", "id", "alt", "class", "onclick", "style", "colspan"]


def element(tag: str, attrs: list[tuple[str, str]], children: list[str], closed: bool) -> str:
    attributes = "".join(f' {k}="{v}"' for k, v in attrs)
    return f"<{tag}{attributes}>{''.join(children)}" + (f"</{tag}>" if closed else "")


attributes = st.lists(st.tuples(st.sampled_from(ATTRS), st.text(max_size=8)), max_size=3)
html_text = st.recursive(
    st.one_of(st.text(max_size=15), st.sampled_from(MARKDOWN)),
    lambda inner: st.builds(element, st.sampled_from(TAGS), attributes, st.lists(inner, max_size=4),
                            st.booleans()),
    max_leaves=40,
)
html_body = st.tuples(st.sampled_from(["", "<div>\n", "Texto.\n\n", "- item\n  "]), html_text).map("".join)

YAML_CHARS = st.sampled_from(list(":-[]{}&*!|>'\"#%@`,? \n\t") + ["title", "ms.", "2019-02-30", "---", "\\"])
yaml_text = st.lists(st.one_of(YAML_CHARS, st.text(max_size=6)), max_size=40).map("".join)

# Strings a writer types: no control characters or line/paragraph separators (YAML folds those).
typed = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))
plain_str = st.text(typed, max_size=12).filter(lambda s: s == s.strip() and "&" not in s)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), plain_str,
                    st.floats(allow_nan=False, allow_infinity=False))
yaml_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(plain_str, inner, max_size=4)), max_leaves=30)


def with_front_matter(body: str) -> bytes:
    return (FM + body).encode()


documents = st.one_of(
    markdown_text.map(with_front_matter),
    html_body.map(with_front_matter),
    yaml_text.map(lambda fm: f"---\n{fm}\n---\n# Título\n\nTexto.\n".encode()),
    st.binary(max_size=600),
    st.binary(max_size=600).map(lambda b: FM.encode() + b),
    st.text(max_size=300).map(str.encode),
)

# --- what every result must satisfy --------------------------------------------------------------


def line_count(data: bytes) -> int:
    """Lines of a file as the parser counts them: CR LF, CR and LF each end a line."""
    return data.count(b"\r\n") + (data.count(b"\r") - data.count(b"\r\n")) + data.count(b"\n") - \
        data.count(b"\r\n") + 1


def check_result(rel: str, data: bytes, doc: Document | None, problems: list[Problem]) -> None:
    if doc is None:
        assert problems, "a file without a document must come with a problem"
    lines = line_count(data)
    for p in problems:
        assert p.path == rel
        assert p.message and not p.message.startswith(BUG), p.message
        assert p.line is None or 1 <= p.line <= lines, (p.line, lines)
    if doc is not None:
        check_document(rel, data, doc)


def check_document(rel: str, data: bytes, doc: Document) -> None:
    """A document names its file, has text, plain-JSON front matter, segments with text on lines of
    the file, and survives pickling (the process pool and the parse cache pickle it)."""
    assert doc.path == rel
    assert doc.locale and doc.title
    assert doc.segments, "a document has at least one segment"
    json.dumps(doc.front_matter, allow_nan=False)
    lines = line_count(data)
    for s in doc.segments:
        assert s.text == s.text.strip()
        assert s.text or s.links
        assert s.line is None or doc.body_line <= s.line <= lines, (s.line, doc.body_line, lines)
    assert pickle.loads(pickle.dumps(doc)) == doc


# --- properties ----------------------------------------------------------------------------------


@SETTINGS
@given(documents)
def test_parse_document_never_raises_and_explains_every_failure(data: bytes) -> None:
    doc, problems = parse_document("docs/artigo.md", data)
    check_result("docs/artigo.md", data, doc, problems)
    assert parse_document("docs/artigo.md", data) == (doc, problems), "parsing is deterministic"


@SETTINGS
@given(markdown_text)
def test_arbitrary_markdown_parses(body: str) -> None:
    data = with_front_matter(body)
    doc, problems = parse_document("a.md", data)
    check_result("a.md", data, doc, problems)
    if "\x00" not in body and doc is None:
        # Markdown with front matter is refused only for having no text at all (after what caused it).
        assert problems[-1].message in ("document body has no text",
                                        "document has front matter but an empty body"), problems


@SETTINGS
@given(html_body)
@example("<![</table>")  # html.parser raised ParserRejectedMarkup: the whole document was lost
def test_arbitrary_html_parses(body: str) -> None:
    data = with_front_matter(body)
    doc, problems = parse_document("a.md", data)
    check_result("a.md", data, doc, problems)


@SETTINGS
@given(yaml_text)
def test_arbitrary_front_matter_is_parsed_or_reported_with_its_line(fm: str) -> None:
    data = f"---\n{fm}\n---\n# Título\n\nTexto em português.\n".encode()
    doc, problems = parse_document("a.md", data)
    check_result("a.md", data, doc, problems)


@SETTINGS
@given(st.dictionaries(plain_str, yaml_values, max_size=6))
def test_front_matter_values_come_back_as_written(values: dict) -> None:
    """Whatever YAML a tool writes for plain data, parse() gives the same data back."""
    text = yaml.safe_dump(values, allow_unicode=True)
    assert frontmatter.parse(text) == {str(k): v for k, v in values.items()}


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    doc, problems = parse_document("x.md", data)
    check_result("x.md", data, doc, problems)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(documents, min_size=1, max_size=6))
def test_ingest_reads_every_file_or_names_it_in_a_problem(files: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        names = [f"pasta/doc-{i}.md" for i in range(len(files))]
        for name, data in zip(names, files, strict=True):
            (root / name).parent.mkdir(exist_ok=True)
            (root / name).write_bytes(data)
        corpus = ingest(root, jobs=1)
    read = {d.path for d in corpus.documents}
    reported = {p.path for p in corpus.problems}
    assert reported <= set(names), "a problem names a file that was given"
    assert set(names) - read <= reported, "every file not read is named in a problem"
    assert all(not p.message.startswith(BUG) for p in corpus.problems)
