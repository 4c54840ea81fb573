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


# Cue words: one alternation for all types (a single pass over the text), word -> (type, weight).
WORD_CUES: dict[str, dict[str, int]] = {
    "principle": {"原则": 2, "理念": 1, "坚持": 1},
    "definition": {"是指": 5, "系指": 5, "所称": 5, "指的是": 5, "定义为": 5, "称为": 4, "统称": 4,
                   "主要包括": 2, "包括以下": 2},
    "constraint": {"不得": 4, "禁止": 4, "严禁": 4, "不准": 4, "不予": 4, "不允许": 4, "不能": 3, "不应": 4,
                   "杜绝": 4, "封禁": 4, "严防": 3, "严格": 2, "限制": 2, "管控": 2, "底线": 2},
    "target": {"目标": 2, "规划期内": 1},
    "incentive": {"鼓励": 3, "激励": 3, "奖励": 3, "扶持": 3, "优惠": 3, "补助": 3, "补贴": 3, "减免": 3,
                  "免征": 3, "优先供": 3, "予以支持": 3, "给予支持": 3, "享受": 3, "支持": 2, "允许": 2,
                  "可以": 2, "可按": 2, "可由": 2, "可依法": 2, "可将": 2, "可采取": 2, "可通过": 2, "可用于": 2,
                  "可在": 2, "可对外": 2, "赋予": 2, "盘活": 2, "差别化": 1, "收益": 1, "受益": 1},
    "funding": {w: 2 for w in ("资金", "财政", "出资", "融资", "基金", "经费", "预算", "投资", "投入", "专项债",
                                "贷款", "补偿费", "亿元", "万元")},
    "responsibility": {"主体责任": 4, "责任主体": 4, "主责": 4, "牵头": 4, "职责": 4, "责任人": 4, "义务人": 4,
                       "负责": 2, "责任": 2},
    "obligation": {"应当": 4, "必须": 4, "务必": 4, "须按": 4, "应按照": 4, "应依法": 4,
                   "亟需": 1, "亟须": 1, "急需": 1, "确保": 1},
    "measure": {w: 1 for w in ("开展", "实施", "推进", "建立", "加强", "完善", "推动", "构建", "采取", "探索", "落实",
                                "强化", "加快", "提升", "引导", "统筹", "整合", "健全", "制定", "组织", "治理", "修复",
                                "建设", "打造", "培育", "拓展", "优化", "推行", "引入", "编制", "监测", "核查", "削坡",
                                "回填", "覆土", "复绿", "造林", "植被", "建议")},
    "background": {w: 1 for w in ("截至", "截止", "已经", "已有", "取得", "成效", "成果", "本文", "研究表明", "研究",
                                   "显示", "表明", "近年来", "目前", "当前", "历史悠久", "主要有", "存在", "问题",
                                   "现状", "分析", "调查", "统计", "共计", "总计", "年底", "年末", "位于", "属于",
                                   "论文", "学者")},
}
# Structural patterns (literal first characters keep them fast): type -> [(regex, weight)].
PATTERN_CUES: dict[str, list[tuple[re.Pattern[str], int]]] = {
    "principle": [(re.compile(r"谁[\u4e00-\u9fff]{1,2}[，,、\s]?谁[\u4e00-\u9fff]{1,2}"), 5),
                  (re.compile(r"宜([\u4e00-\u9fff])则\1"), 5),
                  (re.compile(r"坚持[^。；]{1,20}为主"), 3)],
    "definition": [(re.compile(r"^[^，。]{2,12}(?:类|是)主要包括"), 5)],
    "constraint": [(re.compile(r"除[^。；]{1,30}外"), 2)],
    "target": [(re.compile(r"到\s*20\d{2}\s*年(?:底|末)?[^。；]{0,60}(?:达到|完成|实现|全部|不低于|超过|提高|降低|"
                           r"减少|消除|形成|建成|累计)"), 6),
               (re.compile(r"(?:率|比例|面积|数量)(?:达到|提高到|不低于|超过)\s*\d"), 4)],
    "responsibility": [(re.compile(r"由[^。；，]{1,20}负责|负责[^。；]{0,4}(?:实施|组织|开展|治理|修复)|"
                                   r"承担[^。；]{0,10}责任"), 4)],
    "obligation": [(re.compile(r"要求[^。；]{0,6}(?:必须|应)"), 4)],
    "background": [(re.compile(r"已(?![经有])"), 1)],
}
# Single-character modals count only as whole jieba tokens (可 but not 可持续, 需 but not 需求).
TOKEN_CUES: dict[str, dict[str, int]] = {
    "incentive": {"可": 2},
    "obligation": {"应": 2, "须": 2, "需": 2, "需要": 2, "要": 2},
    "background": {"了": 1},
}

_WORD_TYPES: dict[str, list[tuple[str, int]]] = {}
for _type, _words in WORD_CUES.items():
    for _word, _weight in _words.items():
        _WORD_TYPES.setdefault(_word, []).append((_type, _weight))
_WORD_RE = re.compile("|".join(map(re.escape, sorted(_WORD_TYPES, key=len, reverse=True))))
MAX_REPEAT = 3          # a cue word counted at most this many times


def classify(key: str, tokens: list[str]) -> tuple[str, list[str]]:
    """(type, cue words) of one clause's match key and its jieba tokens."""
    scores = dict.fromkeys(PRIORITY, 0)
    cues: dict[str, list[str]] = {t: [] for t in PRIORITY}
    seen: dict[str, int] = {}
    for m in _WORD_RE.finditer(key):
        word = m.group(0)
        n = seen.get(word, 0)
        if n >= MAX_REPEAT:
            continue
        seen[word] = n + 1
        for type_, weight in _WORD_TYPES[word]:
            scores[type_] += weight
            if n == 0:
                cues[type_].append(word)
    for type_, patterns in PATTERN_CUES.items():
        for regex, weight in patterns:
            found = [m.group(0) for m in regex.finditer(key)][:MAX_REPEAT]
            if found:
                scores[type_] += weight * len(found)
                cues[type_].extend(dict.fromkeys(found))
    token_set = set(tokens)
    for type_, words in TOKEN_CUES.items():
        for word, weight in words.items():
            if word in token_set:
                scores[type_] += weight
                cues[type_].append(word)
    background = scores.pop("background")
    best = max(PRIORITY[:-1], key=lambda t: (scores[t], -PRIORITY.index(t)))
    if scores[best] == 0 or (best == "measure" and background >= scores["measure"]):
        return "background", cues["background"][:5]
    return best, cues[best][:5]
