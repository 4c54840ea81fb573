"""Clause typing from modality, sentence-pattern and heading cues (CLAUSE_TYPES of corpus.model).

Three kinds of evidence, all data in the tables below:

* **cue words** of each type in the clause's match key (鼓励 → incentive,
  不得 → constraint, 应当 → obligation …), and single-character modals as
  whole jieba *tokens* only (可 but not 可持续, 需 but not 需求);
* **sentence patterns**: a sentence that opens with an action verb
  (加强…, 建立…, 对于…，开展…) is a programme measure; a 谁X谁Y formula is a
  principle; 到2025年…达到 is a target; ``X类主要包括`` is a definition;
* **sentence modality**: every further sentence that prescribes (应, 应当,
  必须, should) adds to ``obligation`` — a paragraph that prescribes in several
  sentences is normative even when it opens with a diagnosis;
* **the clause's own headings** (its ancestors in the clause tree): a
  paragraph under 基本原则 states a principle, under 具体目标 a target, under
  完善资金保障 funding — the document's structure is evidence its authors gave.
  A heading that is itself an instruction (加强组织领导, Strengthen the
  Analysis of …) heads a programme: its topic words (分析, 问题) do not make
  the section descriptive.

Descriptive markers (已, 取得, 了, 截至, 本文, 研究, statements of a deficiency
such as 缺乏/尚未/lack of …), the preamble and a research document (a paper
describes; its 鼓励 mostly reports a policy — but where it speaks normatively,
with 应/建议/should or by quoting a provision 规定“…”, the prior is small and the
content decides) score for ``background``,
which wins over the weaker normative types (measure, funding, obligation,
responsibility) when it scores at least as much: a report of what was done is
background even when it names actions. The highest score wins; ties go to the
earlier type of ``PRIORITY``. The words that decided are returned as
``type_cues`` so every type can be explained.

The typing guideline (what each type means, which wins when a clause does
several things) is in docs/corpus.md; the dev set
tests/fixtures/corpus/gold_clause_types.yaml (the cues were developed on it) and
the held-out set gold_clause_types_blind.yaml (never tuned on) were typed by
hand with it.
"""
from __future__ import annotations

import re

from corpus.model import CLAUSE_TYPES

PRIORITY = ("principle", "definition", "constraint", "target", "incentive", "funding",
            "responsibility", "obligation", "measure", "background")
assert set(PRIORITY) == set(CLAUSE_TYPES)
WEAK = ("measure", "funding", "obligation", "responsibility")   # background beats these on a tie

