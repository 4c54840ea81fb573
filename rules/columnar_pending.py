"""Which unknown fields keep a batch's rules undecided, by columns (the flat summary's ``unknowns`` cell).

Per mine, ``RuleSet._pending_all`` lists every undecided rule with the profile
fields whose being unknown leaves it undecided, and the advice's ``unknowns``
orders the fields by how many rules wait on them. The same, for a whole batch:

* a conjunction of comparisons (``RuleSet._simple``) waits on its fields that
  are missing;
* any other condition that is undecided waits on the fields of its undecided
  comparisons (``Node.unknown_fields``), each comparison's column computed by
  the evaluator's own per-value closures;
* a rule pending only because the province is unknown waits on ``province``;
* an undecided fact a rule reads stands for the fields its undecided producers
  wait on, recursively (``RuleSet._fact_unknowns``).

Each rule counts once per field. ``field_counts`` returns a mines x fields
matrix of those counts; ``tests/test_summary_rows.py`` holds the order it gives
to the per-mine ``unknowns``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from rules.schema import PROFILE_FIELDS

U = 1
FIELDS = list(PROFILE_FIELDS)
_INDEX = {f: i for i, f in enumerate(FIELDS)}
_PROVINCE = _INDEX["province"]


class PendingColumns:
    """The unknown-field counts of a batch, from a ``ColumnarEvaluator``'s values of it."""

    def __init__(self, evaluator: Any) -> None:
        self.ev = evaluator
        self.rs = evaluator.rs
        rs = self.rs
        # for the conjunctions without facts or region: one matrix (rules x fields) of the fields they read
        self._plain_rows: list[int] = []
        rows = []
        for row, rule in enumerate(rs._order):
            shape = rs._simple.get(rule.id)
            if shape is not None and not shape[1] and not rule.region:
                self._plain_rows.append(row)
                line = np.zeros(len(FIELDS), dtype=np.int16)
                for f in shape[0]:
                    if f in _INDEX:
                        line[_INDEX[f]] = 1
                rows.append(line)
        self._plain_fields = np.array(rows, dtype=np.int16).reshape(len(rows), len(FIELDS))
        plain = set(self._plain_rows)
        self._others = [row for row in range(len(rs._order)) if row not in plain]

    def field_counts(self, profiles: list[dict], computed: tuple) -> np.ndarray:
        """For each mine and contract field (``FIELDS`` order): how many undecided rules wait on it, for the
        fields the profile lacks (the others are 0). ``computed``: the evaluator's ``values(profiles, on)``."""
        rs = self.rs
        values, batch, undecided = computed
        raw = batch.conditions   # each rule's condition, before its region
        n = len(profiles)
        missing = np.array([[f not in p for f in FIELDS] for p in profiles], dtype=bool).reshape(n, len(FIELDS))
        prov_codes, provinces = batch.field("province")
        open_province = np.array([p is None for p in provinces], dtype=bool)[prov_codes]
        pending = values == U                                         # rules x mines
        counts = (pending[self._plain_rows].T.astype(np.int16) @ self._plain_fields) if self._plain_rows \
            else np.zeros((n, len(FIELDS)), dtype=np.int16)
        counts = counts.astype(np.int32)
        memo: dict[str, np.ndarray] = {}
        for row in self._others:
            waiting = pending[row]
            if not waiting.any():
                continue
            rule = rs._order[row]
            shape = rs._simple.get(rule.id)
            if shape is not None:
                fields = np.zeros((n, len(FIELDS)), dtype=bool)
                for f in shape[0]:
                    if f in _INDEX:
                        fields[:, _INDEX[f]] = missing[:, _INDEX[f]]
                for fact in shape[1]:
                    open_ = batch.facts.get(fact)
                    open_ = np.ones(n, dtype=bool) if open_ is None else open_ == U
                    fields |= self._fact_fields(fact, batch, undecided, raw, open_province, memo) & open_[:, None]
            else:
                fields = self._entry(rule, batch, undecided, raw, open_province, memo)
            if rule.region:
                fields[:, _PROVINCE] |= open_province
            counts += (fields & waiting[:, None])
        counts[~missing] = 0
        return counts

    def _entry(self, rule: Any, batch: Any, undecided: dict, raw: dict, open_province: np.ndarray,
               memo: dict) -> np.ndarray:
        """``RuleSet._unknown_entry`` for every mine: the fields (facts expanded) an undecided condition waits on,
        without the province of a region (the caller adds it)."""
        n = batch.n
        fields = np.zeros((n, len(FIELDS)), dtype=bool)
        cond = raw.get(rule.id)
        if cond is None:
            return fields
        undecided_here = cond == U
        if not undecided_here.any():
            return fields
        for leaf in rule.when.leaves():
            col = self.ev._leaf(leaf, batch) == U
            if leaf.field.startswith("fact."):
                fields |= self._fact_fields(leaf.field[5:], batch, undecided, raw, open_province, memo) & col[:, None]
            elif leaf.field in _INDEX:
                fields[:, _INDEX[leaf.field]] |= col
        fields &= undecided_here[:, None]
        return fields

    def _fact_fields(self, fact: str, batch: Any, undecided: dict, raw: dict, open_province: np.ndarray,
                     memo: dict) -> np.ndarray:
        """``RuleSet._fact_unknowns``: the fields the fact's undecided producers wait on, for every mine."""
        hit = memo.get(fact)
        if hit is not None:
            return hit
        n = batch.n
        memo[fact] = np.zeros((n, len(FIELDS)), dtype=bool)   # a cycle guard, as per mine (rejected at load anyway)
        out = np.zeros((n, len(FIELDS)), dtype=bool)
        for producer in self.rs.producers.get(fact, ()):
            waiting = undecided.get(producer.id)
            if waiting is None or not waiting.any():
                continue
            fields = self._entry(producer, batch, undecided, raw, open_province, memo)
            if producer.region:
                fields[:, _PROVINCE] |= open_province
            out |= fields & waiting[:, None]
        memo[fact] = out
        return out
