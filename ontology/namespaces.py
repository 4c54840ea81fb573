"""IRIs of the minekb model and of the instances built from a corpus.

The model (classes, properties, concepts) lives in one namespace, ``mk:``; the
instances a build makes from documents live under ``https://w3id.org/minekb/id/``
so that re-building a corpus never mints an IRI in the model's namespace.
Document and clause ids are ASCII by construction (``corpus.model``), so the
instance IRIs are stable and readable.
"""
from __future__ import annotations

from urllib.parse import quote

MK = "https://w3id.org/minekb/ont#"
ID = "https://w3id.org/minekb/id/"
DOC = ID + "doc/"
CLAUSE = ID + "clause/"
PROVISION = ID + "provision/"
WORK = ID + "work/"          # a cited work that is not in the corpus (by title or 文号)

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
SH = "http://www.w3.org/ns/shacl#"

PREFIXES: dict[str, str] = {
    "mk": MK, "mkd": DOC, "mkc": CLAUSE, "mkp": PROVISION, "mkw": WORK,
    "skos": SKOS, "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "prov": PROV, "dcterms": DCTERMS,
}


def mk(local: str) -> str:
    return MK + local


def doc_iri(doc_id: str) -> str:
    return DOC + doc_id


def clause_iri(clause_id: str) -> str:
    """``cn-mnr-2019-6~pt_1`` -> ``…/id/clause/cn-mnr-2019-6/art_1``."""
    doc_id, _, path = clause_id.partition("~")
    return CLAUSE + doc_id + "/" + quote(path, safe="_-.")


def provision_iri(clause_id: str) -> str:
    doc_id, _, path = clause_id.partition("~")
    return PROVISION + doc_id + "/" + quote(path, safe="_-.")


def clause_id_of(iri: str) -> str | None:
    """Inverse of :func:`clause_iri` (None for any other IRI)."""
    for base in (CLAUSE, PROVISION):
        if iri.startswith(base):
            doc_id, _, path = iri[len(base):].partition("/")
            return f"{doc_id}~{path}"
    return None


def local_name(iri: str) -> str:
    """The concept id of an ``mk:`` IRI (the IRI itself for any other)."""
    return iri[len(MK):] if iri.startswith(MK) else iri


def compact(iri: str) -> str:
    """``https://w3id.org/minekb/ont#coal`` -> ``mk:coal`` (longest matching prefix)."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


def sparql_prologue(query: str) -> str:
    """PREFIX lines for every known prefix the query does not declare itself."""
    lowered = query.lower()
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if f"prefix {p}:" not in lowered]
    return "\n".join(lines) + "\n" if lines else ""