WORD_CUES: dict[str, dict[str, int]] = {
    "principle": {"基本原则": 3, "为指导": 3, "指导思想": 3, "坚持": 1, "理念": 1, "一矿一策": 3,
                  "因地制宜": 1, "分类施策": 2, "guiding principle": 3},
    "definition": {"是指": 6, "系指": 6, "所称": 6, "指的是": 6, "定义为": 6, "称为": 3, "适用于本": 6,
                   "规划期为": 5, "基准年": 3, "范畴": 3, "表征": 2, "均属于": 3, "is defined as": 6, "refers to": 6},
    "constraint": {"不得": 5, "禁止": 5, "严禁": 5, "不准": 5, "不予": 5, "不允许": 5, "不应": 5, "杜绝": 5,
                   "封禁": 5, "取缔": 4, "查处": 4, "坚决防止": 5, "严防": 4, "严格评估": 3, "防止": 2,
                   "严格控制": 4, "严格限制": 4, "prohibit": 5, "must not": 5, "shall not": 5, "forbidden": 5},
    "target": {"规划期内": 2, "期间全面": 2, "基本建成": 3, "by 2025": 4, "by 2030": 4, "by 2035": 4},
    "incentive": {"鼓励": 4, "激励": 3, "奖励": 3, "扶持": 3, "优惠": 3, "补助": 3, "补贴": 3, "减免": 3,
                  "免征": 3, "优先供": 3, "予以支持": 3, "给予支持": 3, "享受": 2, "支持": 2, "允许": 4,
                  "可以": 2, "可依法": 3, "可按": 2, "可由": 2, "可将": 2, "可根据": 3, "赋予": 4, "有权": 4,
                  "流转使用": 3, "差别化": 2, "盘活": 2, "收益": 1, "受益": 1, "使用权": 2, "encourage": 4, "incentive": 3,
                  "allowed to": 4, "may be": 2},
    "funding": {"资金": 2, "财政": 2, "出资": 3, "融资": 3, "基金": 2, "经费": 3, "预算": 2, "专项债": 3,
                "贷款": 3, "亿元": 2, "投融资": 3, "资金保障": 3, "financial": 3, "financing": 3,
                "funds": 2, "funding": 2, "bonds": 3},
    "responsibility": {"主体责任": 4, "责任主体": 3, "主责": 5, "牵头": 4, "职责": 2, "责任人": 4,
                       "义务人": 4, "负责": 3, "权责": 3, "responsible for": 5, "responsibility": 3},
    "obligation": {"必须": 5, "务必": 5, "须按": 5, "应按照": 5, "应依法": 5, "应从": 4, "应以": 4,
                   "应基于": 4, "应加快": 4, "应根据": 4, "需消除": 4, "需主动": 4, "确保": 1,
                   "should": 4, "must": 5, "shall": 5},
    "measure": {"建议": 3, "it is recommended": 5, "recommended to": 5},
    "background": {"截至": 2, "已经": 2, "已有": 2, "取得": 2, "成效": 1, "成果": 1, "本文": 3, "研究表明": 3,
                   "研究": 1, "显示": 1, "表明": 1, "近年来": 1, "目前": 1, "当前": 1, "历史悠久": 2,
                   "主要有": 1, "存在": 1, "问题": 1, "现状": 1, "分析": 1, "共计": 2, "总计": 2, "年底": 1,
                   "年末": 1, "位于": 2, "属于": 1, "学者": 2, "案例": 1, "实践中": 1, "率先": 1, "成为": 1,
                   "印发": 1, "颁布": 2, "发布": 1, "通过": 0, "this paper": 3, "this study": 3, "were": 1,
                   "was": 1, "has been": 1, "have been": 1,
                   # a statement of a deficiency describes a state of affairs, whatever it names
                   "缺乏": 1, "尚未": 1, "不足": 1, "不够": 1, "薄弱": 1, "滞后": 1, "单一": 1, "不完善": 1,
                   "lack of": 2, "insufficient": 1, "inadequate": 1, "there is": 1, "there are": 1},
}
PATTERN_CUES: dict[str, list[tuple[re.Pattern[str], int]]] = {
    "principle": [(re.compile(r"谁[\u4e00-\u9fff]{1,2}[，,、\s]?谁[\u4e00-\u9fff]{1,2}"), 4),
                  (re.compile(r"[宜益]([\u4e00-\u9fff])则\1"), 5),
                  (re.compile(r"(?:^|[。；])坚持[^。；]{1,20}"), 3),
                  (re.compile(r"(?:是|为)[^。；]{0,12}基本原则"), 4),
                  (re.compile(r"^以[^。；]{2,30}为(?:根本)?指导"), 4)],
    "definition": [(re.compile(r"(?:^|[。；]|\d)[^，。；]{1,12}(?:类|面积|范围)(?:主要)?(?:包括|含)"), 6),
                   (re.compile(r"确定[^。；]{1,20}(?:类别|类型)"), 4),
                   (re.compile(r"^[^，。：:]{1,8}类[：:]"), 4)],
    "constraint": [(re.compile(r"除[^。；]{1,30}外"), 3)],
    # 可 as a permission, not inside 可持续, 可能, 可行, 认可, 许可, 不可 …
    "incentive": [(re.compile(r"(?<![认许不无宁即])可(?![持能行见视控靠观信比是惜爱塑燃谓知以利])"), 2)],
    "target": [(re.compile(r"到\s*20\d{2}\s*年(?:底|末)?[^。；]{0,60}(?:达到|达\s*\d|完成|实现|全部|不低于|超过|提高|降低|"
                           r"减少|消除|形成|建成|累计)"), 7),
               # a share to be reached: 复垦率达20%以上, 覆盖率需达到可绿化面积的80%
               (re.compile(r"(?:率|比例)[^。；，]{0,4}(?:达到?|提高到|不低于|超过)[^。；，]{0,12}?\d+(?:\.\d+)?\s*%"), 4),
               (re.compile(r"\bby (?:the end of )?20\d{2}\b[^.;]{0,120}?\b(?:reach|achieve|exceed|complete|cover)"), 6),
               (re.compile(r"\b(?:rate|share|proportion)\b[^.;]{0,40}?\b(?:reach|exceed|of at least)\w*\s+\d+(?:\.\d+)?\s*%"), 4),
               (re.compile(r"(?:“十[一二三四五六]五”|规划)期间[，,]"), 3)],
    "obligation": [(re.compile(r"(?<![适响反相供对感])应当"), 5)],
    "responsibility": [(re.compile(r"由[^。；，]{1,20}(?:负责|承担|出资|主导)|承担[^。；]{0,10}责任|"
                                   r"以[^。；]{1,8}为(?:责任)?主体"), 4)],
    "background": [(re.compile(r"已(?![经有])"), 1),
                   (re.compile(r"(?:19|20)\d{2}\s*年[^。；]{0,30}(?:印发|颁布|发布|通过|施行|提出)"), 2)],
}
TOKEN_CUES: dict[str, dict[str, int]] = {
    "obligation": {"应": 3, "须": 3, "需": 2, "需要": 1, "要": 1},
    "background": {"了": 2},
}
# Action verbs that open a sentence of a programme ("加强…", "对于…，开展…").
ACTION_VERBS = (
    "开展", "实施", "推进", "建立", "加强", "完善", "推动", "构建", "采取", "探索", "落实", "强化", "加快", "提升",
    "引导", "统筹", "整合", "健全", "制定", "组织", "打造", "培育", "拓展", "优化", "推行", "引入", "编制",
    "创新", "挖掘", "修复", "治理", "保护", "恢复", "加大", "依托", "支持", "结合", "围绕", "通过", "遵循",
    "尊重", "综合", "衔接", "开发", "发展", "规范", "简化", "严格", "全面", "逐步", "积极", "深入", "大力",
    "进一步", "充分", "科学", "合理", "推广", "研究", "调整", "明确", "将", "把", "对(?!于)", "以", "按照", "根据",
    "implement", "establish", "strengthen", "promote", "improve", "develop", "build", "expand", "integrate",
    "focus on", "guide", "encourage", "explore", "innovate", "adopt", "optimize", "enhance", "construct",
)
# an action sentence may open with a setting (对于…，/在…，/针对…，) or with coordinated manner words
# (全方位、高质量实施…; 科学、有序推进…)
_ACTION_RE = re.compile(r"^(?:对于?[^。；，]{1,40}[，,]|在[^。；，]{1,30}[，,]|针对[^。；，]{1,30}[，,]|"
                        r"(?:[\u4e00-\u9fff]{2,3}、){1,3}[\u4e00-\u9fff]{2,3}地?)?"
                        r"(?:" + "|".join(ACTION_VERBS) + ")")
