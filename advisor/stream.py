"""Reading a big batch file as a stream: bounded memory whatever its size.

``readers.iter_records`` reads the whole file into one string, which is right
for a profile or a form upload but not for a national inventory of 99,000
mines. For CSV and JSON Lines this module reads the file line by line from
disk (UTF-8 with or without BOM, or GB18030 as Chinese Excel saves it) and
yields the same ``InputRecord``s; a JSON array still needs the whole text.
``count_records`` gives the total for the progress bar from one fast pass
over the bytes.
"""
from __future__ import annotations

import codecs
from pathlib import Path
from typing import Iterator

from advisor.readers import InputFileError, InputRecord, csv_records, detect_format, iter_records

_SNIFF = 1 << 16
_BLOCK = 1 << 20


def _encoding(path: Path) -> str:
    """utf-8-sig unless the file is not UTF-8 (then GB18030, what Chinese Excel writes). The whole file is
    checked: a spreadsheet may turn to Chinese only after an ASCII header."""
    for encoding, name in (("utf-8", "utf-8-sig"), ("gb18030", "gb18030")):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as fh:
                while block := fh.read(_BLOCK):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
            return name
        except UnicodeDecodeError:
            continue
    raise InputFileError(f"{path}: not UTF-8 or GB18030 text")


def count_records(path: str | Path) -> int:
    """Lines of the file (blank ones included; for CSV the caller takes off the header): the batch size the
    progress bar shows, from one fast pass over the bytes."""
    lines = 0
    last = b"\n"
    with Path(path).open("rb") as fh:
        while block := fh.read(_BLOCK):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")


def stream_records(path: str | Path, fmt: str | None = None) -> Iterator[InputRecord]:
    """The file's records in input order, read from disk as they are needed (CSV and JSON Lines)."""
    path = Path(path)
    try:
        path.stat()
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file") from None
    if path.is_dir():
        raise InputFileError(f"{path}: is a folder, not a profile file")
    encoding = _encoding(path)
    with path.open("r", encoding=encoding, newline="") as fh:
        head = fh.read(_SNIFF)
    if not head.strip():
        raise InputFileError(f"{path}: the file is empty; expected a mine profile (JSON object), "
                             "a JSON array, JSON Lines or CSV")
    fmt = fmt or detect_format(path, head)
    if fmt == "csv":
        yield from _csv_stream(path, encoding, head)
    elif fmt == "jsonl":
        n = 0
        with path.open("r", encoding=encoding, newline=None) as fh:
            for lineno, line in enumerate(fh, start=1):
                if line.strip():
                    yield InputRecord(n, f"line {lineno}", line, kind="jsonl-text")
                    n += 1
    else:  # a JSON document is parsed whole
        yield from iter_records(path, fmt)


def _csv_stream(path: Path, encoding: str, head: str) -> Iterator[InputRecord]:
    with path.open("r", encoding=encoding, newline="") as fh:
        yield from csv_records(path, fh, head)
