"""Order the recommended utilization models, each score explained.

The rules decide which models apply and with what weight; this module orders
them by blending that weight with the mine's factor values (its fingerprint)
and its potential, as ``data/models.yaml`` says and cites, and then by what the
mine's context says about the model (``data/context.yaml``): its restoration
category, the climate zone of its province (with the water in its pit) and its
heritage. The breakdown of every score is returned so that a user can see why
one model ranks above another (the optional ``score_breakdown`` of each model
in the advice).

    score = blend.rule × rule_weight + blend.fit × factor_fit + blend.potential × potential_term
          + category_fit + zone_fit + heritage_fit − placement

Unknown is neutral: without a category, a known province or a heritage field
the corresponding term is 0. The context terms depend only on (model,
category, zone, pit water, heritage) and are computed once per combination.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from advisor.potential import FACTORS

DATA = Path(__file__).resolve().parent / "data"
POTENTIAL_KINDS = ("market", "protective", "neutral")
FORMULA = ("score = blend.rule × rule_weight + blend.fit × factor_fit + blend.potential × potential_term"
           " + category_fit + zone_fit + heritage_fit − placement")
_NO_TERMS: tuple = (0.0, 0.0, 0.0, 0.0, ())


def _text(block: str) -> str:
    """A YAML literal block of Chinese text as one paragraph (lines joined without spaces)."""
    return "".join(line.strip() for line in block.splitlines())


@dataclass(frozen=True)
class ModelProfile:
    """What matters for one model (or one group of models)."""

    factors: dict[str, float]
    potential: str
    why: str
    defined_by: str          # the model or group id whose entry applies
    weights: tuple = ()      # (factor, weight / total weight) pairs, for the fit


@dataclass(frozen=True)
class Term:
    """One context term of ``data/context.yaml``: a graded adjustment or a placement, explained."""

    adjust: float
    placement: str | None
    explain_zh: str
    sources: tuple[str, ...]


class Ranker:
    def __init__(self, broader: Callable[[str], list[str]], path: Path | None = None,
                 context_path: Path | None = None) -> None:
        path = path or DATA / "models.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.source = data.get("source", "")
        blend = data["blend"]
        self.w_rule, self.w_fit, self.w_pot = float(blend["rule"]), float(blend["fit"]), float(blend["potential"])
        self.blend = {"rule": self.w_rule, "fit": self.w_fit, "potential": self.w_pot}
        if abs(self.w_rule + self.w_fit + self.w_pot - 1.0) > 1e-9:
            raise ValueError(f"{path}: blend weights must sum to 1")
        self.entries: dict[str, ModelProfile] = {}
        for section in ("groups", "models"):
            for mid, spec in (data.get(section) or {}).items():
                bad = set(spec["factors"]) - set(FACTORS)
                if bad:
                    raise ValueError(f"{path}: {mid}: unknown factor(s) {', '.join(sorted(bad))}")
                if spec["potential"] not in POTENTIAL_KINDS:
                    raise ValueError(f"{path}: {mid}: potential must be one of {', '.join(POTENTIAL_KINDS)}")
                factors = {k: float(v) for k, v in spec["factors"].items()}
                total = sum(factors.values())
                self.entries[mid] = ModelProfile(factors, spec["potential"], spec.get("why", ""), mid,
                                                 tuple((f, w / total) for f, w in factors.items()))
        self._broader = broader
        self._resolved: dict[str, ModelProfile | None] = {}
        self._chains: dict[str, tuple[str, ...]] = {}
        # context key (category, zone, water, heritage) -> {model id: terms}; at most
        # 4 × 5 × 3 × 16 keys, since unknown categories and provinces count as None
        self._tables: dict[tuple, dict[str, tuple]] = {}
        self._memo: tuple | None = None   # (context, its profile, key, table) of the last mine scored
        self._load_context(context_path or DATA / "context.yaml")

    # -- data ---------------------------------------------------------------
    def _load_context(self, path: Path) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        where = str(path.name)
        self.graded_cap = float(data["graded_cap"])
        self.placements = {k: float(v) for k, v in data["placements"].items()}
        if set(self.placements) != {"lower", "bottom"}:
            raise ValueError(f"{where}: placements must be exactly 'lower' and 'bottom'")
        gap = 1.0 + 2 * self.graded_cap     # base scores lie in 0..1, graded sums within ±graded_cap
        if not (self.placements["lower"] > gap and self.placements["bottom"] - self.placements["lower"] > gap):
            raise ValueError(f"{where}: placements must be more than 1 + 2 × graded_cap apart to keep the bands apart")

        def term(spec: dict, what: str, sources=None) -> Term:
            placement = spec.get("placement")
            if placement is not None and placement not in self.placements:
                raise ValueError(f"{where}: {what}: placement must be one of {', '.join(self.placements)}")
            if not spec.get("explain_zh"):
                raise ValueError(f"{what}: explain_zh is required")
            srcs = tuple(spec.get("sources") or sources or ())
            if not srcs:
                raise ValueError(f"{where}: {what}: sources are required")
            return Term(float(spec.get("adjust", 0.0)), placement, spec["explain_zh"], srcs)

        self.categories: dict[str, dict[str, Any]] = {}
        for cid, spec in data["categories"].items():
            self.categories[cid] = {"label_zh": spec["label_zh"], "why_zh": _text(spec["why"]),
                                    "terms": {m: term(t, f"categories.{cid}.{m}") for m, t in (spec.get("terms") or {}).items()}}
        zones = data["zones"]
        self.zone_labels: dict[str, str] = dict(zones["classes"])
        self.province_zones: dict[str, str] = dict(zones["provinces"])
        self.city_zones: dict[str, dict[str, str]] = {p: dict(c) for p, c in (zones.get("cities") or {}).items()}
        self.zone_notes: dict[str, str] = dict(zones.get("notes") or {})
        for z in [*self.province_zones.values(), *(z for c in self.city_zones.values() for z in c.values())]:
            if z not in self.zone_labels:
                raise ValueError(f"{where}: zone {z!r} is not one of {', '.join(self.zone_labels)}")
        self.zone_basis = _text(zones["basis"])
        dry = data["dry"]
        self.dry_zones = frozenset(dry["zones"])
        self.dry_why = _text(dry["why"])
        self.dry_verified = bool(dry.get("verified", False))
        # model id -> {"water_false" | "water_unknown" | "water_true" | "always": Term}
        self.dry_terms: dict[str, dict[str, Term]] = {}
        for n, spec in enumerate(dry["terms"]):
            cases = {k: term(spec[k], f"dry.terms[{n}].{k}", spec.get("sources"))
                     for k in ("water_false", "water_unknown", "water_true", "always") if k in spec}
            for mid in spec["models"]:
                self.dry_terms[mid] = cases
        her = data["heritage"]
        self.heritage_why = _text(her["why"])
        self.heritage_labels: dict[str, str] = dict(her["labels"])
        self.heritage_matches: dict[str, frozenset] = {h: frozenset(ms) for h, ms in her["matches"].items()}
        self.heritage_displaces = frozenset(her["displaces"])
        self.heritage_match = term(her["match"], "heritage.match")
        self.heritage_displace = term(her["displace"], "heritage.displace")

    def context_sources(self) -> list[str]:
        """Every clause id the context terms cite (each must resolve in the knowledge base)."""
        terms = [t for c in self.categories.values() for t in c["terms"].values()]
        terms += [t for cases in self.dry_terms.values() for t in cases.values()]
        terms += [self.heritage_match, self.heritage_displace]
        return sorted({s for t in terms for s in t.sources})

    def context_models(self) -> list[str]:
        """Every model (or kind of model) id the context terms name (each must be a concept)."""
        ids = {m for c in self.categories.values() for m in c["terms"]} | set(self.dry_terms)
        ids |= {m for ms in self.heritage_matches.values() for m in ms} | self.heritage_displaces
        return sorted(ids | set(self.categories))

    # -- the SKOS tree ------------------------------------------------------
    def _chain(self, model_id: str) -> tuple[str, ...]:
        """The model and its broader concepts, nearest first (breadth-first up the SKOS tree), cached."""
        hit = self._chains.get(model_id)
        if hit is None:
            seen: list[str] = []
            queue = [model_id]
            while queue:
                cur = queue.pop(0)
                if cur in seen:
                    continue
                seen.append(cur)
                queue.extend(self._broader(cur))
            hit = self._chains[model_id] = tuple(seen)
        return hit

    def profile_of(self, model_id: str) -> ModelProfile | None:
        """The model's own entry, else the nearest broader concept's (breadth-first up the SKOS tree)."""
        if model_id in self._resolved:
            return self._resolved[model_id]
        hit = next((self.entries[c] for c in self._chain(model_id) if c in self.entries), None)
        self._resolved[model_id] = hit
        return hit

    def zone_of(self, province: Any, city: Any = None) -> str | None:
        """The climate zone (arid, semi_arid, semi_humid, humid) of a province, or a listed city in it; None if unknown."""
        zone = self.province_zones.get(province) if isinstance(province, str) else None
        if zone is not None and city and isinstance(city, str):
            for prefix, z in self.city_zones.get(province, {}).items():
                if city.startswith(prefix):
                    return z
        return zone

    # -- context terms ------------------------------------------------------
    def _context_terms(self, model_id: str, category: Any, zone: str | None, water: bool | None,
                       heritage: tuple) -> tuple:
        """(category_fit, zone_fit, heritage_fit, placement, adjustments) for one combination."""
        chain = self._chain(model_id)
        adjustments: list[dict[str, Any]] = []
        fits = {"category": 0.0, "zone": 0.0, "heritage": 0.0}
        placement = 0.0

        def add(kind: str, t: Term, text: str) -> None:
            nonlocal placement
            item: dict[str, Any] = {"term": kind, "value": round(t.adjust, 4), "explanation_zh": text}
            if t.placement:
                item["placement"] = t.placement
                item["value"] = -self.placements[t.placement]
                placement = max(placement, self.placements[t.placement])
            else:
                fits[kind] += t.adjust
            adjustments.append(item)

        cat = self.categories.get(category) if isinstance(category, str) else None
        if cat is not None:
            t = next((cat["terms"][c] for c in chain if c in cat["terms"]), None)
            if t is not None:
                text = t.explain_zh if cat["label_zh"] in t.explain_zh else f"{cat['label_zh']}：{t.explain_zh}"
                add("category", t, text)
        if zone in self.dry_zones:
            cases = next((self.dry_terms[c] for c in chain if c in self.dry_terms), None)
            if cases is not None:
                case = "always" if "always" in cases else {True: "water_true", False: "water_false"}.get(water, "water_unknown")
                t = cases.get(case)
                if t is not None:
                    add("zone", t, t.explain_zh.format(zone=self.zone_labels[zone]))
        if heritage:
            chain_set = set(chain)
            matched = [h for h in heritage if chain_set & self.heritage_matches.get(h, frozenset())]
            present = [h for h in heritage if h in self.heritage_labels]
            if matched:
                names = "、".join(self.heritage_labels[h] for h in matched)
                add("heritage", self.heritage_match, self.heritage_match.explain_zh.format(heritage=names))
            elif present and chain_set & self.heritage_displaces:
                names = "、".join(self.heritage_labels[h] for h in present)
                add("heritage", self.heritage_displace, self.heritage_displace.explain_zh.format(heritage=names))
        graded = fits["category"] + fits["zone"] + fits["heritage"]
        if abs(graded) > self.graded_cap + 1e-9:   # the data keeps every sum within the cap (tested); never silent
            raise ValueError(f"context.yaml: graded terms of {model_id} in {(category, zone, water, heritage)} "
                             f"sum to {graded:+.2f}, beyond ±{self.graded_cap}")
        return (round(fits["category"], 4), round(fits["zone"], 4), round(fits["heritage"], 4), placement,
                tuple(adjustments))

    def context_key(self, context: dict[str, Any]) -> tuple:
        """(category, zone, pit water, heritage) of a context: what the context terms depend on, unknowns as None."""
        p = context.get("profile") or {}
        category = context.get("category")
        if isinstance(category, dict):
            category = category.get("id")
        if category not in self.categories:
            category = None
        h = p.get("heritage")
        w = p.get("water_accumulated")
        heritage = tuple(sorted({x for x in h if x in self.heritage_labels})) if h else ()
        return (category, self.zone_of(p.get("province"), p.get("city")), w if isinstance(w, bool) else None,
                heritage)

    def _table(self, context: dict[str, Any]) -> tuple[tuple, dict[str, tuple]]:
        """The context key and its per-model table; the key is computed once per mine (per context dict).

        A context dict is read on its first use: pass a new dict for each mine (as the advisor does),
        never one changed in place between calls.
        """
        memo = self._memo
        profile = context.get("profile")
        if memo is not None and memo[0] is context and memo[1] is profile:
            return memo[2], memo[3]
        key = self.context_key(context)
        table = self._tables.get(key)
        if table is None:
            table = self._tables[key] = {}
        self._memo = (context, profile, key, table)
        return key, table

    def score(self, model_id: str, rule_weight: float, factor_values: dict[str, float],
              potential: float, context: dict[str, Any] | None = None) -> tuple[float, dict[str, Any]]:
        """(score, breakdown) for one recommended model.

        ``context`` is ``{"category": <restoration category id or None>, "profile": <validated profile>}``;
        without it (or with nothing known in it) the context terms are 0. The breakdown holds this
        mine's numbers; what they mean for the model (its factors, potential kind and why) is
        ``profile_info(breakdown["profile_of"])``, and the context terms' reasons are in
        ``explanation(...)["context"]``, both listed once per advice in its ``ranking`` field.
        """
        prof = self.profile_of(model_id)
        if prof is None:  # a model with no table entry: ordered by its rules alone, and said so
            fit, pot_term, kind, by = 0.5, 0.5, "neutral", None
        else:
            fit = 0.0
            for f, w in prof.weights:
                fit += w * factor_values[f]
            kind, by = prof.potential, prof.defined_by
            pot_term = potential if kind == "market" else (1.0 - potential) if kind == "protective" else 0.5
        score = self.w_rule * rule_weight + self.w_fit * fit + self.w_pot * pot_term
        terms = _NO_TERMS
        if context:
            key, table = self._table(context)
            terms = table.get(model_id)
            if terms is None:
                terms = table[model_id] = self._context_terms(model_id, *key)
        cat_fit, zone_fit, her_fit, placement, adjustments = terms
        if adjustments:
            score += cat_fit + zone_fit + her_fit - placement
        return round(score, 4), {
            "rule_weight": round(rule_weight, 4), "factor_fit": round(fit, 4), "potential_term": round(pot_term, 4),
            "potential_kind": kind, "profile_of": by, "category_fit": cat_fit, "zone_fit": zone_fit,
            "heritage_fit": her_fit, "placement": placement, "adjustments": list(adjustments)}

    # -- what the advice's ``ranking`` field says ---------------------------
    def profile_info(self, profile_id: str | None) -> dict[str, Any]:
        """What a model profile (a group or a model of ``data/models.yaml``) weighs, and why."""
        if profile_id is None:
            return {"factors": {}, "potential": "neutral", "why_zh": "无因素画像，仅按规则权重排序"}
        prof = self.entries[profile_id]
        return {"factors": prof.factors, "potential": prof.potential, "why_zh": prof.why}

    def context_info(self) -> dict[str, Any]:
        """The context terms: what each restoration category, the dry zones and heritage add, and why."""
        info = getattr(self, "_context_info", None)
        if info is None:
            def value(t: Term) -> Any:
                return t.placement if t.placement else t.adjust

            info = self._context_info = {
                "categories": {cid: {"label_zh": c["label_zh"], "why_zh": c["why_zh"],
                                     "terms": {m: value(t) for m, t in c["terms"].items()}}
                               for cid, c in self.categories.items()},
                "zone": {"basis_zh": self.zone_basis, "dry_zones": sorted(self.dry_zones),
                         "dry_why_zh": self.dry_why, "verified": self.dry_verified},
                "heritage": {"why_zh": self.heritage_why, "match": self.heritage_match.adjust,
                             "displace": self.heritage_displace.adjust},
                "placements": dict(self.placements),
                "graded_cap": self.graded_cap,
                "about_zh": ("类别、气候区和遗产三项为加减分（合计不超过±{cap}）；“排在后面”（placement）使该利用"
                             "排在所有未被排后的利用之后：lower 减 {lower:g}（气候不宜），bottom 减 {bottom:g}"
                             "（修复类别不以此为方向），故得分可为负。信息未知时各项为 0。").format(
                    cap=self.graded_cap, lower=self.placements["lower"], bottom=self.placements["bottom"]),
            }
        return info

    def explanation(self, profile_ids, context: dict[str, Any] | tuple | None = None) -> dict[str, Any]:
        """The advice's ``ranking`` field: the formula, the model profiles its scores used and the context terms.

        With ``context`` (the dict given to ``score``, or its ``context_key``) only the terms that can
        apply to that mine are documented: its category's, the dry zones' if it lies in one, heritage's
        if it has any; without it, all of them. Equal keys give equal explanations (cache on the key).
        """
        info = self.context_info()
        if context is not None:
            key = context if isinstance(context, tuple) else self.context_key(context)
            info = self._context_subset(key)
        return {"formula": FORMULA,
                "blend": self.blend,
                "profiles": {pid or "(none)": self.profile_info(pid) for pid in dict.fromkeys(profile_ids)},
                "context": info}

    def _context_subset(self, key: tuple) -> dict[str, Any]:
        subsets = self.__dict__.setdefault("_subsets", {})
        hit = subsets.get(key)
        if hit is None:
            category, zone, _water, heritage = key
            full = self.context_info()
            hit = {"categories": {category: full["categories"][category]} if category in full["categories"] else {}}
            if zone is not None:
                hit["zone"] = {"zone": zone, "label_zh": self.zone_labels[zone], "basis_zh": self.zone_basis}
                if zone in self.dry_zones:
                    hit["zone"] |= {"dry_zones": full["zone"]["dry_zones"], "dry_why_zh": self.dry_why,
                                    "verified": self.dry_verified}
            if heritage:
                hit["heritage"] = full["heritage"]
            hit |= {"placements": full["placements"], "graded_cap": full["graded_cap"], "about_zh": full["about_zh"]}
            subsets[key] = hit
        return hit
