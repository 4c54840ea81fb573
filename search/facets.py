"""Filters and facet counts from the index's keyword postings, held as sets of document numbers.

Every filterable property (level, region, issuer, year, status, clause type,
concept) is a keyword field, so its postings are the exact set of clauses with
each value. Loading them once per searcher turns a filter into set unions and
intersections and a facet count into ``len(value_set & matched)`` — C-speed
set operations instead of a Python loop over every matched clause.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from search.query import QueryError

# filter key -> index field; the facet names in results use the filter keys
FACET_FIELDS: dict[str, str] = {
    "level": "level", "region": "region", "issuer": "issuer", "year": "year_s",
    "status": "status", "clause_type": "ctype", "concept": "concepts",
}
FILTER_ALIASES = {"type": "clause_type", "ctype": "clause_type", "concepts": "concept", "province": "region",
                  "year_range": "year"}
_YEAR_RANGE_RE = re.compile(r"^\s*(\d{4})?\s*(?:\.\.|-|–|~|至|到)\s*(\d{4})?\s*$")
_REGION_SUFFIX_RE = re.compile(r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)$")


@dataclass
class FacetTable:
    values: dict[str, dict[str, frozenset[int]]]   # facet key -> value -> docnums
    all_docs: frozenset[int]

    @classmethod
    def load(cls, reader: Any) -> "FacetTable":
        values: dict[str, dict[str, frozenset[int]]] = {}
        for key, fieldname in FACET_FIELDS.items():
            table: dict[str, frozenset[int]] = {}
            if fieldname in reader.schema:
                for raw in reader.lexicon(fieldname):
                    value = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                    table[value] = frozenset(reader.postings(fieldname, raw).all_ids())
            values[key] = table
        return cls(values, frozenset(reader.all_doc_ids()))

    def docs(self, key: str, value: str) -> frozenset[int]:
        return self.values.get(key, {}).get(value, frozenset())

    def filter_set(self, filters: dict[str, Any] | None) -> set[int] | None:
        """Document numbers allowed by ``filters`` (None: no filter). Values of one key are ORed."""
        if not filters:
            return None
        allowed: frozenset[int] | set[int] = self.all_docs
        for raw_key, raw_value in filters.items():
            key = FILTER_ALIASES.get(raw_key, raw_key)
            if key not in FACET_FIELDS:
                raise QueryError(f"unknown filter {raw_key!r}; filters are: {', '.join(FACET_FIELDS)}")
            wanted = raw_value if isinstance(raw_value, (list, tuple, set)) else [raw_value]
            union: set[int] = set()
            for value in wanted:
                for v in self._expand(key, value):
                    union |= self.docs(key, v)
            allowed = allowed & union
        return set(allowed)

    def _expand(self, key: str, value: Any) -> list[str]:
        """The index values one filter value stands for (a year range, 江西省 → 江西, mk:x → x)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            raise QueryError(f"filter {key!r} has an empty value")
        text = str(value).strip()
        if key == "year":
            if text.isdigit() and len(text) == 4:
                return [text]
            m = _YEAR_RANGE_RE.match(text)
            if not m or not (m.group(1) or m.group(2)):
                raise QueryError(f"filter 'year' must be a year (2019) or a range (2015..2020), not {text!r}")
            lo, hi = int(m.group(1) or 0), int(m.group(2) or 9999)
            if lo > hi:
                raise QueryError(f"filter 'year': the range {text!r} ends before it starts")
            return [y for y in self.values["year"] if lo <= int(y) <= hi]
        if key == "concept":
            return [text[3:] if text.startswith("mk:") else text]
        if key == "region":
            return [text, _REGION_SUFFIX_RE.sub("", text)]
        return [text]

    def counts(self, matched: set[int] | frozenset[int], top: int = 30) -> dict[str, dict[str, int]]:
        """Per facet, value -> number of matched clauses (largest first, at most ``top`` values)."""
        out: dict[str, dict[str, int]] = {}
        for key, table in self.values.items():
            counted = []
            for value, docs in table.items():
                n = len(docs & matched) if len(docs) > len(matched) else len(matched & docs)
                if n:
                    counted.append((value, n))
            if key == "year":
                counted.sort(key=lambda vn: vn[0], reverse=True)
            else:
                counted.sort(key=lambda vn: (-vn[1], vn[0]))
            out[key] = dict(counted[:top])
        return out
