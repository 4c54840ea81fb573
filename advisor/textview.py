"""Advice as readable Chinese text for a terminal (``minekb advise FILE --text``).

The same data as the JSON advice, laid out for an official reading it: each
conclusion with its score or label, one line of reason, and the clauses it
rests on (document, 文号, clause id), unverified sources marked.
"""
from __future__ import annotations

from typing import Any


def _cite(source: dict[str, Any]) -> str:
    number = f" {source['doc_number']}" if source.get("doc_number") else ""
    flag = "（待核实）" if source.get("verified") is False else ""
    return f"{source['doc_title']}{number} [{source['clause_id']}]{flag}"


def _reasons(item: dict[str, Any], indent: str = "    ") -> list[str]:
    lines = []
    for reason in item.get("reasons") or []:
        lines.append(f"{indent}理由：{reason['explanation_zh']}（规则 {reason['rule']}）")
        lines.extend(f"{indent}  依据：{_cite(s)}" for s in reason.get("sources") or [])
    return lines


def _single(title: str, item: dict[str, Any] | None, undetermined: str) -> list[str]:
    if not item:
        return [f"{title}：{undetermined}"]
    return [f"{title}：{item['label_zh']}", *_reasons(item)]


def render_text(advice: dict[str, Any]) -> str:
    """One advice object (the contract's shape) as text."""
    out = [f"矿山 {advice['mine_id']} 的修复与利用建议", "=" * 24]
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
            out.append(f"  {n}. {item['label_zh']}{score}")
            out += _reasons(item, "     ")
    out += ["", *_single("修复责任与资金", advice.get("responsibility"), "根据现有信息无法确定")]
    precedents = advice.get("precedents") or []
    if precedents:
        out += ["", "相似案例："]
        out += [f"  {p['name']}（相似度 {p['similarity']:.2f}）：{p['utilization_zh']}" for p in precedents]
    unknowns = advice.get("unknowns") or []
    if unknowns:
        out += ["", "待补充信息（补充后建议可能变化）："]
        out += [f"  {u['field']}：{u['effect_zh']}" for u in unknowns]
    return "\n".join(out) + "\n"
