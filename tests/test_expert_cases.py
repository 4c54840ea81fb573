"""Expert cases (tests/expert/cases.yaml): mine profiles with the legally expected advice.

Written by an independent domain expert before the advisor was run on them;
each case names the clauses its expectations rest on (``basis``) and the
reasoning (``why_zh``). One pytest test per case; a failure message lists every
expectation that failed together with what the advice said. The first-run
result and the expert's diagnosis of each failure are in tests/expert/README.md.

Also checked for every case: every item of every advice section carries at
least one reason with at least one source (contract §2), and — one test over
all cases — no incentive, constraint, responsibility, measure, model,
exclusion, category or priority rests on non-binding sources alone
(docs/legal-semantics.md §1).
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

CASES_FILE = Path(__file__).parent / "expert" / "cases.yaml"

LIST_KEYS = {
    "not_recommended", "excluded", "recommended_any", "top_any",
    "incentives", "incentives_any", "not_incentives",
    "constraints", "constraints_any", "not_constraints",
    "measures", "measures_any", "not_measures",
    "responsibility", "responsibility_any", "not_responsibility",
    "any_measure_zh", "any_responsibility_zh",
    "warnings", "not_warnings", "lapsed_doc", "no_lapsed_doc", "unknown_fields_any", "in_force_basis",
    "category_shown",
}
OTHER_KEYS = {"restoration_category", "priority", "intended_use", "intended_use_missing", "no_warnings"}
CASE_KEYS = {"id", "title_zh", "why_zh", "basis", "as_of", "profile", "expect"}
VERDICTS = {"permitted", "conditional", "forbidden", "undecidable"}
NON_BINDING_TIERS = {"research", "party", "foreign"}


def _load() -> list[dict[str, Any]]:
    data = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
    cases = data["cases"]
    problems = []
    seen = set()
    for c in cases:
        cid = c.get("id")
        if cid in seen:
            problems.append(f"duplicate id {cid}")
        seen.add(cid)
        for k in c:
            if k not in CASE_KEYS:
                problems.append(f"{cid}: unknown case key {k!r}")
        for k in ("title_zh", "why_zh", "basis", "profile", "expect"):
            if not c.get(k):
                problems.append(f"{cid}: missing {k}")
        if c.get("profile", {}).get("id") != cid:
            problems.append(f"{cid}: profile.id must equal the case id")
        for k, v in (c.get("expect") or {}).items():
            if k not in LIST_KEYS | OTHER_KEYS:
                problems.append(f"{cid}: unknown expect key {k!r}")
            elif k in LIST_KEYS and not isinstance(v, list):
                problems.append(f"{cid}: expect.{k} must be a list")
        for mid, verdict in ((c.get("expect") or {}).get("intended_use") or {}).items():
            vs = verdict if isinstance(verdict, list) else [verdict]
            if not set(vs) <= VERDICTS:
                problems.append(f"{cid}: intended_use.{mid}: unknown verdict {verdict!r}")
            if mid not in (c.get("profile") or {}).get("intended_uses", []):
                problems.append(f"{cid}: intended_use.{mid} is not among the profile's intended_uses")
    if problems:
        raise ValueError("tests/expert/cases.yaml:\n  " + "\n  ".join(problems))
    return cases


CASES = _load()


def _as_of(case: dict[str, Any]) -> str | None:
    v = case.get("as_of")
    if v is None:
        return None
    return v.isoformat() if isinstance(v, (_dt.date, _dt.datetime)) else str(v)


# ---------------------------------------------------------------- helpers on the advice

def _ids(items: list[dict[str, Any]] | None) -> list[str]:
    return [i.get("id") for i in (items or [])]


def _covers(got: str, wanted: str, ancestors: Callable[[str], tuple]) -> bool:
    """``got`` is ``wanted`` or a narrower concept of it."""
    return got == wanted or wanted in ancestors(got)


def _single(advice: dict[str, Any], key: str) -> str | None:
    v = advice.get(key)
    return v.get("id") if isinstance(v, dict) else None


def _brief(items: list[dict[str, Any]] | None) -> str:
    return "[" + ", ".join(str(i.get("id")) for i in (items or [])) + "]"


def _texts(item: dict[str, Any]) -> list[str]:
    out = [item.get("label_zh") or ""]
    for r in item.get("reasons") or []:
        out.append(r.get("explanation_zh") or "")
    return out


def _lapsed_docs(advice: dict[str, Any]) -> set[str]:
    return {w.get("doc_id") for w in advice.get("warnings") or [] if w.get("code") == "lapsed_document"}


def _source_in_force(src: dict[str, Any], lapsed: set[str]) -> bool:
    if src.get("doc_status") in ("lapsed", "repealed", "expired"):
        return False
    return src.get("doc_id") not in lapsed


def check(case: dict[str, Any], advice: dict[str, Any], ancestors: Callable[[str], tuple]) -> list[str]:
    e = case["expect"]
    fails: list[str] = []
    models = advice.get("utilization_models") or []
    excluded = advice.get("excluded_models") or []
    model_ids = _ids(models)
    excl_ids = _ids(excluded)

    for key in ("restoration_category", "priority"):
        if key in e:
            want = e[key]
            got = _single(advice, key)
            ok = (got is None) if want is None else (got in (want if isinstance(want, list) else [want]))
            if not ok:
                fails.append(f"{key}: expected {want!r}, advice says {got!r}")

    # the category or one of its shown alternatives (a plan's own classes overlap: the official must see both)
    cat = advice.get("restoration_category") or {}
    shown = [cat.get("id"), *[a["id"] for a in cat.get("alternatives") or []]]
    for c in e.get("category_shown", []):
        if c not in shown:
            fails.append(f"category_shown: {c} is neither the category nor an alternative ({shown})")

    for m in e.get("not_recommended", []):
        bad = [g for g in model_ids if _covers(g, m, ancestors)]
        if bad:
            fails.append(f"not_recommended: {m} must not be recommended, advice recommends {bad} "
                         f"(models {_brief(models)})")
    for m in e.get("excluded", []):
        if not any(x == m or x in ancestors(m) for x in excl_ids):
            fails.append(f"excluded: {m} is not among excluded_models {excl_ids}")
    if "recommended_any" in e:
        want = e["recommended_any"]
        if not any(_covers(g, w, ancestors) for g in model_ids for w in want):
            fails.append(f"recommended_any: none of {want} is recommended (models {_brief(models)})")
    if "top_any" in e:
        want = e["top_any"]
        top = model_ids[0] if model_ids else None
        if top is None or not any(_covers(top, w, ancestors) for w in want):
            fails.append(f"top_any: first-ranked model is {top!r}, expected one of {want} "
                         f"(models {_brief(models)})")

    for section in ("incentives", "constraints"):
        got = _ids(advice.get(section))
        for x in e.get(section, []):
            if x not in got:
                fails.append(f"{section}: {x} missing (advice: {got})")
        if f"{section}_any" in e and not set(e[f"{section}_any"]) & set(got):
            fails.append(f"{section}_any: none of {e[section + '_any']} present (advice: {got})")
        for x in e.get(f"not_{section}", []):
            if x in got:
                fails.append(f"not_{section}: {x} must not be present (advice: {got})")

    meas = _ids(advice.get("measures"))
    for x in e.get("measures", []):
        if not any(_covers(g, x, ancestors) for g in meas):
            fails.append(f"measures: {x} (or a narrower measure) missing (advice: {meas})")
    if "measures_any" in e:
        groups = e["measures_any"]
        groups = groups if groups and isinstance(groups[0], list) else [groups]
        for g in groups:
            if not any(_covers(m, x, ancestors) for m in meas for x in g):
                fails.append(f"measures_any: none of {g} present (advice: {meas})")
    for x in e.get("not_measures", []):
        if any(_covers(g, x, ancestors) for g in meas):
            fails.append(f"not_measures: {x} must not be present (advice: {meas})")

    resp = advice.get("responsibility") or {}
    resp_ids = list(resp.get("ids") or [])
    for x in e.get("responsibility", []):
        if not any(_covers(g, x, ancestors) for g in resp_ids):
            fails.append(f"responsibility: {x} (or narrower) missing (advice ids: {resp_ids}, "
                         f"label: {resp.get('label_zh')!r})")
    if "responsibility_any" in e and not any(
            _covers(g, x, ancestors) for g in resp_ids for x in e["responsibility_any"]):
        fails.append(f"responsibility_any: none of {e['responsibility_any']} (or narrower) present "
                     f"(advice ids: {resp_ids})")
    for x in e.get("not_responsibility", []):
        if x in resp_ids:
            fails.append(f"not_responsibility: {x} must not be present (advice ids: {resp_ids})")

    if "any_measure_zh" in e:
        labels = [m.get("label_zh") or "" for m in advice.get("measures") or []]
        if not any(w in lab for w in e["any_measure_zh"] for lab in labels):
            fails.append(f"any_measure_zh: no measure label contains any of {e['any_measure_zh']} "
                         f"(labels: {labels})")
    if "any_responsibility_zh" in e:
        texts = _texts(resp) if resp else []
        for c in advice.get("constraints") or []:
            texts += _texts(c)
        if not any(w in t for w in e["any_responsibility_zh"] for t in texts):
            fails.append(f"any_responsibility_zh: no responsibility/constraint label or reason mentions any of "
                         f"{e['any_responsibility_zh']} (constraints: {_ids(advice.get('constraints'))}, "
                         f"responsibility: {resp.get('label_zh')!r})")

    iu = {i.get("id"): i for i in advice.get("intended_use") or []}
    for mid, want in (e.get("intended_use") or {}).items():
        wants = want if isinstance(want, list) else [want]
        item = iu.get(mid)
        if item is None:
            fails.append(f"intended_use: {mid} not answered (intended_use section: {sorted(iu)})")
        elif item.get("verdict") not in wants:
            fails.append(f"intended_use: {mid} expected {wants}, advice says {item.get('verdict')!r} "
                         f"(conditions: {item.get('conditions_zh')}, missing: {item.get('missing_fields')}, "
                         f"rules: {[r.get('rule') for r in item.get('reasons') or []]})")
    for mid, fields in (e.get("intended_use_missing") or {}).items():
        item = iu.get(mid)
        missing = (item or {}).get("missing_fields") or []
        if not set(fields) & set(missing):
            fails.append(f"intended_use_missing: {mid} should name one of {fields} as missing (advice: {missing})")

    codes = [w.get("code") for w in advice.get("warnings") or []]
    for c in e.get("warnings", []):
        if c not in codes:
            fails.append(f"warnings: {c} missing (advice warnings: {codes})")
    for c in e.get("not_warnings", []):
        if c in codes:
            fails.append(f"not_warnings: {c} must not be present (advice warnings: {advice.get('warnings')})")
    if e.get("no_warnings") and codes:
        fails.append(f"no_warnings: advice has warnings {advice.get('warnings')}")
    for d in e.get("lapsed_doc", []):
        if not any(w.get("code") == "lapsed_document" and d in (w.get("doc_id") or "")
                   for w in advice.get("warnings") or []):
            fails.append(f"lapsed_doc: no lapsed_document warning names {d} (advice warnings: {advice.get('warnings')})")
    for d in e.get("no_lapsed_doc", []):
        hits = [w for w in advice.get("warnings") or []
                if w.get("code") == "lapsed_document" and d in (w.get("doc_id") or "")]
        if hits:
            fails.append(f"no_lapsed_doc: a plan that does not apply here is warned about: {hits}")

    if "unknown_fields_any" in e:
        unk = [u.get("field") for u in advice.get("unknowns") or []]
        if not set(e["unknown_fields_any"]) & set(unk):
            fails.append(f"unknown_fields_any: none of {e['unknown_fields_any']} in unknowns {unk}")

    lapsed = _lapsed_docs(advice)
    for spec in e.get("in_force_basis", []):
        kind, _, mid = spec.partition(":")
        if kind == "restoration_category":
            item = advice.get("restoration_category")
        elif kind == "excluded":
            item = next((x for x in excluded if x.get("id") == mid), None)
        elif kind == "intended_use":
            item = iu.get(mid)
        else:
            fails.append(f"in_force_basis: unknown item {spec!r}")
            continue
        if not item:
            fails.append(f"in_force_basis: {spec} is absent, so it cannot rest on binding law in force")
            continue
        srcs = [s for r in item.get("reasons") or [] for s in r.get("sources") or []]
        if not any(_source_in_force(s, lapsed) for s in srcs):
            fails.append(f"in_force_basis: {spec} rests only on lapsed documents "
                         f"{sorted({s.get('doc_id') for s in srcs})}")
    return fails


def _sections(advice: dict[str, Any]):
    """(section, item) for every asserted item of the advice."""
    for key in ("restoration_category", "priority", "responsibility"):
        if advice.get(key):
            yield key, advice[key]
    for key in ("utilization_models", "excluded_models", "incentives", "constraints", "measures",
                "research_suggestions"):
        for item in advice.get(key) or []:
            yield key, item
    for item in advice.get("intended_use") or []:
        if item.get("verdict") in ("forbidden", "conditional"):   # a verdict that asserts something
            yield "intended_use", item


def reason_problems(advice: dict[str, Any]) -> list[str]:
    out = []
    for sec, item in _sections(advice):
        reasons = item.get("reasons") or []
        if not reasons:
            out.append(f"{sec}:{item.get('id')} has no reason")
        for r in reasons:
            if not r.get("sources"):
                out.append(f"{sec}:{item.get('id')} reason {r.get('rule')!r} has no source")
    return out


def binding_problems(advice: dict[str, Any]) -> list[str]:
    out = []
    for sec, item in _sections(advice):
        if sec in ("research_suggestions", "intended_use"):
            continue
        srcs = [s for r in item.get("reasons") or [] for s in r.get("sources") or []]
        if not srcs:
            continue
        if not all("tier" in s or "binding" in s for s in srcs):
            out.append(f"{sec}:{item.get('id')}: sources carry no tier/binding "
                       f"({sorted({s.get('doc_id') for s in srcs if 'tier' not in s and 'binding' not in s})})")
            continue
        binding = [s for s in srcs if s.get("binding", s.get("tier") not in NON_BINDING_TIERS)]
        if not binding:
            out.append(f"{sec}:{item.get('id')} rests only on non-binding sources "
                       f"{sorted({(s.get('doc_id'), s.get('tier')) for s in srcs})}")
    return out


# ---------------------------------------------------------------- tests

@pytest.fixture(scope="module")
def advisor(kb):
    return kb.advisor


@pytest.fixture(scope="module")
def advices(advisor):
    return {c["id"]: advisor.advise(c["profile"], as_of=_as_of(c)) for c in CASES}


def test_there_are_at_least_30_cases_each_with_its_basis():
    assert len(CASES) >= 30
    assert [c["id"] for c in CASES if not c.get("basis") or not c.get("why_zh")] == []


def test_case_profiles_are_valid_profiles():
    from advisor import validate_profile

    for c in CASES:
        validate_profile(c["profile"], record=c["id"])


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_expert_case(case, advices, advisor):
    advice = advices[case["id"]]
    fails = check(case, advice, advisor.labels.ancestors)
    fails += [f"invariant: {p}" for p in reason_problems(advice)]
    assert not fails, (f"{case['id']} {case['title_zh']} (as_of {_as_of(case) or 'today'})\n"
                       f"  basis: {'; '.join(case['basis'])}\n  " + "\n  ".join(fails))


def test_no_conclusion_rests_on_research_alone(advices):
    """docs/legal-semantics.md §1: an item whose sources are all non-binding belongs in research_suggestions."""
    probs = [f"{cid}: {p}" for cid, adv in advices.items() for p in binding_problems(adv)]
    assert not probs, f"{len(probs)} problems:\n  " + "\n  ".join(probs[:60])
