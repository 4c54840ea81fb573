"""Clause typing from modality and pattern cues (CLAUSE_TYPES of corpus.model).

The cue table is data: for each type, regular expressions over the clause's
match key and single-character modal *tokens* (可, 应, 须, 需, 要 — as jieba
tokens, so 可持续 or 需求 do not count). Each type scores the weights of its
distinct cues; the highest score wins, ties go to the earlier type of
``PRIORITY`` (the more specific function). A clause with no normative cue is
``background``; so is a clause whose only cues are programmatic verbs (开展,
实施 …) when it reads as a report of what was done (已, 取得, 截至 …).

The words that decided are returned as ``type_cues`` so every type can be
explained. The typing guideline (what each type means, and which wins when a
clause does several things) is in docs/corpus.md; the gold set in
tests/fixtures/corpus/gold_clause_types.yaml was typed by hand with it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.model import CLAUSE_TYPES

PRIORITY = ("principle", "definition", "constraint", "target", "incentive", "funding",
            "responsibility", "obligation", "measure", "background")
assert set(PRIORITY) == set(CLAUSE_TYPES)


@dataclass(frozen=True)
class Cue:
    pattern: re.Pattern[str]
    weight: int
    token: bool = False      # match whole jieba tokens instead of a regex over the text


def _r(pattern: str, weight: int) -> Cue:
    return Cue(re.compile(pattern), weight)


def _t(words: str, weight: int) -> Cue:
    return Cue(re.compile("^(?:" + words + ")$"), weight, token=True)


CUES: dict[str, list[Cue]] = {
    "principle": [
        _r(r"谁[\u4e00-\u9fff]{1,3}[，,、\s]?谁[\u4e00-\u9fff]{1,3}", 5),
        _r(r"宜([\u4e00-\u9fff])则\1", 5),
        _r(r"(?:基本|指导|总体)?原则", 2),
        _r(r"坚持[^。；]{1,20}为主", 3),
        _r(r"^坚持", 2),
        _r(r"理念", 1),
    ],
    "definition": [
        _r(r"是指|系指|所称|指的是|定义为|称为|统称", 5),
        _r(r"^[^，。]{2,12}(?:类|是)主要包括", 5),
        _r(r"主要包括|包括以下", 2),
    ],
    "constraint": [
        _r(r"不得|禁止|严禁|不准|不予|不允许|不能|不应|杜绝|封禁|严防", 4),
        _r(r"严格(?:控制|限制|管控|执行|落实|按照|按)?|限制|管控|底线|红线内", 2),
        _r(r"除[^。；]{1,30}外", 2),
    ],
    "target": [
        _r(r"到\s*20\d{2}\s*年(?:底|末)?[^。；]{0,60}(?:达到|完成|实现|全部|不低于|超过|提高|降低|减少|消除|形成|建成|累计)", 6),
        _r(r"(?:率|比例|面积|数量)(?:达到|提高到|不低于|超过)\s*\d", 4),
        _r(r"目标", 2),
        _r(r"规划期内|期间[^。]{0,20}完成", 1),
    ],
    "incentive": [
        _r(r"鼓励|激励|奖励|扶持|优惠|补助|补贴|减免|免征|优先供|予以支持|给予支持|享受", 3),
        _r(r"支持|允许|可以|可按|可由|可依法|可将|可采取|可通过|可用于|可在|可对外|赋予|盘活", 2),
        _t(r"可", 2),
        _r(r"差别化|收益|受益", 1),
    ],
    "funding": [
        _r(r"资金|财政|出资|融资|基金|经费|预算|投资|投入|专项债|贷款|补偿费|亿元|万元", 2),
    ],
    "responsibility": [
        _r(r"由[^。；，]{1,20}负责|负责[^。；]{0,4}(?:实施|组织|开展|治理|修复)|主体责任|责任主体|主责|"
           r"承担[^。；]{0,10}责任|牵头|职责|责任人|义务人", 4),
        _r(r"负责|责任", 2),
    ],
    "obligation": [
        _r(r"应当|必须|务必|须按|应按照|应依法|要求[^。；]{0,6}(?:必须|应)", 4),
        _t(r"应|须|需|需要|要", 2),
        _r(r"亟需|亟须|急需|确保", 1),
    ],
    "measure": [
        _r(r"开展|实施|推进|建立|加强|完善|推动|构建|采取|探索|落实|强化|加快|提升|引导|统筹|"
           r"整合|健全|制定|组织|治理|修复|建设|打造|培育|拓展|优化|推行|引入|编制|监测|核查|"
           r"削坡|回填|覆土|复绿|造林|植被|建议", 1),
    ],
    "background": [
        _r(r"截至|截止|已经|已有|已[^经有]|取得|成效|成果|本文|研究表明|研究|显示|表明|近年来|目前|当前|"
           r"历史悠久|曾|主要有|存在|问题|现状|分析|调查|统计|共计|总计|年底|年末|位于|属于|论文|学者", 1),
        _t(r"了", 1),
    ],
}


def classify(key: str, tokens: list[str]) -> tuple[str, list[str]]:
    """(type, cue words) of one clause's match key and its jieba tokens."""
    token_set = set(tokens)
    scores: dict[str, int] = {}
    cues: dict[str, list[str]] = {}
    for type_, type_cues in CUES.items():
        total, words = 0, []
        for cue in type_cues:
            if cue.token:
                found = sorted(t for t in token_set if cue.pattern.match(t))
            else:
                found = list(dict.fromkeys(m.group(0) for m in cue.pattern.finditer(key)))
            if found:
                total += cue.weight * min(len(found), 3)
                words.extend(found)
        scores[type_], cues[type_] = total, words
    background = scores.pop("background")
    best = max(PRIORITY[:-1], key=lambda t: (scores[t], -PRIORITY.index(t)))
    if scores[best] == 0:
        return "background", cues["background"][:5]
    if best == "measure" and background >= scores["measure"]:
        return "background", cues["background"][:5]
    return best, cues[best][:5]
