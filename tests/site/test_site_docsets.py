"""The site of a DocFX repository (tests/docsets_fixture.py): redirect pages, ROBOTS: NOINDEX, files
copied from the content folder, and links to other docsets on ``--link-base``."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from docsets_fixture import make_repository

from kb.build.pipeline import build
from kb.model import Redirect
from kb.output.options import BuildOptions
from kb.site.redirects import redirect_slug


def _build(tmp: Path, **options: object) -> Path:
    out = tmp / "out"
    build(make_repository(tmp / "content"), out, BuildOptions(jobs=1, **options))  # type: ignore[arg-type]
    return out / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("docsets"))


def _links(page: str) -> dict[str, str]:
    """Visible text of each link or missing-link span of the article → its opening tag."""
    body = page.split('<div class="doc-body', 1)[-1] if '<div class="doc-body' in page else page
    found = re.findall(r'(<(?:a\b|span class="link-missing")[^>]*>)([^<]*)', body)
    return {html.unescape(text): tag for tag, text in found if text.strip()}


def test_links_to_other_docsets_go_to_the_link_base_marked_external(site: Path) -> None:
    links = _links((site / "pt-br" / "artigo-a" / "index.html").read_text(encoding="utf-8"))
    assert links["Azure"] == (
        '<a href="https://learn.microsoft.com/pt-br/azure/virtual-machines/overview" class="link-external" '
        'rel="noopener noreferrer">'
    )
    assert links["API"] == (
        '<a href="https://learn.microsoft.com/pt-br/dotnet/api/system.string" class="link-external" '
        'rel="noopener noreferrer">'
    )
    # (written as its file: Learn's address has no .md)
    assert links["Finanças"] == (
        '<a href="https://learn.microsoft.com/pt-br/dynamics365/financials/finance-accounting?toc=/d/toc.json#contas" '
        'class="link-external" rel="noopener noreferrer">'
    )
    # a YAML page's address has no .yml either, and an index page's is its folder's
    assert links["Visão"] == ('<a href="https://learn.microsoft.com/pt-br/azure/app-service/overview#top" '
                              'class="link-external" rel="noopener noreferrer">')
    assert links["Painel"] == ('<a href="https://learn.microsoft.com/pt-br/azure/app-service/" '
                               'class="link-external" rel="noopener noreferrer">')


def test_xrefs_go_to_the_document_with_that_uid_else_to_the_api_page_else_nowhere(site: Path) -> None:
    """ASP.NET Core's articles link each other by uid (``xref:security/authentication/identity``): a uid
    in the corpus is that article's page (its title for an autolink, as Learn shows); an API member's
    goes to its Learn page; another article's uid is missing, not a guessed address."""
    links = _links((site / "pt-br" / "artigo-a" / "index.html").read_text(encoding="utf-8"))
    assert links["parte de B"] == '<a href="/pt-br/artigo-b/#parte" title="Artigo B">'
    assert links["Artigo B"] == '<a href="/pt-br/artigo-b/" title="Artigo B">'
    api = '<a href="https://learn.microsoft.com/pt-br/dotnet/api/{}" class="link-external" rel="noopener noreferrer">'
    assert links["genérico"] == api.format("system.collections.generic.list-1")
    assert links["sobrecarga"] == api.format("system.string.format")
    assert links["conceito"] == (
        '<span class="link-missing" title="“xref:fundamentals/gone” não está nesta base de conhecimento">'
    )


def test_relative_links_resolve_or_stay_marked_missing(site: Path) -> None:
    links = _links((site / "pt-br" / "artigo-a" / "index.html").read_text(encoding="utf-8"))
    assert links["B"] == '<a href="/pt-br/artigo-b/" title="Artigo B">'
    assert links["barra"] == links["B"]  # ..\articles\b.md
    assert links["movido"] == links["B"]  # a link to a redirect stub goes where the stub leads
    assert links["B em HTML"] == links["B"]  # raw HTML in a table
    assert links["Outro"] == '<a href="/pt-br/outro/" title="Outro">'  # a document outside the docset
    assert links["ausente"] == '<span class="link-missing" title="“gone.md” não está nesta base de conhecimento">'
    assert links["PDF"] == '<a href="/files/docs/articles/files/guide.pdf">'
    # '~/' is the docset's root (the folder of its docfx.json), as DocFX reads it
    assert links["til"] == '<a href="/pt-br/artigo-b/#parte" title="Artigo B">'
    assert links["til ausente"] == (
        '<span class="link-missing" title="“~/articles/nada.md” não está nesta base de conhecimento">')
    assert links["til fora"] == (  # above the content folder: never looked for there
        '<span class="link-missing" title="“~/../../../segredo.pdf” não está nesta base de conhecimento">')
    assert (site / "files" / "docs" / "articles" / "files" / "guide.pdf").read_text() == "%PDF-1.4 fixture"


