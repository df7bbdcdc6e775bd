"""Locale tags: normalising them, finding them in paths, and detecting them from text."""

from __future__ import annotations

import contextlib
import copy
import functools
import os
import re
import threading
from collections.abc import Iterable
from typing import Any

from kb import memos

# The languages kb analyses and detects, with the region a bare language tag resolves to.
DEFAULT_REGIONS: dict[str, str] = {"pt": "BR", "ru": "RU", "es": "ES", "it": "IT"}
SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(DEFAULT_REGIONS)

_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}|\d{3}))?$")


def normalize(tag: str) -> str | None:
    """``pt-br`` / ``pt_BR`` / ``PT`` → ``pt-BR``; None when ``tag`` is not a language tag."""
    m = _TAG.match(tag.strip())
    if not m:
        return None
    lang, region = m.group(1).lower(), m.group(2)
    if region is None:
        if lang not in DEFAULT_REGIONS:
            return None
        region = DEFAULT_REGIONS[lang]
    return f"{lang}-{region.upper()}"


def language(tag: str) -> str:
    """The language subtag: ``pt-BR`` → ``pt``."""
    return tag.split("-", 1)[0].lower()


_LOCALE_FOLDER = re.compile(r"(?:[^/]+\.)?([A-Za-z]{2,3}-[A-Za-z]{2})")
"""``pt-br``, ``ru-RU``; or a localized repository cloned under its own name, ``sql-docs.pt-br``,
``microsoft-graph-docs.ru-RU`` (Microsoft names each locale's repository so)."""


def folder_locale(name: str) -> str | None:
    """The locale a folder's name says (:data:`_LOCALE_FOLDER`), normalised; None for other folders."""
    m = _LOCALE_FOLDER.fullmatch(name)
    return normalize(m.group(1)) if m else None


def is_locale_folder(name: str) -> bool:
    """True for folder names such as ``pt-br``, ``ru-RU`` or ``sql-docs.es-es`` (language and region)."""
    return folder_locale(name) is not None


def locale_from_path(path: str) -> str | None:
    """The locale named by a folder of ``path`` (the deepest one), if any."""
    parts = path.split("/")[:-1]
    for part in reversed(parts):
        if (locale := folder_locale(part)) is not None:
            return locale
    return None


@memos.cached("locale-folders")
def locale_root(path: str) -> str:
    """The folders up to and with the last locale folder (``pt-br/a/b.md`` → ``pt-br``; ``a/b.md`` → ``""``):
    where the path of :func:`strip_locale_folder` starts."""
    return path[: len(path) - len(strip_locale_folder(path))].rstrip("/")


def strip_locale_folder(path: str) -> str:
    """The path relative to its locale root: everything after the last locale folder."""
    parts = path.split("/")
    for i in range(len(parts) - 2, -1, -1):
        if is_locale_folder(parts[i]):
            return "/".join(parts[i + 1 :])
    return path


@memos.cached("language-identifiers")
def _identifier(languages: tuple[str, ...] | None) -> Any:
    """py3langid's identifier restricted to ``languages``; None: the whole model, read once, which every
    restricted one shares (a copy of its attributes but the table of the languages it keeps: reading
    the model again for another set of languages took ~0.6 s)."""
    import py3langid.langid as langid

    if languages is None:
        return langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
    ident = copy.copy(_identifier(None))
    ident.set_languages(list(languages))
    return ident


def preload(languages: Iterable[str] = SUPPORTED_LANGUAGES) -> None:
    """Load the language identifier for ``languages`` now: a process about to fork workers that detect
    languages shares one copy of its model with them (~70 MB, loaded in each worker otherwise)."""
    _identifier_for(languages)


def preload_in_background(languages: Iterable[str] = SUPPORTED_LANGUAGES) -> None:
    """Start loading the identifier for ``languages`` in a thread; whoever needs it first waits for it.

    Most of the load (~0.6 s) is unpacking the model's LZMA, which lets other threads run: a build
    starts it where one core is idle (while it aligns), instead of later where both are busy. The
    process waits for the load before it forks: a child would inherit the half-made model's locks, held
    by a thread it does not have."""
    global _loader
    _wait_for_loader()  # (one load at a time)
    _loader = threading.Thread(target=_load_quietly, args=(tuple(languages),), name="kb-langid", daemon=True)
    _loader.start()


def _load_quietly(key: tuple[str, ...]) -> None:
    with contextlib.suppress(Exception):  # the caller that needs it loads it again and reports why it failed
        _identifier_for(key)


def _wait_for_loader() -> None:
    global _loader
    loader = _loader
    if loader is not None and loader is not threading.current_thread():
        loader.join()
        _loader = None


_loader: threading.Thread | None = None
"""The thread :func:`preload_in_background` started last: whoever asks for an identifier while it runs
waits for it, instead of loading the same model beside it."""
os.register_at_fork(before=_wait_for_loader)


def _identifier_for(languages: Iterable[str]) -> Any:
    """The identifier restricted to ``languages``, one per set of languages however they are listed."""
    if _loader is not None:
        _wait_for_loader()
    return _identifier(tuple(sorted(set(languages))))


@functools.cache
def identifiable() -> frozenset[str]:
    """The languages the identifier knows (py3langid's 97: ``de``, ``ja``, ``zh``, …)."""
    _wait_for_loader()
    return frozenset(_identifier(None).nb_classes)


def detect(text: str, languages: Iterable[str] = SUPPORTED_LANGUAGES) -> tuple[str, float]:
    """Detect the locale of ``text`` among ``languages``: (``pt-BR``, confidence in [0, 1])."""
    lang, prob = _identifier_for(languages).classify(text)
    return f"{lang}-{DEFAULT_REGIONS.get(lang, lang.upper())}", float(prob)


CLOSEST: dict[str, tuple[str, ...]] = {
    "it": ("es", "pt", "fr", "ca", "ro"),
    "es": ("pt", "it", "ca", "gl", "fr"),
    "pt": ("es", "gl", "it", "fr", "ca"),
    "fr": ("it", "es", "ca", "pt"),
    "ca": ("es", "fr", "it", "pt"),
    "ro": ("it", "fr", "es", "pt"),
    "ru": ("uk", "be", "bg", "sr", "pl", "cs"),
    "uk": ("ru", "be", "pl", "bg"),
    "de": ("nl", "da", "sv", "en"),
    "nl": ("de", "en"),
    "pl": ("cs", "sk", "uk", "ru"),
    "cs": ("sk", "pl"),
}
"""Per language, the languages its readers read best after their own, closest first: the default
order in which a search answers a topic the requested locale lacks."""


def fallback_order(locale: str, present: Iterable[str]) -> tuple[str, ...]:
    """The locales of ``present`` other than ``locale``, in the order a reader of ``locale`` would
    rather read them: another region of the language, its closest languages (:data:`CLOSEST`),
    English, then the rest as listed."""
    lang = language(locale)
    others = [loc for loc in present if loc != locale]
    ranks = {other: n for n, other in enumerate((lang, *CLOSEST.get(lang, ()), "en"))}
    return tuple(sorted(others, key=lambda loc: ranks.get(language(loc), len(ranks))))
