"""The site in a session (``kb serve --watch``): rebuilds that redo only the topics a change touched
write, after every change, exactly what a clean build of the same content writes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import comparable_site

from kb.build.pipeline import build
from kb.output.options import BuildOptions, Session


def doc(title: str, locale: str, assetid: str, body: str) -> str:
    return f"---\ntitle: {title}\nms.contentlocale: {locale}\nms.assetid: {assetid}\nms.date: 2019-01-01\n---\n{body}\n"


def write_content(root: Path) -> None:
    """Three topics in two locales that link to each other, with a TOC and an image."""
    pairs = {"billing": "1111", "customers": "2222", "orders": "3333"}
    for i, (name, aid) in enumerate(pairs.items()):
        other = list(pairs)[(i + 1) % len(pairs)]
        for loc, folder, word in (("pt-BR", "pt-br", "Artigo"), ("es-ES", "es-es", "Artículo")):
            (root / folder).mkdir(parents=True, exist_ok=True)
            body = (
                f"# {word} {name}\n\n## Visão {name}\n\nTexto sobre {name} com 42 itens. "
                f"Veja [o outro]({other}.md#visao-{other}) e [ausente](missing.md).\n\n"
                f"![diagrama](media/{name}.png)\n\n- um item\n- outro item com CSP\n"
            )
            (root / folder / f"{name}.md").write_text(doc(f"{word} {name} | Partner Center", loc, aid, body))
        (root / "pt-br" / "TOC.md").write_text("# [Cobrança](billing.md)\n## [Clientes](customers.md)\n")
    (root / "pt-br" / "media").mkdir()
    (root / "pt-br" / "media" / "billing.png").write_bytes(b"\x89PNG\r\n\x1a\nbilling")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def body_edit(root: Path) -> None:
    edit(root / "es-es" / "orders.md", "com 42", "Texto nuevo com 43")


def title_edit(root: Path) -> None:  # others link to it: their pages show its title
    edit(root / "pt-br" / "customers.md", "title: Artigo customers", "title: Clientes novos")


def anchor_edit(root: Path) -> None:  # the fragment of links to it is kept only where it exists
    edit(root / "pt-br" / "orders.md", "## Visão orders", "## Visao orders")


def image_added(root: Path) -> None:  # no document changed, one image now exists
    (root / "pt-br" / "media" / "orders.png").write_bytes(b"\x89PNG\r\n\x1a\norders")


def toc_edit(root: Path) -> None:
    (root / "pt-br" / "TOC.md").write_text("# [Pedidos](orders.md)\n")


def document_added(root: Path) -> None:
    (root / "es-es" / "new.md").write_text(doc("Nuevo | Partner Center", "es-ES", "4444", "# Nuevo\n\nTexto."))


def document_deleted(root: Path) -> None:
    (root / "es-es" / "billing.md").unlink()


CHANGES: list[Callable[[Path], None]] = [
    body_edit, title_edit, anchor_edit, image_added, toc_edit, document_added, document_deleted,
]


def site_files(out: Path) -> dict[str, bytes]:
    # (kb serve --watch writes no Pagefind bundle: its pages search through its API)
    return comparable_site(out / "site", pagefind=False)


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_every_rebuild_of_a_session_equals_a_clean_build(tmp_path: Path, jobs: int) -> None:
    content = tmp_path / "content"
    write_content(content)
    options = BuildOptions(jobs=jobs, session=Session())
    build(content, tmp_path / "watch", options)
    for n, change in enumerate(CHANGES):
        change(content)
        release = build(content, tmp_path / "watch", options).release
        clean = tmp_path / f"clean-{n}"
        build(content, clean, BuildOptions(jobs=1, parse_cache=False, incremental=False))
        got, want = site_files(tmp_path / "watch"), site_files(clean)
        assert sorted(got) == sorted(want), change.__name__
        assert [p for p in want if got[p] != want[p]] == [], change.__name__
        if change is body_edit:
            # the topics the edit did not touch were taken over from the previous release
            billing = release / "site" / "pt-br" / "billing" / "index.html"
            assert billing.is_file() and billing.stat().st_nlink > 1
