"""``minekb bench advise``: batch throughput end to end, and the latency of one advice.

Throughput runs the real command, ``minekb advise FILE --jsonl``, in a child
process on a seeded random batch of valid profiles (every enum of the
contract drawn at random, fields left out at random so that the unknowns
path is exercised too) and times it from start to exit, output written.
Latency advises single profiles in-process and reports p50 / p95.
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
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps(synthetic_profile(rng, i), ensure_ascii=False) + "\n")


def _run_advise(src: Path, dest: str | Path, workers: int, home: str) -> tuple[float, float, int]:
    """Wall time and CPU time (all its processes) of `minekb advise SRC --jsonl > DEST`, and its exit code."""
    cmd = [sys.executable, "-m", "minekb", "advise", str(src), "--jsonl", "--workers", str(workers)]
    env = dict(os.environ, MINEKB_HOME=home)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(dest, "wb") as fh:
        proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        print(proc.stderr.decode("utf-8", "replace")[-2000:], file=sys.stderr)
    return wall, cpu, proc.returncode


def run_bench(args) -> int:
    import gc

    from minekb.kb import KnowledgeBase
    from minekb.progress import TerminalProgress

    kb = KnowledgeBase.open(progress=TerminalProgress())  # build once, outside the timings
    home = str(kb.home.path) if kb.home else os.environ.get("MINEKB_HOME", "")
    with tempfile.TemporaryDirectory(prefix="minekb-bench-") as tmp:
        src = Path(tmp) / "mines.jsonl"
        write_batch(src, args.n, args.seed)
        # 1) output discarded: the tool's own throughput; 2) output to a file on this disk.
        wall_null, cpu_null, rc = _run_advise(src, os.devnull, args.workers, home)
        if rc != 0:
            print(f"bench advise: `minekb advise` exited with {rc}", file=sys.stderr)
            return 1
        out = Path(tmp) / "advice.jsonl"
        wall_file, cpu_file, rc = _run_advise(src, out, args.workers, home)
        if rc != 0:
            print(f"bench advise: `minekb advise` exited with {rc}", file=sys.stderr)
            return 1
        with out.open("rb") as fh:
            lines = sum(1 for _ in fh)
        size_mb = out.stat().st_size / 1e6
    if lines != args.n:
        print(f"bench advise: expected {args.n} advices, got {lines}", file=sys.stderr)
        return 1

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
    print(f"advise batch: {args.n} mines end to end through `minekb advise --jsonl` ({args.workers} workers), "
          f"including start-up and knowledge-base load:")
    cores = os.cpu_count() or 1
    print(f"  output discarded: {wall_null:.2f} s = {args.n / wall_null:,.0f} mines/s (target >= 1,650); "
          f"CPU {cpu_null:.1f} s = {cpu_null / args.n * 1e3:.2f} ms a mine, "
          f"{args.n / (cpu_null / min(cores, args.workers + 1)):,.0f} mines/s on {min(cores, args.workers + 1)} "
          f"uncontended cores")
    print(f"  output to a file: {wall_file:.2f} s = {args.n / wall_file:,.0f} mines/s; CPU {cpu_file:.1f} s "
          f"({size_mb:,.0f} MB, {size_mb * 1e3 / args.n:.1f} kB a mine)")
    print(f"advise one mine in-process: p50 {p50:.2f} ms, p95 {p95:.2f} ms wall (target p95 <= 5 ms); "
          f"CPU p50 {c50:.2f} ms, p95 {c95:.2f} ms; over {len(times)} profiles")
    print(f"machine load average during the run: {load:.2f} on {cores} cores "
          f"(other processes share them: wall times grow with the load, CPU times do not)")
    return 0
