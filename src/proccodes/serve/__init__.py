"""``proccodes serve``: the catalog over HTTP, as REST (JSON) and as FHIR R4 terminology
operations, read-only and stateless (needs the ``serve`` extra: Starlette and uvicorn).

REST (``application/json``)

==========================================  ===================================================
``GET /codes/{code}?on=YYYY-MM-DD``          the record, as `proccodes.export.record_json`
``GET /search?q=TEXT&limit=N``               ranked matches (code, title, kind)
``GET /validate?code=TEXT``                  is it a well-formed code, and is it listed
``GET /ranges``, ``GET /ranges/{id}``        the range hierarchy; one node with its codes
``POST /claims/check``                       claim lines in, findings out
``GET /fees/{code}?locality=&pos=&modifier=``  the Medicare allowed amount and its factors
``GET /openapi.json``, ``GET /docs``         the OpenAPI description of the above
``GET /healthz``                             ``{"status": "ok"}``, for load balancers
==========================================  ===================================================

FHIR R4 (``application/fhir+json``) under ``/fhir``: ``GET /fhir/metadata``
(``TerminologyCapabilities``), ``CodeSystem/$lookup``, ``CodeSystem/$validate-code`` and
``ValueSet/$expand`` (GET with query parameters, or POST with a ``Parameters`` body).

Every response carries the header ``Proccodes-Data-Release`` naming the data release in use.
A well-formed code that is not listed is 404; a malformed one is 400 with the library's
reason (an ``OperationOutcome`` on FHIR routes); other methods are 405; an oversized body is
413, an overlong query or path 414; an internal error is a 500 without a traceback. CORS is off
unless origins are given.

>>> app = create_app()
>>> sorted(r.path for r in app.routes)[:3]
['/claims/check', '/codes/{code}', '/docs']
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..catalog import Catalog, default_catalog
from ..errors import ProcCodesError
from ._release import RELEASE_HEADER, data_release

if TYPE_CHECKING:  # pragma: no cover
    from starlette.applications import Starlette

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_QUERY_CHARS",
    "RELEASE_HEADER",
    "ServeError",
    "ServeExtraMissing",
    "create_app",
    "data_release",
    "run",
]

MAX_BODY_BYTES = 1_000_000
"""The largest request body accepted (a POST of claim lines or FHIR Parameters); more is 413."""

MAX_QUERY_CHARS = 2048
"""The longest query string (and path) accepted; longer is 414."""

EXTRA_HINT = "proccodes serve needs the serve extra: pip install 'proccodes[serve]'"


class ServeError(ProcCodesError):
    """The service cannot start: the address is taken, or the extra is missing."""


class ServeExtraMissing(ServeError):
    """Starlette or uvicorn is not installed (``pip install 'proccodes[serve]'``)."""


def create_app(
    catalog: Catalog | None = None,
    *,
    cors_origins: Sequence[str] = (),
    max_body_bytes: int = MAX_BODY_BYTES,
    max_query_chars: int = MAX_QUERY_CHARS,
    precompute: bool = False,
) -> Starlette:
    """The ASGI application (Starlette). ``catalog`` is fixed if given; by default each request
    uses `proccodes.default_catalog`, so the server follows the data release made the
    default. ``cors_origins``: the origins allowed to call it from a browser (none by default).
    ``precompute``: write every record's JSON now (a second or two; kept compressed, about
    9 MB), so that ``GET /codes/{code}`` answers any code about as fast as a cached answer;
    `run` does.
    Any ASGI server runs it, e.g. ``uvicorn --factory proccodes.serve:create_app``.

    >>> app = create_app(cors_origins=["https://app.example.org"], max_body_bytes=10_000)
    >>> type(app).__name__
    'Starlette'
    """
    try:
        from .app import build
    except ImportError as exc:  # pragma: no cover - the extra is installed in tests
        raise ServeExtraMissing(EXTRA_HINT) from exc
    return build(
        catalog,
        cors_origins=tuple(cors_origins),
        max_body_bytes=max_body_bytes,
        max_query_chars=max_query_chars,
        precompute=precompute,
    )


def run(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    cors_origins: Sequence[str] = (),
    log_level: str = "warning",
) -> int:
    """Serve the default catalog until SIGINT or SIGTERM (which finish the requests in flight
    and return 0). The catalog and its search index are loaded before the port opens, so the
    first request is fast.
    Raises `ServeError` when it cannot listen (the address is taken). For example,
    ``run(port=8080)`` serves http://127.0.0.1:8080 (``proccodes serve --port 8080``), and
    tests/test_serve.py runs it as a separate process.
    """
    try:
        import uvicorn
    except ImportError as exc:
        raise ServeExtraMissing(EXTRA_HINT) from exc
    _warm(default_catalog())
    app = create_app(cors_origins=cors_origins, precompute=True)
    gc.freeze()  # what precomputing made, too
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=30,
        lifespan="off",
    )
    server = _graceful_server_class()(config)
    with contextlib.suppress(SystemExit):  # uvicorn exits when it cannot bind; it logged why
        server.run()
    if not server.started:
        raise ServeError(f"cannot serve on {host}:{port}")
    return 0


def _warm(catalog: Catalog) -> None:
    """Before listening: load the catalog and build its search index, and its sound-alike
    index (built on the first ``/search`` instead, or the first misspelt word, they would hold
    every request up for seconds, or a fifth of one), then move everything
    loaded out of the garbage collector's way (`gc.freeze`): its full collections would
    otherwise walk the index's few hundred thousand objects, pausing the server for tens of
    milliseconds each time."""
    catalog.search("warm up")
    catalog.search("morfine")  # a misspelt word: builds the sound-alike index (~0.2 s) now
    gc.collect()
    gc.freeze()


def _graceful_server_class() -> type:
    import signal
    import threading
    from collections.abc import Iterator

    import uvicorn

    class GracefulServer(uvicorn.Server):
        """uvicorn's server, but SIGINT and SIGTERM end it with exit code 0 once the requests
        in flight are answered (uvicorn re-raises the signal after its graceful shutdown, so
        the process would die of it)."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            if threading.current_thread() is not threading.main_thread():
                yield  # pragma: no cover - signals are only for the main thread
                return
            handled = (signal.SIGINT, signal.SIGTERM)
            original = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
            try:
                yield
            finally:
                for sig, handler in original.items():
                    signal.signal(sig, handler)

    return GracefulServer
