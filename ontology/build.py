"""Turn a corpus into instance data of the ontology and write the graph of one generation.

Called by ``minekb.kb.rebuild_derived`` at every build and ingest, so it must be
fast and never run a reasoner: it parses the Turtle model with pyoxigraph,
mints IRIs for documents, clauses and provisions, links them to the model's
concepts, and dumps N-Triples. Layout written under ``gen_dir/ontology/``::

    model/…/*.ttl      the Turtle sources this generation was built with (modules for export)
    model.nt           the model (schema, vocabularies, cases, concepts) as N-Triples
    instances.nt       documents, clauses, provisions, resolved links, as N-Triples
    report.json        counts and every reference the build could not resolve

N-Triples is the loaded form: pyoxigraph, rdflib, owlready2 (which has no Turtle
reader) and an Oxigraph server all read it, line by line, with no ambiguity.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from corpus.model import DOC_ID_RE, Document
from minekb.kb import BUNDLED_RULES
from minekb.progress import Progress, null_progress
from ontology import namespaces as ns
from ontology.labels import ONTOLOGY_DIR, parse_ttl, ttl_files
from ontology.rulesdata import rule_quads
from rules.schema import normalize_province

N = ox.NamedNode
L = ox.Literal
XSD_DATE, XSD_GYEAR, XSD_GYM = N(ns.XSD + "date"), N(ns.XSD + "gYear"), N(ns.XSD + "gYearMonth")
XSD_INT, XSD_BOOL = N(ns.XSD + "integer"), N(ns.XSD + "boolean")
A = N(ns.RDF + "type")


def M(local: str) -> ox.NamedNode:
    return N(ns.MK + local)


# Clause types that state a norm, and the provision class each becomes.
PROVISION_CLASS: dict[str, str] = {
    "principle": "Principle", "incentive": "Incentive", "funding": "Incentive",
    "constraint": "LandUseConstraint", "obligation": "Obligation", "responsibility": "Obligation",
    "target": "Target",
}
DEFAULT_MODALITY = {
    "Principle": "obligation", "Incentive": "permission", "LandUseConstraint": "prohibition",
    "Obligation": "obligation", "Target": "obligation",
}
# Deontic cue words (multi-character on purpose: 可 alone is in 可持续, 应 alone in 相应).
MODALITY_CUES: dict[str, tuple[str, ...]] = {
    "prohibition": ("不得", "禁止", "严禁", "不准", "不允许", "不应当", "不宜", "不能"),
    "obligation": ("应当", "必须", "应予", "应该", "负责", "要求", "务必"),
    "permission": ("可以", "允许", "鼓励", "支持", "有权", "可按", "可由", "可依", "可在", "可将", "可用于", "可优先"),
}
IN_FORCE_STATUSES = {"in_force", "amended"}


@dataclass
class BuildReport:
    documents: int = 0
    clauses: int = 0
    provisions: int = 0
    concept_links: int = 0
    triples_model: int = 0
    triples_instances: int = 0
    seconds: float = 0.0
    unknown_concepts: dict[str, list[str]] = field(default_factory=dict)   # concept id -> clause ids
    unresolved_cites_clause: dict[str, list[str]] = field(default_factory=dict)  # subject -> clause ids
    unresolved_relations: list[dict] = field(default_factory=list)
    unresolved_principle_sources: list[str] = field(default_factory=list)
    unmatched_issuers: dict[str, str] = field(default_factory=dict)        # doc id -> issuer text
    rules: int = 0
    rule_problems: list[str] = field(default_factory=list)


def _date(value: str | None) -> ox.Literal | None:
    if not value:
        return None
    value = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return L(value, datatype=XSD_DATE)
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return L(value, datatype=XSD_GYM)
    if re.fullmatch(r"\d{4}", value):
        return L(value, datatype=XSD_GYEAR)
    return None


def modality_of(provision_class: str, text: str) -> str:
    """The deontic modality of a provision: the class's default when its cue is present, else the strongest cue found."""
    found = {m for m, cues in MODALITY_CUES.items() if any(c in text for c in cues)}
    preferred = DEFAULT_MODALITY[provision_class]
    if preferred in found or not found:
        return preferred
    for m in ("prohibition", "obligation", "permission"):
        if m in found:
            return m
    return preferred


def _norm_title(text: str) -> str:
    return re.sub(r"[《》〈〉\s“”\"']", "", text or "")


class _Model:
    """The parsed Turtle model plus the lookups the instance builder needs."""

    def __init__(self, files: list[Path]) -> None:
        self.store = ox.Store()
        for path in files:
            self.store.extend(parse_ttl(path))
        self.concepts = {ns.local_name(r["c"].value) for r in self._q(
            "SELECT DISTINCT ?c WHERE { ?c a ?t . FILTER(?t = skos:Concept || EXISTS { ?t rdfs:subClassOf skos:Concept }) }")}
        self.regions: dict[str, str] = {}
        for r in self._q("SELECT ?c ?s WHERE { ?c a mk:Region ; mk:shortName ?s }"):
            self.regions[r["s"].value] = ns.local_name(r["c"].value)
        for r in self._q("SELECT ?c ?code WHERE { ?c a mk:Region ; mk:regionCode ?code }"):
            self.regions.setdefault(r["code"].value, ns.local_name(r["c"].value))
        self.authorities: dict[str, str] = {}
        for r in self._q("SELECT ?c ?l WHERE { ?c a mk:Authority ; skos:prefLabel|skos:altLabel ?l . FILTER(lang(?l) = 'zh') }"):
            self.authorities.setdefault(r["l"].value, ns.local_name(r["c"].value))
        self.principle_sources = [
            (r["p"], r["t"].value if r["t"] else None, r["n"].value if r["n"] else None) for r in self._q(
                "SELECT ?p ?t ?n WHERE { ?p a mk:ResponsibilityPrinciple . OPTIONAL { ?p mk:setByTitle ?t } "
                "OPTIONAL { ?p mk:setByNumber ?n } FILTER(BOUND(?t) || BOUND(?n)) }")]
        self.cases = {ns.local_name(r["c"].value) for r in self._q("SELECT ?c WHERE { ?c a mk:Case }")}
        self.contract_values = {(r["f"].value, r["v"].value): ns.local_name(r["c"].value) for r in self._q(
            "SELECT ?c ?f ?v WHERE { ?c mk:contractField ?f ; mk:contractValue ?v }")}
        self.cites_clause = [(r["s"], r["c"].value) for r in self._q("SELECT ?s ?c WHERE { ?s mk:citesClause ?c }")]

    def _q(self, sparql: str):
        return list(self.store.query(ns.sparql_prologue(sparql) + sparql))

    def triples(self) -> Iterable[ox.Quad]:
        return self.store.quads_for_pattern(None, None, None, None)

    def issuers_of(self, text: str) -> list[str]:
        """Authorities named in an issuer text: the whole text, its parts, else the longest labels inside it."""
        text = re.sub(r"等(部门|单位)?$", "", (text or "").strip())
        if not text:
            return []
        if text in self.authorities:
            return [self.authorities[text]]
        found = []
        for part in re.split(r"[\s、，,；;/]+|(?<=[部委局厅院])和", text):
            cid = self.authorities.get(part.strip())
            if cid and cid not in found:
                found.append(cid)
        if found:
            return found
        rest = text
        for label in sorted((a for a in self.authorities if len(a) >= 4), key=len, reverse=True):
            if label in rest:
                cid = self.authorities[label]
                if cid not in found:
                    found.append(cid)
                rest = rest.replace(label, "\u0000")
        return found


