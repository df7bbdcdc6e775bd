"""bench/same_output.py: its site and answer comparisons, and a real run on the seeds (HEAD against the
working tree). The corpus-scale run (partner-center-2019, skype-2024: minutes) is a bench run, not a test:
``python bench/same_output.py --before REV --after REV``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import same_output  # noqa: E402


def make_site(root: Path) -> Path:
    (root / "pt-br" / "topic").mkdir(parents=True)
    (root / "assets").mkdir()
    (root / "index.html").write_text("<html>\n<body>\n<h1>Início</h1>\n</body>\n</html>\n", encoding="utf-8")
    (root / "pt-br" / "topic" / "index.html").write_text("<p>Vários canais</p>\n" * 5, encoding="utf-8")
    (root / "assets" / "logo.bin").write_bytes(bytes(range(256)))
    return root


def test_identical_sites_compare_identical(tmp_path):
    a, b = make_site(tmp_path / "a"), make_site(tmp_path / "b")
    diff = same_output.compare_sites(a, b)
    assert diff.identical
    assert diff.compared == 3
    assert (diff.differing, diff.only_before, diff.only_after) == ([], [], [])


def test_one_byte_difference_is_found_and_shown(tmp_path):
    a, b = make_site(tmp_path / "a"), make_site(tmp_path / "b")
    page = b / "pt-br" / "topic" / "index.html"
    data = bytearray(page.read_bytes())
    data[-3] ^= 1  # one bit of one byte: the last "</p>" becomes "</q>"
    page.write_bytes(bytes(data))
    diff = same_output.compare_sites(a, b)
    assert not diff.identical
    assert diff.compared == 3
    assert diff.differing == ["pt-br/topic/index.html"]
    text = diff.excerpts["pt-br/topic/index.html"]
    assert "first difference at line 5" in text
    assert "-<p>Vários canais</p>" in text and "+<p>Vários canais</q>" in text


def test_binary_difference_is_reported_by_offset(tmp_path):
    a, b = make_site(tmp_path / "a"), make_site(tmp_path / "b")
    (b / "assets" / "logo.bin").write_bytes(bytes(range(200)) + b"\xff" + bytes(range(201, 256)))
    diff = same_output.compare_sites(a, b)
    assert diff.differing == ["assets/logo.bin"]
    assert diff.excerpts["assets/logo.bin"] == "binary: 256 and 256 bytes, first difference at byte 200"


def test_missing_and_extra_files_are_differences(tmp_path):
    a, b = make_site(tmp_path / "a"), make_site(tmp_path / "b")
    (b / "pt-br" / "topic" / "index.html").unlink()
    (b / "robots.txt").write_text("User-agent: *\n", encoding="utf-8")
    diff = same_output.compare_sites(a, b)
    assert not diff.identical
    assert diff.only_before == ["pt-br/topic/index.html"]
    assert diff.only_after == ["robots.txt"]
    assert diff.compared == 2 and diff.differing == []


def test_a_release_id_in_the_site_is_reported_not_ignored(tmp_path):
    a, b = make_site(tmp_path / "a"), make_site(tmp_path / "b")
    (a / "about.html").write_text("<p>release 20261205T095404677228-4499</p>\n", encoding="utf-8")
    (b / "about.html").write_text("<p>release 20261205T101010123456-5000</p>\n", encoding="utf-8")
    diff = same_output.compare_sites(a, b, (["20261205T095404677228-4499"], ["20261205T101010123456-5000"]))
    assert not diff.identical
    assert diff.differing == ["about.html"]
    assert "equal but for the build's release id or build time" in diff.excerpts["about.html"]
    assert diff.embedding == {"20261205T095404677228-4499": ["about.html"],
                              "20261205T101010123456-5000": ["about.html"]}


def test_answers_differ_by_exit_status_stderr_or_json():
    ok = same_output.Answer(0, '{"total": 2, "results": [{"score": 1.5}, {"score": 1.0}]}\n', "")
    assert same_output.answer_diffs(ok, same_output.Answer(0, '{"results": [{"score": 1.5}, {"score": 1.0}], '
                                                              '"total": 2}', "")) == []
    other = same_output.Answer(0, '{"total": 2, "results": [{"score": 1.5}, {"score": 1.25}]}\n', "")
    assert same_output.answer_diffs(ok, other) == ["$.results[1].score: 1.0 ≠ 1.25"]
    error = same_output.Answer(2, "", "kb search: leading wildcards are not supported\n")
    assert same_output.answer_diffs(ok, error)[0] == "exit status 0 ≠ 2"


def test_queries_are_deterministic_distinct_and_use_the_syntax():
    one = same_output.derive_queries(same_output.common.ROOT / "content", 50)
    assert one == same_output.derive_queries(same_output.common.ROOT / "content", 50)
    assert len(one) == 50
    assert len({(q.text, q.locale, q.extra) for q in one}) == 50
    kinds = {q.kind for q in one}
    assert set(same_output.SYNTAX) <= kinds
    assert any(q.locale is None for q in one) and any(q.locale in same_output.LOCALES for q in one)


def _git_head() -> bool:
    if shutil.which("git") is None:
        return False
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", "HEAD"], capture_output=True)
    return done.returncode == 0


@pytest.mark.slow  # builds the seeds twice, from HEAD and from the working tree
@pytest.mark.skipif(not _git_head(), reason="not a git checkout: no HEAD to compare the working tree with")
def test_head_and_the_working_tree_give_the_same_output_on_the_seeds(tmp_path):
    args = same_output.parse_args(["--before", "HEAD", "--after", "WORKTREE", "--content", str(ROOT / "content"),
                                   "--queries", "12", "--cli-check", "1"])
    revs, reports = same_output.run(args, tmp_path, log=lambda _: None)
    assert revs[0].root != ROOT and revs[1].root == ROOT
    (report,) = reports
    assert report.identical, same_output.describe(report, revs)
    assert report.site is not None and report.site.compared >= 20
    assert len(report.queries) == 12 and not report.differing_queries
    assert report.builds["before"].documents == report.builds["after"].documents == 5