# heading numbering to strip before asking whether a heading itself opens with an action verb
_HEADING_NUMBER_RE = re.compile(r"^\s*(?:第[一二三四五六七八九十百零\d]+[编章节条]|[一二三四五六七八九十]+[、.]|"
                                r"[（(][一二三四五六七八九十\d]+[)）]|\d+(?:\.\d+)*\.?|[表图]\s*\d+)\s*")
_NON_ACTION_START = re.compile(r"^(?:[\u4e00-\u9fff]{1,8}(?:市|县|省|区|镇|村)(?:在|于|是|的|为|下辖|位于|积极|率先)|"
                               r"矿产资源是|矿山生态修复是|废弃矿山是)")
HEADING_CUES: dict[str, dict[str, int]] = {
    "principle": {"原则": 3, "指导思想": 3, "理念": 2},
    "target": {"目标": 4},
    "funding": {"资金": 3, "财政": 3, "投入": 2},
    "responsibility": {"责任": 3, "组织领导": 2, "职责": 3},
    "definition": {"适用范围": 4, "规划期限": 4, "定义": 4, "术语": 4},
    "measure": {"任务": 2, "部署": 2, "措施": 2, "工程": 2, "建议": 2, "路径": 1, "保障": 1},
    "background": {"现状": 3, "形势": 2, "问题": 3, "进展": 3, "成效": 3, "概况": 3, "依据": 4, "背景": 3,
                   "引言": 3, "研究": 2, "结论": 3, "结语": 3, "总结": 3, "模式": 1, "理论": 2, "历程": 3,
                   "认知": 2, "溯源": 3, "差异": 2, "案例": 2, "情况": 2, "Introduction": 3, "Conclusion": 3,
                   "Status": 3, "Challenges": 3, "Analysis": 3, "Results": 2, "Data": 2},
}
MAX_REPEAT = 3          # a cue counted at most this many times
MIN_SCORE = 2           # one weak cue word alone does not make a clause normative
RESEARCH_WEIGHT = 3     # a paper mostly describes: its 鼓励 usually reports someone else's policy
MODAL_RESEARCH_WEIGHT = 1   # …but where it speaks normatively it mostly recommends or quotes a provision
PREAMBLE_WEIGHT = 3     # text before the first heading (序言, 摘要, 引言) is mostly context

