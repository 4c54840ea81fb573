"""``minekb bench search``: ranking quality on the judged queries, and speed at scale.

Quality: every query of ``bench/search-judged.yaml`` (relevant clauses marked
by hand) is run through minekb's Searcher and through the SQLite FTS5 trigram
baseline (``search.baseline``) over the same clauses; P@5, MRR and nDCG@10 are
averaged over the queries. The knowledge base is built fresh in a temporary
folder from the bundled corpus plus the seed documents, so the clause ids the
judgements name are the ones being ranked.

Speed: the corpus is replicated under new ids to ``--scale`` clauses; both
engines build an index of it, and the judged queries are timed in-process
(p50/p95 over three rounds after a warm-up round).
"""
from __future__ import annotations

import math
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from minekb.cli import CLIError
from minekb.progress import TerminalProgress

REPO = Path(__file__).resolve().parent.parent
JUDGED = REPO / "bench" / "search-judged.yaml"
# Judged like JUDGED but never looked at while tuning: reported on its own line, so
# a change that only fits the main set shows up as a gap between the two.
HELDOUT = REPO / "bench" / "search-heldout.yaml"


# ------------------------------------------------------------------ metrics --
def precision_at(ranked: list[str], relevant: dict[str, int], k: int = 5) -> float:
    return sum(1 for c in ranked[:k] if c in relevant) / k


def capped_precision_at(ranked: list[str], relevant: dict[str, int], k: int = 5) -> float:
    """P@k divided by the best possible (a query with 2 relevant clauses can reach 1.0)."""
    return sum(1 for c in ranked[:k] if c in relevant) / min(k, len(relevant))


def reciprocal_rank(ranked: list[str], relevant: dict[str, int]) -> float:
    return next((1.0 / i for i, c in enumerate(ranked, 1) if c in relevant), 0.0)


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** relevant.get(c, 0) - 1) / math.log2(i + 1) for i, c in enumerate(ranked[:k], 1))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 1) for i, g in enumerate(ideal, 1))
    return dcg / idcg if idcg else 0.0


METRICS = {"P@5": precision_at, "P@5 (capped)": capped_precision_at, "MRR": reciprocal_rank,
           "nDCG@10": ndcg_at}


def load_judged(path: Path) -> list[dict[str, Any]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CLIError(f"judged query file not found: {path}") from None
    queries = data.get("queries") if isinstance(data, dict) else None
    if not isinstance(queries, list) or not queries:
        raise CLIError(f"{path}: expected a top-level 'queries:' list")
    out = []
    for i, q in enumerate(queries, 1):
        if not isinstance(q, dict) or not q.get("query") or not q.get("relevant"):
            raise CLIError(f"{path}: query #{i} needs 'query' and 'relevant'")
        rel = q["relevant"]
        relevant = {c: 1 for c in rel} if isinstance(rel, list) else {str(k): int(v) for k, v in rel.items()}
        out.append({"id": q.get("id", f"q{i}"), "query": str(q["query"]), "kind": q.get("kind", "plain"),
                    "relevant": relevant})
    return out


def evaluate(judged: list[dict[str, Any]], rank_fn) -> tuple[dict[str, float], list[dict[str, Any]]]:
    per_query = []
    for q in judged:
        ranked = rank_fn(q["query"])
        per_query.append({"id": q["id"], "query": q["query"], "kind": q["kind"],
                          **{name: fn(ranked, q["relevant"]) for name, fn in METRICS.items()}})
    means = {name: statistics.fmean(p[name] for p in per_query) for name in METRICS}
    return means, per_query


# ---------------------------------------------------------------------- kb --
def build_bench_kb(folder: Path, seeds: Path | None):
    from minekb.home import KnowledgeBaseHome
    from minekb.kb import KnowledgeBase, build

    home = KnowledgeBaseHome(folder)
    started = time.perf_counter()
    build(home, TerminalProgress(), extra_paths=[seeds] if seeds else [])
    seconds = time.perf_counter() - started
    return KnowledgeBase.open(home), seconds


def replicated_records(documents, target: int):
    """Clause records of the corpus copied under new ids (doc-r2, doc-r3 …) until ``target`` clauses."""
    from search.index import iter_records

    base = list(iter_records(documents))
    if not base:
        raise CLIError("the knowledge base has no clauses to replicate")
    n = 0
    copy = 0
    while n < target:
        for r in base:
            if n >= target:
                return
            if copy:
                r = dict(r)
                doc_id = f"{r['doc_id']}-r{copy}"
                r["clause_id"] = doc_id + "~" + r["clause_id"].split("~", 1)[1]
                r["doc_id"] = doc_id
            yield r
            n += 1
        copy += 1


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def latencies(fn, queries: list[str], rounds: int = 3, before=None) -> dict[str, float]:
    """p50/p95/max in ms over ``rounds`` after a warm-up; ``before`` runs untimed before each query."""
    for q in queries:
        fn(q)
    times = []
    for _ in range(rounds):
        for q in queries:
            if before:
                before()
            t = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))],
            "max_ms": times[-1]}


def scale_figures(kb, judged, target: int, work: Path, progress) -> dict[str, Any]:
    from search import Searcher
    from search.baseline import FTS5Baseline
    from search.index import term_snapshot, write_index
    from minekb.kb import concept_terms

    queries = [q["query"] for q in judged]
    out: dict[str, Any] = {"clauses": target}
    started = time.perf_counter()
    write_index(work / "index", replicated_records(kb.documents, target), term_snapshot(concept_terms()),
                progress, target)
    out["minekb_build_s"] = time.perf_counter() - started
    out["minekb_size_mb"] = folder_size(work / "index") / 1e6
    searcher = Searcher(work / "index")
    out["minekb"] = latencies(lambda q: searcher.search(q, limit=10), queries)
    out["minekb_no_facets"] = latencies(lambda q: searcher.search(q, limit=10, facets=False), queries)
    out["minekb_cold"] = latencies(lambda q: searcher.search(q, limit=10), queries, 1, searcher.engine.clear_cache)
    searcher.close()
    started = time.perf_counter()
    fts = FTS5Baseline(work / "fts5.db")
    fts.add(replicated_records(kb.documents, target))
    out["fts5_build_s"] = time.perf_counter() - started
    out["fts5_size_mb"] = (work / "fts5.db").stat().st_size / 1e6
    out["fts5"] = latencies(lambda q: fts.search(q, limit=10), queries)
    fts.close()
    return out


def run_bench(args) -> int:
    from search.baseline import FTS5Baseline
    from search.index import iter_records

    judged = load_judged(Path(args.judged) if args.judged else JUDGED)
    heldout_path = getattr(args, "heldout", None)
    heldout_path = Path(heldout_path) if heldout_path else (None if args.judged else HELDOUT)
    heldout = load_judged(heldout_path) if heldout_path and heldout_path.is_file() else []
    from minekb.shared import SEEDS_HELP, seeds_dir

    seeds = seeds_dir()
    progress = TerminalProgress()
    with tempfile.TemporaryDirectory(prefix="minekb-bench-search-") as tmp:
        work = Path(tmp)
        kb, kb_seconds = build_bench_kb(work / "home", seeds)
        missing = sorted({c for q in judged + heldout for c in q["relevant"] if kb.clause(c) is None})
        if missing and seeds is None and not args.judged:
            raise CLIError(f"the judged queries need the seed documents beside the bundled corpus "
                           f"({len(missing)} judged clauses are in them): {SEEDS_HELP}")
        if missing:
            raise CLIError(f"the judged set names {len(missing)} clause ids not in the knowledge base "
                           f"(first: {', '.join(missing[:5])}); re-judge against `minekb docs`/`minekb show`")
        searcher = kb.searcher
        mine, mine_q = evaluate(judged, lambda q: [h["clause_id"] for h in searcher.search(q, limit=10)["hits"]])
        fts = FTS5Baseline()
        fts.add(iter_records(kb.documents))
        base, base_q = evaluate(judged, lambda q: fts.search(q, limit=10))
        report: dict[str, Any] = {
            "queries": len(judged), "clauses": len(kb.clauses), "kb_build_s": kb_seconds,
            "index_build_s": searcher.meta.get("build_seconds"), "minekb": mine, "fts5": base,
            "small_latency": {"minekb": latencies(lambda q: searcher.search(q, limit=10), [q["query"] for q in judged]),
                              "fts5": latencies(lambda q: fts.search(q), [q["query"] for q in judged])},
        }
        if args.verbose:
            report["per_query"] = [{**m, "fts5": {k: b[k] for k in METRICS}} for m, b in zip(mine_q, base_q)]
        if heldout:
            h_mine, h_mine_q = evaluate(heldout, lambda q: [h["clause_id"] for h in searcher.search(q, limit=10)["hits"]])
            h_base, h_base_q = evaluate(heldout, lambda q: fts.search(q, limit=10))
            report["heldout"] = {"file": str(heldout_path), "queries": len(heldout), "minekb": h_mine, "fts5": h_base}
            if args.verbose:
                report["heldout"]["per_query"] = [{**m, "fts5": {k: b[k] for k in METRICS}}
                                                  for m, b in zip(h_mine_q, h_base_q)]
        if args.scale:
            report["scale"] = scale_figures(kb, judged, args.scale, work, progress)
    print_report(report, args.json)
    return 0


