"""The knowledge-base facade: one object that opens every stage's built artifacts.

``KnowledgeBase.open()`` finds the live generation of ``MINEKB_HOME`` (building
it from the bundled knowledge on first use) and exposes each stage lazily, so
a command pays only for what it uses:

    kb = KnowledgeBase.open()
    kb.documents          # corpus:   dict doc_id -> corpus.model.Document
    kb.clause(cid)        # corpus:   (Document, Clause) or None
    kb.graph              # ontology: ontology.graph.KnowledgeGraph
    kb.ruleset            # rules:    rules.RuleSet (compiled, sources resolved)
    kb.advisor            # advisor:  advisor.Advisor
    kb.searcher           # search:   search.Searcher

Stage contracts this module calls (each implemented in its own package):

    corpus.store.load_documents(gen_dir) -> dict[str, Document]
    corpus.ingest.ingest_paths(gen_dir, paths, *, replace, terms, progress, strict) -> IngestReport
    ontology.labels.concept_terms() -> list[ontology.labels.Term]   # user dictionary
    ontology.build.build_graph(gen_dir, documents, progress)        # writes gen_dir/ontology/
    search.index.build_index(gen_dir, documents, progress)          # writes gen_dir/index/
"""
from __future__ import annotations

import importlib
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable

from corpus.model import Clause, Document
from minekb.home import DiscardGeneration, KnowledgeBaseHome
from minekb.progress import Progress, null_progress

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = REPO_ROOT / "corpus" / "bundled"
BUNDLED_RULES = REPO_ROOT / "rules" / "data"
ONTOLOGY_DIR = REPO_ROOT / "ontology"

# Derived artifacts rebuilt, in order, whenever the corpus of a generation changes.
# A registry: (name, "module:function"), each called as fn(gen_dir, documents, progress).
DERIVED_BUILDERS: list[tuple[str, str]] = [
    ("ontology", "ontology.build:build_graph"),
    ("search index", "search.index:build_index"),
]


def _resolve(spec: str):
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr)


def _stage_available(spec: str) -> bool:
    module = spec.partition(":")[0]
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return False
        raise
    return True


def concept_terms() -> list[Any]:
    """The ontology's labels and synonyms as a user dictionary (empty before the ontology exists)."""
    if not _stage_available("ontology.labels:concept_terms"):
        return []
    return list(_resolve("ontology.labels:concept_terms")())


def rebuild_derived(gen_dir: Path, progress: Progress | None = None) -> None:
    """Rebuild every derived artifact of ``gen_dir`` from its documents."""
    progress = progress or null_progress
    documents = _resolve("corpus.store:load_documents")(gen_dir)
    for name, spec in DERIVED_BUILDERS:
        if _stage_available(spec):
            _resolve(spec)(gen_dir, documents, progress)


def ingest(
    paths: Iterable[str | Path],
    home: KnowledgeBaseHome | None = None,
    *,
    replace: bool = False,
    progress: Progress | None = None,
    strict: bool = False,
) -> Any:
    """Ingest files into a new generation and make it live only when all is built.

    ``strict``: any reading warning fails the batch and nothing is ingested.
    """
    home = home or KnowledgeBaseHome()
    ensure_built(home, progress)
    with home.new_generation() as gen:
        report = _resolve("corpus.ingest:ingest_paths")(
            gen, list(paths), replace=replace, terms=concept_terms(), progress=progress, strict=strict
        )
        if not report.changed:  # keep the live generation rather than swap in an identical copy
            raise DiscardGeneration
        rebuild_derived(gen, progress)
    return report


BUNDLE_STAMP = "bundle.json"


