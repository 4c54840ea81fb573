"""The ontology stage: an OWL/SKOS model of mine-restoration policy, built into a queryable graph.

Sources researchers edit (Turtle, under this folder): ``schema.ttl`` (classes and
properties), ``vocab/*.ttl`` (controlled vocabularies), ``cases.ttl`` (precedent
cases), ``concepts/*.ttl`` (advice concepts, owned by the rules stage) and
``shapes.ttl`` (SHACL). ``ontology.build`` turns a corpus into instance data,
``ontology.graph.KnowledgeGraph`` queries it, ``ontology.labels`` serves the
labels as a user dictionary. See docs/ontology.md.
"""
