"""``minekb serve``: the web UI and JSON API on a production WSGI server (waitress).

The knowledge base of ``MINEKB_HOME`` is opened (and built, with progress on
stderr, the first time); the heavy parts (search index, rules, graph) are then
loaded in a background thread so the server accepts connections at once and
the first request does not pay for them.
"""
from __future__ import annotations

import argparse
import os
import sys
import threading
import time

from minekb.cli import CLIError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "serve", help="serve the web UI and JSON API (waitress)",
        description="Serve the web pages and the JSON API of the knowledge base in MINEKB_HOME with waitress. "
                    "SECRET_KEY and MINEKB_ADMIN_TOKEN are read from the environment (see docs/webui.md).")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 for all)")
    p.add_argument("--port", type=int, default=8000, help="TCP port (default 8000; 0 picks a free port)")
    p.add_argument("--threads", type=int, default=4, help="worker threads of waitress per process (default 4)")
    p.add_argument("--workers", type=int, default=1,
                   help="worker processes sharing the listening socket (default 1; use the number of cores "
                        "for CPU-bound load)")
    p.set_defaults(func=serve)


def _warm(kb) -> None:
    """Load the stages a first request needs, off the serving thread."""
    for name in ("ruleset", "searcher", "advisor", "graph"):
        try:
            getattr(kb, name)
        except Exception as exc:  # a missing stage must not stop the server; its pages answer with the error
            print(f"minekb serve: could not preload {name}: {exc}", file=sys.stderr)


def serve(args: argparse.Namespace) -> int:
    from waitress.server import create_server

    from minekb.home import KnowledgeBaseHome
    from minekb.kb import KnowledgeBase
    from minekb.progress import TerminalProgress
    from webui import create_app, rawurl

    if not 0 <= args.port <= 65535:
        raise CLIError(f"--port must be between 0 and 65535, got {args.port}")
    if args.threads < 1:
        raise CLIError(f"--threads must be at least 1, got {args.threads}")
    if args.workers < 1:
        raise CLIError(f"--workers must be at least 1, got {args.workers}")
    rawurl.install()  # `curl '…/api/search?q=光伏'` with raw UTF-8 is accepted (the workers inherit it)
    started = time.monotonic()
    home = KnowledgeBaseHome()
    if not home.is_built():
        print(f"minekb serve: building the knowledge base in {home.path} (first use; this takes a while)",
              file=sys.stderr)
    kb = KnowledgeBase.open(home, progress=TerminalProgress())
    if args.workers > 1:
        return _serve_prefork(args, kb, started)
    app = create_app(kb)
    try:
        server = create_server(app, host=args.host, port=args.port, threads=args.threads, ident="minekb")
    except OSError as exc:
        raise CLIError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    threading.Thread(target=_warm, args=(kb,), name="minekb-warm", daemon=True).start()
    host, port = server.effective_host, server.effective_port
    shown = f"[{host}]" if ":" in str(host) else host
    print(f"minekb serve: http://{shown}:{port}/ ready in {time.monotonic() - started:.2f}s "
          f"(knowledge base {kb.gen_dir.name}; Ctrl-C stops)", file=sys.stderr, flush=True)
    if not os.environ.get("MINEKB_ADMIN_TOKEN"):
        print("minekb serve: MINEKB_ADMIN_TOKEN is not set: document upload is disabled", file=sys.stderr)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def _serve_prefork(args: argparse.Namespace, kb, started: float) -> int:
    from waitress.server import create_server

    from minekb.kb import KnowledgeBase
    from webui import create_app
    from webui.prefork import bind, run_workers

    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        raise CLIError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    host, port = sock.getsockname()[:2]
    gen_dir = kb.gen_dir

    def serve_one(sock) -> None:
        worker_kb = KnowledgeBase(gen_dir, kb.home)  # each process loads its own stages
        _warm(worker_kb)
        server = create_server(create_app(worker_kb), sockets=[sock], threads=args.threads, ident="minekb")
        server.run()

    shown = f"[{host}]" if ":" in str(host) else host
    print(f"minekb serve: http://{shown}:{port}/ with {args.workers} worker processes, ready in "
          f"{time.monotonic() - started:.2f}s (knowledge base {gen_dir.name}; Ctrl-C stops)",
          file=sys.stderr, flush=True)
    return run_workers(args.workers, sock, serve_one)


def register_bench(bench_subparsers: argparse._SubParsersAction) -> None:
    p = bench_subparsers.add_parser(
        "serve", help="start-up time of minekb serve and HTTP latency of the main pages and API",
        description="Start `minekb serve` on a free loopback port (the knowledge base of MINEKB_HOME, built first if "
                    "needed), time until it accepts requests, then request each page and API call --repeat times "
                    "and print p50 / p95 latency.")
    p.add_argument("--repeat", type=int, default=30, help="requests per URL (default 30)")
    p.set_defaults(func=bench_serve)
    load = bench_subparsers.add_parser(
        "load", help="sustained requests/s of minekb serve under a mixed load (Locust), 1 and 2 workers",
        description="Start minekb serve on loopback with each --workers count and run Locust headless "
                    "(bench/locustfile.py: search, advice, pages) at each --users count for --seconds; print "
                    "req/s and p50/p95/p99 per step and the best rate with p99 <= 200 ms and no failure.")
    load.add_argument("--workers", default="1,2", help="comma-separated worker-process counts (default 1,2)")
    load.add_argument("--users", default="2,4,8,16", help="comma-separated concurrent users (default 2,4,8,16)")
    load.add_argument("--seconds", type=int, default=15, help="seconds per step (default 15)")
    load.set_defaults(func=bench_load)


def bench_load(args: argparse.Namespace) -> int:
    from webui.loadbench import run

    try:
        workers = [int(w) for w in args.workers.split(",") if w.strip()]
        users = [int(u) for u in args.users.split(",") if u.strip()]
    except ValueError:
        raise CLIError("--workers and --users take comma-separated whole numbers, e.g. 1,2") from None
    if not workers or not users or min(workers + users) < 1 or not 1 <= args.seconds <= 300:
        raise CLIError("--workers and --users need numbers >= 1, --seconds 1..300")
    run(workers, users, args.seconds)
    return 0


BENCH_URLS = ("/", "/search?q=%E5%85%89%E4%BC%8F", "/api/search?q=%E5%85%89%E4%BC%8F&limit=10",
              "/documents/bj-mine-plan-2021", "/advice",
              "/advice/result?id=B1&province=%E6%B1%9F%E8%A5%BF&mineral=rare_earth&mining_method=in_situ_leaching",
              "/api/openapi.json")


def bench_serve(args: argparse.Namespace) -> int:
    import urllib.request

    from minekb.home import KnowledgeBaseHome
    from minekb.kb import ensure_built
    from minekb.progress import TerminalProgress
    from webui.loadbench import start_server

    ensure_built(KnowledgeBaseHome(), TerminalProgress())
    try:
        proc, base, startup = start_server(workers=1)
    except RuntimeError as exc:
        raise CLIError(str(exc)) from None
    try:
        print(f"start-up (process start to first answer): {startup:.2f} s")
        time.sleep(3)  # let the background preload finish, as a server in use would have
        for url in BENCH_URLS:
            times = []
            for _ in range(max(1, args.repeat)):
                t = time.perf_counter()
                urllib.request.urlopen(base + url, timeout=30).read()
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            p50, p95 = times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.95))]
            print(f"{url[:60]:<60} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    finally:
        proc.terminate()
        proc.wait(10)
    return 0
