"""The flat CSV summary decided without the advice objects (``advisor.summary``) against ``csv_row(advise(p))``.

``minekb advise --csv`` on a columnar batch writes each mine's row from
``SummaryRows``, which re-states ``Advisor.advise``'s decisions for the ids
alone. Every row must be the row of the full advice: on Hypothesis profiles
(unknowns, no province, dates before and after rules took effect, entropy
weights), on a seeded synthetic batch with low-potential mines, on every
bundled advice case and expert case, and through the command itself.
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.profile_strategies import profiles

EXAMPLES = int(os.environ.get("MINEKB_PROPERTY_EXAMPLES", "120"))
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def adv(kb):
    return kb.advisor


def _valid(batch):
    from advisor.profile import ProfileError, validate_profile

    out = []
    for p in batch:
        try:
            out.append(validate_profile(p))
        except ProfileError:
            pass
    return out


def _reference(adv, ps, *, as_of=None, weights=None):
    from advisor.cli import csv_row

    return [csv_row(adv.advise(p, validated=True, as_of=as_of, weights=weights)) for p in ps]


@settings(max_examples=max(EXAMPLES // 3, 20), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(profiles(known_in_ten=6), min_size=1, max_size=12),
       st.sampled_from([None, date(2022, 6, 1), date(2019, 1, 1), date(2012, 12, 31)]))
def test_summary_rows_are_the_rows_of_the_full_advice(adv, batch, on):
    ps = _valid(batch)
    assert adv.summary_rows(ps, as_of=on) == _reference(adv, ps, as_of=on)


@settings(max_examples=max(EXAMPLES // 6, 10), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(profiles(known_in_ten=9), min_size=2, max_size=8))
def test_summary_rows_with_entropy_weights(adv, batch):
    from advisor.batch import _resolve_weights
    from advisor.readers import InputRecord

    ps = _valid(batch)
    recs = [InputRecord(i, f"index {i}", p).validate() for i, p in enumerate(ps)]
    w = _resolve_weights(adv, recs, "entropy")
    assert adv.summary_rows(ps, weights=w) == _reference(adv, ps, weights=w)


def test_summary_rows_on_a_seeded_batch(adv):
    """A batch big enough to hold the rare paths: low potential, natural recovery with its own closure,
    gate exclusions of recommended models, incentives withdrawn, lapsed plans applied as reference."""
    from advisor.bench import synthetic_profile

    rng = random.Random(29)
    ps = _valid([synthetic_profile(rng, i, keep=rng.choice([0.2, 0.5, 0.8, 1.0])) for i in range(1500)])
    got = adv.summary_rows(ps)
    ref = _reference(adv, ps)
    assert got == ref
    cells = [r.split(",") for r in ref]
    assert any(c[10] == "low" for c in cells)                   # low potential reached
    assert any(c[1] == "natural_recovery" for c in cells)
    assert any("natural_closure" in c[3] for c in cells)
    assert sum(1 for c in cells if c[12]) > 100                 # unknown fields listed


def test_summary_rows_of_every_bundled_case(adv):
    from advisor.cases import load_all

    import yaml

    cases = [(c.as_of, c.profile) for c in load_all(ROOT / "tests" / "cases")]
    expert = yaml.safe_load((ROOT / "tests" / "expert" / "cases.yaml").read_text(encoding="utf-8"))["cases"]
    cases += [(c.get("as_of"), c["profile"]) for c in expert]
    assert len(cases) > 60
    by_date: dict = {}
    for as_of, profile in cases:
        by_date.setdefault(as_of, []).append(profile)
    for as_of, batch in by_date.items():
        ps = _valid(batch)
        assert adv.summary_rows(ps, as_of=as_of) == _reference(adv, ps, as_of=as_of), as_of


def test_the_csv_command_writes_the_rows_of_the_full_advice(adv, kb, tmp_path):
    """``minekb advise --csv`` on two workers (the summary path) against ``--per-mine`` (the reference)."""
    from advisor.bench import synthetic_profile

    rng = random.Random(5)
    src = tmp_path / "mines.jsonl"
    src.write_text("".join(json.dumps(synthetic_profile(rng, i), ensure_ascii=False) + "\n" for i in range(700))
                   + '{"id": "bad", "area_ha": -3}\n', encoding="utf-8")
    env = dict(os.environ, MINEKB_HOME=str(kb.home.path)) if kb.home else dict(os.environ)

    def run(*flags):
        proc = subprocess.run([sys.executable, "-m", "minekb", "advise", str(src), "--csv", *flags],
                              capture_output=True, env=env, cwd=ROOT)
        assert proc.returncode == 1, proc.stderr.decode()[-800:]   # the bad record is reported, not advised
        assert "line 701" in proc.stderr.decode()
        return proc.stdout

    summary = run("--workers", "2")
    assert summary == run("--per-mine", "--workers", "1")
    assert summary.count(b"\n") == 701                          # header + 700 rows
