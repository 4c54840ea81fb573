"""Word's automatic numbering (numbering.xml) rendered to the numbers Word shows.

A .docx paragraph whose number comes from a list definition carries no number
in its text: ``<w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr>``
points at a level of an abstract numbering whose ``lvlText`` (``第%1条``,
``（%1）``, ``%1、``, ``%1.%2``) and ``numFmt`` (decimal, chineseCounting,
chineseCountingThousand, upperLetter, decimalEnclosedCircle …) say how to
print it; each %N in its level's own format, or all in Arabic digits when the
level is ``isLgl`` (legal numbering). ``Numbering.label`` keeps one counter per list and level, as Word
does (a higher level resets the deeper ones; ``startOverride`` restarts a list).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def int_to_cn(n: int) -> str:
    """12 -> 十二, 20 -> 二十, 105 -> 一百零五 (as Chinese policy texts number articles)."""
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    if n < 100:
        return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + _CN[rest] if rest < 10 else
                                     ("一" + int_to_cn(rest) if rest < 20 else int_to_cn(rest)))
        return _CN[n // 100] + "百" + tail
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                       (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + sym, n - value
    return out


def format_number(n: int, fmt: str) -> str:
    if not 1 <= n <= 9999:           # no real list goes this far: a damaged or hostile start value
        return str(n)
    if fmt.startswith("chinese") or fmt in ("ideographTraditional", "taiwaneseCounting", "taiwaneseCountingThousand"):
        return int_to_cn(n)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return _CIRCLED[n - 1] if 1 <= n <= 20 else str(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(ch) + 0xFEE0) for ch in str(n))
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    legal: bool = False      # w:isLgl: every number of the level's text printed in Arabic digits


@dataclass
class Numbering:
    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)   # numId -> (abstractId, overrides)
    counters: dict[str, list[int]] = field(default_factory=dict)
    used: int = 0

    @classmethod
    def from_document(cls, document) -> "Numbering":
        """The document's list definitions; a damaged numbering part gives none (paragraphs stay unnumbered)."""
        try:
            root = document.part.numbering_part.element
        except (KeyError, AttributeError, NotImplementedError):
            return cls()
        try:
            return cls._read(root)
        except (ValueError, TypeError):
            return cls()

    @classmethod
    def _read(cls, root) -> "Numbering":
        numbering = cls()
        for abstract in root.iter(f"{W}abstractNum"):
            levels = {}
            for lvl in abstract.iter(f"{W}lvl"):
                level = _Level()
                for tag, attr in (("start", "start"), ("numFmt", "fmt"), ("lvlText", "text")):
                    node = lvl.find(f"{W}{tag}")
                    if node is not None and node.get(f"{W}val") is not None:
                        value = node.get(f"{W}val")
                        setattr(level, attr, int(value) if attr == "start" and value.isdigit() else value)
                level.legal = lvl.find(f"{W}isLgl") is not None
                levels[int(lvl.get(f"{W}ilvl", "0"))] = level
            numbering.abstract[abstract.get(f"{W}abstractNumId")] = levels
        for num in root.iter(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            overrides = {}
            for override in num.iter(f"{W}lvlOverride"):
                start = override.find(f"{W}startOverride")
                if start is not None and start.get(f"{W}val", "").isdigit():
                    overrides[int(override.get(f"{W}ilvl", "0"))] = int(start.get(f"{W}val"))
            if ref is not None:
                numbering.nums[num.get(f"{W}numId")] = (ref.get(f"{W}val"), overrides)
        return numbering

    def label(self, paragraph_element, style_element=None) -> str:
        """The number Word shows before this paragraph ('' when it is not numbered)."""
        num_pr = _num_pr(paragraph_element)
        if num_pr is None and style_element is not None:
            num_pr = _num_pr(style_element)
        if num_pr is None:
            return ""
        num_id = _val(num_pr, "numId")
        try:
            ilvl = int(_val(num_pr, "ilvl") or 0)
        except ValueError:
            return ""
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, [])
        while len(counters) <= ilvl:
            k = len(counters)
            counters.append(overrides.get(k, levels.get(k, _Level()).start) - 1)
        counters[ilvl] += 1
        for k in range(ilvl + 1, len(counters)):      # a higher level restarts the deeper ones
            counters[k] = overrides.get(k, levels.get(k, _Level()).start) - 1
        level = levels[ilvl]
        if level.fmt in ("bullet", "none"):
            return ""
        self.used += 1

        def render(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            fmt = "decimal" if level.legal else levels.get(k, level).fmt
            return format_number(max(1, counters[k]) if 0 <= k < len(counters) else 1, fmt)

        return re.sub(r"%(\d)", render, level.text)


def _num_pr(element):
    ppr = element.find(f"{W}pPr")
    return ppr.find(f"{W}numPr") if ppr is not None else None


def _val(node, tag: str) -> str | None:
    child = node.find(f"{W}{tag}")
    return child.get(f"{W}val") if child is not None else None
