"""Accept raw UTF-8 in request URLs, as browsers and curl users expect.

``curl 'http://127.0.0.1:8000/api/search?q=光伏'`` sends the UTF-8 bytes of
光伏 unescaped. waitress (3.0) splits the request target with
``urllib.parse.urlsplit`` on bytes, which decodes them as ASCII and fails; the
client gets "400 Bad URI". Browsers percent-encode before sending, so only
hand-typed requests hit this. :func:`install` wraps waitress's ``split_uri`` so
that bytes outside ASCII are percent-encoded first (exactly what the client
should have sent); everything else goes through waitress unchanged.
"""
from __future__ import annotations

import re

_NON_ASCII = re.compile(rb"[\x80-\xff]")


def quote_non_ascii(uri: bytes) -> bytes:
    """Percent-encode every byte outside ASCII; ASCII (and existing %XX escapes) stays as it is."""
    return _NON_ASCII.sub(lambda m: b"%%%02X" % m.group()[0], uri)


def install() -> None:
    """Patch waitress's request-target parser once (idempotent)."""
    from waitress import parser

    original = parser.split_uri
    if getattr(original, "_minekb_raw_utf8", False):
        return

    def split_uri(uri: bytes):
        return original(quote_non_ascii(uri))

    split_uri._minekb_raw_utf8 = True  # type: ignore[attr-defined]
    parser.split_uri = split_uri
