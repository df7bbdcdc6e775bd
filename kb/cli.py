"""The ``kb`` command line: a thin layer over the library calls, one function per command.

Building the parser imports nothing beyond the standard library and :mod:`kb.errors`: each command imports
what it uses when it runs, so ``kb --help`` and every command's arguments work whatever else fails to import
(tests/test_packaging.py holds this)."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from kb.errors import KbError

if TYPE_CHECKING:
    from kb.align.resolve import ComparisonLookup, TopicLookup

Handler = Callable[[argparse.Namespace], int]
Arguments = Callable[[argparse.ArgumentParser], None]
COMMANDS: dict[str, tuple[str, Arguments, Handler]] = {}


def command(name: str, help: str, arguments: Arguments) -> Callable[[Handler], Handler]:
    """Register a sub-command: its one-line help, a function adding its arguments, its handler."""

    def register(fn: Handler) -> Handler:
        COMMANDS[name] = (help, arguments, fn)
        return fn

    return register


def jobs_arg(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--jobs must be a whole number, not '{value}'") from None
    if n < 1:
        raise argparse.ArgumentTypeError("--jobs must be at least 1")
    return n


def content_args(p: argparse.ArgumentParser) -> None:
    import os

    p.add_argument("--content", required=True, help="the content folder")
    p.add_argument("--json", action="store_true", help="print JSON (see README for the shape)")
    p.add_argument("--jobs", type=jobs_arg, default=os.cpu_count() or 1, help="parser processes")


def emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


# --- inspect -------------------------------------------------------------------------------------


def _inspect_args(p: argparse.ArgumentParser) -> None:
    content_args(p)
    p.add_argument("--strict", action="store_true", help="exit 1 when any problem is found")


@command("inspect", "parse a content folder and report documents and problems", _inspect_args)
def cmd_inspect(args: argparse.Namespace) -> int:
    from kb.ingest.reader import ingest
    from kb.quality.report import inspect_report

    corpus = ingest(args.content, jobs=args.jobs)
    report = inspect_report(corpus)
    if args.json:
        emit_json(report)
    else:
        from rich.markup import escape  # paths, titles and messages come from the files: not markup
        from rich.table import Table

        table = Table(title=f"{len(corpus.documents)} documents in {escape(args.content)}")
        for col in ("path", "locale", "source", "editions", "title", "segments", "links"):
            table.add_column(col, overflow="fold")
        for d in report["documents"]:
            table.add_row(escape(d["path"]), escape(d["locale"]), d["locale_source"], ",".join(d["editions"]),
                          escape(d["title"]), str(d["segments"]), str(d["links"]))
        out = console()
        out.print(table)
        for p in report["problems"]:
            where = f"{p['path']}:{p['line']}" if p["line"] else p["path"]
            out.print(f"[yellow]problem[/] {escape(where)}: {escape(p['message'])}")
    return 1 if args.strict and corpus.problems else 0


# --- check and export (translators) --------------------------------------------------------------


def _check_args(p: argparse.ArgumentParser) -> None:
    content_args(p)
    p.add_argument("--locale", action="append", default=[], help="only findings about this locale (repeat)")
    p.add_argument("--topic", action="append", default=[], help="only this topic, by id or slug (repeat)")
    p.add_argument("--source", help="the locale translations are compared with (default: the newest)")
    p.add_argument("--glossary", help="a glossary file (YAML) of product terms (default: mined)")
    p.add_argument("--strict", action="store_true", help="exit 1 when any error-severity finding is reported")
    p.add_argument("--kind", action="append", default=[], help="only findings of this kind (repeat)")
    p.add_argument("--severity", action="append", default=[], help="only findings of this severity: "
                   "error, warning or info (repeat)")
    p.add_argument("--edition", action="append", default=[], help="only findings about documents of this "
                   "edition, e.g. global or 21vianet (repeat)")
    p.add_argument("--mined-lexicon", action="store_true",
                   help="align segments across languages with the bilingual lexicon mined from the content too "
                   "(words that translate each other count as evidence that two segments are one)")
    p.add_argument("--lexicon", metavar="FILE",
                   help="like --mined-lexicon, with this curated lexicon (TSV or YAML, as `kb export lexicon` "
                   "writes) merged over the mined one")


@command("check", "compare the locales and editions of topics: what is missing, stale, wrong", _check_args)
def cmd_check(args: argparse.Namespace) -> int:
    from kb.align.topics import align
    from kb.ingest.reader import ingest
    from kb.quality.checks import check_corpus, filter_findings, finding_filter
    from kb.quality.console import print_report
    from kb.quality.context import CheckOptions
    from kb.quality.report import check_report

    glossary = None
    if args.glossary:
        from kb.quality.glossary import load

        glossary = load(args.glossary)
    curated = None
    if args.lexicon:  # (read now, like the glossary: a bad file stops the check before any work)
        from pathlib import Path

        from kb.align.lexicon import read_curated

        curated = read_curated(Path(args.lexicon))
    corpus = ingest(args.content, jobs=args.jobs)
    wanted = finding_filter(corpus, args.kind, args.severity, args.edition)
    alignment = align(corpus.documents)
    lexicon = None
    if curated is not None or args.mined_lexicon:
        from kb.align.lexicon import mine

        lexicon = mine(alignment.topics).merged(curated or [])
    options = CheckOptions(tuple(args.locale), tuple(args.topic), args.source, glossary, lexicon=lexicon)
    findings = filter_findings(check_corpus(corpus, alignment, options), corpus, wanted)
    if args.json:
        emit_json(check_report(findings))
    else:
        print_report(console(), findings, alignment)
    return 1 if args.strict and any(f.severity == "error" for f in findings) else 0


LINK_BASE = "https://learn.microsoft.com/{locale}"
"""kb.output.options.LINK_BASE, spelled out so that the parser imports no more than it does."""
EXPORT_FORMATS = ("tmx", "xliff", "csv", "glossary")
"""kb.quality.export.FORMATS, spelled out so that the parser does not import the exporters (and lxml)."""


def _export_args(p: argparse.ArgumentParser) -> None:
    import os

    p.add_argument("format", choices=(*EXPORT_FORMATS, "lexicon"),
                   help="tmx (all locales), xliff (--source → --target), csv, "
                   "glossary (the mined product terms, to edit and give to `kb check --glossary`), or lexicon "
                   "(the bilingual lexicon search translates queries with: TSV, or YAML for --out *.yaml; to edit "
                   "and give to `kb build --lexicon`)")
    p.add_argument("--content", help="the content folder (required but for lexicon with --build)")
    p.add_argument("--build", help="lexicon: the build folder whose published lexicon to export (instead of mining "
                   "--content)")
    p.add_argument("--out", required=True, help="the file to write")
    p.add_argument("--source", help="source locale (required for xliff; the first column of csv)")
    p.add_argument("--target", help="target locale (required for xliff; limits tmx and csv to two locales)")
    p.add_argument("--topic", action="append", default=[], help="only this topic, by id or slug (repeatable)")
    p.add_argument("--jobs", type=jobs_arg, default=os.cpu_count() or 1, help="parser processes")


@command("export", "export aligned segments for translation tools (TMX 1.4, XLIFF 2.0, CSV), or the lexicon",
         _export_args)
def cmd_export(args: argparse.Namespace) -> int:
    from kb.align.topics import align
    from kb.errors import InvalidParameter
    from kb.ingest.reader import ingest
    from kb.quality.export import export

    if args.format == "lexicon":
        return export_lexicon(args)
    if not args.content:
        raise InvalidParameter(f"--content is required to export {args.format}")
    corpus = ingest(args.content, jobs=args.jobs)
    n = export(args.format, corpus, align(corpus.documents), args.out, source=args.source, target=args.target,
               topics=tuple(args.topic))
    what = {"glossary": "terms", "xliff": "documents"}.get(args.format, "units")
    print(f"kb export: wrote {n} {what} to {args.out}", file=sys.stderr)
    return 0


def export_lexicon(args: argparse.Namespace) -> int:
    """``kb export lexicon``: the published release's lexicon (``--build``) or one mined from ``--content``."""
    from pathlib import Path

    from kb.align.lexicon import load, mine, write_rows
    from kb.errors import IndexMissing, InvalidParameter
    from kb.quality.export import write_out

    if args.build:
        from kb.search.layout import LEXICON

        index = Path(args.build) / "index"
        if not index.is_dir():
            raise IndexMissing(f"no published release in '{args.build}': run kb build --content DIR --build OUT")
        lexicon = load(index / LEXICON)
    elif args.content:
        from kb.align.topics import align
        from kb.ingest.reader import ingest

        lexicon = mine(align(ingest(args.content, jobs=args.jobs).documents).topics)
    else:
        raise InvalidParameter("kb export lexicon needs --build (the published lexicon) or --content (mine one)")
    fmt = "yaml" if args.out.lower().endswith((".yaml", ".yml")) else "tsv"
    text = io.StringIO(newline="\n")
    n = write_rows(lexicon.rows(), text, fmt)
    write_out(args.out, text.getvalue().encode("utf-8"))
    print(f"kb export: wrote {n} translations to {args.out}", file=sys.stderr)
    return 0


