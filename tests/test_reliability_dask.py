"""Batch advice runs on Dask's local process pool with the same results as in-process."""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import dask_advise  # noqa: E402


def test_dask_local_workers_write_the_same_advice_as_in_process(kb_home, monkeypatch, tmp_path):
    monkeypatch.setenv("MINEKB_HOME", str(kb_home.path))
    monkeypatch.setattr(dask_advise, "_KB", None)
    res = dask_advise.run(n=40, workers=2, partitions=4, out_dir=tmp_path)
    assert [Path(p).name for p, _ in res["files"]] == [f"part-{i:05d}.jsonl" for i in range(4)]
    assert sum(n for _, n in res["files"]) == 40
    results = dask_advise.read_results(res["files"])
    advisor = dask_advise._advisor()
    for profile, advice in zip(res["profiles"], results):
        assert advice["mine_id"] == profile["id"]
        assert json.dumps(advice, sort_keys=True) == json.dumps(advisor.advise(profile), sort_keys=True)
    assert not list(tmp_path.glob("*.partial"))
