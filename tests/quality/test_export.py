"""Exports of aligned segments, loaded back with translate-toolkit (TMX, XLIFF 2.0) and csv."""

from __future__ import annotations

import csv
import io
import os
import stat
import threading

import pytest
from lxml import etree
from translate.storage import tmx, xliff2

from kb.align.topics import align
from kb.cli import main
from kb.ingest.reader import ingest, parse_document
from kb.quality import glossary
from kb.quality.export import XLIFF_NS, edition_units, export, units
from kb.quality.term_mining import mine
from tests.conftest import CONTENT, SEED_ES, SEED_IT, SEED_PT, SEED_RU

TOPIC = "c8b58255-2c7d-4338-a5b0-572bc0f54c0d"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FOUR = ["es-ES", "it-IT", "pt-BR", "ru-RU"]


@pytest.fixture(scope="module")
def seed_corpus():
    return ingest(CONTENT)


def langs(unit: tmx.tmxunit) -> list[str]:
    return [n.get(XML_LANG) for n in unit.getlanguageNodes()]


def test_tmx_of_the_seeds_holds_units_in_all_four_languages(tmp_path, seeds, capsys):
    out = tmp_path / "seeds.tmx"
    assert main(["export", "tmx", "--content", str(CONTENT), "--out", str(out)]) == 0
    assert "wrote 18 units" in capsys.readouterr().err
    store = tmx.tmxfile.parsefile(str(out))
    assert len(store.units) == 18  # every segment of the global edition is aligned in all four
    assert all(langs(u) == FOUR for u in store.units)
    heading = store.units[0]
    assert heading.getid() == f"{TOPIC}/global/heading[0]"
    assert {lang: heading.gettarget(lang) for lang in FOUR} == {
        "es-ES": "Soporte técnico multicanal",
        "it-IT": "Supporto multicanale",
        "pt-BR": "Suporte a vários canais",
        "ru-RU": "Поддержка нескольких каналов",
    }
    # each variant's text is the segment's text in its document
    by_path = {"es-ES": SEED_ES, "it-IT": SEED_IT, "pt-BR": SEED_PT, "ru-RU": SEED_RU}
    for unit in store.units:
        for node in unit.getlanguageNodes():
            lang = node.get(XML_LANG)
            props = {p.get("type"): p.text for p in node.iterchildren("prop")}
            assert props["x-path"] == by_path[lang]
            segment = next(s for s in seeds[props["x-path"]].segments if s.path == props["x-segment"])
            assert unit.gettarget(lang) == segment.text


def test_tmx_header_is_tmx_1_4(tmp_path, seed_corpus):
    out = tmp_path / "a.tmx"
    export("tmx", seed_corpus, align(seed_corpus.documents), out)
    root = etree.parse(str(out)).getroot()
    assert (root.tag, root.get("version")) == ("tmx", "1.4")
    header = root.find("header")
    assert header is not None
    for attr in (
        "creationtool",
        "creationtoolversion",
        "segtype",
        "o-tmf",
        "adminlang",
        "srclang",
        "datatype",
    ):
        assert header.get(attr), attr
    assert header.get("srclang") == "*all*"


def test_xliff_2_loads_back_with_source_and_target(tmp_path, seeds):
    out = tmp_path / "pt-ru.xlf"
    args = [
        "export",
        "xliff",
        "--content",
        str(CONTENT),
        "--out",
        str(out),
        "--source",
        "pt-BR",
        "--target",
        "ru-RU",
    ]
    assert main(args) == 0
    store = xliff2.Xliff2File.parsefile(str(out))
    assert (store.getsourcelanguage(), store.gettargetlanguage()) == ("pt-BR", "ru-RU")
    pt, ru = seeds[SEED_PT], seeds[SEED_RU]
    assert len(store.units) == len(pt.segments) == len(ru.segments) == 18
    for unit, a, b in zip(store.units, pt.segments, ru.segments, strict=True):
        assert (unit.source, unit.target, unit.istranslated()) == (a.text, b.text, True)
    root = etree.parse(str(out)).getroot()
    assert (root.tag, root.get("version")) == (f"{{{XLIFF_NS}}}xliff", "2.0")
    files = root.findall(f"{{{XLIFF_NS}}}file")
    assert [f.get("original") for f in files] == [SEED_PT]  # the 21Vianet edition has no Russian


