"""Shared fixtures: the seed content, and the dev corpus (tests skip cleanly without ../shared)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
CORPUS = ROOT.parent / "shared" / "corpus" / "partner-center-2019"

SEED_PT = "000_c9c7f4bd9cf9de1f.txt"
SEED_PT_21V = "001_ec9c8a3814b0800e.txt"
SEED_RU = "002_cc28fa39727e896f.txt"
SEED_ES = "003_2b98cdb811fc5d19.txt"
SEED_IT = "004_330f0314e31fd612.txt"


CORPUS_FIXTURES = {"corpus_dir", "dev_corpus"}

# Pagefind writes a locale's filter values in hash-map order, different at each run: its filter files,
# and the meta and entry files naming them by hash, are not reproducible even between two clean
# builds. Tests comparing sites compare those by what they are (which locales, how many pages, how
# many such files); every other file of the bundle (indexes, fragments, JS, WASM) byte for byte.
PAGEFIND_UNSTABLE = re.compile(
    r"^(pagefind/filter/[a-z-]+_|pagefind/pagefind\.[a-z-]+_)[0-9a-f]+(\.pf_filter|\.pf_meta)$")
PAGEFIND_ENTRY = "pagefind/pagefind-entry.json"


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (path under ``root`` → text) and return ``root``: a small corpus or repository."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def stable_name(rel: str) -> str:
    """A site file's name with Pagefind's run-dependent hash generalised (``pagefind/filter/pt-br_*.pf_filter``)."""
    m = PAGEFIND_UNSTABLE.match(rel)
    return m.group(1) + "*" + m.group(2) if m else rel


def comparable_site(site: Path, pagefind: bool = True) -> dict[str, bytes]:
    """Every file of ``site`` by its stable name, with what can be compared between two builds (see
    PAGEFIND_UNSTABLE); without the Pagefind bundle when ``pagefind`` is False."""
    files: dict[str, bytes] = {}
    site = site.resolve()
    for p in sorted(site.rglob("*")):
        rel = p.relative_to(site).as_posix()
        if not p.is_file() or (not pagefind and rel.startswith("pagefind/")):
            continue
        if rel == PAGEFIND_ENTRY:
            languages = json.loads(p.read_bytes())["languages"]
            files[rel] = json.dumps({k: v["page_count"] for k, v in languages.items()}, sort_keys=True).encode()
        elif (name := stable_name(rel)) != rel:
            files[name] = str(int(files.get(name, b"0")) + 1).encode()
        else:
            files[rel] = p.read_bytes()
    return files


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test of the dev corpus (744 documents) is slow: it ingests, builds or searches all of it."""
    for item in items:
        if CORPUS_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def seeds():
    from kb.ingest.reader import ingest

    corpus = ingest(CONTENT)
    return {d.path: d for d in corpus.documents}


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("the dev corpus ../shared/corpus/partner-center-2019 is not present")
    return CORPUS


@pytest.fixture(scope="session")
def dev_corpus(corpus_dir):
    from kb.ingest.reader import ingest

    return ingest(corpus_dir, jobs=2)


@pytest.fixture(scope="session")
def dev_build(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dev corpus built once for the session (``OUT``): the load tests serve it."""
    out = tmp_path_factory.mktemp("load") / "out"
    cmd = [sys.executable, "-m", "kb", "build", "--content", str(corpus_dir), "--build", str(out), "--quiet",
           "--jobs", "2"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return out
