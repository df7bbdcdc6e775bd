"""kb.site.navigation: a locale's docsets in order (the one reaching the most articles first, each under
its own name), an article's branch of its docset's tree, previous/next, and the whole tree's page;
kb.site.pages.is_landing: which articles show as cards."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import write_files

from kb.ingest.reader import ingest
from kb.model import Alignment, Evidence, Topic, TopicMember
from kb.output.options import BuildOptions
from kb.site import navigation
from kb.site import writer as site
from kb.site.data import SiteData
from kb.site.pages import is_landing


def doc(title: str, extra: str = "", body: str = "") -> str:
    return f"---\ntitle: {title}\nms.contentlocale: pt-BR\n{extra}---\n# {title}\n\n{body or 'Texto.'}\n"


FILES = {
    # an edition's docset: one root entry, two articles
    "pt-br/Archive/TOC.md": "# [Edição da China](index.md)\n## [Cobrança na China](billing.md)\n",
    "pt-br/Archive/index.md": doc("Edição da China"),
    "pt-br/Archive/billing.md": doc("Cobrança na China"),
    # the main docset: an "about" entry, then several roots; four articles
    "pt-br/main/TOC.md": (
        "# [Sobre o produto](index.md)\n\n# [Contas](accounts.md)\n## [Criar conta](create.md)\n"
        "## Grupo\n### [Excluir conta](delete.md)\n# [Cobrança](billing.md)\n"
    ),
    "pt-br/main/index.md": doc("Sobre o produto", "layout: LandingPage\n"),
    "pt-br/main/accounts.md": doc("Contas"),
    "pt-br/main/create.md": doc("Criar conta"),
    "pt-br/main/delete.md": doc("Excluir uma conta | Documentos da Microsoft"),  # its crumb: the TOC's name
    "pt-br/main/billing.md": doc(
        "Cobrança",
        body="## Faturas\n\n- [Ler](create.md)\n- [Pagar](delete.md)\n\n## Ajuda\n\n- [Contas](accounts.md)\n",
    ),
    # articles no tree lists: one below the main docset's folder, one outside every docset's folder
    "pt-br/main/guias/novo.md": doc("Guia novo"),
    "pt-br/solto.md": doc("Solto"),
}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> SiteData:
    root = tmp_path_factory.mktemp("nav")
    write_files(root, FILES)
    corpus = ingest(root)
    assert corpus.problems == ()
    topics = []
    for d in corpus.documents:
        slug = d.path.removeprefix("pt-br/").removesuffix(".md").replace("/", "-").lower()
        topics.append(Topic(slug, slug, [TopicMember(d, Evidence.PATH, 1.0, slug)]))
    return SiteData.gather(corpus, Alignment(topics), "/")


def test_the_docset_reaching_the_most_articles_comes_first_under_its_own_name(data: SiteData) -> None:
    nav = navigation.build_nav(data, "pt-BR")
    assert [(s.name, s.href, s.documents, s.toc, s.source) for s in nav.sections] == [
        ("Sobre o produto", "/pt-br/main-index/", 5, "pt-br/toc/main/", "pt-br/main/TOC.md"),
        ("Edição da China", "/pt-br/archive-index/", 2, "pt-br/toc/archive/", "pt-br/Archive/TOC.md"),
    ]
    main = nav.sections[0]
    assert [n.label for n in main.tree] == ["Contas", "Cobrança"]  # the naming entry heads, not repeats
    assert nav.places["pt-br/main/delete.md"] == (0, (0, 1, 0))
    assert nav.places["pt-br/main/index.md"] == (0, ())


def test_an_article_shows_its_branch_open_and_current_with_previous_and_next(data: SiteData) -> None:
    nav = navigation.build_nav(data, "pt-BR")
    delete = data.by_path["pt-br/main/delete.md"]
    art = navigation.article_nav(nav, delete, "/pt-br/main-delete/", "/")
    assert art is not None
    (contas, cobranca) = art.branch
    assert (contas.open, contas.current, cobranca.open, cobranca.children) == (True, False, False, ())
    create, group = contas.children
    assert (create.label, create.open, group.label, group.open) == ("Criar conta", False, "Grupo", True)
    (me,) = group.children
    assert (me.label, me.current, me.href) == ("Excluir conta", True, "/pt-br/main-delete/")
    assert (art.prev.label, art.next.label) == ("Criar conta", "Cobrança")
    assert art.toc == "/pt-br/toc/main/"
    head = navigation.article_nav(nav, data.by_path["pt-br/main/index.md"], "/pt-br/main-index/", "/")
    assert head is not None and head.is_head and head.prev is None and head.next.label == "Contas"
    assert [n.more for n in head.branch] == [True, False]  # collapsed: "Contas" has more below


def test_an_article_no_tree_lists_shows_the_nearest_docsets_tree_closed(data: SiteData) -> None:
    # DocFX gives a page the TOC of the nearest folder above it; the Russian mixed-reality TOC is older
    # than the articles beside it, and those pages had no navigation at all.
    nav = navigation.build_nav(data, "pt-BR")
    art = navigation.article_nav(nav, data.by_path["pt-br/main/guias/novo.md"], "/pt-br/main-guias-novo/", "/")
    assert art is not None
    assert (art.name, art.href, art.prev, art.next, art.toc, art.is_head) == (
        "Sobre o produto", "/pt-br/main-index/", None, None, "/pt-br/toc/main/", False)
    assert [(n.label, n.open, n.current, n.more) for n in art.branch] == [
        ("Contas", False, False, True), ("Cobrança", False, False, False)]
    assert navigation.article_nav(nav, data.by_path["pt-br/solto.md"], "/pt-br/solto/", "/") is None


def test_a_long_level_is_cut_to_a_window_around_the_branch() -> None:
    level = tuple(navigation.NavTree(f"n{i}", f"/n{i}/") for i in range(100))
    shown = navigation.branch(level, (50,))
    w = navigation.WINDOW
    assert [n.label for n in shown] == [f"n{i}" for i in range(50 - w, 50 + w + 1)]
    assert [n.label for n in shown if n.current] == ["n50"]


def test_landing_pages_are_layouts_or_headed_lists_of_links(data: SiteData) -> None:
    assert is_landing(data.by_path["pt-br/main/index.md"])  # layout: LandingPage
    assert is_landing(data.by_path["pt-br/main/billing.md"])  # headed lists of one link each
    assert not is_landing(data.by_path["pt-br/main/accounts.md"])


def test_the_site_renders_the_branch_the_tree_page_and_the_home_main_docset_first(
    data: SiteData, tmp_path: Path
) -> None:
    dest = tmp_path / "site"
    site.render_site(dest, data.corpus, data.alignment, BuildOptions(jobs=1, base_url="/"))
    page = BeautifulSoup((dest / "pt-br/main-delete/index.html").read_text(encoding="utf-8"), "html.parser")
    nav = page.find("nav", class_="doc-nav")
    assert nav.find("a", attrs={"aria-current": "page"})["href"] == "/pt-br/main-delete/"
    assert [a["href"] for a in nav.select("li.open > a")] == ["/pt-br/main-accounts/", "/pt-br/main-delete/"]
    assert nav.find("p", class_="doc-nav-all").find("a")["href"] == "/pt-br/toc/main/"
    assert [a["rel"][0] + " " + a["href"] for a in page.select(".prev-next a")] == [
        "prev /pt-br/main-create/",
        "next /pt-br/main-billing/",
    ]
    crumbs = [li.get_text(strip=True) for li in page.select(".breadcrumbs li")]
    assert crumbs == ["Início", "Português (Brasil)", "Contas", "Grupo", "Excluir conta"]
    assert page.title.get_text() == "Excluir uma conta | Documentos da Microsoft"  # the title as written
    whole = BeautifulSoup((dest / "pt-br/toc/main/index.html").read_text(encoding="utf-8"), "html.parser")
    assert whole.html["lang"] == "pt-BR"
    assert len(whole.select("nav.toc-full a")) == 4
    home = BeautifulSoup((dest / "pt-br/index.html").read_text(encoding="utf-8"), "html.parser")
    assert [h.get_text(strip=True) for h in home.select("nav.toc h2")] == ["Sobre o produto", "Edição da China"]
    landing = BeautifulSoup((dest / "pt-br/main-billing/index.html").read_text(encoding="utf-8"), "html.parser")
    assert "landing" in landing.find("article")["class"]



def one_index(tmp_path: Path) -> SiteData:
    write_files(tmp_path, {"pt-br/users/index.md": doc("Usuários"), "pt-br/users/add.md": doc("Adicionar"),
                           "pt-br/TOC.md": "# [Assinaturas](commerce/index.md)\n# [Usuários](users/index.md)\n"})
    corpus = ingest(tmp_path)
    topics = [Topic(d.path, d.path, [TopicMember(d, Evidence.PATH, 1.0, d.path.replace("/", "-"))])
              for d in corpus.documents]
    return SiteData.gather(corpus, Alignment(topics), "/")


@pytest.mark.parametrize(
    ("from_dir", "target", "expected"),
    [
        ("pt-br/users", "add.md", "pt-br/users/add.md"),
        ("pt-br/moved", "../users/add.md", "pt-br/users/add.md"),
        ("pt-br/other", "add.md", "pt-br/users/add.md"),  # a name alone (Lync Server's TOC): in one place
        ("pt-br/other", "./add.md", "pt-br/users/add.md"),
        # A path naming a folder names that folder: EF Core's saving/concurrency.md is not the corpus's
        # modeling/concurrency.md, Mixed Reality's unity/openxr-getting-started.md not native/'s.
        ("pt-br/other", "../old/add.md", None),
        ("pt-br/users/x", "../add.md", "pt-br/users/add.md"),  # (the exact path)
        ("pt-br/other/x", "../add.md", None),
        # A folder's default page names nothing by its file name: Microsoft 365's TOC entry for
        # ../commerce/index.yml, absent, led to the corpus's only index.yml, another folder's.
        ("pt-br", "commerce/index.md", None),
        ("pt-br", "commerce/INDEX.yml", None),
    ],
)
def test_a_relative_path_is_resolved_to_its_document(tmp_path: Path, from_dir: str, target: str,
                                                      expected: str | None) -> None:
    found = one_index(tmp_path).resolve_path(from_dir, "pt-BR", target)
    assert (found.path if found else None) == expected


def test_an_absent_folder_page_in_the_toc_marks_no_other_page(tmp_path: Path) -> None:
    data = one_index(tmp_path)
    index = navigation.build_nav(data, "pt-BR")
    assert [entry.label for entry in index.orders[0]] == ["Usuários"]


def test_an_entry_to_another_site_stays_in_the_tree_as_an_external_link(tmp_path: Path) -> None:
    """skype-2024's trees hold 192 entries written https://…: they were dropped; Learn shows them."""
    write_files(tmp_path, {
        "pt-br/TOC.md": "# [Produto](index.md)\n## [Portal](https://portal.example.com/)\n## [Conta](conta.md)\n",
        "pt-br/index.md": doc("Produto"),
        "pt-br/conta.md": doc("Conta"),
    })
    corpus = ingest(tmp_path)
    topics = [Topic(d.path, d.path, [TopicMember(d, Evidence.PATH, 1.0, d.path[6:-3])]) for d in corpus.documents]
    data = SiteData.gather(corpus, Alignment(topics), "/")
    nav = navigation.build_nav(data, "pt-BR")
    (section,) = nav.sections
    assert [(n.label, n.href, n.external) for n in section.tree] == [
        ("Portal", "https://portal.example.com/", True), ("Conta", "/pt-br/conta/", False)]
    art = navigation.article_nav(nav, data.by_path["pt-br/conta.md"], "/pt-br/conta/", "/")
    assert art is not None and art.prev is not None and art.prev.label == "Produto"  # never another site
    assert [(n.label, n.external) for n in art.branch] == [("Portal", True), ("Conta", False)]
    from kb.site.templates import environment
    html = environment().from_string('{% from "partials/_navtree.html" import navtree %}{{ navtree(t) }}').render(
        t=section.tree)
    assert '<a href="https://portal.example.com/" class="link-external" rel="noopener noreferrer">Portal</a>' in html


