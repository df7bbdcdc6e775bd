"""bench/run.py's report: targets judged from measured numbers, absent stages shown as absent."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import baselines  # noqa: E402
import common  # noqa: E402
import run  # noqa: E402


def result(scale: int, build: float, **kw: object) -> run.ScaleResult:
    r = run.ScaleResult(scale, f"/c{scale}", documents=744 * scale)
    r.build_seconds = r.process_seconds = build
    for k, v in kw.items():
        setattr(r, k, v)
    return r


def lat(p95_ms: float) -> run.Latency:
    return run.Latency(p95_ms / 2000, p95_ms / 1000, p95_ms / 800, 100)


def test_every_target_passes_when_every_number_is_good():
    one = result(1, 2.0, rebuild_seconds=2.5, watch_rebuild_seconds=0.3, baselines={
        "mkdocs": baselines.Baseline("MkDocs", 9.0, 744, 1), "hugo": baselines.Baseline("Hugo", 1.2, 744, 1)})
    ten = result(10, 20.0)
    hundred = result(100, 240.0, query=lat(12), http=lat(30), peak_rss=1_500_000_000)
    assert run.targets([one, ten, hundred]) == [
        ("full build ≥3x faster than MkDocs (dev corpus)", "4.50x", "PASS"),
        ("1-file rebuild < 0.5 s and faster than Hugo",
         "kb serve --watch 300 ms; a new kb build process 2.50 s; Hugo full build 1.20 s", "PASS"),
        ("query p95 < 20 ms in-process at 100x", "12.0 ms", "PASS"),
        ("query p95 < 50 ms over HTTP at 100x", "30.0 ms", "PASS"),
        ("build time linear within 1.3x from 10x to 100x", "1.20x time per document", "PASS"),
        ("peak memory < 2 GB at 100x", "1,431 MiB", "PASS"),
    ]


@pytest.mark.parametrize(
    ("change", "target"),
    [
        ({"build_seconds": 270.0}, "build time linear within 1.3x from 10x to 100x"),
        ({"peak_rss": 2_100_000_000}, "peak memory < 2 GB at 100x"),
        ({"query": lat(25)}, "query p95 < 20 ms in-process at 100x"),
        ({"http": lat(60)}, "query p95 < 50 ms over HTTP at 100x"),
    ],
)
def test_one_bad_number_fails_its_target_only(change, target):
    hundred = result(100, 240.0, query=lat(12), http=lat(30), peak_rss=1_500_000_000)
    for k, v in change.items():
        setattr(hundred, k, v)
    verdicts = {name: v for name, _, v in run.targets([result(10, 20.0), hundred])}
    assert verdicts.pop(target) == "FAIL"
    assert set(verdicts.values()) <= {"PASS", "n/a"}


@pytest.mark.parametrize(("watch", "verdict"), [(0.45, "PASS"), (0.55, "FAIL"), (1.3, "FAIL")])
def test_the_rebuild_target_is_judged_on_the_watch_rebuild(watch, verdict):
    one = result(1, 2.0, rebuild_seconds=0.2, watch_rebuild_seconds=watch,
                 baselines={"hugo": baselines.Baseline("Hugo", 1.2, 744, 1)})
    verdicts = {name: v for name, _, v in run.targets([one])}
    assert verdicts["1-file rebuild < 0.5 s and faster than Hugo"] == verdict


def test_unmeasured_targets_are_not_applicable():
    verdicts = [(name, measured, v) for name, measured, v in run.targets([result(1, 2.0)])]
    assert all(v == "n/a" for _, _, v in verdicts)
    assert verdicts[4][1] == "needs --scales 10,100"


def test_absent_stages_and_skipped_parts_are_shown_so():
    r = result(1, 2.0, timings={"ingest": 1.0, "align": 0.5})
    table = run.results_table([r])
    lines = {line.split("|")[1].strip(): line.split("|")[2].strip() for line in table.splitlines()[2:]}
    assert lines["kb ingest"] == "1.00 s · 744 docs/s"
    assert lines["kb index"] == "absent" and lines["kb render (site)"] == "absent"
    assert lines["MkDocs, 1 project per locale"] == "—"


def test_latency_percentiles():
    got = run.Latency.of([i / 1000 for i in range(1, 101)])
    assert (round(got.p50, 4), round(got.p95, 4), round(got.p99, 4)) == (0.0505, 0.0951, 0.099)
    assert got.count == 100


def test_markdown_table_pads_columns():
    assert common.markdown_table(["a", "bb"], [["xyz", "1"]]).splitlines() == [
        "| a   | bb |", "|-----|----|", "| xyz | 1  |",
    ]


INDEX = "---\ntitle: A\nDate: 02/19/2019\n---\n# A\n"
OTHER = "---\ntitle: B\nms.date: 1/2/2019\n---\nDate: x\n"


def test_hugo_copy_renames_index_and_date_keys(tmp_path):
    content = tmp_path / "content"
    sec = content / "pt-br" / "sec"
    sec.mkdir(parents=True)
    (sec / "index.md").write_text(INDEX, encoding="utf-8")
    (sec / "b.md").write_text(OTHER, encoding="utf-8")
    assert baselines.hugo_site(content, tmp_path / "site") == 2
    site = tmp_path / "site" / "content" / "pt-br" / "sec"
    assert sorted(p.name for p in site.iterdir()) == ["_index.md", "b.md"]
    assert (site / "_index.md").read_text(encoding="utf-8") == INDEX.replace("Date:", "doc-Date:")
    assert (site / "b.md").read_text(encoding="utf-8") == OTHER  # only front matter keys are renamed
    config = (tmp_path / "site" / "hugo.toml").read_text(encoding="utf-8")
    assert '[languages.pt-br]\ncontentDir = "content/pt-br"' in config


def test_a_builds_old_folder_is_set_aside_whole_and_deleted_only_with_the_trash(tmp_path):
    out = tmp_path / "out"
    (out / "site" / "a").mkdir(parents=True)
    (out / "site" / "a" / "index.html").write_text("old", encoding="utf-8")
    common.set_aside(out)
    common.set_aside(tmp_path / "never-built")  # nothing to set aside: no error, no trash entry
    assert not out.exists()
    [kept] = (tmp_path / common.TRASH).iterdir()
    assert (kept / "site" / "a" / "index.html").read_text(encoding="utf-8") == "old"
    out.mkdir()
    common.set_aside(out)
    assert len(list((tmp_path / common.TRASH).iterdir())) == 2
    common.empty_trash(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == []
