"""The knowledge graph of one generation: SPARQL, concepts, schemes, precedent cases, export.

``KnowledgeGraph.load(gen_dir)`` opens what ``ontology.build.build_graph`` wrote.
Every method is a SPARQL query over the same graph, so what the Python API
returns is exactly what ``minekb sparql`` shows. Rows are dicts of plain
Python values: IRIs as strings, numbers and booleans typed, dates as ISO text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ontology import namespaces as ns
from ontology.backends import Backend, GraphQueryError, Row, open_backend

__all__ = ["KnowledgeGraph", "Case", "Concept", "Scheme", "GraphQueryError", "EXPORT_FORMATS"]

EXPORT_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML,
                  "nt": ox.RdfFormat.N_TRIPLES}


@dataclass
class Case:
    """A precedent: a real mine and what it became, with its source."""

    id: str
    name_zh: str
    name_en: str
    place: str = ""
    province: str | None = None           # short name (江西) or None abroad
    country: str = "CN"
    # mineral, mining_method, terrain, heritage, location_zone hold mine-profile contract values (open_pit,
    # not the concept id terrain_open_pit), so a case compares directly with a profile.
    mineral: str | None = None
    mineral_note: str = ""
    mining_method: str | None = None
    terrain: list[str] = field(default_factory=list)
    heritage: list[str] = field(default_factory=list)
    location_zone: str | None = None
    became: list[str] = field(default_factory=list)       # utilization-model concept ids
    became_notes: list[str] = field(default_factory=list)  # models the vocabulary does not have (yet)
    utilization_zh: str = ""
    sources: list[str] = field(default_factory=list)       # clause ids (cited, or naming the case), then seed references


@dataclass
class Concept:
    id: str
    zh: str
    en: str
    alt: list[str]
    definition: str
    types: list[str]
    schemes: list[str]
    broader: list[str]
    narrower: list[str]
    clauses: list[str]            # ids of clauses about this concept
    sources: list[str]            # clauses the concept's facts are derived from


@dataclass
class Scheme:
    id: str
    zh: str
    en: str
    definition: str
    top: list[str]
    concepts: list[dict]          # {"id", "zh", "en", "broader"} in label order


def _cid(iri: str | None) -> str | None:
    return ns.local_name(iri) if iri else None


class KnowledgeGraph:
    def __init__(self, backend: Backend, gen_dir: Path) -> None:
        self.backend = backend
        self.gen_dir = Path(gen_dir)

    @classmethod
    def load(cls, gen_dir: str | Path, store_url: str | None = None) -> "KnowledgeGraph":
        """Open the graph of ``gen_dir``; ``store_url`` (or ``$MINEKB_GRAPH_STORE``) selects an Oxigraph server."""
        return cls(open_backend(Path(gen_dir), store_url), Path(gen_dir))

    # ------------------------------------------------------------------ SPARQL
    def query(self, sparql: str) -> list[Row] | bool:
        """Run a SELECT (rows) or ASK (bool); the usual prefixes (mk:, skos:, prov:, …) are predeclared."""
        return self.backend.select(sparql)

    def rows(self, sparql: str) -> list[Row]:
        result = self.query(sparql)
        if isinstance(result, bool):
            raise GraphQueryError("expected a SELECT query, got ASK")
        return result

    def __len__(self) -> int:
        return self.backend.triple_count()

    # ------------------------------------------------------------------ concepts
    def concept(self, concept_id: str) -> Concept:
        """Labels, definition, hierarchy and the clauses about one concept; KeyError if unknown."""
        cid = concept_id.removeprefix("mk:")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", cid):
            raise KeyError(f"not a concept id: {concept_id!r}")
        iri = f"<{ns.MK}{cid}>"
        rows = self.rows(f"""SELECT ?p ?o WHERE {{ {iri} ?p ?o .
            FILTER(?p IN (rdf:type, skos:prefLabel, skos:altLabel, skos:definition, skos:inScheme, skos:broader,
                          prov:wasDerivedFrom)) }}""")
        if not any(r["p"] == ns.RDF + "type" for r in rows):
            raise KeyError(f"unknown concept id {concept_id!r}: no mk:{cid} in the graph")
        pref: dict[str, str] = {}
        lang_rows = self.rows(f"SELECT ?l (LANG(?l) AS ?lang) WHERE {{ {iri} skos:prefLabel ?l }}")
        for r in lang_rows:
            pref.setdefault(r["lang"], r["l"])
        defs = self.rows(f"SELECT ?d (LANG(?d) AS ?lang) WHERE {{ {iri} skos:definition ?d }}")
        definition = next((r["d"] for r in defs if r["lang"] == "zh"), defs[0]["d"] if defs else "")

        def objs(p: str) -> list[str]:
            return [r["o"] for r in rows if r["p"] == p]

        narrower = self.rows(f"SELECT ?n WHERE {{ ?n skos:broader {iri} }} ORDER BY ?n")
        clauses = self.rows(f"SELECT ?id WHERE {{ ?c mk:isAbout {iri} ; mk:clauseId ?id ; mk:order ?o }} ORDER BY ?id")
        return Concept(
            id=cid, zh=pref.get("zh", ""), en=pref.get("en", ""),
            alt=objs(ns.SKOS + "altLabel"), definition=definition,
            types=[ns.compact(t) for t in objs(ns.RDF + "type")],
            schemes=[_cid(s) for s in objs(ns.SKOS + "inScheme")],
            broader=[_cid(b) for b in objs(ns.SKOS + "broader")],
            narrower=[_cid(r["n"]) for r in narrower],
            clauses=[r["id"] for r in clauses],
            sources=[ns.clause_id_of(s) or s for s in objs(ns.PROV + "wasDerivedFrom")],
        )

    def scheme(self, name: str) -> Scheme:
        """A concept scheme by id (``scheme_mineral``, ``UtilizationModels``) or by its zh/en label."""
        rows = self.rows(f"""SELECT ?s WHERE {{ ?s a skos:ConceptScheme .
            OPTIONAL {{ ?s skos:prefLabel ?l }}
            FILTER(?s = <{ns.MK}{re.sub(r'[^A-Za-z0-9_]', '', name.removeprefix('mk:'))}> || STR(?l) = {_lit(name)}) }}""")
        if not rows:
            known = [_cid(r["s"]) for r in self.rows("SELECT ?s WHERE { ?s a skos:ConceptScheme } ORDER BY ?s")]
            raise KeyError(f"unknown concept scheme {name!r}; known: {', '.join(known)}")
        iri = rows[0]["s"]
        head = self.rows(f"""SELECT ?zh ?en ?d WHERE {{
            OPTIONAL {{ <{iri}> skos:prefLabel ?zh FILTER(LANG(?zh) = "zh") }}
            OPTIONAL {{ <{iri}> skos:prefLabel ?en FILTER(LANG(?en) = "en") }}
            OPTIONAL {{ <{iri}> skos:definition ?d }} }} LIMIT 1""")[0]
        members = self.rows(f"""SELECT ?c ?zh ?en (GROUP_CONCAT(STR(?b); separator=" ") AS ?broader) ?top WHERE {{
            ?c skos:inScheme <{iri}> .
            OPTIONAL {{ ?c skos:prefLabel ?zh FILTER(LANG(?zh) = "zh") }}
            OPTIONAL {{ ?c skos:prefLabel ?en FILTER(LANG(?en) = "en") }}
            OPTIONAL {{ ?c skos:broader ?b }}
            BIND(EXISTS {{ {{ ?c skos:topConceptOf <{iri}> }} UNION {{ <{iri}> skos:hasTopConcept ?c }} }} AS ?top)
        }} GROUP BY ?c ?zh ?en ?top ORDER BY ?c""")
        concepts = [{"id": _cid(r["c"]), "zh": r["zh"] or "", "en": r["en"] or "",
                     "broader": [_cid(b) for b in (r["broader"] or "").split()]} for r in members]
        return Scheme(id=_cid(iri), zh=head["zh"] or "", en=head["en"] or "", definition=head["d"] or "",
                      top=[_cid(r["c"]) for r in members if r["top"]], concepts=concepts)

    def schemes(self) -> list[str]:
        return [_cid(r["s"]) for r in self.rows("SELECT ?s WHERE { ?s a skos:ConceptScheme } ORDER BY ?s")]

    # ------------------------------------------------------------------ cases
    @cached_property
    def _cases(self) -> list[Case]:
        rows = self.rows("""SELECT ?c ?p ?o WHERE { ?c a mk:Case ; ?p ?o } ORDER BY ?c""")
        by_case: dict[str, dict[str, list]] = {}
        for r in rows:
            by_case.setdefault(r["c"], {}).setdefault(r["p"], []).append(r["o"])
        langs = {(r["c"], r["lang"]): r["l"] for r in self.rows(
            "SELECT ?c ?l (LANG(?l) AS ?lang) WHERE { ?c a mk:Case ; skos:prefLabel ?l }")}
        provinces = {r["r"]: r["s"] for r in self.rows("SELECT ?r ?s WHERE { ?r a mk:Region ; mk:shortName ?s }")}
        contract = {r["c"]: r["v"] for r in self.rows("SELECT ?c ?v WHERE { ?c mk:contractValue ?v }")}
        naming: dict[str, list[str]] = {}
        for r in self.rows("SELECT ?k ?id WHERE { ?k a mk:Case . ?c mk:isAbout ?k ; mk:clauseId ?id } ORDER BY ?id"):
            naming.setdefault(r["k"], []).append(r["id"])

        def value(iri: str | None) -> str | None:
            return contract.get(iri, _cid(iri)) if iri else None
        cases = []
        for iri, props in by_case.items():
            def one(local: str) -> Any:
                vals = props.get(ns.MK + local, [])
                return vals[0] if vals else None

            def many(local: str) -> list:
                return sorted(props.get(ns.MK + local, []))

            region = one("region")
            cited = sorted(ns.clause_id_of(s) or s for s in props.get(ns.PROV + "wasDerivedFrom", []))
            sources = list(dict.fromkeys(cited + naming.get(iri, []))) + many("citesSeed")
            cases.append(Case(
                id=_cid(iri), name_zh=langs.get((iri, "zh"), ""), name_en=langs.get((iri, "en"), ""),
                place=one("place") or "", province=provinces.get(region) if region else None,
                country=one("country") or "CN", mineral=value(one("mineral")), mineral_note=one("mineralNote") or "",
                mining_method=value(one("miningMethod")), terrain=[value(t) for t in many("terrain")],
                heritage=[value(h) for h in many("heritage")], location_zone=value(one("locationZone")),
                became=[_cid(b) for b in many("became")], became_notes=many("becameNote"),
                utilization_zh=one("utilization") or "", sources=sources,
            ))
        return cases

    def cases(self) -> list[Case]:
        """Every precedent case of the model (``ontology/cases.ttl``), in id order."""
        return list(self._cases)

    # ------------------------------------------------------------------ export
    def modules(self) -> list[str]:
        """Exportable modules: each Turtle source of this generation (``vocab/mine``, ``cases`` …) and ``instances``."""
        root = self.gen_dir / "ontology" / "model"
        names = sorted(str(p.relative_to(root).with_suffix("")) for p in root.rglob("*.ttl"))
        return names + ["instances"]

    def export(self, format: str = "ttl", module: str | None = None) -> bytes:
        """The whole graph (model + instances) or one module, as Turtle, JSON-LD or RDF/XML."""
        if format not in EXPORT_FORMATS:
            raise ValueError(f"unknown export format {format!r}; use one of {', '.join(EXPORT_FORMATS)}")
        folder = self.gen_dir / "ontology"
        if module is None:
            sources = [(folder / "model.nt", ox.RdfFormat.N_TRIPLES), (folder / "instances.nt", ox.RdfFormat.N_TRIPLES)]
        elif module == "instances":
            sources = [(folder / "instances.nt", ox.RdfFormat.N_TRIPLES)]
        else:
            matches = [m for m in self.modules() if m == module or m.split("/")[-1] == module]
            if len(matches) != 1:
                raise ValueError(f"unknown module {module!r}; modules: {', '.join(self.modules())}")
            sources = [(folder / "model" / (matches[0] + ".ttl"), ox.RdfFormat.TURTLE)]
        triples = [ox.Triple(q.subject, q.predicate, q.object)
                   for path, fmt in sources for q in ox.parse(path=str(path), format=fmt)]
        prefixes = dict(ns.PREFIXES) if format == "ttl" else None
        return ox.serialize(triples, format=EXPORT_FORMATS[format], prefixes=prefixes) or b""


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
