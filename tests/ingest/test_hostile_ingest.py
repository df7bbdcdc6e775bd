"""The hostile corpus (tests/hostile.py): ingest and ``kb build`` finish, every hostile file becomes a
reported problem or a document kept as data, and no file outside the content root is ever opened."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zoneinfo
from html.parser import HTMLParser
from pathlib import Path

import pytest

import kb
from kb.cli import main
from kb.ingest.reader import ingest
from kb.model import Corpus
from kb.site.data import TEMPLATES
from tests import hostile

pytestmark = pytest.mark.slow  # a real, audited `kb build` process over the hostile corpus


def printable(path: str) -> str:
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    hostile.write(base)
    return base


@pytest.fixture(scope="module")
def corpus(base: Path) -> Corpus:
    return ingest(base / "content", jobs=2)


@pytest.mark.parametrize("case", hostile.CASES, ids=[printable(c.path) for c in hostile.CASES])
def test_each_hostile_file_is_a_document_or_a_reported_problem(corpus: Corpus, case: hostile.Case) -> None:
    path = printable(case.path)
    assert (path in {d.path for d in corpus.documents}) is case.document
    messages = [p.message for p in corpus.problems if p.path == path]
    assert len(messages) == len(case.problems), messages
    for message, start in zip(messages, case.problems, strict=True):
        assert message.startswith(start), (message, start)


def test_nothing_else_is_reported_and_ordinary_documents_survive(corpus: Corpus) -> None:
    named = {printable(c.path) for c in hostile.CASES}
    assert {p.path for p in corpus.problems} <= named
    fillers = [d for d in corpus.documents if d.path.startswith("filler/")]
    assert len(fillers) == hostile.FILLER


def test_nothing_from_outside_the_root_reaches_a_document(corpus: Corpus) -> None:
    for d in corpus.documents:
        assert hostile.CANARY not in d.body
        assert all(hostile.CANARY not in s.text for s in d.segments), d.path


def test_yaml_tags_run_no_code_and_front_matter_stays_plain_json(base: Path, corpus: Corpus) -> None:
    assert not (base / hostile.PWNED).exists()
    for d in corpus.documents:
        json.dumps(d.front_matter, allow_nan=False)  # no bytes, sets, dates or NaN left
    fm = {d.path: d.front_matter for d in corpus.documents}
    assert fm["yaml/binary-and-set.md"] == {
        "title": "Artigo hostil", "ms.contentlocale": "pt-BR", "b": "hello", "s": ["x", "y"], "n": "nan",
    }
    assert fm["yaml/impossible-date.md"]["ms.date"] == "2019-02-30"


def test_script_in_markup_never_becomes_segment_text(corpus: Corpus) -> None:
    """Script and style elements are dropped from segments (their text is code, not prose)."""
    docs = {d.path: d for d in corpus.documents}
    texts = " ".join(s.text for s in docs["xss/script.md"].segments)
    assert "script-block" not in texts
    assert "Parágrafo com" in texts


@pytest.mark.parametrize("as_json", [True, False])
def test_inspect_reports_the_hostile_corpus_without_crashing(base: Path, capsys, as_json: bool) -> None:
    args = ["inspect", "--content", str(base / "content"), "--jobs", "2"] + (["--json"] if as_json else [])
    assert main(args) == 0
    out = capsys.readouterr().out
    if as_json:
        report = json.loads(out)
        assert {p["path"] for p in report["problems"]} == {p for c in hostile.CASES
                                                           for p in [printable(c.path)] if c.problems}
    else:
        assert "names[/x]/rich-markup.md" in out.replace("\n", "")


# --- kb build under an audit hook: every file the build opens is recorded -------------------------

AUDIT = r"""
import json, os, sys
log = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

def record(event, args):
    # os.write is not audited, so recording cannot recurse; forked pool workers inherit the hook.
    if event == "open" and not isinstance(args[0], int):  # an int is an already-open descriptor
        opener = sys._getframe(1).f_code.co_filename
        line = [os.fsdecode(args[0]), str(args[1]), args[2], opener, os.getcwd(), os.getpid()]
    elif event == "shutil.rmtree":
        line = ["rmtree", os.fsdecode(args[0])]
    else:
        return
    os.write(log, (json.dumps(line) + "\n").encode())

sys.addaudithook(record)
from kb.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _allowed_roots(content: Path, out: Path, tmp: Path) -> list[Path]:
    """Where a build may open files: the content root, the build folder, its own temporary folder,
    and the program itself — the interpreter's standard library and site-packages, the zipped
    standard library on sys.path (import probes it), kb's package and the site templates it found
    (beside it in a source tree, inside it when installed) — and /dev/null (multiprocessing points a
    worker's stdin there) — and the system's time zone settings and database, which Babel reads when it
    loads a locale's data (its dates module finds the local zone on import: ``babel.localtime``).
    Nothing else: the hostile files' targets lie beside the content root (outside/), in the same
    temporary folder."""
    paths = sysconfig.get_paths()
    program = [Path(paths[k]) for k in ("stdlib", "platstdlib", "purelib", "platlib")]
    program += [Path(p) for p in sys.path if p.endswith(".zip")]
    program += [Path(kb.__file__).parent, TEMPLATES, Path(os.devnull)]
    program += [Path(p) for p in zoneinfo.TZPATH]
    program += [Path("/etc", name) for name in ("localtime", "timezone", "sysconfig/clock", "conf.d/clock")]
    return [Path(os.path.realpath(p)) for p in [content, out, tmp, *program]]


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path == r or r in path.parents for r in roots)


