"""The integrity of a release (issue 20, item 1), in process: the manifest's sizes and hashes, ``kb
verify``, ``kb build --clean``, reads of shrunk files (never a SIGBUS), a damaged release in the API's
answers, and rebuilds after damage that never link a damaged inode again."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CONTENT, ROOT, SEED_PT
from fastapi.testclient import TestClient

from kb.build.pipeline import BuildResult, build
from kb.build.releases import current_release
from kb.build.verify import verify_build
from kb.cli import main
from kb.errors import IndexDamaged
from kb.output.integrity import read_records, recorded_files, verify
from kb.output.options import BuildOptions
from kb.search.query import search
from kb.search.release import open_release
from kb.search.storage import open_dir
from kb.serve.integrity import damage_now

STORE = "index/documents-0.pickle"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return Path(shutil.copytree(CONTENT, tmp_path / "content"))


def make(content: Path, out: Path, **options: object) -> BuildResult:
    return build(content, out, BuildOptions(jobs=1, **options))  # type: ignore[arg-type]


def live(out: Path) -> Path:
    release = current_release(out)
    assert release is not None
    return release


def segment(release: Path) -> str:
    return next(f"index/{p.name}" for p in (release / "index").glob("*.seg"))


def truncate(path: Path, size: int = 100) -> None:
    os.truncate(path, size)


def inodes(release: Path) -> dict[tuple[int, int], str]:
    found = {}
    for p in release.rglob("*"):
        if p.is_file():
            st = p.stat()
            found[(st.st_dev, st.st_ino)] = p.relative_to(release).as_posix()
    return found


def verify_cli(out: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["verify", "--build", str(out), *extra])
    return code, capsys.readouterr().out


# --- the manifest ---------------------------------------------------------------------------------


def test_the_manifest_records_every_index_file_with_its_size_and_sha256(content: Path, tmp_path: Path) -> None:
    release = make(content, tmp_path / "out").release
    records = read_records(release)
    assert records is not None
    names = sorted(f"index/{p.name}" for p in (release / "index").iterdir() if "WRITELOCK" not in p.name)
    assert sorted(records) == names == recorded_files(release)
    assert STORE in records and segment(release) in records and "index/catalog.pickle" in records
    for name, r in records.items():
        data = (release / name).read_bytes()
        assert r.size == len(data) and r.sha256 == hashlib.sha256(data).hexdigest(), name
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"][STORE] == {"size": records[STORE].size, "sha256": records[STORE].sha256}
    assert manifest["refused"] == []


def test_an_incremental_build_records_the_files_it_linked_as_their_previous_records(
    content: Path, tmp_path: Path
) -> None:
    first = make(content, tmp_path / "out").release
    (content / SEED_PT).write_text((content / SEED_PT).read_text(encoding="utf-8") + "\nMais uma linha.\n",
                                   encoding="utf-8")
    second = make(content, tmp_path / "out").release
    records = read_records(second)
    assert records is not None and verify(second) == []
    for name, r in records.items():  # linked or written anew, each record is the file's own
        assert hashlib.sha256((second / name).read_bytes()).hexdigest() == r.sha256, name
    linked = set(inodes(first).values()) & set(inodes(second).values())
    assert linked, "the unchanged segment is expected to be linked from the first release"


# --- kb verify ------------------------------------------------------------------------------------


def test_kb_verify_names_each_damaged_file_relative_to_the_release(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    release = make(content, out).release
    assert verify_cli(out, capsys) == (0, f"release {release.name}: healthy ({len(read_records(release) or {})} "
                                          "files checked)\n")
    truncate(release / STORE)
    seg = segment(release)
    data = bytearray((release / seg).read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, other bytes: only the hash sees it
    (release / seg).write_bytes(bytes(data))
    code, text = verify_cli(out, capsys)
    assert code == 1
    assert f"damaged: {STORE} is 100 bytes; the manifest records" in text
    assert f"damaged: {seg} has other bytes than the manifest records" in text
    assert str(tmp_path) not in text
    code, text = verify_cli(out, capsys, "--json")
    report = json.loads(text)
    assert code == 1 and report["status"] == "damaged" and report["release"] == release.name
    assert [d["file"] for d in report["damaged"]] == sorted([STORE, seg])
    assert set(report) == {"release", "status", "checked", "damaged"}
    code, text = verify_cli(out, capsys, "--sizes-only", "--json")  # sizes only: the store, not the flip
    assert code == 1 and [d["file"] for d in json.loads(text)["damaged"]] == [STORE]


def test_kb_verify_without_a_build_or_without_records_exits_2(tmp_path: Path, content: Path) -> None:
    assert main(["verify", "--build", str(tmp_path / "nothing")]) == 2
    out = tmp_path / "out"
    release = make(content, out).release
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    del manifest["files"]  # a release of a kb that recorded nothing: unverifiable, not healthy
    (release / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert main(["verify", "--build", str(out)]) == 2


# --- reads of a shrunk file -----------------------------------------------------------------------

PROBE = """
import os, sys
from pathlib import Path
from kb.search.query import run
from kb.search.release import open_release
from kb.search.storage import open_dir
from kb.serve.integrity import damage_now
from kb.search.request import validate
index, victim = Path(sys.argv[1]), sys.argv[2]
release = open_release(index)
release.catalog.parts(next(iter(release.catalog.stored)))  # the store opened, as a server has it
os.truncate(index / victim, 64)
release.catalog.parts.cache_clear()
try:  # past open_release's check, straight at the files: what a request in flight meets
    run(release, validate(release.catalog, "assinatura canais suporte", None, None, 10, 1))
except Exception as exc:
    print("raised", type(exc).__name__, getattr(exc, "code", ""))
else:
    print("answered")
"""


@pytest.mark.parametrize("victim", ["store", "segment"])
def test_a_file_shrinking_under_open_readers_raises_never_sigbus(victim: str, content: Path, tmp_path: Path) -> None:
    release = make(content, tmp_path / "out").release
    name = STORE if victim == "store" else segment(release)
    proc = subprocess.run([sys.executable, "-c", PROBE, str(release / "index"), name.split("/", 1)[1]],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"exit {proc.returncode} (-7 is SIGBUS): {proc.stderr}"
    assert proc.stdout.startswith("raised"), proc.stdout
    if victim == "store":
        assert proc.stdout.split() == ["raised", "IndexDamaged", "index_damaged"]


def test_open_release_refuses_a_release_whose_file_shrank(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    release = make(content, out).release
    assert search(out / "index", "assinatura").total
    truncate(release / STORE)
    with pytest.raises(IndexDamaged) as caught:
        open_release(out / "index")
    assert caught.value.files == (STORE,) and str(tmp_path) not in caught.value.message
    assert main(["search", "assinatura", "--build", str(out)]) == 2  # a message, not a traceback


def test_the_api_answers_a_read_that_met_a_shrunk_file_as_index_damaged(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kb.serve.api import create_app

    out = tmp_path / "out"
    release = make(content, out).release
    with TestClient(create_app(out, warm_seconds=0), raise_server_exceptions=False) as client:
        assert client.get("/api/search", params={"q": "assinatura"}).status_code == 200
        # The file shrinks after the request passed open_release's check: its reads fail instead.
        monkeypatch.setattr("kb.search.release.check_sizes", lambda release: None)
        seg = segment(release)
        truncate(release / seg, 64)
        for url in ("/api/search?q=canais", "/api/search?q=suporte&locale=ru-RU"):
            r = client.get(url)
            assert r.status_code == 503, r.text
            assert r.json()["error"]["code"] == "index_damaged" and seg in r.json()["error"]["message"]
            assert str(tmp_path) not in r.text


# --- builds after damage, --clean -----------------------------------------------------------------


@pytest.mark.parametrize("change", [False, True], ids=["unchanged", "changed"])
@pytest.mark.parametrize("victim", ["store", "segment", "catalog"])
def test_a_rebuild_after_damage_writes_the_damaged_file_afresh(
    victim: str, change: bool, content: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    old = make(content, out).release
    name = {"store": STORE, "segment": segment(old), "catalog": "index/catalog.pickle"}[victim]
    damaged = (old / name).stat().st_ino
    truncate(old / name, 5000 if victim == "segment" else 10)
    if change:
        (content / SEED_PT).write_text((content / SEED_PT).read_text(encoding="utf-8") + "\nOutra linha.\n",
                                       encoding="utf-8")
    result = make(content, out)
    new = result.release
    assert damaged not in {ino for _, ino in inodes(new)}, "the damaged inode was linked into the new release"
    assert verify(new) == []
    assert len(result.warnings) == 1 and name in result.warnings[0] and "written afresh" in result.warnings[0]
    manifest = json.loads((new / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["refused"] == result.warnings
    assert search(out / "index", "assinatura").total == 1
    assert make(content, out).warnings == []  # the new release is whole: the next build reuses it quietly


def test_kb_build_prints_a_warning_for_each_damaged_file_it_wrote_afresh(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    old = make(content, out).release
    truncate(old / STORE)
    assert main(["build", "--content", str(content), "--build", str(out), "--jobs", "1", "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("warning not reused from release") and STORE in line and "written afresh" in line
               for line in lines), lines


def test_kb_build_clean_links_nothing_and_reads_no_parse_cache(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    old = make(content, out).release

    def no_cache(*args: object) -> None:
        raise AssertionError("kb build --clean read the parse cache")

    monkeypatch.setattr("kb.ingest.cache.ParseCache.under", no_cache)
    assert main(["build", "--content", str(content), "--build", str(out), "--jobs", "1", "--quiet", "--clean"]) == 0
    new = live(out)
    assert new != old
    shared = set(inodes(old)) & set(inodes(new))
    assert not shared, f"files of the clean release linked from the old one: {sorted(inodes(new)[s] for s in shared)}"
    assert verify(new) == []


def test_the_library_calls_behind_kb_verify_and_the_api_name_the_same_file(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = make(content, out)
    release = result.release
    assert verify_build(out) == {
        "release": release.name, "status": "healthy", "checked": len(read_records(release) or {}), "damaged": [],
    }
    assert damage_now(out) is None
    ix = open_dir(release / "index")  # plain reads, no memory map
    try:
        assert ix.doc_count() == len(result.corpus.documents)
    finally:
        ix.close()
    truncate(release / STORE)
    assert [d["file"] for d in verify_build(out, hashes=False)["damaged"]] == [STORE]
    damage = damage_now(out)
    assert damage is not None and damage.files == (STORE,)
