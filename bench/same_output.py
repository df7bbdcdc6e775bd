"""The same output before and after a change: byte-identical sites and identical ``kb search --json``.

    .venv/bin/python bench/same_output.py --before 9a426fd --after HEAD
    .venv/bin/python bench/same_output.py --before HEAD --after WORKTREE --content content --queries 20
    .venv/bin/python bench/same_output.py --before HEAD --after HEAD --corpus skype-2024   # kb against itself

Issue 19's acceptance ("no change in behaviour: the same site bytes, index results and JSON"). For each
of the two revisions (a commit, exported with ``git archive`` into the work folder, or ``WORKTREE``: the
project folder as it is now, uncommitted changes included) and each corpus, it

* runs that revision's own ``kb`` with the current interpreter (``python -m kb`` with the export as
  working directory and ``PYTHONPATH``; it checks first that ``kb.__file__`` lies under the export):
  ``kb build --content CORPUS --build OUT --jobs 2``, into a new OUT each time;
* compares the two published sites, ``OUT/site/``, file by file and byte by byte: the same relative
  paths, the same bytes. Nothing is ignored: a differing file that would be equal with the build's
  release id or build time put aside is still a difference, reported as such;
* runs the same queries (derived from the corpus with a fixed seed: title and heading words of its
  documents in the four locales, with and without ``--locale``, and the README's query syntax) against
  each revision's own build, and compares what ``kb search QUERY --build OUT --json`` prints: the
  exit status, stderr, and stdout parsed as JSON.

Both revisions build into the same OUT path (the first one's build is moved aside before the second
starts), so nothing can differ by the build folder's name. The queries of one revision run in one
process, through that revision's ``kb.cli.main``, its stdout captured: what ``kb search --json``
prints. The first ``--cli-check`` queries are also run as real ``python -m kb search`` processes and
must print exactly the same (``--subprocess`` runs every query that way).

Exit status 0 when everything compared is identical, 1 otherwise. The corpora live in
``../shared/corpus/<name>``; one that is absent is skipped with a message. This is a benchmark-style
run of minutes (skype-2024 builds in about two minutes), not part of the tests: tests/test_same_output.py
runs the same comparison on the project's ``content/`` only.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

WORKTREE = "WORKTREE"
CORPORA = common.ROOT.parent / "shared" / "corpus"
DEFAULT_CORPORA = "partner-center-2019,skype-2024"
LOCALES = ("pt-BR", "ru-RU", "es-ES", "it-IT")
DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt")
SEED = 19
SHOW = 20
"""Differing files (and queries) listed in the report; the counts are always complete."""

_LOCALE_DIR = re.compile(r"([a-z]{2})-([a-z]{2})", re.I)
_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_TITLE = re.compile(r"^title\s*:\s*(.*?)\s*$", re.M)
_CONTENT_LOCALE = re.compile(r"^ms.contentlocale\s*:\s*['\"]?([a-z]{2}-[a-z]{2})", re.M | re.I)
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[^\W\d_]{4,}")


# --- revisions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Revision:
    name: str
    """As given: a commit-ish, or WORKTREE."""
    label: str
    """What the report calls it: the commit, or the working tree with its HEAD and changes."""
    root: Path
    """The folder whose ``kb/`` and ``site_templates/`` are this revision's."""


def git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(common.ROOT), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def prepare(name: str, work: Path) -> Revision:
    """The revision's source tree: the project folder for WORKTREE, else a ``git archive`` export."""
    if name == WORKTREE:
        head = git("rev-parse", "--short", "HEAD")
        changed = [line for line in git("status", "--porcelain", "--", "kb", "site_templates").splitlines() if line]
        state = f"{len(changed)} files changed or new under kb/ and site_templates/" if changed else "clean"
        return Revision(name, f"WORKTREE (HEAD {head}, {state})", common.ROOT)
    sha = git("rev-parse", "--verify", f"{name}^{{commit}}")
    dest = work / "src" / sha[:12]
    if not (dest / "kb" / "__init__.py").is_file():
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(common.ROOT), "archive", "--format=tar", sha],
                                 capture_output=True, check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(dest, filter="data")
    return Revision(name, f"{name} ({sha[:12]})", dest)


