"""What the rules stage needs from the ontology: which concept ids exist, their labels, their ancestors.

The ontology stage may be absent in a partial checkout; every function here
then degrades (no concept check, ids shown as themselves) instead of failing,
so the engine still loads and evaluates rules.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

# The concept scheme each conclusion kind must draw its values from.
EXPECTED_SCHEME = {
    "restoration_category": "RestorationCategories",
    "priority": "Priorities",
    "recommend": "UtilizationModels",
    "exclude": "UtilizationModels",
    "incentive": "Incentives",
    "constraint": "LandUseConstraints",
    "measure": "EngineeringMeasures",
    "responsibility": "Responsibilities",
}


def concept_index() -> dict[str, Any] | None:
    """``{concept_id: ConceptLabels}`` from ``ontology.labels``, or None when the ontology is not there."""
    try:
        from ontology.labels import all_concepts
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("ontology"):
            return None
        raise
    return all_concepts()


@lru_cache(maxsize=4096)
def concept_label_zh(concept_id: str) -> str:
    """The Chinese prefLabel of a concept, or its id when unknown."""
    index = concept_index()
    concept = index.get(concept_id) if index else None
    return (concept.pref.get("zh") if concept else None) or concept_id


def ancestors(concept_id: str, index: dict[str, Any] | None) -> tuple[str, ...]:
    """Every broader concept of ``concept_id`` (transitively), nearest first."""
    if not index:
        return ()
    out: list[str] = []
    frontier = list(getattr(index.get(concept_id), "broader", []) or [])
    while frontier:
        cid = frontier.pop(0)
        if cid in out or cid == concept_id:
            continue
        out.append(cid)
        frontier.extend(getattr(index.get(cid), "broader", []) or [])
    return tuple(out)
