"""``minekb bench ingest``: the corpus pipeline's throughput against raw ``jieba.lcut``.

Both run on the same texts in the same process, after jieba and spaCy are
loaded (start-up is reported separately); each figure is the best of
``repeat`` interleaved passes, since the machine is shared. The pipeline
segments with rjieba when installed (same dictionary and algorithm as jieba),
which is why it can be faster than raw ``jieba.lcut``.
File reading is excluded; parsing (cleaning, metadata, clause tree) and
annotation (spaCy Doc, mentions, concepts, typing, citation linking) are in.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Iterable

from corpus.ingest import expand_paths
from corpus.loaders import LoadError, load_file


def seeds_dir() -> Path | None:
    """The seed texts ($MINEKB_SEEDS, $MINEKB_SHARED/seeds, or beside the checkout: minekb/shared.py), or None."""
    from minekb.shared import seeds_dir as _seeds_dir

    return _seeds_dir()


def default_paths() -> list[Path]:
    from minekb.kb import BUNDLED_CORPUS

    return [p for p in (BUNDLED_CORPUS, seeds_dir()) if p is not None and p.is_dir()]


def run_ingest_bench(paths: Iterable[str | Path] = (), repeat: int = 3) -> dict:
    from corpus.annotate import Annotator, get_nlp
    from corpus.citations import link_citations
    from corpus.lexicon import jieba_module
    from corpus.parse import parse_document
    from minekb.kb import concept_terms

    files, _ = expand_paths(list(paths) or default_paths())
    loaded = []
    for path in files:
        try:
            loaded.append(load_file(path))
        except LoadError:
            continue
    if not loaded:
        raise ValueError("no readable files to measure")
    t0 = time.perf_counter()
    jieba = jieba_module()
    get_nlp()
    annotator = Annotator(concept_terms())
    startup = time.perf_counter() - t0
    chars = sum(len(item.text) for item in loaded)

    # best of ``repeat`` passes for each measurement, interleaved: the machine is shared and noisy
    parse_s = annotate_s = jieba_s = float("inf")
    clauses = 0
    for _ in range(repeat):
        t = time.perf_counter()
        documents = [parse_document(item) for item in loaded]
        parse_s = min(parse_s, time.perf_counter() - t)
        t = time.perf_counter()
        for document in documents:
            annotator.annotate(document)
        link_citations({d.id: d for d in documents}, {})
        annotate_s = min(annotate_s, time.perf_counter() - t)
        clauses = sum(len(d.clauses) for d in documents)
        t = time.perf_counter()
        for item in loaded:
            jieba.lcut(item.text)
        jieba_s = min(jieba_s, time.perf_counter() - t)

    total = chars
    pipeline_rate = total / (parse_s + annotate_s)
    jieba_rate = total / jieba_s
    return {
        "files": len(loaded), "chars": chars, "clauses": clauses, "repeat": repeat,
        "startup_s": round(startup, 3), "segmenter": annotator.segmenter_name,
        "jieba_chars_per_s": round(jieba_rate), "pipeline_chars_per_s": round(pipeline_rate),
        "parse_chars_per_s": round(total / parse_s), "annotate_chars_per_s": round(total / annotate_s),
        "ratio": round(pipeline_rate / jieba_rate, 3),
    }
