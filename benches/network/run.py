#!/usr/bin/env python3
"""Network benchmark for refcheck's resolver (issue 3). See README.md beside this file.

Starts an HTTP/1.1 server (keep-alive) on 20 loopback addresses, 127.0.0.2-127.0.0.21,
that answers every request after 100 ms and records how many requests are in flight,
overall and per address; writes an article citing 2,000 unique URLs (100 per address);
runs refcheck on it (and lychee, when installed) and prints the figures.

Standard library only; Linux (loopback addresses beyond 127.0.0.1 need no setup there).
"""

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HOSTS = [f"127.0.0.{i}" for i in range(2, 22)]
PER_HOST_URLS = 100
DELAY = 0.100


class Stats:
    """In-flight counters of the server, reset between runs."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.inflight = 0
        self.peak = 0
        self.host_inflight = {h: 0 for h in HOSTS}
        self.host_peak = {h: 0 for h in HOSTS}
        self.requests = 0
        self.methods = {}
        self.samples = []
        self.first = None
        self.last = None


STATS = Stats()


class Handler(asyncio.Protocol):
    """One keep-alive connection: every request is answered with 200 after DELAY.

    A protocol with timer callbacks rather than a coroutine per request, so that the
    server itself adds as little as possible to each response.
    """

    def __init__(self, host):
        self.host = host
        self.buf = b""
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.buf += data
        loop = asyncio.get_running_loop()
        while b"\r\n\r\n" in self.buf:
            head, self.buf = self.buf.split(b"\r\n\r\n", 1)
            method = head.split(b" ", 1)[0].decode("latin-1")
            if STATS.first is None:
                STATS.first = time.perf_counter()
            STATS.requests += 1
            STATS.methods[method] = STATS.methods.get(method, 0) + 1
            STATS.inflight += 1
            STATS.host_inflight[self.host] += 1
            STATS.peak = max(STATS.peak, STATS.inflight)
            STATS.host_peak[self.host] = max(STATS.host_peak[self.host], STATS.host_inflight[self.host])
            loop.call_later(DELAY, self.respond, method)

    def respond(self, method):
        STATS.inflight -= 1
        STATS.host_inflight[self.host] -= 1
        if self.transport is None or self.transport.is_closing():
            return
        body = b"" if method == "HEAD" else b"<html><title>ok</title></html>"
        self.transport.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 30\r\n\r\n" + body
        )
        STATS.last = time.perf_counter()

    def connection_lost(self, exc):
        self.transport = None


def write_article(path, port):
    lines = ["A benchmark article", "", "Every source below is cited here: "]
    n = len(HOSTS) * PER_HOST_URLS
    lines.append(" ".join(f"[{i}]" for i in range(1, n + 1)))
    lines += ["", "References"]
    i = 0
    for h in HOSTS:
        for k in range(PER_HOST_URLS):
            i += 1
            lines.append(f"{i}. Author {i} (2020). Benchmark page {i}. http://{h}:{port}/page/{k}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return n


async def sample_inflight(stop):
    """Record the requests in flight every 5 ms while a tool runs."""
    while not stop.is_set():
        STATS.samples.append(STATS.inflight)
        await asyncio.sleep(0.005)


def run_measured(cmd, stdout_path):
    """Run cmd, return (wall seconds, peak RSS in MiB, exit status, CPU seconds)."""
    with open(stdout_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024.0, proc.returncode, usage.ru_utime + usage.ru_stime


async def measure(name, cmd, stdout_path):
    STATS.reset()
    loop = asyncio.get_running_loop()
    started = time.perf_counter()
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_inflight(stop))
    wall, rss, code, cpu = await loop.run_in_executor(None, run_measured, cmd, stdout_path)
    stop.set()
    await sampler
    busy = [s for s in STATS.samples if s > 0]
    first = (STATS.first or started) - started
    span = (STATS.last or started) - (STATS.first or started)
    return {
        "first": first,
        "span": span,
        "cpu": cpu,
        "mean_inflight": sum(busy) / len(busy) if busy else 0.0,
        "name": name,
        "wall": wall,
        "rss": rss,
        "exit": code,
        "requests": STATS.requests,
        "methods": dict(STATS.methods),
        "peak": STATS.peak,
        "host_peak": max(STATS.host_peak.values()),
    }


def refcheck_statuses(path):
    counts = {}
    try:
        with open(path) as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        return {"unreadable report": str(e)}
    for file in report.get("files", []):
        for ref in file.get("references", []):
            for ident in ref.get("identifiers", []):
                counts[ident["status"]] = counts.get(ident["status"], 0) + 1
    return counts


async def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", ".."))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--refcheck", default=os.path.join(root, "target", "release", "refcheck"))
    ap.add_argument("--lychee", default=shutil.which("lychee"))
    ap.add_argument("--port", type=int, default=18181)
    ap.add_argument("--concurrency", type=int, default=128)
    ap.add_argument("--per-host", type=int, default=8)
    ap.add_argument("--runs", type=int, default=3, help="runs of each tool; the best is reported")
    args = ap.parse_args()
    if not os.path.exists(args.refcheck):
        sys.exit(f"no refcheck binary at {args.refcheck}: run `cargo build --release` first")

    servers = []
    for h in HOSTS:
        loop = asyncio.get_running_loop()
        servers.append(
            await loop.create_server(lambda h=h: Handler(h), h, args.port, backlog=1024)
        )

    work = tempfile.mkdtemp(prefix="refcheck-bench-")
    article = os.path.join(work, "article.txt")
    n = write_article(article, args.port)
    ideal = n * DELAY / args.concurrency
    print(f"{n} unique URLs on {len(HOSTS)} hosts, {int(DELAY * 1000)} ms per response; "
          f"--concurrency {args.concurrency} --per-host {args.per_host}")
    print(f"ideal: {n} x {DELAY} s / {args.concurrency} = {ideal:.2f} s\n")

    refcheck_cmd = [args.refcheck, "--concurrency", str(args.concurrency), "--per-host",
                    str(args.per_host), "--allow-private", "--no-cache", "--format", "json",
                    "--no-progress", article]
    results = []
    for _ in range(args.runs):
        r = await measure("refcheck", refcheck_cmd, os.path.join(work, "refcheck.json"))
        r["statuses"] = refcheck_statuses(os.path.join(work, "refcheck.json"))
        results.append(r)
    best = min(results, key=lambda r: r["wall"])
    rows = [best]

    if args.lychee:
        lychee_cmd = [args.lychee, "--no-progress", "--max-concurrency", str(args.concurrency),
                      "--host-concurrency", str(args.per_host), "--host-request-interval", "0s",
                      "--format", "json", article]
        lres = [await measure("lychee", lychee_cmd, os.path.join(work, "lychee.json"))
                for _ in range(args.runs)]
        rows.append(min(lres, key=lambda r: r["wall"]))
    else:
        print("lychee not found (cargo install lychee): comparison skipped\n")

    for r in rows:
        print(f"{r['name']:9} wall {r['wall']:.2f} s ({r['wall'] / ideal:.2f}x ideal), "
              f"peak RSS {r['rss']:.1f} MiB, exit {r['exit']}, {r['requests']} requests {r['methods']}")
        print(f"{'':9} in flight: max {r['peak']} overall (limit {args.concurrency}), "
              f"max {r['host_peak']} per host (limit {args.per_host}), "
              f"mean {r['mean_inflight']:.0f} while busy; CPU {r['cpu']:.2f} s")
        print(f"{'':9} first request after {r['first']:.2f} s, first request to last "
              f"response {r['span']:.2f} s")
        if "statuses" in r:
            print(f"{'':9} statuses: {r['statuses']}")
            if sum(v for v in r["statuses"].values() if isinstance(v, int)) != n:
                print(f"{'':9} WARNING: refcheck did not report {n} URLs; does this build extract URLs?")
    print("\nall refcheck runs (s): " + ", ".join("%.2f" % r["wall"] for r in results))
    ok = (best["wall"] <= 1.15 * ideal and best["peak"] <= args.concurrency
          and best["host_peak"] <= args.per_host and best["rss"] < 100)
    print("targets (<=1.15x ideal, limits kept, <100 MiB):", "met" if ok else "NOT met")
    for s in servers:
        s.close()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
