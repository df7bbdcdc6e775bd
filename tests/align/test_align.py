"""Topic alignment on the seeds and on small corpora written by the tests: every stage of evidence."""

from __future__ import annotations

import pytest

from kb.align.topics import align, assign_slugs, name_key, variant_target
from kb.ingest.reader import parse_document
from kb.model import Evidence
from tests.conftest import SEED_ES, SEED_IT, SEED_PT, SEED_PT_21V, SEED_RU

ASSETID = "c8b58255-2c7d-4338-a5b0-572bc0f54c0d"


def test_seeds_make_one_topic_of_five_documents(seeds):
    alignment = align(list(seeds.values()))
    assert len(alignment.topics) == 1
    topic = alignment.topics[0]
    assert (topic.id, topic.slug) == (ASSETID, "multichannel-support")
    members = {m.document.path: m for m in topic.members}
    assert set(members) == {SEED_PT, SEED_PT_21V, SEED_RU, SEED_ES, SEED_IT}
    for path in (SEED_PT, SEED_RU, SEED_ES, SEED_IT):
        assert (members[path].evidence, members[path].confidence) == (Evidence.ASSETID, 1.0)
    vianet = members[SEED_PT_21V]
    assert vianet.evidence is Evidence.CONTENT
    assert 0.5 <= vianet.confidence <= 1.0
    assert vianet.slug == "multichannel-support-21vianet"
    assert {m.slug for m in topic.members if m is not vianet} == {"multichannel-support"}
    assert alignment.warnings == []


def test_seed_topic_matrix_titles_and_source(seeds):
    topic = align(list(seeds.values())).topics[0]
    matrix = {cell: doc.path for cell, doc in topic.matrix.items()}
    assert matrix == {
        ("pt-BR", "global"): SEED_PT,
        ("pt-BR", "germany"): SEED_PT,
        ("pt-BR", "21vianet"): SEED_PT_21V,
        ("ru-RU", "global"): SEED_RU,
        ("ru-RU", "germany"): SEED_RU,
        ("es-ES", "global"): SEED_ES,
        ("es-ES", "germany"): SEED_ES,
        ("it-IT", "global"): SEED_IT,
        ("it-IT", "germany"): SEED_IT,
    }
    assert topic.titles == {
        "es-ES": "Multicanal | Centro de partners",
        "it-IT": "Multicanale | Centro per i partner",
        "pt-BR": "Vários canais | Partner Center",
        "ru-RU": "Поддержка нескольких каналов | Центр партнеров",
    }
    # Only the 21Vianet document carries a hand-off date: it is the newest version of the topic.
    assert topic.source is not None and topic.source.path == SEED_PT_21V


def test_alignment_does_not_depend_on_the_order_of_documents(seeds):
    docs = list(seeds.values())
    forward, backward = align(docs), align(docs[::-1])
    assert [
        (t.id, t.slug, [(m.document.path, m.evidence, m.confidence, m.slug) for m in t.members])
        for t in forward.topics
    ] == [
        (t.id, t.slug, [(m.document.path, m.evidence, m.confidence, m.slug) for m in t.members])
        for t in backward.topics
    ]


# --- small corpora written by the tests -----------------------------------------------------------

APPLIES = {
    "pt-BR": (
        "Aplica-se a",
        {"global": "Partner Center", "21vianet": "Partner Center operado pela 21Vianet"},
    ),
    "ru-RU": (
        "Область применения",
        {"global": "Центр партнеров", "21vianet": "Центр партнеров под управлением 21Vianet"},
    ),
    "es-ES": (
        "Se aplica a",
        {"global": "Centro de partners", "21vianet": "Centro de partners operado por 21Vianet"},
    ),
}

TEXT = {
    ("pt-BR", "billing"): (
        "Cobrança",
        "Sua fatura do Azure chega no dia 15; veja [Ler sua fatura](read-your-bill.md) e o "
        "`InvoiceId` de cada linha. Os pagamentos vencem em 30 dias.",
    ),
    ("ru-RU", "billing"): (
        "Выставление счетов",
        "Счет Azure приходит 15-го числа; см. [Чтение счета](read-your-bill.md) "
        "и `InvoiceId` каждой строки. Оплата в течение 30 дней.",
    ),
    ("es-ES", "billing"): (
        "Facturación",
        "Tu factura de Azure llega el día 15; consulta [Leer la factura](read-your-bill.md) "
        "y el `InvoiceId` de cada línea. Los pagos vencen en 30 días.",
    ),
    ("pt-BR", "mfa"): (
        "Habilitar a MFA",
        "Habilite a [autenticação multifator](https://docs.microsoft.com/pt-br/azure/mfa) "
        "no seu locatário do Azure AD antes de 1 de agosto de 2019, com `Set-MsolUser`.",
    ),
    ("ru-RU", "mfa"): (
        "Включение MFA",
        "Включите [многофакторную проверку](https://docs.microsoft.com/ru-ru/azure/mfa) "
        "в клиенте Azure AD до 1 августа 2019 г. с помощью `Set-MsolUser`.",
    ),
    ("pt-BR", "tax"): (
        "Impostos",
        "Cada país tem regras próprias de isenção; guarde os comprovantes fiscais.",
    ),
    ("es-ES", "mfa"): (
        "Habilitar MFA",
        "Habilita la [autenticación multifactor](https://docs.microsoft.com/es-es/azure/mfa) "
        "en tu inquilino de Azure AD antes del 1 de agosto de 2019, con `Set-MsolUser`.",
    ),
}