# --- topics and compare (issue 3) -------------------------------------------------------------------


@command("topics", "group the translations and editions of articles into topics, with evidence", content_args)
def cmd_topics(args: argparse.Namespace) -> int:
    from rich.markup import escape  # paths and titles come from the files: not markup
    from rich.table import Table

    from kb.align.topics import align
    from kb.ingest.reader import ingest
    from kb.quality.report import topics_report

    alignment = align(ingest(args.content, jobs=args.jobs).documents)
    report = topics_report(alignment)
    if args.json:
        emit_json(report)
        return 0
    table = Table(title=f"{len(alignment.topics)} topics in {escape(args.content)}")
    for col in ("topic", "slug", "locale", "editions", "evidence", "confidence", "path"):
        table.add_column(col, overflow="fold")
    for t in report["topics"]:
        for n, d in enumerate(t["documents"]):
            table.add_row(escape(t["id"]) if n == 0 else "", escape(t["slug"]) if n == 0 else "", d["locale"],
                          ",".join(d["editions"]), d["evidence"], f"{d['confidence']:.2f}", escape(d["path"]))
    out = console()
    out.print(table)
    for warning in report["warnings"]:
        out.print(f"[yellow]warning[/] {escape(warning)}")
    return 0


def _compare_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("topic", metavar="TOPIC", help="a topic id or slug (or a document path)")
    content_args(p)
    p.add_argument("--locales", help="the two sides, e.g. pt-BR,ru-RU or pt-BR,pt-BR:21vianet (default: "
                   "the topic's first two locales; one locale compares two of its editions)")
    p.add_argument("--edition", help="the edition of both sides (e.g. global), or one each: global,21vianet")


