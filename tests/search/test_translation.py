"""Search across the language gap on the small four-language corpus (tests/search_corpus.py): locale
fallback, query translation through a curated lexicon (the corpus is too small for a mined one),
``explain``, the work budget of translations, and the API, CLI and ``kb export lexicon`` shapes."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from search_corpus import CANCEL, write_corpus

from kb import locales
from kb.align.topics import align
from kb.build.releases import publish
from kb.cli import main
from kb.errors import InvalidParameter
from kb.ingest.reader import ingest
from kb.output.options import BuildOptions
from kb.search.cost import estimate
from kb.search.index import write_index
from kb.search.query import search
from kb.search.release import open_release
from kb.search.request import parse_query
from kb.search.translation import expand
from kb.serve.api import create_app

CURATED = (
    "term\tlanguage\ttranslation\ttranslation_language\tweight\n"
    "resoconto\tit\trelatório\tpt\t0.9\n"
    "disdetta\tit\tcancelar\tpt\t0.8\n"
    "disdetta\tit\tотмена\tru\t0.7\n"
)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A published build of the corpus with the curated lexicon merged (``kb build --lexicon``)."""
    root = tmp_path_factory.mktemp("translation")
    lexicon = root / "curated.tsv"
    lexicon.write_text(CURATED, encoding="utf-8")
    corpus = ingest(write_corpus(root / "content"), jobs=1)
    release = root / "out" / "releases" / "one"
    write_index(release / "index", corpus, align(corpus.documents),
                BuildOptions(jobs=1, base_url="/docs/", lexicon=lexicon))
    (release / "site").mkdir()
    publish(root / "out", release)
    return root / "out"


def test_default_fallback_order_is_the_closest_languages_first() -> None:
    present = ["es-ES", "it-IT", "pt-BR", "ru-RU", "en-US", "de-DE"]
    assert locales.fallback_order("it-IT", present) == ("es-ES", "pt-BR", "en-US", "ru-RU", "de-DE")
    assert locales.fallback_order("ru-RU", present) == ("en-US", "es-ES", "it-IT", "pt-BR", "de-DE")
    assert locales.fallback_order("pt-BR", ["pt-PT", "es-ES", "ru-RU"]) == ("pt-PT", "es-ES", "ru-RU")


def test_a_topic_the_locale_lacks_is_a_fallback_result_in_the_closest_locale(out: Path) -> None:
    # The 21Vianet edition of "cancel" is in pt-BR and ru-RU only: Italian readers get Portuguese.
    hits = search(out / "index", "21Vianet", locale="it-IT").results
    assert [(h.locale, h.fallback) for h in hits] == [("pt-BR", True)]
    assert [t.locale for t in hits[0].translations] == ["ru-RU"]
    hits = search(out / "index", "21Vianet", locale="it-IT", fallback="ru-RU,pt-BR").results
    assert [(h.locale, h.fallback) for h in hits] == [("ru-RU", True)]
    assert search(out / "index", "21Vianet", locale="it-IT", fallback="none").total == 0
    assert [h.fallback for h in search(out / "index", "21Vianet", locale="pt-BR").results] == [False]
    assert [h.fallback for h in search(out / "index", "21Vianet").results] == [False]


def test_fallback_topics_rank_where_their_score_puts_them(out: Path) -> None:
    # Reports are in Portuguese only: asked for in Spanish they come in the order Portuguese gives them.
    spanish = search(out / "index", "relatório uso", locale="es-ES", limit=20).results
    portuguese = search(out / "index", "relatório uso", locale="pt-BR", limit=20).results
    assert [h.topic for h in spanish] == [h.topic for h in portuguese]
    assert [h.score for h in spanish] == [h.score for h in portuguese]
    assert all(h.fallback and h.locale == "pt-BR" for h in spanish)


def test_an_unknown_fallback_locale_is_refused_by_name(out: Path) -> None:
    with pytest.raises(InvalidParameter) as e:
        search(out / "index", "21Vianet", locale="it-IT", fallback="xx-XX")
    assert str(e.value) == ("unknown locale 'xx-XX' in 'fallback': use none or a comma-separated list of "
                            "es-ES, it-IT, pt-BR, ru-RU")


def test_an_italian_word_finds_the_portuguese_articles_through_the_lexicon(out: Path) -> None:
    result = search(out / "index", "resoconto", locale="it-IT", explain=True)
    assert result.total == 12 and {h.locale for h in result.results} == {"pt-BR"}
    assert all(h.fallback for h in result.results)
    assert result.expansions is not None
    assert [e["translation"] for e in result.expansions] == ["relatório"]
    assert result.results[0].explain == ({"word": "resoconto", "language": "it", "term": "resoconto",
                                          "translation": "relatório", "translation_language": "pt", "weight": 0.9,
                                          "locales": ["pt-BR"]},)
    assert search(out / "index", "resoconto").results[0].explain is None  # (only when asked)
    asked = search(out / "index", "«resoconto?»", locale="it-IT", explain=True)  # the word, not its marks
    assert [e["word"] for e in asked.results[0].explain or ()] == ["resoconto"]