def article(
    locale: str,
    name: str,
    *,
    edition: str = "global",
    assetid: str | None = None,
    anchor: str | None = None,
    extra: str = "",
) -> bytes:
    title, body = TEXT[(locale, name)]
    label, editions = APPLIES[locale]
    front = f"title: {title}\nms.contentlocale: {locale}\n" + (f"ms.assetid: {assetid}\n" if assetid else "")
    heading = f'# <a name="{anchor or name}"></a>{title}'
    return (
        f"---\n{front}---\n{heading}\n\n**{label}**\n\n- {editions[edition]}\n\n{body}\n\n{extra}\n".encode()
    )


def parse(files: dict[str, bytes]):
    docs = []
    for path, data in files.items():
        doc, problems = parse_document(path, data)
        assert doc is not None and not problems, problems
        docs.append(doc)
    return docs


def topics_of(alignment) -> dict[str, list[tuple[str, str, float]]]:
    return {
        t.id: [(m.document.path, m.evidence.value, m.confidence) for m in t.members] for t in alignment.topics
    }


def test_assetid_is_case_insensitive_and_path_joins_documents_without_one():
    docs = parse(
        {
            "pt-br/a/billing.md": article("pt-BR", "billing", assetid="ABCD-1"),
            "ru-ru/a/billing.md": article("ru-RU", "billing", assetid="abcd-1"),
            "es-es/a/billing.md": article("es-ES", "billing"),
        }
    )
    assert topics_of(align(docs)) == {
        "abcd-1": [
            ("es-es/a/billing.md", "path", 0.95),
            ("pt-br/a/billing.md", "assetid", 1.0),
            ("ru-ru/a/billing.md", "assetid", 1.0),
        ],
    }


def test_path_without_assetid_gives_a_path_slug_id():
    docs = parse(
        {f"{loc.lower()}/a/billing.md": article(loc, "billing") for loc in ("pt-BR", "ru-RU", "es-ES")}
    )
    (topic,) = align(docs).topics
    assert (topic.id, topic.slug) == ("a-billing", "billing")
    assert {m.evidence for m in topic.members} == {Evidence.PATH}


def test_a_uid_names_the_topic_before_a_generic_title_anchor():
    """ASP.NET Core's certificate article opens with ``# <a name="overview"></a>…`` in three locales: its
    uid, as Learn's address, says what it is. A folder's default page is named by its folder."""
    files = {}
    for loc in ("pt-BR", "ru-RU", "es-ES"):
        for name, uid in (("billing", "certauth"), ("mfa", "index")):
            text = article(loc, name, anchor="overview")
            files[f"{loc.lower()}/security/authentication/{uid}.md"] = text.replace(
                b"---\n", f"---\nuid: security/authentication/{uid}\n".encode(), 1
            )
    assert sorted(t.slug for t in align(parse(files)).topics) == ["authentication", "certauth"]


def test_a_folders_default_page_without_uid_or_anchor_is_named_by_its_folder():
    """Xamarin's tutorials are ``tutorials/grid/index.yml`` and ``tutorials/label/index.yml``, with no uid
    and no anchor: the slugs were ``index`` and ``index-tutorials-label-index``; Learn's addresses end
    ``/grid/`` and ``/label/``."""
    files = {f"{loc}/tutorials/{name}/index.md": f"---\ntitle: {title} {loc}\n---\n# {title}\n\nTexto {n}.\n".encode()
             for loc in ("pt-br", "es-es") for n, (name, title) in enumerate([("grid", "Grade"), ("label", "Rótulo")])}
    for loc in ("pt-br", "es-es"):
        files[f"{loc}/tutorials/index.md"] = b"---\ntitle: Tutoriais\n---\n# Tutoriais\n"
    assert sorted(t.slug for t in align(parse(files)).topics) == ["grid", "label", "tutorials"]


