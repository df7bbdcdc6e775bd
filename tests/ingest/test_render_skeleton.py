"""Bodies rendered from ingest's skeleton (parsed once) are exactly the bodies rendered from Markdown."""

from __future__ import annotations

import pickle
import zlib

import hostile
import pytest
from conftest import CONTENT
from test_docfx_constructs import CASES

from kb.ingest import markdown
from kb.ingest.html_rules import BodyText, LinkStatus, LinkTarget
from kb.ingest.render import render_body
from kb.ingest.skeleton import BodySkeleton, pack_skeleton, unpack_skeleton

TEXT = BodyText({"NOTE": "Observação", "WARNING": "Aviso"}, "não está aqui", "imagem ausente")

BODIES = [
    "# Título <a name=\"t\"></a>\n\nTexto com [link](a.md#x), [fora](https://example.com) e [nada](b.md).\n",
    "<a name=\"top\"></a>\n# Título\n\n> [!NOTE]\n> Uma nota com [link](a.md).\n\n> [!TIP]\n> Dica.\n",
    "Sem título.\n\n![alt **forte**](media/x.png) e ![outra](media/y.png)\n\n> citação\n> simples\n",
    "<table><tr><td>Célula com [link](a.md) e **negrito**</td></tr></table>\n\n<ol>\n\n<li>um</li>\n\n</ol>\n",
    "Inline <a href=\"a.md\">HTML</a> e <a name=\"x\"></a> e <img src=\"media/x.png\" alt=\"i\">.\n\n## Seção\n",
    ":::div class=\"x\"\nTexto\n:::\n\n```python\nprint('<b>')\n```\n\nUm \ue000 privado.\n",
    *(part for part in (hostile.SCRIPT, hostile.HANDLERS, hostile.URLS, hostile.IFRAMES, hostile.SVG, hostile.CSS,
                        hostile.DOCFX, hostile.LINKS_OUT)),
    *(p.read_text(encoding="utf-8").split("\n---\n", 1)[-1] for p in sorted(CONTENT.glob("*.txt"))),
    *(case[1] for case in CASES),  # the Learn constructs of issue 21
]

LINKS = [
    {},
    {
        "a.md#x": LinkTarget(LinkStatus.PAGE, "/pt-br/a/#x", "A"),
        "a.md": LinkTarget(LinkStatus.OTHER_LOCALE, "/topics/a/", "Em outro idioma"),
        "b.md": LinkTarget(LinkStatus.MISSING, None, "não está"),
    },
]


@pytest.mark.parametrize("links", LINKS, ids=["undecided", "decided"])
@pytest.mark.parametrize("body", BODIES, ids=[f"body{i}" for i in range(len(BODIES))])
def test_a_skeleton_renders_what_the_markdown_renders(body: str, links: dict[str, LinkTarget]) -> None:
    images = {"media/x.png": "/files/media/x.png"}
    skeleton = pack_skeleton(markdown.parse(body))
    assert render_body(body, links, images, TEXT, skeleton) == render_body(body, links, images, TEXT)


def test_a_body_whose_html_holds_the_hole_character_has_no_skeleton() -> None:
    assert pack_skeleton(markdown.parse("Um \ue000 privado.")) is None
    assert pack_skeleton(markdown.parse("Texto [link](a.md).")) is not None


def test_a_skeleton_of_other_code_is_not_used() -> None:
    body = "Texto [link](a.md)."
    skeleton = unpack_skeleton(pack_skeleton(markdown.parse(body)) or b"")
    assert isinstance(skeleton, BodySkeleton)
    other = BodySkeleton("other", ("<p>mentira</p>",), (), None, (), (), ())
    stale = zlib.compress(pickle.dumps(other))
    assert unpack_skeleton(stale) is None
    assert render_body(body, skeleton=stale) == render_body(body)
    assert render_body(body, skeleton=b"garbage") == render_body(body)


def test_every_document_of_the_dev_corpus_renders_the_same_from_its_skeleton(dev_corpus) -> None:
    differ = []
    for doc in dev_corpus.documents:
        assert doc.skeleton is not None, doc.path
        links = {link.target: LinkTarget(LinkStatus.PAGE, f"/x/{i}/", "t") for i, link in enumerate(doc.links)}
        if render_body(doc.body, links, {}, TEXT, doc.skeleton) != render_body(doc.body, links, {}, TEXT):
            differ.append(doc.path)
    assert differ == []
