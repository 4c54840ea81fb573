"""``minekb bench kb``: how long a whole knowledge-base build takes, and how fast the example queries answer.

The figures the issue sets: a build of the bundled corpus plus the five seeds
in ≤ 10 s (corpus, ontology and search stages together), and each example
query ≤ 50 ms at the median. The build runs in a temporary MINEKB_HOME, so the
user's knowledge base is never touched.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path


def default_seeds() -> Path | None:
    from minekb.shared import seeds_dir

    return seeds_dir()


class _StageTimer:
    """A progress callback that records when each stage starts and finishes."""

    def __init__(self) -> None:
        self.first: dict[str, float] = {}
        self.last: dict[str, float] = {}

    def __call__(self, stage: str, done: int, total: int | None, detail: str = "") -> None:
        now = time.perf_counter()
        self.first.setdefault(stage, now)
        self.last[stage] = now

    def seconds(self) -> dict[str, float]:
        return {s: round(self.last[s] - self.first[s], 3) for s in self.first}


def bench_kb(seeds: Path | None, repeat: int = 30) -> dict:
    from minekb.home import KnowledgeBaseHome
    from minekb.kb import KnowledgeBase, build
    from ontology.examples import example_queries

    extra = [p for p in sorted(seeds.iterdir()) if p.suffix in (".txt", ".md", ".pdf", ".docx")
             and p.name.lower() != "readme.md"] if seeds else []
    with tempfile.TemporaryDirectory(prefix="minekb-bench-") as tmp:
        home = KnowledgeBaseHome(Path(tmp) / "home")
        timer = _StageTimer()
        started = time.perf_counter()
        build(home, progress=timer, extra_paths=extra)
        build_seconds = time.perf_counter() - started
        kb = KnowledgeBase.open(home)
        report_path = kb.gen_dir / "ontology" / "report.json"
        import json

        onto = json.loads(report_path.read_text(encoding="utf-8"))
        started = time.perf_counter()
        graph = kb.graph
        load_seconds = time.perf_counter() - started
        queries = {}
        for name, q in example_queries().items():
            times = []
            rows = graph.query(q.sparql)
            for _ in range(repeat):
                t = time.perf_counter()
                graph.query(q.sparql)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            queries[name] = {"rows": len(rows) if isinstance(rows, list) else int(rows),
                             "median_ms": round(statistics.median(times), 2),
                             "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2)}
        return {
            "documents": len(kb.documents), "clauses": len(kb.clauses), "seed_files": len(extra),
            "build_seconds": round(build_seconds, 2), "stage_seconds": timer.seconds(),
            "ontology_build_seconds": onto["seconds"], "triples": onto["triples_model"] + onto["triples_instances"],
            "graph_load_seconds": round(load_seconds, 3), "queries": queries,
            "targets": {"build_seconds": 10, "query_median_ms": 50},
        }


def format_report(r: dict) -> str:
    lines = [
        f"knowledge base: {r['documents']} documents ({r['seed_files']} seed files), {r['clauses']} clauses, "
        f"{r['triples']:,} triples",
        f"build: {r['build_seconds']:.2f} s (target ≤ {r['targets']['build_seconds']} s); "
        f"ontology stage {r['ontology_build_seconds']:.2f} s; graph load {r['graph_load_seconds'] * 1000:.0f} ms",
        "stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in r["stage_seconds"].items()),
        f"example queries (median / p95, target median ≤ {r['targets']['query_median_ms']} ms):",
    ]
    for name, q in r["queries"].items():
        lines.append(f"  {name:32s} {q['median_ms']:7.2f} ms / {q['p95_ms']:7.2f} ms  {q['rows']} rows")
    return "\n".join(lines)
