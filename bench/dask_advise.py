"""Batch advice on Dask: the advisor is a pure function of a profile.

A national inventory (≈99,000 mines, seed 000) or millions of mines split
into partitions; each worker process opens the same read-only knowledge base
(``MINEKB_HOME``) once, advises its partitions and writes each one as a JSON
Lines file to the output folder, returning only the file and its count — the
shape a cluster run takes too (workers write partitions to shared storage;
shipping gigabytes of advice back through the scheduler is what costs time:
measured here, returning the texts instead tripled the run time). On one
machine this runs on Dask's local process pool; on a cluster the same
``advise_chunk`` runs under ``dask.distributed`` workers that mount the
knowledge-base folder read-only (see docs/scaling.md).

    .venv/bin/python bench/dask_advise.py --mines 20000 --workers 2

prints mines per second and checks a sample of the written advice against
in-process advice.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
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


def advise_chunk(task: tuple[int, list[dict], str]) -> tuple[str, int]:
    """Advise one partition into ``<out>/part-<n>.jsonl``; bad records become error objects."""
    from advisor.batch import error_object
    from advisor.profile import ProfileError

    number, profiles, out_dir = task
    advisor = _advisor()
    path = Path(out_dir) / f"part-{number:05d}.jsonl"
    tmp = path.with_suffix(".partial")
    with open(tmp, "wb") as fh:
        for index, profile in enumerate(profiles):
            try:
                fh.write(advisor.dumps(advisor.advise(profile, for_json=True)))
            except ProfileError as err:  # the same error item as `minekb advise` batches
                fh.write(advisor.dumps(error_object(None, err, index) | {"mine_id": profile.get("id")}))
            fh.write(b"\n")
    tmp.replace(path)  # a partition is whole or absent, like every other write of minekb
    return str(path), len(profiles)


def run(n: int, workers: int, partitions: int, out_dir: str | Path, seed: int = 11) -> dict:
    import dask
    import dask.bag as db

    import dask_advise  # this file by its module name, also when it runs as a script
    from advisor.bench import synthetic_profile

    dask_advise._advisor()  # build outside the timing if this home is new; forked workers inherit it
    # fork, not Dask's default spawn: local workers start with the opened knowledge base
    # (a cluster's workers open it once each)
    dask.config.set({"multiprocessing.context": "fork"})
    rng = random.Random(seed)
    profiles = [synthetic_profile(rng, i) for i in range(n)]
    size = -(-n // partitions)
    tasks = [(i, profiles[i * size:(i + 1) * size], str(out_dir)) for i in range(partitions) if profiles[i * size:]]
    started = time.perf_counter()
    # by module name: as __main__.advise_chunk it would be pickled by value, knowledge base included
    written = db.from_sequence(tasks, npartitions=len(tasks)).map(dask_advise.advise_chunk).compute(
        scheduler="processes", num_workers=workers)
    elapsed = time.perf_counter() - started
    return {"mines": n, "workers": workers, "partitions": len(tasks), "seconds": elapsed,
            "mines_per_second": n / elapsed, "files": sorted(written), "profiles": profiles}


def read_results(files: list[tuple[str, int]]) -> list[dict]:
    out = []
    for path, _count in files:
        with open(path, encoding="utf-8") as fh:
            out.extend(json.loads(line) for line in fh)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mines", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partitions", type=int, default=16)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as out:
        res = run(args.mines, args.workers, args.partitions, out)
        results = read_results(res["files"])
        import dask_advise

        advisor = dask_advise._advisor()
        sample = random.Random(3).sample(range(args.mines), min(50, args.mines))
        same = sum(json.dumps(advisor.advise(res["profiles"][i]), sort_keys=True)
                   == json.dumps(results[i], sort_keys=True) for i in sample)
    print(f"dask (local processes): {res['mines']} mines, {res['workers']} workers, "
          f"{res['partitions']} partitions written as JSON Lines: {res['seconds']:.2f} s, "
          f"{res['mines_per_second']:.0f} mines/s; {same}/{len(sample)} sampled results equal to in-process advice")
    return 0 if same == len(sample) else 1


if __name__ == "__main__":
    sys.exit(main())
