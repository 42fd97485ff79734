"""Load on ``proccodes serve`` over real HTTP on 127.0.0.1, beside a constant endpoint of the
same framework, in one run.

    python benchmarks/serve_load.py [--clients 16] [--rounds 3] [--seconds 0.8]

Starts two server processes on free ports, both uvicorn + Starlette with the same settings:
``proccodes serve`` and a bare Starlette app whose one route returns a constant. Then, for
each endpoint in turn, ``--clients`` concurrent clients (asyncio, one keep-alive connection
each) send requests back to back for ``--seconds`` (or until ``--max-requests``), after a short
warm-up; the endpoints take turns for ``--rounds`` rounds, each right after a phase of the
constant (the machine's load changes from second to second: each endpoint is compared with the
constant measured beside it), and the run reports the median requests/s over the rounds, the
median ratio to the constant, and p50/p99 latency (from sending a request to having read its
whole response). On Linux it also reports each server process's CPU time per request (from
/proc) and the constant's over it: the throughput ratio the two would have on a core of their
own, far steadier than requests/s when other work shares the machine. Both servers are
stopped with SIGTERM at the end.

Endpoints: the bare constant app; ``/healthz`` of proccodes serve (a constant behind its
middleware); then ``/codes/{code}``, ``/search`` and FHIR ``CodeSystem/$lookup`` each twice:
over a few repeated requests (200 codes, 40 queries: answered from the server's answer cache
after the first time) and over far more distinct ones than the cache holds (every code of the
catalog, thousands of two-word queries: mostly cache misses; a record or a plain ``$lookup``
then comes from the texts the server wrote before listening, a search is computed). Each
client walks its own stretch of the list.
Target (DESIGN.md): each proccodes endpoint at least 0.7 x the constant's requests/s and p99 at
most 10 ms. The machine is shared: read the ratios, not the absolute figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse

BARE_APP = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

async def constant(request):
    return Response(b'{"status":"ok"}', media_type="application/json")

app = Starlette(routes=[Route("/constant", constant, methods=["GET"])])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning",
            access_log=False, server_header=False, lifespan="off")
"""

