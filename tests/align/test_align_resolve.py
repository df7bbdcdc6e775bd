"""The resolver (kb.align.resolve): one set of look-up rules, each caller's words. A table of names →
the topic, document or error each caller answers: ``kb compare`` (CLI), the HTTP API, the
``--topic``/``--locale`` options of ``kb check`` and ``kb export``, and a search's ``locale``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kb.align.resolve import (
    Refusal,
    TopicIndex,
    comparison_sides,
    content_locale,
    edition_name,
    read_side_key,
    serving_member,
    side,
    side_key,
)
from kb.align.topics import align
from kb.cli import compare_lookups
from kb.errors import InvalidParameter, KbError, NotFound
from kb.model import Topic
from kb.quality.context import OPTION_LOCALE, OPTION_TOPIC
from kb.search.request import UNKNOWN_LOCALE
from kb.serve.api import SIDE as API_SIDE
from kb.serve.api import TOPIC as API_TOPIC
from tests.conftest import SEED_ES, SEED_IT, SEED_PT, SEED_PT_21V, SEED_RU

CLI_TOPIC, CLI_COMPARE = compare_lookups()
CLI_SIDE = CLI_COMPARE.sides
ID = "c8b58255-2c7d-4338-a5b0-572bc0f54c0d"
HAVE = "es-ES, it-IT, pt-BR, ru-RU"


@pytest.fixture(scope="module")
def topic(seeds) -> Topic:
    return align(list(seeds.values())).topics[0]


def outcome(call: Callable[[], Any]) -> Any:
    """What a look-up answers: a topic's id, a document's path, or (error class, message)."""
    try:
        found = call()
    except KbError as exc:
        return type(exc), exc.message
    return found.id if isinstance(found, Topic) else found.path


# --- topics --------------------------------------------------------------------------------------

CLI_NO_TOPIC = "TOPIC: no topic '{}' (give a topic id, slug or document path; `kb topics` lists them)"
API_NO_TOPIC = "no topic '{}' (by id or slug); GET /api/topics lists them"
OPTION_NO_TOPIC = "--topic: no topic '{}' in the content (give a topic id or slug)"


@pytest.mark.parametrize(
    ("name", "cli", "api", "option"),
    [
        ("multichannel-support", ID, ID, ID),
        (ID, ID, ID, ID),
        (ID.upper(), ID, (NotFound, API_NO_TOPIC.format(ID.upper())), ID),
        ("MULTICHANNEL-SUPPORT", (NotFound, CLI_NO_TOPIC.format("MULTICHANNEL-SUPPORT")),
         (NotFound, API_NO_TOPIC.format("MULTICHANNEL-SUPPORT")), ID),
        (" multichannel-support ", ID, (NotFound, API_NO_TOPIC.format(" multichannel-support ")),
         (InvalidParameter, OPTION_NO_TOPIC.format(" multichannel-support "))),
        (SEED_PT_21V, ID, (NotFound, API_NO_TOPIC.format(SEED_PT_21V)),
         (InvalidParameter, OPTION_NO_TOPIC.format(SEED_PT_21V))),
        ("nope", (NotFound, CLI_NO_TOPIC.format("nope")), (NotFound, API_NO_TOPIC.format("nope")),
         (InvalidParameter, OPTION_NO_TOPIC.format("nope"))),
    ],
)
def test_a_topic_by_name_in_each_callers_words(topic, name, cli, api, option):
    index = TopicIndex([topic])
    assert outcome(lambda: index.find(name, CLI_TOPIC)) == cli
    assert outcome(lambda: index.find(name, API_TOPIC)) == api
    assert outcome(lambda: index.find(name, OPTION_TOPIC)) == option


@pytest.mark.parametrize(
    ("ids_slugs", "cli", "api", "option"),
    [
        # "billing" is one topic's id and the other's slug: each caller keeps the winner it always had
        ([("aaa", "billing"), ("billing", "azure-billing")], "aaa", "billing", "aaa"),
        ([("billing", "azure-billing"), ("zzz", "billing")], "billing", "billing", "zzz"),
    ],
)
def test_which_topic_wins_when_a_slug_is_another_topics_id(topic, ids_slugs, cli, api, option):
    index = TopicIndex([Topic(id_, slug, topic.members) for id_, slug in ids_slugs])
    assert outcome(lambda: index.find("billing", CLI_TOPIC)) == cli
    assert outcome(lambda: index.find("billing", API_TOPIC)) == api
    assert outcome(lambda: index.find("billing", OPTION_TOPIC)) == option


def test_select_names_each_topic_once_in_the_order_named_and_all_by_default(topic):
    other = Topic("other", "other-slug", topic.members)
    index = TopicIndex([topic, other])
    assert index.select([], OPTION_TOPIC) == [topic, other]
    assert index.select(["other-slug", ID, "multichannel-support", "OTHER"], OPTION_TOPIC) == [other, topic]


# --- locales of the content ----------------------------------------------------------------------


def option_error(name: str) -> tuple[type[KbError], str]:
    return InvalidParameter, f"--locale: '{name}' is not a locale of the content ({HAVE})"


def search_error(name: str) -> tuple[type[KbError], str]:
    return InvalidParameter, f"unknown locale '{name}' for 'locale': use auto or one of {HAVE}"


@pytest.mark.parametrize(
    ("name", "option", "search"),
    [
        ("pt-BR", "pt-BR", "pt-BR"),
        ("pt", "pt-BR", "pt-BR"),
        ("PT_br", "pt-BR", "pt-BR"),
        (" ru-ru ", "ru-RU", "ru-RU"),
        ("fr-FR", option_error("fr-FR"), search_error("fr-FR")),
        ("xx_yy_zz", option_error("xx_yy_zz"), search_error("xx_yy_zz")),
    ],
)
def test_a_locale_of_the_content_for_the_options_and_for_a_search(name, option, search):
    def found(refusal: Refusal) -> Any:
        try:
            return content_locale(name, HAVE.split(", "), refusal)
        except KbError as exc:
            return type(exc), exc.message

    assert found(OPTION_LOCALE) == option
    assert found(UNKNOWN_LOCALE) == search


@pytest.mark.parametrize(
    ("value", "strip", "expected"),
    [(None, False, None), ("", True, None), ("21Vianet", False, "21vianet"), (" global ", True, "global"),
     (" global ", False, " global ")],
)
def test_edition_name(value, strip, expected):
    assert edition_name(value, strip) == expected


# --- comparison sides ----------------------------------------------------------------------------


def cli_error(error: type[KbError], message: str) -> tuple[type[KbError], str]:
    return error, "--locales: " + message


@pytest.mark.parametrize(
    ("spec", "edition", "cli", "api"),
    [
        ("pt-BR", None, SEED_PT, SEED_PT),
        ("pt", None, SEED_PT, SEED_PT),
        ("ru_ru", None, SEED_RU, SEED_RU),
        ("pt-BR:21vianet", None, SEED_PT_21V, SEED_PT_21V),
        ("pt-BR", "21VIANET", SEED_PT_21V, SEED_PT_21V),
        ("pt-BR:germany", "21vianet", SEED_PT, SEED_PT),
        ("es-ES:", "germany", SEED_ES, SEED_ES),
        ("pt-br-21vianet", None, cli_error(InvalidParameter, "'pt-br-21vianet' is not a locale (such as pt-BR)"),
         SEED_PT_21V),
        (" pt-BR : 21vianet ", None, SEED_PT_21V,
         (NotFound, f"topic '{ID}' has no pt-BR document of edition ' 21vianet ' ('a')")),
        ("it-IT", " germany", SEED_IT, (NotFound, f"topic '{ID}' has no it-IT document of edition ' germany' ('a')")),
        ("fr-FR", None, cli_error(NotFound, f"topic '{ID}' has no fr-FR document; it has {HAVE}"),
         (NotFound, f"topic '{ID}' has no locale 'fr-FR' for 'a': it has {HAVE}")),
        ("xx_yy_zz", None, cli_error(InvalidParameter, "'xx_yy_zz' is not a locale (such as pt-BR)"),
         (NotFound, f"topic '{ID}' has no locale 'xx_yy_zz' for 'a': it has {HAVE}")),
        ("ru-RU:21vianet", None,
         cli_error(NotFound, f"topic '{ID}' has no ru-RU document of edition '21vianet'; ru-RU has germany, global"),
         (NotFound, f"topic '{ID}' has no ru-RU document of edition '21vianet' ('a')")),
        ("", None, cli_error(InvalidParameter, "'' is not a locale (such as pt-BR)"),
         (InvalidParameter, f"'a' is missing: give a locale of the topic ({HAVE})")),
    ],
)
def test_a_side_in_each_callers_words(topic, spec, edition, cli, api):
    assert outcome(lambda: side(topic, spec, edition, "--locales", CLI_SIDE)) == cli
    assert outcome(lambda: side(topic, spec, edition, "a", API_SIDE)) == api


def test_the_api_reads_back_every_side_key_the_site_writes(topic):
    for member in topic.members:
        key = side_key(topic, member)
        assert side(topic, key, None, "a", API_SIDE) is member.document
    assert read_side_key(topic, "pt-br-21vianet") == ("pt-BR", "21vianet")
    assert read_side_key(topic, "pt-br") is None


@pytest.mark.parametrize(
    ("specs", "edition", "expected"),
    [
        ([], None, (SEED_ES, SEED_IT)),
        (["pt-BR", "ru-RU"], None, (SEED_PT, SEED_RU)),
        (["pt-BR"], None, (SEED_PT, SEED_PT_21V)),
        (["pt-BR"], "global,21vianet", (SEED_PT, SEED_PT_21V)),
        (["ru-RU"], None, (InvalidParameter, f"--locales: topic '{ID}' has one ru-RU document ({SEED_RU}); "
                                             "name a second locale")),
        (["pt-BR", "pt-BR"], None, (InvalidParameter, f"--locales/--edition: both sides are {SEED_PT}; "
                                                      "name two locales or two editions")),
        (["a", "b", "c"], None, (InvalidParameter, "--locales and --edition take at most two values each, "
                                                   "one for each side")),
        (["pt-BR"], "global,moon", (NotFound, f"--edition: topic '{ID}' has no pt-BR document of edition 'moon'; "
                                              "pt-BR has 21vianet, germany, global")),
    ],
)
def test_the_two_sides_of_kb_compare(topic, specs, edition, expected):
    def paths() -> Any:
        a, b = comparison_sides(topic, specs, edition, CLI_COMPARE)
        return a.path, b.path

    try:
        found: Any = paths()
    except KbError as exc:
        found = type(exc), exc.message
    assert found == expected


# --- the member serving a locale -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "editions", "prefer", "expected"),
    [
        ("pt-BR", (), None, SEED_PT),
        ("pt-BR", ("21vianet",), None, SEED_PT_21V),
        ("pt-BR", ("global", "21vianet"), SEED_PT_21V, SEED_PT_21V),
        ("ru-RU", ("21vianet",), None, SEED_RU),
        ("fr-FR", (), None, None),
    ],
)
def test_serving_member(topic, locale, editions, prefer, expected):
    prefer_doc = next((d for d in topic.documents if d.path == prefer), None)
    member = serving_member(topic, locale, editions, prefer_doc)
    assert (member.document.path if member else None) == expected
