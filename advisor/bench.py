"""``minekb bench advise``: batch throughput end to end, and the latency of one advice.

Throughput runs the real command, ``minekb advise FILE --jsonl|--compact|--csv``,
in a child process on a seeded random batch of valid profiles (every enum of
the contract drawn at random, fields left out at random so that the unknowns
path is exercised too), read from a JSON Lines or CSV file, and times it from
start to exit with the output written to a file: wall time, CPU time of the
command and its workers, and the peak memory of its largest process. With
``--per-mine`` each run is repeated on the per-mine reference path, for the
speed-up of the columnar path. Latency advises single profiles in-process and
reports p50 / p95.
"""
from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rules.schema import PROFILE_FIELDS, PROVINCES
from advisor.profile import NUMBER_BOUNDS

_PROVINCES = ["北京", "江西", "广东", "山东", "黑龙江", "贵州", "河南", "安徽", "甘肃", "浙江", "湖南", "河北"]


def synthetic_profile(rng: random.Random, i: int, keep: float = 0.8) -> dict[str, Any]:
    """One valid profile over the contract's vocabularies (each optional field kept with probability ``keep``)."""
    p: dict[str, Any] = {"id": f"B{i:06d}"}
    for name, spec in PROFILE_FIELDS.items():
        if name == "id" or rng.random() > keep:
            continue
        if name == "province":
            p[name] = rng.choice(_PROVINCES if rng.random() < 0.9 else list(PROVINCES))
        elif spec.kind == "str":
            p[name] = f"{spec.label_zh}{i % 97}"
        elif spec.kind == "enum":
            p[name] = rng.choice(spec.values)
        elif spec.kind == "list":
            p[name] = rng.sample(spec.values, rng.randint(0, min(3, len(spec.values))))
        elif spec.kind == "bool":
            p[name] = rng.random() < 0.5
        elif spec.kind == "number":
            hi = spec.maximum if spec.maximum is not None else 10 ** rng.randint(1, 6)
            hi = min(hi, NUMBER_BOUNDS.get(name, hi))  # within the profile's physical bounds
            p[name] = round(rng.uniform(0.1, hi), 1)
    return p


