"""Data of the ontology and rules browsers (one dict each, rendered as HTML or JSON).

Concepts come from the ontology's labels index (``ontology.labels``) and the
knowledge graph; the clauses about a concept from the corpus's concept tags;
the rules that use it from the rule set. Nothing here decides anything: it
collects what the lower stages know and says where it comes from.
"""
from __future__ import annotations

import re
from typing import Any

from search.documents import clause_label
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
                                "heading": " ".join(cl.heading_path), "label": clause_label(cl), "text": cl.text,
                                "type": cl.type, "status": doc.status or "unknown", "tier": doc.binding_tier,
                                "content": doc.content or ""})
    from corpus.model import TIER_RANK

    clauses.sort(key=lambda c: TIER_RANK.get(c["tier"], 99))      # binding sources first, research after
    graph = _graph_facts(concept_id)
    return {
        "id": c.id, "label_zh": c.pref.get("zh", ""), "label_en": c.pref.get("en", ""),
        "alt_labels": [{"text": t, "lang": lang} for t, lang in c.alt],
        "definition_zh": c.definition.get("zh", ""), "definition_en": c.definition.get("en", ""),
        "schemes": [{"id": s, **_scheme_label(s)} for s in c.schemes],
        "broader": [_brief(concepts[b]) for b in c.broader if b in concepts],
        "narrower": sorted((_brief(n) for n in _narrower(concepts, concept_id)), key=lambda x: x["id"]),
        "graph": graph,
        "source_refs": [_clause_ref(kb, cid) for cid in graph.get("sources") or []],
        "clauses": clauses,
        "rules": [rule_brief(r) for r in _rules() if _rule_uses(r, concept_id)],
    }


def _clause_ref(kb: Any, clause_id: str) -> dict[str, Any]:
    """A cited clause as a reader names it: 《title》 文号 第三条 (the id only when the clause is not in the corpus)."""
    found = kb.clause(clause_id)
    if not found:
        return {"clause_id": clause_id, "doc_title": None, "label": clause_id}
    doc, clause = found
    return {"clause_id": clause_id, "doc_title": doc.title, "doc_number": doc.number, "label": clause_label(clause),
            "status": doc.status or "unknown", "tier": doc.binding_tier, "content": doc.content or ""}


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
                        "doc_number": doc.number if doc else None, "text": clause.text if clause else None,
                        "label": clause_label(clause) if clause else None,
                        "issued": doc.issued if doc else None, "status": (doc.status or "unknown") if doc else None,
                        "tier": doc.binding_tier if doc else None, "content": (doc.content or "") if doc else None})
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


# -- documents: the list with filters, sort and search; what the document page says about digests -----------

DOC_FILTERS = ("level", "tier", "status", "region", "content")
DOC_SORTS = ("date", "level", "title")
# Where officials find the official text of a document of each tier (public finding aids, not the document itself).
_NPC = ("国家法律法规数据库", "National Database of Laws and Regulations", "https://flk.npc.gov.cn/")
OFFICIAL_FINDERS = {
    "law": _NPC,
    "regulation": _NPC,
    "ministry": ("中国政府网 政策文件库", "gov.cn policy documents", "https://www.gov.cn/zhengce/"),
    "standard": ("全国标准信息公共服务平台", "National Public Service Platform for Standards Information",
                 "https://std.samr.gov.cn/"),
}


def _doc_row(doc: Any) -> dict[str, Any]:
    return {"id": doc.id, "title": doc.title, "number": doc.number, "issuer": doc.issuer, "level": doc.level,
            "tier": doc.binding_tier, "status": doc.status or "unknown", "content": doc.content or "",
            "region": doc.region, "issued": doc.issued, "in_force_from": doc.in_force_from,
            "in_force_until": doc.in_force_until, "verified": doc.verified,
            "clause_count": len(doc.clauses)}


def _matches_text(doc: Any, q: str) -> bool:
    from search.analysis import doc_number_key, fold

    folded = fold(q).replace(" ", "")
    if not folded:
        return True
    key = doc_number_key(q)
    if key and key == doc_number_key(doc.number):
        return True
    hay = fold(" ".join(x for x in (doc.title, doc.number or "", doc.issuer or "", doc.id) if x)).replace(" ", "")
    return all(part in hay for part in fold(q).split())


def _in_region(doc: Any, wanted: list[str]) -> bool:
    from search.places import places_in, short_province

    regions = set()
    for w in wanted:
        short = short_province(w)
        regions.update({w, short, *places_in(short)})
    return doc.region in regions


def document_list(args: Any) -> dict[str, Any]:
    """The documents a filter form asks for (``q``, level, tier, status, region, content, sort), with facet counts."""
    from corpus.model import TIER_RANK

    documents = list(current_kb().documents.values())
    q = (args.get("q") or "").strip()
    if len(q) > 200:
        raise APIError(400, "the search text is longer than 200 characters", [detail(f"{len(q)} characters", "q")])
    sort = args.get("sort") or "date"
    if sort not in DOC_SORTS:
        raise APIError(400, f"sort must be one of {', '.join(DOC_SORTS)}", [detail(f"not a sort: {sort!r}", "sort")])
    chosen = {k: [v for v in args.getlist(k) if v.strip()] for k in DOC_FILTERS}
    rows = [_doc_row(d) for d in documents if _matches_text(d, q)]

    def keep(row: dict[str, Any], skip: str | None = None) -> bool:
        for key, values in chosen.items():
            if not values or key == skip:
                continue
            if key == "region":
                if not _in_region(current_kb().documents[row["id"]], values):
                    return False
            elif row[key] not in values:
                return False
        return True

    facets = {}
    for key in DOC_FILTERS:    # each facet counted with the other filters applied, so its values stay choosable
        counts: dict[str, int] = {}
        for row in rows:
            if keep(row, skip=key):
                counts[row[key]] = counts.get(row[key], 0) + 1
        facets[key] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    shown = [r for r in rows if keep(r)]
    if sort == "date":
        shown.sort(key=lambda r: (r["issued"] or r["in_force_from"] or "", r["id"]), reverse=True)
    elif sort == "level":
        shown.sort(key=lambda r: (TIER_RANK.get(r["tier"], 99), -int((r["issued"] or "0")[:4] or 0), r["id"]))
    else:
        shown.sort(key=lambda r: (r["title"], r["id"]))
    return {"documents": shown, "total": len(shown), "all": len(documents), "q": q, "sort": sort,
            "filters": {k: v for k, v in chosen.items() if v}, "facets": facets}


def official_source(doc: Any) -> dict[str, Any] | None:
    """What the document page says about a digest: that it is one, how it is numbered, where the official text is."""
    if doc.content not in ("digest", "title_only"):
        return None
    numbered_by_points = any(c.path.rsplit("__", 1)[-1].startswith("pt_") for c in doc.clauses)
    finder = OFFICIAL_FINDERS.get(doc.binding_tier)
    if doc.binding_tier == "local" and doc.title.endswith("条例"):
        finder = OFFICIAL_FINDERS["law"]
    return {"content": doc.content, "numbering": "points" if numbered_by_points else "official",
            "title": doc.title, "number": doc.number, "issuer": doc.issuer, "issued": doc.issued,
            "finder": {"name_zh": finder[0], "name_en": finder[1], "url": finder[2]} if finder else None}
