"""The API's limits over real HTTP against a real `kb serve` of the seeds: query size, page size, request
URL and body size, the search timeout (``KB_SEARCH_TIMEOUT``), each answered with the JSON error shape
and a message naming what is over; and the build lock's message as a `kb build` user sees it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from locks import holding, release

from kb.serve.api import MAX_BODY_BYTES, MAX_URL_BYTES
from tests.conftest import CONTENT

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from browser_support import free_port, kb, kb_build, serve_command  # noqa: E402

pytestmark = pytest.mark.slow  # a real `kb serve` process, and a search that must time out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("limits") / "out"
    kb_build(CONTENT, out)
    return out


def serving(out: Path, **env: str) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = kb("serve", "--build", str(out), "--port", str(port))
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # Popen in serve_command inherits it
    try:
        for _ in serve_command(cmd, url + "/api/health"):
            yield url
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="module")
def api(built: Path) -> Iterator[str]:
    yield from serving(built)


def error(resp: httpx.Response) -> tuple[int, str, str]:
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert resp.headers["content-type"] == "application/json"
    return resp.status_code, body["error"]["code"], body["error"]["message"]


BAD = "invalid_parameter"


@pytest.mark.parametrize(
    ("params", "status", "code", "message"),
    [
        ({"q": "x" * 1001}, 400, BAD,
         "the query 'q' is 1,001 characters long; the limit is 1,000"),
        ({"q": "ж" * 1001}, 400, BAD,  # 6 bytes a letter encoded: still within the URL limit
         "the query 'q' is 1,001 characters long; the limit is 1,000"),
        ({"q": "azure", "limit": 101}, 400, BAD, "'limit' must be between 1 and 100, not 101"),
        ({"q": "azure", "limit": 0}, 400, BAD, "'limit' must be between 1 and 100, not 0"),
        ({"q": "azure", "page": 1001}, 400, BAD, "'page' must be between 1 and 1000, not 1001"),
        ({"q": " ".join(f"w{i}" for i in range(33))}, 422, "invalid_query",
         "the query has 33 words and phrases; the limit is 32"),
    ],
)
def test_query_and_page_size(api: str, params: dict[str, Any], status: int, code: str,
                             message: str) -> None:
    assert error(httpx.get(api + "/api/search", params=params, timeout=30)) == (status, code, message)


def test_the_largest_allowed_query_is_answered(api: str) -> None:
    resp = httpx.get(api + "/api/search", params={"q": "canais " + "ж" * 993}, timeout=30)
    assert resp.status_code == 200, resp.text
    assert len(str(resp.request.url)) > 6000  # percent-encoded Cyrillic, within MAX_URL_BYTES


@pytest.mark.parametrize("path", ["/api/search?q=", "/api/topics/", "/pt-br/"])
def test_a_url_over_the_limit_is_414(api: str, path: str) -> None:
    resp = httpx.get(api + path + "a" * MAX_URL_BYTES, timeout=30)
    status, code, message = error(resp)
    assert (status, code) == (414, "url_too_long")
    assert message == f"the request URL is {len(path) + MAX_URL_BYTES:,} bytes; the limit is 8,192"


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_a_body_over_the_limit_is_413(api: str, method: str) -> None:
    resp = httpx.request(method, api + "/api/search", content=b"x" * (MAX_BODY_BYTES + 1), timeout=30)
    message = "the request body is 65,537 bytes; the limit is 65,536 bytes"
    assert error(resp) == (413, "body_too_large", message)


def test_a_streamed_body_over_the_limit_is_413(api: str) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b"x" * 1024

    resp = httpx.post(api + "/api/search", content=chunks(), timeout=30)
    assert resp.request.headers["transfer-encoding"] == "chunked"
    assert error(resp) == (413, "body_too_large",
                           "the streamed request body is over the limit of 65,536 bytes")


def test_a_small_body_is_not_a_limit_error(api: str) -> None:
    resp = httpx.post(api + "/api/search", content=b"{}", timeout=30)
    assert error(resp)[:2] == (405, "method_not_allowed")


def test_a_search_over_the_timeout_is_503(built: Path) -> None:
    # A timeout of 0 s: no search finishes in time, so every one is refused, deterministically.
    for url in serving(built, KB_SEARCH_TIMEOUT="0"):
        resp = httpx.get(url + "/api/search", params={"q": "canais"}, timeout=30)
        assert error(resp) == (503, "search_timeout",
                               "the search took longer than the 0 s timeout; try fewer words or no prefix* "
                               "(the server may be busy)")
        assert httpx.get(url + "/api/health", timeout=30).status_code == 200  # the rest is answered
        assert httpx.get(url + "/api/topics", timeout=30).status_code == 200


def test_a_concurrent_kb_build_names_who_holds_the_lock(tmp_path: Path) -> None:
    out = tmp_path / "out"
    holder = holding(out)
    try:
        run = subprocess.run(kb("build", "--content", str(CONTENT), "--build", str(out), "--quiet"),
                             capture_output=True, text=True, timeout=120)
    finally:
        release(holder)
    assert run.returncode == 2
    assert run.stderr.startswith(f"kb build: another build is running on '{out}' (pid {holder.pid}, started ")
    assert run.stderr.rstrip().endswith("wait for it to finish")
    assert "Traceback" not in run.stderr
