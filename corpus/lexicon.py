"""The domain vocabulary: jieba's user dictionary and the concept-term index.

Two sources feed it:

* ``BASE_WORDS`` — domain words every build knows, so segmentation is right
  even before the ontology exists (生态保护红线 must stay one word, not
  生态/保护/红线);
* the ontology's terms (``ontology.labels.concept_terms()``: objects with
  ``.text``, ``.concept``, ``.kind``) — added to jieba and indexed for concept
  mentions.

Concept mentions are found by plain substring search over match keys
(simplified, half-width, lower-case), not by token matching: a token matcher
misses a term nested inside a longer dictionary word (生态修复 inside
矿山生态修复): the pitfall measured in docs/search.md ("Analysis").
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from corpus.normalize import match_key

BASE_WORDS = (
    # spatial control lines and zones
    "生态保护红线", "永久基本农田", "城镇开发边界", "三条控制线", "三区三线", "三区两线", "自然保护地", "自然保护区",
    "核心保护区", "一般控制区", "生态涵养区", "生态空间", "农业空间", "城镇空间", "国土空间规划", "国土空间生态修复",
    "国土空间用途管制", "战略留白", "饮用水水源保护区", "风景名胜区", "地质公园", "矿山公园", "国家矿山公园",
    # mines and their states
    "历史遗留矿山", "历史遗留废弃矿山", "废弃矿山", "关闭矿山", "政策性关闭矿山", "生产矿山", "在建矿山", "绿色矿山",
    "露天矿山", "露天开采", "井工开采", "地下开采", "采石场", "采矿权", "采矿权人", "探矿权", "采矿用地", "采空区",
    "尾矿库", "排土场", "矸石山", "煤矸石", "裸露岩壁", "高陡边坡", "地面塌陷", "采煤沉陷区", "稀土矿", "无主矿山",
    "责任主体", "治理责任", "土地复垦", "复垦义务人", "矿山地质环境", "矿山地质环境治理恢复基金", "地质灾害隐患",
    # restoration and utilization
    "矿山生态修复", "生态修复", "自然恢复", "人工修复", "综合利用", "辅助再生", "生态重建", "转型利用", "复绿",
    "土石料", "废弃土石料", "砂石料", "增减挂钩", "城乡建设用地增减挂钩", "占补平衡", "耕地占补平衡", "补充耕地",
    "新增耕地指标", "建设用地指标", "腾退指标", "存量建设用地", "集体经营性建设用地", "国有建设用地", "协议出让",
    "差别化供地", "生态补偿", "碳汇", "生态产品价值实现", "社会资本", "市场化方式", "一矿一策", "山水林田湖草",
    "山水林田湖草沙", "地貌重塑", "土壤重构", "植被重建", "光伏电站", "矿坑公园", "湿地公园", "工业遗产",
    "文旅融合", "生态旅游", "谁破坏谁治理", "谁修复谁受益", "谁投资谁受益", "谁使用谁治理",
)


@dataclass(frozen=True)
class Term:
    """One entry of the concept index (a plain-data copy of an ontology term)."""

    text: str
    concept: str
    kind: str = ""
    key: str = ""          # match key of text


_JIEBA_LOCK = threading.Lock()
_JIEBA_WORDS: set[str] = set()
_RJIEBA_WORDS: set[str] = set()


def jieba_module():
    """jieba with the base words and every term added so far (initialized once per process)."""
    import logging

    import jieba

    with _JIEBA_LOCK:
        if not _JIEBA_WORDS:
            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _add_words(jieba, BASE_WORDS)
    return jieba


def _word_freq(word: str) -> int:
    return max(2000, 500 * len(word))


def _add_words(jieba, words: Iterable[str]) -> None:
    """Add user words to jieba and, when installed, to rjieba, so both segment alike."""
    rjieba = _rjieba()
    for word in words:
        word = word.strip()
        if not word or word.isascii() or len(word) < 2:
            continue
        if word not in _JIEBA_WORDS:
            jieba.add_word(word, freq=_word_freq(word))
            _JIEBA_WORDS.add(word)
        if rjieba is not None and word not in _RJIEBA_WORDS:
            rjieba.add_word(word, _word_freq(word), None)
            _RJIEBA_WORDS.add(word)


def add_user_words(words: Iterable[str]) -> None:
    jieba = jieba_module()
    with _JIEBA_LOCK:
        _add_words(jieba, words)


def _rjieba():
    try:
        import rjieba
    except ImportError:      # a platform without the wheel: fall back to pure-Python jieba
        return None
    return rjieba


def segmenter() -> tuple[str, Callable[[str], list[str]]]:
    """(name, cut function): rjieba (jieba-rs, same dictionary and user words, ~40x faster) or jieba.lcut."""
    jieba = jieba_module()
    rjieba = _rjieba()
    if rjieba is not None:
        return "rjieba", rjieba.cut
    return "jieba", jieba.lcut


class ConceptIndex:
    """All occurrences (nested ones included) of concept terms in a text's match key."""

    def __init__(self, terms: Iterable[Any]) -> None:
        self.terms: list[Term] = []
        seen = set()
        for t in terms:
            text = str(getattr(t, "text", "") or "").strip()
            concept = str(getattr(t, "concept", "") or "").strip()
            if len(text) < 2 or not concept:
                continue
            key = match_key(text)
            if (key, concept) in seen:
                continue
            seen.add((key, concept))
            self.terms.append(Term(text, concept, str(getattr(t, "kind", "") or ""), key))
        # bigram -> lengths of the term keys starting with it (longest first); key -> its terms
        self.by_prefix: dict[str, list[int]] = {}
        self.by_key: dict[str, list[Term]] = {}
        for term in self.terms:
            self.by_key.setdefault(term.key, []).append(term)
            lengths = self.by_prefix.setdefault(term.key[:2], [])
            if len(term.key) not in lengths:
                lengths.append(len(term.key))
        for lengths in self.by_prefix.values():
            lengths.sort(reverse=True)

    def __bool__(self) -> bool:
        return bool(self.terms)

    def find(self, key: str) -> list[tuple[int, int, Term]]:
        """(start, end, term) for every term occurrence in ``key``; English terms need word boundaries."""
        by_prefix, by_key = self.by_prefix, self.by_key
        if not by_prefix:
            return []
        hits = []
        get = by_prefix.get
        for pos in range(len(key) - 1):
            lengths = get(key[pos:pos + 2])
            if lengths is None:
                continue
            for length in lengths:
                terms = by_key.get(key[pos:pos + length])
                if terms is None:
                    continue
                end = pos + length
                for term in terms:
                    if term.key.isascii() and (_word_char(key, pos - 1) or _word_char(key, end)):
                        continue
                    hits.append((pos, end, term))
        return hits

    def words(self) -> list[str]:
        return [t.text for t in self.terms]


def _word_char(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isascii() and text[i].isalnum()
