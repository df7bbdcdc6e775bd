"""kb build, property-based: whatever the documents of a topic hold (the parser's property strategies:
Markdown, HTML, DocFX and Experience League markers in any order), the build publishes every document's
page, and no check stops on the topic. One broken document never stops a build; nor may three odd ones
that align with each other (the segment alignment stopped the whole build on Customer Insights' docs)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb import urls
from kb.build.pipeline import build
from kb.output.options import BuildOptions
from kb.quality.checks import check_corpus
from tests.ingest.test_parser_properties import html_body, markdown_text

pytestmark = pytest.mark.slow

LOCALES = (("pt-br", "pt-BR"), ("es-es", "es-ES"), ("ru-ru", "ru-RU"))
EXL = st.sampled_from(["[!UICONTROL Salvar]", "[!DNL Adobe]", ">[!INFO]\n>\n>x\n", "## T {#t}\n",
                       '[a](#t){target="_blank"}', ">[!CONTEXTUALHELP]\n>id=x\n", "> [СОВЕТ] x\n"])
bodies = st.one_of(markdown_text, html_body, st.lists(st.one_of(EXL, markdown_text), max_size=6).map("\n\n".join))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(bodies, bodies, bodies))
def test_a_topic_of_any_three_documents_is_built_and_checked_to_the_end(texts: tuple[str, str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        for (folder, locale), text in zip(LOCALES, texts, strict=True):
            path = content / folder / "a.md"
            path.parent.mkdir(parents=True)
            path.write_text(f"---\ntitle: Título\nms.assetid: x1\nms.openlocfilehash: 5a1c\n"
                            f"ms.contentlocale: {locale}\n---\n# Título\n\nTexto.\n\n{text}\n", encoding="utf-8")
        result = build(content, Path(tmp) / "out", BuildOptions(jobs=1))
        site = result.release / "site"
        for topic in result.alignment.topics:
            for member in topic.members:
                page = site / urls.document_path(member.document.locale, member.slug) / "index.html"
                assert page.is_file(), page
        findings = check_corpus(result.corpus, result.alignment)
        assert [f.message for f in findings if f.kind == "check_failed"] == []
