"""The HTTP query API (FastAPI) and the static site of a build, served together by ``kb serve``.

``create_app(build_dir)`` answers ``/api/*`` from the published release of ``build_dir`` and serves
``build_dir/site`` at ``/``. Every request resolves ``OUT/index`` through ``OUT/current`` (a few
``readlink`` calls), so a new build is picked up by the next request without a restart, and requests
before the swap are answered from the old release.

Errors have one shape, ``{"error": {"code", "message"}}``, produced in one place
(:func:`install_error_handlers`): kb's own errors with their status, FastAPI's parameter validation
as 400, unknown ``/api`` routes as 404, and anything unexpected as 500 without a stack trace.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb import locales
from kb.align.resolve import By, Refusal, SideLookup, TopicLookup, side
from kb.errors import IndexDamaged, InvalidParameter, KbError, NotFound
from kb.model import Document, Topic
from kb.search.catalog import Catalog, Entry
from kb.search.query import warm
from kb.search.release import Release, open_release
from kb.search.request import DEFAULT_LIMIT
from kb.serve.admission import Lanes
from kb.serve.docs import install_docs
from kb.serve.integrity import damage_now, damaged_health
from kb.serve.security import hide_paths
from kb.serve.static import site_base, site_response

log = logging.getLogger("kb.serve.api")

MAX_URL_BYTES = 8192
"""The longest request target (path and query string) answered; longer ones get 414. A query is
at most 1,000 characters, so even percent-encoded Cyrillic (6 bytes a letter) fits."""
MAX_BODY_BYTES = 65536
"""The largest request body accepted (the API reads none); larger ones get 413."""


class SearchTimeout(KbError):
    """A search that did not finish within the server's timeout."""

    code = "search_timeout"
    status = 503


SEARCH_TIMEOUT = float(os.environ.get("KB_SEARCH_TIMEOUT", "5"))
"""Seconds a search may take, waiting for the index included, before it is answered 503."""
WARM_SECONDS = float(os.environ.get("KB_WARM_SECONDS", "5"))
"""Seconds the server may spend at start reading the longest posting lists ahead (0: none), after
opening the published release (see :func:`kb.search.query.warm`)."""

# --- response shapes (for the OpenAPI description; handlers return the same plain data) ----------


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class TranslationOut(BaseModel):
    locale: str
    editions: list[str]
    title: str
    url: str


class TranslatedOut(BaseModel):
    word: str
    language: str
    term: str
    translation: str
    translation_language: str
    weight: float
    locales: list[str] | None = None


class HitOut(BaseModel):
    topic: str
    locale: str
    editions: list[str]
    title: str
    url: str
    score: float
    snippet: str
    translations: list[TranslationOut]
    path: str
    fallback: bool
    explain: list[TranslatedOut] | None = None


class SearchOut(BaseModel):
    query: str
    total: int
    results: list[HitOut]
    suggestions: list[str]
    page: int
    limit: int
    pages: int
    locale: str | None
    edition: str | None
    match: str
    facets: dict[str, dict[str, int]]
    expansions: list[TranslatedOut] | None = None


class HealthOut(BaseModel):
    status: str
    release: str
    documents: int
    topics: int
    locales: list[str]
    editions: list[str]


class MemberOut(BaseModel):
    path: str
    locale: str
    editions: list[str]
    evidence: str
    confidence: float
    slug: str
    title: str
    url: str


class TopicOut(BaseModel):
    id: str
    slug: str
    titles: dict[str, str]
    locales: list[str]
    editions: list[str]
    documents: list[MemberOut]


class TopicsOut(BaseModel):
    total: int
    topics: list[TopicOut]
    warnings: list[str]


class SegmentOut(BaseModel):
    kind: str
    path: str
    text: str
    anchor: str | None
    level: int | None
    alert: str | None
    line: int | None


class DocumentOut(BaseModel):
    topic: str
    locale: str
    slug: str
    path: str
    url: str
    title: str
    description: str
    editions: list[str]
    assetid: str | None
    locale_source: str
    translation: dict[str, str | None]
    segments: list[SegmentOut]
    translations: list[TranslationOut]


class SideOut(BaseModel):
    path: str
    segment: str
    text: str


class PairOut(BaseModel):
    a: SideOut | None
    b: SideOut | None
    score: float