_WORD_TYPES: dict[str, list[tuple[str, int]]] = {}
for _type, _words in WORD_CUES.items():
    for _word, _weight in _words.items():
        _WORD_TYPES.setdefault(_word, []).append((_type, _weight))
# Chinese cue words as one literal alternation (fast: re checks the first character), English ones
# with word boundaries in a second pattern run only on text that has Latin letters.
_WORD_RE = re.compile("|".join(re.escape(w) for w in sorted(_WORD_TYPES, key=len, reverse=True) if not w.isascii()))
_EN_WORD_RE = re.compile("|".join(rf"\b{re.escape(w)}\b" for w in sorted(_WORD_TYPES, key=len, reverse=True)
                                  if w.isascii()))
_LATIN_RE = re.compile(r"[a-z]{3}")
_HEADING_TYPES: dict[str, list[tuple[str, int]]] = {}
for _type, _words in HEADING_CUES.items():
    for _word, _weight in _words.items():
        _HEADING_TYPES.setdefault(_word, []).append((_type, _weight))
_HEADING_RE = re.compile("|".join(map(re.escape, sorted(_HEADING_TYPES, key=len, reverse=True))))
# a paper quoting a provision word for word (规定“…”, requires that …): typed by the provision's content
_QUOTED_PROVISION_RE = re.compile(r"(?:规定|要求|明确|提出|指出)[:：，,]?\s*[“\"][^”\"]{6,}[”\"]|"
                                  r"\b(?:requires?|stipulates?|provides?) that\b")
_MODAL_SENTENCE_RE = re.compile(r"应当|应该|必须|务必|(?<![适响反相供对感效理呼照])应(?![用对急变答收付])|"
                                r"\b(?:should|must|shall)\b")
MODAL_TOKENS = frozenset({"应", "应当", "应该", "须", "必须", "建议", "亟需", "有必要"})
_EN_MODAL_RE = re.compile(r"\b(?:should|must|shall|it is recommended|needs? to)\b")
_SENTENCE_RE = re.compile(r"[^。！？；!?;]+[。！？；!?;]?")


