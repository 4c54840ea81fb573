"""Rules as graph data: what each rule of ``rules/data/*.yaml`` concludes, when, and from which clauses.

The rules engine (a later stage) decides; the graph only indexes the rule
files so that SPARQL can answer "which models does the ecological red line
exclude, and by which clauses". The YAML is read as data (no import of the
rules package, which sits above this stage). ``mk:appliesIn`` lists the
profile values a condition mentions positively (``'ecological_redline' in
control_zones``, ``control_zones has_any [...]``, ``field == 'v'``); values
under ``not``/``!=``/``not in`` are left out. It is an index for queries, not
the rule's semantics. A file that does not parse is reported and skipped, so
a rule author's typo never breaks the knowledge-base build (``minekb rules
check`` reports it properly).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import pyoxigraph as ox
import yaml

from rules.anchors import source_ids
from ontology import namespaces as ns

RULE = ns.ID + "rule/"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)   # the C loader is ~10x faster
THEN_PROPERTY = {
    "exclude": "excludes", "recommend": "recommends", "constraint": "imposes", "constraints": "imposes",
    "incentive": "grants", "incentives": "grants", "measure": "requiresMeasure", "measures": "requiresMeasure",
    "responsibility": "assignsResponsibility", "restoration_category": "setsCategory", "priority": "setsPriority",
}
_QUOTED = r"'([^']*)'|\"([^\"]*)\""
_LIST = r"\[([^\]]*)\]"
_FIELD = r"([a-z_][a-z0-9_]*)"


def _conditions(when: Any) -> list[str]:
    if isinstance(when, str):
        return [when]
    if isinstance(when, dict):
        return [s for v in when.values() for s in _conditions(v)]
    if isinstance(when, list):
        return [s for v in when for s in _conditions(v)]
    return []


def positive_values(condition: str) -> list[tuple[str, str]]:
    """(field, value) pairs a condition string requires, skipping negated ones."""
    pairs: list[tuple[str, str]] = []

    def negated(start: int) -> bool:
        before = condition[:start].rstrip()
        return before.endswith("not") or before.endswith("not (")

    for m in re.finditer(rf"(?:{_QUOTED})\s+(not\s+)?in\s+{_FIELD}", condition):
        if not m.group(3) and not negated(m.start()):
            pairs.append((m.group(4), m.group(1) or m.group(2)))
    for m in re.finditer(rf"{_FIELD}\s+(has_any|in)\s+{_LIST}", condition):
        if m.group(1) == "not" or negated(m.start()):
            continue
        for q in re.finditer(_QUOTED, m.group(3)):
            pairs.append((m.group(1), q.group(1) or q.group(2)))
    for m in re.finditer(rf"{_FIELD}\s*==\s*(?:{_QUOTED})", condition):
        if not negated(m.start()):
            pairs.append((m.group(1), m.group(2) or m.group(3)))
    return pairs


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, dict):
        return list(value)          # recommend: {model: weight}
    return list(value) if isinstance(value, list) else [value]


def rule_quads(rules_dir: Path, concept_of: Callable[[str, str], str | None], known: set[str],
               clause_ids: set[str], problems: list[str], region_of: Callable[[str], str | None] = lambda r: None,
               ) -> list[ox.Quad]:
    """Triples for every rule of ``rules_dir``; ``concept_of(field, value)`` maps a profile value to a concept id."""
    quads: list[ox.Quad] = []
    N, L, Q = ox.NamedNode, ox.Literal, ox.Quad
    M = lambda local: N(ns.MK + local)  # noqa: E731
    for path in sorted(Path(rules_dir).glob("*.y*ml")) if Path(rules_dir).is_dir() else []:
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        except yaml.YAMLError as exc:
            problems.append(f"{path.name}: not readable YAML, skipped ({str(exc).splitlines()[0]})")
            continue
        for rule in data.get("rules", []) if isinstance(data, dict) else []:
            if not isinstance(rule, dict) or not isinstance(rule.get("id"), str):
                continue
            r = N(RULE + rule["id"])
            quads += [Q(r, N(ns.RDF + "type"), M("Rule")), Q(r, M("ruleId"), L(rule["id"]))]
            title = rule.get("title") or {}
            if isinstance(title, dict):
                quads += [Q(r, N(ns.RDFS + "label"), L(str(t), language=lang)) for lang, t in title.items()
                          if lang in ("zh", "en")]
            for cond in _conditions(rule.get("when")):
                quads.append(Q(r, M("condition"), L(cond)))
                for field, value in positive_values(cond):
                    cid = concept_of(field, value)
                    if cid:
                        quads.append(Q(r, M("appliesIn"), M(cid)))
            then = rule.get("then") or {}
            for key, prop in THEN_PROPERTY.items():
                for cid in _as_list(then.get(key)) if isinstance(then, dict) else []:
                    if isinstance(cid, str) and cid in known:
                        quads.append(Q(r, M(prop), M(cid)))
                    elif isinstance(cid, str):
                        problems.append(f"{path.name}: rule {rule['id']}: {key} names unknown concept {cid!r}")
            for src in source_ids(rule.get("sources")):
                if isinstance(src, str) and src in clause_ids:
                    quads.append(Q(r, N(ns.PROV + "wasDerivedFrom"), N(ns.clause_iri(src))))
                elif isinstance(src, str):
                    problems.append(f"{path.name}: rule {rule['id']}: source clause {src!r} is not in the corpus")
            for region in _as_list(rule.get("region")):
                cid = region_of(str(region))
                if cid:
                    quads.append(Q(r, M("region"), M(cid)))
            for key, prop in (("valid_from", "validFrom"), ("valid_until", "validUntil")):
                if rule.get(key):
                    quads.append(Q(r, M(prop), L(str(rule[key]), datatype=N(ns.XSD + "date"))))
    return quads
