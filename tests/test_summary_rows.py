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
from tests.profile_strategies import valid_profiles as _valid

EXAMPLES = int(os.environ.get("MINEKB_PROPERTY_EXAMPLES", "120"))
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def adv(kb):
    return kb.advisor


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


@pytest.mark.parametrize("on", [date(2024, 6, 1), date(2025, 7, 1), date(2026, 1, 1)])
def test_summary_rows_on_a_seeded_batch(adv, on):
    """A batch bigger than a summary chunk, holding the rare paths: low potential, natural recovery with its
    own closure, gate exclusions of recommended models, incentives withdrawn, lapsed plans applied as
    reference (fixed dates on either side of plans' ends, so the test does not change with the day it runs)."""
    from advisor.bench import synthetic_profile

    rng = random.Random(29)
    ps = _valid([synthetic_profile(rng, i, keep=rng.choice([0.2, 0.5, 0.8, 1.0])) for i in range(1500)])
    got = adv.summary_rows(ps, as_of=on)
    ref = _reference(adv, ps, as_of=on)
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
        proc = subprocess.run([sys.executable, "-m", "minekb", "advise", str(src), "--csv", "--as-of", "2025-07-01",
                               *flags],
                              capture_output=True, env=env, cwd=ROOT)
        assert proc.returncode == 1, proc.stderr.decode()[-800:]   # the bad record is reported, not advised
        assert "line 701" in proc.stderr.decode()
        return proc.stdout

    summary = run("--workers", "2")
    assert summary == run("--per-mine", "--workers", "1")
    assert summary.count(b"\n") == 701                          # header + 700 rows


def _same_counts(ruleset, ps, on, counts):
    """The counts by columns are, for each mine and field it lacks, the number of its pending rules (per mine,
    ``RuleSet.evaluate``) that wait on the field."""
    from rules.columnar_pending import FIELDS

    for m, p in enumerate(ps):
        per_field: dict[str, set] = {}
        for pd in ruleset.evaluate(p, as_of=on).pending:
            for f in pd.unknown_fields:
                if f not in p and f in FIELDS:
                    per_field.setdefault(f, set()).add(pd.rule_id)
        assert {f: int(counts[m, k]) for k, f in enumerate(FIELDS) if counts[m, k]} == \
            {f: len(r) for f, r in per_field.items()}, p


def test_unknown_field_counts_by_columns_are_the_per_mine_counts(adv):
    """Not only the order: how many undecided rules wait on each field, by columns and per mine
    (``RuleSet.evaluate(...).pending``), on mines with and without a province."""
    from advisor.bench import synthetic_profile
    from rules.columnar_pending import PendingColumns

    rng = random.Random(41)
    ps = _valid([synthetic_profile(rng, i, keep=rng.choice([0.3, 0.7, 1.0])) for i in range(400)])
    for p in ps[::3]:
        p.pop("province", None)
    on = date(2025, 1, 1)
    counts = PendingColumns(adv.columnar).field_counts(ps, adv.columnar.values(ps, on))
    assert counts.sum() > 1000
    _same_counts(adv.ruleset, ps, on, counts)


def test_a_rule_set_the_columns_cannot_read_gives_the_rows_of_the_full_advice(adv, monkeypatch):
    """The fallback: where a condition has no columnar form, each row is read from the full advice."""
    from advisor.bench import synthetic_profile

    rng = random.Random(2)
    ps = _valid([synthetic_profile(rng, i) for i in range(20)])
    expected = adv.summary_rows(ps, as_of=date(2024, 6, 1))
    monkeypatch.setattr(adv.columnar, "unsupported", ["some.rule"])
    assert not adv.columnar.supported
    assert adv.summary_rows(ps, as_of=date(2024, 6, 1)) == expected == _reference(adv, ps, as_of=date(2024, 6, 1))


REGIONAL_FACTS = """\
facts:
  steep_site: {zh: 陡坡场地, en: Steep site}
  exposed: {zh: 裸露, en: Exposed}
rules:
  - id: r.fact.steep
    title: {zh: 陡坡（地方）, en: Steep (local)}
    region: [北京]
    when:
      any:
        - "'high_steep_slope' in terrain"
        - "hazards has_any ['collapse', 'landslide']"
    then: {fact: steep_site}
    sources: [x~art_1]
  - id: r.fact.exposed
    title: {zh: 裸露, en: Exposed}
    when:
      all:
        - fact.steep_site
        - "vegetation_cover_pct < 30"
    then: {fact: exposed}
    sources: [x~art_2]
  - id: r.measure.cover
    title: {zh: 覆绿, en: Cover}
    when:
      all:
        - fact.exposed
        - "area_ha > 5"
    then: {measure: vegetation_establishment}
    sources: [x~art_3]
  - id: r.measure.either
    title: {zh: 任一, en: Either}
    when:
      any:
        - fact.steep_site
        - "not (water_accumulated)"
    then: {measure: monitoring}
    sources: [x~art_4]
  - id: r.local.plain
    title: {zh: 地方规则, en: Local rule}
    region: [北京, 江西]
    when: "mineral == 'coal' and area_ha > 2"
    then: {constraint: conform_to_spatial_planning}
    sources: [x~art_5]
"""


def test_unknown_field_counts_through_regional_fact_producers(tmp_path):
    """Facts produced by a regional rule, read through a chain of facts and inside an ``any``: what waits on the
    province and on the producers' fields is counted by columns as per mine (the bundled rules have no regional
    producer today; a researcher may add one)."""
    from advisor.bench import synthetic_profile
    from rules import load_ruleset
    from rules.columnar import ColumnarEvaluator
    from rules.columnar_pending import FIELDS, PendingColumns

    (tmp_path / "rules.yaml").write_text(REGIONAL_FACTS, encoding="utf-8")
    rs = load_ruleset(tmp_path)
    col = ColumnarEvaluator(rs)
    assert col.supported
    rng = random.Random(17)
    ps = _valid([synthetic_profile(rng, i, keep=rng.choice([0.3, 0.6, 1.0])) for i in range(300)])
    for p in ps[::2]:
        p.pop("province", None)
    on = date(2025, 1, 1)
    counts = PendingColumns(col).field_counts(ps, col.values(ps, on))
    assert counts[:, FIELDS.index("province")].sum() > 50
    _same_counts(rs, ps, on, counts)
