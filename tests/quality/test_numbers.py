"""Numbers as a reader reads them (kb.quality.numbers): the issue's examples of the same value written
two ways, and values that really differ."""

from __future__ import annotations

import pytest

from kb.quality.numbers import figures, unaccounted

SAME = [
    ("Можно добавить до пяти мест на регион.", "Puedes agregar hasta 5 ubicaciones por región."),
    ("Os cinco principais clientes", "The 5 top customers"),
    ("Cobrança do primeiro mês", "Facturación del mes 1"),
    ("Decimoquinto día de cada mes", "Il 15 di ogni mese"),
    ("Vigésimo quinto día de cada mes", "Il 25 di ogni mese"),
    ("300.000 usuarios", "300 000 пользователей"),
    ("300.000 usuarios", "300K users"),
    ("300 тыс. пользователей", "300 mil usuários"),
    ("año fiscal 2020", "FY20"),
    ("a las 18:00", "at 6 p.m."),
    ("UTC 23:59:00 15", "11:59 P.M. el día 15"),
    ("à meia-noite do dia", "a las 00:00 del día"),
    ("Вы приобретаете подписку 11 февраля 2017 года", "Compras una suscripción el 11/2/2017"),
    ("Двенадцатого февраля 2017 г.", "El 12/2/2017"),
    ("10/03/17", "10/03/2017"),
    ("1 января = 1.01–31.12", "1 de enero = del 1 de enero al 31 de diciembre"),
    ("24 ore su 24 e 7 giorni su 7", "soporte 24/7"),
    ("24 ore al giorno, 7 giorni su 7", "soporte ininterrumpido"),
    ("en función de: 1) la consulta; y, 2) dónde", "в зависимости от запроса и места"),
    ("Contenido 100 % de Microsoft", "Исключительно содержимое Майкрософт"),
    ("CREATE APPLICATION ROLE & #40; Transact-SQL & #41;", "CREATE APPLICATION ROLE (Transact-SQL)"),  # code points
    ("Двусторонняя видеосвязь", "Vídeo de 2 vías"),
]

DIFFERENT = [
    ("У вас есть 60 дней", "Tienes 30 días", ("60",), ("30",)),
    ("с 01.02.18 до 12.01.18", "1/2/2018 – 12/1/2019", (), ("2019",)),
    ("Office 395", "Office 365", ("395",), ("365",)),
    ("durante 12 meses", "durante doce meses y 3 días", (), ("3",)),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_the_same_value_written_two_ways_is_no_difference(a: str, b: str) -> None:
    assert unaccounted(figures(a), figures(b)) == ((), ())
    assert unaccounted(figures(b), figures(a)) == ((), ())


@pytest.mark.parametrize(("a", "b", "missing", "extra"), DIFFERENT)
def test_values_that_differ_are_named(a: str, b: str, missing: tuple[str, ...], extra: tuple[str, ...]) -> None:
    assert unaccounted(figures(a), figures(b)) == (missing, extra)


def test_paths_are_taken_out_of_a_paragraph_in_one_pass_however_hostile() -> None:
    # _PATHLIKE's leading stars tried every start in the text: a paragraph of 100,000 letters and one '/'
    # took minutes. It now reads each run without blanks (as long as a path may be), with the same result.
    from kb.ingest.reader import parse_document
    from kb.quality.segment_checks import _PATHLIKE, MAX_PATH, figure_text

    def text_of(body: str) -> str:
        doc, problems = parse_document("pt-br/a.md", ("---\ntitle: T\n---\n" + body + "\n").encode())
        assert doc is not None and problems == []
        return figure_text(doc.segments)

    normal = "Veja C:\\Program Files\\x.exe, /partner-center/x2 e img/a.png: 2019, 15 dias."
    assert text_of(normal) == _PATHLIKE.sub(" ", normal) == "Veja    ,   e  : 2019, 15 dias."
    hostile = "a" * 100_000 + "/ e " + "b" * (MAX_PATH + 1) + "/c.png"  # (too long to be a path: kept)
    assert text_of(f"{normal} {hostile}") == _PATHLIKE.sub(" ", normal) + " " + hostile


def test_the_figures_of_a_paragraph_of_many_links_are_read_in_one_pass() -> None:
    # Each link's target was blanked by reading the whole text again: 300,000 links to one page took minutes.
    from kb.model import Link, Segment, SegmentKind
    from kb.quality.segment_checks import figure_text

    text = "Veja https://example.com/pagina-2 " * 300_000 + "e 42 itens, `v2` e 7."
    links = (Link("https://example.com/pagina-2", "https://example.com/pagina-2", "link", 1),) * 300_000
    seg = Segment(SegmentKind.PARAGRAPH, "p[0]", text, links, code=("v2",) * 1000)
    assert figure_text([seg]).split() == ["Veja"] * 300_000 + ["e", "42", "itens,", "`", "`", "e", "7."]
