"""Synthetic corpora for the benchmark: the dev corpus copied ``scale`` times, every copy different.

Copy ``k`` of ``<locale>/<section>/<file>`` is written to ``<locale>/<section>-<kkk>/<file>``, so paths
are unique and every locale folder keeps its TOC files (copied verbatim: their links stay valid inside
the copied section). In each article copy:

* ``ms.assetid`` becomes a new UUID derived from (seed, copy, old assetid): the four translations of
  a copy still share one, and no two copies do;
* numbers in the text are replaced by others of the same length, the same way in every locale of the
  article (so translations of a copy still agree on their numbers);
* about one word in seven (in the title, description, keywords and body) is swapped for another word
  of the same document, so the text stays in its language and the statistics of the index stay real;
* Markdown and HTML structure, link targets, inline code, dates, the "Applies to" block (the editions
  an article is for) and the rest of the front matter are left alone.

Generation is deterministic for a (source, scale, seed); a finished corpus carries a stamp file and is
reused by later runs. ``python bench/synth.py --scale 10`` prints the folder it wrote.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import sys
import tempfile
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_CORPUS = ROOT.parent / "shared" / "corpus" / "partner-center-2019"
DEFAULT_BASE = Path(tempfile.gettempdir()) / "kb-bench"
SYNTH_VERSION = 3  # bump when the output of the same (source, scale, seed) changes
STAMP = ".synth.json"
WORD_RATE = 1 / 7

_LOCALE_DIR = re.compile(r"^[a-z]{2,3}-[a-z]{2}$", re.I)
_FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.S)
_FM_TEXT_KEYS = re.compile(r"^(title|description|keywords)(\s*:\s*)(.*)$", re.M)
# An assetid value (quoted or not); ``ms.assetid: ''`` means none and stays none.
_ASSETID = re.compile(r"^(ms\.assetid\s*:\s*['\"]?)([0-9A-Fa-f-]{8,})(?=['\"]?\s*$)", re.M | re.I)
# Spans never touched: code, link targets and reference labels, tags, URLs, entities, DocFX markers,
# ordered-list numbers, reference-link definitions.
_PROTECTED = re.compile(
    r"`[^`\n]*`|\]\([^)\n]*\)|\]\[[^\]\n]*\]|<[^>\n]*>|https?://\S+|&#?\w+;|\[![A-Za-z]+|:::[^\n]*"
    r"|^[ \t]*\d+[.)](?=[ \t])|^[ \t]*\[[^\]\n]+\]:[^\n]*"
    # A list right under a bold line: the "Applies to" block, which names the editions ("21Vianet" is a
    # name, not a number): perturbed, a copy of a 21Vianet article was no longer one.
    r"|^\*\*[^*\n]+\*\*[ \t]*\n(?:[ \t]*\n)*(?:[ \t]*[-*+][ \t][^\n]*\n(?:[ \t]*\n)*)+",
    re.M,
)
_WORD = re.compile(r"[^\W\d_]{4,}")
_NUMBER = re.compile(r"\d+")
_FENCE = re.compile(r"^[ \t]*(```|~~~)", re.M)


def corpus_dir(scale: int, seed: int, base: Path = DEFAULT_BASE) -> Path:
    return base / f"corpus-x{scale}-seed{seed}"


# --- one document ------------------------------------------------------------------------------


class Perturber:
    """Deterministic rewrites of one copy of one article in one locale."""

    def __init__(self, seed: int, copy: int, article: str, locale_path: str, vocabulary: list[str]) -> None:
        self.number_key = f"{seed}:{copy}:{article}"  # shared by the locales of an article
        self.rng = random.Random(f"{seed}:{copy}:{locale_path}")
        self.vocabulary = vocabulary

    def number(self, m: re.Match[str]) -> str:
        digits = m.group(0)
        h = hashlib.blake2b(f"{self.number_key}:{digits}".encode(), digest_size=8).digest()
        value = int.from_bytes(h, "big")
        new = str(value % 10 ** len(digits)).zfill(len(digits))
        if digits[0] != "0" and new[0] == "0":  # keep the magnitude: no new leading zero
            new = str(1 + value % 9) + new[1:]
        return new

    def word(self, m: re.Match[str]) -> str:
        w = m.group(0)
        if not self.vocabulary or self.rng.random() >= WORD_RATE:
            return w
        new = self.rng.choice(self.vocabulary)
        if w[0].isupper():
            new = new.upper() if w.isupper() and len(w) > 1 else new[0].upper() + new[1:]
        return new

    def text(self, text: str) -> str:
        """Perturb the words and numbers of ``text`` outside protected spans."""
        out: list[str] = []
        pos = 0
        for m in _PROTECTED.finditer(text):
            out.append(self._free(text[pos : m.start()]))
            out.append(m.group(0))
            pos = m.end()
        out.append(self._free(text[pos:]))
        return "".join(out)

    def _free(self, s: str) -> str:
        return _NUMBER.sub(self.number, _WORD.sub(self.word, s))


def new_assetid(seed: int, copy: int, assetid: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"kb-synth:{seed}:{copy}:{assetid.lower()}")).upper()


def perturb_document(text: str, *, seed: int, copy: int, article: str, locale_path: str) -> str:
    """One article's copy ``copy``; ``article`` is its path without the locale folder."""
    m = _FRONT.match(text)
    front, body = (m.group(1), text[m.end() :]) if m else (None, text)
    # Replacement words come from the body's prose only: not from markup, URLs or metadata.
    prose = _PROTECTED.sub(" ", body)
    vocabulary = sorted({w.lower() for w in _WORD.findall(prose) if w.isalpha() and not w.isupper()})
    p = Perturber(seed, copy, article, locale_path, vocabulary)
    parts: list[str] = []
    if front is not None:
        front = _ASSETID.sub(lambda a: a.group(1) + new_assetid(seed, copy, a.group(2)), front)
        front = _FM_TEXT_KEYS.sub(lambda f: f.group(1) + f.group(2) + p.text(f.group(3)), front)
        parts.append(f"---\n{front}---\n")
    # Fenced code stays verbatim: split on fences and perturb every other piece.
    pieces = _split_fences(body)
    parts.extend(piece if is_code else p.text(piece) for piece, is_code in pieces)
    return "".join(parts)


