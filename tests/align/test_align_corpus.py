"""Alignment of the dev corpus (744 documents, four locales); skipped without ../shared.

Also the corpus renamed at random with its ``ms.assetid`` lines stripped: content alone must still
recover the topics, measured as pairwise precision and recall of "same topic" pairs.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from kb.align.topics import align
from kb.ingest.reader import ingest
from kb.model import Evidence

LOCALES = ("pt-BR", "ru-RU", "es-ES", "it-IT")
COLLISIONS = [
    ("partner-center/check-service-health.md", "partner-center/enable-mfa.md"),
    ("partner-center/consolidate-accounts.md", "partner-center/partner-center-account-setup.md"),
    ("partner-center/manual-subscription-migration.md", "partner-center/migrate-dynamics-365-to-new.md"),
]


@pytest.fixture(scope="module")
def dev_alignment(dev_corpus):
    return align(dev_corpus.documents)


def topic_by_path(alignment) -> dict[str, str]:
    return {m.document.path: t.id for t in alignment.topics for m in t.members}


def test_every_article_has_its_four_locales_in_one_topic(dev_corpus, dev_alignment):
    where = topic_by_path(dev_alignment)
    articles: dict[str, list[str]] = defaultdict(list)
    for doc in dev_corpus.documents:
        articles[doc.locale_root_path].append(doc.path)
    assert len(articles) == 186
    for rel, paths in articles.items():
        assert len(paths) == 4, rel
        assert len({where[p] for p in paths}) == 1, rel
        topic = dev_alignment.topic(where[paths[0]])
        assert topic is not None and set(topic.locales) == set(LOCALES)


def test_each_21vianet_variant_is_linked_to_its_global_article(dev_corpus, dev_alignment):
    where = topic_by_path(dev_alignment)
    paths = {d.path for d in dev_corpus.documents}
    variants = [p for p in sorted(paths) if "/Archive/China-" in p]
    linked = [p for p in variants if p.replace("/Archive/China-", "/partner-center/") in paths]
    assert (len(variants), len(linked)) == (136, 116)
    for path in linked:
        assert where[path] == where[path.replace("/Archive/China-", "/partner-center/")], path
    evidence = Counter(
        m.evidence for t in dev_alignment.topics for m in t.members if m.document.path in set(linked)
    )
    # Two articles share their assetid with their 21Vianet edition; the other 27 are linked by name.
    assert evidence == {Evidence.ASSETID: 8, Evidence.EDITION_VARIANT: 108}
    for t in dev_alignment.topics:
        for m in t.members:
            if m.evidence is Evidence.EDITION_VARIANT:
                assert 0.5 <= m.confidence <= 1.0 and m.slug == f"{t.slug}-21vianet"


def test_the_three_assetid_collisions_are_split_and_warned_about(dev_alignment):
    where = topic_by_path(dev_alignment)
    assert len(dev_alignment.warnings) == 3
    for (a, b), warning in zip(COLLISIONS, sorted(dev_alignment.warnings), strict=True):
        assert warning.startswith("ms.assetid ") and "shared by different articles" in warning
        for locale_folder in ("es-es", "it-it", "pt-br", "ru-ru"):
            pa, pb = f"{locale_folder}/{a}", f"{locale_folder}/{b}"
            assert pa in warning and pb in warning
            assert where[pa] != where[pb]
    split_ids = {where[f"pt-br/{p}"] for pair in COLLISIONS for p in pair}
    assert split_ids == {
        "partner-center-check-service-health",
        "partner-center-enable-mfa",
        "partner-center-consolidate-accounts",
        "partner-center-partner-center-account-setup",
        "partner-center-manual-subscription-migration",
        "partner-center-migrate-dynamics-365-to-new",
    }


def test_no_topic_holds_two_documents_of_one_locale_and_edition(dev_alignment):
    # 29 China-X.md join partner-center/X.md, and China-non-payment-fraud-or-misuse.md joins
    # non-payment--fraud--or-misuse.md (file names compare with runs of dashes as one).
    assert len(dev_alignment.topics) == 186 - 30
    for topic in dev_alignment.topics:
        cells = [(m.document.locale, e) for m in topic.members for e in m.document.editions]
        assert len(cells) == len(set(cells)), topic.id


def test_ids_slugs_and_member_slugs_are_unique(dev_alignment):
    topics = dev_alignment.topics
    assert len({t.id for t in topics}) == len({t.slug for t in topics}) == len(topics)
    member_slugs = [(m.document.locale, m.slug) for t in topics for m in t.members]
    assert len(member_slugs) == len(set(member_slugs))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", t.slug) for t in topics)
    multichannel = next(
        t for t in topics if any(m.document.path.endswith("/multichannel.md") for m in t.members)
    )
    assert multichannel.id == "c8b58255-2c7d-4338-a5b0-572bc0f54c0d"


# --- the corpus renamed at random, without assetids ------------------------------------------------


def ground_truth(rel: str, rels: set[str]) -> str:
    """The article a locale-root path belongs to: itself, or for ``Archive/China-X.md`` the global
    ``partner-center/X.md`` when it exists (names compared with runs of dashes as one)."""
    m = re.fullmatch(r"Archive/China-(.+)", rel)
    if m:
        wanted = re.sub(r"-+", "-", f"partner-center/{m.group(1)}")
        same = [r for r in rels if re.sub(r"-+", "-", r) == wanted]
        if same:
            return same[0]
    return rel


def pairs(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {pair for members in groups.values() for pair in itertools.combinations(sorted(members), 2)}


@pytest.mark.parametrize("layout", ["locale-folders", "flat"])
def test_random_names_without_assetids_still_recover_the_topics(corpus_dir, tmp_path, layout):
    rng = random.Random(20190501)
    truth_of: dict[str, str] = {}
    sources = sorted(p for p in Path(corpus_dir).rglob("*.md") if p.name not in ("TOC.md", "SOURCE.md"))
    rels = {p.relative_to(corpus_dir).as_posix().split("/", 1)[1] for p in sources}
    for src in sources:
        locale_folder, rel = src.relative_to(corpus_dir).as_posix().split("/", 1)
        name = f"{rng.getrandbits(64):016x}.md"
        dest = tmp_path / (f"{locale_folder}/{name}" if layout == "locale-folders" else name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        text = src.read_text(encoding="utf-8-sig")
        dest.write_text(re.sub(r"(?im)^ms\.assetid:.*\n", "", text), encoding="utf-8")
        truth_of[dest.relative_to(tmp_path).as_posix()] = ground_truth(rel, rels)
    corpus = ingest(tmp_path, jobs=2)
    assert len(corpus.documents) == 744 and all(d.assetid is None for d in corpus.documents)
    alignment = align(corpus.documents)

    truth: dict[str, list[str]] = defaultdict(list)
    for path, article in truth_of.items():
        truth[article].append(path)
    found = {t.id: [m.document.path for m in t.members] for t in alignment.topics}
    true_pairs, found_pairs = pairs(truth), pairs(found)
    precision = len(true_pairs & found_pairs) / len(found_pairs)
    recall = len(true_pairs & found_pairs) / len(true_pairs)
    print(
        f"\nrandom names ({layout}): {len(alignment.topics)} topics for {len(truth)} articles; "
        f"pairwise precision {precision:.4f}, recall {recall:.4f} ({len(true_pairs)} true pairs)"
    )
    assert precision >= 0.95 and recall >= 0.95
    for topic in alignment.topics:
        cells = [(m.document.locale, e) for m in topic.members for e in m.document.editions]
        assert len(cells) == len(set(cells))
    evidence = Counter(m.evidence for t in alignment.topics for m in t.members)
    assert set(evidence) <= {Evidence.CONTENT, Evidence.SINGLETON}
