"""kb build reports every stage to a progress callback, and keeps a parse cache under OUT/.cache."""

from __future__ import annotations

import shutil

from conftest import CONTENT

from kb.build.pipeline import OUTPUTS, build
from kb.ingest.cache import parser_version
from kb.output.options import BuildOptions


def test_every_stage_starts_and_ends_in_order(tmp_path):
    calls: list[tuple[str, int, int]] = []
    build(CONTENT, tmp_path / "out", BuildOptions(jobs=1), progress=lambda s, d, t: calls.append((s, d, t)))
    stages = list(dict.fromkeys(s for s, _, _ in calls))
    assert stages == ["ingest", "align", *[name for name, _ in OUTPUTS]]
    assert calls[0] == ("ingest", 0, 5) and ("ingest", 5, 5) in calls
    for name in stages[1:]:
        assert [(d, t) for s, d, t in calls if s == name] == [(0, 1), (1, 1)]


def test_the_parse_cache_is_kept_and_reused(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    out = tmp_path / "out"
    first = build(content, out, BuildOptions(jobs=1))
    entries = sorted((out / ".cache" / "parse" / parser_version()).glob("*/*.pickle"))
    assert len(entries) == 5
    second = build(content, out, BuildOptions(jobs=1))
    assert second.corpus == first.corpus
    assert sorted((out / ".cache" / "parse" / parser_version()).glob("*/*.pickle")) == entries


def test_no_cache_when_disabled(tmp_path):
    build(CONTENT, tmp_path / "out", BuildOptions(jobs=1, parse_cache=False))
    assert not (tmp_path / "out" / ".cache" / "parse").exists()