def test_images_inside_the_docsets_resources_are_copied_and_shown(site: Path) -> None:
    page = (site / "pt-br" / "artigo-a" / "index.html").read_text(encoding="utf-8")
    assert '<img src="/files/docs/articles/media/p.png" alt="Imagem" loading="lazy">' in page
    assert '<img src="/files/docs/articles/media/p.png" alt="Til" loading="lazy">' in page  # from '~/'
    # excluded from the resource group, and a file beside the docsets: not copied
    assert 'title="private/q.png"' in page and 'title="../../outside.png"' in page
    copied = sorted(p.relative_to(site / "files").as_posix() for p in (site / "files").rglob("*") if p.is_file())
    assert copied == ["docs/articles/files/guide.pdf", "docs/articles/media/p.png"]


def test_robots_noindex_from_file_metadata(site: Path) -> None:
    c = (site / "pt-br" / "artigo-c" / "index.html").read_text(encoding="utf-8")
    a = (site / "pt-br" / "artigo-a" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in c
    assert '<meta name="robots" content="noindex">' not in a
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/pt-br/artigo-a/" in sitemap and "/pt-br/artigo-c/" not in sitemap


REDIRECTS = {
    # stub page → (meta refresh target, canonical, visible link tag or None)
    "docs-articles-moved": ("/pt-br/artigo-b/", "/pt-br/artigo-b/", '<a href="/pt-br/artigo-b/">'),
    "docs-hub": ("/pt-br/artigo-a/", "/pt-br/artigo-a/", '<a href="/pt-br/artigo-a/">'),
    "docs-articles-away": (
        "https://example.com/elsewhere", "https://example.com/elsewhere",
        '<a href="https://example.com/elsewhere" class="link-external" rel="noopener noreferrer">',
    ),
    "docs-articles-lost": (None, None, None),
}


@pytest.mark.parametrize(("slug", "expected"), REDIRECTS.items())
def test_redirect_pages(site: Path, slug: str, expected: tuple[str | None, str | None, str | None]) -> None:
    page = (site / "pt-br" / slug / "index.html").read_text(encoding="utf-8")
    refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]*)">', page)
    canonical = re.search(r'<link rel="canonical" href="([^"]*)">', page)
    link = re.search(r'<p>[^<]*(<a [^>]*>)', page.split('<main', 1)[1])
    assert (refresh and refresh.group(1), canonical and canonical.group(1), link and link.group(1)) == expected
    assert '<meta name="robots" content="noindex">' in page
    if expected[0] is None:
        assert "“no-such-article”" in page


def test_redirects_are_not_in_the_sitemap_and_only_same_site_ones_in_redirects_json(site: Path) -> None:
    assert "docs-" not in (site / "sitemap.xml").read_text(encoding="utf-8").replace("/topics/docs-", "")
    assert json.loads((site / "redirects.json").read_text()) == {
        "pt-br/docs-articles-moved/": "pt-br/artigo-b/",
        "pt-br/docs-hub/": "pt-br/artigo-a/",
    }


def test_readme_security_and_includes_are_not_pages(site: Path) -> None:
    pages = {p.parent.name for p in (site / "pt-br").glob("*/index.html")}
    sitewide = {"search", "translation-status"}  # the locale's own search and status pages
    assert pages == {"artigo-a", "artigo-b", "artigo-c", "outro", *sitewide, *(s for s in REDIRECTS)}


@pytest.mark.parametrize(
    ("link_base", "azure"),
    [
        ("https://docs.example/{locale}/", '<a href="https://docs.example/pt-br/azure/virtual-machines/overview" '
         'class="link-external" rel="noopener noreferrer">'),
        ("", '<span class="link-missing" title="“/azure/virtual-machines/overview” não está nesta base de '
         'conhecimento">'),
    ],
)
def test_link_base_is_configurable(tmp_path: Path, link_base: str, azure: str) -> None:
    site = _build(tmp_path, link_base=link_base)
    links = _links((site / "pt-br" / "artigo-a" / "index.html").read_text(encoding="utf-8"))
    assert links["Azure"] == azure


