"""Batch advice from an uploaded file: read, validate, advise, tabulate, download.

The upload is read with the advisor's own readers (the same CSV / JSON /
JSON Lines rules as ``minekb advise``); one bad record is reported with its
line and field while the others are still advised, in input order.
"""
from __future__ import annotations

import base64
import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from flask import Response

from minekb.spreadsheet import safe_cell
from webui.errors import APIError, detail
from webui.forms import profile_query
from webui.limits import check_records

DOWNLOADS = {"json": "application/json", "jsonl": "application/x-ndjson", "csv": "text/csv"}


@dataclass
class Row:
    index: int
    where: str
    mine_id: str | None
    advice: dict[str, Any] | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""                    # the advisor's message for a bad record
    profile_query: str = ""           # the query string of this mine's advice page


@dataclass
class Outcome:
    filename: str
    rows: list[Row]

    @property
    def advised(self) -> int:
        return sum(1 for r in self.rows if r.advice is not None)

    @property
    def failed(self) -> int:
        return len(self.rows) - self.advised

    def rows_json(self) -> list[dict[str, Any]]:
        """In input order: the advice object, or the contract's error body for a bad record."""
        out = []
        for r in self.rows:
            if r.advice is not None:
                out.append(r.advice)
            else:
                out.append({"mine_id": r.mine_id, "record": r.where, "error": r.error, "details": r.errors})
        return out


def decode(data: bytes, filename: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise APIError(400, f"{filename}: not UTF-8 or GB18030 text", [detail("cannot decode the file", "file")])


def advise_upload(advisor: Any, filename: str, data: bytes, max_records: int) -> Outcome:
    from advisor.readers import InputFileError, iter_records

    name = PurePath(filename).name or "upload"
    read_as = PurePath(name)
    if read_as.suffix.lower() == ".xlsx" or data[:4] == b"PK\x03\x04":  # a workbook: its first sheet, as CSV
        from webui.spreadsheet import SpreadsheetError, xlsx_to_csv

        try:
            text = xlsx_to_csv(data, max_records)
        except SpreadsheetError as exc:
            if str(exc).startswith("more than"):
                raise _too_many(name, max_records) from None
            raise APIError(400, f"{name}: {exc}", [detail(str(exc), "file")]) from None
        read_as = read_as.with_suffix(".csv")
    else:
        text = decode(data, name)
    try:
        records = []
        for record in iter_records(read_as, text=text):
            records.append(record)
            if len(records) > max_records:
                raise _too_many(name, max_records)
    except InputFileError as exc:
        message = str(exc).replace(str(read_as), name)
        raise APIError(400, message, [detail(message, "file")]) from None
    check_records(records)
    rows = []
    for record, result in zip(records, advisor.advise_many(records)):
        if "error" in result and "details" in result:
            row = Row(record.index, record.where, result.get("mine_id"), errors=list(result["details"]),
                      error=str(result["error"]))
        else:
            row = Row(record.index, record.where, result.get("mine_id"), advice=result,
                      profile_query=profile_query(record.profile or {}))
        rows.append(row)
    return Outcome(name, rows)


def _too_many(name: str, max_records: int) -> APIError:
    return APIError(413, f"{name}: more than {max_records} mine profiles in one upload; split the file",
                    [detail(f"limit is {max_records} records", "file")])


def summary_rows(outcome: Outcome) -> list[dict[str, str]]:
    """One flat row per record for the CSV download and the results table."""
    out = []
    for r in outcome.rows:
        a = r.advice or {}
        models = a.get("utilization_models") or []
        out.append({
            "record": r.where,
            "id": r.mine_id or "",
            "restoration_category": (a.get("restoration_category") or {}).get("id", "") if a else "",
            "priority": (a.get("priority") or {}).get("id", "") if a else "",
            "top_model": models[0]["id"] if models else "",
            "models": ";".join(m["id"] for m in models),
            "excluded": ";".join(m["id"] for m in a.get("excluded_models") or []),
            "incentives": ";".join(m["id"] for m in a.get("incentives") or []),
            "constraints": ";".join(m["id"] for m in a.get("constraints") or []),
            "error": "; ".join(f"{e.get('field') or ''}: {e.get('message')}" for e in r.errors),
        })
    return out


def _csv(outcome: Outcome) -> str:
    rows = summary_rows(outcome)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else ["record", "id", "error"])
    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows)  # no cell runs as a formula
    return buf.getvalue()


def _payload(outcome: Outcome, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(outcome.rows_json(), ensure_ascii=False, indent=1)
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in outcome.rows_json())
    return "\ufeff" + _csv(outcome)  # the BOM lets Excel open Chinese text as UTF-8


def download(outcome: Outcome, fmt: str) -> Response:
    stem = PurePath(outcome.filename).stem or "mines"
    response = Response(_payload(outcome, fmt), mimetype=DOWNLOADS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{_ascii(stem)}-advice.{fmt}"'
    return response


INLINE_LIMIT = 4 << 20   # bytes of a download carried in the page itself


def data_urls(outcome: Outcome) -> dict[str, str | None]:
    """Download links that need no second request (the results are not stored on the server). The flat CSV
    is small; the full advice JSON (about 200 kB a mine: every reason with its clauses' text) is carried only
    while it is small too — for a province's thousands of mines the page would weigh gigabytes, so it says
    to upload again with JSON chosen as the output, which downloads it directly (``None`` here)."""
    out: dict[str, str | None] = {}
    for fmt in ("json", "csv"):
        payload = _payload(outcome, fmt).encode("utf-8") if fmt == "csv" or len(outcome.rows) <= 50 else b""
        if fmt == "json" and (not payload or len(payload) > INLINE_LIMIT):
            out[fmt] = None
            continue
        out[fmt] = f"data:{DOWNLOADS[fmt]};charset=utf-8;base64," + base64.b64encode(payload).decode("ascii")
    return out


def _ascii(name: str) -> str:
    cleaned = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in name)
    return cleaned.strip("_") or "mines"
