"""``minekb bench load``: sustained requests per second of ``minekb serve`` under a mixed load.

Starts the server on a free loopback port with 1, then 2 worker processes,
and for each runs Locust headless (bench/locustfile.py: searches, advice,
pages) at rising numbers of users for a bounded time each. It prints, per
step, requests/s, p50/p95/p99 and failures, and per worker count the highest
rate sustained with p99 ≤ the budget (200 ms) and no failure. Traffic stays
on 127.0.0.1; every run is bounded in users and seconds.
"""
from __future__ import annotations

import csv
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

LOCUSTFILE = Path(__file__).resolve().parent.parent / "bench" / "locustfile.py"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workers: int = 1, timeout: float = 60.0) -> tuple[subprocess.Popen, str, float]:
    """Start ``minekb serve`` on a free loopback port; return (process, base URL, seconds to first answer).

    The caller stops the process. Raises RuntimeError if it does not answer within ``timeout``.
    """
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "minekb.cli", "serve", "--port", str(port),
                             "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            urllib.request.urlopen(base + "/api/openapi.json", timeout=1).read()
            return proc, base, time.monotonic() - started
        except OSError:
            if proc.poll() is not None or time.monotonic() - started > timeout:
                proc.terminate()
                raise RuntimeError(f"minekb serve did not start within {timeout:.0f} s") from None
            time.sleep(0.02)


def _locust(base: str, users: int, seconds: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        prefix = str(Path(tmp) / "run")
        subprocess.run([sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "-u", str(users),
                        "-r", str(users), "-t", f"{seconds}s", "--host", base,
                        "--csv", prefix, "--only-summary", "--loglevel", "ERROR"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=seconds + 60, check=False)
        with open(prefix + "_stats.csv", encoding="utf-8") as fh:
            rows = {r["Name"]: r for r in csv.DictReader(fh)}
    agg = rows["Aggregated"]
    return {"users": users, "requests": int(agg["Request Count"]), "failures": int(agg["Failure Count"]),
            "rps": float(agg["Requests/s"]), "p50": float(agg["50%"]), "p95": float(agg["95%"]),
            "p99": float(agg["99%"])}


def run(workers_list: list[int], users_list: list[int], seconds: int, budget_ms: float = 200.0) -> list[dict]:
    from minekb.home import KnowledgeBaseHome
    from minekb.kb import ensure_built

    ensure_built(KnowledgeBaseHome())
    summary = []
    for workers in workers_list:
        proc, base, _ = start_server(workers)
        time.sleep(3)  # the background preload of every worker, as a server in use would have done
        best = None
        try:
            for users in users_list:
                step = _locust(base, users, seconds)
                ok = step["failures"] == 0 and step["p99"] <= budget_ms
                print(f"workers {workers} users {users:3d}: {step['rps']:7.1f} req/s  p50 {step['p50']:5.0f} ms  "
                      f"p95 {step['p95']:5.0f} ms  p99 {step['p99']:5.0f} ms  failures {step['failures']}"
                      f"{'' if ok else '  (over budget)'}", flush=True)
                if ok and (best is None or step["rps"] > best["rps"]):
                    best = step
        finally:
            proc.terminate()
            proc.wait(15)
        summary.append({"workers": workers, "best": best})
        shown = (f"{best['rps']:.1f} req/s at {best['users']} users (p99 {best['p99']:.0f} ms)" if best
                 else "no step within budget")
        print(f"workers {workers}: sustained {shown}, zero failures, p99 ≤ {budget_ms:.0f} ms", flush=True)
    return summary
