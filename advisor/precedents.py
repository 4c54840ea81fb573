"""Precedents: the real cases of the ontology most similar to a mine.

Similarity is a weighted mean over the attributes known on both sides (a
case or a profile that says nothing about an attribute neither helps nor
hurts): mineral (same mineral 1, same family 0.5), mining method, location
zone (ordinal: urban … remote mountain), terrain and heritage (Jaccard of the
lists), province. Cases share the vocabulary of the profile contract, so no
mapping is needed. Weights favour what seed 000 §3.2/§3.3 names as decisive
for the use a mine can have: its mineral and its location.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

WEIGHTS = {"mineral": 3.0, "location_zone": 2.0, "terrain": 2.0, "heritage": 2.0,
           "mining_method": 1.0, "province": 1.0}
MINERAL_FAMILY = {
    **{m: "stone" for m in ("limestone", "granite", "construction_stone", "sand_gravel", "clay", "gypsum",
                            "other_nonmetal", "fluorite")},
    **{m: "energy" for m in ("coal", "oil_shale")},
    **{m: "metal" for m in ("gold", "iron", "copper", "lead_zinc", "tungsten", "other_metal", "rare_earth")},
}
ZONE_ORDER = {"urban": 0, "suburban": 1, "rural": 2, "remote_mountain": 3}


@dataclass
class CaseView:
    """The attributes of one case the similarity uses (from ``kb.graph.cases()``)."""

    id: str
    name: str
    place: str
    utilization_zh: str
    became: list[str]
    sources: list[str]
    attrs: dict[str, Any]


def _as_list(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, (list, tuple, set)):
        return [str(x) for x in v]
    return [str(v)]


def case_view(case: Any) -> CaseView:
    def g(name):
        return getattr(case, name, None) if not isinstance(case, dict) else case.get(name)

    attrs = {}
    for key in ("mineral", "mining_method", "location_zone", "province"):
        v = g(key)
        if isinstance(v, (list, tuple)):
            v = v[0] if v else None
        if v:
            attrs[key] = str(v)
    for key in ("terrain", "heritage"):
        v = g(key)
        if v is not None:
            attrs[key] = _as_list(v)
    return CaseView(str(g("id")), g("name_zh") or g("name_en") or str(g("id")), g("place") or "",
                    g("utilization_zh") or "", _as_list(g("became")), _as_list(g("sources")), attrs)


def _jaccard(a: list[str], b: list[str]) -> float:
    sa, sb = set(a), set(b)
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)


def similarity(profile: dict[str, Any], case: CaseView) -> tuple[float, dict[str, float]]:
    """(similarity 0..1, per-attribute similarity) over attributes known on both sides."""
    parts: dict[str, float] = {}
    for key, w in WEIGHTS.items():
        pv, cv = profile.get(key), case.attrs.get(key)
        if pv is None or cv is None:
            continue
        if key == "mineral":
            s = 1.0 if pv == cv else 0.5 if MINERAL_FAMILY.get(pv) == MINERAL_FAMILY.get(cv) else 0.0
        elif key == "location_zone":
            s = 1.0 - abs(ZONE_ORDER.get(pv, 0) - ZONE_ORDER.get(cv, 0)) / 3.0
        elif key in ("terrain", "heritage"):
            if not pv and not cv:
                continue  # "none on both sides" says little about likeness
            s = _jaccard(pv, cv)
        else:
            s = 1.0 if pv == cv else 0.0
        parts[key] = s
    if not parts:
        return 0.0, {}
    den = sum(WEIGHTS[k] for k in parts)
    # Confidence: a match on one attribute is weaker evidence than on many.
    coverage = den / sum(WEIGHTS.values())
    score = sum(WEIGHTS[k] * s for k, s in parts.items()) / den * (0.5 + 0.5 * coverage)
    return score, parts


class PrecedentFinder:
    """Ranks the cases by similarity; their clause sources are resolved once, up front.

    A case cites clause ids (``doc~path``, resolved to SOURCE objects: an
    unresolved one is an error) and/or seed passages (``seed:000 表3``,
    kept as ``seed_refs``).
    """

    def __init__(self, cases: Iterable[Any], sources_of=None, ref_of=None) -> None:
        self.cases = [case_view(c) for c in cases]
        self._sources: dict[str, list[dict[str, Any]]] = {}
        self._seed_refs: dict[str, list[str]] = {}
        self._refs: dict[str, Any] = {}
        self._dicts: dict[int, tuple[list, dict[int, float]]] = {}
        self._columns: dict[tuple, list[tuple[int, float]]] = {}
        for c in self.cases:
            clause_ids = [s for s in c.sources if "~" in s]
            self._seed_refs[c.id] = [s for s in c.sources if "~" not in s]
            if sources_of is not None and clause_ids:
                self._sources[c.id] = sources_of(clause_ids, f"case {c.id}")
                if ref_of is not None:
                    self._refs[c.id] = ref_of(clause_ids, f"case {c.id}")

    def _column(self, key: str, value: Any) -> list[tuple[int, float]]:
        """(case index, similarity on ``key``) for the cases comparable with this profile value, cached."""
        ck = (key, tuple(value) if isinstance(value, list) else value)
        col = self._columns.get(ck)
        if col is None:
            col = [(i, s) for i, c in enumerate(self.cases)
                   if (s := similarity({key: value}, c)[1].get(key)) is not None]
            if len(self._columns) < 50_000:
                self._columns[ck] = col
        return col

    def _as_dict(self, col: list[tuple[int, float]]) -> dict[int, float]:
        hit = self._dicts.get(id(col))
        if hit is None or hit[0] is not col:
            hit = (col, dict(col))
            if len(self._dicts) < 50_000:
                self._dicts[id(col)] = hit
        return hit[1]

    def find(self, profile: dict[str, Any], limit: int = 3, minimum: float = 0.2,
             refs: bool = False) -> list[dict[str, Any]]:
        """The ``limit`` most similar cases (same result as ranking by ``similarity``, from cached columns)."""
        n = len(self.cases)
        if not n:
            return []
        num = [0.0] * n
        den = [0.0] * n
        used: list[tuple[str, list[tuple[int, float]]]] = []
        for key, w in WEIGHTS.items():
            v = profile.get(key)
            if v is None:
                continue
            col = self._column(key, v)
            used.append((key, col))
            for i, s in col:
                num[i] += w * s
                den[i] += w
        total = sum(WEIGHTS.values())
        scored = []
        for i in range(n):
            if den[i]:
                s = num[i] / den[i] * (0.5 + 0.5 * den[i] / total)
                if s >= minimum:
                    scored.append((s, i))
        scored.sort(key=lambda t: (-t[0], t[1]))
        matched = [(k, self._as_dict(col)) for k, col in used] if scored else []
        out = []
        for s, i in scored[:limit]:
            out.append(self.item(i, s, {k: round(m[i], 2) for k, m in matched if i in m}, refs))
        return out

    def item(self, i: int, similarity: float, matched: dict[str, float], refs: bool = False) -> dict[str, Any]:
        """The advice's precedent entry for case ``i`` (shared with the batch path, ``advisor.vectorized``)."""
        c = self.cases[i]
        item = {"name": c.name, "similarity": round(similarity, 3), "utilization_zh": c.utilization_zh,
                "id": c.id, "place": c.place, "became": c.became, "matched": matched}
        if self._sources.get(c.id):
            item["sources"] = self._refs[c.id] if refs and c.id in self._refs else self._sources[c.id]
        if self._seed_refs.get(c.id):
            item["seed_refs"] = self._seed_refs[c.id]
        return item