def test_xliff_keeps_source_segments_without_a_translation(tmp_path):
    content = tmp_path / "c"
    content.mkdir()
    for name in (SEED_PT, SEED_RU):
        (content / name).write_bytes((CONTENT / name).read_bytes())
    ru = content / SEED_RU
    text = ru.read_text(encoding="utf-8")
    start = text.index("В некоторых случаях")
    ru.write_text(text[:start] + text[text.index("\n", start) :], encoding="utf-8")  # drop a paragraph
    corpus = ingest(content)
    out = tmp_path / "x.xlf"
    export("xliff", corpus, align(corpus.documents), out, source="pt-BR", target="ru-RU")
    store = xliff2.Xliff2File.parsefile(str(out))
    untranslated = [u for u in store.units if not u.istranslated()]
    assert [u.source[:20] for u in untranslated] == ["Em alguns casos, os "]
    assert untranslated[0].target in (None, "")


def test_csv_loads_back_with_a_column_per_locale(tmp_path, seed_corpus):
    out = tmp_path / "seeds.csv"
    assert export("csv", seed_corpus, align(seed_corpus.documents), out, source="pt-BR") == 18
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert list(rows[0]) == ["topic", "edition", "segment", "pt-BR", "es-ES", "it-IT", "ru-RU"]
    assert len(rows) == 18 and all(all(r[loc] for loc in FOUR) for r in rows)
    cell = next(r for r in rows if r["segment"] == "table[0]/row[1]/cell[0]")
    assert (cell["pt-BR"], cell["ru-RU"]) == ("Serviços com base em uso", "Службы с учетом использования")


def test_csv_of_two_locales(tmp_path, seed_corpus):
    out = tmp_path / "two.csv"
    export("csv", seed_corpus, align(seed_corpus.documents), out, source="ru-RU", target="it-IT")
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert rows[0] == ["topic", "edition", "segment", "ru-RU", "it-IT"]
    assert rows[1][3:] == ["Поддержка нескольких каналов", "Supporto multicanale"]


def _doc(path: str, locale: str, body: str):
    doc, problems = parse_document(path, f"---\ntitle: T\nms.contentlocale: {locale}\n---\n{body}".encode())
    assert doc is not None and not problems
    return doc


def test_a_unit_spans_the_paragraphs_a_translation_merged():
    pt = _doc(
        "pt.md",
        "pt-BR",
        "# Título\n\nO parceiro cria um convite para o cliente final em 2019 e envia pelo "
        "[portal](portal.md).\n\nDepois disso o cliente aceita o convite em 30 dias e o parceiro recebe os "
        "privilégios administrativos.\n\nFim da página com mais um parágrafo.\n",
    )
    ru = _doc(
        "ru.md",
        "ru-RU",
        "# Заголовок\n\nПартнер создает приглашение для конечного клиента в 2019 году и "
        "отправляет его через [портал](portal.md). После этого клиент принимает приглашение в течение 30 "
        "дней, и партнер получает права администратора.\n\nКонец страницы с еще одним абзацем.\n",
    )
    es = _doc(
        "es.md",
        "es-ES",
        "# Título\n\nEl partner crea una invitación para el cliente final en 2019 y la envía "
        "por el [portal](portal.md).\n\nDespués el cliente acepta la invitación en 30 días "
        "y el partner recibe los privilegios administrativos.\n\nFin de la página con un párrafo más.\n",
    )
    found = edition_units("t", "global", pt, [ru, es])
    assert [u.key for u in found] == ["heading[0]", "p[0]", "p[2]"]
    merged = {v.locale: v for v in found[1].variants}
    assert merged["pt-BR"].text == f"{pt.segments[1].text} {pt.segments[2].text}"
    assert merged["es-ES"].text == f"{es.segments[1].text} {es.segments[2].text}"
    assert (merged["ru-RU"].segment, merged["ru-RU"].text) == ("p[0]", ru.segments[1].text)


def test_exported_glossary_loads_back(tmp_path, seed_corpus, capsys):
    out = tmp_path / "glossary.yml"
    assert main(["export", "glossary", "--content", str(CONTENT), "--out", str(out)]) == 0
    loaded = glossary.load(out)
    assert loaded == mine(seed_corpus.documents, align(seed_corpus.documents))
    assert out.read_text(encoding="utf-8").startswith("# kb glossary")


