"""Potential evaluation (潜力评估) of seed 000 §3.3 and §4.3.

A mine's "fingerprint" is its value on the eight factor categories of seed 000
Table 5 (attribute, space, benefit, society, function, safety, technology,
policy), each scored 0..1 from the profile by the indicators of
``data/factors.yaml``. The potential is their weighted sum. The weights come
from the AHP pairwise-comparison matrix of ``data/ahp.yaml`` (checked for
consistency, CR < 0.1) or, for a batch, from the entropy weight method over the
batch's own factor values (seed 000 ref. [13] combines the two).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml

DATA = Path(__file__).resolve().parent / "data"
FACTORS = ("attribute", "space", "benefit", "society", "function", "safety", "technology", "policy")
# Saaty's random consistency index by matrix order.
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}
CR_LIMIT = 0.1


class InconsistentMatrixError(ValueError):
    """An AHP judgement matrix whose consistency ratio is 0.1 or more (or that is malformed)."""


@dataclass(frozen=True)
class AHPResult:
    weights: dict[str, float]
    lambda_max: float
    ci: float
    cr: float
    source: str = ""


def _number(x: Any, where: str) -> float:
    if isinstance(x, bool):
        raise InconsistentMatrixError(f"{where}: expected a number, got {x!r}")
    if isinstance(x, (int, float)):
        return float(x)
    try:
        return float(Fraction(str(x).strip()))
    except (ValueError, ZeroDivisionError):
        raise InconsistentMatrixError(f"{where}: expected a number or a fraction like 1/3, got {x!r}") from None


def ahp_weights(names: Sequence[str], matrix: Sequence[Sequence[Any]], *, source: str = "",
                where: str = "AHP matrix") -> AHPResult:
    """Principal-eigenvector weights of a reciprocal judgement matrix, with Saaty's CR checked."""
    n = len(names)
    if n < 1 or len(matrix) != n or any(len(r) != n for r in matrix):
        raise InconsistentMatrixError(f"{where}: expected a {n}×{n} matrix")
    a = [[_number(x, f"{where} row {names[i]}, column {j + 1}") for j, x in enumerate(row)]
         for i, row in enumerate(matrix)]
    for i in range(n):
        if abs(a[i][i] - 1.0) > 1e-9:
            raise InconsistentMatrixError(f"{where}: diagonal entry of {names[i]} must be 1")
        for j in range(n):
            if a[i][j] <= 0 or abs(a[i][j] * a[j][i] - 1.0) > 0.02:
                raise InconsistentMatrixError(
                    f"{where}: entries {names[i]}/{names[j]} ({a[i][j]:g}) and {names[j]}/{names[i]} "
                    f"({a[j][i]:g}) must be positive reciprocals")
    w = [1.0 / n] * n
    for _ in range(200):  # power iteration: converges fast for positive matrices
        nxt = [sum(a[i][j] * w[j] for j in range(n)) for i in range(n)]
        s = sum(nxt)
        nxt = [x / s for x in nxt]
        done = max(abs(x - y) for x, y in zip(nxt, w)) < 1e-12
        w = nxt
        if done:
            break
    aw = [sum(a[i][j] * w[j] for j in range(n)) for i in range(n)]
    lam = sum(aw[i] / w[i] for i in range(n)) / n
    ci = (lam - n) / (n - 1) if n > 1 else 0.0
    ri = RANDOM_INDEX.get(n, 1.49)
    cr = ci / ri if ri else 0.0
    if cr >= CR_LIMIT:
        raise InconsistentMatrixError(
            f"{where}: consistency ratio CR = {cr:.3f} is not below {CR_LIMIT} (λmax = {lam:.3f}); "
            "revise the pairwise judgements so that they agree with each other")
    return AHPResult(dict(zip(names, w)), lam, ci, cr, source)


def load_ahp(path: Path | None = None) -> AHPResult:
    """The AHP weights of the bundled (or a given) matrix file."""
    path = path or DATA / "ahp.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = list(data["factors"])
    if set(names) != set(FACTORS):
        raise InconsistentMatrixError(f"{path}: factors must be exactly {', '.join(FACTORS)}")
    rows = [data["matrix"][n] for n in names]
    res = ahp_weights(names, rows, source=data.get("source", ""), where=str(path))
    stated = data.get("weights") or {}
    off = {f: (stated[f], round(res.weights[f], 4)) for f in stated if abs(stated[f] - res.weights[f]) > 5e-4}
    if off or (stated and set(stated) != set(names)):
        raise InconsistentMatrixError(
            f"{path}: the stated weights do not match the matrix's eigenvector: "
            + ", ".join(f"{f} stated {a}, computed {b}" for f, (a, b) in off.items())
            + " — update `weights:` to the computed values")
    return res


def entropy_weights(rows: Iterable[dict[str, float]], factors: Sequence[str] = FACTORS) -> dict[str, float]:
    """Entropy weight method: factors that vary more across the batch weigh more.

    Falls back to equal weights when the batch has fewer than two mines or no
    factor varies (no information to weigh by).
    """
    rows = list(rows)
    m = len(rows)
    if m < 2:
        return {f: 1.0 / len(factors) for f in factors}
    k = 1.0 / math.log(m)
    d: dict[str, float] = {}
    for f in factors:
        col = [max(r[f], 1e-12) for r in rows]
        s = sum(col)
        e = -k * sum((x / s) * math.log(x / s) for x in col)
        d[f] = max(0.0, 1.0 - e)
    total = sum(d.values())
    if total <= 1e-12:
        return {f: 1.0 / len(factors) for f in factors}
    return {f: d[f] / total for f in factors}