class _Instances:
    def __init__(self, model: _Model, documents: dict[str, Document], report: BuildReport) -> None:
        self.model, self.documents, self.report = model, documents, report
        self.quads: list[ox.Quad] = []
        self.by_number = {d.number.strip(): d.id for d in documents.values() if d.number}
        self.by_title = {_norm_title(d.title): d.id for d in documents.values() if d.title}
        self.clause_ids = {c.id for d in documents.values() for c in d.clauses}

    def add(self, s, p, o) -> None:
        if o is not None:
            self.quads.append(ox.Quad(s, p, o))

    def concept(self, cid: str) -> ox.NamedNode | None:
        return M(cid) if cid in self.model.concepts else None

    def topic(self, cid: str) -> ox.NamedNode | None:
        """What a clause can be about: a concept or a precedent case (both carry labels the tagger finds)."""
        return M(cid) if cid in self.model.concepts or cid in self.model.cases else None

    def resolve_document(self, target: str) -> str | None:
        target = target.strip()
        if target in self.documents:
            return target
        return self.by_number.get(target) or self.by_title.get(_norm_title(target))

    def document(self, d: Document) -> None:
        doc = N(ns.doc_iri(d.id))
        lang = d.language if d.language in ("zh", "en") else None
        add = self.add
        add(doc, A, M("Document"))
        add(doc, M("docId"), L(d.id))
        add(doc, M("title"), L(d.title, language=lang) if lang else L(d.title))
        if d.number:
            add(doc, M("docNumber"), L(d.number))
        if d.issuer:
            add(doc, M("issuerName"), L(d.issuer))
            issuers = self.model.issuers_of(d.issuer)
            for cid in issuers:
                add(doc, M("issuedBy"), M(cid))
            if not issuers:
                self.report.unmatched_issuers[d.id] = d.issuer
        add(doc, M("level"), self.concept("level_" + d.level))
        region = "CN" if d.region in ("CN", "", None) else normalize_province(d.region) or d.region
        add(doc, M("region"), M(self.model.regions[region]) if region in self.model.regions else None)
        add(doc, M("dateIssued"), _date(d.issued))
        add(doc, M("inForceFrom"), _date(d.in_force_from))
        add(doc, M("inForceUntil"), _date(d.in_force_until))
        add(doc, M("status"), self.concept("docstatus_" + d.status))
        add(doc, M("verified"), L("true" if d.verified else "false", datatype=XSD_BOOL))
        if d.source:
            add(doc, M("sourceNote"), L(d.source))
        if d.summary:
            add(doc, M("summary"), L(d.summary, language=lang) if lang else L(d.summary))
        for n, rel in enumerate(d.relations, 1):
            self.relation(doc, d, n, rel.type, rel.target, rel.note)
        for c in d.clauses:
            self.clause(doc, d, c, lang)
        self.report.documents += 1

    def relation(self, doc, d: Document, n: int, rtype: str, target: str, note: str) -> None:
        prop = {"based_on": "basedOn"}.get(rtype, rtype)
        target = target.strip()
        resolved = self.resolve_document(target)
        if resolved:
            node = N(ns.doc_iri(resolved))
        else:
            node = N(ns.WORK + hashlib.sha1(target.encode()).hexdigest()[:12])
            self.add(node, A, M("CitedWork"))
            if DOC_ID_RE.fullmatch(target):
                self.add(node, M("docId"), L(target))
            elif re.search(r"〔\d{4}〕|\[\d{4}\]|第\d+号|令第", target) and len(target) < 40:
                self.add(node, M("docNumber"), L(target))
            else:
                self.add(node, M("title"), L(target))
            self.report.unresolved_relations.append({"document": d.id, "type": rtype, "target": target})
        self.add(doc, M(prop), node)
        if note:
            rel = N(f"{ns.ID}relation/{d.id}/{n}")
            self.add(rel, A, M("DocumentRelation"))
            self.add(rel, M("relationFrom"), doc)
            self.add(rel, M("relationTo"), node)
            self.add(rel, M("relationType"), L(rtype))
            self.add(rel, M("relationNote"), L(note))

    def clause(self, doc, d: Document, c, lang) -> None:
        cl = N(ns.clause_iri(c.id))
        add = self.add
        add(cl, A, M("Clause"))
        add(cl, M("clauseId"), L(c.id))
        add(cl, M("path"), L(c.path))
        if c.heading:
            add(cl, M("heading"), L(c.heading))
        add(cl, M("text"), L(c.text, language=lang) if lang else L(c.text))
        add(cl, M("order"), L(str(c.order), datatype=XSD_INT))
        add(cl, M("inDocument"), doc)
        parent = N(ns.clause_iri(c.parent)) if c.parent else doc
        add(cl, M("partOf"), parent)
        add(parent, M("hasPart"), cl)
        add(cl, M("clauseType"), self.concept("clausetype_" + c.type))
        add(cl, M("status"), self.concept("docstatus_" + c.status))
        for cid in dict.fromkeys(c.concepts):
            node = self.topic(cid)
            if node is None:
                self.report.unknown_concepts.setdefault(cid, []).append(c.id)
                continue
            add(cl, M("isAbout"), node)
            self.report.concept_links += 1
        self.report.clauses += 1
        cls = PROVISION_CLASS.get(c.type)
        if cls:
            pv = N(ns.provision_iri(c.id))
            add(pv, A, M(cls))
            add(pv, N(ns.PROV + "wasDerivedFrom"), cl)
            add(pv, M("modality"), M("modality_" + modality_of(cls, c.text)))
            self.report.provisions += 1

    def model_links(self) -> None:
        """Resolve what the model names by text: principles' documents, facts' source clauses."""
        for principle, title, number in self.model.principle_sources:
            doc_id = (self.by_number.get(number) if number else None) or (
                self.by_title.get(_norm_title(title)) if title else None)
            if doc_id:
                self.add(principle, M("setBy"), N(ns.doc_iri(doc_id)))
            else:
                self.report.unresolved_principle_sources.append(ns.local_name(principle.value))
        for subject, cid in self.model.cites_clause:
            if cid in self.clause_ids:
                self.add(subject, N(ns.PROV + "wasDerivedFrom"), N(ns.clause_iri(cid)))
            else:
                self.report.unresolved_cites_clause.setdefault(ns.local_name(subject.value), []).append(cid)


