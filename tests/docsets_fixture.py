"""A small DocFX repository, as the tests of docfx.json, redirects, resources and link bases use it:
one docset (``docs/``) with two content groups, a resource group, global and file metadata, redirect
stubs, files that are not documents, and a folder no docfx.json governs (``other/``)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_files

DOCFX = {
    "build": {
        "content": [
            {"files": ["**/*.md", "**/*.yml"], "src": "articles", "dest": ".",
             "exclude": ["**/includes/**", "drafts/**", "README.md"]},
            {"files": ["index.md"], "src": "hub", "dest": "."},
        ],
        "resource": [{"files": ["**/*.png", "**/*.pdf"], "exclude": ["**/private/**"]}],
        "globalMetadata": {"ms.contentlocale": "pt-BR", "searchScope": ["Fixture"]},
        "fileMetadata": {"ROBOTS": {"articles/old/**.md": "NOINDEX"}},
    }
}

FILES = {
    "README.md": "# A repository\n\nNot a document.\n",
    "SECURITY.md": "# Security\n\nNot a document either.\n",
    "LICENSE": "CC BY 4.0\n",
    "docs/README.md": "# The docset\n",
    "docs/articles/a.md": (
        "---\ntitle: Artigo A\n---\n# Artigo A\n\n"
        "Veja [B](b.md), [C](old/c.md), [barra](..\\articles\\b.md), [ausente](gone.md), [movido](moved.md), "
        "[Outro](../../other/x.md), [Azure](/azure/virtual-machines/overview), [API](xref:System.String), "
        "[Finanças](/dynamics365/financials/finance-accounting.md?toc=/d/toc.json#contas), "
        "[Painel](/azure/app-service/index.yml), [Visão](/azure/app-service/overview.yml#top), "
        "[PDF](files/guide.pdf).\n\n"
        "Por uid: [parte de B](xref:articles/artigo-b#parte), <xref:articles/artigo-b>, "
        "[genérico](xref:System.Collections.Generic.List%601), [sobrecarga](xref:System.String.Format%2A), "
        "[conceito](xref:fundamentals/gone).\n\n"
        "![Imagem](media/p.png)\n\n![Privada](private/q.png)\n\n![Fora](../../outside.png)\n\n"
        "<table><tr><td><a href=\"b.md\">B em HTML</a></td></tr></table>\n\n"
        "Da raiz do docset: [til](~/articles/b.md#parte), [til ausente](~/articles/nada.md), "
        "[til fora](~/../../../segredo.pdf), ![Til](~/articles/media/p.png).\n"
    ),
    "docs/articles/b.md": (
        "---\ntitle: Artigo B\nuid: articles/artigo-b\n---\n# Artigo B\n\nTexto do artigo B.\n\n"
        "## <a name=\"parte\"></a>Uma parte\n\nMais texto.\n"
    ),
    "docs/articles/old/c.md": "---\ntitle: Artigo C\n---\n# Artigo C\n\nTexto antigo.\n",
    "docs/articles/includes/fragment.md": "Um fragmento sem front matter.\n",
    "docs/articles/drafts/d.md": "---\ntitle: Rascunho\n---\n# Rascunho\n\nNão publicado.\n",
    "docs/articles/moved.md": "---\nredirect_url: b\nredirect_document_id: true\n---\n",
    "docs/articles/away.md": "---\nredirect_url: https://example.com/elsewhere\n---\n",
    "docs/articles/lost.md": "---\nredirect_url: no-such-article\n---\n",
    "docs/hub/index.md": "---\nredirect_url: 'a'\n---\n",
    "docs/articles/media/p.png": "\x89PNG fixture",
    "docs/articles/private/q.png": "\x89PNG private",
    "docs/articles/files/guide.pdf": "%PDF-1.4 fixture",
    "outside.png": "\x89PNG outside the docset",
    "other/x.md": "---\ntitle: Outro\nms.contentlocale: pt-BR\n---\n# Outro\n\nUm documento sem docfx.json.\n",
}


def make_repository(root: Path) -> Path:
    """Write the repository under ``root`` and return ``root``."""
    write_files(root, FILES)
    (root / "docs" / "docfx.json").write_text(json.dumps(DOCFX), encoding="utf-8")
    return root
