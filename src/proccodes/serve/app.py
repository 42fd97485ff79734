"""The Starlette application behind ``proccodes serve`` (see `proccodes.serve`).

Handlers are thin: each parses and bounds its parameters, calls the library and encodes the
answer. Successful GET answers that depend only on the catalog and the request (records,
searches, lookups, expansions, ranges) are kept in one bounded cache in front of the framework,
keyed by path and query: at most `CACHE_SIZE` answers and `CACHE_BYTES` bytes,
least recently used dropped first, emptied when the catalog in use changes. So memory does not
grow with traffic, and a repeated request costs little more than the HTTP itself. A GET of a
record, a search or a ``$lookup`` that is not in the cache is computed in front of the framework
too, by the same functions as its route (an error goes on to the route, which answers it).

>>> sorted(route.path for route in build(None).routes)[-2:]
['/search', '/validate']
"""

from __future__ import annotations

import json
import zlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from urllib.parse import parse_qsl

import attrs
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from .. import fhir
from ..catalog import Catalog, default_catalog
from ..codes import CodeSystem, validate_code
from ..errors import CodeNotActiveError, InvalidCodeError, ProcCodesError, UnknownCodeError
from ..export import json_bytes, record_json_bytes, validation_json
from ..records import Procedure
from ._release import RELEASE_HEADER, data_release

__all__ = ["CACHE_BYTES", "CACHE_SIZE", "RecordTexts", "build", "openapi"]

CACHE_SIZE = 4096
"""Answers kept in the answer cache (for the catalog in use)."""

CACHE_BYTES = 32 * 1024 * 1024
"""Bytes of answers kept in the answer cache, at most."""

CACHED_PATHS = ("/codes/", "/search", "/ranges", "/fhir/CodeSystem/$lookup", "/fhir/ValueSet/$")
ANSWERED_PATHS = (*CACHED_PATHS, "/healthz")  # by the guard in front of the routes
HEALTHZ = b'{"status":"ok"}'