@pytest.fixture(scope="module")
def audited_build(base: Path) -> tuple[subprocess.CompletedProcess[str], list[list]]:
    out, tmp, cwd = base / "out", base / "tmp", base / "cwd"
    tmp.mkdir()
    cwd.mkdir()
    log = base / "opens.jsonl"
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONDONTWRITEBYTECODE": "1"}
    run = subprocess.run(
        [sys.executable, "-c", AUDIT, str(log),
         "build", "--content", str(base / "content"), "--build", str(out), "--jobs", "2"],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
    )
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return run, events


def test_kb_build_finishes_on_the_hostile_corpus(base: Path, audited_build) -> None:
    run, _ = audited_build
    assert run.returncode == 0, run.stderr[-3000:]
    manifest = json.loads((base / "out" / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"] == sum(c.document for c in hostile.CASES) + hostile.FILLER
    assert "names[/x]/rich-markup.md" in run.stdout.replace("\n", "") + run.stderr.replace("\n", "")


def test_kb_build_opens_no_file_outside_the_content_root(base: Path, audited_build) -> None:
    run, events = audited_build
    content = Path(os.path.realpath(base / "content"))
    roots = _allowed_roots(content, base / "out", base / "tmp")
    opens = [e for e in events if e[0] != "rmtree"]
    outside = []
    for path, _mode, _flags, opener, cwd, _pid in opens:
        if not os.path.isabs(path):
            # shutil.rmtree opens entries relative to a directory descriptor (not given to the hook);
            # what it removes is checked below through its own event.
            assert opener == shutil_file(), (path, opener)
            continue
        real = Path(os.path.realpath(os.path.join(cwd, path)))
        if not _inside(real, roots):
            outside.append((path, real, opener))
    assert outside == [], "\n".join(map(str, outside))
    for event in (e for e in events if e[0] == "rmtree"):
        assert _inside(Path(os.path.realpath(event[1])), roots[1:3]), event
    # The hook saw the reads it had to see (it is not blind), and none of the refused files.
    opened = {Path(os.path.realpath(os.path.join(e[4], e[0]))) for e in opens if os.path.isabs(e[0])}
    assert content / "xss" / "script.md" in opened
    assert content / "filler" / "artigo-00.md" in opened
    assert {p for p in opened if p.parent.name == "outside" or p.name in ("huge.md", "pipe.md")} == set()


def shutil_file() -> str:
    import shutil

    return shutil.__file__


# --- the built site (until the browser check): no injected script survives in any page ------------

URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")
CSS_SCRIPT = ("expression(", "javascript:", "binding", "behavior")


def same_site_refresh(attrs: list[tuple[str, str | None]]) -> bool:
    """A ``<meta http-equiv="refresh">`` of kb's own redirect stubs: at once, to a path of this site."""
    content = dict(attrs).get("content") or ""
    delay, _, target = content.partition("; url=")
    return delay == "0" and target.startswith("/") and not target.startswith(("//", "/\\"))


class ActiveContent(HTMLParser):
    """Collects everything in a page that could run script: script elements that carry an injected
    payload, on* handlers, script URLs, srcdoc, frames and plug-ins, CSS expressions and bindings."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("iframe", "frame", "object", "embed", "applet"):
            self.found.append(f"<{tag}>")
        if tag in ("script", "style"):
            self._in = tag
        for name, value in attrs:
            v = "".join(ch for ch in (value or "") if ch > " ").lower()
            if name.startswith("on") or name == "srcdoc":
                self.found.append(f"<{tag} {name}>")
            elif name in URL_ATTRS and v.startswith(BAD_SCHEMES):
                self.found.append(f"<{tag} {name}={value}>")
            elif name == "style" and any(w in v for w in CSS_SCRIPT):
                self.found.append(f"<{tag} style={value}>")
            elif tag == "meta" and name == "http-equiv" and v == "refresh" and not same_site_refresh(attrs):
                self.found.append("<meta refresh>")
            if tag == "script" and name == "src" and "evil.example" in v:
                self.found.append(f"<script src={value}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in and any(w in data for w in ("alert(", "msgbox(", "javascript:", "expression(")):
            self.found.append(f"<{self._in}>{data.strip()[:80]}")


def test_the_built_site_carries_no_injected_script(base: Path, audited_build) -> None:
    site = base / "out" / "site"
    pages = sorted(site.rglob("*.html")) if site.is_dir() else []
    if not pages:
        pytest.skip("this build writes no site yet")
    found = {}
    for page in pages:
        parser = ActiveContent()
        parser.feed(page.read_text(encoding="utf-8"))
        if parser.found:
            found[str(page.relative_to(site))] = parser.found
    assert found == {}
    text = "".join(p.read_text(encoding="utf-8") for p in pages)
    assert hostile.CANARY not in text
