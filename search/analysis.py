"""Chinese text analysis shared by indexing and querying.

Why not jieba's own ``ChineseAnalyzer``: it numbers each token by its
character offset, so Whoosh phrase queries never match (measured.md). Here a
token's position counts words in order, and every other dictionary word that
starts inside a word (生态修复 inside 矿山生态修复, 废弃地 across 废弃|地上) is
emitted at the *same* position, so a query word is found wherever its
characters occur, and positions still line up.

The segmenter is a private ``jieba.Tokenizer`` (a copy of the default
dictionary plus the ontology's labels) so that words other stages add to the
global jieba never change what this index sees, and index and query are cut
with the same dictionary. HMM is off: dictionary-only cutting is stable across
contexts, which keeps query and index segmentation consistent.
"""
from __future__ import annotations

import logging
import re
import threading
import unicodedata
import warnings
from functools import lru_cache
from typing import Iterable, Iterator

import jieba
import zhconv
from whoosh.lang.porter import stem as porter_stem

jieba.setLogLevel(logging.WARNING)

_LOCK = threading.Lock()
_SEGMENTERS: dict[tuple[str, ...], jieba.Tokenizer] = {}

# Word characters: CJK ideographs, Latin letters and digits. Everything else
# (punctuation, spaces, symbols) separates tokens and is never indexed.
_WORD_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9][\u3400-\u9fff\uf900-\ufaffA-Za-z0-9._-]*")
_LATIN_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")

# Function words dropped from AND queries (kept in the index so phrases match).
STOPWORDS = frozenset(
    "的 了 和 与 及 或 等 在 对 为 是 将 由 其 之 以 于 把 被 并 而 也 中 上 下 the a an of and or to in for on by with is are be as at from".split()
)


def _trad_chars() -> frozenset[str]:
    """Characters that zhconv changes on their own (traditional forms)."""
    from zhconv import zhconv as impl

    if not impl.zhcdicts:
        with warnings.catch_warnings():   # zhconv leaves its dictionary file to the garbage collector
            warnings.simplefilter("ignore", ResourceWarning)
            impl.loaddict()
    return frozenset(k for k, v in impl.zhcdicts["zh2Hans"].items() if len(k) == 1 and k != v)


_TRAD: frozenset[str] | None = None


def fold(text: str) -> str:
    """Normalize for matching: NFKC (full-width → half-width), traditional → simplified, lower case.

    zhconv is slow (≈250k chars/s), so it runs only on text that contains a
    traditional character at all (a C-speed set test).
    """
    global _TRAD
    if _TRAD is None:
        _TRAD = _trad_chars()
    text = unicodedata.normalize("NFKC", text)
    if not _TRAD.isdisjoint(text):
        text = zhconv.convert(text, "zh-cn")
    return text.lower()


@lru_cache(maxsize=65536)
def normalize_latin(word: str) -> str:
    """English words are stemmed (incentives → incent) on both sides of the index."""
    return porter_stem(word) if word.isalpha() else word


def segmenter(user_words: Iterable[str] = ()) -> jieba.Tokenizer:
    """A jieba tokenizer with the default dictionary plus ``user_words`` (cached per word set)."""
    key = tuple(sorted({w.strip().lower() for w in user_words if w and w.strip()}))
    with _LOCK:
        seg = _SEGMENTERS.get(key)
        if seg is None:
            jieba.dt.check_initialized()
            seg = jieba.Tokenizer()
            # Copying the loaded dictionary costs ~45 ms instead of a second 0.6 s load.
            seg.FREQ = dict(jieba.dt.FREQ)
            seg.total = jieba.dt.total
            seg.initialized = True
            for word in key:
                if _CJK_RE.search(word) and " " not in word:
                    seg.add_word(word, freq=max(seg.suggest_freq(word, tune=False), 1000))
            _SEGMENTERS[key] = seg
        return seg