def write_batch(path: Path, n: int, seed: int) -> None:
    """A seeded batch as JSON Lines (``.jsonl``) or as CSV with the contract's field names (``.csv``)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        if path.suffix == ".csv":
            import csv

            fields = list(PROFILE_FIELDS)
            writer = csv.writer(fh)
            writer.writerow(fields)
            for i in range(n):
                p = synthetic_profile(rng, i)
                writer.writerow([";".join(v) if isinstance(v, list) else ("true" if v is True else "false")
                                 if isinstance(v, bool) else "" if v is None else v
                                 for v in (p.get(f) for f in fields)])
            return
        for i in range(n):
            fh.write(json.dumps(synthetic_profile(rng, i), ensure_ascii=False) + "\n")


def _run_advise(src: Path, dest: str | Path, workers: int, home: str, *flags: str) -> dict[str, float]:
    """Wall time, CPU time (the command and its workers) and peak memory (the largest of its processes) of
    ``minekb advise SRC FLAGS > DEST``, and its exit code."""
    cmd = [sys.executable, "-m", "minekb", "advise", str(src), *flags, "--workers", str(workers)]
    env = dict(os.environ, MINEKB_HOME=home)
    t0 = time.perf_counter()
    with open(dest, "wb") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.PIPE, env=env)
        with proc.stderr:   # type: ignore[union-attr]
            err = proc.stderr.read()   # type: ignore[union-attr]
        _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    code = proc.returncode = os.waitstatus_to_exitcode(status)   # reaped here: Popen must not wait again
    if code != 0:
        print(err.decode("utf-8", "replace")[-2000:], file=sys.stderr)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024, "code": code}


MODES = {  # output format -> flags of `minekb advise`
    "jsonl": ("--jsonl",),              # the full contract: every reason with its clauses' text
    "compact": ("--compact",),          # sources by clause id + one table of clauses
    "csv": ("--csv",),                  # the flat summary, one row a mine
}


def run_bench(args) -> int:
    import gc

    from minekb.kb import KnowledgeBase
    from minekb.progress import TerminalProgress

    kb = KnowledgeBase.open(progress=TerminalProgress())  # build once, outside the timings
    home = str(kb.home.path) if kb.home else os.environ.get("MINEKB_HOME", "")
    sizes = [int(x) for x in str(args.sizes or args.n).replace("，", ",").split(",") if x.strip()]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    bad = [m for m in modes if m not in MODES]
    if bad:
        print(f"bench advise: unknown mode {bad[0]!r}; use {', '.join(MODES)}", file=sys.stderr)
        return 2
    cores = os.cpu_count() or 1
    print(f"advise batch, end to end through `minekb advise` ({args.workers} workers, {cores} cores), "
          "start-up and knowledge-base load included, output written to a file:")
    with tempfile.TemporaryDirectory(prefix="minekb-bench-") as tmp:
        for n in sizes:
            src = Path(tmp) / f"mines-{n}.{args.input}"
            write_batch(src, n, args.seed)
            for mode in modes:
                runs = [("columnar", ())] + ([("per-mine", ("--per-mine",))] if args.per_mine else [])
                for path_name, extra in runs:
                    out = Path(tmp) / f"advice-{n}-{mode}"
                    r = _run_advise(src, out, args.workers, home, *MODES[mode], *extra)
                    if r["code"] not in (0,):
                        print(f"bench advise: `minekb advise` exited with {r['code']}", file=sys.stderr)
                        return 1
                    with out.open("rb") as fh:
                        lines = sum(1 for _ in fh)
                    expect = n + (1 if mode in ("csv", "compact") else 0)   # a header / the clause table
                    if lines != expect:
                        print(f"bench advise: expected {expect} lines of output, got {lines}", file=sys.stderr)
                        return 1
                    size_mb = out.stat().st_size / 1e6
                    out.unlink()
                    print(f"  {n:>7,} mines {args.input} -> {mode:<7} {path_name:<8}: {r['wall']:6.2f} s = "
                          f"{n / r['wall']:>6,.0f} mines/s; CPU {r['cpu'] / n * 1e3:.2f} ms a mine; "
                          f"output {size_mb:,.0f} MB ({size_mb * 1e3 / n:.1f} kB a mine); "
                          f"peak memory {r['rss_mb']:,.0f} MB")
            src.unlink()

    adv = kb.advisor
    rng = random.Random(args.seed + 1)
    profiles = [synthetic_profile(rng, i) for i in range(args.latency_n)]
    for p in profiles[:50]:
        adv.advise(p)  # warm caches (labels, sources)
    gc.collect()
    gc.freeze()  # as a long-running server does after loading: the loaded KB is never collected
    times, cpu_times = [], []
    for p in profiles:
        t, c = time.perf_counter(), time.thread_time()
        adv.advise(p)
        cpu_times.append((time.thread_time() - c) * 1000)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    cpu_times.sort()
    p50, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
    c50, c95 = statistics.median(cpu_times), cpu_times[int(0.95 * (len(cpu_times) - 1))]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    # the web batch page's and the API's path: one process, chunk by chunk by columns (advise_many)
    province = [synthetic_profile(rng, i) for i in range(args.web_n)]
    t, c = time.perf_counter(), time.process_time()
    advised = sum(1 for a in adv.advise_many(province) if "error" not in a)
    web_wall, web_cpu = time.perf_counter() - t, time.process_time() - c
    print(f"advise a province's {args.web_n:,} mines in-process (web batch page, advise_many): {web_wall:.2f} s "
          f"= {args.web_n / web_wall:,.0f} mines/s; CPU {web_cpu / args.web_n * 1e3:.2f} ms a mine; "
          f"{advised} advised")
    print(f"advise one mine in-process: p50 {p50:.2f} ms, p95 {p95:.2f} ms wall (target p95 <= 5 ms); "
          f"CPU p50 {c50:.2f} ms, p95 {c95:.2f} ms; over {len(times)} profiles")
    print(f"machine load average during the run: {load:.2f} on {cores} cores "
          f"(other processes share them: wall times grow with the load, CPU times do not)")
    return 0
