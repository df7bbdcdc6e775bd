""""Did you mean" prefers the query's language (the locale asked for, else the detected one), on a real
index of Partner Center articles in four locales (tests/e2e/search_site)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.build.pipeline import build
from kb.output.options import BuildOptions
from kb.search.query import search

SITE = Path(__file__).resolve().parents[1] / "e2e" / "search_site" / "content"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("suggest") / "out"
    build(SITE, out, BuildOptions(jobs=1))
    return out / "index"


def test_the_locale_asked_for_gets_its_own_words_first(index: Path) -> None:
    # "usario": Italian "usare" and Spanish/Portuguese "usuario" are both two edits or fewer away.
    assert search(index, "usario", locale="it-IT").suggestions[0] == "usare"
    assert search(index, "usario", locale="es-ES").suggestions[0] == "usuario"
