"""Columnar rule evaluation: every rule's condition evaluated once over a whole batch of mines.

``RuleSet.evaluate`` walks one mine through 200-odd condition closures. A batch
is a table, so here each condition is evaluated once per batch, over columns:

* every profile field a condition reads becomes a column of codes (one code per
  distinct value in the batch: enum values, lists, numbers, "unknown");
* a comparison (a ``Leaf``: it reads exactly one field) is computed once per
  *distinct value* with the leaf's own closure — so the comparison semantics are
  the engine's, not a second implementation — and spread to the mines through
  the codes;
* ``and`` / ``or`` / ``not`` combine whole columns in Kleene logic with NumPy,
  coding false < unknown < true as 0 < 1 < 2: ``and`` is the minimum, ``or`` the
  maximum, ``not`` is ``2 - x``;
* rules run in the engine's evaluation order, so the facts that rules conclude
  are columns too by the time a rule reads them; regional rules are masked by the
  province column (unknown province: the rule is pending, exactly as per mine).

Then, per mine, the rules that fired and the undecided ones are listed in the
same order as ``RuleSet.evaluate`` lists them and handed to ``RuleSet.finish``
(conclusions, precedence, pending): the per-mine path stays the reference and
``tests/test_rules_columnar.py`` checks on random profiles that both give the
same ``Evaluation``.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import numpy as np

from rules.model import Evaluation
from rules.nodes import AndNode, Leaf, NotNode, OrNode

F, U, T = 0, 1, 2          # false < unknown < true
_DECODE = (False, None, True)
_LEAF_MEMO_LIMIT = 4096    # distinct values remembered per comparison across batches


def _code(value: Any) -> int:
    return T if value is True else F if value is False else U


def _supported(node: Any) -> bool:
    if isinstance(node, Leaf):
        return True
    if isinstance(node, NotNode):
        return _supported(node.child)
    if isinstance(node, (AndNode, OrNode)):
        return all(_supported(c) for c in node.children)
    return False


class _Batch:
    """The columns of one batch: field values coded by distinct value, and the facts concluded so far."""

    def __init__(self, profiles: list[dict], fact_defaults: dict[str, Any]) -> None:
        self.profiles = profiles
        self.n = len(profiles)
        self._fields: dict[str, tuple[np.ndarray, list]] = {}
        self.facts = {name: np.full(self.n, _code(v), dtype=np.int8) for name, v in fact_defaults.items()}
        self.conditions: dict[str, np.ndarray] = {}   # rule id -> its condition's value (before its region)

    def field(self, name: str) -> tuple[np.ndarray, list]:
        """(code of each mine's value, the distinct values); ``None`` stands for unknown."""
        hit = self._fields.get(name)
        if hit is None:
            hit = self._fields[name] = factorize(self.profiles, name)
        return hit


def factorize(profiles: list[dict], name: str) -> tuple[np.ndarray, list]:
    """One column of a batch: each profile's code and the distinct values of field ``name`` (None: unknown)."""
    index: dict[Any, int] = {}
    values: list[Any] = []
    codes = []
    add = codes.append
    for p in profiles:
        v = p.get(name)
        key = tuple(v) if type(v) is list else v
        c = index.get(key)
        if c is None:
            c = index[key] = len(values)
            values.append(v)
        add(c)
    return np.fromiter(codes, dtype=np.intp, count=len(profiles)), values


class ColumnarEvaluator:
    """``evaluate_many(profiles)`` = ``[ruleset.evaluate(p) for p in profiles]``, computed by columns."""

    def __init__(self, ruleset: Any) -> None:
        self.rs = ruleset
        order = getattr(ruleset, "_order", None)
        self.unsupported = [r.id for r in ruleset.rules if order is None or not _supported(r.when)]
        self._row = {r.id: i for i, r in enumerate(order or ())}
        self._leaf_memo: dict[int, dict] = {}
        self._orders: dict[tuple, tuple] = {}

    @property
    def supported(self) -> bool:
        """False when some condition is not made of comparisons, and/or/not (then use the per-mine path)."""
        return not self.unsupported

    # -- one condition over the batch ---------------------------------------
    def _leaf(self, leaf: Leaf, batch: _Batch) -> np.ndarray:
        name = leaf.field
        if name.startswith("fact."):
            fact = name[5:]
            column = batch.facts.get(fact)
            if column is None:
                column = np.full(batch.n, U, dtype=np.int8)
            lut = np.array([_code(leaf.fn({}, {fact: v})) for v in _DECODE], dtype=np.int8)
            return lut[column]
        codes, values = batch.field(name)
        memo = self._leaf_memo.get(id(leaf))
        if memo is None:
            memo = self._leaf_memo[id(leaf)] = {}
        elif len(memo) > _LEAF_MEMO_LIMIT:
            memo.clear()
        lut = np.empty(len(values), dtype=np.int8)
        fn = leaf.fn
        for i, v in enumerate(values):
            key = tuple(v) if type(v) is list else v
            c = memo.get(key)
            if c is None:
                c = memo[key] = _code(fn({} if v is None else {name: v}, {}))
            lut[i] = c
        return lut[codes]

    def _node(self, node: Any, batch: _Batch) -> np.ndarray:
        if isinstance(node, Leaf):
            return self._leaf(node, batch)
        if isinstance(node, NotNode):
            return T - self._node(node.child, batch)
        if isinstance(node, (AndNode, OrNode)):
            # Kleene: and = the least value of its children (true when none), or = the greatest (false when none)
            combine, empty = (np.minimum, T) if isinstance(node, AndNode) else (np.maximum, F)
            out = np.full(batch.n, empty, dtype=np.int8)
            for child in node.children:
                out = combine(out, self._node(child, batch))
            return out
        raise TypeError(f"no columnar form for {type(node).__name__}")

    def fired_many(self, profiles: list[dict], on: date, computed: tuple):
        """For each mine (by provinces): ``(index, reference rules, fired rules)`` in evaluation-list order
        (``computed``: this batch's ``values(profiles, on)``)."""
        values, batch, _undecided = computed
        prov_codes, provinces = batch.field("province")
        for code, province in enumerate(provinces):
            mines = np.flatnonzero(prov_codes == code)
            rows, rules, _entries, reference = self._order_of(on, province)
            fired_at = _split(values[np.ix_(rows, mines)].T == T, len(mines))
            for j, m in enumerate(mines.tolist()):
                yield m, reference, [rules[k] for k in fired_at[j]]

    def conditions_many(self, nodes: dict[str, Any], profiles: list[dict]) -> list[dict[str, bool | None]]:
        """For each profile, ``{name: node.fn(profile, {})}`` of conditions that read no fact (the legal
        gate's zones), computed by columns."""
        if not all(_supported(node) for node in nodes.values()):
            return [{name: node.fn(p, {}) for name, node in nodes.items()} for p in profiles]
        batch = _Batch(profiles, {})
        names = list(nodes)
        if not names:
            return [{} for _ in profiles]
        rows = np.stack([self._node(nodes[name], batch) for name in names]).T.tolist()
        return [dict(zip(names, [_DECODE[c] for c in row])) for row in rows]

    # -- the whole rule set over the batch ----------------------------------
    def values(self, profiles: list[dict], on: date) -> tuple[np.ndarray, _Batch, dict[str, np.ndarray]]:
        """Each rule's value for each mine (rows in the engine's evaluation order; a rule not in force or
        not for this province is false), the batch (with its final fact columns), and for each fact
        producer the mines where it is undecided (the engine's ``pending_producers``)."""
        rs = self.rs
        batch = _Batch(profiles, rs._fact_defaults)
        n = batch.n
        values = np.zeros((len(rs._order), n), dtype=np.int8)
        prov_codes, provinces = batch.field("province")
        open_ = np.array([p is None for p in provinces], dtype=bool)[prov_codes]   # province unknown
        undecided: dict[str, np.ndarray] = {}
        for row, rule in enumerate(rs._order):
            if not rule.in_force(on) and not rule.as_reference(on):
                continue
            value = batch.conditions[rule.id] = self._node(rule.when, batch)
            applies = None
            if rule.region:
                region = set(rule.region)
                inside = np.array([p in region for p in provinces], dtype=bool)[prov_codes]
                # an unknown province leaves a regional rule pending unless its condition is already false
                value = np.where(open_ & (value != F), np.int8(U), value)
                applies = inside | open_
                value = np.where(applies, value, np.int8(F))
            values[row] = value
            for name in rule.facts_concluded:
                fact = batch.facts[name]
                fired = value == T
                waiting = value == U
                if applies is not None:
                    fired &= applies
                    waiting &= applies
                batch.facts[name] = np.where(fired, np.int8(T), np.where(waiting & (fact == F), np.int8(U), fact))
                if waiting.any():
                    undecided[rule.id] = waiting
        return values, batch, undecided

    def _order_of(self, on: date, province: str | None) -> tuple:
        """For the engine's plan of (date, province): row of each rule in evaluation-list order, the rules,
        and the (rule, region pending) entries — the order ``RuleSet.evaluate`` lists fired/unknown rules."""
        key = (on, province)
        hit = self._orders.get(key)
        if hit is None:
            plan = self.rs.plan(on, province)
            entries = [(e[0], e[2]) for e in plan.chained] + [(r, False) for r, _fn in plan.plain]
            rows = np.array([self._row[r.id] for r, _ in entries], dtype=np.intp)
            hit = self._orders[key] = (rows, [r for r, _ in entries], entries, plan.reference)
            if len(self._orders) > 512:
                self._orders.clear()
        return hit

    def evaluate_many(self, profiles: list[dict], *, as_of: date | None = None,
                      explain: bool = False) -> list[Evaluation]:
        """The ``Evaluation`` of each validated profile, in order; identical to ``RuleSet.evaluate``."""
        if not profiles:
            return []
        if not self.supported:
            return [self.rs.evaluate(p, as_of=as_of, explain=explain) for p in profiles]
        on = evaluation_day(as_of)
        out: list[Evaluation | None] = [None] * len(profiles)
        finish = self.rs.finish
        for m, reference, facts, fired, unknown, pending_producers in self.per_mine(profiles, on):
            out[m] = finish(profiles[m], on, reference, facts, fired, unknown, pending_producers, explain)
        return out  # type: ignore[return-value]

    def per_mine(self, profiles: list[dict], on: date):
        """For each mine (by provinces, not in input order): ``(index, reference rules, facts, fired rules,
        undecided (rule, region pending) entries, pending producers)`` — what ``RuleSet.finish`` takes, the
        rules listed in the order ``RuleSet.evaluate`` lists them."""
        values, batch, undecided = self.values(profiles, on)
        fact_names = list(batch.facts)
        fact_rows = (np.stack([batch.facts[f] for f in fact_names]).T.tolist() if fact_names
                     else [[] for _ in profiles])
        producers = [(rid, bool(self.rs.by_id[rid].region), mask) for rid, mask in undecided.items()]
        prov_codes, provinces = batch.field("province")
        for code, province in enumerate(provinces):
            mines = np.flatnonzero(prov_codes == code)
            rows, rules, entries, reference = self._order_of(on, province)
            block = values[np.ix_(rows, mines)].T          # mines x rules, in evaluation-list order
            fired_at = _split(block == T, len(mines))
            unknown_at = _split(block == U, len(mines))
            for j, m in enumerate(mines.tolist()):
                facts = dict(zip(fact_names, [_DECODE[c] for c in fact_rows[m]]))
                pending_producers = {rid: reg and province is None for rid, reg, mask in producers if mask[m]}
                yield (m, reference, facts, [rules[k] for k in fired_at[j]], [entries[k] for k in unknown_at[j]],
                       pending_producers)


def evaluation_day(as_of: date | None) -> date:
    """The day rules are evaluated on: ``as_of`` (a date or datetime), else today."""
    on = as_of or date.today()
    return on.date() if isinstance(on, datetime) else on


def _split(mask: np.ndarray, n: int) -> list[list[int]]:
    """For each row of a boolean matrix, the columns that are set (ascending)."""
    rows, cols = np.nonzero(mask)
    counts = np.bincount(rows, minlength=n).tolist()
    cols = cols.tolist()
    out, at = [], 0
    for c in counts:
        out.append(cols[at:at + c])
        at += c
    return out

