"""One exception root for everything kb refuses to do.

Each subclass carries a stable ``code`` and an HTTP ``status``; the CLI prints ``message`` and exits
non-zero, and the HTTP API maps every :class:`KbError` to ``{"error": {"code", "message"}}`` in one place.
"""

from __future__ import annotations


class KbError(Exception):
    """Root of kb's errors: a message a user can act on, naming the file or parameter at fault."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status


class InvalidParameter(KbError):
    """A request or command-line parameter is missing, malformed or out of range."""

    code = "invalid_parameter"
    status = 400


class NotFound(KbError):
    """A topic, document, locale or page that does not exist."""

    code = "not_found"
    status = 404


class InvalidQuery(KbError):
    """Query syntax that cannot be parsed."""

    code = "invalid_query"
    status = 422


class OverBudget(KbError):
    """A valid query that would take more work than a query may (see :mod:`kb.search.cost`)."""

    code = "over_budget"
    status = 422


class BuildError(KbError):
    """A build could not be completed (nothing was published)."""

    code = "build_failed"
    status = 500


class BuildLocked(KbError):
    """Another build holds the lock on the output folder."""

    code = "build_locked"
    status = 409


class IndexMissing(KbError):
    """No published index under the build folder."""

    code = "index_missing"
    status = 503


class IndexDamaged(KbError):
    """A file of the published release is not what its manifest records (truncated, changed or gone):
    ``files`` names each one relative to the release (``index/documents-0.pickle``)."""

    code = "index_damaged"
    status = 503

    def __init__(self, message: str, files: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.files = files
