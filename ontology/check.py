"""``minekb ontology check``: find what a researcher's edit broke, and say where and what to do.

Checks, in order (a Turtle syntax error stops the rest, since nothing after it
can be trusted):

1. **syntax** — each ``ontology/**/*.ttl`` parses as Turtle (file and line of the error);
2. **vocabulary** — closed-world checks of the ``mk:`` namespace: a class used in
   ``a mk:Foo`` must be declared ``owl:Class``; a predicate ``mk:bar`` must be a
   declared property; every ``mk:`` term used as an object must be defined
   somewhere (a typo makes a *dangling reference*); every ``mk:`` subject must be
   typed; every class and property has one ``skos:prefLabel`` per language and a
   definition; every ``mk:citesClause`` resolves to a clause of the knowledge base;
3. **shapes** — the SHACL shapes of ``shapes.ttl`` (pyshacl) over the model and,
   when a built generation is given, over its instance data (documents,
   clauses, provisions derived from existing clauses, rules citing clauses);
4. **consistency** — HermiT (owlready2, Java) over the model and vocabularies
   only; see ``ontology.reasoner``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from ontology import namespaces as ns
from ontology.labels import ONTOLOGY_DIR, ttl_files

OWL_PROPERTY_TYPES = {ns.OWL + t for t in ("ObjectProperty", "DatatypeProperty", "AnnotationProperty")}
_TYPE = ns.RDF + "type"


@dataclass(frozen=True)
class Problem:
    """One failure: where (file, line), which term, what is wrong, what to do."""

    kind: str          # syntax | undefined-class | undefined-property | dangling-reference | untyped-term |
                       # label | unresolved-clause | module | shacl | inconsistent | unsatisfiable-class
    file: str
    line: int | None
    term: str
    message: str
    fix: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        term = f" {self.term}:" if self.term else ""
        return f"{where}: [{self.kind}]{term} {self.message} — {self.fix}"


class _Locator:
    """Finds the file and line where a term is written (its definition first, else its first use)."""

    def __init__(self, files: list[Path], root: Path) -> None:
        self.texts = {p: p.read_text(encoding="utf-8").splitlines() for p in files}
        self.root = root

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def find(self, iri: str, files: Iterable[Path] | None = None) -> tuple[str, int | None]:
        local = ns.local_name(iri)
        patterns = [re.compile(rf"^(mk:{re.escape(local)}|<{re.escape(iri)}>)(?![\w-])"),
                    re.compile(rf"(mk:{re.escape(local)}|<{re.escape(iri)}>)(?![\w-])")]
        if iri.startswith(ns.CLAUSE) or iri.startswith(ns.PROVISION) or iri.startswith(ns.DOC):
            return ("instances (built from the corpus)", None)
        for pattern in patterns:
            for path in files or self.texts:
                for i, line in enumerate(self.texts.get(path, []), 1):
                    if pattern.search(line):
                        return self.rel(path), i
        return ("ontology", None)


def check_syntax(files: list[Path], locate: _Locator) -> list[Problem]:
    problems = []
    for path in files:
        try:
            for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
                pass
        except SyntaxError as exc:
            msg = str(exc).split("\n")[0]
            problems.append(Problem("syntax", locate.rel(path), getattr(exc, "lineno", None), "",
                                    f"Turtle syntax error: {msg}",
                                    "fix the statement at that line: each statement ends with ' .', "
                                    "repeated predicates are separated by ' ;', prefixed names need a declared @prefix"))
    return problems


def _triples(files: list[Path]) -> list[tuple[Path, ox.Triple]]:
    return [(p, ox.Triple(q.subject, q.predicate, q.object))
            for p in files for q in ox.parse(path=str(p), format=ox.RdfFormat.TURTLE)]


def check_vocabulary(files: list[Path], locate: _Locator, clause_ids: set[str] | None) -> list[Problem]:
    triples = _triples(files)
    typed: dict[str, set[str]] = {}
    for _, t in triples:
        if t.predicate.value == _TYPE and isinstance(t.subject, ox.NamedNode):
            typed.setdefault(t.subject.value, set()).add(t.object.value)
    classes = {s for s, ts in typed.items() if ns.OWL + "Class" in ts}
    properties = {s for s, ts in typed.items() if ts & OWL_PROPERTY_TYPES}
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()

    def report(kind: str, iri: str, message: str, fix: str, path: Path | None = None) -> None:
        if (kind, iri) in seen:
            return
        seen.add((kind, iri))
        file, line = locate.find(iri, [path] if path else None)
        problems.append(Problem(kind, file, line, ns.compact(iri), message, fix))

    labels: dict[str, dict[str, list[str]]] = {}
    for path, t in triples:
        s, p, o = t.subject, t.predicate.value, t.object
        if p.startswith(ns.MK) and p not in properties:
            report("undefined-property", p, "is used as a property but not declared in schema.ttl",
                   "declare it (mk:x a owl:ObjectProperty or owl:DatatypeProperty, with labels and a definition) "
                   "or correct the spelling of an existing property", path)
        if p == _TYPE and o.value.startswith(ns.MK) and o.value not in classes:
            report("undefined-class", o.value, "is used as a class (a mk:…) but not declared as owl:Class",
                   "declare the class in schema.ttl or correct the spelling (classes are CamelCase, e.g. mk:Case)", path)
        elif isinstance(o, ox.NamedNode) and o.value.startswith(ns.MK) and o.value not in typed and p != _TYPE:
            report("dangling-reference", o.value, f"is referenced (by {ns.compact(s.value)} {ns.compact(p)}) but "
                   "defined nowhere under ontology/", "correct the id or define the concept in its scheme file", path)
        if isinstance(s, ox.NamedNode) and s.value.startswith(ns.MK) and s.value not in typed:
            report("untyped-term", s.value, "has statements but no rdf:type anywhere (often a misspelt id)",
                   "correct the id to an existing term, or declare it (a skos:Concept in a scheme, a class, a property)", path)
        if p in (ns.SKOS + "prefLabel", ns.SKOS + "definition") and isinstance(s, ox.NamedNode):
            entry = labels.setdefault(s.value, {})
            entry.setdefault(p + "@" + (o.language or ""), []).append(o.value)
        if p == ns.MK + "citesClause" and clause_ids is not None and o.value not in clause_ids:
            report("unresolved-clause", s.value, f"cites clause {o.value!r}, which is not in the knowledge base",
                   "use an existing clause id '<doc_id>~<path>' (see `minekb search` or the corpus)", path)
    for iri in sorted(classes | properties):
        if not iri.startswith(ns.MK):
            continue
        entry = labels.get(iri, {})
        for lang in ("zh", "en"):
            n = len(entry.get(ns.SKOS + "prefLabel@" + lang, []))
            if n != 1:
                report("label", iri, f"has {n} skos:prefLabel@{lang} (exactly one is required)",
                       f"give the term exactly one skos:prefLabel \"…\"@{lang}")
        if not any(k.startswith(ns.SKOS + "definition") for k in entry):
            report("label", iri + "#definition", "has no skos:definition",
                   "add skos:definition \"…\"@zh saying what the term means")
    return problems


def _shacl(data_nt: bytes, shapes: Path, locate: _Locator, label: str, only: str = "") -> list[Problem]:
    import rdflib
    from pyshacl import validate

    data = rdflib.Graph()
    data.parse(data=data_nt, format="nt")
    shapes_graph = rdflib.Graph().parse(str(shapes), format="turtle")
    conforms, results, _ = validate(data, shacl_graph=shapes_graph, inference="none", advanced=False,
                                    allow_warnings=True)
    if conforms:
        return []
    SH = rdflib.Namespace(ns.SH)
    # Shapes declared at top level (named node shapes and their property shapes); a result from a shape nested in
    # sh:node repeats the outer result with the value as focus, which would point the reader at the wrong term.
    top = {s for s in shapes_graph.subjects(rdflib.RDF.type, SH.NodeShape) if isinstance(s, rdflib.URIRef)}
    top |= {o for s in top for o in shapes_graph.objects(s, SH.property)}
    problems = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        if results.value(result, SH.sourceShape) not in top:
            continue
        focus = str(results.value(result, SH.focusNode))
        if only and not focus.startswith(only):
            continue
        path = results.value(result, SH.resultPath)
        msg = str(results.value(result, SH.resultMessage) or "violates a shape")
        value = results.value(result, SH.value)
        file, line = locate.find(focus)
        detail = f" (value {value})" if value is not None else ""
        where = f" on {ns.compact(str(path))}" if path is not None else ""
        problems.append(Problem("shacl", file if label == "model" else f"{label}: {file}", line,
                                ns.clause_id_of(focus) or ns.compact(focus),
                                f"{msg}{where}{detail}", "add or correct the statement the shape asks for"))
    return sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.term, p.message))


def check_shapes(files: list[Path], shapes: Path, locate: _Locator, gen_dir: Path | None) -> list[Problem]:
    if not shapes.exists():
        return [Problem("shacl", locate.rel(shapes), None, "", "shapes.ttl is missing", "restore ontology/shapes.ttl")]
    model = [t for _, t in _triples(files)]
    nt = ox.serialize(model, format=ox.RdfFormat.N_TRIPLES) or b""
    problems = _shacl(nt, shapes, locate, "model")
    if gen_dir is not None:
        folder = Path(gen_dir) / "ontology"
        inst = (folder / "instances.nt").read_bytes() if (folder / "instances.nt").exists() else b""
        problems += _shacl(nt + b"\n" + inst, shapes, locate, "instances", only=ns.ID)
    return problems


def check_modules(files: list[Path], root: Path, locate: _Locator) -> list[Problem]:
    """Warnings for Protégé: each module declares an owl:Ontology that ``minekb.ttl`` imports via the catalog."""
    catalog = root / "catalog-v001.xml"
    mapped = dict(re.findall(r'<uri name="([^"]+)" uri="([^"]+)"/>', catalog.read_text(encoding="utf-8"))) \
        if catalog.exists() else {}
    by_file = {v: k for k, v in mapped.items()}
    problems = []
    for path in files:
        rel = str(path.relative_to(root))
        if rel == "minekb.ttl":
            continue
        declared = [q.subject.value for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
                    if q.predicate.value == _TYPE and q.object.value == ns.OWL + "Ontology"]
        if not declared:
            iri = "https://w3id.org/minekb/ont/" + rel.removesuffix(".ttl")
            problems.append(Problem("module", locate.rel(path), 1, "", "declares no owl:Ontology, so Protégé opens it "
                                    "as an anonymous ontology without the schema's declarations",
                                    f"add '<{iri}> a owl:Ontology ; owl:imports <https://w3id.org/minekb/ont> .' "
                                    "after the prefixes", "warning"))
        elif rel not in by_file:
            problems.append(Problem("module", locate.rel(path), 1, "", "is not mapped in catalog-v001.xml, so "
                                    "minekb.ttl cannot import it in Protégé",
                                    f"add <uri name=\"{declared[0]}\" uri=\"{rel}\"/> to ontology/catalog-v001.xml "
                                    "and the import to ontology/minekb.ttl", "warning"))
    return problems


def check_ontology(ontology_dir: Path = ONTOLOGY_DIR, *, gen_dir: Path | None = None,
                   clause_ids: set[str] | None = None, reasoner: bool = True) -> list[Problem]:
    """Every problem of the Turtle model under ``ontology_dir`` (empty list: all checks pass)."""
    ontology_dir = Path(ontology_dir)
    files = ttl_files(ontology_dir)
    locate = _Locator(files, ontology_dir)
    problems = check_syntax(files, locate)
    if problems:
        return problems
    problems += check_vocabulary(files, locate, clause_ids)
    problems += check_modules(files, ontology_dir, locate)
    problems += check_shapes(files, ontology_dir / "shapes.ttl", locate, gen_dir)
    if reasoner:
        from ontology.reasoner import hermit_problems

        problems += hermit_problems(files, locate)
    return problems
