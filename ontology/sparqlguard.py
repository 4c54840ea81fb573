"""What a query from outside may not make the server do: reach the network.

SPARQL 1.1 Federated Query (``SERVICE <url> { … }``) makes the engine open an
HTTP connection to any address the query names (Oxigraph does, with
``user-agent: Oxigraph/…``): from a public endpoint that is a server-side
request forgery. ``LOAD <url>`` (an update) fetches a URL too. ``FROM`` /
``FROM NAMED`` only select graphs already in the store (Oxigraph never
dereferences them), so they stay allowed.

``federation_problem(text)`` finds the ``SERVICE`` keyword outside strings,
IRIs and comments (after the ``\\u`` escapes are decoded, as the grammar
says); the web endpoint and ``minekb sparql`` refuse such a query before any
store sees it, whatever store backs the graph (in process or a server).
"""
from __future__ import annotations

import re

# Strings (long forms first), IRIs and comments, left to right: their text never holds a keyword.
_SKIP = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                   r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                   r'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*', re.S)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_SERVICE = re.compile(r"(?<![\w:?$.\-])SERVICE(?![\w:\-])", re.I)
_LOAD = re.compile(r"(?<![\w:?$.\-])LOAD(?![\w:\-])", re.I)


def _code(text: str) -> str:
    """The query with escapes decoded and strings, IRIs and comments blanked out."""
    def unescape(m: re.Match) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except (ValueError, OverflowError):
            return m.group(0)

    return _SKIP.sub(" ", _ESCAPE.sub(unescape, text))


def federation_problem(text: str) -> str | None:
    """Why ``text`` may not run (it would dereference a URL), or None."""
    code = _code(text)
    if _SERVICE.search(code):
        return ("SERVICE (federated query) is disabled: this endpoint never calls other servers; "
                "query the knowledge graph itself")
    if _LOAD.search(code):
        return "LOAD is disabled: this endpoint never fetches URLs and is read-only"
    return None