QUERIES = [
    "discogram",
    "epidural",
    "lumbar fusion",
    "facet injection",
    "laminectomy",
    "knee",
    "office visit",
    "mri",
    "ambulance",
    "insulin",
    "nerve block",
    "botox",
    "physical therapy",
    "x-ray",
    "ct scan",
    "biopsy",
    "cataract",
    "colonoscopy",
    "vertebroplasty",
    "kyphoplasty",
    "radiofrequency",
    "spinal cord stimulator",
    "wheelchair",
    "oxygen",
    "vaccine",
    "ultrasound",
    "anesthesia",
    "emergency",
    "telehealth",
    "injection",
    "spine",
    "hip",
    "shoulder",
    "catheter",
    "lab",
    "blood",
    "glucose",
    "sleep",
    "therapy",
    "disc",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(args: list[str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"server {args} exited with {proc.returncode}") from None
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"server {args} did not start")


async def client(
    port: int, paths: list[str], offset: int, until: float, budget: list[int], out: list[float]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    n = offset
    try:
        while budget[0] > 0 and time.perf_counter() < until:
            budget[0] -= 1
            path = paths[n % len(paths)]
            n += 1
            t0 = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            out.append(time.perf_counter() - t0)
            if not head.startswith(b"HTTP/1.1 200"):
                raise SystemExit(f"{path}: {head[:60]!r}")
    finally:
        writer.close()


def cpu_seconds(pid: int) -> float | None:
    """The CPU time (user + system) process ``pid`` has used, from /proc; None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def phase(
    port: int, paths: list[str], clients: int, seconds: float, limit: int, start: int, pid: int
) -> dict:
    # each client walks its own stretch of the paths, so a long list is mostly cache misses
    spread = [start + (i * len(paths)) // clients for i in range(clients)]
    warm: list[float] = []
    budget = [clients * 20]
    end = time.perf_counter() + min(0.3, seconds)
    await asyncio.gather(*(client(port, paths, n, end, budget, warm) for n in spread))
    times: list[float] = []
    budget = [limit]
    cpu0 = cpu_seconds(pid)
    t0 = time.perf_counter()
    end = t0 + seconds
    await asyncio.gather(*(client(port, paths, n + 40, end, budget, times) for n in spread))
    elapsed = time.perf_counter() - t0
    cpu1 = cpu_seconds(pid)
    cpu = None if cpu0 is None or cpu1 is None else (cpu1 - cpu0) / max(1, len(times))
    return {"times": times, "rps": len(times) / elapsed, "cpu": cpu}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=0.8, help="per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all endpoints")
    parser.add_argument("--max-requests", type=int, default=100_000)
    args = parser.parse_args()

    from proccodes import default_catalog

    catalog = default_catalog()
    every = list(catalog)
    step = max(1, len(every) // 200)
    some = every[::step][:200]
    curated = [c for c, r in catalog.items() if r.curated]
    some = (curated + some)[:200]
    words = sorted({w for r in catalog.values() for w in r.title.lower().split() if w.isalpha()})
    pairs = [f"{a} {b}" for a, b in zip(words, words[len(words) // 3 :] + words, strict=False)]
    pairs += [f"{a} {b}" for a, b in zip(words, words[len(words) // 2 :] + words, strict=False)]

    def search(text: str) -> str:
        return "/search?" + urllib.parse.urlencode({"q": text})

    def lookup(code: str) -> str:
        return "/fhir/CodeSystem/$lookup?" + urllib.parse.urlencode({"code": code})

    bare_port, serve_port = free_port(), free_port()
    bare = start([sys.executable, "-c", BARE_APP, str(bare_port)], bare_port)
    serve = start(
        [sys.executable, "-m", "proccodes", "serve", "--port", str(serve_port)], serve_port
    )
    plan = [
        ("constant (bare Starlette)", bare_port, ["/constant"]),
        ("/healthz (proccodes serve)", serve_port, ["/healthz"]),
        ("/codes/{code}, 200 codes", serve_port, [f"/codes/{c}" for c in some]),
        ("/codes/{code}, all 19.5k codes", serve_port, [f"/codes/{c}" for c in every]),
        ("/search?q=, 40 queries", serve_port, [search(q) for q in QUERIES]),
        (f"/search?q=, {len(pairs) / 1000:.0f}k queries", serve_port, [search(q) for q in pairs]),
        ("FHIR $lookup, 200 codes", serve_port, [lookup(c) for c in some]),
        ("FHIR $lookup, all 19.5k codes", serve_port, [lookup(c) for c in every]),
    ]
    rounds: dict[str, list[dict]] = {name: [] for name, _, _ in plan}
    ratios: dict[str, list[float]] = {name: [] for name, _, _ in plan}
    constant_name, constant_port, constant_paths = plan[0]
    try:  # endpoints interleaved, round after round, so a noisy moment hits them all alike
        for n in range(args.rounds):
            for name, port, paths in plan[1:]:
                # the constant right before each endpoint: on a shared machine the load
                # changes from second to second, so each endpoint is compared with the
                # constant measured beside it
                reference = asyncio.run(
                    phase(
                        constant_port,
                        constant_paths,
                        args.clients,
                        args.seconds,
                        args.max_requests,
                        0,
                        bare.pid,
                    )
                )
                first = n * (len(paths) // max(1, args.rounds * args.clients))
                pid = bare.pid if port == bare_port else serve.pid
                r = asyncio.run(
                    phase(port, paths, args.clients, args.seconds, args.max_requests, first, pid)
                )
                rounds[constant_name].append(reference)
                rounds[name].append(r)
                ratios[name].append(r["rps"] / reference["rps"])
    finally:
        for proc in (bare, serve):
            proc.send_signal(signal.SIGTERM)
        bare.wait(timeout=60)
        code = serve.wait(timeout=60)
    ratios[constant_name] = [1.0]

    def cpu_per_request(runs: list[dict]) -> float | None:
        if any(r["cpu"] is None for r in runs):
            return None
        requests = sum(len(r["times"]) for r in runs)
        return sum(r["cpu"] * len(r["times"]) for r in runs) / max(1, requests)

    results = []
    for name, runs in rounds.items():
        times = sorted(t for r in runs for t in r["times"])
        results.append(
            {
                "name": name,
                "requests": len(times),
                "rps": statistics.median(r["rps"] for r in runs),
                "ratio": statistics.median(ratios[name]),
                "low": min(ratios[name]),
                "high": max(ratios[name]),
                "cpu": cpu_per_request(runs),
                "p50": statistics.median(times) * 1000,
                "p99": times[int(len(times) * 0.99) - 1] * 1000,
            }
        )
    print(
        f"proccodes serve under load: {args.clients} clients, {args.rounds} rounds of "
        f"{args.seconds:g} s per endpoint, {os.cpu_count()} CPUs (client and servers share them)"
    )
    print(
        f"{'endpoint':34} {'requests':>9} {'req/s':>8} {'x const':>8} {'range':>11} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'CPU us':>7} {'x const':>8}"
    )
    constant_cpu = results[0]["cpu"]
    for r in results:
        cpu = r["cpu"]
        cpu_text = f"{cpu * 1e6:7.0f} {constant_cpu / cpu:8.2f}" if cpu and constant_cpu else ""
        print(
            f"{r['name']:34} {r['requests']:9d} {r['rps']:8.0f} {r['ratio']:8.2f} "
            f"{r['low']:5.2f}-{r['high']:<5.2f} {r['p50']:7.2f} {r['p99']:7.2f} {cpu_text}"
        )
    print(
        "req/s: the median over the rounds; x const: the median over the rounds of the "
        "endpoint's req/s over the constant's measured right before it (range: lowest-highest); "
        "p50/p99: over all requests of the endpoint; CPU us: the server process's CPU time per "
        "request (Linux /proc), and the constant's over it: the throughput ratio the two would "
        "have on a core of their own, which the load of a shared machine disturbs far less"
    )
    print(f"proccodes serve stopped with SIGTERM: exit code {code}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