def test_a_site_absolute_path_under_the_docsets_own_address_is_its_page(tmp_path: Path) -> None:
    """The SQL Server repository's ``relational-databases/security/b.md`` is published at
    ``/sql/relational-databases/security/b``: its links and redirects name that address, whose first part
    the repository does not have."""
    from conftest import write_files

    front = "---\ntitle: {0}\nms.contentlocale: pt-BR\n---\n# {0}\n\n"
    write_files(tmp_path / "content", {
        "pt-br/relational-databases/security/a.md": front.format("Artigo A") + (
            "Veja [B](/sql/relational-databases/security/b), [curto](/sql/b) e "
            "[Azure](/azure/virtual-machines/overview).\n"),
        "pt-br/relational-databases/security/b.md": front.format("Artigo B") + "Texto.\n",
        "pt-br/relational-databases/security/index.md": (
            "---\nredirect_url: /sql/relational-databases/security/b\n---\n"),
    })
    out = tmp_path / "out"
    build(tmp_path / "content", out, BuildOptions(jobs=1))
    links = _links((out / "site" / "pt-br" / "artigo-a" / "index.html").read_text(encoding="utf-8"))
    assert links["B"] == '<a href="/pt-br/artigo-b/" title="Artigo B">'
    # two parts: a page of another docset (its first part is no docset address to drop)
    assert links["curto"] == ('<a href="https://learn.microsoft.com/pt-br/sql/b" class="link-external" '
                              'rel="noopener noreferrer">')
    assert links["Azure"] == ('<a href="https://learn.microsoft.com/pt-br/azure/virtual-machines/overview" '
                              'class="link-external" rel="noopener noreferrer">')
    assert json.loads((out / "site" / "redirects.json").read_text()) == {
        "pt-br/relational-databases-security/": "pt-br/artigo-b/"}


def test_an_address_on_the_publishers_site_that_names_a_page_of_the_corpus_is_that_page(tmp_path: Path) -> None:
    """Partner Center links its own articles by their address on docs.microsoft.com (28 links), which opens the
    reader's language there: on the site, that page in the reader's locale. Any other address stays as written."""
    from conftest import write_files

    front = "---\ntitle: {0}\n---\n# {0}\n\n## Seção\n\nTexto.\n"
    write_files(tmp_path / "content", {
        "pt-br/partner-center/a.md": front.format("Artigo A") + (
            "[B](https://docs.microsoft.com/partner-center/b#se%C3%A7%C3%A3o), "
            "[B aqui](https://learn.microsoft.com/pt-br/partner-center/b?view=x), "
            "[B em inglês](https://docs.microsoft.com/en-us/partner-center/b), "
            "[ausente](https://docs.microsoft.com/partner-center/gone), "
            "[outro site](https://example.com/partner-center/b).\n"),
        "pt-br/partner-center/b.md": front.format("Artigo B"),
        "es-es/partner-center/b.md": front.format("Artículo B"),
    })
    out = tmp_path / "out"
    build(tmp_path / "content", out, BuildOptions(jobs=1))
    links = _links((out / "site" / "pt-br" / "artigo-a" / "index.html").read_text(encoding="utf-8"))
    assert links["B"] == '<a href="/pt-br/b/#se%C3%A7%C3%A3o" title="Artigo B">'
    assert links["B aqui"] == '<a href="/pt-br/b/" title="Artigo B">'
    external = '<a href="{}" class="link-external" rel="noopener noreferrer">'
    assert links["B em inglês"] == external.format("https://docs.microsoft.com/en-us/partner-center/b")
    assert links["ausente"] == external.format("https://docs.microsoft.com/partner-center/gone")
    assert links["outro site"] == external.format("https://example.com/partner-center/b")


def test_a_front_matters_badges_are_shown_above_the_page_in_their_colours(tmp_path: Path) -> None:
    """Experience League's metadata badges (``badgeX: label=… type=… url=… tooltip=…``), in the order of their
    names; a badge's url is a link of the page as any other (here one the corpus lacks: shown missing)."""
    from conftest import write_files

    write_files(tmp_path / "content", {
        "pt-br/help/a.md": (
            "---\ntitle: Artigo A\nbadgeZeta: label=\"Beta privado\" type=\"Caution\"\n"
            "badgeAlfa: label=\"Premium\" type=\"Positive\" url=\"/help/b.md\" tooltip=\"Só no Premium\"\n"
            "badgeSem: type=\"Negative\"\n---\n# Artigo A\n\nTexto.\n"),
        "pt-br/help/c.md": "---\ntitle: C\nbadge: label=\"Novo\" url=\"a.md\"\n---\n# C\n\nTexto.\n",
    })
    out = tmp_path / "out"
    build(tmp_path / "content", out, BuildOptions(jobs=1))
    page = (out / "site" / "pt-br" / "artigo-a" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<span class="exl-badge.*?</span>(?:</span></span>)?', page) == [
        '<span class="exl-badge exl-badge-positive" title="Só no Premium"><span class="link-missing" '
        'title="“/help/b.md” não está nesta base de conhecimento">Premium<span class="visually-hidden"> '
        '(não está nesta base de conhecimento)</span></span></span>',
        '<span class="exl-badge exl-badge-caution">Beta privado</span>',
    ]
    page = (out / "site" / "pt-br" / "c" / "index.html").read_text(encoding="utf-8")
    assert ('<span class="exl-badge exl-badge-informative"><a href="/pt-br/artigo-a/" title="Artigo A">Novo</a></span>'
            in page)