def test_an_entry_from_the_sites_root_or_the_publishers_site_is_its_page_here_or_there(tmp_path: Path) -> None:
    """ASP.NET Core's and Graph's trees name Learn's training and other docsets from the site's root
    (``/learn/modules/…``), Microsoft 365's with backslashes; Learn shows them all. Those naming an article of
    the corpus (from the site's root, or by its address on docs.microsoft.com) are that article here."""
    write_files(tmp_path, {
        "pt-br/docset/TOC.md": (
            "# [Produto](index.md)\n## [Módulo](/learn/modules/criar-app/?view=x)\n"
            "## [Cifra](\\microsoft-365\\compliance\\cifra.md)\n## [Conta aqui](/docset/conta)\n"
            "## [Conta no Learn](https://docs.microsoft.com/docset/conta#parte)\n"
            "## [Conta em inglês](https://learn.microsoft.com/en-us/docset/conta)\n"
            "## [Ausente](/docset/ausente.md)\n"),
        "pt-br/docset/index.md": doc("Produto"),
        "pt-br/docset/conta.md": doc("Conta"),
    })
    corpus = ingest(tmp_path)
    topics = [Topic(d.path, d.path, [TopicMember(d, Evidence.PATH, 1.0, d.path[13:-3])]) for d in corpus.documents]
    data = SiteData.gather(corpus, Alignment(topics), "/", "https://learn.microsoft.com/{locale}")
    (section,) = navigation.build_nav(data, "pt-BR").sections
    assert [(n.label, n.href, n.external) for n in section.tree] == [
        ("Módulo", "https://learn.microsoft.com/pt-br/learn/modules/criar-app/?view=x", True),
        ("Cifra", "https://learn.microsoft.com/pt-br/microsoft-365/compliance/cifra", True),
        ("Conta aqui", "/pt-br/conta/", False),
        ("Conta no Learn", "/pt-br/conta/", False),
        ("Conta em inglês", "https://learn.microsoft.com/en-us/docset/conta", True),
    ]  # (the repository's own file the corpus lacks is no entry, as a relative one is not)


