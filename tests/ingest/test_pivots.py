"""kb.ingest.pivots: a zone's tab says what the docset's ``zone-pivot-groups.yml`` calls its pivot ("C#"),
in the locale's language, as on Learn; the id where there is no title; a broken file is a problem named
once, at its own path and line."""

from __future__ import annotations

from pathlib import Path

from conftest import write_files

from kb.ingest.cache import cacheable
from kb.ingest.reader import ingest
from kb.model import Problem

GROUPS = """### YamlMime:ZonePivotGroups
groups:
- id: programming-languages-set-functions
  title: Linguagens de programação
  prompt: Escolha uma linguagem de programação
  pivots:
  - id: programming-language-csharp
    title: C#
  - id: programming-language-python
    title: Python
- id: client-operating-system
  title: Sistemas operacionais
  pivots:
  - id: client-operating-system-linux
    title: Linux
metadata:
  ms.contentlocale: pt-BR
"""

ZONES = (
    '::: zone pivot="programming-language-csharp"\nCompile o projeto.\n::: zone-end\n\n'
    '::: zone pivot="programming-language-python, programming-language-java"\nExecute o script.\n::: zone-end\n'
)


def doc(title: str, extra: str = "", body: str = ZONES) -> str:
    return f"---\ntitle: {title}\n{extra}---\n# {title}\n\n{body}"


def test_a_zone_tab_says_the_pivot_title_of_its_group(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "pt-br/zone-pivot-groups.yml": GROUPS,
        "pt-br/azure/functions/funcoes.md": doc("Funções", "zone_pivot_groups: programming-languages-set-functions\n"),
        "pt-br/azure/sem-grupo.md": doc("Sem grupo"),  # names no group: every group's titles
        "pt-br/azure/outro-grupo.md": doc("Outro grupo", "zone_pivot_groups: client-operating-system\n"),
        "es-es/azure/funciones.md": doc("Funciones"),  # no file for Spanish: the ids
    })
    corpus = ingest(tmp_path, jobs=1)
    # Learn's build refuses a pivot its groups do not define; kb shows the id and says where it is.
    untitled = "zone pivot '{}' has no title in {}pt-br/zone-pivot-groups.yml: its tab shows the id"
    named = "the groups the document names in "
    assert corpus.problems == (
        Problem("pt-br/azure/functions/funcoes.md", 11, untitled.format("programming-language-java", named)),
        Problem("pt-br/azure/outro-grupo.md", 7, untitled.format("programming-language-csharp", named)),
        Problem("pt-br/azure/outro-grupo.md", 11, untitled.format("programming-language-python", named)),
        Problem("pt-br/azure/outro-grupo.md", 11, untitled.format("programming-language-java", named)),
        Problem("pt-br/azure/sem-grupo.md", 10, untitled.format("programming-language-java", "")),
    )
    titles = {d.path: [s.text for s in d.segments][1::2] for d in corpus.documents}  # (heading, then title, text…)
    assert titles == {
        "es-es/azure/funciones.md": ["programming-language-csharp",
                                     "programming-language-python, programming-language-java"],
        "pt-br/azure/functions/funcoes.md": ["C#", "Python, programming-language-java"],
        "pt-br/azure/outro-grupo.md": ["programming-language-csharp",
                                       "programming-language-python, programming-language-java"],
        "pt-br/azure/sem-grupo.md": ["C#", "Python, programming-language-java"],
    }


def test_a_zone_written_in_a_code_sample_is_its_text(tmp_path: Path) -> None:
    """A page that documents zone pivots shows its sample as written: no tabs, and no problem for its ids."""
    write_files(tmp_path, {
        "pt-br/zone-pivot-groups.yml": GROUPS,
        "pt-br/sintaxe.md": doc("Sintaxe", body=f"Escreva:\n\n```md\n{ZONES}```\n"),
    })
    corpus = ingest(tmp_path, jobs=1)
    assert corpus.problems == ()
    (document,) = corpus.documents
    assert [(s.kind.value, s.text) for s in document.segments] == [
        ("heading", "Sintaxe"), ("paragraph", "Escreva:"), ("code", " ".join(ZONES.split()))]


def test_a_group_the_pivot_file_lacks_is_one_problem_at_its_front_matter_line(tmp_path: Path) -> None:
    """Teams' pt-BR tabs article names 'teams-app-environment', which its (older) translated file lacks."""
    write_files(tmp_path, {
        "pt-br/zone-pivot-groups.yml": GROUPS,
        "pt-br/tabs/guia.md": doc("Guia", "ms.topic: how-to\n"
                                          "zone_pivot_groups: teams-app-environment, client-operating-system\n"),
    })
    corpus = ingest(tmp_path, jobs=1)
    assert corpus.problems == (Problem(
        "pt-br/tabs/guia.md", 4, "zone_pivot_groups names 'teams-app-environment', which pt-br/zone-pivot-groups.yml "
        "does not define: the zones' tabs show their pivots' ids"),)
    assert [s.text for s in corpus.documents[0].segments][1] == "programming-language-csharp"


