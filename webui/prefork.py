"""Several ``minekb serve`` worker processes sharing one listening socket.

Waitress is one process with threads, so CPU-bound work (advice, search
scoring — pure Python) is bound by the GIL. ``--workers N`` binds the socket
once in the parent and forks N children; each opens the same read-only
knowledge-base generation, builds its own app and runs waitress on the
inherited socket, and the kernel spreads connections between them. The
parent only supervises: it forwards SIGINT/SIGTERM and exits when the
children have stopped. No extra dependency (gunicorn) is needed.
"""
from __future__ import annotations

import os
import signal
import socket
import sys
from typing import Callable


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def run_workers(workers: int, sock: socket.socket, serve_one: Callable[[socket.socket], None]) -> int:
    """Fork ``workers`` children that each call ``serve_one(sock)``; wait for them all."""
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # child
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            code = 0
            try:
                serve_one(sock)
            except KeyboardInterrupt:
                pass
            except BaseException as exc:  # the child must never fall back into the parent's code
                print(f"minekb serve worker {os.getpid()}: {exc}", file=sys.stderr)
                code = 1
            finally:
                os._exit(code)
        children.append(pid)

    def stop(signum, _frame):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    worst = 0
    for pid in children:
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                break
            except InterruptedError:
                continue
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, -signal.SIGTERM):
            worst = code if code > 0 else 1
    sock.close()
    return worst
