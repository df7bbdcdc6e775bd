"""The settings of one build, which every writer of a release reads (:mod:`kb.search.index`,
:mod:`kb.site.writer`), and the memos a long-running ``kb serve --watch`` keeps between builds."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LINK_BASE = "https://learn.microsoft.com/{locale}"
"""The default ``--link-base``: Microsoft Learn, in the page's locale."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """Settings of one build."""

    jobs: int = os.cpu_count() or 1
    """Processes for parsing and rendering."""
    base_url: str = "/"
    """URL path the site is served from (``/docs/`` for a sub-path)."""
    link_base: str = LINK_BASE
    """Where links to other docsets (``/azure/…``, ``xref:``) go, ``{locale}`` replaced by the page's
    (``kb build --link-base``); empty: they are shown as not in the knowledge base."""
    parse_cache: bool = True
    """Keep parsed documents in ``OUT/.cache`` and reuse them for files whose bytes did not change."""
    incremental: bool = True
    """Reuse the files of the previous release whose data did not change (:mod:`kb.output.incremental`)."""
    previous_release: Path | None = None
    """Set by :func:`build`: the release the writers may reuse files from."""
    record_state: bool = False
    """Set by :func:`build`: writers record their fingerprints in the release for the next build."""
    prune_in_background: bool = False
    """Remove old releases in a thread after publishing (a long-running ``kb serve --watch``)."""
    recycled: Path | None = None
    """Set by :func:`build`: the release being built is a recycled older one, whose state tells what
    its files are made of (writers in RECYCLING keep what is still right)."""
    session: Session | None = None
    """Memos kept between the builds of one long-running process (``kb serve --watch``)."""
    cores_taken: Callable[[], int] | None = None
    """Set by :func:`write_outputs` for the writers that run in this process: how many cores the writers
    running in processes of their own take now. The site's pools leave them those cores: a third busy
    process on two cores finishes nothing sooner and holds its memory all the while."""


@dataclass
class Session:
    """What one long-running process (``kb serve --watch``) keeps between its builds.

    Each stage owns one memo (``session.memo("site")``) in which it may keep what it derived from
    inputs that did not change, keyed by those inputs, so that the next build redoes only the work a
    change touched. A one-off ``kb build`` has no session: it starts from the files alone."""

    memos: dict[str, dict[Any, Any]] = field(default_factory=dict)

    def memo(self, stage: str) -> dict[Any, Any]:
        return self.memos.setdefault(stage, {})