def test_the_page_keeps_the_ids_for_its_script_and_shows_the_titles(tmp_path: Path) -> None:
    from kb.ingest.html_rules import BodyText
    from kb.ingest.render import render_body

    write_files(tmp_path, {"pt-br/zone-pivot-groups.yml": GROUPS, "pt-br/a/funcoes.md": doc("Funções")})
    (document,) = ingest(tmp_path, jobs=1).documents
    html = render_body(document.body, {}, {}, BodyText(), document.skeleton).html
    assert '<section class="tab-panel" data-tab="programming-language-csharp">\n<p class="tab-title">C#</p>' in html
    assert ('<section class="tab-panel" data-tab="programming-language-python programming-language-java">\n'
            '<p class="tab-title">Python, programming-language-java</p>') in html


def test_a_broken_pivot_groups_file_is_one_problem_and_the_ids_stay(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "it-it/zone-pivot-groups.yml": "groups:\n- id: a\n  pivots: [unclosed\n",
        "it-it/a.md": doc("A"),
        "it-it/b.md": doc("B"),
    })
    corpus = ingest(tmp_path, jobs=1)
    assert corpus.problems == (Problem("it-it/zone-pivot-groups.yml", 4, "zone pivot titles not read: not valid YAML"),)
    assert [s.text for s in corpus.documents[0].segments][1] == "programming-language-csharp"


def test_a_document_with_zone_pivots_is_not_parse_cached() -> None:
    """Its tabs' titles come from another file, which may change while it does not."""
    assert not cacheable(ZONES.encode())
    assert cacheable(b'::: moniker range="v2"\nNovo.\n::: moniker-end\n')


def test_the_nearest_file_in_the_folder_or_above_within_the_content_root(tmp_path: Path) -> None:
    from kb.ingest import pivots

    outside = tmp_path / "outside.yml"
    outside.write_text(GROUPS, encoding="utf-8")
    root = tmp_path / "content"
    json_groups = '{"groups": [{"id": "g", "pivots": [{"id": "x", "title": "X"}]}]}'
    write_files(root, {"pt-br/zone-pivot-groups.yml": GROUPS, "pt-br/a/b/c.md": doc("C"),
                       "pt-br/a/zone-pivot-groups.json": json_groups})
    (root / "ru-ru").mkdir()
    (root / "ru-ru" / "zone-pivot-groups.yml").symlink_to(outside)
    assert pivots.find(root, "pt-br/a/b/c.md") == "pt-br/a/zone-pivot-groups.json"
    assert pivots.find(root, "pt-br/d.md") == "pt-br/zone-pivot-groups.yml"
    assert pivots.find(root, "ru-ru/d.md") is None  # a symbolic link out of the content root is not read
    assert pivots.titles(root, "pt-br/a/b/c.md", None)[:2] == ({"x": "X"}, [])
    linux = {"client-operating-system-linux": "Linux"}
    assert pivots.titles(root, "pt-br/d.md", "client-operating-system")[:2] == (linux, [])


def test_a_hostile_pivot_groups_file_is_a_problem_not_a_hang(tmp_path: Path) -> None:
    """Aliases that repeat a group of pivots a million times, and brackets nested 200,000 deep."""
    from kb.ingest import pivots

    pivot = "p: &p {id: a, title: A}\nq: &q [" + ", ".join(["*p"] * 1000) + "]\ng: &g {id: g, pivots: *q}\n"
    write_files(tmp_path, {
        "pt-br/zone-pivot-groups.yml": pivot + "groups: [" + ", ".join(["*g"] * 1000) + "]\n",
        "ru-ru/zone-pivot-groups.yml": "groups: " + "[" * 200_000 + "]" * 200_000 + "\n",
    })
    found, problems, *_ = pivots.titles(tmp_path, "pt-br/a.md", None)
    assert found == {"a": "A"}
    assert problems == [Problem("pt-br/zone-pivot-groups.yml", None, "zone pivot titles: more than 50,000 pivots; "
                                "the rest are not read (do YAML aliases repeat them?)")]
    assert pivots.titles(tmp_path, "ru-ru/a.md", None)[:2] == (
        {}, [Problem("ru-ru/zone-pivot-groups.yml", 1, "zone pivot titles not read: not valid YAML")])


def test_untitled_pivots_of_thousands_of_zones_are_found_in_one_pass(tmp_path: Path) -> None:
    from kb.ingest import pivots

    write_files(tmp_path, {"pt-br/zone-pivot-groups.yml": GROUPS})
    found = pivots.titles(tmp_path, "pt-br/a.md", None)
    body = "".join(f'::: zone pivot="p{i}"\nTexto.\n::: zone-end\n' for i in range(30_000))
    untitled = pivots.untitled(body, found, None)
    assert len(untitled) == 30_000 and untitled[-1][0] == 3 * 29_999