def test_the_query_in_its_own_language_still_shows_its_own_document(out: Path) -> None:
    # "disdetta" is translated into pt and ru, but the Italian article has "annullare": the topic is
    # found through its Portuguese and Russian documents, and shown in Italian when asked in Italian.
    hits = search(out / "index", "disdetta abbonamento", locale="it-IT").results
    assert hits[0].topic == CANCEL and hits[0].locale == "it-IT" and not hits[0].fallback


def test_a_word_the_lexicon_lacks_is_searched_as_its_written_alike_cognates(out: Path) -> None:
    # "mensile" is in no lexicon: the Portuguese documents' "mensal" is one edit from its stem "mensil"
    # (weighed 0.5 x 5/6); "ricevono" has no term written alike there ("recebem"), so nothing.
    release = open_release(out / "index")
    expansions = expand(release, parse_query("resoconto mensile ricevono"))
    assert [(t.word, t.translation_language, t.translation, t.weight) for t in expansions.all()] == [
        ("resoconto", "pt", "relatori", 0.9), ("mensile", "pt", "mensal", 0.4167)]
    hits = search(out / "index", "resoconto mensile", locale="it-IT").results
    assert hits[0].topic.startswith("33333333-") and hits[0].fallback


def test_translations_count_toward_the_work_budget(out: Path) -> None:
    release = open_release(out / "index")
    clauses = parse_query("resoconto")
    expansions = expand(release, clauses)
    assert [t.translation for t in expansions.all()] == ["relatori"]
    with_them = estimate(release, clauses)
    without = estimate(release, clauses, type(expansions)())
    assert with_them.postings - without.postings == 12 * 3  # title, heading and body of twelve reports
    assert with_them.by_clause == {"'resoconto'": (0, 0, with_them.postings)}


def test_api_says_fallback_and_explains_on_request(out: Path) -> None:
    with TestClient(create_app(out, warm_seconds=0)) as client:
        plain = client.get("/api/search", params={"q": "21Vianet", "locale": "it-IT"}).json()
        assert plain == search(out / "index", "21Vianet", locale="it-IT").as_dict()
        assert plain["results"][0]["fallback"] is True and "explain" not in plain["results"][0]
        assert "expansions" not in plain
        explained = client.get("/api/search", params={"q": "resoconto", "locale": "it-IT", "explain": "true"}).json()
        assert explained == search(out / "index", "resoconto", locale="it-IT", explain=True).as_dict()
        assert explained["results"][0]["explain"][0]["translation"] == "relatório"
        bad = client.get("/api/search", params={"q": "x", "locale": "it-IT", "fallback": "xx"})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_parameter"


def test_cli_search_explain_and_json(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "resoconto", "--build", str(out), "--locale", "it-IT", "--explain", "--limit", "1"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "not available in it-IT" in text
    assert "translated: resoconto (it) → relatório (pt, 0.9) in pt-BR" in text
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert main(["search", "21Vianet", "--build", str(out), "--locale", "it-IT", "--json",
                     "--fallback", "ru-RU"]) == 0
    assert json.loads(buffer.getvalue())["results"][0]["locale"] == "ru-RU"


def test_kb_export_lexicon_writes_the_published_one(out: Path, tmp_path: Path) -> None:
    assert main(["export", "lexicon", "--build", str(out), "--out", str(tmp_path / "lex.tsv")]) == 0
    lines = (tmp_path / "lex.tsv").read_text(encoding="utf-8").splitlines()
    assert lines == ["term\tlanguage\ttranslation\ttranslation_language\tweight",
                     "disdetta\tit\tcancelar\tpt\t0.8", "resoconto\tit\trelatório\tpt\t0.9",
                     "disdetta\tit\tотмена\tru\t0.7"]
    assert main(["export", "lexicon", "--build", str(out), "--out", str(tmp_path / "lex.yaml")]) == 0
    assert "translation_language: pt" in (tmp_path / "lex.yaml").read_text(encoding="utf-8")


def test_kb_build_refuses_a_bad_lexicon_naming_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("resoconto\tit\trelatório\tpt\tlots\n", encoding="utf-8")
    content = write_corpus(tmp_path / "content")
    code = main(["build", "--content", str(content), "--build", str(tmp_path / "out"), "--lexicon", str(bad),
                 "--quiet", "--jobs", "1"])
    assert code == 2
    assert "bad.tsv, line 1: the weight 'lots' is not a number" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_session_rebuild_reuses_the_lexicon_until_enough_changed(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from kb.align.lexicon import Miner
    from kb.output.options import Session
    from kb.search.layout import LEXICON

    options = BuildOptions(jobs=1, session=Session())
    content = write_corpus(tmp_path / "content")
    corpus = ingest(content, jobs=1)
    write_index(tmp_path / "one", corpus, align(corpus.documents), options)
    path = content / "pt-br" / "cancel-subscription.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nMais uma linha.\n", encoding="utf-8")
    corpus = ingest(content, jobs=1)
    monkeypatch.setattr("kb.search.index.REMINE_SHARE", 0.1)  # (one topic of fifteen changed)
    monkeypatch.setattr(Miner, "add", lambda self, topic: pytest.fail("mined again for one changed file"))
    write_index(tmp_path / "two", corpus, align(corpus.documents), options)
    assert (tmp_path / "two" / LEXICON).read_bytes() == (tmp_path / "one" / LEXICON).read_bytes()
