"""Data of the ontology and rules browsers (one dict each, rendered as HTML or JSON).

Concepts come from the ontology's labels index (``ontology.labels``) and the
knowledge graph; the clauses about a concept from the corpus's concept tags;
the rules that use it from the rule set. Nothing here decides anything: it
collects what the lower stages know and says where it comes from.
"""
from __future__ import annotations

import re
from typing import Any

from webui.errors import APIError, detail
from webui.glossary import as_dict
from webui.state import current_kb

MODEL_SCHEME = "UtilizationModels"


def _all_concepts() -> dict[str, Any]:
    from ontology.labels import all_concepts

    return all_concepts()


def _scheme_label(name: str) -> dict[str, str]:
    try:
        found = as_dict(current_kb().graph.scheme(name))
    except (KeyError, LookupError, ValueError, AttributeError, ModuleNotFoundError):
        found = {}
    return {"zh": found.get("label_zh") or found.get("zh") or name, "en": found.get("label_en") or found.get("en") or name}


def _brief(c: Any) -> dict[str, Any]:
    return {"id": c.id, "label_zh": c.pref.get("zh", ""), "label_en": c.pref.get("en", "")}


def concept_index() -> dict[str, Any]:
    """Every concept scheme with its concepts, sorted by Chinese label."""
    schemes: dict[str, list[dict[str, Any]]] = {}
    for c in _all_concepts().values():
        for scheme in c.schemes or ["(none)"]:
            schemes.setdefault(scheme, []).append(_brief(c))
    out = []
    for name in sorted(schemes):
        label = _scheme_label(name)
        out.append({"id": name, "label_zh": label["zh"], "label_en": label["en"],
                    "concepts": sorted(schemes[name], key=lambda x: x["label_zh"] or x["id"])})
    return {"schemes": out, "count": sum(len(s["concepts"]) for s in out)}


def _narrower(concepts: dict[str, Any], concept_id: str) -> list[Any]:
    return [c for c in concepts.values() if concept_id in c.broader]


def concept_page(concept_id: str) -> dict[str, Any]:
    concepts = _all_concepts()
    c = concepts.get(concept_id)
    if c is None:
        raise APIError(404, f"no concept {concept_id!r} in the ontology", [detail("unknown concept id", "concept_id")])
    kb = current_kb()
    clauses = []
    for doc in kb.documents.values():
        for cl in doc.clauses:
            if concept_id in cl.concepts or any(m.kind == "concept" and m.value == concept_id for m in cl.mentions):
                clauses.append({"clause_id": cl.id, "doc_id": doc.id, "doc_title": doc.title, "doc_number": doc.number,
                                "heading": " ".join(cl.heading_path), "text": cl.text, "type": cl.type})
    return {
        "id": c.id, "label_zh": c.pref.get("zh", ""), "label_en": c.pref.get("en", ""),
        "alt_labels": [{"text": t, "lang": lang} for t, lang in c.alt],
        "definition_zh": c.definition.get("zh", ""), "definition_en": c.definition.get("en", ""),
        "schemes": [{"id": s, **_scheme_label(s)} for s in c.schemes],
        "broader": [_brief(concepts[b]) for b in c.broader if b in concepts],
        "narrower": sorted((_brief(n) for n in _narrower(concepts, concept_id)), key=lambda x: x["id"]),
        "graph": _graph_facts(concept_id),
        "clauses": clauses,
        "rules": [rule_brief(r) for r in _rules() if _rule_uses(r, concept_id)],
    }


def _graph_facts(concept_id: str) -> dict[str, Any]:
    """What the knowledge graph adds about the concept (cited clauses, cases …), when it is built."""
    try:
        found = current_kb().graph.concept(concept_id)
    except (KeyError, LookupError, ValueError, AttributeError, ModuleNotFoundError):
        return {}
    return {k: v for k, v in as_dict(found).items() if isinstance(v, (str, int, float, list, dict)) and v}


def model_hierarchy() -> dict[str, Any]:
    """The utilization models as a tree (skos:broader), each node with its definition."""
    concepts = _all_concepts()
    members = {cid: c for cid, c in concepts.items() if MODEL_SCHEME in c.schemes}

    def node(c: Any) -> dict[str, Any]:
        children = sorted((n for n in _narrower(members, c.id)), key=lambda x: x.id)
        return {**_brief(c), "definition_zh": c.definition.get("zh", ""), "definition_en": c.definition.get("en", ""),
                "children": [node(n) for n in children]}

    roots = sorted((c for c in members.values() if not any(b in members for b in c.broader)), key=lambda x: x.id)
    label = _scheme_label(MODEL_SCHEME)
    return {"scheme": MODEL_SCHEME, "label_zh": label["zh"], "label_en": label["en"],
            "models": [node(r) for r in roots], "count": len(members)}


# -- rules ----------------------------------------------------------------------------------

def _rules() -> list[Any]:
    try:
        return list(current_kb().ruleset.rules)
    except ModuleNotFoundError:
        return []


def _rule_uses(rule: Any, concept_id: str) -> bool:
    if any(t.value == concept_id for t in rule.then):
        return True
    return re.search(rf"\b{re.escape(concept_id)}\b", str(rule.when_text)) is not None


def rule_brief(rule: Any) -> dict[str, Any]:
    return {"id": rule.id, "title_zh": rule.title_zh, "title_en": rule.title_en, "region": list(rule.region),
            "kinds": sorted(rule.kinds)}


def rule_index(region: str | None = None) -> dict[str, Any]:
    from rules.schema import normalize_province

    wanted = normalize_province(region) if region else None
    if region and wanted is None:
        raise APIError(400, f"{region!r} is not a province", [detail("unknown province", "region")])
    rules = [r for r in _rules() if wanted is None or not r.region or wanted in r.region]
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rules:
        groups.setdefault(r.id.split(".")[0], []).append(rule_brief(r))
    return {"region": wanted, "count": len(rules), "groups": [{"prefix": k, "rules": v} for k, v in sorted(groups.items())]}


def rule_page(rule_id: str) -> dict[str, Any]:
    kb = current_kb()
    try:
        rule = kb.ruleset.get(rule_id)
    except ModuleNotFoundError:
        rule = None
    if rule is None:
        raise APIError(404, f"no rule {rule_id!r}", [detail("unknown rule id", "rule_id")])
    sources = []
    for cid in rule.sources:
        found = kb.clause(cid)
        doc, clause = found if found else (None, None)
        sources.append({"clause_id": cid, "doc_id": doc.id if doc else None, "doc_title": doc.title if doc else None,
                        "doc_number": doc.number if doc else None, "text": clause.text if clause else None})
    return {
        **rule_brief(rule),
        "when": rule.when_text,
        "then": [{"kind": t.kind, "value": t.value, "weight": t.weight} for t in rule.then],
        "explain_zh": rule.explain_zh,
        "sources": sources,
        "valid_from": rule.valid_from.isoformat() if rule.valid_from else None,
        "valid_until": rule.valid_until.isoformat() if rule.valid_until else None,
        "overrides": list(rule.overrides), "exception_of": list(rule.exception_of), "hard": rule.hard,
        "note": rule.note,
        "file": f"{rule.file.name}:{rule.line}" if rule.file else None,
        "tests": [{"name": t.name, "profile": t.profile, "expect": t.expect,
                   "as_of": t.as_of.isoformat() if t.as_of else None} for t in rule.tests],
    }