@pytest.mark.parametrize(
    ("path", "slug"),
    [
        ("pt-br/Skype/optimizing-your-network/index.md", "skype-optimizing-your-network"),
        ("pt-br/Lync/Hub/index.md", "lync-hub"),
        ("ru-ru/Skype/x.md", "skype-x"),
        ("index.md", "index"),
    ],
)
def test_redirect_slug(path: str, slug: str) -> None:
    assert redirect_slug(Redirect(path, None, "t")) == slug


@pytest.mark.parametrize("bad", ["ftp://x/{locale}", "/relative", "https://x/a b", 'https://x/"'])
def test_a_bad_link_base_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str) -> None:
    from kb.cli import main

    args = ["build", "--content", str(make_repository(tmp_path / "c")), "--build", str(tmp_path / "o"), "--quiet"]
    assert main([*args, "--link-base", bad]) == 2
    assert "--link-base must be empty or an http(s):// URL" in capsys.readouterr().err
    assert not (tmp_path / "o" / "current").exists()


def test_a_link_by_asset_id_goes_to_that_article_in_the_readers_locale(tmp_path: Path) -> None:
    """Windows Server's TechNet-converted pages link by ms.assetid (``assetId:///847b…``); an id no
    document has stays missing."""
    for loc, title in (("pt-br", "Perguntas"), ("es-es", "Preguntas")):
        (tmp_path / "c" / loc).mkdir(parents=True)
        (tmp_path / "c" / loc / "faq.md").write_text(
            f"---\ntitle: {title}\nms.assetid: 847B571B-12b3-473c-953f-75a5a1f51333\n---\n# {title}\n\n"
            "## <a name=\"parte\"></a>Parte\n\nTexto.\n", encoding="utf-8")
        (tmp_path / "c" / loc / "a.md").write_text(
            f"---\ntitle: A {loc}\n---\n# A {loc}\n\nVeja [{title}](assetId:///847b571b-12b3-473c-953f-75a5a1f51333"
            "#parte) e [outro](assetId:///00000000-0000-0000-0000-000000000000).\n", encoding="utf-8")
    build(tmp_path / "c", tmp_path / "out", BuildOptions(jobs=1))
    for loc, title in (("pt-br", "Perguntas"), ("es-es", "Preguntas")):
        links = _links((tmp_path / "out" / "site" / loc / "a" / "index.html").read_text(encoding="utf-8"))
        assert links[title] == f'<a href="/{loc}/faq/#parte" title="{title}">'
        assert links["outro"].startswith('<span class="link-missing" title="“assetId:///00000000-0000-0000-0000-')


def test_a_link_from_the_site_root_into_the_contents_folders_is_missing_not_external(tmp_path: Path) -> None:
    # Adobe's docsets link their own files from the site's root (/help/components/x.md): one the corpus
    # lacks is a marked span, as a relative link to an absent file is; another docset's page goes to the
    # link base, without the .md it was written with.
    folder = tmp_path / "content" / "es-es" / "help"
    (folder / "components").mkdir(parents=True)
    (folder / "components" / "b.md").write_text("---\ntitle: B\n---\n# B\n\nTexto.\n", encoding="utf-8")
    (folder / "a.md").write_text(
        "---\ntitle: A\n---\n# A\n\n[B](/help/components/b.md), [C](/help/components/gone.md), "
        "[D](/dynamics365/financials/x.md), [E](/components/gone.md), [F](/gone.md), [G](/help/components/c).\n",
        encoding="utf-8")
    build(tmp_path / "content", tmp_path / "out", BuildOptions(jobs=1))
    links = _links((tmp_path / "out" / "site" / "es-es" / "a" / "index.html").read_text(encoding="utf-8"))
    assert links["B"] == '<a href="/es-es/b/" title="B">'
    assert links["C"] == ('<span class="link-missing" '
                          'title="“/help/components/gone.md” no está en esta base de conocimientos">')
    for name, target in (("E", "/components/gone.md"), ("F", "/gone.md")):  # (from the page's folder; a root's)
        assert links[name] == f'<span class="link-missing" title="“{target}” no está en esta base de conocimientos">'
    # an address as Learn publishes it (SCCM's /sccm/core/x, into a folder the content has too) is the site's
    assert links["G"] == ('<a href="https://learn.microsoft.com/es-es/help/components/c" class="link-external" '
                          'rel="noopener noreferrer">')
    assert links["D"] == ('<a href="https://learn.microsoft.com/es-es/dynamics365/financials/x" class="link-external" '
                          'rel="noopener noreferrer">')
