"""``proccodes serve`` tested as deployed: the server runs as a separate process on a free port
of 127.0.0.1 and is called over real HTTP (http.client / raw sockets). Timeouts here only catch
hangs; nothing asserts how fast anything is."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from proccodes import InvalidCodeError, default_catalog, get, validate_code
from proccodes.export import record_json
from proccodes.serve import RELEASE_HEADER, data_release

HANG = 120  # seconds: only to stop a hung test, never a performance bound
CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, *extra: str) -> None:
        self.port = _free_port()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # a file, not a pipe: a pipe nobody reads would block the server once it is full
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "proccodes", "serve", "--port", str(self.port), *extra],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        deadline = time.monotonic() + HANG
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(self.output())
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the server did not start")
            time.sleep(0.1)

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=HANG)

    def request(self, method, path, body=None, headers=None):
        conn = self.connection()
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def get_json(self, path):
        status, headers, body = self.request("GET", path)
        return status, headers, json.loads(body)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> tuple[int, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=HANG)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hang: fail loudly
            self.proc.kill()
            self.proc.wait()
        out = self.output()
        self.log.close()
        return self.proc.returncode, out


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    code, err = s.stop()
    assert code == 0, err
    assert "Traceback" not in err, err


def _q(**params):
    return "?" + urllib.parse.urlencode(params, doseq=True)


# -- REST ------------------------------------------------------------------------------------


def test_codes_answers_record_json_with_the_release_header(server):
    status, headers, doc = server.get_json("/codes/62290")
    assert status == 200
    assert headers["content-type"] == "application/json"
    catalog = default_catalog()
    assert doc == record_json(get("62290"), sources=catalog.sources)
    assert headers[RELEASE_HEADER.lower()] == data_release(catalog)


def test_codes_normalizes_and_takes_a_date(server):
    status, _, doc = server.get_json("/codes/%2062290%20" + _q(on="2026-01-02"))
    assert (status, doc["code"]) == (200, "62290")
    status, _, doc = server.get_json("/codes/62290" + _q(on="2026-13-02"))
    assert status == 400
    assert doc["error"] == "bad_parameter"


def test_invalid_code_is_400_with_the_librarys_reason(server):
    with pytest.raises(InvalidCodeError) as caught:
        validate_code("6229O")
    status, headers, doc = server.get_json("/codes/6229O")
    assert status == 400
    assert doc == {"error": "invalid_code", "message": caught.value.reason}
    assert RELEASE_HEADER.lower() in headers


def test_unknown_code_is_404_with_suggestions(server):
    status, _, doc = server.get_json("/codes/62299")
    assert status == 404
    assert doc["error"] == "unknown_code"
    assert "62290" in doc["message"]


def test_search_validate_and_ranges(server):
    status, _, doc = server.get_json("/search" + _q(q="discogram", limit=3))
    assert status == 200
    assert doc["results"][0]["code"] in {"62290", "62291"}
    assert len(doc["results"]) <= 3
    assert server.get_json("/search" + _q(q="x", limit=0))[0] == 400
    assert server.get_json("/search")[0] == 400
    status, _, doc = server.get_json("/validate" + _q(code="6229o"))
    assert (status, doc["valid"]) == (200, False)
    status, _, doc = server.get_json("/validate" + _q(code="64493"))
    assert (doc["valid"], doc["listed"], doc["code"]) == (True, True, "64493")
    status, _, sections = server.get_json("/ranges" + _q(level="section"))
    assert status == 200
    assert {s["level"] for s in sections} == {"section"}
    status, _, node = server.get_json("/ranges/62320-62327")
    assert status == 200
    assert "62323" in node["codes"]
    assert server.get_json("/ranges/no-such-range")[0] == 404


def test_claims_check_lines_in_findings_out(server):
    lines = [
        {"claim": "A1", "date": "2026-03-02", "code": "6449"},
        {"claim": "A1", "date": "2026-03-02", "code": "64493"},
    ]
    status, _headers, body = server.request(
        "POST", "/claims/check", json.dumps({"lines": lines}), {"Content-Type": "application/json"}
    )
    doc = json.loads(body)
    assert status == 200
    assert doc["lines"] == 2
    # a 2026 date is past the shipped release's next CMS update: data.stale says so (info)
    on_line_0 = [f["rule"] for f in doc["findings"] if f["lines"] == [0]]
    assert [r for r in on_line_0 if r != "data.stale"] == ["code.malformed"]
    for bad in (b"not json", json.dumps({"lines": [{"claim": "A"}]}).encode(), b"[1]"):
        status, _, body = server.request("POST", "/claims/check", bad)
        assert status == 400
        assert json.loads(body)["error"].startswith("bad_")


def test_fees(server):
    from proccodes.fees import price

    query = _q(locality="01112-05", pos="11", modifier="50")
    status, _, doc = server.get_json("/fees/64635" + query)
    assert status == 200
    expected = price("64635", locality="01112-05", pos="11", modifiers=["50"]).to_dict()
    assert doc["allowed"] == str(expected["allowed"])
    status, _, doc = server.get_json("/fees/J3301" + _q(locality="10112-00", pos="11"))
    assert (status, doc["error"]) == (422, "not_priced")
    assert server.get_json("/fees/64635")[0] == 400  # locality and pos are required


def test_openapi_and_docs(server):
    status, _, doc = server.get_json("/openapi.json")
    assert status == 200
    assert doc["openapi"].startswith("3.1")
    assert {"/codes/{code}", "/fhir/CodeSystem/$lookup"} <= set(doc["paths"])
    status, _headers, body = server.request("GET", "/docs")
    assert status == 200
    assert b"openapi.json" in body


# -- FHIR ------------------------------------------------------------------------------------

fhir = pytest.importorskip("fhir.resources.R4B")


def test_fhir_metadata_is_terminology_capabilities_naming_the_release(server):
    from fhir.resources.R4B.terminologycapabilities import TerminologyCapabilities

    status, headers, doc = server.get_json("/fhir/metadata")
    assert status == 200
    assert headers["content-type"] == "application/fhir+json"
    TerminologyCapabilities.model_validate(doc)
    assert data_release() in doc["description"]


def test_fhir_lookup_get_and_post(server):
    from fhir.resources.R4B.parameters import Parameters

    status, headers, doc = server.get_json(
        "/fhir/CodeSystem/$lookup" + _q(system=CPT, code="62290", property="addOn")
    )
    assert status == 200
    assert headers["content-type"] == "application/fhir+json"
    Parameters.model_validate(doc)
    assert doc["parameter"][-1]["part"] == [
        {"name": "code", "valueCode": "addOn"},
        {"name": "value", "valueBoolean": False},
    ]
    body = {
        "resourceType": "Parameters",
        "parameter": [{"name": "coding", "valueCoding": {"system": HCPCS, "code": "A0425"}}],
    }
    status, _, raw = server.request("POST", "/fhir/CodeSystem/$lookup", json.dumps(body))
    assert status == 200
    Parameters.model_validate(json.loads(raw))


def test_fhir_errors_are_operation_outcomes(server):
    from fhir.resources.R4B.operationoutcome import OperationOutcome

    cases = [
        ("/fhir/CodeSystem/$lookup" + _q(system=CPT, code="6229O"), 400, "code-invalid"),
        ("/fhir/CodeSystem/$lookup" + _q(system=CPT, code="62299"), 404, "not-found"),
        ("/fhir/CodeSystem/$lookup" + _q(system=HCPCS, code="62290"), 404, "not-found"),
        ("/fhir/CodeSystem/$lookup" + _q(system="http://x.org", code="62290"), 404, "not-found"),
        ("/fhir/CodeSystem/$lookup", 400, "invalid"),
        ("/fhir/ValueSet/$expand" + _q(url="http://x.org/vs"), 404, "not-found"),
        ("/fhir/CodeSystem/$validate-code" + _q(code="62290"), 400, "invalid"),
    ]
    for path, status, code in cases:
        got, headers, doc = server.get_json(path)
        assert (got, doc["issue"][0]["code"]) == (status, code), path
        assert headers["content-type"] == "application/fhir+json"
        OperationOutcome.model_validate(doc)
    got, _, doc = server.get_json("/fhir/CodeSystem/$lookup" + _q(system=CPT, code="6229O"))
    assert doc["issue"][0]["diagnostics"] == get_reason("6229O")


def get_reason(text):
    try:
        validate_code(text)
    except InvalidCodeError as exc:
        return exc.reason
    raise AssertionError(text)


def test_fhir_validate_code(server):
    from fhir.resources.R4B.parameters import Parameters

    def answer(**params):
        status, _, doc = server.get_json("/fhir/CodeSystem/$validate-code" + _q(**params))
        assert status == 200
        Parameters.model_validate(doc)
        return {p["name"]: next(v for k, v in p.items() if k != "name") for p in doc["parameter"]}

    assert answer(url=CPT, code="62290")["result"] is True
    wrong = answer(url=CPT, code="62290", display="test")
    assert wrong["result"] is False
    assert wrong["message"].startswith('The display "test" is incorrect')
    assert wrong["display"] == get("62290").title
    assert answer(url=CPT, code="62290", display=get("62290").title)["result"] is True
    assert answer(url=CPT, code="A0425")["result"] is False  # not in that code system
    assert answer(url=CPT, code="6229O")["result"] is False
    assert answer(url=HCPCS, code="A0425", date="2026-02-01")["result"] is True


def test_fhir_expand(server):
    from fhir.resources.R4B.valueset import ValueSet

    url = "https://proccodes.invalid/fhir/ValueSet/range/62320-62327"
    status, _, doc = server.get_json("/fhir/ValueSet/$expand" + _q(url=url, count=2, offset=1))
    assert status == 200
    ValueSet.model_validate(doc)
    assert [c["code"] for c in doc["expansion"]["contains"]] == ["62321", "62322"]
    assert server.get_json("/fhir/ValueSet/$expand" + _q(url=url, count=10**9))[0] == 400


# -- bad input, limits, read-only --------------------------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/codes/62290", "/fhir/CodeSystem/$lookup", "/search"])
def test_read_only(server, method, path):
    status, headers, body = server.request(method, path, b"{}")
    assert status == 405
    assert RELEASE_HEADER.lower() in headers
    doc = json.loads(body)
    assert ("issue" in doc) == path.startswith("/fhir")


def test_limits_and_no_tracebacks(server):
    status, headers, body = server.request("GET", "/search" + _q(q="x" * 5000))
    assert status == 414
    assert RELEASE_HEADER.lower() in headers
    status, _, body = server.request(
        "POST", "/claims/check", b"[" + b"1," * 600_000 + b"1]", {"Content-Type": "text/plain"}
    )
    assert status == 413
    status, _, body = server.request("GET", "/no/such/endpoint")
    assert status == 404
    weird = ["/codes/%00%ff", "/codes/" + "9" * 300, "/search?q=%ff%fe&limit=abc", "/codes/%0a"]
    for path in weird:
        status, _, body = server.request("GET", path)
        assert 400 <= status < 500, path
        assert b"Traceback" not in body
        json.loads(body)


def test_cors_is_off_by_default(server):
    status, headers, _ = server.request(
        "GET", "/codes/62290", headers={"Origin": "https://example.org"}
    )
    assert status == 200
    assert not any(h.startswith("access-control-") for h in headers)


def test_cors_when_configured():
    s = Server("--cors-origin", "https://ok.example")
    try:
        _, headers, _ = s.request("GET", "/codes/62290", headers={"Origin": "https://ok.example"})
        assert headers["access-control-allow-origin"] == "https://ok.example"
        _, headers, _ = s.request("GET", "/codes/62290", headers={"Origin": "https://no.example"})
        assert "access-control-allow-origin" not in headers
    finally:
        code, err = s.stop()
    assert code == 0, err


# -- concurrency, disconnects, shutdown --------------------------------------------------------


def test_concurrent_requests_all_answer_correctly(server):
    codes = ["62290", "64493", "99213", "A0425", "J2650", "62323", "64635", "0001F"]
    paths = []
    for n in range(240):
        code = codes[n % len(codes)]
        paths.append(
            [
                f"/codes/{code}",
                "/search" + _q(q=code),
                "/fhir/CodeSystem/$lookup" + _q(code=code),
            ][n % 3]
        )

    def call(path):
        conn = server.connection()
        try:
            for _ in range(2):  # two requests on one keep-alive connection
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                assert response.status == 200, (path, body[:200])
                json.loads(body)
        finally:
            conn.close()
        return path

    with ThreadPoolExecutor(16) as pool:
        done = list(pool.map(call, paths, timeout=HANG))
    assert done == paths


def test_a_client_that_disconnects_mid_response_does_not_harm_the_server(server):
    big = "/fhir/ValueSet/$expand" + _q(
        url="https://proccodes.invalid/fhir/ValueSet/range/hcpcs-J", count=10000
    )
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", server.port), timeout=HANG) as sock:
            sock.sendall(f"GET {big} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            assert sock.recv(64).startswith(b"HTTP/1.1 200")
        # and a client that leaves halfway through sending its body
        with socket.create_connection(("127.0.0.1", server.port), timeout=HANG) as sock:
            sock.sendall(
                b'POST /claims/check HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n{"li'
            )
    status, _, doc = server.get_json("/codes/62290")
    assert (status, doc["code"]) == (200, "62290")
    assert server.proc.poll() is None


def test_sigterm_during_load_finishes_in_flight_requests_and_exits_0():
    s = Server()
    lines = [{"claim": f"C{n}", "date": "2026-03-02", "code": "64493"} for n in range(2000)]
    body = json.dumps({"lines": lines}).encode()
    # a request in flight: its headers and half its body are sent before the SIGTERM
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=HANG)
    head = (
        "POST /claims/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    sock.sendall(head + body[: len(body) // 2])
    assert s.request("GET", "/healthz")[0] == 200  # the server has read what was sent
    outcomes: list[str] = []
    stop = threading.Event()

    def load():
        for _ in range(300):  # bounded
            if stop.is_set():
                return
            try:
                status, _, raw = s.request("GET", "/codes/64493")
                json.loads(raw)
                outcomes.append(f"status {status}")
            except (ConnectionError, http.client.RemoteDisconnected):
                outcomes.append("refused")  # after shutdown began: not in flight
            except http.client.IncompleteRead:  # pragma: no cover - the failure looked for
                outcomes.append("truncated")

    threads = [threading.Thread(target=load) for _ in range(6)]
    for t in threads:
        t.start()
    while len(outcomes) < 30 and all(t.is_alive() for t in threads):
        time.sleep(0.01)
    s.proc.send_signal(signal.SIGTERM)
    sock.sendall(body[len(body) // 2 :])
    reply = b""
    while chunk := sock.recv(65536):
        reply += chunk
        head_end = reply.find(b"\r\n\r\n")
        if head_end >= 0:
            length = int(
                next(
                    line.split(b":")[1]
                    for line in reply[:head_end].split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
            )
            if len(reply) >= head_end + 4 + length:
                break
    sock.close()
    code, err = s.stop()
    stop.set()
    for t in threads:
        t.join(HANG)
    assert reply.startswith(b"HTTP/1.1 200"), reply[:300]
    doc = json.loads(reply[reply.find(b"\r\n\r\n") + 4 :])
    assert doc["lines"] == 2000
    assert code == 0, err
    assert "Traceback" not in err
    assert set(outcomes) <= {"status 200", "refused"}, set(outcomes)
    assert "status 200" in outcomes


def test_an_internal_error_is_a_500_without_a_traceback():
    """A fault inside the library (here a catalog whose lookup fails) answers 500 with a plain
    message: the exception's text and traceback stay in the server's log."""
    import uvicorn

    from proccodes.serve import create_app

    class Broken:
        sources = ()
        release = "broken"

        def lookup(self, code, *, on=None):
            raise RuntimeError("secret internals at /srv/proccodes/x.py line 1")

    app = create_app(Broken())  # type: ignore[arg-type]
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + HANG
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        for path in ("/codes/62290", "/fhir/CodeSystem/$lookup?code=62290"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HANG)
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            assert response.status == 500
            assert b"secret" not in body
            assert b"Traceback" not in body
            doc = json.loads(body)
            if path.startswith("/fhir"):
                assert response.getheader("content-type") == "application/fhir+json"
                assert doc["issue"][0]["code"] == "exception"
            else:
                assert doc == {"error": "internal", "message": "internal error"}
            conn.close()
    finally:
        server.should_exit = True
        thread.join(HANG)


def test_a_repeated_request_is_answered_alike(server):
    first = server.request("GET", "/fhir/CodeSystem/$lookup?code=64493")
    second = server.request("GET", "/fhir/CodeSystem/$lookup?code=64493")
    assert first[0] == second[0] == 200
    assert first[2] == second[2]
    for key in ("content-type", "content-length", RELEASE_HEADER.lower()):
        assert first[1][key] == second[1][key]


def test_the_answer_cache_is_bounded_in_entries_and_bytes():
    from proccodes.serve.app import CACHE_BYTES, CACHE_SIZE, _Cache

    assert CACHE_SIZE > 0
    assert CACHE_BYTES > 0
    catalog, other = default_catalog(), object()
    cache = _Cache(size=3, max_bytes=16 * 1000)
    assert cache.get(catalog, "a") is None
    for key in "abcd":
        cache.put(catalog, key, (b"t", b"x" * 100))
    assert [k for k in "abcd" if cache.get(catalog, k)] == ["b", "c", "d"]
    cache.put(catalog, "big", (b"t", b"x" * 990))  # over max_bytes / 16: not kept
    assert cache.get(catalog, "big") is None
    for n in range(50):
        cache.put(catalog, n, (b"t", b"x" * 900))
        assert cache.bytes <= cache.max_bytes
        assert len(cache.items) <= cache.size
    assert cache.get(other, 49) is None  # another catalog: emptied
    assert cache.items == {}


def test_a_taken_port_is_a_one_line_error_exit_2(server):
    result = subprocess.run(
        [sys.executable, "-m", "proccodes", "serve", "--port", str(server.port)],
        capture_output=True,
        text=True,
        timeout=HANG,
    )
    assert result.returncode == 2
    assert f"proccodes: error: cannot serve on 127.0.0.1:{server.port}" in result.stderr
    assert "Traceback" not in result.stderr


# -- any input: a 2xx or a 4xx answer, never a 500 (in-process, through the ASGI interface) ------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_APP = None


def _asgi(method: str, path: str, query: bytes = b"", body: bytes = b"") -> tuple[int, bytes]:
    import asyncio

    from proccodes.serve import create_app

    global _APP
    if _APP is None:
        _APP = create_app()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8", "surrogateescape"),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"t"), (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(_APP(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


ROUTES = [
    "/codes/{}",
    "/search",
    "/validate",
    "/ranges/{}",
    "/fees/{}",
    "/fhir/CodeSystem/$lookup",
    "/fhir/CodeSystem/$validate-code",
    "/fhir/ValueSet/$expand",
]
PARAMS = [
    "q",
    "code",
    "on",
    "limit",
    "system",
    "url",
    "display",
    "date",
    "count",
    "offset",
    "filter",
    "property",
    "locality",
    "pos",
    "modifier",
    "units",
    "version",
]


@pytest.mark.parametrize("path", ["/codes/0/", "/codes/62290/", "/search/", "/fhir/metadata/"])
def test_a_trailing_slash_is_a_json_404_not_a_bare_redirect(path):
    status, body = _asgi("GET", path, b"")
    assert status == 404, (path, status, body[:200])
    answer = json.loads(body)
    if path.startswith("/fhir/"):
        assert answer["resourceType"] == "OperationOutcome"
    else:
        assert answer["error"] == "not_found"


@settings(max_examples=150, deadline=None)
@given(
    route=st.sampled_from(ROUTES),
    segment=st.text(max_size=12),
    params=st.lists(st.tuples(st.sampled_from(PARAMS), st.text(max_size=12)), max_size=4),
)
def test_any_get_is_answered_without_a_server_error(route, segment, params):
    import urllib.parse

    path = route.format(urllib.parse.quote(segment, safe="") or "x")
    query = urllib.parse.urlencode(params).encode()
    status, body = _asgi("GET", urllib.parse.unquote(path), query)
    assert status < 500, (path, query, body[:300])
    json.loads(body)


@settings(max_examples=60, deadline=None)
@given(
    route=st.sampled_from(["/claims/check", "/fhir/CodeSystem/$lookup", "/fhir/ValueSet/$expand"]),
    body=st.one_of(
        st.binary(max_size=40),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=8),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(max_size=6), inner, max_size=3)
            ),
            max_leaves=8,
        ).map(lambda v: json.dumps(v).encode()),
    ),
)
def test_any_post_body_is_answered_without_a_server_error(route, body):
    status, answer = _asgi("POST", route, b"", body)
    assert status < 500, (route, body[:200], answer[:300])
    json.loads(answer)


_VALUE = st.none() | st.booleans() | st.integers(-5, 10**6) | st.text(max_size=12)
_LINE = st.fixed_dictionaries(
    {
        "claim": _VALUE,
        "date": st.sampled_from(["2026-03-02", "2026-02-30", "x"]) | _VALUE,
        "code": st.sampled_from(["64493", "6449", "62290", "A0425"]) | _VALUE,
    },
    optional={
        "modifiers": _VALUE | st.lists(_VALUE, max_size=3),
        "units": _VALUE,
        "place_of_service": _VALUE,
    },
)


@settings(max_examples=80, deadline=None)
@given(lines=st.lists(_LINE, max_size=4))
def test_any_claim_lines_are_answered_without_a_server_error(lines):
    status, answer = _asgi("POST", "/claims/check", b"", json.dumps({"lines": lines}).encode())
    assert status in (200, 400), (lines, answer[:300])
    doc = json.loads(answer)
    assert ("findings" in doc) == (status == 200)


def test_text_that_is_not_unicode_is_answered_as_valid_json():
    body = '{"lines": [{"claim": "\\ud800", "date": "2026-03-02", "code": "6449\\udc80"}]}'
    status, answer = _asgi("POST", "/claims/check", b"", body.encode())
    assert status == 200
    doc = json.loads(answer)
    assert doc["findings"][0]["rule"] == "code.malformed"
    lookup = {"resourceType": "Parameters", "parameter": [{"name": "code", "valueCode": "\ud800"}]}
    status, answer = _asgi("POST", "/fhir/CodeSystem/$lookup", b"", json.dumps(lookup).encode())
    assert status == 400
    json.loads(answer)