def test_localized_repositories_cloned_side_by_side_align_by_their_paths():
    """Microsoft publishes a repository per locale, ``sql-docs.pt-br``, ``sql-docs.es-es``: cloned into
    one content folder, each repository's folder is its locale root."""
    docs = parse({f"sql-docs.{loc.lower()}/docs/a/billing.md": article(loc, "billing") for loc in ("pt-BR", "es-ES")})
    (topic,) = align(docs).topics
    assert (topic.id, topic.slug) == ("docs-a-billing", "billing")
    members = [(m.document.locale, m.evidence) for m in topic.members]
    assert members == [("es-ES", Evidence.PATH), ("pt-BR", Evidence.PATH)]


def test_colliding_assetid_is_split_by_path_with_a_warning_naming_the_files():
    files = {}
    for loc in ("pt-BR", "ru-RU", "es-ES"):
        files[f"{loc.lower()}/billing.md"] = article(loc, "billing", assetid="SHARED")
        files[f"{loc.lower()}/enable-mfa.md"] = article(loc, "mfa", assetid="shared")
    alignment = align(parse(files))
    assert topics_of(alignment) == {
        "billing": [(f"{loc}/billing.md", "path", 0.95) for loc in ("es-es", "pt-br", "ru-ru")],
        "enable-mfa": [(f"{loc}/enable-mfa.md", "path", 0.95) for loc in ("es-es", "pt-br", "ru-ru")],
    }
    assert alignment.warnings == [
        "ms.assetid shared is shared by different articles; split by path into 2 topics: "
        "es-es/billing.md, pt-br/billing.md, ru-ru/billing.md; "
        "es-es/enable-mfa.md, pt-br/enable-mfa.md, ru-ru/enable-mfa.md"
    ]


def test_edition_variant_by_file_name_is_confirmed_by_content():
    files = {
        f"{loc.lower()}/partner-center/billing.md": article(loc, "billing") for loc in ("pt-BR", "ru-RU")
    }
    files["pt-br/Archive/China-billing.md"] = article("pt-BR", "billing", edition="21vianet")
    files["ru-ru/Archive/China-billing.md"] = article("ru-RU", "billing", edition="21vianet")
    (topic,) = align(parse(files)).topics
    members = {m.document.path: m for m in topic.members}
    assert [members[p].evidence for p in sorted(members)] == [
        Evidence.EDITION_VARIANT,
        Evidence.PATH,
        Evidence.EDITION_VARIANT,
        Evidence.PATH,
    ]
    assert all(0.5 <= m.confidence <= 1.0 for m in topic.members)
    assert {(m.document.locale, m.slug) for m in topic.members} == {
        ("pt-BR", "billing"),
        ("pt-BR", "billing-21vianet"),
        ("ru-RU", "billing"),
        ("ru-RU", "billing-21vianet"),
    }


def test_edition_variant_whose_content_differs_is_kept_apart_with_a_warning():
    files = {
        f"{loc.lower()}/partner-center/billing.md": article(loc, "billing") for loc in ("pt-BR", "ru-RU")
    }
    files["pt-br/Archive/China-billing.md"] = article("pt-BR", "tax", edition="21vianet")
    alignment = align(parse(files))
    assert len(alignment.topics) == 2
    (warning,) = alignment.warnings
    assert warning.startswith("file names make pt-br/Archive/China-billing.md an edition of ")
    assert "pt-br/partner-center/billing.md" in warning and "kept as a separate topic" in warning


def test_content_alone_aligns_random_names_without_assetids():
    files = {}
    for n, loc in enumerate(("pt-BR", "ru-RU", "es-ES")):
        files[f"{n}a9f.md"] = article(loc, "billing")
        files[f"{n}7c2.md"] = article(loc, "mfa", anchor=f"mfa-{n}")  # anchors differ: other evidence decides
    alignment = align(parse(files))
    assert sorted(sorted(p for p, *_ in members) for members in topics_of(alignment).values()) == [
        ["07c2.md", "17c2.md", "27c2.md"],
        ["0a9f.md", "1a9f.md", "2a9f.md"],
    ]
    for topic in alignment.topics:
        assert {m.evidence for m in topic.members} == {Evidence.CONTENT}
        assert all(0.0 < m.confidence <= 1.0 for m in topic.members)
    assert {t.slug for t in alignment.topics} == {"billing", "mfa-0"}