RELEASE_HEADER_BYTES = RELEASE_HEADER.lower().encode("ascii")
JSON = "application/json"
FHIR_JSON = "application/fhir+json"
MAX_SEARCH_LIMIT = 100
MAX_EXPAND_COUNT = 10_000

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ApiError(Exception):
    """A request the service answers with an error: HTTP ``status``, a short ``code`` (REST
    ``error``; on FHIR routes the OperationOutcome issue type) and a message."""

    def __init__(self, status: int, code: str, message: str, fhir_code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fhir_code = fhir_code or _FHIR_ISSUE.get(status, "processing")


_FHIR_ISSUE = {
    400: "invalid",
    404: "not-found",
    405: "not-supported",
    413: "too-long",
    414: "too-long",
    415: "not-supported",
    422: "processing",
    500: "exception",
}


def _dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON (`proccodes.export.json_bytes`)."""
    return json_bytes(value)


def _error_body(path: str, status: int, code: str, message: str, fhir_code: str) -> Response:
    if path.startswith("/fhir"):
        return Response(
            _dumps(fhir.operation_outcome(message, fhir_code)), status, media_type=FHIR_JSON
        )
    return Response(_dumps({"error": code, "message": message}), status, media_type=JSON)


class _Cache:
    """A bounded LRU of answers (content type, body), emptied when the catalog changes, and
    each day (a FHIR answer says whether a code is retired as of today)."""

    def __init__(self, size: int = CACHE_SIZE, max_bytes: int = CACHE_BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self.catalog: Catalog | None = None
        self.day = date.today()
        self.items: OrderedDict[Any, tuple[bytes, bytes]] = OrderedDict()

    def get(self, catalog: Catalog, key: Any) -> tuple[bytes, bytes] | None:
        today = date.today()
        if catalog is not self.catalog or today != self.day:
            self.catalog = catalog
            self.day = today
            self.items.clear()
            self.bytes = 0
            return None
        hit = self.items.get(key)
        if hit is not None:
            self.items.move_to_end(key)
        return hit

    def put(self, catalog: Catalog, key: Any, value: tuple[bytes, bytes]) -> None:
        if catalog is not self.catalog or key in self.items:
            return
        size = len(value[1]) + len(value[0]) + 64
        if size > self.max_bytes // 16:
            return  # a huge answer (a long expansion) is not worth the room
        self.items[key] = value
        self.bytes += size
        while len(self.items) > self.size or self.bytes > self.max_bytes:
            _, (kind, body) = self.items.popitem(last=False)
            self.bytes -= len(body) + len(kind) + 64


class RecordTexts:
    """Every record's JSON text of one catalog (`proccodes.export.record_json_bytes`, or what
    ``write`` writes of a record, e.g. its FHIR ``$lookup`` answer), written
    once and kept compressed with a zlib dictionary shared by all of them: about 9 MB for the
    shipped catalog instead of about 50 MB. A record's text comes back, decompressed, several
    times faster than writing it, so ``GET /codes/{code}`` answers a code never asked before
    at about the cost of a cached answer.

    >>> from proccodes import default_catalog
    >>> from proccodes.export import record_json_bytes
    >>> texts = RecordTexts(default_catalog(), only=["62290", "99213"])
    >>> texts.get("62290") == record_json_bytes(default_catalog()["62290"])
    True
    >>> texts.get("64493") is None  # not written: the caller writes it
    True
    """

    LEVEL = 6
    """The zlib level: 6 writes in about 1 s what level 9 writes in about 3 s, as small."""

    DICTIONARY = 8192
    """Bytes of the shared dictionary: 8 KiB keeps the texts at about 9 MB and reads one back
    in about 5 µs here (32 KiB: 5 MB, but each read then sets up a 32 KiB dictionary: 13 µs)."""

    def __init__(
        self,
        catalog: Catalog,
        *,
        only: Iterable[str] | None = None,
        write: Callable[[Procedure], bytes] | None = None,
    ) -> None:
        self.catalog = catalog
        self.day = date.today()  # what `write` wrote, as of this day (a FHIR status may change)
        if write is None:
            sources = catalog.sources

            def write(record: Procedure) -> bytes:
                return record_json_bytes(record, sources=sources)

        codes = list(catalog) if only is None else [c for c in only if c in catalog]
        # the dictionary: texts of records of every kind, the most common shapes last (zlib
        # reaches the end of a dictionary most cheaply); a text's own words do the rest
        step = max(1, len(codes) // 48)
        sample = [write(catalog[c]) for c in codes[::step]]
        sample.sort(key=lambda text: len(text), reverse=True)
        self.zdict = b"".join(sample)[-self.DICTIONARY :]
        self.items: dict[str, bytes] = {}
        for code in codes:
            packer = zlib.compressobj(self.LEVEL, zlib.DEFLATED, _RAW_DEFLATE, zdict=self.zdict)
            self.items[code] = packer.compress(write(catalog[code])) + packer.flush()

    def get(self, code: str) -> bytes | None:
        """The JSON text of the record of ``code`` (a catalog key), or None if not written."""
        packed = self.items.get(code)
        if packed is None:
            return None
        return zlib.decompressobj(_RAW_DEFLATE, zdict=self.zdict).decompress(packed)


_RAW_DEFLATE = -15  # deflate without zlib's header and checksum: reading back takes 40% less


class _State:
    def __init__(self, catalog: Catalog | None) -> None:
        self.fixed = catalog
        self.release_of: tuple[Catalog | None, bytes] = (None, b"")
        self.answers = _Cache()
        self.texts: RecordTexts | None = None
        self.lookups: RecordTexts | None = None

    def precompute(self) -> None:
        """Write every record's JSON and its plain ``$lookup`` answer now (`RecordTexts`)."""
        catalog = self.catalog()
        self.texts = RecordTexts(catalog)
        self.lookups = RecordTexts(catalog, write=lambda r: _dumps(fhir.lookup(catalog, r.code)))

    def catalog(self) -> Catalog:
        return self.fixed if self.fixed is not None else default_catalog()

    def release(self) -> bytes:
        catalog = self.catalog()
        seen, header = self.release_of
        if seen is not catalog:
            header = data_release(catalog).encode("ascii")
            self.release_of = (catalog, header)
        return header