def bundle_fingerprint() -> str:
    """A hash of the bundled knowledge a generation is built from (documents and Turtle).

    Stored in every generation; a home whose stamp differs from the checkout's
    bundled knowledge is refreshed on open, so an upgrade never serves rules
    against a stale corpus (a rule citing a clause the old build lacks would
    otherwise fail to load).
    """
    import hashlib

    from minekb import __version__

    digest = hashlib.sha256(__version__.encode())
    # The builders' own code counts too: a changed parser or index format must not
    # leave a generation its readers can no longer open (a pickled analyser, say).
    roots = (BUNDLED_CORPUS, ONTOLOGY_DIR, REPO_ROOT / "corpus", REPO_ROOT / "search")
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in (".md", ".yaml", ".yml", ".json", ".ttl", ".txt", ".py"):
                digest.update(f"{root.name}/{path.relative_to(root)}".encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _stamp(gen: Path) -> None:
    import json

    (gen / BUNDLE_STAMP).write_text(json.dumps({"bundle": bundle_fingerprint()}), encoding="utf-8")


def _is_fresh(gen: Path) -> bool:
    import json

    try:
        return json.loads((gen / BUNDLE_STAMP).read_text(encoding="utf-8")).get("bundle") == bundle_fingerprint()
    except (OSError, ValueError, AttributeError):
        return False


def build(home: KnowledgeBaseHome | None = None, progress: Progress | None = None,
          extra_paths: Iterable[str | Path] = ()) -> Path:
    """Build a fresh generation from the bundled corpus (plus ``extra_paths``) and make it live."""
    home = home or KnowledgeBaseHome()
    sources = [BUNDLED_CORPUS, *extra_paths]
    with home.new_generation(copy_current=False, wait=True) as gen:
        _resolve("corpus.ingest:ingest_paths")(
            gen, sources, replace=True, terms=concept_terms(), progress=progress
        )
        rebuild_derived(gen, progress)
        _stamp(gen)
    current = home.current()
    assert current is not None
    return current


def refresh_bundled(home: KnowledgeBaseHome, progress: Progress | None = None) -> Path:
    """Bring a home built from older bundled knowledge up to date, keeping what users ingested.

    Every bundled document is re-parsed (the parser may have changed too), bundled
    documents that no longer exist are removed, and the derived artifacts rebuilt — all in
    a new generation swapped in atomically like any ingest.
    """
    from corpus import store

    with home.new_generation(wait=True) as gen:
        if _is_fresh(gen):  # another process refreshed it while we waited for the lock
            raise DiscardGeneration
        manifest = store.load_manifest(gen)
        bundled_root = BUNDLED_CORPUS.resolve()
        for doc_id, entry in list(manifest.items()):
            origin = Path(entry.get("path") or "")
            if origin.is_absolute() and origin.resolve().is_relative_to(bundled_root):
                # re-parse every bundled document (the parser may have changed); drop the vanished
                store.remove_document(gen, doc_id)
                del manifest[doc_id]
        store.save_manifest(gen, manifest)
        _resolve("corpus.ingest:ingest_paths")(
            gen, [BUNDLED_CORPUS], replace=True, terms=concept_terms(), progress=progress
        )
        rebuild_derived(gen, progress)
        _stamp(gen)
    current = home.current()
    assert current is not None
    return current


def ensure_built(home: KnowledgeBaseHome, progress: Progress | None = None) -> Path:
    """The live generation, built on first use and refreshed when the bundled knowledge changed."""
    current = home.current()
    if current is None:
        return build(home, progress)
    if not _is_fresh(current):
        return refresh_bundled(home, progress)
    return current


class KnowledgeBase:
    """A read-only view of one generation of the knowledge base."""

    def __init__(self, gen_dir: Path, home: KnowledgeBaseHome | None = None) -> None:
        self.gen_dir = Path(gen_dir)
        self.home = home

    @classmethod
    def open(cls, home: str | Path | KnowledgeBaseHome | None = None, *, build_if_missing: bool = True,
             progress: Progress | None = None) -> "KnowledgeBase":
        if not isinstance(home, KnowledgeBaseHome):
            home = KnowledgeBaseHome(home)
        current = home.current()
        if current is None and not build_if_missing:
            raise FileNotFoundError(f"no knowledge base built in {home.path}; run any minekb command to build it")
        return cls(ensure_built(home, progress), home)

    # corpus -----------------------------------------------------------
    @cached_property
    def documents(self) -> dict[str, Document]:
        return _resolve("corpus.store:load_documents")(self.gen_dir)

    @cached_property
    def clauses(self) -> dict[str, tuple[Document, Clause]]:
        return {c.id: (d, c) for d in self.documents.values() for c in d.clauses}

    def clause(self, clause_id: str) -> tuple[Document, Clause] | None:
        return self.clauses.get(clause_id)

    # later stages (lazy) ----------------------------------------------
    @cached_property
    def graph(self) -> Any:
        return _resolve("ontology.graph:KnowledgeGraph").load(self.gen_dir)

    @cached_property
    def ruleset(self) -> Any:
        return _resolve("rules:load_ruleset")(BUNDLED_RULES, kb=self)

    @cached_property
    def advisor(self) -> Any:
        return _resolve("advisor:Advisor")(self)

    @cached_property
    def searcher(self) -> Any:
        return _resolve("search:Searcher")(self)