def classify(key: str, tokens: list[str], headings: list[str] = (), sentences: list[str] | None = None,
             in_preamble: bool = False, research: bool = False) -> tuple[str, list[str]]:
    """(type, cue words) of one clause: its match key, jieba tokens, ancestor headings and sentences."""
    scores = dict.fromkeys(PRIORITY, 0)
    cues: dict[str, list[str]] = {t: [] for t in PRIORITY}

    def add(type_: str, weight: int, cue: str) -> None:
        if weight:
            scores[type_] += weight
            if cue not in cues[type_]:
                cues[type_].append(cue)

    seen: dict[str, int] = {}
    matches = list(_WORD_RE.finditer(key))
    if _LATIN_RE.search(key):
        matches += _EN_WORD_RE.finditer(key)
    for m in matches:
        word = m.group(0)
        n = seen.get(word, 0)
        if n < MAX_REPEAT:
            seen[word] = n + 1
            for type_, weight in _WORD_TYPES[word]:
                add(type_, weight, word)
    for type_, patterns in PATTERN_CUES.items():
        for regex, weight in patterns:
            found = ([m] if (m := regex.match(key)) else []) if regex.pattern.startswith("^") \
                else list(regex.finditer(key))[:MAX_REPEAT]
            for m in found:
                add(type_, weight, m.group(0).strip("。；")[:12])
    token_set = set(tokens)
    for type_, words in TOKEN_CUES.items():
        for word, weight in words.items():
            if word in token_set:
                add(type_, weight, word)
    actions = modal = 0
    for sentence in (sentences if sentences is not None else _SENTENCE_RE.findall(key)):
        sentence = sentence.strip()
        # modality is a property of sentences: a paragraph that prescribes in several of them is normative
        if _MODAL_SENTENCE_RE.search(sentence):
            modal += 1
            if 1 < modal <= MAX_REPEAT:
                add("obligation", 1, f"{modal}×应")
        if _ACTION_RE.match(sentence) and not _NON_ACTION_START.match(sentence):
            actions += 1
            if actions <= MAX_REPEAT:
                add("measure", 2, sentence[:4])
    # the nearest heading that says something decides the section context (a section refines its chapter);
    # a heading that is itself an instruction (加强组织领导, Strengthen the analysis of …) heads a
    # programme: its words are not topic words of a descriptive section
    imperative = ""
    for heading in reversed(list(headings)):
        title = _HEADING_NUMBER_RE.sub("", heading, count=1).strip().lower()
        own = bool(title) and bool(_ACTION_RE.match(title))
        imperative = imperative or (title[:4] if own else "")
        found = {w for w in _HEADING_RE.findall(heading)
                 if not (own and all(t == "background" for t, _ in _HEADING_TYPES[w]))}
        for word in found:
            for type_, weight in _HEADING_TYPES[word]:
                add(type_, weight, f"§{word}")
        if found:
            if imperative and not any(t in ("background", "measure") for w in found for t, _ in _HEADING_TYPES[w]):
                add("measure", 1, f"§{imperative}")
            break
    else:
        if imperative:
            add("measure", 1, f"§{imperative}")
    if in_preamble:
        add("background", PREAMBLE_WEIGHT, "§preamble")
    # a paper describes, except where it speaks normatively: its authors' recommendations (应, 建议,
    # should) and the provisions it quotes are typed by their content like a policy text's
    if research:
        normative = _QUOTED_PROVISION_RE.search(key) or token_set & MODAL_TOKENS or _EN_MODAL_RE.search(key)
        add("background", MODAL_RESEARCH_WEIGHT if normative else RESEARCH_WEIGHT, "§research")
    background = scores.pop("background")
    best = max(PRIORITY[:-1], key=lambda t: (scores[t], -PRIORITY.index(t)))
    if scores[best] < MIN_SCORE or (best in WEAK and background >= scores[best]) or background > 2 * scores[best]:
        return "background", cues["background"][:5]
    return best, cues[best][:5]
