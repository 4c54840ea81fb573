"""HermiT consistency of the model and vocabularies, through owlready2 (Java 17).

Only the Turtle model is reasoned over, never the instance data of a build:
HermiT takes seconds here but tens of seconds over thousands of clauses, and
the model holds no class defined by a data value (the measured cause of slow
reasoning). owlready2 has no Turtle reader, so rdflib converts the model to
RDF/XML in a temporary file first. owlready2's bundled Pellet needs a newer
Java than 17 and is not used.

When HermiT finds the model inconsistent it does not say why; this module then
looks for the usual cause, an individual typed with two disjoint classes, and
names it with its file and line.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ontology import namespaces as ns


def _disjoint_violations(files: list[Path]):
    """(individual, class A, class B) for individuals typed (via rdfs:subClassOf*) with disjoint classes."""
    import pyoxigraph as ox

    store = ox.Store()
    for p in files:
        store.load(path=str(p), format=ox.RdfFormat.TURTLE)
    q = ns.sparql_prologue("") + """SELECT DISTINCT ?x ?a ?b WHERE {
        ?a owl:disjointWith ?b . ?x rdf:type/rdfs:subClassOf* ?a . ?x rdf:type/rdfs:subClassOf* ?b }"""
    return [(r["x"].value, r["a"].value, r["b"].value) for r in store.query(q)]


def hermit_problems(files: list[Path], locate) -> list:
    from ontology.check import Problem

    java = shutil.which("java")
    if not java:
        return [Problem("inconsistent", "ontology", None, "", "cannot run HermiT: no 'java' on PATH",
                        "install Java 17 (scripts/setup does) or run the check with --no-reasoner", "warning")]
    import owlready2
    import rdflib

    owlready2.JAVA_EXE = java
    graph = rdflib.Graph()
    for path in files:
        graph.parse(str(path), format="turtle")
    # Module imports serve Protégé (through catalog-v001.xml); owlready2 would try to fetch them from the web.
    graph.remove((None, rdflib.OWL.imports, None))
    with tempfile.TemporaryDirectory(prefix="minekb-hermit-") as tmp:
        owl_file = Path(tmp) / "model.owl"
        graph.serialize(str(owl_file), format="xml")
        world = owlready2.World()
        onto = world.get_ontology(owl_file.as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            found = _disjoint_violations(files)
            if not found:
                return [Problem("inconsistent", "ontology", None, "", "HermiT finds the model inconsistent",
                                "undo the last edit and re-run; look for individuals typed with disjoint classes, "
                                "values outside a property's range, or functional properties with two values")]
            out = []
            for x, a, b in found:
                file, line = locate.find(x)
                out.append(Problem("inconsistent", file, line, ns.compact(x),
                                   f"is both a {ns.compact(a)} and a {ns.compact(b)}, which are disjoint, "
                                   "so HermiT finds the model inconsistent",
                                   "give the term one of the two types (or use a separate id for each)"))
            return out
        except owlready2.base.OwlReadyJavaError as exc:   # noqa: F841 - reported below
            return [Problem("inconsistent", "ontology", None, "", f"HermiT failed: {str(exc).splitlines()[-1][:200]}",
                            "check the Java installation (java -version should print 17 or newer)", "warning")]
        unsat = [c for c in world.inconsistent_classes() if c is not owlready2.Nothing]
        out = []
        for cls in unsat:
            file, line = locate.find(cls.iri)
            out.append(Problem("unsatisfiable-class", file, line, ns.compact(cls.iri),
                               "can have no members (it is a subclass of disjoint classes)",
                               "remove the rdfs:subClassOf or owl:disjointWith statement that contradicts the other"))
        return out
