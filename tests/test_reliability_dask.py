"""Batch advice runs on Dask's local process pool with the same results as in-process."""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import dask_advise  # noqa: E402


def test_dask_local_workers_give_the_same_advice_as_in_process(kb_home, monkeypatch):
    monkeypatch.setenv("MINEKB_HOME", str(kb_home.path))
    res = dask_advise.run(n=40, workers=2, partitions=4)
    assert len(res["results"]) == 40
    advisor = dask_advise._advisor()
    for profile, advice in zip(res["profiles"], res["results"]):
        assert advice["mine_id"] == profile["id"]
        assert json.dumps(advice, sort_keys=True) == json.dumps(advisor.advise(profile), sort_keys=True)
