"""Snippets with the matched terms in ``<mark>``; the clause text is HTML-escaped.

Marks are found by substring search in the folded text (Chinese has no word
boundaries to respect); English stems extend to the end of the word (a search
for "incentives" is stemmed to "incent" and marks "incentive"). The snippet is
the window of ``width`` characters holding the most marks.
"""
from __future__ import annotations

import html
import re
import unicodedata

from search.analysis import fold


def _spans(folded: str, marks: set[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for mark in sorted({m for m in marks if m}, key=len, reverse=True):
        if mark.isascii():
            rx = re.compile(r"(?<![a-z0-9])" + re.escape(mark) + r"[a-z0-9]*")
            found = [(m.start(), m.end()) for m in rx.finditer(folded)]
        else:
            found, i = [], folded.find(mark)
            while i >= 0:
                found.append((i, i + len(mark)))
                i = folded.find(mark, i + len(mark))
        for s, e in found:
            if all(e <= a or s >= b for a, b in spans):
                spans.append((s, e))
    return sorted(spans)


def highlight(text: str, marks: set[str], width: int = 160) -> str:
    """An HTML snippet of ``text`` (escaped) with every mark wrapped in ``<mark>``."""
    folded = fold(text)
    if len(folded) != len(text):  # NFKC changed the length: fall back to a simple fold
        folded = unicodedata.normalize("NFC", text).lower()
        if len(folded) != len(text):
            folded = text
    spans = _spans(folded, marks)
    start, end = 0, len(text)
    if len(text) > width:
        best, best_start = -1, 0
        for s, _ in spans or [(0, 0)]:
            lo = max(0, min(s - width // 4, len(text) - width))
            count = sum(1 for a, b in spans if a >= lo and b <= lo + width)
            if count > best:
                best, best_start = count, lo
        start, end = best_start, best_start + width
    out = ["…" if start > 0 else ""]
    cursor = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(html.escape(text[cursor:s]))
        out.append("<mark>" + html.escape(text[s:e]) + "</mark>")
        cursor = e
    out.append(html.escape(text[cursor:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)