def print_per_query(rows: list[dict[str, Any]]) -> None:
    for q in rows:
        print(f"  {q['id']:5} {q['kind']:11} P@5 {q['P@5']:.2f} MRR {q['MRR']:.2f} nDCG {q['nDCG@10']:.2f} | "
              f"FTS5 {q['fts5']['P@5']:.2f} {q['fts5']['MRR']:.2f} {q['fts5']['nDCG@10']:.2f}  {q['query']}")


def print_report(report: dict[str, Any], as_json: bool) -> None:
    import json

    if as_json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(f"judged queries: {report['queries']} over {report['clauses']} clauses "
          f"(knowledge base built in {report['kb_build_s']:.1f} s, search index {report['index_build_s']} s)")
    print(f"{'':14}{'minekb':>10}{'FTS5':>10}")
    for name in METRICS:
        print(f"{name:14}{report['minekb'][name]:10.3f}{report['fts5'][name]:10.3f}")
    sl = report["small_latency"]
    print(f"latency on this KB: minekb p50 {sl['minekb']['p50_ms']:.1f} ms / p95 {sl['minekb']['p95_ms']:.1f} ms; "
          f"FTS5 p50 {sl['fts5']['p50_ms']:.1f} ms / p95 {sl['fts5']['p95_ms']:.1f} ms")
    print_per_query(report.get("per_query", []))
    h = report.get("heldout")
    if h:
        print(f"\nheld-out queries: {h['queries']} ({Path(h['file']).name}; never used for tuning)")
        print(f"{'':14}{'minekb':>10}{'FTS5':>10}")
        for name in METRICS:
            print(f"{name:14}{h['minekb'][name]:10.3f}{h['fts5'][name]:10.3f}")
        print_per_query(h.get("per_query", []))
    s = report.get("scale")
    if s:
        print(f"\nscale: {s['clauses']} clauses")
        print(f"  minekb (Whoosh): build {s['minekb_build_s']:.1f} s, {s['minekb_size_mb']:.1f} MB, "
              f"p50 {s['minekb']['p50_ms']:.1f} ms, p95 {s['minekb']['p95_ms']:.1f} ms (with facets); "
              f"p50 {s['minekb_no_facets']['p50_ms']:.1f} / p95 {s['minekb_no_facets']['p95_ms']:.1f} ms without; "
              f"posting cache emptied before every query: p50 {s['minekb_cold']['p50_ms']:.1f} / "
              f"p95 {s['minekb_cold']['p95_ms']:.1f} ms")
        print(f"  FTS5 trigram:    build {s['fts5_build_s']:.1f} s, {s['fts5_size_mb']:.1f} MB, "
              f"p50 {s['fts5']['p50_ms']:.1f} ms, p95 {s['fts5']['p95_ms']:.1f} ms")
