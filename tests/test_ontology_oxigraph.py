"""Scale-out: the same graph and example queries through a real Oxigraph server on loopback."""
from __future__ import annotations

import pytest

from ontology.examples import example_queries
from ontology.graph import KnowledgeGraph
from tests.ontology_helpers import oxigraph_binary, oxigraph_server

pytestmark = pytest.mark.skipif(oxigraph_binary() is None, reason="the 'oxigraph' server package is not installed")


def _normalized(rows):
    return sorted(tuple(sorted((k, str(v)) for k, v in row.items())) for row in rows)


def test_every_example_query_answers_the_same_through_an_oxigraph_server(kb, tmp_path):
    local = kb.graph
    with oxigraph_server(tmp_path / "oxi") as url:
        remote = KnowledgeGraph.load(kb.gen_dir, store_url=url)
        assert len(remote) == len(local)
        for name, q in example_queries().items():
            assert _normalized(remote.query(q.sparql)) == _normalized(local.query(q.sparql)), name
        assert remote.query("ASK { ?d a mk:Document ; mk:title ?t . FILTER(CONTAINS(?t, '矿山')) }") is True
        # a second load of the same generation reuses what the server holds instead of re-uploading
        again = KnowledgeGraph.load(kb.gen_dir, store_url=url)
        assert len(again) == len(local)


def test_the_store_is_chosen_by_the_environment(kb, tmp_path, monkeypatch):
    with oxigraph_server(tmp_path / "oxi") as url:
        monkeypatch.setenv("MINEKB_GRAPH_STORE", url)
        graph = KnowledgeGraph.load(kb.gen_dir)
        assert type(graph.backend).__name__ == "RemoteBackend"
        assert {c.id for c in graph.cases()} == {c.id for c in kb.graph.cases()}
