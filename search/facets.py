"""Filters and facet counts from the index's keyword postings, held as arrays of document numbers.

Every filterable property (level, region, issuer, year, status, clause type,
concept) is a keyword field, so its postings are the exact clauses with each
value. Loading them once per searcher turns a filter into a boolean vector and
a facet count into ``matched[docs].sum()`` — numpy work, not a Python loop over
every matched clause.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from search.places import places_in
from search.query import QueryError

# filter key -> index field; the facet names in results use the filter keys
FACET_FIELDS: dict[str, str] = {
    "level": "level", "region": "region", "issuer": "issuer", "year": "year_s",
    "status": "status", "clause_type": "ctype", "concept": "concepts", "tier": "tier",
}
FILTER_ALIASES = {"type": "clause_type", "ctype": "clause_type", "concepts": "concept", "province": "region",
                  "year_range": "year"}
_YEAR_RANGE_RE = re.compile(r"^\s*(\d{4})?\s*(?:\.\.|-|–|~|至|到)\s*(\d{4})?\s*$")
_REGION_SUFFIX_RE = re.compile(r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)$")


@dataclass
class FacetTable:
    values: dict[str, dict[str, np.ndarray]]   # facet key -> value -> doc numbers
    n: int
    _pairs: dict | None = None

    @classmethod
    def load(cls, terms, postings, n: int) -> "FacetTable":
        """``terms(field)`` lists a field's values, ``postings(field, value) -> (ids, tfs)`` reads one."""
        values: dict[str, dict[str, np.ndarray]] = {}
        for key, fieldname in FACET_FIELDS.items():
            values[key] = {value: postings(fieldname, value)[0] for value in terms(fieldname)}
        return cls(values, n)

    def docs(self, key: str, value: str) -> np.ndarray:
        return self.values.get(key, {}).get(value, np.empty(0, np.int64))

    def mask_of(self, key: str, values) -> np.ndarray:
        mask = np.zeros(self.n, bool)
        for v in values:
            mask[self.docs(key, v)] = True
        return mask

    def filter_mask(self, filters: dict[str, Any] | None) -> np.ndarray | None:
        """Clauses allowed by ``filters`` (None: no filter). Values of one key are ORed, keys ANDed."""
        if not filters:
            return None
        filters = dict(filters)
        if "year_from" in filters or "year_to" in filters:   # the web API's form of a year range
            lo, hi = filters.pop("year_from", None), filters.pop("year_to", None)
            if "year" in filters:
                raise QueryError("give either 'year' or 'year_from'/'year_to', not both")
            filters["year"] = f"{lo or ''}..{hi or ''}"
        allowed = np.ones(self.n, bool)
        for raw_key, raw_value in filters.items():
            key = FILTER_ALIASES.get(raw_key, raw_key)
            if key not in FACET_FIELDS:
                raise QueryError(f"unknown filter {raw_key!r}; filters are: "
                                 f"{', '.join(FACET_FIELDS)}, year_from, year_to")
            wanted = raw_value if isinstance(raw_value, (list, tuple, set)) else [raw_value]
            expanded = [v for value in wanted for v in self._expand(key, value)]
            allowed &= self.mask_of(key, expanded)
        return allowed

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
            short = _REGION_SUFFIX_RE.sub("", text)
            return [text, short, *places_in(short)]      # a province covers its cities and counties
        return [text]

    def _codes(self) -> dict[str, tuple[list[str], np.ndarray, np.ndarray]]:
        """Per facet: its values, CSR offsets per clause, and value codes sorted by clause.

        Counting then touches only the matched clauses' entries (a few numpy
        calls), not every posting of every value.
        """
        if self._pairs is None:
            pairs = {}
            for key, table in self.values.items():
                names = list(table)
                docs = [table[v] for v in names]
                doc_arr = np.concatenate(docs) if docs else np.empty(0, np.int64)
                code_arr = np.concatenate([np.full(len(d), i, np.int32) for i, d in enumerate(docs)]) if docs \
                    else np.empty(0, np.int32)
                order = np.argsort(doc_arr, kind="stable")
                offsets = np.searchsorted(doc_arr[order], np.arange(self.n + 1))
                pairs[key] = (names, offsets, code_arr[order])
            self._pairs = pairs
        return self._pairs

    def counts(self, matched: np.ndarray, top: int = 30) -> dict[str, dict[str, int]]:
        """Per facet, value -> number of ``matched`` clauses (sorted doc numbers), largest first."""
        out: dict[str, dict[str, int]] = {}
        for key, (names, offsets, codes) in self._codes().items():
            counted = []
            if len(matched) and len(names):
                starts = offsets[matched]
                lengths = offsets[matched + 1] - starts
                total = int(lengths.sum())
                if total:
                    base = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
                    per_value = np.bincount(codes[base + np.arange(total)], minlength=len(names))
                    counted = [(names[i], int(per_value[i])) for i in np.flatnonzero(per_value)]
            if key == "year":
                counted.sort(key=lambda vn: vn[0], reverse=True)
            else:
                counted.sort(key=lambda vn: (-vn[1], vn[0]))
            out[key] = dict(counted[:top])
        return out
