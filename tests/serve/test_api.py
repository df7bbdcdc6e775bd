"""The interfaces over real processes: ``kb build``, ``kb search`` and ``kb serve`` (uvicorn on a free
127.0.0.1 port) queried over real HTTP with httpx, including every error case and the live swap to a
new build."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from search_corpus import BILLING, CANCEL, write_corpus
from servers import WAIT, serving

from kb.search.query import search

pytestmark = pytest.mark.slow  # real `kb build` and `kb serve` processes

ROOT = Path(__file__).resolve().parents[2]


def kb(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "kb", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"kb {args} exited {proc.returncode}: {proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("api")
    content = write_corpus(root / "content")
    (content / "broken.md").write_text("---\ntitle: [unclosed\n---\n# Broken\n", encoding="utf-8")
    out = root / "out"
    proc = kb("build", "--content", content, "--build", out, "--jobs", "1")
    assert "problem broken.md" in " ".join(proc.stdout.split())
    return out


@pytest.fixture(scope="module")
def api(built: Path) -> Iterator[str]:
    with serving(built) as base:
        yield base


def get(url: str, **params: object) -> httpx.Response:
    return httpx.get(url, params=params, timeout=30)  # type: ignore[arg-type]


# --- kb build and kb search -----------------------------------------------------------------------


def test_build_reports_problems_and_exits_0_unless_strict(tmp_path: Path, built: Path) -> None:
    assert (built / "index" / "catalog.pickle").is_file()
    assert (built / "current").is_symlink()
    content = write_corpus(tmp_path / "content")
    (content / "broken.md").write_text("---\ntitle: [unclosed\n---\n# Broken\n", encoding="utf-8")
    strict = kb("build", "--content", content, "--build", tmp_path / "out", "--jobs", "1", "--strict",
                check=False)
    assert strict.returncode == 1
    summary = " ".join(strict.stdout.split())
    assert "built 23 documents" in summary and "1 problems" in summary  # built without its front matter


def test_cli_search_json_is_the_library_result(built: Path) -> None:
    proc = kb("search", "cancelar assinatura", "--build", built, "--locale", "it-IT", "--limit", "3",
              "--json")
    data = json.loads(proc.stdout)
    assert data == search(built / "index", "cancelar assinatura", locale="it-IT", limit=3).as_dict()
    assert data["results"][0]["path"] == "it-it/cancel-subscription.md"


def test_cli_search_text(built: Path) -> None:
    proc = kb("search", "assinatrua", "--build", built)
    assert "0 topics for 'assinatrua'" in proc.stdout
    assert "did you mean: assinatura" in proc.stdout
    found = kb("search", "Azure", "--build", built, "--locale", "ru-RU")
    text = " ".join(found.stdout.split())
    assert "1 topics for 'Azure'" in text and "Выставление счетов Azure" in text and "also: es-ES" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--locale", "xx"], "unknown locale 'xx'"),
        (["--page", "9"], "page 9 is beyond the last page"),
    ],
)
def test_cli_search_errors(built: Path, args: list[str], message: str) -> None:
    proc = kb("search", "Azure", "--build", built, *args, check=False)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


# --- HTTP: search and the catalog -----------------------------------------------------------------


def test_health(api: str) -> None:
    data = get(api + "/api/health").json()
    assert data["status"] == "ok" and data["documents"] == 23  # broken.md, built without its front matter
    assert data["locales"] == ["es-ES", "it-IT", "pt-BR", "ru-RU"]


def test_search_over_http_is_the_library_call(api: str, built: Path) -> None:
    response = get(api + "/api/search", q="Azure", locale="pt-BR")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    data = response.json()
    assert data == search(built / "index", "Azure", locale="pt-BR").as_dict()
    assert list(data)[:4] == ["query", "total", "results", "suggestions"]
    hit = data["results"][0]
    assert hit["topic"] == BILLING and hit["locale"] == "pt-BR" and hit["url"] == "/pt-br/azure-billing/"
    assert "<mark>Azure</mark>" in hit["snippet"]
    assert {t["locale"] for t in hit["translations"]} == {"es-ES", "it-IT", "ru-RU"}


def test_search_cross_language_and_auto_over_http(api: str) -> None:
    data = get(api + "/api/search", q="отменить подписку", locale="auto").json()
    assert data["locale"] == "ru-RU" and data["results"][0]["path"] == "ru-ru/cancel-subscription.md"
    data = get(api + "/api/search", q="cancelar assinatura", locale="it-it").json()
    assert data["locale"] == "it-IT" and data["results"][0]["path"] == "it-it/cancel-subscription.md"


def test_dates_are_iso_8601_in_the_api(api: str) -> None:
    # written "ms.date: 03/01/2019" (month first, as Microsoft docs do): 1 March, parsed once at ingest
    doc = get(api + "/api/documents/pt-br/azure-billing").json()
    assert doc["translation"]["date"] == "2019-03-01"


def test_topics_topic_document(api: str) -> None:
    topics = get(api + "/api/topics").json()
    assert topics["total"] == len(topics["topics"])
    ids = {t["id"] for t in topics["topics"]}
    assert {CANCEL, BILLING} <= ids
    topic = get(api + f"/api/topics/{BILLING}").json()
    assert topic["locales"] == ["es-ES", "it-IT", "pt-BR", "ru-RU"]
    assert {d["url"] for d in topic["documents"]} == {f"/{loc}/azure-billing/" for loc in
                                                      ("es-es", "it-it", "pt-br", "ru-ru")}
    assert get(api + "/api/topics/azure-billing").json()["id"] == BILLING  # by slug too
    doc = get(api + "/api/documents/it-IT/azure-billing").json()
    assert doc["path"] == "it-it/azure-billing.md" and doc["topic"] == BILLING
    heading = doc["segments"][0]
    assert (heading["kind"], heading["level"], heading["alert"]) == ("heading", 1, None)
    assert heading["text"] == "Fatturazione di Azure nel programma CSP"
    assert {t["locale"] for t in doc["translations"]} == {"es-ES", "pt-BR", "ru-RU"}


def test_compare(api: str) -> None:
    data = get(api + f"/api/compare/{BILLING}", a="pt-BR", b="ru-RU").json()
    assert data["topic"] == BILLING
    assert set(data) >= {"topic", "a", "b", "pairs"}
    first = data["pairs"][0]
    assert first["a"]["path"] == "pt-br/azure-billing.md" and first["b"]["path"] == "ru-ru/azure-billing.md"
    assert set(first) == {"a", "b", "score"} and set(first["a"]) >= {"path", "segment", "text"}


def test_compare_is_kb_compare_json(api: str, built: Path) -> None:
    cli = kb("compare", BILLING, "--content", built.parent / "content", "--locales", "es-ES,it-IT", "--json")
    assert get(api + f"/api/compare/{BILLING}", a="es-ES", b="it-IT").json() == json.loads(cli.stdout)


def test_compare_names_an_edition_like_the_site(api: str) -> None:
    topics = get(api + "/api/topics").json()["topics"]
    # Wherever alignment puts the 21Vianet article, it can be compared with its global version.
    china = next(t for t in topics if any(d["path"] == "pt-br/Archive/China-cancel-subscription.md"
                                          for d in t["documents"]))
    sides = {"a": "pt-BR:21vianet", "b": "ru-ru-21vianet"}
    data = get(api + f"/api/compare/{china['id']}", **sides).json()
    assert data["a"]["path"] == "pt-br/Archive/China-cancel-subscription.md"
    assert data["b"]["path"] == "ru-ru/Archive/China-cancel-subscription.md"


def test_openapi_describes_the_api(api: str) -> None:
    spec = get(api + "/openapi.json").json()
    assert {"/api/search", "/api/topics", "/api/topics/{topic_id}", "/api/documents/{locale}/{slug}",
            "/api/compare/{topic_id}", "/api/health"} == set(spec["paths"])
    params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert params == {"q", "locale", "edition", "limit", "page", "fallback", "explain"}


# --- HTTP: every error case -----------------------------------------------------------------------


S, CMP = "/api/search", f"/api/compare/{BILLING}"
BAD, MISSING, SYNTAX = (400, "invalid_parameter"), (404, "not_found"), (422, "invalid_query")


@pytest.mark.parametrize(
    ("path", "params", "expected", "message"),
    [
        (S, {}, BAD, "the query 'q' is missing"),
        (S, {"q": ""}, BAD, "the query 'q' is missing"),
        (S, {"q": "x" * 1001}, BAD, "1,001 characters long; the limit is 1,000"),
        (S, {"q": "azure", "locale": "fr-FR"}, BAD, "unknown locale 'fr-FR'"),
        (S, {"q": "azure", "edition": "moon"}, BAD, "unknown edition 'moon'"),
        (S, {"q": "azure", "limit": "abc"}, BAD, "'limit': Input should be"),
        (S, {"q": "azure", "page": "1.5"}, BAD, "'page': Input should be"),
        (S, {"q": "azure", "limit": 0}, BAD, "'limit' must be between 1 and 100"),
        (S, {"q": "azure", "limit": 10**6}, BAD, "'limit' must be between"),
        (S, {"q": "azure", "page": -1}, BAD, "'page' must be between 1 and"),
        (S, {"q": "azure", "page": 99}, MISSING, "page 99 is beyond the last page (1)"),
        (S, {"q": '"azure'}, SYNTAX, "the quote at character 1 is not closed"),
        (S, {"q": "*zure"}, SYNTAX, "leading wildcards are not supported"),
        (S, {"q": "a*"}, SYNTAX, "at least 2 letters before *"),
        (S, {"q": "title: azure"}, SYNTAX, "must be followed by a word"),
        (S, {"q": "-azure"}, SYNTAX, "only excludes words"),
        ("/api/topics/nope", {}, MISSING, "no topic 'nope'"),
        ("/api/documents/pt-br/nope", {}, MISSING, "no document 'nope' in locale 'pt-br'"),
        ("/api/documents/zz/azure-billing", {}, MISSING, "no document 'azure-billing'"),
        (CMP, {"a": "pt-BR"}, BAD, "'b' is missing"),
        (CMP, {"a": "pt-BR", "b": "fr-FR"}, MISSING, "no locale 'fr-FR'"),
        (CMP, {"a": "pt-BR", "b": "ru-RU:21vianet"}, MISSING, "edition '21vianet'"),
        ("/api/compare/nope", {"a": "pt-BR", "b": "ru-RU"}, MISSING, "no topic 'nope'"),
        ("/api/nothing/here", {}, MISSING, "no API route '/api/nothing/here'"),
    ],
)
def test_errors_over_http(api: str, path: str, params: dict[str, object], expected: tuple[int, str],
                          message: str) -> None:
    status, code = expected
    response = get(api + path, **params)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert message in body["error"]["message"]
    assert "Traceback" not in response.text


def test_wrong_method_is_a_json_error(api: str) -> None:
    response = httpx.post(api + "/api/search", timeout=10)
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_no_build_yet_is_503_then_served(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with serving(out) as base:
        response = get(base + "/api/search", q="azure")
        assert response.status_code == 503 and response.json()["error"]["code"] == "index_missing"
        kb("build", "--content", write_corpus(tmp_path / "content"), "--build", out, "--jobs", "1")
        assert get(base + "/api/search", q="azure").json()["total"] == 1


# --- HTTP: the static site ------------------------------------------------------------------------


def test_static_site(api: str, built: Path) -> None:
    site = (built / "site").resolve()
    site.mkdir(exist_ok=True)
    (site / "kbtest").mkdir(exist_ok=True)
    (site / "kbtest" / "index.html").write_text("<p>folder page</p>", encoding="utf-8")
    (site / "kbtest" / "style.css").write_text("p{}", encoding="utf-8")
    assert get(api + "/kbtest/").text == "<p>folder page</p>"
    assert get(api + "/kbtest/style.css").headers["content-type"].startswith("text/css")
    redirect = httpx.get(api + "/kbtest", timeout=10)
    assert redirect.status_code == 308 and redirect.headers["location"] == "/kbtest/"
    missing = get(api + "/kbtest/missing/")
    assert missing.status_code == 404
    if (site / "404.html").is_file():
        assert missing.text == (site / "404.html").read_text(encoding="utf-8")
    escape = httpx.get(api + "/kbtest/%2e%2e/%2e%2e/%2e%2e/etc/passwd", timeout=10)
    assert escape.status_code == 404 and "root:" not in escape.text


# --- the live swap --------------------------------------------------------------------------------


def test_new_build_is_served_without_restart_and_old_until_the_swap(tmp_path: Path) -> None:
    content = write_corpus(tmp_path / "content")
    out = tmp_path / "out"
    kb("build", "--content", content, "--build", out, "--jobs", "1")
    (content / "pt-br" / "quokka.md").write_text(
        '---\ntitle: "Quokka | Partner Center"\n---\n# Quokka\n\nO quokka é um marsupial.\n',
        encoding="utf-8")
    with serving(out) as base:
        first = get(base + "/api/health").json()["release"]
        assert get(base + "/api/search", q="quokka").json()["total"] == 0
        seen: list[tuple[int, int]] = []
        stop = threading.Event()

        def poll() -> None:
            while not stop.is_set():
                r = get(base + "/api/search", q="quokka")
                seen.append((r.status_code, r.json().get("total", -1)))
                time.sleep(0.05)

        poller = threading.Thread(target=poll)
        poller.start()
        try:
            kb("build", "--content", content, "--build", out, "--jobs", "1")
            deadline = time.monotonic() + WAIT
            while not (seen and seen[-1][1] == 1):  # until the poller has been answered from the new release
                assert time.monotonic() < deadline and poller.is_alive(), f"never served the new release: {seen[-3:]}"
                time.sleep(0.05)
        finally:
            stop.set()
            poller.join()
        assert get(base + "/api/health").json()["release"] != first
        assert get(base + "/api/search", q="quokka").json()["results"][0]["path"] == "pt-br/quokka.md"
    statuses = {status for status, _ in seen}
    totals = [total for _, total in seen]
    assert statuses == {200}  # never an error while the build ran and swapped
    assert totals == sorted(totals) and totals[0] == 0 and totals[-1] == 1  # old until the swap, then new


def test_killed_build_leaves_the_served_index_intact(tmp_path: Path) -> None:
    content = write_corpus(tmp_path / "content")
    out = tmp_path / "out"
    kb("build", "--content", content, "--build", out, "--jobs", "1")
    live = os.readlink(out / "current")
    (content / "pt-br" / "quokka.md").write_text("---\ntitle: Quokka\n---\n# Quokka\n\nquokka\n",
                                                 encoding="utf-8")
    with serving(out) as base:
        before = get(base + "/api/search", q="Azure").json()
        build = subprocess.Popen([sys.executable, "-m", "kb", "build", "--content", str(content), "--build",
                                  str(out), "--jobs", "1"], cwd=ROOT, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        # Kill it while it writes the new release (its folder exists, current is not swapped yet).
        deadline = time.monotonic() + 60
        while not [r for r in (out / "releases").iterdir() if r.name != Path(live).name]:
            assert time.monotonic() < deadline and build.poll() is None
            time.sleep(0.005)
        build.kill()
        build.wait()
        assert os.readlink(out / "current") == live
        assert get(base + "/api/search", q="Azure").json() == before
        assert get(base + "/api/search", q="quokka").json()["total"] == 0