def _write_nt(path: Path, quads: Iterable[ox.Quad]) -> int:
    """Write default-graph quads as N-Triples (an N-Quads line without a graph term is an N-Triples line)."""
    quads = list(quads)
    path.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    return len(quads)


def build_graph(gen_dir: Path, documents: dict[str, Document], progress: Progress | None = None,
                ontology_dir: Path = ONTOLOGY_DIR, rules_dir: Path = BUNDLED_RULES) -> BuildReport:
    """Write ``gen_dir/ontology/`` from the Turtle model and ``documents``; return what was built."""
    progress = progress or null_progress
    started = time.perf_counter()
    out = Path(gen_dir) / "ontology"
    if out.exists():
        shutil.rmtree(out)
    (out / "model").mkdir(parents=True)
    files = ttl_files(ontology_dir)
    progress("ontology", 0, len(documents) + 1, "model")
    for path in files + [ontology_dir / "shapes.ttl"]:
        if path.exists():
            dest = out / "model" / path.relative_to(ontology_dir)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
    model = _Model(files)
    report = BuildReport()
    report.triples_model = _write_nt(out / "model.nt", model.triples())
    inst = _Instances(model, documents, report)
    for i, doc_id in enumerate(sorted(documents), 1):
        inst.document(documents[doc_id])
        progress("ontology", i, len(documents) + 1, doc_id)
    inst.model_links()
    rule_quads_ = rule_quads(
        rules_dir, lambda f, v: model.contract_values.get((f, v)), model.concepts, inst.clause_ids,
        report.rule_problems, lambda r: model.regions.get(normalize_province(r) or r))
    report.rules = sum(1 for q in rule_quads_ if q.predicate.value == ns.MK + "ruleId")
    inst.quads.extend(rule_quads_)
    report.triples_instances = _write_nt(out / "instances.nt", inst.quads)
    report.seconds = round(time.perf_counter() - started, 3)
    (out / "report.json").write_text(json.dumps(asdict(report), ensure_ascii=False, indent=1), encoding="utf-8")
    progress("ontology", len(documents) + 1, len(documents) + 1, "done")
    return report
