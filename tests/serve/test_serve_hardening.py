"""``kb serve`` against hostile URLs and slow clients, and what every response carries (issue 20,
items 2, 3 and 5): each case over real sockets against a real ``kb serve`` of the project's own
``content/``, started as a subprocess on a free 127.0.0.1 port.

Raw sockets where a client library would tidy the request up (``//host`` paths, raw UTF-8, bytes h11
refuses, slowloris); httpx elsewhere."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup
from servers import answers, free_port, kb, wait_until

from kb.serve.security import CONTENT_SECURITY_POLICY, META_POLICY

pytestmark = pytest.mark.slow  # a real `kb serve` process, and the timeouts it waits out

ROOT = Path(__file__).resolve().parents[2]
READ_TIMEOUT = 2.0
"""The server's --read-timeout here: short, so that the slowloris test stays short."""


@dataclass
class Server:
    url: str
    port: int
    out: Path
    log: Path
    """Its standard error (uvicorn's and kb's messages): tracebacks would land here."""
    access: Path
    """Its --access-log."""


@dataclass
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hardening") / "out"
    cmd = kb("build", "--content", str(ROOT / "content"), "--build", str(out), "--quiet", "--jobs", "1")
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def server(built: Path) -> Iterator[Server]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log, access = built.parent / "serve.log", built.parent / "access.log"
    cmd = kb("serve", "--build", str(built), "--port", str(port), "--access-log", str(access),
             "--read-timeout", str(READ_TIMEOUT), "--keep-alive", "2")
    with log.open("w") as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err, text=True)
        try:
            wait_until(answers(url + "/api/health", (200,)), proc, "kb serve", "answer")
            yield Server(url, port, built, log, access)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    assert "Traceback" not in log.read_text(encoding="utf-8"), log.read_text(encoding="utf-8")[-3000:]


@dataclass
class Unbuilt:
    url: str
    out: Path
    stdout: list[str]
    """The lines it printed so far (read by a thread, so that a test can wait for one with a bound)."""


