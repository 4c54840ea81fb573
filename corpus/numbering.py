"""Recognize the numbering of Chinese (and English) policy-text headings.

Each pattern is a registry entry: a *style* (the nesting level is decided by
the order styles appear in a document, as Chinese texts mix them freely), the
path segment kind of docs/architecture.md, and whether its number must follow
the previous one of the same style (the bare ``1 标题`` and ``1.1`` styles of
papers must, or a line starting with a year would become a heading).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUM = "零〇一二两三四五六七八九十百千"


def cn_to_int(text: str) -> int:
    """Chinese or Arabic numeral to int: 十三 -> 13, 二十一 -> 21, 一百零五 -> 105, 12 -> 12."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (current or 1) * CN_UNITS[ch]
            current = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + current


@dataclass(frozen=True)
class Pattern:
    style: str          # nesting key
    kind: str           # path segment kind: book chap subchap art pt sec item point table
    regex: re.Pattern[str]
    sequential: bool    # number must be 1 or previous+1 (or +2 for tolerance, see strict)
    strict: bool = False


@dataclass
class HeadingMatch:
    style: str
    kind: str
    numbers: tuple[int, ...]     # (3,) or (1, 2) for 1.2
    label: str                   # the numbering as written: 第三章, 一、, （一）, 1., 1.2
    rest: str                    # text after the numbering

    @property
    def segment(self) -> str:
        return f"{self.kind}_{'_'.join(str(n) for n in self.numbers)}"


_N = rf"[{CN_NUM}]+"
PATTERNS: list[Pattern] = [
    Pattern("book", "book", re.compile(rf"^(第\s*({_N}|\d+)\s*编)\s*(.*)$"), True),
    Pattern("chap", "chap", re.compile(rf"^(第\s*({_N}|\d+)\s*章)\s*(.*)$"), True),
    Pattern("subchap", "subchap", re.compile(rf"^(第\s*({_N}|\d+)\s*节)\s*(.*)$"), True),
    Pattern("art", "art", re.compile(rf"^(第\s*({_N}|\d+)\s*条)(?:\s+|(?=[【\[（(])|$)(.*)$"), False),
    # a digest's own points (要点N): numbered like articles but never an official 第N条 (docs/corpus.md)
    Pattern("pt", "pt", re.compile(r"^(要点\s*(\d{1,3}))(?:\s+|(?=[【\[])|$)(.*)$"), False),
    Pattern("sec", "sec", re.compile(rf"^(([一二三四五六七八九十]+)\s*[、．.])\s*(.*)$"), True),
    Pattern("item", "item", re.compile(rf"^([（(]\s*([一二三四五六七八九十]+)\s*[）)])\s*(.*)$"), True),
    Pattern("paren", "point", re.compile(r"^([（(]\s*(\d{1,2})\s*[）)])\s*(.*)$"), True),
    Pattern("halfparen", "point", re.compile(r"^((\d{1,2})\s*[)）])\s*(.*)$"), True),
    Pattern("multi", "point", re.compile(r"^((\d{1,2}(?:[.．]\d{1,2}){1,3})[.．]?)(?![\d%])\s*(.*)$"), True, True),
    Pattern("dot", "point", re.compile(r"^((\d{1,2})\s*[.．、])(?![\d%])\s*(.*)$"), True),
    Pattern("bare", "point", re.compile(r"^((\d{1,2}))\s+(?![年月日%])(\S.*)$"), True, True),
    Pattern("table", "table", re.compile(r"^(表\s*(\d{1,3})(?:[-－.]\d+)?)(?:\s+|(?=[\u4e00-\u9fff]))(.*)$"), False),
]


def match_heading(line: str) -> HeadingMatch | None:
    """The numbering at the start of ``line``, or None (no plausibility checks here)."""
    for pattern in PATTERNS:
        m = pattern.regex.match(line)
        if not m:
            continue
        label, number, rest = m.group(1), m.group(2), m.group(3).strip()
        if pattern.style == "multi":
            numbers = tuple(int(x) for x in re.split(r"[.．]", number))
            style = f"multi{len(numbers)}"
        else:
            numbers = (cn_to_int(number.strip()),)
            style = pattern.style
        return HeadingMatch(style, pattern.kind, numbers, label.strip(), rest)
    return None


ARTICLE_KINDS = ("art", "pt")   # kinds numbered through the document, holding their 款 in their own text


def is_strict(style: str) -> bool:
    return style == "bare" or style.startswith("multi")


LABEL_LINES = re.compile(
    r"^(?:序\s*言|前\s*言|引\s*言|摘\s*要|目\s*录|附\s*件|正\s*文|Abstract|Keywords?|Acknowledge?ments?|"
    r"Introduction|Preface|Contents)[:：]?$", re.I)
STOP_LINES = re.compile(r"^(?:参\s*考\s*文\s*献|References|REFERENCES|Bibliography)\s*[:：]?$")
FIGURE_LINES = re.compile(r"^图\s*\d+(?:[-.]\d+)?\s+\S.{0,60}$")
FIGURE_EN_LINES = re.compile(r"^Fig(?:ure)?\.?\s*\d+(?:[-.]\d+)?\s+[A-Z\"“].*$")
TABLE_CAPTION_EN = re.compile(r"^(?:Table|Tab\.?)\s*\d+", re.I)