async def _answer(
    send: Send, status: int, kind: bytes, body: bytes, release: tuple[bytes, bytes]
) -> None:
    """Send a whole answer: the headers a Starlette ``Response`` sends, and the release's."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-length", str(len(body)).encode("ascii")),
                (b"content-type", kind),
                release,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class _Guard:
    """Pure ASGI middleware, outermost: refuses overlong paths and query strings (414), adds
    the data release header to every response, answers repeated GETs from the cache, and
    answers the most used GETs (`_fast_answer`) without the framework's routing."""

    def __init__(self, app: ASGIApp, state: _State, max_query_chars: int, cors: bool) -> None:
        self.app = app
        self.state = state
        self.max_query = max_query_chars
        self.cors = cors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = self.state
        release = state.release()
        header = (RELEASE_HEADER_BYTES, release)
        path: str = scope.get("path", "")
        query: bytes = scope.get("query_string", b"")

        async def send_with_release(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        if len(query) > self.max_query or len(path) > self.max_query:
            response = _error_body(
                path, 414, "too_long", f"the path or query is over {self.max_query} characters", ""
            )
            await response(scope, receive, send_with_release)
            return
        if (
            scope["method"] != "GET"
            or not path.startswith(ANSWERED_PATHS)
            or (self.cors and any(name == b"origin" for name, _ in scope.get("headers", ())))
        ):
            await self.app(scope, receive, send_with_release)
            return
        if path == "/healthz":  # a load balancer's probe: the constant, without the routing
            await _answer(send, 200, JSON_BYTES, HEALTHZ, header)
            return
        catalog = state.catalog()
        key = (path, query)
        hit = state.answers.get(catalog, key)
        if hit is not None:
            await _answer(send, 200, hit[0], hit[1], header)
            return
        fast = _fast_answer(state, path, query) if not scope.get("root_path") else None
        if fast is not None:
            status, kind, body = fast
            if status == 200:
                state.answers.put(catalog, key, (kind, body))
            await _answer(send, status, kind, body, header)
            return
        seen: dict[str, Any] = {}

        async def send_and_keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                seen["kind"] = next(
                    (v for k, v in message.get("headers", ()) if k == b"content-type"), b""
                )
            elif seen.get("status") == 200 and not message.get("more_body", False):
                state.answers.put(catalog, key, (seen["kind"], message.get("body", b"")))
            await send_with_release(message)

        await self.app(scope, receive, send_and_keep)


# -- parameters ----------------------------------------------------------------------------------


def _one(params: Mapping[str, list[str]], name: str, *, required: bool = False) -> str | None:
    values = params.get(name) or []
    if len(values) > 1:
        raise ApiError(400, "bad_parameter", f"give {name} once, not {len(values)} times")
    if not values or values[0] == "":
        if required:
            raise ApiError(400, "missing_parameter", f"the parameter {name} is required")
        return None
    return values[0]


def _date(params: Mapping[str, list[str]], name: str) -> date | None:
    text = _one(params, name)
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else date.fromisoformat(text)
    except ValueError:
        raise ApiError(
            400, "bad_parameter", f"{name} must be a date as YYYY-MM-DD, not {text[:40]!r}"
        ) from None


def _int(params: Mapping[str, list[str]], name: str, default: int, lo: int, hi: int) -> int:
    text = _one(params, name)
    if text is None:
        return default
    if not text.isdigit() or not lo <= int(text) <= hi:
        raise ApiError(
            400, "bad_parameter", f"{name} must be a whole number {lo}-{hi}, not {text[:20]!r}"
        )
    return int(text)


def _query(request: Request) -> dict[str, list[str]]:
    return _parse_query(request.scope["query_string"])


def _parse_query(query: bytes) -> dict[str, list[str]]:
    """A query string's parameters, each with its values in order, read as Starlette reads
    them (``request.query_params``)."""
    params: dict[str, list[str]] = {}
    for key, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        params.setdefault(key, []).append(value)
    return params


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise ApiError(413, "too_large", f"the request body is over {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ApiError(413, "too_large", f"the request body is over {limit} bytes")
            chunks.append(chunk)
    except ClientDisconnect:  # nobody to answer: end the request quietly
        raise ApiError(400, "client_disconnected", "the client went away") from None
    return b"".join(chunks)


async def _json_body(request: Request, limit: int) -> Any:
    raw = await _body(request, limit)
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "bad_body", "the request body is not JSON") from None


_FHIR_VALUE_KEYS = (
    "valueCode",
    "valueUri",
    "valueUrl",
    "valueCanonical",
    "valueString",
    "valueDate",
    "valueDateTime",
    "valueInteger",
    "valueBoolean",
)


async def _fhir_params(request: Request, limit: int) -> dict[str, list[str]]:
    """The operation's parameters: the query string, or a POSTed ``Parameters`` resource (a
    ``coding`` part becomes ``system``, ``code`` and ``display``)."""
    if request.method != "POST":
        return _query(request)
    doc = await _json_body(request, limit)
    if not isinstance(doc, dict) or doc.get("resourceType") != "Parameters":
        raise ApiError(400, "bad_body", "POST a FHIR Parameters resource")
    params: dict[str, list[str]] = {}
    for item in doc.get("parameter") or []:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ApiError(400, "bad_body", "each parameter needs a name")
        name = item["name"]
        coding = item.get("valueCoding")
        if isinstance(coding, dict):
            for key in ("system", "code", "display", "version"):
                if isinstance(coding.get(key), str):
                    params.setdefault(key, []).append(coding[key])
            continue
        for key in _FHIR_VALUE_KEYS:
            if key in item:
                value = item[key]
                if isinstance(value, bool):
                    value = "true" if value else "false"
                params.setdefault(name, []).append(str(value))
                break
    return params


# -- REST ----------------------------------------------------------------------------------------


def _record_answer(state: _State, code: str, on: date | None) -> bytes:
    catalog = state.catalog()
    try:
        record = catalog.lookup(code, on=on)
    except InvalidCodeError as exc:
        raise ApiError(400, "invalid_code", exc.reason, "code-invalid") from None
    except UnknownCodeError as exc:
        raise ApiError(404, "unknown_code", str(exc)) from None
    except CodeNotActiveError as exc:
        raise ApiError(404, "code_not_active", str(exc)) from None
    texts = state.texts
    if texts is not None and texts.catalog is catalog:
        found = texts.get(record.code)
        if found is not None:
            return found
    return record_json_bytes(record, sources=catalog.sources)


def _search_answer(state: _State, text: str, limit: int) -> bytes:
    results = state.catalog().search(text, limit=limit)
    # ``_value_``: the member's value as stored (``.value`` is a Python-level property)
    items = [{"code": r.code, "title": r.title, "kind": r.kind._value_} for r in results]
    return _dumps({"query": text, "results": items})


def _range_json(node: Any) -> dict[str, Any]:
    return {
        "id": node.id,
        "name": node.name,
        "level": node.level,
        "first": node.first,
        "last": node.last,
        "system": node.system.value,
        "parent": node.parent,
        "description": node.description,
    }


def _plain(value: Any) -> Any:
    """attrs instances, enums, dates and decimals as JSON-ready values."""
    if attrs.has(type(value)):
        return {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _claim_lines(doc: Any) -> list[Any]:
    from ..claims import ClaimLine

    lines = doc.get("lines") if isinstance(doc, dict) else doc
    if not isinstance(lines, list):
        raise ApiError(400, "bad_body", 'POST {"lines": [{"claim", "date", "code", ...}, ...]}')
    allowed = {f.name for f in attrs.fields(ClaimLine)}
    out = []
    for n, line in enumerate(lines):
        if not isinstance(line, dict):
            raise ApiError(400, "bad_line", f"line {n}: a line is an object")
        extra = set(line) - allowed
        if extra:
            raise ApiError(
                400,
                "bad_line",
                f"line {n}: unknown fields {sorted(extra)}; known {sorted(allowed)}",
            )
        try:
            out.append(ClaimLine(**line))
        except (TypeError, ValueError) as exc:
            raise ApiError(400, "bad_line", f"line {n}: {str(exc)[:300]}") from None
    return out


def _known_system(uri: str | None) -> CodeSystem | None:
    if uri is None:
        return None
    for system, known in fhir.SYSTEM_URI.items():
        if uri == known:
            return system
    raise ApiError(404, "unknown_system", f"code system {uri[:200]!r} is not served here")


def _check_version(catalog: Catalog, version: str | None) -> None:
    release = catalog.release or "unversioned"
    if version is not None and version != release:
        raise ApiError(
            404, "unknown_version", f"version {version[:80]!r} not served; this is {release!r}"
        )


def _code_answer(state: _State, code: str, params: Mapping[str, list[str]]) -> bytes:
    """``GET /codes/{code}``: the record's JSON."""
    return _record_answer(state, code, _date(params, "on"))


def _search_params_answer(state: _State, params: Mapping[str, list[str]]) -> bytes:
    """``GET /search``: the ranked matches."""
    text = _one(params, "q", required=True) or ""
    limit = _int(params, "limit", 10, 1, MAX_SEARCH_LIMIT)
    return _search_answer(state, text, limit)


def _lookup_answer(state: _State, params: Mapping[str, list[str]]) -> tuple[int, bytes]:
    """``CodeSystem/$lookup``: the status (200, or 404 with an ``OperationOutcome``) and body."""
    code = _one(params, "code", required=True) or ""
    system = _known_system(_one(params, "system"))
    catalog = state.catalog()
    _check_version(catalog, _one(params, "version"))
    on = _date(params, "date")
    wanted = params.get("property")
    texts = state.lookups  # precomputed plain answers: for no property or date, as of today
    if (
        wanted is not None
        or on is not None
        or texts is None
        or texts.catalog is not catalog
        or texts.day != date.today()
    ):
        texts = None
    if texts is not None:
        # a catalog's codes are canonical (validate_code gives each back as it is): a code
        # written as the catalog writes it needs no second validation
        found = texts.get(code)
        if found is not None and (system is None or catalog[code].system is system):
            return 200, found
    try:
        canonical = validate_code(code)
    except InvalidCodeError as exc:
        raise ApiError(400, "invalid_code", exc.reason, "code-invalid") from None
    if system is not None and canonical.system is not system:
        raise ApiError(404, "unknown_code", f"{canonical.code} is not in {fhir.SYSTEM_URI[system]}")
    if texts is not None:
        found = texts.get(canonical.code)
        if found is not None:
            return 200, found
    answer = fhir.lookup(catalog, canonical.code, on=on, properties=wanted)
    return (404 if answer["resourceType"] == "OperationOutcome" else 200), _dumps(answer)


JSON_BYTES = JSON.encode("ascii")
FHIR_JSON_BYTES = FHIR_JSON.encode("ascii")
LOOKUP_PATH = "/fhir/CodeSystem/$lookup"


def _fast_answer(state: _State, path: str, query: bytes) -> tuple[int, bytes, bytes] | None:
    """The answer (status, content type, body) of a GET of ``/codes/{code}``, ``/search`` or
    ``$lookup`` computed without the framework's routing, request and response objects, as
    their route handlers compute it; ``None`` for any other request, and for any error: the
    application answers those (the same handlers again, behind its error handling)."""
    try:
        if path.startswith("/codes/"):
            code = path[7:]
            if not code or "/" in code:
                return None
            return 200, JSON_BYTES, _code_answer(state, code, _parse_query(query))
        if path == "/search":
            return 200, JSON_BYTES, _search_params_answer(state, _parse_query(query))
        if path == LOOKUP_PATH:
            status, body = _lookup_answer(state, _parse_query(query))
            return status, FHIR_JSON_BYTES, body
    except Exception:  # ApiError and any fault: the application answers it as always
        return None
    return None


def _routes(state: _State, max_body: int) -> list[Route]:
    def ok(body: bytes, media_type: str = JSON) -> Response:
        return Response(body, media_type=media_type)

    async def code(request: Request) -> Response:
        return ok(_code_answer(state, request.path_params["code"], _query(request)))

    async def search(request: Request) -> Response:
        return ok(_search_params_answer(state, _query(request)))

    async def validate(request: Request) -> Response:
        text = _one(_query(request), "code", required=True) or ""
        return ok(_dumps(validation_json(text, state.catalog())))

    async def all_ranges(request: Request) -> Response:
        from ..ranges import ranges

        params = _query(request)
        try:
            nodes = ranges(_one(params, "level"), system=_one(params, "system"))
        except (TypeError, ValueError) as exc:
            raise ApiError(400, "bad_parameter", str(exc)) from None
        return ok(_dumps([_range_json(n) for n in nodes]))

    async def one_range(request: Request) -> Response:
        from ..ranges import children, codes_in, get_range

        range_id = request.path_params["range_id"]
        try:
            node = get_range(range_id)
        except ValueError as exc:
            raise ApiError(404, "unknown_range", str(exc)) from None
        doc = _range_json(node)
        doc["children"] = [c.id for c in children(node.id)]
        doc["codes"] = codes_in(node.id, state.catalog())
        return ok(_dumps(doc))

    async def claims_check(request: Request) -> Response:
        from ..claims import check

        lines = _claim_lines(await _json_body(request, max_body))
        catalog = state.catalog()
        findings = await run_in_threadpool(check, lines, catalog=catalog)
        return ok(_dumps({"lines": len(lines), "findings": [_plain(f) for f in findings]}))

    async def fee(request: Request) -> Response:
        from ..fees import price

        params = _query(request)
        locality = _one(params, "locality", required=True) or ""
        pos = _one(params, "pos", required=True) or ""
        modifiers = [m for value in params.get("modifier", []) for m in value.split(",") if m]
        units = _int(params, "units", 1, 1, 9999)
        on = _date(params, "on")
        code = request.path_params["code"]
        try:
            validate_code(code)
        except InvalidCodeError as exc:
            raise ApiError(400, "invalid_code", exc.reason) from None
        try:
            answer = await run_in_threadpool(
                lambda: price(
                    code, locality=locality, pos=pos, modifiers=modifiers, units=units, on=on
                )
            )
        except ProcCodesError as exc:
            raise ApiError(422, "not_priced", str(exc)) from None
        except (TypeError, ValueError) as exc:
            raise ApiError(400, "bad_parameter", str(exc)) from None
        return ok(_dumps(_plain(answer.to_dict())))

    async def healthz(request: Request) -> Response:
        return ok(HEALTHZ)

    async def openapi_json(request: Request) -> Response:
        return ok(_dumps(openapi()))

    async def docs(request: Request) -> Response:
        return HTMLResponse(_docs_html())

    # -- FHIR ------------------------------------------------------------------------------------

    def fhir_ok(body: bytes) -> Response:
        return Response(body, media_type=FHIR_JSON)

    async def metadata(request: Request) -> Response:
        from importlib.metadata import version  # not proccodes.__version__: no import up

        catalog = state.catalog()
        return fhir_ok(
            _dumps(
                fhir.terminology_capabilities(
                    catalog,
                    software_version=version("proccodes"),
                    data_release=data_release(catalog),
                )
            )
        )

    async def lookup(request: Request) -> Response:
        status, body = _lookup_answer(state, await _fhir_params(request, max_body))
        return Response(body, status, media_type=FHIR_JSON)

    async def validate_code_op(request: Request) -> Response:
        params = await _fhir_params(request, max_body)
        code = _one(params, "code", required=True) or ""
        url = _one(params, "url") or _one(params, "system")
        if url is None:
            raise ApiError(
                400, "missing_parameter", "the parameter url (the code system) is required"
            )
        system = _known_system(url)
        catalog = state.catalog()
        _check_version(catalog, _one(params, "version"))
        on = _date(params, "date")
        display = _one(params, "display")
        try:
            in_system = validate_code(code).system is system
        except InvalidCodeError:
            in_system = True  # fhir.validate_code answers false with the reason
        if not in_system:
            answer = {
                "resourceType": "Parameters",
                "parameter": [
                    {"name": "result", "valueBoolean": False},
                    {"name": "message", "valueString": f"the code is not in code system {url}"},
                ],
            }
        else:
            answer = fhir.validate_code(catalog, code, on=on, display=display)
        return fhir_ok(_dumps(answer))

    async def expand(request: Request) -> Response:
        params = await _fhir_params(request, max_body)
        url = _one(params, "url", required=True) or ""
        text = _one(params, "filter")
        offset = _int(params, "offset", 0, 0, 10_000_000)
        count = _int(params, "count", 1000, 0, MAX_EXPAND_COUNT)
        answer = fhir.expand(state.catalog(), url, text_filter=text, offset=offset, count=count)
        if answer["resourceType"] == "OperationOutcome":
            return Response(_dumps(answer), 404, media_type=FHIR_JSON)
        return fhir_ok(_dumps(answer))

    get = ["GET"]
    op = ["GET", "POST"]
    return [  # the most used first: routes are tried in order
        Route("/codes/{code}", code, methods=get),
        Route("/fhir/CodeSystem/$lookup", lookup, methods=op),
        Route("/search", search, methods=get),
        Route("/validate", validate, methods=get),
        Route("/ranges", all_ranges, methods=get),
        Route("/ranges/{range_id}", one_range, methods=get),
        Route("/claims/check", claims_check, methods=["POST"]),
        Route("/fees/{code}", fee, methods=get),
        Route("/healthz", healthz, methods=get),
        Route("/openapi.json", openapi_json, methods=get),
        Route("/docs", docs, methods=get),
        Route("/fhir/metadata", metadata, methods=get),
        Route("/fhir/CodeSystem/$validate-code", validate_code_op, methods=op),
        Route("/fhir/ValueSet/$expand", expand, methods=op),
    ]


def build(
    catalog: Catalog | None,
    *,
    cors_origins: tuple[str, ...] = (),
    max_body_bytes: int = 1_000_000,
    max_query_chars: int = 2048,
    precompute: bool = False,
) -> Starlette:
    """The application; see `proccodes.serve.create_app`.

    >>> [r.path for r in build(None).routes][:2]
    ['/codes/{code}', '/fhir/CodeSystem/$lookup']
    """
    state = _State(catalog)
    if precompute:
        state.precompute()

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return _error_body(request.url.path, exc.status, exc.code, exc.message, exc.fhir_code)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        words = {404: "no such endpoint", 405: "method not allowed: this service is read-only"}
        message = words.get(exc.status_code, str(exc.detail))
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
        response = _error_body(
            request.url.path, exc.status_code, code, message, _FHIR_ISSUE.get(exc.status_code, "")
        )
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def server_error(request: Request, exc: Exception) -> Response:
        return _error_body(request.url.path, 500, "internal", "internal error", "exception")

    middleware = []
    if cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Content-Type", "Accept"],
                expose_headers=[RELEASE_HEADER],
            )
        )
    app = Starlette(
        routes=_routes(state, max_body_bytes),
        middleware=middleware,
        exception_handlers={
            ApiError: api_error,
            HTTPException: http_error,
            Exception: server_error,
        },
    )
    # A path with a trailing slash is not an endpoint: a JSON 404 that says so, not Starlette's
    # empty-bodied 307 to an absolute URL built from the Host header (wrong behind a proxy).
    app.router.redirect_slashes = False
    # CORS answers vary with the Origin header: with CORS on, such requests bypass the cache
    app.add_middleware(
        _Guard, state=state, max_query_chars=max_query_chars, cors=bool(cors_origins)
    )
    return app