def compare_lookups() -> tuple[TopicLookup, ComparisonLookup]:
    """``kb compare``'s words for the resolver (:mod:`kb.align.resolve`): ``TOPIC``, ``--locales``,
    ``--edition``; a topic also by a document's path, white space around names ignored."""
    from kb.align.resolve import By, ComparisonLookup, Refusal, SideLookup, TopicLookup
    from kb.errors import InvalidParameter, NotFound

    topic = TopicLookup(
        steps=((By.ID, By.SLUG, By.ID_LOWERED), (By.PATH,)),
        unknown=Refusal(NotFound, "TOPIC: no topic '{key}' (give a topic id, slug or document path; "
                        "`kb topics` lists them)"),
        strip=True,
    )
    sides = SideLookup(
        not_a_locale=Refusal(InvalidParameter, "{parameter}: '{tag}' is not a locale (such as pt-BR)"),
        no_locale=Refusal(NotFound, "{parameter}: topic '{topic}' has no {locale} document; it has {locales}"),
        no_edition=Refusal(NotFound, "{parameter}: topic '{topic}' has no {locale} document of edition "
                           "'{edition}'; {locale} has {editions}"),
        strip=True,
    )
    comparison = ComparisonLookup(
        sides, "--locales", "--edition",
        too_many=Refusal(InvalidParameter, "--locales and --edition take at most two values each, one for each side"),
        one_document=Refusal(InvalidParameter, "--locales: topic '{topic}' has one {locale} document ({path}); "
                             "name a second locale"),
        same_document=Refusal(InvalidParameter, "--locales/--edition: both sides are {path}; "
                              "name two locales or two editions"),
    )
    return topic, comparison