@dataclass
class Indicator:
    field: str
    weight: float
    why: str
    map: dict[str, float] = field(default_factory=dict)
    combine: str = "max"
    empty: float | None = None
    bool_map: dict[bool, float] | None = None
    linear: tuple[float, float] | None = None
    log10: tuple[float, float] | None = None

    def score(self, value: Any) -> float | None:
        if self.bool_map is not None:
            return self.bool_map[bool(value)]
        if self.linear is not None:
            return _ramp(float(value), *self.linear)
        if self.log10 is not None:
            return _ramp(math.log10(float(value) + 1.0), *self.log10)
        if isinstance(value, list):
            vals = [self.map[v] for v in value if v in self.map]
            if not vals:
                return self.empty
            return min(vals) if self.combine == "min" else max(vals) if self.combine == "max" else sum(vals) / len(vals)
        return self.map.get(value)


def _ramp(x: float, lo: float, hi: float) -> float:
    if lo == hi:
        return 1.0 if x >= hi else 0.0
    t = (x - lo) / (hi - lo)
    return min(1.0, max(0.0, t))


@dataclass
class Factor:
    id: str
    label_zh: str
    label_en: str
    elements_zh: str
    indicators: list[Indicator]


def load_factors(path: Path | None = None) -> tuple[dict[str, Factor], float, str]:
    """The indicator table; a field name not in the contract is a load error."""
    from rules.schema import PROFILE_FIELDS

    path = path or DATA / "factors.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, Factor] = {}
    for fid in FACTORS:
        spec = data["factors"].get(fid)
        if spec is None:
            raise ValueError(f"{path}: factor {fid!r} of seed 000 Table 5 is missing")
        inds = []
        for raw in spec["indicators"]:
            fs = PROFILE_FIELDS.get(raw["field"])
            if fs is None:
                raise ValueError(f"{path}: factor {fid}: {raw['field']!r} is not a profile field")
            for v in raw.get("map", {}):
                if v not in fs.values:
                    raise ValueError(f"{path}: factor {fid}, field {fs.name}: {v!r} is not one of its values")
            b = raw.get("bool")
            inds.append(Indicator(
                raw["field"], float(raw.get("weight", 1)), raw.get("why", ""), dict(raw.get("map", {})),
                raw.get("combine", "max"), raw.get("empty"),
                {True: float(b[True]), False: float(b[False])} if b else None,
                tuple(raw["linear"]) if "linear" in raw else None,
                tuple(raw["log10"]) if "log10" in raw else None,
            ))
        out[fid] = Factor(fid, spec["label_zh"], spec["label_en"], spec.get("elements_zh", ""), inds)
    return out, float(data.get("neutral", 0.5)), data.get("source", "")


class PotentialModel:
    """Scores a profile on the eight factors and weighs them into one potential."""

    def __init__(self, factors_path: Path | None = None, ahp_path: Path | None = None) -> None:
        self.factors, self.neutral, self.source = load_factors(factors_path)
        self.ahp = load_ahp(ahp_path)
        self.levels = {"high": 0.6, "low": 0.4}

    def factor_values(self, profile: dict[str, Any]) -> tuple[dict[str, float], dict[str, list[str]]]:
        """Per factor: its 0..1 value and the profile fields it could not use (unknown)."""
        values: dict[str, float] = {}
        unknown: dict[str, list[str]] = {}
        for fid, fac in self.factors.items():
            num = den = 0.0
            miss: list[str] = []
            for ind in fac.indicators:
                v = profile.get(ind.field)
                s = None if v is None else ind.score(v)
                if s is None:
                    miss.append(ind.field)
                    continue
                num += ind.weight * s
                den += ind.weight
            values[fid] = num / den if den else self.neutral
            unknown[fid] = miss
        return values, unknown

    @staticmethod
    def score_of(values: dict[str, float], weights: dict[str, float]) -> float:
        """The potential: the factors' values weighed (unrounded)."""
        return sum(weights[f] * values[f] for f in FACTORS)

    def level(self, score: float) -> str:
        return "high" if score >= self.levels["high"] else "low" if score < self.levels["low"] else "medium"

    def evaluate(self, profile: dict[str, Any], weights: dict[str, float] | None = None,
                 method: str = "ahp", values: tuple | None = None) -> dict[str, Any]:
        """The advice's optional ``potential`` field (``values``: this profile's ``factor_values`` if known)."""
        weights = weights or self.ahp.weights
        values, unknown = values if values is not None else self.factor_values(profile)
        score = self.score_of(values, weights)
        return {
            "score": round(score, 4),
            "level": self.level(score),
            "method": method,
            "factors": {
                f: {"label_zh": self.factors[f].label_zh, "label_en": self.factors[f].label_en,
                    "value": round(values[f], 4), "weight": round(weights[f], 4),
                    "known": not (len(unknown[f]) == len(self.factors[f].indicators)),
                    "unknown_fields": unknown[f]}
                for f in FACTORS
            },
            "source": self.source,
        }
