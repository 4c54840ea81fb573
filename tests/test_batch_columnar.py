"""The batch paths against the per-mine reference: columnar rules, compact output, streamed input.

* ``rules.columnar`` evaluates every condition once over a batch's columns;
  for random profiles (Hypothesis, and a seeded synthetic batch) it must give
  exactly ``RuleSet.evaluate``'s ``Evaluation`` of each mine, today, on a past
  date and with ``explain``.
* A batch advised through the columnar path writes byte for byte what the
  per-mine path writes.
* The compact output (sources as clause ids + one table) expands back to the
  contract's advice, and its table holds every clause an advice cites.
* A CSV or JSON Lines batch streamed from disk yields the records the whole-file
  reader yields (Chinese headers, BOM, GB18030).
"""
from __future__ import annotations

import json
import os
import random
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.profile_strategies import profiles as _profiles
from tests.profile_strategies import valid_profiles as _valid

EXAMPLES = int(os.environ.get("MINEKB_PROPERTY_EXAMPLES", "120"))


def profiles(i=0):
    return _profiles(known_in_ten=6)


def _same(a, b):
    """Two evaluations equal in everything the advisor reads."""
    assert a.conclusions == b.conclusions
    assert a.removed == b.removed
    assert a.pending == b.pending
    assert a.facts == b.facts
    assert a.reference_rules == b.reference_rules
    assert a.as_of == b.as_of
    assert a.not_fired == b.not_fired


@pytest.fixture(scope="module")
def adv(kb):
    return kb.advisor


@settings(max_examples=max(EXAMPLES // 4, 20), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(profiles(), min_size=1, max_size=12), st.sampled_from([None, date(2022, 6, 1), date(2019, 1, 1)]),
       st.booleans())
def test_columnar_evaluation_is_the_per_mine_evaluation(adv, batch, on, explain):
    ps = _valid(batch)
    got = adv.columnar.evaluate_many(ps, as_of=on, explain=explain)
    assert len(got) == len(ps)
    for p, ev in zip(ps, got):
        _same(ev, adv.ruleset.evaluate(p, as_of=on, explain=explain))


@settings(max_examples=max(EXAMPLES // 4, 20), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(profiles(), min_size=1, max_size=10), st.booleans())
def test_chunk_advice_is_the_per_mine_advice(adv, batch, for_json):
    """Rules, zones, factor values and precedents by columns give the advice of ``advise`` one by one."""
    import orjson

    from advisor.batch import advise_chunk

    ps = _valid(batch)
    got = list(advise_chunk(adv, ps, for_json=for_json))
    assert len(got) == len(ps)
    for p, a in zip(ps, got):
        assert orjson.dumps(a) == orjson.dumps(adv.advise(p, validated=True, for_json=for_json))


def test_columnar_on_a_large_synthetic_batch(adv):
    from advisor.bench import synthetic_profile

    rng = random.Random(11)
    ps = _valid([synthetic_profile(rng, i, keep=rng.choice([0.3, 0.8, 1.0])) for i in range(600)])
    assert len(ps) > 500
    assert adv.columnar.supported, adv.columnar.unsupported
    for p, ev in zip(ps, adv.columnar.evaluate_many(ps)):
        _same(ev, adv.ruleset.evaluate(p))


def _batch_file(tmp_path, n=60, seed=3):
    from advisor.bench import synthetic_profile

    rng = random.Random(seed)
    path = tmp_path / "mines.jsonl"
    path.write_text("".join(json.dumps(synthetic_profile(rng, i), ensure_ascii=False) + "\n" for i in range(n))
                    + '{"id": "bad", "area_ha": "big"}\n', encoding="utf-8")
    return path


def _run(adv, path, *, columnar, compact=False):
    from advisor.batch import ParallelBatch
    from advisor.compact import compact_view
    from advisor.stream import stream_records

    a = compact_view(adv) if compact else adv
    batch = ParallelBatch(a, dumps=None, workers=1, columnar=columnar, chunk_size=25)
    return [(rec.index, text, err) for rec, text, err in batch.run(stream_records(path))]


def test_a_batch_through_the_columnar_path_writes_what_the_per_mine_path_writes(adv, tmp_path):
    path = _batch_file(tmp_path)
    columnar = _run(adv, path, columnar=True)
    per_mine = _run(adv, path, columnar=False)
    assert columnar == per_mine
    assert sum(1 for _, _, err in columnar if err) == 1      # the bad record is reported, not advised


def test_compact_output_expands_to_the_contract_advice(adv, tmp_path):
    from advisor.compact import clause_table, expand

    path = _batch_file(tmp_path, n=40, seed=8)
    table = json.loads(json.dumps(clause_table(adv), ensure_ascii=False))
    full = _run(adv, path, columnar=True)
    compact = _run(adv, path, columnar=True, compact=True)
    assert [i for i, _, _ in full] == [i for i, _, _ in compact]
    cited = set()

    def walk(x):
        if isinstance(x, dict):
            for k, v in x.items():
                if k == "sources" and isinstance(v, list):
                    cited.update(s for s in v if isinstance(s, str))
                else:
                    walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    for (_, f, _), (_, c, _) in zip(full, compact):
        if f is None:
            continue
        small = json.loads(c)
        walk(small)
        assert len(c) < len(f) / 2
        assert expand(small, table) == json.loads(f)
    assert cited and cited <= set(table)


def test_the_compact_command_puts_the_clause_table_first(kb_home, tmp_path, capsys, monkeypatch):
    from minekb.cli import main

    monkeypatch.setenv("MINEKB_HOME", str(kb_home.path))
    path = _batch_file(tmp_path, n=12)
    code = main(["advise", str(path), "--compact", "--workers", "1"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1                                      # one bad record
    table = json.loads(lines[0])["clauses"]
    advices = [json.loads(x) for x in lines[1:]]
    assert len(advices) == 12 and all("mine_id" in a for a in advices)
    ids = {s for a in advices for r in (a.get("restoration_category") or {}).get("reasons", []) for s in r["sources"]}
    assert ids and ids <= set(table)


CSV_TEXT = ("矿山编号,省级行政区,矿种,面积（公顷）,地质灾害隐患\n"
            "A1,江西,rare_earth,12.5,landslide;collapse\n"
            "\n"
            "A2,广东,granite,3,无\n"
            'A3,北京,limestone,,"不详"\n')


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_streamed_csv_reads_like_the_whole_file(tmp_path, encoding):
    from advisor.readers import iter_records
    from advisor.stream import count_records, stream_records

    path = tmp_path / "mines.csv"
    path.write_bytes(CSV_TEXT.encode(encoding))
    whole = [(r.index, r.where, r.raw) for r in iter_records(path)]
    streamed = [(r.index, r.where, r.raw) for r in stream_records(path)]
    assert streamed == whole and len(whole) == 3
    assert count_records(path) - 1 >= len(whole)


def test_a_streamed_jsonl_reads_like_the_whole_file(tmp_path):
    from advisor.readers import iter_records
    from advisor.stream import stream_records

    path = tmp_path / "mines.jsonl"
    path.write_text('{"id": "a"}\n\n{"id": "b", "province": "江西"}\n{"id": "c"', encoding="utf-8")
    assert ([(r.index, r.where, r.raw.strip()) for r in stream_records(path)]
            == [(r.index, r.where, r.raw.strip()) for r in iter_records(path)])


def test_streaming_refuses_what_the_whole_file_reader_refuses(tmp_path):
    from advisor.readers import InputFileError
    from advisor.stream import stream_records

    empty = tmp_path / "empty.csv"
    empty.write_text("  \n", encoding="utf-8")
    noid = tmp_path / "noid.csv"
    noid.write_text("省份,矿种\n江西,granite\n", encoding="utf-8")
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81\x30\x81" * 10)
    for path, words in ((empty, "empty"), (noid, "'id' column"), (tmp_path / "none.csv", "no such file")):
        with pytest.raises(InputFileError, match=words):
            list(stream_records(path))
    with pytest.raises(InputFileError):
        list(stream_records(binary))