def revision_env(rev: Revision) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(rev.root), env.get("PYTHONPATH", "")) if p)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def kb_command(rev: Revision, args: list[str], timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m kb ARGS`` with the revision's own package."""
    return subprocess.run([common.PYTHON, "-m", "kb", *args], cwd=rev.root, env=revision_env(rev),
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout)


def check_import(rev: Revision) -> None:
    """Refuse to go on unless ``import kb`` in the revision's environment finds the revision's kb."""
    done = subprocess.run([common.PYTHON, "-c", "import kb, kb.cli; print(kb.__file__)"], cwd=rev.root,
                          env=revision_env(rev), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{rev.label}: import kb failed: {done.stderr.strip()[-800:]}")
    where = Path(done.stdout.strip()).resolve()
    if not where.is_relative_to(rev.root.resolve()):
        raise RuntimeError(f"{rev.label}: import kb found {where}, not the revision's {rev.root}")


# --- builds --------------------------------------------------------------------------------------


@dataclass
class Build:
    seconds: float
    documents: int | None
    release: str
    built: str | None
    """The build time the release's manifest records, if any."""


_BUILT = re.compile(r"built (\d+) documents")


def build(rev: Revision, content: Path, out: Path, jobs: int, timeout: float, log: Path) -> Build:
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    done = kb_command(rev, ["build", "--content", str(content), "--build", str(out), "--jobs", str(jobs)], timeout)
    seconds = time.perf_counter() - t0
    log.write_text(f"$ kb build (exit {done.returncode}, {seconds:.1f} s)\n{done.stdout}\n{done.stderr}",
                   encoding="utf-8")
    if done.returncode != 0:
        raise RuntimeError(f"{rev.label}: kb build exited {done.returncode}: {done.stderr.strip()[-1500:]}")
    m = _BUILT.search(done.stdout)
    release = os.readlink(out / "current") if (out / "current").is_symlink() else ""
    built = None
    manifest = out / "current" / "manifest.json"
    if manifest.is_file():
        built = json.loads(manifest.read_text(encoding="utf-8")).get("built")
    return Build(seconds, int(m.group(1)) if m else None, Path(release).name, built)


def volatile_strings(b: Build) -> list[str]:
    """Strings of one build that no code change explains: its release id and its build time."""
    out = [b.release] if b.release else []
    if b.built:
        out += [b.built, re.sub(r"[-:]", "", b.built)]
    return [s for s in out if len(s) >= 8]


# --- sites ---------------------------------------------------------------------------------------


@dataclass
class SiteDiff:
    compared: int = 0
    """Files (and symlinks) present in both sites, each compared."""
    only_before: list[str] = field(default_factory=list)
    only_after: list[str] = field(default_factory=list)
    differing: list[str] = field(default_factory=list)
    excerpts: dict[str, str] = field(default_factory=dict)
    embedding: dict[str, list[str]] = field(default_factory=dict)
    """Build-specific strings (release id, build time) found in the site, with the files holding them."""

    @property
    def identical(self) -> bool:
        return not (self.only_before or self.only_after or self.differing)


UNREPRODUCIBLE = "pagefind"
"""The Pagefind bundle's folder: Pagefind writes its filter, meta and entry files in a different order on
every run, under names that hash them, so two builds of the same site never match there byte for byte.
Left out here; the bundle's records are kb's (kb.search.pagefind.records), compared through the searches."""


def site_files(site: Path) -> dict[str, Path]:
    """Every file (and symlink) under ``site`` but the Pagefind bundle, by its relative path with ``/``."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(site):
        if Path(dirpath) == site and UNREPRODUCIBLE in dirnames:
            dirnames.remove(UNREPRODUCIBLE)
        dirnames.sort()
        for name in [*filenames, *(d for d in dirnames if os.path.islink(os.path.join(dirpath, d)))]:
            path = Path(dirpath) / name
            out[path.relative_to(site).as_posix()] = path
    return out


def _read(path: Path) -> bytes:
    return f"symlink -> {os.readlink(path)}\n".encode() if path.is_symlink() else path.read_bytes()


def compare_sites(before: Path, after: Path, volatile: tuple[list[str], list[str]] = ([], [])) -> SiteDiff:
    """Compare two site folders byte by byte. ``volatile`` holds each side's build-specific strings
    (release id, build time): every file that contains one is reported, and a differing file that would
    be equal without them is said so; neither is left out of the differences."""
    a_files, b_files = site_files(before.resolve()), site_files(after.resolve())
    diff = SiteDiff(only_before=sorted(a_files.keys() - b_files.keys()),
                    only_after=sorted(b_files.keys() - a_files.keys()))
    for rel in sorted(a_files.keys() & b_files.keys()):
        a, b = _read(a_files[rel]), _read(b_files[rel])
        diff.compared += 1
        for side, data in ((volatile[0], a), (volatile[1], b)):
            for s in side:
                if s.encode() in data:
                    diff.embedding.setdefault(s, []).append(rel)
        if a != b:
            diff.differing.append(rel)
            if len(diff.excerpts) < SHOW:
                diff.excerpts[rel] = excerpt(a, b, volatile)
    return diff


def excerpt(a: bytes, b: bytes, volatile: tuple[list[str], list[str]] = ([], []), lines: int = 12,
            width: int = 160) -> str:
    """A short description of how two versions of a file differ: a unified diff excerpt for text."""
    k = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    try:
        ta, tb = a.decode("utf-8"), b.decode("utf-8")
    except UnicodeDecodeError:
        return f"binary: {len(a):,} and {len(b):,} bytes, first difference at byte {k:,}"
    out = []
    blank_a, blank_b = ta, tb
    for s in volatile[0]:
        blank_a = blank_a.replace(s, "<build-specific>")
    for s in volatile[1]:
        blank_b = blank_b.replace(s, "<build-specific>")
    if (volatile[0] or volatile[1]) and blank_a == blank_b:
        out.append("equal but for the build's release id or build time (still a difference: kb embeds them)")
    line = a[:k].count(b"\n") + 1
    col = k - (a.rfind(b"\n", 0, k) + 1)
    out.append(f"first difference at line {line}, byte {col} of the line:")
    out.append(f"  before …{a[max(0, k - 60):k + 60].decode('utf-8', 'replace')!r}…")
    out.append(f"  after  …{b[max(0, k - 60):k + 60].decode('utf-8', 'replace')!r}…")
    udiff = difflib.unified_diff(ta.splitlines(), tb.splitlines(), "before", "after", n=1, lineterm="")
    for text in list(udiff)[:lines]:
        out.append("  " + (text if len(text) <= width else text[:width] + f"… ({len(text):,} chars)"))
    return "\n".join(out)


# --- queries -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    text: str
    locale: str | None = None
    extra: tuple[str, ...] = ()
    kind: str = ""

    def argv(self, out: Path) -> list[str]:
        args = ["search", self.text, "--build", str(out), "--json"]
        if self.locale:
            args += ["--locale", self.locale]
        return args + list(self.extra)

    def __str__(self) -> str:
        tail = " ".join([*(["--locale", self.locale] if self.locale else []), *self.extra])
        return f"kb search {json.dumps(self.text, ensure_ascii=False)} {tail}".rstrip() + f"  [{self.kind}]"


@dataclass(frozen=True)
class SourceDoc:
    path: str
    locale: str | None
    title: list[str]
    headings: list[str]
    """Each heading's text (anchors and markup dropped)."""


def _locale_of(rel: Path, text: str) -> str | None:
    for part in rel.parts[:-1]:
        if m := _LOCALE_DIR.fullmatch(part):
            code = f"{m.group(1).lower()}-{m.group(2).upper()}"
            if code in LOCALES:
                return code
    if m := _CONTENT_LOCALE.search(text):
        code = f"{m.group(1)[:2].lower()}-{m.group(1)[3:].upper()}"
        return code if code in LOCALES else None
    return None


def source_documents(content: Path) -> list[SourceDoc]:
    """The corpus's documents with front matter and a title, in path order."""
    docs = []
    for dirpath, dirnames, filenames in os.walk(content):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.lower().endswith(DOCUMENT_SUFFIXES) or name.lower() == "toc.md" or name.startswith("."):
                continue
            path = Path(dirpath) / name
            text = path.read_text(encoding="utf-8", errors="replace").lstrip("\ufeff")
            front = _FRONT.match(text)
            title = _TITLE.search(front.group(1)) if front else None
            if not front or not title:
                continue
            headings = [_TAG.sub(" ", h) for h in _HEADING.findall(text[front.end():])]
            rel = path.relative_to(content)
            title_text = title.group(1).strip("'\"").split("|")[0]
            docs.append(SourceDoc(rel.as_posix(), _locale_of(rel, front.group(1)), _words(title_text),
                                  [h for h in (" ".join(_words(h)) for h in headings) if h]))
    return docs


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


PLAIN = ("word+locale", "word", "two words", "two words+locale", "word, another locale", "heading word+locale")
SYNTAX = ("phrase", "title:", "prefix*", "exclusion", "locale=auto", "typo", "headings:", "page 2",
          "leading wildcard (error)")


def derive_queries(content: Path, n: int, seed: int = SEED) -> list[Query]:
    """``n`` distinct queries from the corpus's titles and headings, the same every time: plain words
    with and without ``--locale`` (mostly), and one of each query form of the README."""
    docs = [d for d in source_documents(content) if d.title or d.headings]
    if not docs:
        raise RuntimeError(f"no document with a title under {content}")
    rng = random.Random(f"{seed}:{n}")
    kinds = []
    syntax = iter(SYNTAX)
    plain = 0
    for i in range(n):
        kind = next(syntax, None) if i % 3 == 2 else None
        if kind is None:
            kind, plain = PLAIN[plain % len(PLAIN)], plain + 1
        kinds.append(kind)
    queries: list[Query] = []
    seen: set[tuple[str, str | None, tuple[str, ...]]] = set()
    for kind in kinds:
        for _ in range(50):  # a new query, if the corpus has one
            q = _query(kind, rng.choice(docs), rng)
            if q and (q.text, q.locale, q.extra) not in seen:
                seen.add((q.text, q.locale, q.extra))
                queries.append(q)
                break
    return queries


def _query(kind: str, doc: SourceDoc, rng: random.Random) -> Query | None:
    title = doc.title or _words(" ".join(doc.headings))
    heading = rng.choice(doc.headings).split() if doc.headings else title
    locale = doc.locale or rng.choice(LOCALES)
    if not title:
        return None
    word = rng.choice(title)
    if kind == "word+locale":
        return Query(word, locale, kind=kind)
    if kind == "word":
        return Query(word, kind=kind)
    if kind in ("two words", "two words+locale"):
        if len(set(title)) < 2:
            return None
        text = " ".join(rng.sample(sorted(set(title)), 2))
        return Query(text, locale if kind.endswith("locale") else None, kind=kind)
    if kind == "word, another locale":
        return Query(word, rng.choice([loc for loc in LOCALES if loc != locale]), kind=kind)
    if kind == "heading word+locale":
        return Query(rng.choice(heading), locale, kind=kind)
    if kind == "phrase":
        if len(heading) < 2:
            return None
        i = rng.randrange(len(heading) - 1)
        return Query(f'"{heading[i]} {heading[i + 1]}"', rng.choice((locale, None)), kind=kind)
    if kind == "title:":
        return Query(f"title:{word}", kind=kind)
    if kind == "headings:":
        return Query(f"headings:{rng.choice(heading)}", locale, kind=kind)
    if kind == "prefix*":
        return Query(f"{word[:4]}*", locale, kind=kind)
    if kind == "exclusion":
        other = [w for w in heading if w != word]
        return Query(f"{word} -{rng.choice(other)}", kind=kind) if other else None
    if kind == "locale=auto":
        return Query(" ".join(heading[:3]), "auto", kind=kind)
    if kind == "typo":
        long = [w for w in title if len(w) >= 6]
        if not long:
            return None
        w = rng.choice(long)
        i = rng.randrange(1, len(w) - 2)
        return Query(w[:i] + w[i + 1] + w[i] + w[i + 2:], locale, kind=kind)
    if kind == "page 2":
        return Query(word, None, ("--limit", "3", "--page", "2"), kind=kind)
    if kind == "leading wildcard (error)":
        return Query(f"*{word}", kind=kind)
    raise ValueError(kind)


RUNNER = r"""
import contextlib, io, json, sys
from pathlib import Path

root, queries, answers = Path(sys.argv[1]).resolve(), sys.argv[2], sys.argv[3]
import kb.cli

out = []
for argv in json.loads(Path(queries).read_text(encoding="utf-8")):
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = kb.cli.main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    out.append({"code": code, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()})
strays = sorted(
    f for name, m in list(sys.modules.items())
    if (name == "kb" or name.startswith("kb.")) and (f := getattr(m, "__file__", None))
    and not Path(f).resolve().is_relative_to(root)
)
Path(answers).write_text(json.dumps({"answers": out, "strays": strays}, ensure_ascii=False), encoding="utf-8")
"""
"""Run a revision's queries in one process through its own ``kb.cli.main``, as ``kb search`` would."""


@dataclass(frozen=True)
class Answer:
    code: int
    stdout: str
    stderr: str


def run_queries(rev: Revision, queries: list[Query], out: Path, scratch: Path, subprocesses: bool,
                cli_check: int) -> tuple[list[Answer], float, list[str]]:
    """Each query's answer from the revision's kb against ``out``, the seconds taken, and problems of
    the harness itself (kb modules imported from elsewhere; in-process answers unlike the CLI's)."""
    argvs = [q.argv(out) for q in queries]
    t0 = time.perf_counter()
    problems: list[str] = []
    if subprocesses:
        answers = [_cli(rev, argv) for argv in argvs]
    else:
        qfile, afile = scratch / "queries.json", scratch / "answers.json"
        qfile.write_text(json.dumps(argvs, ensure_ascii=False), encoding="utf-8")
        done = subprocess.run([common.PYTHON, "-c", RUNNER, str(rev.root), str(qfile), str(afile)],
                              cwd=rev.root, env=revision_env(rev), capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{rev.label}: the query process exited {done.returncode}: {done.stderr[-1500:]}")
        data = json.loads(afile.read_text(encoding="utf-8"))
        answers = [Answer(**a) for a in data["answers"]]
        if data["strays"]:
            problems.append(f"{rev.label}: kb modules imported from outside {rev.root}: {data['strays'][:5]}")
        for argv, answer in list(zip(argvs, answers, strict=True))[:cli_check]:
            if (cli := _cli(rev, argv)) != answer:
                problems.append(f"{rev.label}: `kb search` printed otherwise than kb.cli.main in-process for "
                                f"{argv[1]!r}: exit {cli.code} vs {answer.code}, {len(cli.stdout)} vs "
                                f"{len(answer.stdout)} characters")
    return answers, time.perf_counter() - t0, problems


def _cli(rev: Revision, argv: list[str]) -> Answer:
    done = kb_command(rev, argv, timeout=600)
    return Answer(done.returncode, done.stdout, done.stderr)


def _parsed(stdout: str) -> Any:
    try:
        return json.loads(stdout)
    except ValueError:
        return stdout


def answer_diffs(a: Answer, b: Answer, limit: int = 5) -> list[str]:
    """How two answers to one query differ (empty when they are the same): exit status, stderr, JSON."""
    out = []
    if a.code != b.code:
        out.append(f"exit status {a.code} ≠ {b.code}")
    if a.stderr != b.stderr:
        out.append(f"stderr {_clip(a.stderr)} ≠ {_clip(b.stderr)}")
    out += json_diffs(_parsed(a.stdout), _parsed(b.stdout), "$", limit)
    return out[:limit]


def json_diffs(a: Any, b: Any, where: str = "$", limit: int = 5) -> list[str]:
    """The first ``limit`` places where two JSON values differ, as ``$.results[2].score: 1.5 ≠ 1.6``."""
    out: list[str] = []

    def walk(x: Any, y: Any, at: str) -> None:
        if len(out) >= limit:
            return
        if type(x) is not type(y):
            out.append(f"{at}: {_clip(x)} ≠ {_clip(y)}")
        elif isinstance(x, dict):
            for k in [*x, *(k for k in y if k not in x)]:
                if k not in y or k not in x:
                    out.append(f"{at}.{k}: {'only before' if k in x else 'only after'}")
                else:
                    walk(x[k], y[k], f"{at}.{k}")
        elif isinstance(x, list):
            if len(x) != len(y):
                out.append(f"{at}: {len(x)} items ≠ {len(y)}")
            for i, (xi, yi) in enumerate(zip(x, y, strict=False)):
                walk(xi, yi, f"{at}[{i}]")
        elif x != y:
            out.append(f"{at}: {_clip(x)} ≠ {_clip(y)}")

    walk(a, b, where)
    return out[:limit]


def _clip(value: Any, width: int = 120) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= width else text[:width] + "…"


# --- one corpus ----------------------------------------------------------------------------------


@dataclass
class CorpusReport:
    name: str
    content: Path
    skipped: str | None = None
    builds: dict[str, Build] = field(default_factory=dict)
    site: SiteDiff | None = None
    queries: list[Query] = field(default_factory=list)
    differing_queries: list[tuple[Query, list[str]]] = field(default_factory=list)
    query_seconds: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return (self.skipped is None and self.site is not None and self.site.identical and bool(self.queries)
                and not self.differing_queries and not self.problems)


def compare_corpus(name: str, content: Path, revs: tuple[Revision, Revision], work: Path, args: argparse.Namespace,
                   log: Any = print) -> CorpusReport:
    r = CorpusReport(name, content)
    if not content.is_dir():
        r.skipped = f"{content} is not a folder"
        return r
    r.queries = derive_queries(content, args.queries, args.seed)
    out = work / "build" / name  # both revisions build here: paths cannot differ between them
    answers: dict[str, list[Answer]] = {}
    for side, rev in zip(("before", "after"), revs, strict=True):
        kept = work / side / name
        shutil.rmtree(kept, ignore_errors=True)
        kept.parent.mkdir(parents=True, exist_ok=True)
        log(f"{name}: kb build with {side} = {rev.label}")
        try:
            r.builds[side] = build(rev, content, out, args.jobs, args.timeout, work / f"{side}-{name}-build.log")
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            r.problems.append(f"{side}: {exc}")
            return r
        log(f"{name}: {side} built {r.builds[side].documents} documents in {r.builds[side].seconds:.1f} s; "
            f"{len(r.queries)} queries")
        scratch = work / f"{side}-{name}-queries"
        scratch.mkdir(parents=True, exist_ok=True)
        try:
            answers[side], r.query_seconds[side], problems = run_queries(
                rev, r.queries, out, scratch, args.subprocess, args.cli_check)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            r.problems.append(f"{side}: {exc}")
            return r
        r.problems += problems
        out.rename(kept)
    with contextlib.suppress(OSError):
        out.parent.rmdir()  # empty once every corpus's builds are moved aside
    volatile = (volatile_strings(r.builds["before"]), volatile_strings(r.builds["after"]))
    log(f"{name}: comparing the sites")
    r.site = compare_sites(work / "before" / name / "site", work / "after" / name / "site", volatile)
    for q, a, b in zip(r.queries, answers["before"], answers["after"], strict=True):
        if diffs := answer_diffs(a, b):
            r.differing_queries.append((q, diffs))
    return r


def describe(r: CorpusReport, revs: tuple[Revision, Revision]) -> str:
    if r.skipped:
        return f"{r.name}: skipped ({r.skipped})"
    lines = [f"{r.name} ({r.content})"]
    for side, rev in zip(("before", "after"), revs, strict=True):
        b = r.builds.get(side)
        if b:
            lines.append(f"  {side}: {rev.label}: {b.documents} documents built in {b.seconds:.1f} s, "
                         f"{len(r.queries)} queries in {r.query_seconds.get(side, 0):.1f} s")
    if r.site:
        s = r.site
        lines.append(f"  site: {s.compared:,} files compared, {len(s.differing)} differing, "
                     f"{len(s.only_before)} only before, {len(s.only_after)} only after")
        for label, paths in (("only before", s.only_before), ("only after", s.only_after)):
            lines += [f"    {label}: {p}" for p in paths[:SHOW]]
        for rel in s.differing[:SHOW]:
            lines.append(f"    differs: {rel}")
            lines += ["      " + t for t in s.excerpts.get(rel, "").splitlines()]
        if len(s.differing) > SHOW:
            lines.append(f"    … and {len(s.differing) - SHOW} more differing files")
        for text, paths in s.embedding.items():
            lines.append(f"    NOTE: {len(paths)} site files contain the build-specific string {text!r} "
                         f"(release id or build time), e.g. {paths[0]}")
        lines.append(f"  search: {len(r.queries)} queries compared, {len(r.differing_queries)} differing")
        for q, diffs in r.differing_queries[:SHOW]:
            lines.append(f"    {q}")
            lines += [f"      {d}" for d in diffs]
    lines += [f"  PROBLEM: {p}" for p in r.problems]
    lines.append("  IDENTICAL" if r.identical else "  DIFFERENT")
    return "\n".join(lines)


def summary_table(reports: list[CorpusReport]) -> str:
    rows = []
    for r in reports:
        if r.skipped:
            rows.append([r.name, "skipped", "", "", "", "", ""])
            continue
        s = r.site
        builds = " / ".join(f"{r.builds[k].seconds:.1f}" for k in ("before", "after") if k in r.builds)
        rows.append([r.name, f"{s.compared:,}" if s else "—",
                     str(len(s.differing) + len(s.only_before) + len(s.only_after)) if s else "—",
                     str(len(r.queries)), str(len(r.differing_queries)) if s else "—", builds,
                     "identical" if r.identical else "DIFFERENT"])
    headers = ["corpus", "files compared", "differing files", "queries", "differing queries",
               "build s (before / after)", "result"]
    return common.markdown_table(headers, rows)


def run(args: argparse.Namespace, work: Path, log: Any = print) -> tuple[tuple[Revision, Revision], list[CorpusReport]]:
    revs = (prepare(args.before, work), prepare(args.after, work))
    for rev in revs:
        check_import(rev)
    contents = [(CORPORA / name, name) for name in args.corpus]
    contents += [(Path(c).resolve(), Path(c).resolve().name) for c in args.content]
    reports = []
    for content, name in contents:
        if not content.is_dir():
            log(f"{name}: skipped, {content} is absent")
            reports.append(CorpusReport(name, content, skipped=f"{content} is absent"))
            continue
        reports.append(compare_corpus(name, content.resolve(), revs, work, args, log))
        log(f"{name}: {'identical' if reports[-1].identical else 'DIFFERENT'}")
    return revs, reports


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="Same site bytes and kb search --json between two revisions.")
    ap.add_argument("--before", required=True, help=f"a git revision, or {WORKTREE} (the working tree as it is)")
    ap.add_argument("--after", required=True, help=f"a git revision, or {WORKTREE}")
    ap.add_argument("--corpus", help=f"corpora under {CORPORA}, comma-separated (default {DEFAULT_CORPORA}, "
                                     "or none when --content is given)")
    ap.add_argument("--content", action="append", default=[], help="any content folder (repeatable)")
    ap.add_argument("--queries", type=int, default=50, help="queries per corpus (default 50)")
    ap.add_argument("--seed", type=int, default=SEED, help=f"seed of the queries (default {SEED})")
    ap.add_argument("--jobs", type=int, default=2, help="kb build --jobs (default 2)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds a build may take (default 1800)")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (exports, builds, answers)")
    ap.add_argument("--subprocess", action="store_true", help="run every query as a `python -m kb search` process")
    ap.add_argument("--cli-check", type=int, default=3,
                    help="queries also run as `python -m kb search` to check the in-process answers (default 3)")
    args = ap.parse_args(argv)
    corpus = args.corpus if args.corpus is not None else ("" if args.content else DEFAULT_CORPORA)
    args.corpus = [c.strip() for c in corpus.split(",") if c.strip()]
    if not args.corpus and not args.content:
        ap.error("nothing to compare: give --corpus or --content")
    if args.queries < 1:
        ap.error("--queries must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="kb-same-output-"))
    work.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        print(f"[same-output {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    try:
        revs, reports = run(args, work, log)
    except RuntimeError as exc:
        print(f"same_output: {exc}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"before: {revs[0].label}\nafter:  {revs[1].label}\n")
    for r in reports:
        print(describe(r, revs) + "\n")
    print(summary_table(reports))
    compared = [r for r in reports if not r.skipped]
    if not compared:
        print("nothing compared: every corpus was skipped")
        return 1
    return 0 if all(r.identical for r in compared) else 1


if __name__ == "__main__":
    sys.exit(main())
