"""kb.locales: the language identifier loaded in the background (what a build starts before it aligns)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest

from kb import locales, memos

PORTUGUESE = "Os parceiros podem adicionar novos clientes e gerenciar as assinaturas deles no Partner Center."


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Each time py3langid reads its model file (a thread's name per read), from an empty memo."""
    import py3langid.langid as langid

    memos.forget("language-identifiers")
    locales._wait_for_loader()
    seen: list[str] = []
    real = langid.LanguageIdentifier.from_model_file.__func__  # type: ignore[attr-defined]

    def counted(cls: type, *args: object, **kwargs: object) -> object:
        seen.append(threading.current_thread().name)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(langid.LanguageIdentifier, "from_model_file", classmethod(counted))
    yield seen
    locales._wait_for_loader()
    memos.forget("language-identifiers")


def test_a_detection_waits_for_the_background_load(reads: list[str]) -> None:
    locales.preload_in_background(("pt", "es", "it"))
    assert locales.detect(PORTUGUESE, ("it", "es", "pt"))[0] == "pt-BR"
    assert reads == ["kb-langid"]  # read once, by the thread: the detection used what it made
    assert locales._loader is None  # (waited for, and forgotten: later detections do not wait)


def test_identifiers_for_other_languages_share_the_model_read_once(reads: list[str]) -> None:
    assert locales.detect(PORTUGUESE, ("pt", "es"))[0] == "pt-BR"
    assert locales.detect(PORTUGUESE, ("it", "es"))[0] in {"it-IT", "es-ES"}  # (restricted: no Portuguese)
    english = locales.detect("Partners can add new customers in Partner Center.", ("en", "pt"))
    assert locales.language(english[0]) == "en"
    assert locales.detect(PORTUGUESE, ("es", "pt"))[0] == "pt-BR"
    assert reads == ["MainThread"]
    assert locales._identifier.cache_info().currsize == 4  # type: ignore[attr-defined]  # the model, three sets


def test_a_fork_waits_for_the_load_so_the_child_has_the_whole_model(reads: list[str]) -> None:
    locales.preload_in_background(("pt", "ru"))
    pid = os.fork()  # at once: the load has barely begun
    if pid == 0:  # the child: the identifier is there, made by the parent before it forked
        os._exit(0 if locales._identifier.cache_info().currsize == 2 else 3)  # type: ignore[attr-defined]
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert locales._loader is None
    assert locales.detect("Партнеры могут добавлять новых клиентов в Центре партнеров.", ("ru", "pt"))[0] == "ru-RU"
    assert reads == ["kb-langid"]  # read before the fork, in the thread, and not again


def test_a_failed_background_load_is_reported_by_the_detection_that_needs_it(reads: list[str]) -> None:
    locales.preload_in_background(("pt", "xx"))  # no such language: the thread's load fails, quietly
    with pytest.raises(ValueError, match="xx"):
        locales.detect(PORTUGUESE, ("xx", "pt"))
    assert reads == ["kb-langid"]  # (the model itself was read; only the restriction failed)


@pytest.mark.parametrize(
    ("path", "locale", "under"),
    [
        ("pt-br/a/b.md", "pt-BR", "a/b.md"),
        ("docs/ru-RU/a.md", "ru-RU", "a.md"),
        # localized repositories cloned side by side under their own names
        ("sql-docs.pt-br/docs/relational-databases/a.md", "pt-BR", "docs/relational-databases/a.md"),
        ("microsoft-graph-docs.ru-RU/concepts/paging.md", "ru-RU", "concepts/paging.md"),
        ("v1.0/api/a.md", None, "v1.0/api/a.md"),  # a version, not a locale
        ("docs/api.version-2/a.md", None, "docs/api.version-2/a.md"),
        ("readme.md", None, "readme.md"),
    ],
)
def test_the_locale_a_folder_names(path: str, locale: str | None, under: str) -> None:
    assert locales.locale_from_path(path) == locale
    assert locales.strip_locale_folder(path) == under