def test_never_two_documents_of_one_locale_and_edition_even_by_content():
    files = {
        "a.md": article("pt-BR", "billing"),
        "b.md": article("pt-BR", "billing"),
        "c.md": article("ru-RU", "billing"),
    }
    alignment = align(parse(files))
    for topic in alignment.topics:
        cells = [(m.document.locale, e) for m in topic.members for e in m.document.editions]
        assert len(cells) == len(set(cells))
    assert sorted(len(t.members) for t in alignment.topics) == [1, 2]


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("Archive/China-billing.md", "partner-center/billing.md"),
        ("Archive/China-non-payment-fraud-or-misuse.md", "partner-center/non-payment-fraud-or-misuse.md"),
        ("docs/Archive/China-x.md", "docs/partner-center/x.md"),
        ("Archive-003/China-x.md", "partner-center-003/x.md"),
        ("partner-center/billing.md", None),
        ("Archive/index.md", None),
    ],
)
def test_variant_file_name_convention(path, target):
    assert variant_target(path) == target


def test_name_key_treats_runs_of_dashes_as_one():
    assert (
        name_key("partner-center/non-payment--fraud--or-misuse.md")
        == "partner-center/non-payment-fraud-or-misuse.md"
    )


def test_assign_slugs_keeps_every_locale_slug_unique(seeds):
    topic = align(list(seeds.values())).topics[0]
    again = assign_slugs("x", list(topic.members))
    pairs = [(m.document.locale, m.slug) for m in again]
    assert len(pairs) == len(set(pairs))


# --- kb topics ------------------------------------------------------------------------------------


def test_kb_topics_json_shape_on_the_seeds(capsys):
    import json

    from kb.cli import main
    from tests.conftest import CONTENT

    assert main(["topics", "--content", str(CONTENT), "--json", "--jobs", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"topics", "warnings"} and report["warnings"] == []
    (topic,) = report["topics"]
    assert (topic["id"], topic["slug"], topic["source"]) == (ASSETID, "multichannel-support", SEED_PT_21V)
    docs = {d["path"]: d for d in topic["documents"]}
    assert set(docs) == {SEED_PT, SEED_PT_21V, SEED_RU, SEED_ES, SEED_IT}
    for d in docs.values():
        assert {"path", "locale", "editions", "evidence", "confidence"} <= set(d)
    assert docs[SEED_RU] | {"slug": None} == {
        "path": SEED_RU,
        "locale": "ru-RU",
        "editions": ["global", "germany"],
        "evidence": "assetid",
        "confidence": 1.0,
        "slug": None,
    }
    assert (docs[SEED_PT_21V]["evidence"], docs[SEED_PT_21V]["editions"]) == ("content", ["21vianet"])
    assert 0.5 <= docs[SEED_PT_21V]["confidence"] <= 1.0


def test_kb_topics_table_lists_evidence_and_warnings(tmp_path, capsys):
    from kb.cli import main

    for loc in ("pt-BR", "ru-RU"):
        (tmp_path / loc.lower()).mkdir()
        (tmp_path / loc.lower() / "billing.md").write_bytes(article(loc, "billing", assetid="same"))
        (tmp_path / loc.lower() / "enable-mfa.md").write_bytes(article(loc, "mfa", assetid="same"))
    assert main(["topics", "--content", str(tmp_path), "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "2 topics in" in out and "path" in out and "0.95" in out
    assert "warning ms.assetid same is shared by different articles" in " ".join(out.split())


def page(locale: str, title: str, body: str = "Texto do artigo.") -> bytes:
    return f"---\ntitle: {title}\nms.contentlocale: {locale}\n---\n# {title}\n\n{body}\n".encode()


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # a file name two locales share, with accents: its letters kept
        ({"pt-br/ação.md": page("pt-BR", "Ação"), "es-es/ação.md": page("es-ES", "Acción")}, {("acao", "acao")}),
        # file names and titles in Cyrillic only: transliterated, not "topic" and "topic-2"
        (
            {
                "ru-ru/настройка.md": page("ru-RU", "Настройка сервера", "Как настроить сервер."),
                "ru-ru/установка.md": page("ru-RU", "Установка клиента", "Как установить клиент."),
            },
            {("nastroyka", "nastroyka-servera"), ("ustanovka", "ustanovka-klienta")},
        ),
        # ASCII names are as before
        ({"es-es/a/billing.md": page("es-ES", "Facturación"), "pt-br/a/billing.md": page("pt-BR", "Cobrança")},
         {("a-billing", "billing")}),
    ],
)
def test_slugs_and_ids_keep_the_letters_of_any_script(files: dict[str, bytes], expected: set[tuple[str, str]]) -> None:
    assert {(t.id, t.slug) for t in align(parse(files)).topics} == expected
