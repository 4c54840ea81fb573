"""Advice as readable Chinese text for a terminal (``minekb advise FILE --text``).

The same data as the JSON advice, laid out for an official reading it: each
conclusion with its score or label, one line of reason, and the clauses it
rests on (document, 文号, clause id), unverified sources marked, and a clause
whose text is the project's digest (转述) rather than the official text says so;
the end of the text names the official documents those digests restate.
"""
from __future__ import annotations

from typing import Any


TIER_ZH = {"law": "法律", "regulation": "行政法规/国务院文件", "ministry": "部门规章/规范性文件", "local": "地方法规/文件",
           "plan": "规划", "standard": "标准", "research": "研究文献", "party": "党的文件（非约束）", "foreign": "国外资料"}
VERDICT_ZH = {"permitted": "允许", "conditional": "有条件允许", "forbidden": "禁止", "undecidable": "无法判定"}


def _cite(source: dict[str, Any]) -> str:
    number = f" {source['doc_number']}" if source.get("doc_number") else ""
    label = f" {source['clause_label']}" if source.get("clause_label") else ""
    tier = f"［{TIER_ZH[source['tier']]}］" if source.get("tier") in TIER_ZH else ""
    flag = "（待核实）" if source.get("verified") is False else ""
    lapsed = "（已过期限，仅作参考）" if source.get("doc_status") == "expired" else ""
    digest = f"（{source['text_label_zh']}）" if source.get("text_label_zh") else ""
    return f"{tier}{source['doc_title']}{number}{label} [{source['clause_id']}]{digest}{flag}{lapsed}"


def _marks(item: dict[str, Any]) -> str:
    out = ""
    if item.get("legal_status") == "conditional":
        out += "  〔有条件：" + "；".join(item.get("conditions_zh") or []) + "〕"
    if item.get("conditions_zh") and item.get("legal_status") is None and "verdict" not in item:
        out += "  〔条件：" + "；".join(item["conditions_zh"]) + "〕"
    if item.get("reference"):
        out += "  〔仅作参考：依据已过期限的规划〕"
    return out


def _intended(advice: dict[str, Any]) -> list[str]:
    items = advice.get("intended_use") or []
    if not items:
        return []
    out = ["拟利用方向能否实施："]
    for item in items:
        out.append(f"  {item['label_zh']}：{VERDICT_ZH.get(item['verdict'], item['verdict'])}")
        out += [f"    条件：{c}" for c in item.get("conditions_zh") or []]
        if item.get("missing_fields"):
            out.append(f"    需补充：{'、'.join(item['missing_fields'])}")
        out += _reasons(item)
    return out + [""]


def _reasons(item: dict[str, Any], indent: str = "    ") -> list[str]:
    lines = []
    for reason in item.get("reasons") or []:
        lines.append(f"{indent}理由：{reason['explanation_zh']}（规则 {reason['rule']}）")
        lines.extend(f"{indent}  依据：{_cite(s)}" for s in reason.get("sources") or [])
    return lines


def _single(title: str, item: dict[str, Any] | None, undetermined: str) -> list[str]:
    if not item:
        return [f"{title}：{undetermined}"]
    out = [f"{title}：{item['label_zh']}{_marks(item)}", *_reasons(item)]
    for alt in item.get("alternatives") or []:
        why = f"（{alt['set_aside_zh']}）" if alt.get("set_aside_zh") else ""
        out.append(f"  另有结论：{alt['label_zh']}{_marks(alt)}{why}")
    return out


def render_text(advice: dict[str, Any]) -> str:
    """One advice object (the contract's shape) as text."""
    out = [f"矿山 {advice['mine_id']} 的修复与利用建议", "=" * 24]
    out += _intended(advice)
    for w in advice.get("warnings") or []:
        out.append(f"注意：{w['message_zh']}")
    undetermined = "根据现有信息无法确定（见下方待补充信息）"
    out += _single("修复类型", advice.get("restoration_category"), undetermined)
    out += _single("修复优先级", advice.get("priority"), undetermined)
    potential = advice.get("potential")
    if potential:
        level = {"high": "高", "medium": "中", "low": "低"}.get(potential.get("level"), potential.get("level", ""))
        out.append(f"综合利用潜力：{potential['score']:.2f}（{level}）")
    sections = [("推荐利用方向（按得分排序）", "utilization_models"), ("排除的利用方向", "excluded_models"),
                ("可用激励政策", "incentives"), ("约束条件", "constraints"), ("工程措施", "measures")]
    for title, key in sections:
        items = advice.get(key) or []
        out += ["", f"{title}：" + ("无" if not items else "")]
        for n, item in enumerate(items, 1):
            score = f"  得分 {item['score']:.2f}" if isinstance(item.get("score"), (int, float)) else ""
            out.append(f"  {n}. {item['label_zh']}{score}{_marks(item)}")
            out += _reasons(item, "     ")
    out += ["", *_single("修复责任与资金", advice.get("responsibility"), "根据现有信息无法确定")]
    research = advice.get("research_suggestions") or []
    if research:
        out += ["", "研究建议（仅有研究文献等非约束性依据，供参考，不是政策规定）："]
        for n, item in enumerate(research, 1):
            out.append(f"  {n}. {item['label_zh']}（{item.get('kind_zh', item.get('kind', ''))}）{_marks(item)}")
            out += _reasons(item, "     ")
    precedents = advice.get("precedents") or []
    if precedents:
        out += ["", "相似案例："]
        out += [f"  {p['name']}（相似度 {p['similarity']:.2f}）：{p['utilization_zh']}" for p in precedents]
    unknowns = advice.get("unknowns") or []
    if unknowns:
        out += ["", "待补充信息（补充后建议可能变化）："]
        out += [f"  {u['field']}：{u['effect_zh']}" for u in unknowns]
    digests = digest_sources(advice)
    if digests:
        out += ["", "说明：标为“本库转述”的依据条款是本库对文件要点的转述，不是原文；“第N条”是原文条号，"
                    "“要点N”是本库的要点序号，不是原文条号。原文见："]
        out += [f"  {s}" for s in digests]
    return "\n".join(out) + "\n"


def digest_sources(advice: dict[str, Any]) -> list[str]:
    """The official documents (《title》（文号，issuer，date）) of every digest the advice cites, in order of first citation."""
    seen: dict[str, None] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "clause_id" in node and node.get("official_source"):
                seen.setdefault(node["official_source"], None)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(advice)
    return list(seen)
