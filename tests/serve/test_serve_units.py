"""The parts of ``kb serve`` below the routes, one at a time: the static site's path rules
(kb.serve.static), the request-line repair and raw error responses (kb.serve.protocol), the access
log file (kb.serve.accesslog), the docs' installed assets (kb.serve.docs), the watcher's snapshot and
the check of where to listen (kb.serve.server). The whole server is tested live in
tests/serve/test_serve_hardening.py."""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import ROOT, free_port, kb

from kb.errors import InvalidParameter, NotFound
from kb.serve.accesslog import AccessLogFile
from kb.serve.docs import asset_path
from kb.serve.protocol import error_bytes, percent_encode_request_line
from kb.serve.server import check_listenable, listen_url, snapshot
from kb.serve.static import local_url, segments, site_response


@pytest.mark.parametrize(
    ("path", "parts"),
    [
        ("", []),
        ("pt-br/", ["pt-br"]),
        ("pt-br/multichannel/index.html", ["pt-br", "multichannel", "index.html"]),
        ("/evil.example/x", None),  # an empty segment: the path began with //
        ("pt-br/../../etc/passwd", None),
        ("pt-br/./x", None),
        ("a\\b", None),
        ("a\x00b", None),
        ("a\x7fb", None),
    ],
)
def test_a_site_path_names_files_by_its_segments(path: str, parts: list[str] | None) -> None:
    assert segments(path) == parts


def test_a_local_url_never_names_another_host() -> None:
    assert local_url(["a b", "ç"]) == "/a%20b/%C3%A7"
    assert local_url(["\\evil.example"]) == "/%5Cevil.example"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "pt-br" / "a").mkdir(parents=True)
    (tmp_path / "pt-br" / "a" / "index.html").write_text("<p>a</p>", encoding="utf-8")
    (tmp_path / "404.html").write_text("<p>not here</p>", encoding="utf-8")
    return tmp_path


def test_the_site_answers_files_folders_and_its_404_page(site: Path) -> None:
    page = site_response(site, "pt-br/a/")
    assert Path(page.path) == site.resolve() / "pt-br" / "a" / "index.html"  # type: ignore[attr-defined]
    redirect = site_response(site, "pt-br/a")
    assert (redirect.status_code, redirect.headers["location"]) == (308, "/pt-br/a/")
    for bad in ("pt-br/b/", "../x", "a\x00"):
        missing = site_response(site, bad)
        assert (missing.status_code, Path(missing.path)) == (404, site.resolve() / "404.html")  # type: ignore[attr-defined]
    with pytest.raises(NotFound, match="no API route '/api/nothing'"):
        site_response(site, "api/nothing")


def test_a_missing_page_below_a_locale_answers_that_locales_404_page(site: Path) -> None:
    (site / "pt-br" / "404.html").write_text("<p>não está aqui</p>", encoding="utf-8")
    missing = site_response(site, "pt-br/nada/")
    assert (missing.status_code, Path(missing.path)) == (404, site.resolve() / "pt-br" / "404.html")  # type: ignore[attr-defined]
    other = site_response(site, "ru-ru/nothing/")  # no Russian 404 page: the site's
    assert (other.status_code, Path(other.path)) == (404, site.resolve() / "404.html")  # type: ignore[attr-defined]


def test_raw_utf8_in_a_request_line_is_percent_encoded_and_nothing_else_is_touched() -> None:
    data = "\r\nGET /api/search?q=подписка HTTP/1.1\r\nX-Name: é\r\n\r\n".encode()
    assert percent_encode_request_line(data) == (
        b"\r\nGET /api/search?q=%D0%BF%D0%BE%D0%B4%D0%BF%D0%B8%D1%81%D0%BA%D0%B0 HTTP/1.1\r\nX-Name: \xc3\xa9\r\n\r\n"
    )
    plain = b"GET / HTTP/1.1\r\n\r\n"
    assert percent_encode_request_line(plain) is plain


def test_a_raw_error_response_is_the_json_error_shape_and_closes() -> None:
    head, _, body = error_bytes(408, "request_timeout", "too slow").partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ") and b"\r\nconnection: close" in head.lower()
    assert json.loads(body) == {"error": {"code": "request_timeout", "message": "too slow"}}


def test_the_access_log_appends_one_json_line_per_record(tmp_path: Path) -> None:
    target = tmp_path / "access.log"
    log = AccessLogFile(str(target))
    log.write({"method": "GET", "path": "/pt-br/", "status": 200})
    log.write({"method": "HEAD", "path": "/api/search?q=подписка", "status": 200})
    log.close()
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["path"] for line in lines] == ["/pt-br/", "/api/search?q=подписка"]


def test_swagger_ui_comes_from_installed_files() -> None:
    bundle = asset_path("swagger-ui-bundle.js")
    assert bundle.is_file() and bundle.stat().st_size > 100_000


def test_the_watchers_snapshot_sees_files_but_not_hidden_folders(tmp_path: Path) -> None:
    (tmp_path / "pt-br").mkdir()
    (tmp_path / "pt-br" / "a.md").write_text("# A", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    found = snapshot(tmp_path)
    assert list(found) == ["pt-br/a.md"] and found["pt-br/a.md"][1] == 3


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port another program listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


def test_a_free_port_on_a_local_address_is_listenable() -> None:
    check_listenable("127.0.0.1", free_port())
    check_listenable("localhost", free_port())


@pytest.mark.parametrize(
    ("host", "message"),
    [
        ("example.invalid", "--host 'example.invalid' names no address: "),  # (RFC 2606: never resolves)
        ("999.1.1.1", "--host '999.1.1.1' names no address: "),
        ("192.0.2.1", "--host '192.0.2.1' is not an address of this machine"),  # (RFC 5737: documentation only)
    ],
)
def test_a_host_nothing_could_listen_on_is_named(host: str, message: str) -> None:
    with pytest.raises(InvalidParameter) as raised:
        check_listenable(host, free_port())
    assert str(raised.value).startswith(message)


def test_a_port_in_use_is_named_before_kb_serve_claims_to_serve(taken_port: int, tmp_path: Path) -> None:
    with pytest.raises(InvalidParameter, match=f"^--port {taken_port} is in use on 127.0.0.1: another server"):
        check_listenable("127.0.0.1", taken_port)
    done = subprocess.run(kb("serve", "--build", str(tmp_path), "--port", str(taken_port)), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    said = f"kb serve: --port {taken_port} is in use on 127.0.0.1: another server listens there"
    assert done.stderr.splitlines() == [said]  # (and not first that it serves there)


def test_watching_a_content_folder_that_holds_the_build_is_refused_at_once(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    out = tmp_path / "docs" / "out"
    done = subprocess.run(kb("serve", "--build", str(out), "--watch", "--content", str(tmp_path / "docs"),
                             "--port", str(free_port())), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"kb serve: --build '{out}' is inside --content '{tmp_path / 'docs'}': a build would read the last one's "
        "files as documents; build into a folder outside the content"
    ]
    assert not out.exists()


@pytest.mark.parametrize(
    ("host", "url"),
    [("127.0.0.1", "http://127.0.0.1:8000/"), ("localhost", "http://localhost:8000/"), ("::1", "http://[::1]:8000/"),
     ("::", "http://[::]:8000/"), ("fe80::1%eth0", "http://[fe80::1%25eth0]:8000/")],
)
def test_the_url_kb_serve_announces_brackets_an_ipv6_address(host: str, url: str) -> None:
    assert listen_url(host, 8000) == url
