"""Product terms: the glossary (:class:`Glossary`, its terms and their renderings per locale) and
the file a user keeps it in. The terms are mined from the corpus by :mod:`kb.quality.term_mining` and
checked for consistency (one term rendered two ways across a locale's documents) by
:mod:`kb.quality.term_check`.

The glossary file (YAML, written by ``kb export glossary``)::

    terms:
      - term: Partner Center
        locales:
          es-ES:
            variants: [Centro de partners, Partner Center]
            preferred: Centro de partners   # optional: the rendering every document should use
          it-IT: [Centro per i partner, Partner Center]   # a plain list: variants, none preferred
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kb import locales
from kb.errors import InvalidParameter, KbError
from kb.ingest.textfiles import read_option_file


class GlossaryError(KbError):
    """A glossary file that cannot be read; the message names the file and line."""

    code = "invalid_glossary"
    status = 400


@dataclass(frozen=True, slots=True)
class TermLocale:
    """How one locale renders a term."""

    locale: str
    """BCP 47 tag such as ``es-ES``."""
    variants: tuple[str, ...]
    """Every rendering to look for in the locale's documents."""
    preferred: str | None = None
    """The rendering documents should use; None: the one most documents use."""


@dataclass(frozen=True, slots=True)
class Term:
    """One product term and its renderings per locale."""

    term: str
    """The term's name (its source form, e.g. ``Partner Center``)."""
    locales: tuple[TermLocale, ...]
    """Renderings per locale, sorted by locale."""


@dataclass(frozen=True, slots=True)
class Glossary:
    """The terms checked for consistency."""

    terms: tuple[Term, ...]
    """The terms, in file (or mining) order."""


# --- the file ------------------------------------------------------------------------------------


def to_data(glossary: Glossary) -> dict[str, Any]:
    """The glossary as plain data, in the file's shape."""
    terms = []
    for term in glossary.terms:
        locs: dict[str, Any] = {}
        for tl in term.locales:
            entry: dict[str, Any] = {"variants": list(tl.variants)}
            if tl.preferred:
                entry["preferred"] = tl.preferred
            locs[tl.locale] = entry
        terms.append({"term": term.term, "locales": locs})
    return {"terms": terms}


HEADER = """\
# kb glossary: product terms and how each locale renders them.
# `kb check --glossary FILE` reports a document that uses another rendering than the rest of its
# locale; add `preferred: …` under a locale to decide which rendering is right, add or remove
# variants, or add terms of your own.
"""


class _Dumper(yaml.SafeDumper):
    """Writes lists of renderings on one line (``variants: [a, b]``), the rest in block style."""


def _list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(x, str) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _list)


def dump(glossary: Glossary) -> str:
    body = yaml.dump(to_data(glossary), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)
    return HEADER + body


def write(glossary: Glossary, path: str | Path) -> None:
    Path(path).write_text(dump(glossary), encoding="utf-8")


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of each mapping (under the key ``__line__``)."""


def _mapping_with_line(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    data = loader.construct_mapping(node, deep=True)
    data["__line__"] = node.start_mark.line + 1
    return data


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def load(path: str | Path) -> Glossary:
    """Read a glossary file; a malformed one raises :class:`GlossaryError` naming the file and line."""
    path = Path(path)
    try:
        text = read_option_file(path, "--glossary")
    except InvalidParameter as exc:
        raise GlossaryError(str(exc)) from None
    return parse(text, str(path))


def parse(text: str, name: str = "glossary") -> Glossary:
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark is not None else name
        raise GlossaryError(f"{where}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
        raise GlossaryError(f"{name}:1: a glossary is a mapping with a 'terms' list (see the README)")
    return Glossary(tuple(_term(item, name) for item in data["terms"]))


def _term(item: Any, name: str) -> Term:
    if not isinstance(item, dict):
        raise GlossaryError(f"{name}: each entry of 'terms' is a mapping with 'term' and 'locales'")
    line = item.get("__line__", "?")
    term = item.get("term")
    if not isinstance(term, str) or not term.strip():
        raise GlossaryError(f"{name}:{line}: a term needs a 'term' name")
    locs = item.get("locales") or {}
    if not isinstance(locs, dict):
        raise GlossaryError(f"{name}:{line}: 'locales' of “{term}” is a mapping of locale → variants")
    out = []
    for loc, spec in locs.items():
        if loc == "__line__":
            continue
        tag = locales.normalize(str(loc))
        if tag is None:
            raise GlossaryError(f"{name}:{line}: “{term}”: '{loc}' is not a locale tag such as es-ES")
        out.append(_term_locale(tag, spec, f"{name}:{_line(spec, line)}: “{term}” {tag}"))
    return Term(term.strip(), tuple(sorted(out, key=lambda tl: tl.locale)))


def _line(spec: Any, default: Any) -> Any:
    return spec.get("__line__", default) if isinstance(spec, dict) else default


def _term_locale(tag: str, spec: Any, where: str) -> TermLocale:
    preferred = None
    if isinstance(spec, dict):
        preferred, spec = spec.get("preferred"), spec.get("variants", [])
        if preferred is not None and not isinstance(preferred, str):
            raise GlossaryError(f"{where}: 'preferred' is one rendering (a string)")
    if isinstance(spec, str):
        spec = [spec]
    if not isinstance(spec, list) or not all(isinstance(v, str) and v.strip() for v in spec):
        raise GlossaryError(f"{where}: 'variants' is a list of renderings (strings)")
    variants = [v.strip() for v in spec]
    if preferred and preferred.strip() not in variants:
        variants.insert(0, preferred.strip())
    if not variants:
        raise GlossaryError(f"{where}: give at least one rendering")
    return TermLocale(tag, tuple(dict.fromkeys(variants)), preferred.strip() if preferred else None)
