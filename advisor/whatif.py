"""What-if and province comparison: the same mine advised twice (or n times), compared item by item.

``what_if`` answers "what changes in the advice if planned_land_use were
construction?": every section of the advice is compared by item id, and each
difference is listed as added / removed / changed (a one-valued section such
as the restoration category, or a model whose rank or score moved).
``compare_provinces`` advises the same mine under each province's rules and
lays the sections side by side, marking which items differ between provinces.
"""
from __future__ import annotations

from typing import Any

from advisor.profile import ProfileError, validate_profile
from rules.schema import PROFILE_FIELDS

SINGLE = ("restoration_category", "priority")
LISTS = ("utilization_models", "excluded_models", "incentives", "constraints", "measures")
SECTION_ZH = {"restoration_category": "修复类别", "priority": "修复优先级", "utilization_models": "利用模式",
              "excluded_models": "排除的利用模式", "incentives": "激励政策", "constraints": "约束",
              "measures": "工程措施", "responsibility": "责任与资金", "unknowns": "未知项",
              "potential": "综合利用潜力"}


def _ids(advice: dict[str, Any], section: str) -> list[str]:
    if section in SINGLE:
        v = advice.get(section)
        return [v["id"]] if v else []
    if section == "responsibility":
        v = advice.get(section)
        return list(v.get("ids", [])) if v else []
    if section == "unknowns":
        return [u["field"] for u in advice.get("unknowns", [])]
    return [i["id"] for i in advice.get(section, [])]


def _label(advice: dict[str, Any], section: str, item_id: str) -> str:
    v = advice.get(section)
    if section in SINGLE and v:
        return v["label_zh"]
    if isinstance(v, list):
        for i in v:
            if i.get("id") == item_id:
                return i.get("label_zh", item_id)
    if section == "unknowns" and item_id in PROFILE_FIELDS:
        return PROFILE_FIELDS[item_id].label_zh
    return item_id


def diff_advice(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Item-by-item differences between two advices of the same mine."""
    out: list[dict[str, Any]] = []
    for section in SINGLE:
        a, b = _ids(before, section), _ids(after, section)
        if a != b:
            out.append({"section": section, "section_zh": SECTION_ZH[section], "change": "changed",
                        "before": a[0] if a else None, "after": b[0] if b else None,
                        "before_zh": _label(before, section, a[0]) if a else None,
                        "after_zh": _label(after, section, b[0]) if b else None})
    for section in (*LISTS, "responsibility", "unknowns"):
        a, b = _ids(before, section), _ids(after, section)
        for i in b:
            if i not in a:
                out.append({"section": section, "section_zh": SECTION_ZH[section], "change": "added",
                            "id": i, "label_zh": _label(after, section, i)})
        for i in a:
            if i not in b:
                out.append({"section": section, "section_zh": SECTION_ZH[section], "change": "removed",
                            "id": i, "label_zh": _label(before, section, i)})
    ranks_a = {m["id"]: (n, m["score"]) for n, m in enumerate(before.get("utilization_models", []), 1)}
    for n, m in enumerate(after.get("utilization_models", []), 1):
        if m["id"] in ranks_a:
            rank0, score0 = ranks_a[m["id"]]
            if rank0 != n or abs(score0 - m["score"]) >= 0.0005:
                out.append({"section": "utilization_models", "section_zh": SECTION_ZH["utilization_models"],
                            "change": "changed", "id": m["id"], "label_zh": m["label_zh"],
                            "before": {"rank": rank0, "score": score0}, "after": {"rank": n, "score": m["score"]}})
    pa, pb = before.get("potential"), after.get("potential")
    if pa and pb and (pa["level"] != pb["level"] or abs(pa["score"] - pb["score"]) >= 0.0005):
        out.append({"section": "potential", "section_zh": SECTION_ZH["potential"], "change": "changed",
                    "before": {"score": pa["score"], "level": pa["level"]},
                    "after": {"score": pb["score"], "level": pb["level"]}})
    return out


def apply_changes(profile: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The profile with ``changes`` applied (a ``None`` value makes the field unknown), validated."""
    unknown = [k for k in changes if k not in PROFILE_FIELDS]
    if unknown:
        raise ProfileError([{"record": "what-if", "field": k, "message": f"unknown field '{k}'"} for k in unknown])
    if "id" in changes:
        raise ProfileError([{"record": "what-if", "field": "id", "message": "a what-if cannot change the mine's id"}])
    changed = dict(profile)
    for k, v in changes.items():
        if v is None:
            changed.pop(k, None)
        else:
            changed[k] = v
    return validate_profile(changed, record="what-if")


def what_if(advisor, profile: dict[str, Any], changes: dict[str, Any], *, as_of: Any = None) -> dict[str, Any]:
    base_p = validate_profile(profile)
    new_p = apply_changes(base_p, changes)
    before = advisor.advise(base_p, as_of=as_of, validated=True)
    after = advisor.advise(new_p, as_of=as_of, validated=True)
    return {"mine_id": base_p["id"], "changes": {k: new_p.get(k) for k in changes},
            "before": before, "after": after, "diff": diff_advice(before, after)}


def compare_provinces(advisor, profile: dict[str, Any], provinces: list[str], *, as_of: Any = None) -> dict[str, Any]:
    """The same mine under each province's rules, side by side, differences marked."""
    if not provinces:
        raise ProfileError([{"record": "compare", "field": "province", "message": "name at least one province"}])
    base_p = validate_profile(profile)
    advices: dict[str, dict[str, Any]] = {}
    for prov in provinces:
        p = apply_changes(base_p, {"province": prov})
        advices[p["province"]] = advisor.advise(p, as_of=as_of, validated=True)
    names = list(advices)
    table: dict[str, Any] = {}
    for section in (*SINGLE, *LISTS, "responsibility"):
        per = {n: _ids(advices[n], section) for n in names}
        every = []
        for n in names:
            every += [i for i in per[n] if i not in every]
        rows = []
        for i in every:
            present = {n: i in per[n] for n in names}
            label = next(_label(advices[n], section, i) for n in names if present[n])
            rows.append({"id": i, "label_zh": label, "in": present, "differs": len(set(present.values())) > 1})
        table[section] = rows
    return {"mine_id": base_p["id"], "provinces": names, "sections": table, "advice": advices,
            "differences": [{"section": s, "id": r["id"], "label_zh": r["label_zh"], "in": r["in"]}
                            for s, rows in table.items() for r in rows if r["differs"]]}