# -- OpenAPI -------------------------------------------------------------------------------------


def _param(name: str, where: str, description: str, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "description": description,
        "schema": {"type": "string"},
    }


def openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 description of the REST and FHIR endpoints (``GET /openapi.json``).

    >>> sorted(openapi()["paths"])[:2]
    ['/claims/check', '/codes/{code}']
    """
    from ..export import record_json_schema

    error = {
        "description": "an error: {error, message} (FHIR routes: an OperationOutcome)",
        "content": {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}},
    }

    def answer(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
        media = JSON if schema is not None else FHIR_JSON
        return {"description": description, "content": {media: {"schema": schema or {}}}}

    fhir_params = [
        _param("url", "query", "the code system (validate-code) or value set (expand) URL"),
        _param("system", "query", "the code system URL (lookup)"),
        _param("code", "query", "the code"),
        _param("display", "query", "a display to check (validate-code)"),
        _param("date", "query", "the date of service, YYYY-MM-DD"),
        _param("property", "query", "lookup: only these properties (repeatable)"),
        _param("filter", "query", "expand: text in the code or display"),
        _param("count", "query", "expand: codes per page (at most 10000)"),
        _param("offset", "query", "expand: codes to skip"),
    ]
    fhir_op = {
        "parameters": fhir_params,
        "responses": {"200": answer("a FHIR resource"), "400": error, "404": error},
    }
    record = record_json_schema()
    defs = record.pop("$defs")
    record_ref = {"$ref": "#/components/schemas/RecordJson"}
    text = {"type": "string"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "proccodes terminology service",
            "version": "1",
            "description": "CPT code numbers and HCPCS Level II codes with proccodes' own "
            "records; read-only. Every response has the header "
            f"{RELEASE_HEADER}. CPT is a registered trademark of the AMA; no AMA descriptor "
            "text is served.",
        },
        "paths": {
            "/codes/{code}": {
                "get": {
                    "summary": "the record of a code (record_json)",
                    "parameters": [
                        _param("code", "path", "the code"),
                        _param("on", "query", "the date of service, YYYY-MM-DD"),
                    ],
                    "responses": {
                        "200": answer("the record", record_ref),
                        "400": error,
                        "404": error,
                    },
                }
            },
            "/search": {
                "get": {
                    "summary": "ranked matches",
                    "parameters": [
                        _param("q", "query", "words, names or codes", required=True),
                        _param("limit", "query", "at most this many (1-100, default 10)"),
                    ],
                    "responses": {"200": answer("matches", {"type": "object"}), "400": error},
                }
            },
            "/validate": {
                "get": {
                    "summary": "whether text is a well-formed code, and whether it is listed",
                    "parameters": [_param("code", "query", "the text", required=True)],
                    "responses": {"200": answer("the answer", {"type": "object"}), "400": error},
                }
            },
            "/ranges": {
                "get": {
                    "summary": "the range hierarchy",
                    "parameters": [
                        _param("level", "query", "section, subsection or range"),
                        _param("system", "query", "CPT or HCPCS"),
                    ],
                    "responses": {"200": answer("nodes", {"type": "array"}), "400": error},
                }
            },
            "/ranges/{range_id}": {
                "get": {
                    "summary": "one node, its children and its codes",
                    "parameters": [_param("range_id", "path", "a range id such as 62320-62327")],
                    "responses": {"200": answer("the node", {"type": "object"}), "404": error},
                }
            },
            "/claims/check": {
                "post": {
                    "summary": "claim lines in, findings out (proccodes.claims.check)",
                    "requestBody": {
                        "required": True,
                        "content": {
                            JSON: {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "lines": {
                                            "type": "array",
                                            "items": {
                                                "type": "object",
                                                "properties": {
                                                    "claim": text,
                                                    "date": text,
                                                    "code": text,
                                                    "modifiers": text,
                                                    "units": {"type": "integer"},
                                                    "place_of_service": text,
                                                },
                                                "required": ["claim", "date", "code"],
                                            },
                                        }
                                    },
                                    "required": ["lines"],
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": answer("findings", {"type": "object"}),
                        "400": error,
                        "413": error,
                    },
                }
            },
            "/fees/{code}": {
                "get": {
                    "summary": "Medicare allowed amount (proccodes.fees.price)",
                    "parameters": [
                        _param("code", "path", "the code"),
                        _param("locality", "query", "MAC-LL, e.g. 10112-00", required=True),
                        _param("pos", "query", "place of service, e.g. 11", required=True),
                        _param("modifier", "query", "a modifier (repeatable, or comma-separated)"),
                        _param("units", "query", "units (default 1)"),
                        _param("on", "query", "the date of service, YYYY-MM-DD"),
                    ],
                    "responses": {
                        "200": answer("the fee and its factors", {"type": "object"}),
                        "400": error,
                        "422": error,
                    },
                }
            },
            "/healthz": {"get": {"summary": "liveness", "responses": {"200": answer("ok", {})}}},
            "/fhir/metadata": {
                "get": {
                    "summary": "TerminologyCapabilities",
                    "responses": {"200": answer("TerminologyCapabilities")},
                }
            },
            "/fhir/CodeSystem/$lookup": {"get": fhir_op, "post": fhir_op},
            "/fhir/CodeSystem/$validate-code": {"get": fhir_op, "post": fhir_op},
            "/fhir/ValueSet/$expand": {"get": fhir_op, "post": fhir_op},
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {"error": text, "message": text},
                    "required": ["error", "message"],
                },
                "RecordJson": _refs({k: v for k, v in record.items() if k != "$schema"}),
                **_refs(defs),
            }
        },
    }


def _refs(value: Any) -> Any:
    """A JSON Schema with its ``#/$defs/`` references pointed at OpenAPI's components."""
    if isinstance(value, dict):
        return {
            k: (
                v.replace("#/$defs/", "#/components/schemas/")
                if k == "$ref" and isinstance(v, str)
                else _refs(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_refs(v) for v in value]
    return value


def _docs_html() -> str:
    from html import escape

    rows = []
    for path, methods in openapi()["paths"].items():
        for method, spec in methods.items():
            rows.append(
                f"<tr><td>{method.upper()}</td><td><code>{escape(path)}</code></td>"
                f"<td>{escape(spec.get('summary', ''))}</td></tr>"
            )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>proccodes service</title>"
        "</head><body><h1>proccodes terminology service</h1>"
        "<p>The OpenAPI description: <a href='openapi.json'>openapi.json</a>.</p>"
        f"<table>{''.join(rows)}</table></body></html>"
    )