class CompareOut(BaseModel):
    topic: str
    a: Any
    b: Any
    pairs: list[PairOut]


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A missing, malformed or out-of-range parameter"},
    404: {"model": ErrorBody, "description": "No such topic, document, locale or page"},
    422: {"model": ErrorBody, "description": "Query syntax that cannot be parsed, or a query over its work budget"},
    429: {"model": ErrorBody, "description": "An expensive search while the server runs as many as it may"},
    413: {"model": ErrorBody, "description": "A request body over the limit"},
    414: {"model": ErrorBody, "description": "A request URL over the limit"},
    503: {"model": ErrorBody, "description": "No build has been published yet, or the search timed out"},
}


# --- plain data of the model ---------------------------------------------------------------------


def translation_json(entry: Entry) -> dict[str, Any]:
    doc = entry.document
    return {"locale": doc.locale, "editions": list(doc.editions), "title": doc.title, "url": entry.url}


def topic_json(topic: Topic, catalog: Catalog) -> dict[str, Any]:
    """A topic as ``kb topics --json`` gives it (id, slug, documents), with titles and URLs added."""
    documents = []
    for m in topic.members:
        entry = catalog.by_path[m.document.path]
        documents.append({
            "path": m.document.path, "locale": m.document.locale, "editions": list(m.document.editions),
            "evidence": m.evidence.value, "confidence": m.confidence, "slug": entry.slug,
            "title": m.document.title, "url": entry.url,
        })
    return {"id": topic.id, "slug": topic.slug, "titles": topic.titles, "locales": topic.locales,
            "editions": topic.editions, "documents": documents}


def document_json(entry: Entry, catalog: Catalog) -> dict[str, Any]:
    doc: Document = catalog.document(entry.document.path)  # the catalog's own copy has no segments
    tr = doc.translation
    return {
        "topic": entry.topic.id, "locale": doc.locale, "slug": entry.slug, "path": doc.path, "url": entry.url,
        "title": doc.title, "description": doc.description, "editions": list(doc.editions),
        "assetid": doc.assetid, "locale_source": doc.locale_source.value,
        "translation": {"source_hash": tr.source_hash, "source_commit": tr.source_commit, "type": tr.type,
                        "handoff": tr.handoff, "date": tr.date, "locfileid": tr.locfileid},
        "segments": [{"kind": s.kind.value, "path": s.path, "text": s.text, "anchor": s.anchor,
                      "level": s.level, "alert": s.alert, "line": s.line} for s in doc.segments],
        "translations": [translation_json(catalog.by_path[m.document.path])
                         for m in entry.topic.members if m.document.path != doc.path],
    }


# --- the API's words for the resolver (kb.align.resolve) -------------------------------------------

TOPIC = TopicLookup(
    steps=((By.ID,), (By.SLUG,)),
    unknown=Refusal(NotFound, "no topic '{key}' (by id or slug); GET /api/topics lists them"),
)
"""A topic in a URL's path: its id, else its slug, as given."""
_NO_LOCALE = Refusal(NotFound, "topic '{topic}' has no locale '{tag}' for '{parameter}': it has {locales}")
SIDE = SideLookup(
    not_a_locale=_NO_LOCALE,
    no_locale=_NO_LOCALE,
    no_edition=Refusal(NotFound, "topic '{topic}' has no {locale} document of edition '{edition}' ('{parameter}')"),
    missing=Refusal(InvalidParameter, "'{parameter}' is missing: give a locale of the topic ({locales})"),
    site_keys=True,
)
"""A side of a comparison (``a``, ``b``): ``pt-BR``, or with its edition ``pt-BR:21vianet`` or as the site's
compare pages spell it, ``pt-br-21vianet``."""


def find_topic(catalog: Catalog, topic_id: str) -> Topic:
    return catalog.topic_index.find(topic_id, TOPIC)


# --- the app --------------------------------------------------------------------------------------


