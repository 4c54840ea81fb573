"""Labels, definitions and help text from the ontology, for forms and pages.

The profile form explains each field and each value with the ontology's
``skos:definition`` (the glossary of terms like 生态保护红线). While the ontology
stage is absent the form still works, with the contract's labels only.
"""
from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

from rules.schema import PROFILE_FIELDS
from webui.state import current_kb


def _labels_function():
    try:
        return importlib.import_module("ontology.labels").labels
    except (ModuleNotFoundError, AttributeError):
        return None


@lru_cache(maxsize=4096)
def _labels_cached(concept_id: str) -> tuple[tuple[str, str], ...]:
    fn = _labels_function()
    if fn is None:
        return ()
    try:
        found = fn(concept_id)
    except (KeyError, LookupError, ValueError):
        return ()
    return tuple((k, v) for k, v in as_dict(found).items() if isinstance(v, str))


def labels_of(concept_id: str) -> dict[str, str]:
    """``{"zh": ..., "en": ...}`` for a concept id (empty when unknown)."""
    return dict(_labels_cached(concept_id))


def as_dict(obj: Any) -> dict[str, Any]:
    """A concept record as a dict, whether the ontology returns a dict or a dataclass."""
    if obj is None:
        return {}
    if isinstance(obj, dict):
        return obj
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if hasattr(obj, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(obj)
    return {k: v for k, v in vars(obj).items() if not k.startswith("_")}


def concept(concept_id: str) -> dict[str, Any] | None:
    """The ontology's record of a concept, or None if there is no such concept (or no ontology)."""
    try:
        graph = current_kb().graph
    except ModuleNotFoundError:
        return None
    try:
        found = graph.concept(concept_id)
    except (KeyError, LookupError, ValueError):
        return None
    return as_dict(found) or None


def definition(concept_id: str, lang: str = "zh") -> str:
    """The concept's ``skos:definition`` in ``lang`` (the other language if that one is missing)."""
    labels = labels_of(concept_id)
    if lang == "en":
        return labels.get("definition_en") or labels.get("definition", "")
    return labels.get("definition", "")


def field_help(lang: str) -> dict[str, dict[str, str]]:
    """For each profile field: ``{"": field definition, value: value definition}`` where the ontology has one."""
    out: dict[str, dict[str, str]] = {}
    for name, spec in PROFILE_FIELDS.items():
        entries = {}
        text = definition(name, lang)
        if text:
            entries[""] = text
        for value in spec.values:
            text = definition(value, lang)
            if text:
                entries[value] = text
        if entries:
            out[name] = entries
    return out