@command("compare", "align the segments of two documents of a topic (locales or editions)", _compare_args)
def cmd_compare(args: argparse.Namespace) -> int:
    from rich.markup import escape
    from rich.table import Table

    from kb.align.resolve import TopicIndex, comparison_sides
    from kb.align.segments import align_segments
    from kb.align.topics import align
    from kb.ingest.reader import ingest
    from kb.quality.report import compare_report

    alignment = align(ingest(args.content, jobs=args.jobs).documents)
    topic_words, comparison_words = compare_lookups()
    topic = TopicIndex(alignment.topics).find(args.topic, topic_words)
    sides = [s.strip() for s in (args.locales or "").split(",") if s.strip()]
    a, b = comparison_sides(topic, sides, args.edition, comparison_words)
    report = compare_report(topic, a, b, align_segments(a, b))
    if args.json:
        emit_json(report)
        return 0
    table = Table(title=f"{escape(topic.id)}: {escape(a.path)} ({a.locale}) ↔ {escape(b.path)} ({b.locale})")
    for col in ("a", "text", "b", "text", "score"):
        table.add_column(col, overflow="fold")
    for pair in report["pairs"]:
        sa, sb = pair["a"] or {"segment": "—", "text": ""}, pair["b"] or {"segment": "—", "text": ""}
        table.add_row(escape(sa["segment"]), escape(sa["text"]), escape(sb["segment"]), escape(sb["text"]),
                      f"{pair['score']:.2f}" if pair["a"] and pair["b"] else "unmatched")
    console().print(table)
    return 0


# --- build, search, serve (issue 4) ---------------------------------------------------------------


def positive_int(name: str) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            return int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"--{name} must be a whole number, not '{value}'") from None

    return parse


def _build_args(p: argparse.ArgumentParser) -> None:
    import os

    p.add_argument("--content", required=True, help="the content folder")
    p.add_argument("--build", required=True, help="the build folder (OUT): releases, current, index, site")
    p.add_argument("--jobs", type=jobs_arg, default=os.cpu_count() or 1, help="parser processes")
    p.add_argument("--base-url", default="/", help="URL path the site is served from (default /)")
    p.add_argument("--link-base", default=LINK_BASE,
                   help="where links to other docsets (/azure/…, xref:) go; {locale} is the page's "
                   "(default https://learn.microsoft.com/{locale}; '' shows them as missing)")
    p.add_argument("--strict", action="store_true", help="exit 1 when any document has a problem")
    p.add_argument("--quiet", action="store_true", help="no progress bars or progress lines on stderr")
    p.add_argument("--clean", action="store_true",
                   help="reuse nothing: no file of a previous release, no parse cache (a build from scratch)")
    p.add_argument("--lexicon", metavar="FILE",
                   help="a curated bilingual lexicon (TSV or YAML: term, language, translation, translation_language, "
                   "weight) merged over the one mined from the content (`kb export lexicon` writes one)")


def check_link_base(value: str) -> str:
    """``--link-base``: empty, or an http(s) URL that a link can hold."""
    from kb.errors import InvalidParameter

    if value and (not value.lower().startswith(("http://", "https://")) or any(c in value for c in "\"'<> \\")):
        raise InvalidParameter(f"--link-base must be empty or an http(s):// URL, not '{value}'")
    return value


