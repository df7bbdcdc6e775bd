"""``kb serve`` answers 301 for the page of a ``redirect_url`` stub, from the site's ``redirects.json``,
and only ever to a path of the same site: a target naming another host, a scheme or ``..`` is not
followed (the stub's static page is served instead)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.serve.static import moved_to, site_response


@pytest.fixture
def site(tmp_path: Path) -> Path:
    for page in ("pt-br/artigo-b", "pt-br/moved", "pt-br/evil", "pt-br/lost"):
        (tmp_path / page).mkdir(parents=True)
        (tmp_path / page / "index.html").write_text(f"<p>{page}</p>", encoding="utf-8")
    (tmp_path / "404.html").write_text("<p>not here</p>", encoding="utf-8")
    moves = {"pt-br/moved/": "pt-br/artigo-b/", "pt-br/evil/": "//evil.example/x", "pt-br/lost/": "https://evil.example/"}
    (tmp_path / "redirects.json").write_text(json.dumps(moves), encoding="utf-8")
    return tmp_path


def test_a_stub_page_answers_301_to_its_target_on_the_site(site: Path) -> None:
    response = site_response(site, "pt-br/moved/")
    assert (response.status_code, response.headers["location"]) == (301, "/pt-br/artigo-b/")


@pytest.mark.parametrize("page", ["pt-br/evil/", "pt-br/lost/", "pt-br/artigo-b/"])
def test_no_redirect_leaves_the_site(site: Path, page: str) -> None:
    response = site_response(site, page)
    assert response.status_code == 200
    assert Path(response.path) == site.resolve() / page / "index.html"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("pt-br/a b/", "/pt-br/a%20b/"),
        ("pt-br/x", "/pt-br/x"),
        ("/pt-br/x/", None),  # an empty first segment
        ("pt-br/../../etc/", None),
        ("https://evil.example/", None),
        ("\\\\evil.example/", None),
        ("pt-br/x/?next=//evil", None),
        (["pt-br"], None),
    ],
)
def test_moved_to_builds_only_site_paths(tmp_path: Path, target: object, location: str | None) -> None:
    (tmp_path / "redirects.json").write_text(json.dumps({"old/": target}), encoding="utf-8")
    assert moved_to(tmp_path, ["old"]) == location


def test_a_site_without_redirects_json_redirects_nothing(tmp_path: Path) -> None:
    assert moved_to(tmp_path, ["old"]) is None
    (tmp_path / "redirects.json").write_text("{broken", encoding="utf-8")
    assert moved_to(tmp_path, ["old"]) is None


def test_below_a_base_url_a_stub_page_answers_301_to_its_target_below_it(site: Path) -> None:
    response = site_response(site, "docs/pt-br/moved/", "/docs/")
    assert (response.status_code, response.headers["location"]) == (301, "/docs/pt-br/artigo-b/")
