"""Raw UTF-8 in a URL (`curl '…/api/search?q=光伏'`) is accepted by `minekb serve`, not "400 Bad URI"."""
from __future__ import annotations

import json
import socket
import threading

from waitress.server import create_server

from webui import rawurl


def test_non_ascii_bytes_are_percent_encoded_and_ascii_is_left_alone():
    assert rawurl.quote_non_ascii("/api/search?q=光伏".encode()) == b"/api/search?q=%E5%85%89%E4%BC%8F"
    assert rawurl.quote_non_ascii(b"/api/search?q=%E5%85%89+a&b=1#f") == b"/api/search?q=%E5%85%89+a&b=1#f"


def _raw_get(port: int, target: bytes) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_the_server_answers_raw_utf8_like_the_percent_encoded_url():
    def app(environ, start_response):
        from urllib.parse import parse_qs

        body = json.dumps({"path": environ["PATH_INFO"].encode("latin-1").decode("utf-8"),
                           "q": parse_qs(environ["QUERY_STRING"]).get("q", [""])[0]}).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]

    rawurl.install()
    rawurl.install()  # idempotent
    server = create_server(app, host="127.0.0.1", port=0, threads=1)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        port = server.effective_port
        raw = _raw_get(port, "/路径/api?q=光伏".encode())
        encoded = _raw_get(port, b"/%E8%B7%AF%E5%BE%84/api?q=%E5%85%89%E4%BC%8F")
        assert raw[0] == 200, raw
        assert json.loads(raw[1]) == json.loads(encoded[1]) == {"path": "/路径/api", "q": "光伏"}
    finally:
        server.close()


def test_minekb_serve_answers_a_raw_utf8_search(kb_home):
    import os
    import subprocess
    import sys
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, MINEKB_HOME=str(kb_home.path))
    proc = subprocess.Popen([sys.executable, "-m", "minekb.cli", "serve", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _raw_get(port, "/api/search?q=光伏".encode())
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert status == 200, body[:300]
        _, encoded = _raw_get(port, b"/api/search?q=%E5%85%89%E4%BC%8F")
        assert json.loads(body) == json.loads(encoded)
    finally:
        proc.terminate()
        proc.wait(20)