@command("build", "parse, align, index and render a content folder, and publish it atomically", _build_args)
def cmd_build(args: argparse.Namespace) -> int:
    from kb.build.pipeline import build
    from kb.output.options import BuildOptions
    from kb.progress import reporter

    lexicon = None
    if args.lexicon:  # (read now: a bad file stops the build before any work, naming its line)
        from pathlib import Path

        from kb.align.lexicon import read_curated

        lexicon = Path(args.lexicon).resolve()
        read_curated(lexicon)
    with reporter(quiet=args.quiet) as progress:
        options = BuildOptions(jobs=args.jobs, base_url=args.base_url, link_base=check_link_base(args.link_base),
                               parse_cache=not args.clean, incremental=not args.clean, lexicon=lexicon)
        result = build(args.content, args.build, options, progress)
    from rich.markup import escape as escape_markup  # paths and messages come from the files

    corpus = result.corpus
    out = console()
    for p in corpus.problems:
        where = f"{p.path}:{p.line}" if p.line else p.path
        out.print(f"[yellow]problem[/] {escape_markup(where)}: {escape_markup(p.message)}", markup=True)
    for warning in result.warnings:  # a damaged file of the previous release, written afresh
        out.print(f"[yellow]warning[/] {escape_markup(warning)}", markup=True, soft_wrap=True)
    if not corpus.documents:  # (a folder of other files, or the wrong one: said, not published in silence)
        out.print(f"[yellow]warning[/] no documents in '{escape_markup(args.content)}': kb reads .md, .markdown "
                  "and .txt files and DocFX YAML pages (those of a docfx.json's content groups when there is one)",
                  markup=True, soft_wrap=True)
    stages = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in result.timings.items())
    out.print(f"built {len(corpus.documents)} documents, {len(result.alignment.topics)} topics, "
              f"{len(corpus.problems)} problems in {result.seconds:.1f}s ({stages})\n"
              f"published {result.release}", markup=False, soft_wrap=True)
    return 1 if args.strict and (corpus.problems or not corpus.documents) else 0


def _verify_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--build", required=True, help="the build folder given to kb build")
    p.add_argument("--json", action="store_true", help="print JSON (see README for the shape)")
    p.add_argument("--sizes-only", action="store_true", help="check sizes only, not hashes (quick)")


@command("verify", "check the published release's index files against the sizes and hashes its manifest "
         "records; exit 1 when one is damaged", _verify_args)
def cmd_verify(args: argparse.Namespace) -> int:
    from kb.build.verify import verify_build

    report = verify_build(args.build, hashes=not args.sizes_only)
    if args.json:
        emit_json(report)
    elif report["damaged"]:
        for d in report["damaged"]:
            print(f"damaged: {d['file']} {d['problem']}")
        print(f"release {report['release']}: {len(report['damaged'])} of {report['checked']} files damaged; "
              "rebuild with kb build")
    else:
        print(f"release {report['release']}: healthy ({report['checked']} files checked)")
    return 1 if report["damaged"] else 0


def _search_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", help="words, \"phrases\", title:word, -word, prefix* (see README)")
    p.add_argument("--build", required=True, help="the build folder given to kb build")
    p.add_argument("--locale", help="answer in this locale (pt-BR, …), or auto for the query's language")
    p.add_argument("--edition", help="only documents of this edition (global, 21vianet, …)")
    p.add_argument("--limit", type=positive_int("limit"), default=10, help="results per page (1-100)")
    p.add_argument("--page", type=positive_int("page"), default=1, help="page number, from 1")
    p.add_argument("--fallback", help="with --locale: the locales answering, in order, for a topic the locale lacks "
                   "(comma-separated), or none (default: the closest languages first)")
    p.add_argument("--explain", action="store_true",
                   help="show which translated words of the query each result matched")
    p.add_argument("--json", action="store_true", help="print JSON (see README for the shape)")


