"""The parts of an advice that are plain arithmetic over the profile, computed for a whole chunk at once.

Used by the batch path next to ``rules.columnar``: the legal gate's zones (conditions, evaluated by
columns), the potential's factor values and the precedent similarities (NumPy over the chunk). Each
gives exactly what the per-mine code gives — the same operations on the same doubles in the same
order, and every per-value function (an indicator's score, a similarity) is the per-mine one, called
once per distinct value — so ``Advisor.advise`` accepts them in place of its own computation and
``tests/test_batch_columnar.py`` compares the bytes of both paths.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from advisor.potential import FACTORS
from advisor.precedents import WEIGHTS, similarity
from rules.columnar import factorize as _factorize


def zones_many(gate: Any, columnar: Any, profiles: list[dict]) -> list[dict[str, bool | None]]:
    """``gate.zone_values(p)`` for each profile, the zones' conditions evaluated by columns."""
    return columnar.conditions_many({zid: z.when for zid, z in gate.zones.items()}, profiles)


def factor_values_many(model: Any, profiles: list[dict],
                       unknown: bool = True) -> list[tuple[dict[str, float], dict[str, list[str]]]]:
    """``model.factor_values(p)`` for each profile (``unknown=False``: the values only, each with ``{}`` for
    the unknown indicators, which a flat summary does not show)."""
    n = len(profiles)
    columns: dict[str, tuple[np.ndarray, list]] = {}
    values: dict[str, np.ndarray] = {}
    missing: dict[str, list[np.ndarray]] = {}
    for fid, fac in model.factors.items():
        num = np.zeros(n)
        den = np.zeros(n)
        miss = []
        for ind in fac.indicators:
            if ind.field not in columns:
                columns[ind.field] = _factorize(profiles, ind.field)
            codes, distinct = columns[ind.field]
            lut = np.array([np.nan if (s := (None if v is None else ind.score(v))) is None else s
                            for v in distinct], dtype=float)
            score = lut[codes]
            known = ~np.isnan(score)
            num = np.where(known, num + ind.weight * np.where(known, score, 0.0), num)
            den = np.where(known, den + ind.weight, den)
            miss.append(~known)
        with np.errstate(invalid="ignore", divide="ignore"):
            values[fid] = np.where(den != 0, num / np.where(den != 0, den, 1.0), model.neutral)
        missing[fid] = miss
    fids = list(model.factors)
    rows = np.stack([values[fid] for fid in fids]).T.tolist()
    if not unknown:
        return [(dict(zip(fids, row)), {}) for row in rows]
    # which indicators are missing, as one code per factor and mine; the list of their fields made once per code
    names = {fid: [ind.field for ind in model.factors[fid].indicators] for fid in fids}
    codes = {}
    for fid in fids:
        bits = np.zeros(n, dtype=np.int64)
        for k, gone in enumerate(missing[fid]):
            bits |= gone.astype(np.int64) << k
        codes[fid] = bits.tolist()
    lists: dict[tuple[str, int], list[str]] = {}
    out = []
    for m in range(n):
        unknown = {}
        for fid in fids:
            code = codes[fid][m]
            hit = lists.get((fid, code))
            if hit is None:
                hit = lists[(fid, code)] = [f for k, f in enumerate(names[fid]) if code >> k & 1]
            unknown[fid] = list(hit)
        out.append((dict(zip(fids, rows[m])), unknown))
    return out


def precedents_many(finder: Any, profiles: list[dict], limit: int = 3, minimum: float = 0.2,
                    refs: bool = False, ids_only: bool = False) -> list[list[Any]]:
    """``finder.find(p, limit, minimum, refs)`` for each profile: the similarity of every mine to every
    case as one matrix, summed key by key in the per-mine order (``ids_only``: each precedent's case id
    instead of its entry, for a flat summary)."""
    cases = finder.cases
    n, k = len(profiles), len(cases)
    if not k:
        return [[] for _ in profiles]
    num = np.zeros((n, k))
    den = np.zeros((n, k))
    sims: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for key, w in WEIGHTS.items():
        codes, distinct = _factorize(profiles, key)
        table = np.full((len(distinct), k), np.nan)
        for j, v in enumerate(distinct):
            if v is None:
                continue
            for i, s in finder._column(key, v):
                table[j, i] = s
        s = table[codes]
        known = ~np.isnan(s)
        num = np.where(known, num + w * np.where(known, s, 0.0), num)
        den = np.where(known, den + w, den)
        sims[key] = (s, known)
    total = sum(WEIGHTS.values())
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(den != 0, num / np.where(den != 0, den, 1.0) * (0.5 + 0.5 * den / total), -1.0)
    # the best ``limit`` cases of each mine: by score, then case order (a stable sort of -score)
    top = np.argsort(-score, axis=1, kind="stable")[:, :limit]
    top_scores = np.take_along_axis(score, top, axis=1).tolist()
    top = top.tolist()
    keyed = [(key, s, known) for key, (s, known) in sims.items()]
    out: list[list[dict[str, Any]]] = []
    for m in range(n):
        items = []
        for i, sc in zip(top[m], top_scores[m]):
            if not sc >= minimum:
                break
            if ids_only:
                items.append(cases[i].id)
                continue
            matched = {key: round(float(s[m, i]), 2) for key, s, known in keyed if known[m, i]}
            items.append(finder.item(i, sc, matched, refs))
        out.append(items)
    return out


__all__ = ["FACTORS", "factor_values_many", "precedents_many", "similarity", "zones_many"]