def test_a_toc_yml_entry_naming_its_article_by_uid_is_that_article_in_the_locale(tmp_path: Path) -> None:
    """ASP.NET Core's trees name their articles by uid (``uid: security/authorization/introduction``): none was
    read, so no article of the docset had a tree."""
    write_files(tmp_path, {
        "pt-br/core/toc.yml": ("items:\n- name: Segurança\n  items:\n  - name: Introdução\n    uid: sec/intro\n"
                               "  - name: Funções\n    topicUid: sec/roles\n  - name: Outro\n    uid: sec/nada\n"),
        "pt-br/core/intro.md": doc("Introdução", "uid: sec/intro\n"),
        "pt-br/core/roles.md": doc("Funções", "uid: sec/roles\n"),
        "es-es/core/intro.md": doc("Introducción", "uid: sec/intro\n").replace("pt-BR", "es-ES"),
    })
    corpus = ingest(tmp_path)
    by_uid: dict[str, list[TopicMember]] = {}
    for d in corpus.documents:
        slug = d.path[6:-3].replace("/", "-")
        by_uid.setdefault(d.uid or d.path, []).append(TopicMember(d, Evidence.PATH, 1.0, slug))
    data = SiteData.gather(corpus, Alignment([Topic(k, k, m) for k, m in by_uid.items()]), "/")
    (section,) = navigation.build_nav(data, "pt-BR").sections
    assert [(n.label, n.href) for n in section.tree] == [("Introdução", "/pt-br/core-intro/"),
                                                         ("Funções", "/pt-br/core-roles/")]
