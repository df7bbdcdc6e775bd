"""``kb serve`` of a site built with ``--base-url``: its pages answer below that path, where their links
point, and ``/`` leads there (the API stays at ``/api``, where the site's search page calls it)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CONTENT
from fastapi.testclient import TestClient

from kb.build.pipeline import build
from kb.output.options import BuildOptions
from kb.serve.api import create_app
from kb.serve.static import site_base

HREF = re.compile(r'(?:href|src)="(/[^"#?]*)')


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("base-url") / "out"
    build(CONTENT, out, BuildOptions(jobs=1, base_url="/kb/"))
    return out


@pytest.fixture(scope="module")
def client(built: Path) -> Iterator[TestClient]:
    with TestClient(create_app(built, warm_seconds=0)) as c:
        yield c


def test_the_manifest_records_the_base_url_and_the_server_reads_it(built: Path) -> None:
    assert json.loads((built / "current" / "manifest.json").read_text(encoding="utf-8"))["base_url"] == "/kb/"
    assert site_base(built) == "/kb/"


@pytest.mark.parametrize(
    ("path", "status", "location"),
    [
        ("/", 308, "/kb/"),
        ("/kb", 308, "/kb/"),
        ("/kb/pt-br", 308, "/kb/pt-br/"),
        ("/kb/", 200, None),
        ("/kb/pt-br/", 200, None),
        ("/pt-br/", 404, None),  # the site's pages are below its base only
        ("/api/health", 200, None),
    ],
)
def test_the_site_answers_below_its_base(client: TestClient, path: str, status: int, location: str | None) -> None:
    response = client.get(path, follow_redirects=False)
    assert (response.status_code, response.headers.get("location")) == (status, location)


def test_every_local_link_of_the_served_pages_answers(client: TestClient) -> None:
    pages = ["/kb/", "/kb/pt-br/", "/kb/ru-ru/search/", "/kb/translation-status/"]
    article = re.search(r'href="(/kb/pt-br/[a-z0-9-]+/)"', client.get("/kb/pt-br/").text)
    assert article is not None
    pages.append(article.group(1))
    links = set()
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        links |= set(HREF.findall(response.text))
    assert links and all(link.startswith("/kb/") for link in links)
    broken = {link: code for link in sorted(links) if (code := client.get(link).status_code) >= 400}
    assert broken == {}


def test_a_build_folder_with_no_release_serves_its_site_at_the_root(tmp_path: Path) -> None:
    assert site_base(tmp_path) == "/"