@command("search", "search the index of a build, grouped by topic", _search_args)
def cmd_search(args: argparse.Namespace) -> int:
    import re
    from html import unescape
    from pathlib import Path

    from rich.markup import escape

    from kb.search.query import search

    result = search(Path(args.build) / "index", args.query, locale=args.locale, edition=args.edition,
                    limit=args.limit, page=args.page, fallback=args.fallback, explain=args.explain)
    if args.json:
        emit_json(result.as_dict())
        return 0
    out = console()
    out.print(f"{result.total} topics for {args.query!r} (page {result.page} of {max(result.pages, 1)}"
              f"{', any word' if result.match == 'any' else ''})", markup=False, soft_wrap=True)
    for n, hit in enumerate(result.results, start=(result.page - 1) * result.limit + 1):
        parts = re.split(r"</?mark>", hit.snippet)
        snippet = "".join(f"[bold]{escape(unescape(t))}[/]" if i % 2 else escape(unescape(t))
                          for i, t in enumerate(parts))
        others = ", ".join(f"{t.locale} ({'/'.join(t.editions)})" for t in hit.translations)
        missing = f" · not available in {result.locale}" if hit.fallback else ""
        out.print(f"{n}. [bold]{escape(hit.title)}[/] [dim]{hit.locale} · {', '.join(hit.editions)} · "
                  f"{hit.score:.2f}{missing}[/]\n   {escape(hit.url)}\n   {snippet}\n"
                  f"   [dim]also: {escape(others)}[/]", soft_wrap=True)
        for t in hit.explain or ():
            out.print(f"   translated: {t['word']} ({t['language']}) → {t['translation']} "
                      f"({t['translation_language']}, {t['weight']:g}) in {', '.join(t['locales'])}",
                      markup=False, soft_wrap=True)
    for suggestion in result.suggestions:
        out.print(f"did you mean: {suggestion}", markup=False)
    return 0


def _serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--build", required=True, help="the build folder given to kb build")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=positive_int("port"), default=8000, help="port (default 8000)")
    p.add_argument("--watch", action="store_true",
                   help="build --content now and again after each change to its files (incremental)")
    p.add_argument("--content", help="the content folder to watch (with --watch)")
    p.add_argument("--jobs", type=jobs_arg, default=1, help="build processes for --watch (default 1)")
    p.add_argument("--base-url", default="/", help="URL path of the site, for --watch builds (default /)")
    p.add_argument("--link-base", default=LINK_BASE, help="where links to other docsets go, for --watch builds "
                   "(as kb build --link-base)")
    p.add_argument("--access-log", metavar="FILE|-", help="append one JSON line per request to FILE (- : stdout)")
    p.add_argument("--read-timeout", type=float, default=10.0, metavar="SECONDS",
                   help="close a connection whose request has not arrived whole after this long (default 10)")
    p.add_argument("--keep-alive", type=int, default=5, metavar="SECONDS",
                   help="close a connection idle for this long between requests (default 5)")


@command("serve", "serve the site and the query API of a build (picks up new builds live)", _serve_args)
def cmd_serve(args: argparse.Namespace) -> int:
    from kb.serve.server import serve

    if args.watch and not args.content:
        from kb.errors import InvalidParameter

        raise InvalidParameter("--watch needs --content: the folder to watch and build")
    serve(args.build, args.host, args.port, args.content if args.watch else None, args.jobs, args.base_url,
          access_log=args.access_log, read_timeout=args.read_timeout, keep_alive=args.keep_alive,
          link_base=check_link_base(args.link_base))
    return 0


# --- argument parsing ----------------------------------------------------------------------------


def version() -> str:
    """The installed distribution's version (``unknown`` when kb runs from a source tree not installed)."""
    from importlib import metadata

    try:
        return metadata.version("kb")
    except metadata.PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kb", description="A multilingual documentation knowledge base.")
    parser.add_argument("--version", action="version", version=f"kb {version()}", help="print kb's version")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help, arguments, _) in COMMANDS.items():
        arguments(sub.add_parser(name, help=help, description=help))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command][2](args)
    except KbError as exc:
        print(f"kb {args.command}: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def run() -> None:
    """The ``kb`` command and ``python -m kb``: :func:`main`, then exit without freeing the heap object
    by object. After a build that took ~0.2 s of an 11 s build, and nothing is left to do once the
    output is flushed (as mypy's ``hard_exit`` does). While another thread still runs (``kb serve``'s
    prune of old releases), the process exits as usual, waiting for it."""
    # NumPy's OpenBLAS keeps a thread per core that spins after each product for a while: kb's products
    # are small (language detection, the lexicon), its processes already take every core, and the
    # spinning took ~0.5 s of CPU a dev-corpus build. Set before anything imports NumPy; the build's
    # writers inherit it.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # (a pipe the reader closed)
            stream.flush()
    if threading.active_count() == 1:
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    run()
