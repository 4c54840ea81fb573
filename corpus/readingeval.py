"""How well files are read: every metadata field and structure count against an expected file.

An expected file (JSON) lists, for each file of a folder, what a careful reader
finds in it: acceptable titles, 文号 (null when the text has none), issuer(s),
dates the document can be said to be issued, the in-force date, level, region,
relations, and the counts of 章 headings, 第X条 articles, 一、 sections and
（一） items as printed. A list means "any of these"; null means "none may be
found". ``minekb bench reading`` prints the field-by-field accuracy.

Counts are taken from clause paths: the last segment's kind (``chap_3``,
``art_12``, ``sec_2``, ``item_5``), wherever the clause sits (attachments too).
``items`` counts （一） items printed with full-width parentheses, as the
expected files define them; items printed ``(一)`` with ASCII parentheses are
read as items all the same and counted apart (``items_ascii``, not scored).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIELDS = ("title", "number", "issuer", "issued", "in_force", "level", "region", "relations",
          "chapters", "articles", "sections", "items")
OPTIONAL = ("annexes",)      # checked when the expected file gives them
COUNT_KINDS = {"chapters": "chap", "articles": "art", "sections": "sec", "items": "item", "annexes": "annex"}


@dataclass
class FileCheck:
    file: str
    found: dict[str, Any]
    wrong: dict[str, tuple[Any, Any]] = field(default_factory=dict)   # field -> (expected, found)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ReadingScore:
    checks: list[FileCheck]

    def accuracy(self, name: str) -> float:
        relevant = [c for c in self.checks]
        return sum(1 for c in relevant if name not in c.wrong) / len(relevant) if relevant else 0.0

    @property
    def overall(self) -> float:
        total = len(self.checks) * len(FIELDS)
        return sum(len(FIELDS) - len(c.wrong) for c in self.checks) / total if total else 0.0

    def table(self) -> str:
        lines = [f"{'field':<10}{'right':>7}{'of':>5}{'accuracy':>10}"]
        for name in FIELDS:
            right = sum(1 for c in self.checks if name not in c.wrong)
            lines.append(f"{name:<10}{right:>7}{len(self.checks):>5}{self.accuracy(name):>10.2f}")
        lines.append(f"{'overall':<10}{'':>7}{'':>5}{self.overall:>10.2f}")
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {"files": len(self.checks), "overall": self.overall,
                "fields": {name: self.accuracy(name) for name in FIELDS},
                "wrong": {c.file: {k: {"expected": e, "found": f} for k, (e, f) in c.wrong.items()}
                          for c in self.checks if c.wrong}}


def counts(document) -> dict[str, int]:
    """章/条/一、/（一） counts from the clause paths."""
    found = {name: 0 for name in COUNT_KINDS}
    found["items_ascii"] = 0
    for clause in document.clauses:
        kind = clause.path.rsplit("__", 1)[-1].split("_", 1)[0]
        for name, wanted in COUNT_KINDS.items():
            if kind == wanted:
                found[name] += 1
        if kind == "item" and clause.heading.startswith("("):
            found["items"] -= 1
            found["items_ascii"] += 1
    return found


def read_document(path: Path, annotator=None):
    """Parse, annotate and link one file alone, as an ingest would: (document, warnings)."""
    from corpus.annotate import Annotator
    from corpus.citations import link_citations
    from corpus.loaders import load_file
    from corpus.parse import parse_with_warnings

    document, warnings = parse_with_warnings(load_file(path))
    (annotator or Annotator()).annotate(document)
    link_citations({document.id: document}, {})
    return document, warnings


def found_fields(document) -> dict[str, Any]:
    issuers = [x for x in (document.issuer or "").split("、") if x]
    return {
        "title": document.title, "number": document.number, "issuer": issuers or None,
        "issued": document.issued, "in_force": document.in_force_from, "level": document.level,
        "region": document.region, "relations": sorted([r.type, r.target] for r in document.relations
                                                       if r.type != "cites"),
        **counts(document),
    }


def _matches(name: str, expected: Any, found: Any) -> bool:
    if name == "issuer":
        if expected is None:
            return found is None
        return bool(found) and all(f in expected for f in found)
    if name == "relations":
        return all(list(rel) in (found or []) for rel in (expected or []))
    if isinstance(expected, list):
        return found in expected
    return found == expected


def check(document, expected: dict[str, Any], warnings: list[str] = ()) -> FileCheck:
    found = found_fields(document)
    result = FileCheck(expected.get("file", document.title), found, warnings=list(warnings))
    for name in FIELDS + OPTIONAL:
        if name not in expected and name != "relations":
            continue
        if not _matches(name, expected.get(name), found[name]):
            result.wrong[name] = (expected.get(name), found[name])
    return result


def evaluate_folder(folder: Path, expected_file: Path | None = None, annotator=None) -> ReadingScore:
    """Read every file named by ``expected.json`` (or ``expected_file``) of ``folder`` and score it."""
    folder = Path(folder)
    expected_file = expected_file or folder / "expected.json"
    entries = json.loads(Path(expected_file).read_text(encoding="utf-8"))
    if annotator is None:
        from corpus.annotate import Annotator

        annotator = Annotator()
    checks = []
    for entry in entries:
        document, warnings = read_document(folder / entry["file"], annotator)
        checks.append(check(document, entry, warnings))
    return ReadingScore(checks)