class Analysis:
    """Cuts folded text into words (for queries) and positioned tokens (for the index)."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self.seg = segmenter(user_words)
        self.freq = self.seg.FREQ
        self._short: dict[str, list[tuple[int, str]]] = {}
        self._short_words: dict[str, list[str]] = {}

    def _cut(self, chunk: str) -> tuple[list[tuple[int, int]], dict[int, list[int]]]:
        """jieba's dictionary-only cut of one chunk as (start, end) spans, and its word DAG.

        The same algorithm as ``jieba.lcut(chunk, HMM=False)`` (best route
        through the DAG of dictionary words, runs of Latin letters and digits
        kept whole), done here so the DAG is available for :meth:`tokens`.
        """
        dag = self.seg.get_DAG(chunk)
        route: dict[int, tuple[float, int]] = {}
        self.seg.calc(chunk, dag, route)
        spans: list[tuple[int, int]] = []
        x, n, buf_start = 0, len(chunk), -1
        while x < n:
            y = route[x][1] + 1
            if y - x == 1 and chunk[x].isascii() and chunk[x].isalnum():
                if buf_start < 0:
                    buf_start = x
            else:
                if buf_start >= 0:
                    spans.append((buf_start, x))
                    buf_start = -1
                spans.append((x, y))
            x = y
        if buf_start >= 0:
            spans.append((buf_start, n))
        return spans, dag

    def _chunks(self, text: str) -> Iterator[str]:
        for chunk in _WORD_RE.findall(fold(text)):
            yield chunk

    @staticmethod
    def _word(piece: str) -> str | None:
        if piece.isascii():
            piece = piece.strip("._-")
            return normalize_latin(piece) if piece else None
        return piece

    def words(self, text: str) -> list[str]:
        """The words of ``text`` in order (folded, punctuation dropped, English stemmed).

        Remembered for short strings: queries repeat, and a concept's labels are cut on every query.
        """
        if len(text) <= 32:
            hit = self._short_words.get(text)
            if hit is None:
                hit = self._words(text)
                if len(self._short_words) < 50_000:
                    self._short_words[text] = hit
            return list(hit)
        return self._words(text)

    def parts(self, word: str) -> list[str]:
        """The dictionary words a compound word is made of (土石料出售 → 土石料, 出售), or [] when it
        has no cut into words of two or more characters other than itself."""
        if word.isascii() or len(word) < 4:
            return []
        dag = self.seg.get_DAG(word)
        dag[0] = [e for e in dag[0] if e != len(word) - 1] or [0]
        route: dict[int, tuple[float, int]] = {}
        self.seg.calc(word, dag, route)
        out, x = [], 0
        while x < len(word):
            y = route[x][1] + 1
            out.append(word[x:y])
            x = y
        return out if len(out) > 1 and all(len(w) > 1 for w in out) else []

    def _words(self, text: str) -> list[str]:
        out: list[str] = []
        for chunk in self._chunks(text):
            if chunk.isascii():
                w = self._word(chunk)
                if w:
                    out.append(w)
                continue
            spans, _ = self._cut(chunk)
            for a, b in spans:
                w = self._word(chunk[a:b])
                if w:
                    out.append(w)
        return out

    def cached_tokens(self, text: str) -> list[tuple[int, str]] | Iterator[tuple[int, str]]:
        """:meth:`tokens`, remembered for short strings: a document's title and issuer repeat on every clause."""
        if len(text) > 64:
            return self.tokens(text)
        hit = self._short.get(text)
        if hit is None:
            hit = list(self.tokens(text))
            if len(self._short) < 50_000:
                self._short[text] = hit
        return hit

    def tokens(self, text: str) -> Iterator[tuple[int, str]]:
        """(position, token): each word in order, plus every other dictionary word starting inside it.

        The extra words sit at the position of the word they start in, so a
        query word matches wherever its characters occur — inside a longer
        word (生态修复 in 矿山生态修复) or across a boundary the cut drew
        elsewhere (废弃地 in …废弃|地上…) — and phrases still line up.
        """
        pos = 0
        for chunk in self._chunks(text):
            if chunk.isascii():
                w = self._word(chunk)
                if w:
                    yield pos, w
                    pos += 1
                continue
            spans, dag = self._cut(chunk)
            for a, b in spans:
                w = self._word(chunk[a:b])
                if not w:
                    continue
                yield pos, w
                if b - a > 1 or not w.isascii():
                    for k in range(a, b):
                        for end in dag.get(k, ()):
                            if end > k and (k, end + 1) != (a, b):
                                piece = chunk[k:end + 1]
                                if not piece.isascii():
                                    yield pos, piece
                pos += 1


# ---------------------------------------------------------------- 文号 ----
_BRACKETS_OPEN = "〔[(（【［｛{〖"
_BRACKETS_CLOSE = "〕])）】］｝}〗"
DOC_NUMBER_RE = re.compile(
    r"([\u4e00-\u9fff]{1,15})\s*[" + re.escape(_BRACKETS_OPEN) + r"]?\s*((?:19|20)\d{2})\s*["
    + re.escape(_BRACKETS_CLOSE) + r"]?\s*第?\s*(\d{1,4})\s*号"
)
ORDER_NUMBER_RE = re.compile(r"([\u4e00-\u9fff]{1,15}令)\s*第?\s*(\d{1,4})\s*号")
STANDARD_NUMBER_RE = re.compile(r"\b([A-Za-z]{1,4}(?:\s*/\s*[A-Za-z])?)\s*(\d{1,6}(?:\.\d+)?)\s*[-—–]\s*((?:19|20)\d{2})\b")


def doc_number_key(text: str | None) -> str | None:
    """One spelling for a 文号 however it was typed: 自然资规(2019)6 号 → 自然资规〔2019〕6号."""
    if not text:
        return None
    t = unicodedata.normalize("NFKC", text)
    m = DOC_NUMBER_RE.search(t)
    if m:
        return f"{m.group(1)}〔{m.group(2)}〕{int(m.group(3))}号"
    m = ORDER_NUMBER_RE.search(t)
    if m:
        return f"{m.group(1)}第{int(m.group(2))}号"
    m = STANDARD_NUMBER_RE.search(t)
    if m:
        prefix = re.sub(r"\s+", "", m.group(1)).upper()
        return f"{prefix}{m.group(2)}-{m.group(3)}"
    return None


def find_doc_numbers(text: str) -> list[tuple[int, int, list[str]]]:
    """Every 文号 in (NFKC-normalized) ``text`` as (start, end, candidate keys).

    The issuer prefix is matched greedily (按照国办发〔2016〕38号 captures 按照国办发),
    so every suffix of it is a candidate; only the real 文号 exists in the index.
    """
    found = []
    for m in DOC_NUMBER_RE.finditer(text):
        prefix, year, num = m.group(1), m.group(2), int(m.group(3))
        keys = [f"{prefix[i:]}〔{year}〕{num}号" for i in range(len(prefix))]
        found.append((m.start(), m.end(), keys))
    for m in ORDER_NUMBER_RE.finditer(text):
        prefix, num = m.group(1), int(m.group(2))
        found.append((m.start(), m.end(), [f"{prefix[i:]}第{num}号" for i in range(len(prefix) - 1)]))
    for m in STANDARD_NUMBER_RE.finditer(text):
        key = doc_number_key(m.group(0))
        if key:
            found.append((m.start(), m.end(), [key]))
    return found
