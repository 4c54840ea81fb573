"""Batch advice on Dask: the advisor is a pure function of a profile.

A national inventory (≈99,000 mines, seed 000) or millions of mines split
into partitions; each worker process opens the same read-only knowledge base
(``MINEKB_HOME``) once and advises its partitions. On one machine this runs
with Dask's local process pool; on a cluster the same ``advise_partition``
runs under ``dask.distributed`` workers that mount the knowledge-base folder
read-only (see docs/scaling.md).

    .venv/bin/python bench/dask_advise.py --mines 20000 --workers 2

prints mines per second and checks that the results equal in-process advice
for a sample.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

_KB = None


def _advisor():
    """One knowledge base per worker process, opened on first use."""
    global _KB
    if _KB is None:
        from minekb.kb import KnowledgeBase

        _KB = KnowledgeBase.open()
    return _KB.advisor


def advise_partition(profiles: list[dict]) -> list[dict]:
    """Advise one partition; bad records become error objects, never exceptions."""
    from advisor.profile import ProfileError

    advisor = _advisor()
    out = []
    for profile in profiles:
        try:
            out.append(advisor.advise(profile))
        except ProfileError as err:
            out.append({"mine_id": profile.get("id"), "error": str(err), "details": err.details})
    return out


def run(n: int, workers: int, partitions: int, seed: int = 11) -> dict:
    import dask.bag as db

    from advisor.bench import synthetic_profile
    from minekb.kb import KnowledgeBase

    KnowledgeBase.open()  # build outside the timing if this home is new
    rng = random.Random(seed)
    profiles = [synthetic_profile(rng, i) for i in range(n)]
    bag = db.from_sequence(profiles, npartitions=partitions)
    started = time.perf_counter()
    results = bag.map_partitions(advise_partition).compute(scheduler="processes", num_workers=workers)
    elapsed = time.perf_counter() - started
    return {"mines": n, "workers": workers, "partitions": partitions, "seconds": elapsed,
            "mines_per_second": n / elapsed, "results": results, "profiles": profiles}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mines", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partitions", type=int, default=16)
    args = parser.parse_args(argv)
    res = run(args.mines, args.workers, args.partitions)
    advisor = _advisor()
    sample = random.Random(3).sample(range(args.mines), min(50, args.mines))
    same = sum(json.dumps(advisor.advise(res["profiles"][i]), sort_keys=True)
               == json.dumps(res["results"][i], sort_keys=True) for i in sample)
    print(f"dask (local processes): {res['mines']} mines, {res['workers']} workers, "
          f"{res['partitions']} partitions: {res['seconds']:.2f} s, {res['mines_per_second']:.0f} mines/s; "
          f"{same}/{len(sample)} sampled results equal to in-process advice")
    return 0 if same == len(sample) else 1


if __name__ == "__main__":
    sys.exit(main())
