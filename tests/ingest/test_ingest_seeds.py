"""The five seed documents, parsed with exact expectations."""

from __future__ import annotations

import pytest

from kb.model import LocaleSource, SegmentKind
from tests.conftest import SEED_ES, SEED_IT, SEED_PT, SEED_PT_21V, SEED_RU

ASSETID = "c8b58255-2c7d-4338-a5b0-572bc0f54c0d"


@pytest.mark.parametrize(
    ("path", "locale", "source", "editions", "title", "assetid"),
    [
        (SEED_PT, "pt-BR", LocaleSource.DETECTED, ("global", "germany"), "Vários canais | Partner Center", ASSETID),
        (SEED_PT_21V, "pt-BR", LocaleSource.METADATA, ("21vianet",),
         "Vários canais (operado pela 21Vianet do Partner Center)", None),
        (SEED_RU, "ru-RU", LocaleSource.DETECTED, ("global", "germany"),
         "Поддержка нескольких каналов | Центр партнеров", ASSETID),
        (SEED_ES, "es-ES", LocaleSource.DETECTED, ("global", "germany"), "Multicanal | Centro de partners", ASSETID),
        (SEED_IT, "it-IT", LocaleSource.DETECTED, ("global", "germany"), "Multicanale | Centro per i partner", ASSETID),
    ],
)
def test_seed_metadata(seeds, path, locale, source, editions, title, assetid):
    doc = seeds[path]
    assert (doc.locale, doc.locale_source, doc.editions, doc.title, doc.assetid) == (
        locale, source, editions, title, assetid,
    )
    assert doc.applies_to == ()
    assert 0.9 <= doc.locale_confidence <= 1.0


def test_translation_metadata_with_and_without_ms_prefix(seeds):
    pt = seeds[SEED_PT].translation
    assert (pt.source_hash, pt.source_commit, pt.type, pt.date, pt.handoff) == (
        "fb3df0b095fb04552bcf5492467e319be943dd0d", "772577c0538a5d5b05d45f0e669697209761ab03", "HT", None, None,
    )
    v = seeds[SEED_PT_21V].translation
    assert (v.source_hash, v.type, v.date, v.handoff, v.locfileid) == (
        "3a61b4dff6b927d4b3c5b2783bb9c09dd87a6c88", "HT", "2018-10-29", "2019-04-23", "62132326",
    )


def test_html_entities_in_front_matter_are_decoded(seeds):
    assert seeds[SEED_IT].description.startswith('Un"opzione nel programma Cloud Solution Provider')


def cells(doc):
    return [(s.path, s.text) for s in doc.segments if s.kind is SegmentKind.TABLE_CELL]


def test_the_three_table_rows_cells(seeds):
    assert cells(seeds[SEED_PT]) == [
        ("table[0]/row[0]/cell[0]", "Serviços baseados em licença"),
        ("table[0]/row[0]/cell[1]",
         "Para dar suporte a contas de vários canais, você deve solicitar permissões do cliente para gerenciar as "
         "assinaturas dele. Consulte Solicitar uma relação com um cliente."),
        ("table[0]/row[1]/cell[0]", "Serviços com base em uso"),
        ("table[0]/row[2]/cell[0]", "Revendedores indiretos no CSP"),
    ]


def test_each_list_item(seeds):
    items = [(s.path, s.text[:40]) for s in seeds[SEED_PT].segments if s.kind is SegmentKind.LIST_ITEM]
    assert items == [
        ("list[0]/item[0]", "Partner Center"),
        ("list[0]/item[1]", "Partner Center do Microsoft Cloud Alemanha"[:40]),
        ("list[1]/item[0]", "Já tiver comprado assinaturas da Microso"),
        ("list[1]/item[1]", "Comprou a assinatura de você quando você"),
        ("list[1]/item[2]", "Comprou as assinaturas de um terceiro, q"),
        ("table[0]/row[1]/cell[1]/list[0]/item[0]", "Para um cliente que já tem uma assinatur"),
        ("table[0]/row[1]/cell[1]/list[0]/item[1]", "Um cliente que já tem uma assinatura do "),
        ("table[0]/row[2]/cell[1]/list[0]/item[0]", "Os revendedores indiretos que trabalham "),
        ("table[0]/row[2]/cell[1]/list[0]/item[1]", "O parceiro direto cria um convite para o"),
        ("table[0]/row[2]/cell[1]/list[0]/item[2]", "O parceiro direto será o proprietário da"),
    ]


def test_markdown_link_inside_html_cell_is_a_link(seeds):
    cell = next(s for s in seeds[SEED_PT].segments if s.path == "table[0]/row[0]/cell[1]")
    assert [(link.target, link.text, link.kind) for link in cell.links] == [
        ("request-a-relationship-with-a-customer.md", "Solicitar uma relação com um cliente", "link")
    ]
    assert "[" not in cell.text and "](" not in cell.text
    assert cell.line == 36


def test_bold_label_blockquote_is_an_important_alert(seeds):
    alerts = [s for s in seeds[SEED_PT].segments if s.kind is SegmentKind.ALERT]
    assert [(a.path, a.alert, a.line) for a in alerts] == [("alert[0]", "IMPORTANT", 25)]
    assert alerts[0].text.startswith("Um parceiro CSP não revende serviços online")
    assert "Importante" not in alerts[0].text


def test_heading_anchor_from_a_name(seeds):
    heads = [(s.text, s.anchor, s.level) for s in seeds[SEED_RU].headings]
    assert heads == [("Поддержка нескольких каналов", "multichannel-support", 1)]


def test_document_links_in_reading_order(seeds):
    assert [link.target for link in seeds[SEED_PT_21V].links] == [
        "request-a-relationship-with-a-customer.md", "work-with-other-partners.md", "multipartner.md",
    ]


def test_trailing_non_breaking_space_lines_make_no_segments(seeds):
    assert seeds[SEED_PT].segments[-1].path == "table[0]/row[2]/cell[1]/list[0]/item[2]"
    assert all(s.text.strip() for d in seeds.values() for s in d.segments)
