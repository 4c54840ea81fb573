"""Labels of every concept in the Turtle sources: the user dictionary and the synonym table.

The corpus stage feeds ``concept_terms()`` to jieba (so 矿山公园 stays one word)
and to its concept tagger; search expands a query with the altLabels of the
concepts it names. Both run at every knowledge-base build, so the Turtle files
are parsed once per process with pyoxigraph (milliseconds) and re-parsed only
when a file under ``ontology/`` changes (mtime and size are checked on each call).

A *concept* here is any subject typed ``skos:Concept`` (including regions,
authorities, principles and the advice concepts of ``concepts/*.ttl``) or
``mk:Case``; classes and properties are not terms (their labels, such as
文件 or 条款, would only add noise to segmentation).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ontology.namespaces import MK, RDF, SKOS, local_name

ONTOLOGY_DIR = Path(__file__).resolve().parent
_TYPE = RDF + "type"
_TERM_TYPES = {SKOS + "Concept", MK + "Case"}
_LABEL_PROPS = {SKOS + "prefLabel": "pref", SKOS + "altLabel": "alt"}


class OntologySyntaxError(ValueError):
    """A Turtle source of the model does not parse; the message names the file and line."""


def parse_ttl(path: Path):
    """The quads of one Turtle file, or OntologySyntaxError naming the file and line."""
    try:
        return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except SyntaxError as exc:
        line = getattr(exc, "lineno", None)
        where = f"{path}:{line}" if line else str(path)
        raise OntologySyntaxError(f"{where}: Turtle syntax error: {str(exc).splitlines()[0]} "
                                  "(run `minekb ontology check` for details)") from None


@dataclass(frozen=True)
class Term:
    """One label of one concept: ``Term("矿山公园", "mine_park", "pref", "zh")``."""

    text: str
    concept: str      # concept id (local name in mk:), e.g. "mine_park"
    kind: str         # "pref" | "alt"
    lang: str         # "zh" | "en" | "" (no language tag)
    scheme: str = ""  # first concept scheme of the concept, e.g. "scheme_mineral" (lets a tagger skip
                      # schemes of generic words, such as the factor variables 区位 or 市场)


@dataclass
class ConceptLabels:
    id: str
    pref: dict[str, str] = field(default_factory=dict)
    alt: list[tuple[str, str]] = field(default_factory=list)      # (text, lang)
    definition: dict[str, str] = field(default_factory=dict)
    types: set[str] = field(default_factory=set)
    schemes: list[str] = field(default_factory=list)
    broader: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "zh": self.pref.get("zh", ""),
            "en": self.pref.get("en", ""),
            "alt": [t for t, _ in self.alt],
            "definition": self.definition.get("zh") or self.definition.get("en", ""),
            "definition_en": self.definition.get("en", ""),
            "schemes": list(self.schemes),
            "broader": list(self.broader),
        }


def ttl_files(root: Path = ONTOLOGY_DIR) -> list[Path]:
    """Every Turtle source of the model, in a stable order (shapes are not model data)."""
    return sorted(p for p in root.rglob("*.ttl") if p.name != "shapes.ttl")


class _Index:
    def __init__(self, concepts: dict[str, ConceptLabels]) -> None:
        self.concepts = concepts
        self.terms = [
            Term(text, c.id, kind, lang, c.schemes[0] if c.schemes else "")
            for c in concepts.values()
            for kind, pairs in (("pref", [(t, lang) for lang, t in c.pref.items()]), ("alt", c.alt))
            for text, lang in pairs
        ]
        self.by_label: dict[str, list[str]] = {}
        for t in self.terms:
            ids = self.by_label.setdefault(t.text.casefold(), [])
            if t.concept not in ids:
                ids.append(t.concept)


_lock = threading.Lock()
_cache: dict[Path, tuple[tuple, _Index]] = {}


def _signature(files: list[Path]) -> tuple:
    sig = []
    for p in files:
        st = p.stat()
        sig.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(sig)


def _parse(files: list[Path]) -> _Index:
    concepts: dict[str, ConceptLabels] = {}

    def get(iri: str) -> ConceptLabels:
        cid = local_name(iri)
        if cid not in concepts:
            concepts[cid] = ConceptLabels(cid)
        return concepts[cid]

    typed: set[str] = set()
    for path in files:
        for q in parse_ttl(path):
            s, p, o = q.subject, q.predicate.value, q.object
            if not isinstance(s, ox.NamedNode) or not s.value.startswith(MK):
                continue
            if p == _TYPE:
                get(s.value).types.add(o.value)
                if o.value in _TERM_TYPES:
                    typed.add(local_name(s.value))
            elif p in _LABEL_PROPS and isinstance(o, ox.Literal):
                c, lang = get(s.value), o.language or ""
                if _LABEL_PROPS[p] == "pref":
                    c.pref.setdefault(lang, o.value)
                elif (o.value, lang) not in c.alt:
                    c.alt.append((o.value, lang))
            elif p == SKOS + "definition" and isinstance(o, ox.Literal):
                get(s.value).definition.setdefault(o.language or "", o.value)
            elif p == SKOS + "inScheme" and isinstance(o, ox.NamedNode):
                get(s.value).schemes.append(local_name(o.value))
            elif p == SKOS + "broader" and isinstance(o, ox.NamedNode):
                get(s.value).broader.append(local_name(o.value))
    return _Index({cid: c for cid, c in concepts.items() if cid in typed})


def _index(root: Path = ONTOLOGY_DIR) -> _Index:
    files = ttl_files(root)
    sig = _signature(files)
    with _lock:
        hit = _cache.get(root)
        if hit and hit[0] == sig:
            return hit[1]
        index = _parse(files)
        _cache[root] = (sig, index)
        return index


def concept_terms(root: Path = ONTOLOGY_DIR) -> list[Term]:
    """Every prefLabel and altLabel of every concept in ``ontology/**/*.ttl``."""
    return list(_index(root).terms)


def labels(concept_id: str, root: Path = ONTOLOGY_DIR) -> dict:
    """``{"zh", "en", "alt", "definition", …}`` of a concept; KeyError names an unknown id."""
    cid = local_name(concept_id.removeprefix("mk:"))
    try:
        return _index(root).concepts[cid].as_dict()
    except KeyError:
        raise KeyError(f"unknown concept id {concept_id!r}: no skos:Concept mk:{cid} in {root}/**/*.ttl") from None


def concepts_by_label(text: str, root: Path = ONTOLOGY_DIR) -> list[str]:
    """All concept ids one of whose labels is ``text`` (case-insensitive), most specific first."""
    return list(_index(root).by_label.get(text.strip().casefold(), []))


def concept_by_label(text: str, root: Path = ONTOLOGY_DIR) -> str | None:
    """The concept whose label is ``text``, or None; a prefLabel match wins over an altLabel."""
    ids = concepts_by_label(text, root)
    if not ids:
        return None
    index = _index(root)
    for cid in ids:
        if text.strip() in index.concepts[cid].pref.values():
            return cid
    return ids[0]


def all_concepts(root: Path = ONTOLOGY_DIR) -> dict[str, ConceptLabels]:
    return dict(_index(root).concepts)
