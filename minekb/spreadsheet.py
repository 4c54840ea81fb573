"""Spreadsheet cells that cannot run as formulas (OWASP "CSV injection").

Officials open exported CSV files in Excel or WPS, which read a cell starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return as a formula: a mine
id ``=HYPERLINK("http://evil","x")`` from an uploaded inventory would become a
live link. Every CSV minekb writes (``minekb advise --csv``, the batch page's
download, the SPARQL endpoint's ``text/csv``) passes its text cells through
``safe_cell``, which prefixes such a cell with ``'`` (shown as text, the
quote hidden). Numbers are not text: a negative number stays a number.
"""
from __future__ import annotations

from typing import Any, Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text that a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]
