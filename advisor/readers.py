"""Readers of profile files: one JSON object, a JSON array, JSON Lines, or CSV.

Each reader yields ``InputRecord``s in input order. A record that cannot be
read or validated carries its ``ProfileError`` (naming its line or index) and
the batch goes on: one bad row in a national inventory must not stop the
other 99,000. A file that cannot be read at all (empty, not JSON, no CSV
header) raises ``InputFileError`` naming the file.

Reading and validating are separate steps (``parse=False`` keeps the raw
text) so that the batch path can ship raw lines to worker processes and do
all the per-record work there.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from advisor.profile import ProfileError, coerce_text_record, validate_profile
from rules.schema import PROFILE_FIELDS

FORMATS = ("json", "jsonl", "csv")


class InputFileError(ValueError):
    """The file as a whole cannot be read as profiles."""


@dataclass
class InputRecord:
    """One record of an input file, before or after validation."""

    index: int                     # 0-based position in the input
    where: str                     # "line 3", "index 2", "row 4 (line 5)" — for error messages
    raw: Any = None                # dict (JSON), dict of text (CSV) or str (a raw JSON line)
    kind: str = "json"             # "json" | "jsonl-text" | "csv"
    profile: dict[str, Any] | None = None
    error: ProfileError | None = None

    def validate(self) -> "InputRecord":
        """Fill ``profile`` or ``error`` (idempotent)."""
        if self.profile is not None or self.error is not None:
            return self
        try:
            raw = self.raw
            if self.kind == "jsonl-text":
                try:
                    raw = json.loads(raw)
                except json.JSONDecodeError as exc:
                    raise ProfileError([{"record": self.where, "field": None,
                                         "message": f"invalid JSON: {exc.msg} at column {exc.colno}"}]) from None
                except RecursionError:
                    raise ProfileError([{"record": self.where, "field": None,
                                         "message": "invalid JSON: nested too deeply"}]) from None
            elif self.kind == "csv":
                raw = coerce_text_record(raw)
            self.profile = validate_profile(raw, record=self.label(raw))
        except ProfileError as exc:
            self.error = exc
        return self

    def label(self, raw: Any) -> str:
        mid = raw.get("id") if isinstance(raw, dict) else None
        return f"{self.where} (id {mid})" if isinstance(mid, str) and mid else self.where


def detect_format(path: Path, text: str) -> str:
    """By extension first, then by content (``[`` / ``{`` / anything else = CSV)."""
    ext = path.suffix.lower().lstrip(".")
    if ext in ("jsonl", "ndjson"):
        return "jsonl"
    if ext == "csv":
        return "csv"
    if ext == "json":
        return "json"
    head = text.lstrip()[:1]
    return "json" if head in ("[", "{") else "csv"


def read_text(path: str | Path) -> str:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputFileError(f"{path}: is a folder, not a profile file") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        for enc in ("gb18030",):  # spreadsheets saved by Chinese Excel
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                pass
        raise InputFileError(f"{path}: not UTF-8 or GB18030 text") from None


def iter_records(path: str | Path, fmt: str | None = None, *, text: str | None = None) -> Iterator[InputRecord]:
    """Yield the file's records (unvalidated; call ``.validate()``), in input order."""
    path = Path(path)
    text = read_text(path) if text is None else text
    if not text.strip():
        raise InputFileError(f"{path}: the file is empty; expected a mine profile (JSON object), "
                             "a JSON array, JSON Lines or CSV")
    fmt = fmt or detect_format(path, text)
    if fmt == "csv":
        yield from _csv_records(path, text)
    elif fmt == "jsonl":
        yield from _jsonl_records(text)
    elif fmt == "json":
        yield from _json_records(path, text)
    else:
        raise InputFileError(f"unknown input format {fmt!r}; use one of {', '.join(FORMATS)}")


def _json_records(path: Path, text: str) -> Iterator[InputRecord]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{"):
            yield from _jsonl_records(text)  # several objects, one a line: JSON Lines in a .json file
            return
        raise InputFileError(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise InputFileError(f"{path}: invalid JSON: nested too deeply (a mine profile is an object of "
                             "plain values and lists)") from None
    if isinstance(data, dict):
        yield InputRecord(0, "record 1", data)
    elif isinstance(data, list):
        if not data:
            raise InputFileError(f"{path}: the JSON array is empty; expected at least one mine profile")
        for i, item in enumerate(data):
            yield InputRecord(i, f"index {i}", item)
    else:
        raise InputFileError(f"{path}: expected a JSON object or an array of objects, got {type(data).__name__}")


def _jsonl_records(text: str) -> Iterator[InputRecord]:
    n = 0
    for lineno, line in enumerate(io.StringIO(text), start=1):
        if not line.strip():
            continue
        yield InputRecord(n, f"line {lineno}", line, kind="jsonl-text")
        n += 1


def _header_key(text: str) -> str:
    """A header cell compared loosely: full-width brackets as ASCII, no spaces, lower case."""
    return text.strip().replace("（", "(").replace("）", ")").replace(" ", "").replace("\u3000", "").lower()


# CSV header cell -> profile field: the field name itself, or its Chinese or
# English label from rules/schema.py (矿山编号, 矿种, 面积(公顷), "Mine id" …), so
# that a spreadsheet with Chinese column titles reads as it is.
_HEADER_FIELDS: dict[str, str] = {_header_key(n): n for n in PROFILE_FIELDS}
for _n, _spec in PROFILE_FIELDS.items():
    for _label in (_spec.label_zh, _spec.label_en):
        _HEADER_FIELDS.setdefault(_header_key(_label), _n)


def header_field(cell: str) -> str:
    """The profile field a CSV header cell names; an unknown cell is returned as it is (validation names it)."""
    return _HEADER_FIELDS.get(_header_key(cell), cell.strip())


def _csv_records(path: Path, text: str) -> Iterator[InputRecord]:
    return csv_records(path, io.StringIO(text), text)


def csv_records(path: Path, lines: Iterable[str], head: str) -> Iterator[InputRecord]:
    """The records of a CSV read from ``lines`` (a text stream); ``head`` is its beginning, to tell the
    separator (a tab-separated export of a spreadsheet, or commas)."""
    header = head.lstrip().split("\n", 1)[0]
    dialect = csv.excel_tab if ("\t" in header and "," not in header) else csv.excel
    reader = csv.DictReader(lines, dialect=dialect)
    if not reader.fieldnames or not any(f.strip() for f in reader.fieldnames):
        raise InputFileError(f"{path}: no CSV header; the first line must name the profile fields (id, province, …)")
    reader.fieldnames = [header_field(f) for f in reader.fieldnames]
    if "id" not in reader.fieldnames:
        raise InputFileError(f"{path}: the CSV header has no 'id' column (矿山编号 is required); "
                             f"header: {', '.join(reader.fieldnames)}")
    n = 0
    try:
        for row in reader:
            if not any((v or "").strip() for k, v in row.items() if k is not None):
                continue
            yield InputRecord(n, f"line {reader.line_num}", row, kind="csv")
            n += 1
    except csv.Error as exc:
        raise InputFileError(f"{path}: invalid CSV at line {reader.line_num}: {exc}") from None


def read_profiles(path: str | Path, fmt: str | None = None) -> list[InputRecord]:
    """All records of a file, validated (``profile`` or ``error`` set on each)."""
    return [r.validate() for r in iter_records(path, fmt)]