def test_dev_corpus_exports_load_back(tmp_path, dev_corpus):
    alignment = align(dev_corpus.documents)
    out = tmp_path / "dev.tmx"
    n = export("tmx", dev_corpus, alignment, out)
    store = tmx.tmxfile.parsefile(str(out))
    assert len(store.units) == n > 5000
    assert sum(1 for u in store.units if len(langs(u)) == 4) > 0.9 * n
    xlf = tmp_path / "dev.xlf"
    export("xliff", dev_corpus, alignment, xlf, source="pt-BR", target="ru-RU")
    units_ = xliff2.Xliff2File.parsefile(str(xlf)).units
    assert len(units_) > 5000 and sum(1 for u in units_ if u.istranslated()) > 0.9 * len(units_)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["xliff", "--source", "pt-BR"], "export xliff: give --source and --target"),
        (["xliff", "--source", "pt-BR", "--target", "pt-br"], "--target: 'pt-br' is the source locale"),
        (["csv", "--source", "fr-FR"], "--locale: 'fr-FR' is not a locale of the content"),
        (["tmx", "--topic", "nope"], "--topic: no topic 'nope' in the content"),
        (["csv", "--target", "ru-RU"], "export csv: --target needs --source"),
    ],
)
def test_export_refuses_bad_parameters(tmp_path, capsys, args, message):
    code = main(["export", args[0], "--content", str(CONTENT), "--out", str(tmp_path / "x"), *args[1:]])
    assert code == 2
    assert capsys.readouterr().err.startswith(f"kb export: {message}")
    assert not (tmp_path / "x").exists()


def test_export_to_a_missing_folder_names_it(tmp_path, capsys):
    out = tmp_path / "no" / "such" / "x.tmx"
    assert main(["export", "tmx", "--content", str(CONTENT), "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith(f"kb export: --out: folder '{out.parent}' does not exist")


def test_units_of_selected_locales_only(seed_corpus):
    found = units(seed_corpus, align(seed_corpus.documents), source="it-IT", locales=["it-IT", "ru-RU"])
    assert {tuple(v.locale for v in u.variants) for u in found} == {("it-IT", "ru-RU")}


def test_export_through_a_link_writes_its_target_and_keeps_the_link(tmp_path, capsys):
    (tmp_path / "target.tmx").write_text("old", encoding="utf-8")
    (tmp_path / "link.tmx").symlink_to("target.tmx")
    assert main(["export", "tmx", "--content", str(CONTENT), "--out", str(tmp_path / "link.tmx")]) == 0
    assert (tmp_path / "link.tmx").is_symlink() and os.readlink(tmp_path / "link.tmx") == "target.tmx"
    assert (tmp_path / "target.tmx").read_text(encoding="utf-8").startswith("<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.tmx", "target.tmx"]  # (no temporary file left)


def test_export_into_a_pipe_writes_to_the_pipe_and_leaves_it_a_pipe(tmp_path, capsys):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert main(["export", "lexicon", "--content", str(CONTENT), "--out", str(fifo)]) == 0
    reader.join(timeout=60)
    assert received and received[0].decode("utf-8").splitlines()[0] == (
        "term\tlanguage\ttranslation\ttranslation_language\tweight"
    )
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo"]


@pytest.mark.parametrize("fmt", ["tmx", "lexicon"])
def test_a_device_that_cannot_take_the_export_is_named_and_stays_a_device(fmt, tmp_path, capsys):
    full = tmp_path / "full"  # a node of its own for /dev/full's device: a regression replaces only it
    try:
        os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except (PermissionError, AttributeError):
        pytest.skip("making a device node needs root (and Linux)")
    assert main(["export", fmt, "--content", str(CONTENT), "--out", str(full)]) == 2
    said = capsys.readouterr().err.splitlines()[-1]
    assert said == f"kb export: --out: cannot write '{full}': No space left on device"
    assert stat.S_ISCHR(full.lstat().st_mode)


def test_export_through_a_link_into_a_missing_folder_names_the_link(tmp_path, capsys):
    (tmp_path / "dangling.tmx").symlink_to("nowhere/x.tmx")
    assert main(["export", "tmx", "--content", str(CONTENT), "--out", str(tmp_path / "dangling.tmx")]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"kb export: --out: '{tmp_path / 'dangling.tmx'}' is a link into a folder that does not exist"
    )