def _split_fences(body: str) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    pos, in_code = 0, False
    for m in _FENCE.finditer(body):
        out.append((body[pos : m.start()], in_code))
        pos, in_code = m.start(), not in_code
    out.append((body[pos:], in_code))
    return out


# --- a whole corpus -----------------------------------------------------------------------------


def source_files(source: Path) -> list[tuple[str, str, str]]:
    """(locale folder, section folder, path inside the section) of every file to copy."""
    out = []
    for locale in sorted(p for p in source.iterdir() if p.is_dir() and _LOCALE_DIR.match(p.name)):
        for section in sorted(p for p in locale.iterdir() if p.is_dir()):
            for f in sorted(section.rglob("*")):
                if f.is_file():
                    out.append((locale.name, section.name, f.relative_to(section).as_posix()))
    return out


def _write_copy(args: tuple[str, str, int, int]) -> int:
    source_s, dest_s, seed, copy = args
    source, dest = Path(source_s), Path(dest_s)
    n = 0
    for locale, section, inner in source_files(source):
        src = source / locale / section / inner
        out = dest / locale / f"{section}-{copy:03d}" / inner
        out.parent.mkdir(parents=True, exist_ok=True)
        if src.suffix.lower() != ".md" or src.name.lower() == "toc.md":
            shutil.copyfile(src, out)
            continue
        text = src.read_text(encoding="utf-8")
        out.write_text(
            perturb_document(text, seed=seed, copy=copy, article=f"{section}/{inner}",
                             locale_path=f"{locale}/{section}/{inner}"),
            encoding="utf-8",
        )
        n += 1
    return n


def stamp_for(source: Path, scale: int, seed: int) -> dict[str, object]:
    return {"version": SYNTH_VERSION, "source": str(source.resolve()), "scale": scale, "seed": seed,
            "files": len(source_files(source))}


def generate(scale: int, seed: int = 7, source: Path = DEV_CORPUS, base: Path = DEFAULT_BASE,
             jobs: int = os.cpu_count() or 1) -> Path:
    """The folder of the ``scale``× corpus, generated now unless an identical one exists."""
    dest = corpus_dir(scale, seed, base)
    stamp = stamp_for(source, scale, seed)
    if (dest / STAMP).is_file() and json.loads((dest / STAMP).read_text()) == stamp:
        return dest
    tmp = dest.with_name(dest.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    work = [(str(source), str(tmp), seed, k) for k in range(scale)]
    if jobs > 1 and scale > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(_write_copy, work))
    else:
        for w in work:
            _write_copy(w)
    (tmp / STAMP).write_text(json.dumps(stamp), encoding="utf-8")
    shutil.rmtree(dest, ignore_errors=True)
    os.replace(tmp, dest)
    return dest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--scale", type=int, required=True, help="copies of the dev corpus (10, 100)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--source", type=Path, default=DEV_CORPUS)
    ap.add_argument("--out", type=Path, default=DEFAULT_BASE, help=f"parent folder (default {DEFAULT_BASE})")
    args = ap.parse_args(argv)
    if args.scale < 1:  # before the corpus: a bad argument is refused wherever it runs
        print("synth: --scale must be at least 1", file=sys.stderr)
        return 2
    if not args.source.is_dir():
        print(f"synth: the source corpus '{args.source}' is not a folder", file=sys.stderr)
        return 2
    print(generate(args.scale, args.seed, args.source, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
