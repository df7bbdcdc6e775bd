"""`kb check --kind K --severity S --edition E` (each repeatable) filter the JSON and the table alike."""

from __future__ import annotations

import json

import pytest

from kb.cli import main
from tests.conftest import CONTENT, SEED_PT_21V


def findings(capsys: pytest.CaptureFixture[str], *options: str) -> list[dict]:
    assert main(["check", "--content", str(CONTENT), "--json", "--jobs", "1", *options]) == 0
    data = json.loads(capsys.readouterr().out)
    kinds: dict[str, int] = {}
    for f in data["findings"]:
        kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
    assert data["summary"]["kinds"] == kinds  # the summary counts what is shown
    return data["findings"]


def test_filters_keep_only_what_they_name(capsys: pytest.CaptureFixture[str]) -> None:
    every = findings(capsys)
    assert {f["kind"] for f in every} >= {"broken_link", "edition_difference"}
    links = findings(capsys, "--kind", "broken_link")
    assert links == [f for f in every if f["kind"] == "broken_link"] and links
    two = findings(capsys, "--kind", "broken_link", "--kind", "edition_difference")
    assert two == [f for f in every if f["kind"] in ("broken_link", "edition_difference")]
    info = findings(capsys, "--severity", "info")
    assert info == [f for f in every if f["severity"] == "info"] and info
    vianet = findings(capsys, "--edition", "21vianet")
    assert vianet and all(SEED_PT_21V in (f["path"], f["other_path"]) for f in vianet)
    assert findings(capsys, "--edition", "21vianet", "--severity", "warning") == [
        f for f in vianet if f["severity"] == "warning"
    ]


def test_the_table_is_filtered_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--content", str(CONTENT), "--jobs", "1", "--kind", "edition_difference"]) == 0
    out = capsys.readouterr().out
    assert "edition_difference" in out and "broken_link" not in out
    assert "1 findings: 1 info" in out


@pytest.mark.parametrize(
    ("option", "value"), [("--kind", "typo"), ("--severity", "fatal"), ("--edition", "mars")]
)
def test_an_unknown_value_is_refused_naming_the_option(
    capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    assert main(["check", "--content", str(CONTENT), "--jobs", "1", option, value]) == 2
    err = capsys.readouterr().err
    assert f"{option}: '{value}' is none of" in err