@pytest.fixture(scope="module")
def unbuilt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Unbuilt]:
    """``kb serve`` of a build folder nothing was published to yet, logging to standard output."""
    out = tmp_path_factory.mktemp("unbuilt") / "out"
    out.mkdir()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = kb("serve", "--build", str(out), "--port", str(port), "--access-log", "-")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: list[str] = []
    stdout = proc.stdout
    assert stdout is not None
    threading.Thread(target=lambda: lines.extend(iter(stdout.readline, "")), daemon=True).start()
    try:
        wait_until(answers(url + "/api/health", (503,)), proc, "kb serve", "answer")
        yield Unbuilt(url, out, lines)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def raw(port: int, request: bytes, timeout: float = 30) -> Reply:
    """Send ``request`` as given over a socket; the reply of a ``Connection: close`` exchange."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return Reply(int(lines[0].split()[1]), headers, body)


def get_raw(port: int, target: bytes, method: bytes = b"GET") -> Reply:
    return raw(port, method + b" " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")


def assert_stays_on_site(location: str) -> None:
    parts = urlsplit(location)
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert not parts.scheme and not parts.netloc and "\\" not in location, location


def assert_json_error(reply: Reply | httpx.Response, status: int, code: str | None = None) -> str:
    body = reply.body if isinstance(reply, Reply) else reply.content
    status_code = reply.status if isinstance(reply, Reply) else reply.status_code
    assert status_code == status, body[:500]
    assert reply.headers["content-type"] == "application/json"
    error = json.loads(body)["error"]
    assert set(error) == {"code", "message"}
    if code is not None:
        assert error["code"] == code
    return str(error["message"])


# --- 2. URLs ---------------------------------------------------------------------------------------


def hostile_targets(out: Path) -> list[bytes]:
    """Request targets that try to make the folder redirect point at another host."""
    site = str((out / "site").resolve())
    return [t.encode() for t in (
        f"//evil.example/%2e%2e{site}/pt-br",  # the issue's: 308 to //evil.example/… before
        f"//evil.example/%2e%2e/{site}/pt-br",
        f"/%2fevil.example/%2e%2e{site}/pt-br",
        f"///evil.example/..{site}/pt-br",
        f"/\\evil.example/%2e%2e{site}/pt-br",
        f"/%5cevil.example/%2e%2e{site}/pt-br",
        f"/pt-br/..{site}/pt-br",
        f"/.{site}/pt-br",
        "//evil.example/pt-br",
        "/http://evil.example/pt-br",
        "/https:%2f%2fevil.example/pt-br",
    )]


def test_no_redirect_leaves_the_site(server: Server) -> None:
    for target in hostile_targets(server.out):
        reply = get_raw(server.port, target)
        assert reply.status in (308, 404), (target, reply.status)
        if "location" in reply.headers:
            assert_stays_on_site(reply.headers["location"])
        else:
            assert reply.body == (server.out / "site" / "404.html").read_bytes()


def test_a_folder_without_its_slash_is_redirected_within_the_site(server: Server) -> None:
    reply = get_raw(server.port, b"/pt-br")
    assert (reply.status, reply.headers["location"]) == (308, "/pt-br/")
    assert get_raw(server.port, b"/pt-br/multichannel-support").headers["location"] == "/pt-br/multichannel-support/"


@pytest.mark.parametrize("target", [b"/%00", b"/pt-br/%00/", b"/%00.html", b"/%ff", b"/pt-br/%c0%af",
                                    b"/%01", b"/pt-br%7f/", b"/%ed%a0%80"])
def test_invalid_bytes_in_a_site_path_are_the_404_page(server: Server, target: bytes) -> None:
    reply = get_raw(server.port, target)
    assert reply.status == 404
    assert reply.headers["content-type"].startswith("text/html")
    assert reply.body == (server.out / "site" / "404.html").read_bytes()


@pytest.mark.parametrize("target", [b"/api/%00", b"/api/topics/%00", b"/api/documents/pt-br/%ff",
                                    b"/api/compare/x%0a", b"/api/search%00?q=x"])
def test_invalid_bytes_in_an_api_path_are_a_json_400(server: Server, target: bytes) -> None:
    message = assert_json_error(get_raw(server.port, target), 400, "invalid_path")
    assert message.startswith("the request path ")


def test_raw_utf8_in_the_query_string_is_searched(server: Server) -> None:
    # What `curl 'http://…/api/search?q=подписка'` sends: the Cyrillic as raw bytes, not %-encoded.
    reply = get_raw(server.port, "/api/search?q=подписка&locale=auto".encode())
    assert reply.status == 200 and reply.headers["content-type"] == "application/json"
    data = json.loads(reply.body)
    assert data["query"] == "подписка" and data["locale"] == "ru-RU"
    assert data["results"] and data["results"][0]["locale"] == "ru-RU"
    encoded = httpx.get(server.url + "/api/search", params={"q": "подписка", "locale": "auto"}, timeout=30)
    assert encoded.json() == data


def test_raw_utf8_in_a_path_reaches_the_app(server: Server) -> None:
    reply = get_raw(server.port, "/api/topics/подписка".encode())
    assert "'подписка'" in assert_json_error(reply, 404, "not_found")
    assert get_raw(server.port, "/ru-ru/подписка/".encode()).status == 404


@pytest.mark.parametrize("target", [b"/api/search?q=\xff\xfe", b"/api/search?q=\xc0\xaf", b"/api/search?q=%ff"])
def test_invalid_utf8_in_the_query_string_is_answered_in_json(server: Server, target: bytes) -> None:
    reply = get_raw(server.port, target)
    assert reply.status in (200, 400, 422) and reply.headers["content-type"] == "application/json"


def example_targets(client: httpx.Client) -> dict[str, str]:
    """A real request target of every route of /openapi.json, and of the other GET routes."""
    topic = client.get("/api/topics").json()["topics"][0]
    doc = topic["documents"][0]
    return {
        "/api/health": "/api/health",
        "/api/search": "/api/search?q=assinatura",
        "/api/topics": "/api/topics",
        "/api/topics/{topic_id}": f"/api/topics/{topic['id']}",
        "/api/documents/{locale}/{slug}": f"/api/documents/{doc['locale'].lower()}/{doc['slug']}",
        "/api/compare/{topic_id}": f"/api/compare/{topic['id']}?a=pt-BR&b=ru-RU",
        "openapi": "/openapi.json",
        "docs": "/api/docs",
        "docs script": "/api/docs/swagger-ui-bundle.js",
        "docs style": "/api/docs/swagger-ui.css",
        "docs start": "/api/docs/start.js",
        "home": "/",
        "locale home": "/pt-br/",
        "document": doc["url"],
        "search page": "/search/",
        "robots": "/robots.txt",
        "redirect": "/pt-br",
        "missing page": "/no-such-page/",
        "api error": "/api/search?q=*canais",
        "api 404": "/api/topics/no-such-topic",
    }


def test_head_answers_every_get_route_as_get_without_the_body(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        targets = example_targets(client)
        documented = set(client.get("/openapi.json").json()["paths"])
        assert documented <= set(targets), documented - set(targets)
        for name, target in targets.items():
            got, head = client.get(target), client.head(target)
            assert head.status_code == got.status_code, (name, head.status_code, got.status_code)
            assert head.content == b"", name
            assert head.headers.get("content-type") == got.headers.get("content-type"), name
            if "content-length" in got.headers and got.status_code == 200:
                assert head.headers["content-length"] == got.headers["content-length"], name
    assert got.status_code == 404  # (the last: a real error answered to HEAD as well)


@pytest.mark.parametrize("method", [b"POST", b"PUT", b"DELETE", b"PATCH", b"OPTIONS"])
@pytest.mark.parametrize("target", [b"/api/search?q=x", b"/api/health", b"/openapi.json", b"/api/docs", b"/pt-br/"])
def test_405_says_what_is_allowed(server: Server, method: bytes, target: bytes) -> None:
    reply = get_raw(server.port, target, method)
    assert_json_error(reply, 405, "method_not_allowed")
    assert reply.headers["allow"] == "GET, HEAD"


def test_no_message_holds_an_absolute_server_path(unbuilt: Unbuilt) -> None:
    url, out = unbuilt.url, unbuilt.out
    for target in ("/api/health", "/api/search?q=x", "/api/topics", "/api/topics/x", "/api/documents/pt-br/x"):
        message = assert_json_error(httpx.get(url + target, timeout=30), 503, "index_missing")
        assert "/tmp" not in message and str(out) not in message and str(out.resolve()) not in message, message
        assert "'OUT/index'" in message  # the file still named, as the docs name the build folder


def test_error_messages_of_a_served_build_hold_no_server_path(server: Server) -> None:
    targets = ["/api/search?q=*x", "/api/search?limit=0&q=x", "/api/topics/x", "/api/compare/x",
               "/api/documents/xx/y", "/api/nothing", "/api/%00"]
    paths = {str(server.out), str(server.out.resolve()), str(ROOT)}
    for target in targets:
        reply = httpx.get(server.url + target, timeout=30)
        assert not any(p in reply.text for p in paths), (target, reply.text)


# --- 3. Headers -----------------------------------------------------------------------------------


def assert_security_headers(headers: httpx.Headers | dict[str, str], what: str) -> None:
    csp = headers.get("content-security-policy", "")
    assert csp == CONTENT_SECURITY_POLICY, what
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    sources = {t for value in directives.values() for t in value.split()}
    assert directives["default-src"] == "'self'" and not sources & {"'unsafe-inline'", "'unsafe-eval'"}
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"  # Pagefind's WebAssembly, no JS eval
    assert directives["frame-ancestors"] == "'none'"
    assert headers.get("x-content-type-options") == "nosniff", what
    assert headers.get("referrer-policy") == "same-origin", what
    assert headers.get("x-frame-options") == "DENY", what


def test_every_response_carries_the_security_headers(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        responses = {name: client.get(target) for name, target in example_targets(client).items()}
        responses["HEAD"] = client.head("/api/search?q=x")
        responses["400"] = client.get("/api/search", params={"q": "x", "limit": "abc"})
        responses["405"] = client.post("/api/search")
        responses["413"] = client.post("/api/search", content=b"x" * 70_000)
        responses["414"] = client.get("/api/search?q=" + "a" * 9000)
    assert {r.status_code for r in responses.values()} >= {200, 308, 400, 404, 405, 413, 414, 422}
    for name, response in responses.items():
        assert_security_headers(response.headers, name)
    bad_path = get_raw(server.port, b"/%00")
    not_http = raw(server.port, b"NOT HTTP AT ALL\r\n\r\n")
    assert_json_error(not_http, 400, "bad_request")
    huge_head = raw(server.port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000)  # never ends
    assert_json_error(huge_head, 431, "bad_request")
    for name, reply in {"NUL": bad_path, "not HTTP": not_http, "huge head": huge_head}.items():
        assert_security_headers(reply.headers, name)


def test_a_503_and_the_site_before_a_build_carry_them_too(unbuilt: Unbuilt) -> None:
    for target in ("/api/health", "/", "/api/docs"):
        assert_security_headers(httpx.get(unbuilt.url + target, timeout=30).headers, target)


def test_static_pages_state_the_policy_in_a_meta_and_have_no_inline_script_or_style(built: Path) -> None:
    pages = sorted((built / "site").rglob("*.html"))
    assert len(pages) > 10
    assert CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", "") == META_POLICY
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        metas = soup.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert [m["content"] for m in metas] == [META_POLICY], page
        assert soup.head is not None and soup.head.find("meta") is soup.head.find("meta", charset=True)
        for script in soup.find_all("script"):  # data blocks (type=application/json) are not run
            assert script.get("src") or script.get("type") == "application/json", (page, script)
        assert not soup.find_all("style"), page
        for tag in soup.find_all(True):
            handlers = [a for a in tag.attrs if a == "style" or a.lower().startswith("on")]
            assert not handlers, (page, tag.name, handlers)
            for attr in ("href", "src", "action"):
                assert not str(tag.get(attr, "")).lower().startswith("javascript:"), (page, tag)


def test_api_docs_are_served_from_installed_files(server: Server) -> None:
    page = httpx.get(server.url + "/api/docs", timeout=30)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    soup = BeautifulSoup(page.text, "html.parser")
    urls = [t.get("src") or t.get("href") for t in soup.find_all(["script", "link"])]
    assert urls and all(u.startswith("/api/docs/") for u in urls), urls  # no CDN, nothing off the host
    assert not re.search(r"https?://", page.text)
    for script in soup.find_all("script"):
        assert script.get("src") and not script.string, script  # nothing inline: the CSP would block it
    sizes = {u: httpx.get(server.url + u, timeout=30) for u in urls}
    assert all(r.status_code == 200 for r in sizes.values())
    assert len(sizes["/api/docs/swagger-ui-bundle.js"].content) > 500_000  # the real Swagger UI
    assert sizes["/api/docs/swagger-ui.css"].headers["content-type"].startswith("text/css")
    assert httpx.get(server.url + "/api/docs/../../etc/passwd", timeout=30).status_code == 404
    assert_json_error(httpx.get(server.url + "/api/docs/redoc.standalone.js", timeout=30), 404, "not_found")


# --- 5. Operations --------------------------------------------------------------------------------


def access_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_access_log_has_one_json_line_per_request(server: Server) -> None:
    marker = f"/api/topics/access-{time.monotonic_ns()}"
    got = httpx.get(server.url + marker, timeout=30)
    head = httpx.head(server.url + "/pt-br/", timeout=30)
    page = httpx.get(server.url + "/pt-br/", timeout=30)
    bad = get_raw(server.port, marker.encode() + b"%00")
    expected = {
        ("GET", marker, 404, len(got.content)),
        ("HEAD", "/pt-br/", 200, 0),
        ("GET", "/pt-br/", 200, len(page.content)),
        ("GET", marker + "%00", 400, len(bad.body)),
    }
    # A line is written once its response is sent, so the lines need not be in the order of the requests.
    deadline = time.monotonic() + 10
    while True:
        lines = access_lines(server.access)
        if expected <= {(r["method"], r["path"], r["status"], r["bytes"]) for r in lines[-4:]}:
            break
        assert time.monotonic() < deadline, lines[-4:]
        time.sleep(0.1)
    for record in lines:
        assert set(record) == {"time", "method", "path", "status", "ms", "bytes"}
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", str(record["time"]))
        assert isinstance(record["ms"], float | int) and record["ms"] >= 0
    assert head.status_code == 200 and len(bad.body) > 0


def test_the_access_log_can_go_to_standard_output(unbuilt: Unbuilt) -> None:
    marker = f"/api/topics/stdout-{time.monotonic_ns()}"
    httpx.get(unbuilt.url + marker + "?q=secret", timeout=30)
    deadline = time.monotonic() + 10
    while not any(marker in line for line in unbuilt.stdout) and time.monotonic() < deadline:
        time.sleep(0.1)
    records = [json.loads(line) for line in unbuilt.stdout]  # every line is JSON, nothing else
    assert [(r["method"], r["status"]) for r in records if r["path"] == marker] == [("GET", 503)]
    assert not any("secret" in line for line in unbuilt.stdout)  # the query string is not logged


SLOW_CLIENTS = 40
ATTACK_SECONDS = 12.0  # every connection of the attack gives up after this, closed or not


async def slow_client(port: int, kind: str, started: float) -> float:
    """A slowloris connection: sends nothing, or the start of a request then a header line every
    0.3 s, never the blank line that ends the head; the seconds until the server closed it (inf if
    it did not within ATTACK_SECONDS)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    opened = time.monotonic()
    try:
        if kind != "silent":
            writer.write(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        n = 0
        while time.monotonic() - started < ATTACK_SECONDS:
            try:
                if await asyncio.wait_for(reader.read(65536), 0.3) == b"":
                    return time.monotonic() - opened
            except TimeoutError:
                pass
            if kind == "trickle":
                writer.write(b"X-Slow-%d: 1\r\n" % n)
                n += 1
                await writer.drain()
        return float("inf")
    except (ConnectionResetError, BrokenPipeError):
        return time.monotonic() - opened
    finally:
        writer.close()


async def slowloris(port: int, url: str) -> tuple[list[float], list[int]]:
    started = time.monotonic()
    kinds = ["silent", "partial", "trickle", "trickle"]
    attack = [asyncio.create_task(slow_client(port, kinds[i % 4], started)) for i in range(SLOW_CLIENTS)]
    statuses = []
    async with httpx.AsyncClient(timeout=10) as client:
        while not all(t.done() for t in attack) and time.monotonic() - started < ATTACK_SECONDS + 5:
            statuses.append((await client.get(url + "/api/health")).status_code)
            await asyncio.sleep(0.5)
    return list(await asyncio.gather(*attack)), statuses


def test_slow_clients_are_closed_after_the_read_timeout(server: Server) -> None:
    # Bounded: 40 connections on loopback for at most ~12 s, while an ordinary client keeps asking.
    # In a thread of its own: after the browser tests, the session's Playwright runs an event loop in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        closed_after, statuses = pool.submit(asyncio.run, slowloris(server.port, server.url)).result()
    assert max(closed_after) < READ_TIMEOUT + 6, closed_after  # (slack for a loaded 2-core machine)
    assert min(closed_after) >= READ_TIMEOUT - 0.5, closed_after  # the timeout, not an early refusal
    assert statuses and set(statuses) == {200}


def test_a_slow_client_is_told_408_in_json(server: Server) -> None:
    t0 = time.monotonic()
    reply = raw(server.port, b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n", timeout=READ_TIMEOUT + 20)
    assert READ_TIMEOUT - 0.5 <= time.monotonic() - t0 < READ_TIMEOUT + 10
    assert_json_error(reply, 408, "request_timeout")
    assert_security_headers(reply.headers, "408")


def test_an_idle_connection_is_closed_after_the_keep_alive(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as s:
        s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        t0, data = time.monotonic(), b""
        while chunk := s.recv(65536):
            data += chunk
        assert data.startswith(b"HTTP/1.1 200") and time.monotonic() - t0 < 2 + 8  # --keep-alive 2


def test_sigterm_stops_the_server_as_cleanly_as_ctrl_c(built: Path, tmp_path: Path) -> None:
    """What systemd or docker send: uvicorn's graceful shutdown, then the process's own (the search
    workers' semaphores released, the access log closed), with the status a shell reports for SIGTERM."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    access = tmp_path / "access.log"
    cmd = kb("serve", "--build", str(built), "--port", str(port), "--access-log", str(access))
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(answers(url + "/api/health", (200,)), proc, "kb serve", "answer")
        assert httpx.get(url + "/api/search", params={"q": "senha"}, timeout=30).status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 143
        # (read to its end: closed once the server and every process it started, the search workers'
        # resource tracker too, have exited: what they print on the way out is in it)
        err = proc.stderr.read() if proc.stderr else ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert err.splitlines() == [f"kb serve: {built} on {url}/ (API at /api, description at /openapi.json)"]
    assert [(r["path"], r["status"]) for r in access_lines(access)][-1:] == [("/api/search", 200)]
