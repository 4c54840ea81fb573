"""Order the recommended utilization models, each score explained.

The rules decide which models apply and with what weight; this module orders
them by blending that weight with the mine's factor values (its fingerprint)
and its potential, as ``data/models.yaml`` says and cites. The breakdown of
every score is returned so that a user can see why one model ranks above
another (the optional ``score_breakdown`` of each model in the advice).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from advisor.potential import FACTORS

DATA = Path(__file__).resolve().parent / "data"
POTENTIAL_KINDS = ("market", "protective", "neutral")


@dataclass(frozen=True)
class ModelProfile:
    """What matters for one model (or one group of models)."""

    factors: dict[str, float]
    potential: str
    why: str
    defined_by: str          # the model or group id whose entry applies


class Ranker:
    def __init__(self, broader: Callable[[str], list[str]], path: Path | None = None) -> None:
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
                self.entries[mid] = ModelProfile({k: float(v) for k, v in spec["factors"].items()},
                                                 spec["potential"], spec.get("why", ""), mid)
        self._broader = broader
        self._resolved: dict[str, ModelProfile | None] = {}

    def profile_of(self, model_id: str) -> ModelProfile | None:
        """The model's own entry, else the nearest broader concept's (breadth-first up the SKOS tree)."""
        if model_id in self._resolved:
            return self._resolved[model_id]
        seen, queue, hit = set(), [model_id], None
        while queue and hit is None:
            cur = queue.pop(0)
            if cur in seen:
                continue
            seen.add(cur)
            hit = self.entries.get(cur)
            queue.extend(self._broader(cur))
        self._resolved[model_id] = hit
        return hit

    def score(self, model_id: str, rule_weight: float, factor_values: dict[str, float],
              potential: float) -> tuple[float, dict[str, Any]]:
        """(score 0..1, breakdown) for one recommended model.

        The breakdown holds this mine's numbers; what they mean for the model
        (its factors, potential kind and why) is ``profile_info(breakdown["profile_of"])``,
        listed once per advice in its ``ranking`` field.
        """
        prof = self.profile_of(model_id)
        if prof is None:  # a model with no table entry: ordered by its rules alone, and said so
            fit, pot_term, kind, by = 0.5, 0.5, "neutral", None
        else:
            total = sum(prof.factors.values())
            fit = sum(w * factor_values[f] for f, w in prof.factors.items()) / total
            kind, by = prof.potential, prof.defined_by
            pot_term = potential if kind == "market" else (1.0 - potential) if kind == "protective" else 0.5
        score = self.w_rule * rule_weight + self.w_fit * fit + self.w_pot * pot_term
        breakdown = {"rule_weight": round(rule_weight, 4), "factor_fit": round(fit, 4),
                     "potential_term": round(pot_term, 4), "potential_kind": kind, "profile_of": by}
        return round(score, 4), breakdown

    def profile_info(self, profile_id: str | None) -> dict[str, Any]:
        """What a model profile (a group or a model of ``data/models.yaml``) weighs, and why."""
        if profile_id is None:
            return {"factors": {}, "potential": "neutral", "why_zh": "无因素画像，仅按规则权重排序"}
        prof = self.entries[profile_id]
        return {"factors": prof.factors, "potential": prof.potential, "why_zh": prof.why}

    def explanation(self, profile_ids) -> dict[str, Any]:
        """The advice's ``ranking`` field: the formula and the model profiles its scores used."""
        return {"formula": "score = blend.rule × rule_weight + blend.fit × factor_fit + blend.potential × potential_term",
                "blend": self.blend,
                "profiles": {pid or "(none)": self.profile_info(pid) for pid in dict.fromkeys(profile_ids)}}