def create_app(
    build_dir: str | Path, search_timeout: float = SEARCH_TIMEOUT, warm_seconds: float = WARM_SECONDS,
    lanes: Lanes | None = None,
) -> FastAPI:
    """The API under ``/api`` (described at ``/openapi.json``) and the site of ``build_dir`` at ``/``;
    ``search_timeout`` in seconds (``KB_SEARCH_TIMEOUT``, default 5). At start (before the first
    request is taken) the published release, if any, is opened and warmed for up to
    ``warm_seconds`` (``KB_WARM_SECONDS``, default 5; see :func:`kb.search.query.warm`). Searches
    are admitted by ``lanes`` (default: :class:`~kb.serve.admission.Lanes` sized to the cores)."""
    build = Path(build_dir)
    admission = lanes or Lanes()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm_seconds > 0:
            admission.warm(build / "index")
        await asyncio.to_thread(warm_release, build / "index", warm_seconds)
        yield
        admission.close()

    app = FastAPI(
        lifespan=lifespan,
        title="kb query API",
        version="1",
        description="Search, topics, documents and comparisons of a multilingual documentation build.",
        docs_url=None,  # kb.serve.docs: Swagger UI from installed files, under the CSP
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    install_error_handlers(app, build)
    install_docs(app)
    app.add_middleware(RequestLimits)

    def release() -> Release:
        return open_release(build / "index")

    @app.get("/api/health", response_model=HealthOut, responses=ERRORS, tags=["api"])
    async def health() -> dict[str, Any] | JSONResponse:
        """The published release and what it holds (503 before the first build, and with
        ``"status": "damaged"`` while a file of the release is not what its manifest records)."""
        try:
            rel = release()
        except IndexDamaged as exc:
            return damaged_health(exc, build)
        return {"status": "ok", "release": rel.path.parent.name, "documents": len(rel.catalog.by_path),
                "topics": len(rel.catalog.topics), "locales": rel.catalog.locales,
                "editions": rel.catalog.editions}

    @app.get("/api/search", response_model=SearchOut, response_model_exclude_unset=True, responses=ERRORS,
             tags=["api"])
    async def api_search(
        q: str | None = Query(None, description="words, \"phrases\", title:word, -word, prefix*"),
        locale: str | None = Query(None, description="answer in this locale, or auto (the query's language)"),
        edition: str | None = Query(None, description="only documents of this edition"),
        limit: int = Query(DEFAULT_LIMIT, description="results per page, 1-100"),
        page: int = Query(1, description="page number, from 1"),
        fallback: str | None = Query(None, description="with locale: the locales answering, in order, for a topic "
                                     "the locale lacks (comma-separated), or none (default: the closest first)"),
        explain: bool = Query(False, description="say which translated words of the query each result matched"),
    ) -> dict[str, Any]:
        """Topics matching the query, best first, each answered in the requested locale (or, for a topic
        without it, in the first fallback locale that has it: ``"fallback": true``)."""
        # In worker threads, so that a long search does not stall the other requests, admitted by its
        # cost (cheap ones at once, expensive ones a few at a time: kb.serve.admission), and bounded:
        # a search still running after the timeout finishes unseen, the client gets a 503 at once.
        call = admission.search(build / "index", q, locale, edition, limit, page, fallback, explain)
        try:
            result = await asyncio.wait_for(call, timeout=search_timeout)
        except TimeoutError:
            raise SearchTimeout(f"the search took longer than the {search_timeout:g} s timeout; "
                                "try fewer words or no prefix* (the server may be busy)") from None
        return result.as_dict()

    @app.get("/api/topics", response_model=TopicsOut, responses=ERRORS, tags=["api"])
    async def topics() -> dict[str, Any]:
        """Every topic with its documents (locales and editions) and their URLs."""
        catalog = release().catalog
        return {"total": len(catalog.topics), "topics": [topic_json(t, catalog) for t in catalog.topics],
                "warnings": catalog.alignment.warnings}

    @app.get("/api/topics/{topic_id}", response_model=TopicOut, responses=ERRORS, tags=["api"])
    async def topic(topic_id: str) -> dict[str, Any]:
        """One topic, by id or slug."""
        catalog = release().catalog
        return topic_json(find_topic(catalog, topic_id), catalog)

    @app.get("/api/documents/{locale}/{slug}", response_model=DocumentOut, responses=ERRORS, tags=["api"])
    async def document(locale: str, slug: str) -> dict[str, Any]:
        """One document, by locale and slug (its site path ``/{locale}/{slug}/``), with its segments."""
        catalog = release().catalog
        tag = (locales.normalize(locale) or locale).lower()
        entry = catalog.by_slug.get((tag, slug))
        if entry is None:
            raise NotFound(f"no document '{slug}' in locale '{locale}'")
        return document_json(entry, catalog)

    @app.get("/api/compare/{topic_id}", response_model=CompareOut, responses=ERRORS, tags=["api"])
    async def compare(
        topic_id: str,
        a: str | None = Query(None, description="first side: a locale, or locale:edition (pt-BR:21vianet)"),
        b: str | None = Query(None, description="second side: a locale, or locale:edition"),
        edition: str | None = Query(None, description="edition of both sides when they do not name one"),
    ) -> dict[str, Any]:
        """The segment alignment of two documents of a topic (as ``kb compare --json``)."""
        from kb.align.segments import align_segments
        from kb.quality.report import compare_report

        catalog = release().catalog
        t = find_topic(catalog, topic_id)
        side_a, side_b = side(t, a, edition, "a", SIDE), side(t, b, edition, "b", SIDE)
        doc_a, doc_b = catalog.document(side_a.path), catalog.document(side_b.path)  # with their segments
        return compare_report(t, doc_a, doc_b, align_segments(doc_a, doc_b))

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def site(path: str) -> Response:
        return site_response(build / "site", path, site_base(build))

    return app


def warm_release(index_dir: Path, seconds: float) -> None:
    """Open the published release and read its longest posting lists ahead, so that the first
    requests are not the ones to pay for it (at 100x: ~7 s to open, ~1 s of lists). Nothing
    published yet, or anything going wrong, leaves it to the first request, as without warming."""
    if seconds <= 0:
        return
    t0 = time.perf_counter()
    try:
        lists = warm(index_dir, seconds)
    except KbError:  # (nothing published yet)
        return
    except Exception:
        log.exception("warming the release at %s failed; it is opened by the first request", index_dir)
        return
    log.info("opened %s and read %d posting lists ahead in %.1f s", index_dir, lists, time.perf_counter() - t0)


# --- request limits -------------------------------------------------------------------------------


class RequestLimits:
    """ASGI middleware refusing, before any route runs, a request target over :data:`MAX_URL_BYTES`
    (414) and a body over :data:`MAX_BODY_BYTES` (413), announced or streamed, in the JSON error shape."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"")
        size = len(scope.get("raw_path") or scope["path"].encode()) + (len(query) + 1 if query else 0)
        if size > MAX_URL_BYTES:
            message = f"the request URL is {size:,} bytes; the limit is {MAX_URL_BYTES:,}"
            await reject(send, 414, "url_too_long", message)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"0").decode("latin-1")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            message = f"the request body is {int(length):,} bytes; {BODY_LIMIT}"
            await reject(send, 413, "body_too_large", message)
            return
        if b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)
            return
        body, more = b"", True  # a streamed body: read here up to the limit, then replayed to the app
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_BODY_BYTES:
                message = f"the streamed request body is over the limit of {MAX_BODY_BYTES:,} bytes"
                await reject(send, 413, "body_too_large", message)
                return
        replay = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive_again() -> Any:
            return replay.pop() if replay else await receive()

        await self.app(scope, receive_again, send)


BODY_LIMIT = f"the limit is {MAX_BODY_BYTES:,} bytes"


async def reject(send: Any, status: int, code: str, message: str) -> None:
    async def nothing() -> Any:
        return {"type": "http.disconnect"}

    await error_response(status, code, message)({"type": "http"}, nothing, send)


# --- errors ---------------------------------------------------------------------------------------


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def install_error_handlers(app: FastAPI, build: Path | None = None) -> None:
    """The one place errors become ``{"error": {"code", "message"}}`` responses; a message naming a
    file of ``build`` names it ``OUT/…``, never by the server's absolute path."""

    @app.exception_handler(KbError)
    async def kb_error(request: Request, exc: KbError) -> JSONResponse:
        message = hide_paths(exc.message, build) if build is not None else exc.message
        response = error_response(exc.status, exc.code, message)
        response.headers.update(getattr(exc, "headers", {}))  # 429's Retry-After
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path"))
            problems.append(f"'{where}': {err.get('msg', 'invalid value')}")
        return error_response(400, InvalidParameter.code, "; ".join(problems) or "invalid parameters")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed"}
        message = {404: f"no route '{request.url.path}'; see /openapi.json",
                   405: f"{request.method} is not allowed on '{request.url.path}'"}
        response = error_response(exc.status_code, codes.get(exc.status_code, "http_error"),
                                  message.get(exc.status_code, str(exc.detail)))
        response.headers.update(exc.headers or {})  # 405's Allow
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        damage = damage_now(build) if build is not None else None
        if damage is not None:  # a file shrank under the request's reads: the release is damaged
            return await kb_error(request, damage)
        log.exception("unexpected error on %s", request.url.path)
        message = "an unexpected error occurred; the server log has details"
        return error_response(500, "internal_error", message)
