"""Repair what PDF and Word extraction does to Chinese policy texts, and fold text for matching.

Two kinds of text leave this module:

* **display text** (``clean_lines`` + ``repair_paragraph``): the source's own
  characters, with extraction damage undone — spaces inside Chinese runs
  removed, full-width digits and Latin letters made half-width, page numbers,
  repeated running headers/footers, table-of-contents lines and paper
  furniture (收稿日期, 基金项目 …) dropped. Traditional characters stay.
* **match keys** (``match_key``): the same string, character for character
  (so offsets carry over to the display text), with traditional characters
  folded to simplified and every full-width ASCII form made half-width. All
  dictionary, citation and concept matching runs on match keys.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】〔〕「」『』…—·"
TERMINAL = "。！？；：!?;:."
CLOSERS = "”’」』）)】》"

# ----------------------------------------------------------------- character folding


class _WidthTable(dict):
    """str.translate table folding full-width ASCII letters/digits and the ideographic space."""

    def __missing__(self, cp: int) -> int | None:
        value: int | None = cp
        if 0xFF10 <= cp <= 0xFF19 or 0xFF21 <= cp <= 0xFF3A or 0xFF41 <= cp <= 0xFF5A:
            value = cp - 0xFEE0
        elif cp == 0x3000:
            value = 0x20
        self[cp] = value
        return value


class _MatchTable(dict):
    """Folds all full-width ASCII forms and traditional characters, one character to one."""

    def __missing__(self, cp: int) -> int:
        value = cp
        if 0xFF01 <= cp <= 0xFF5E:
            value = cp - 0xFEE0
        elif cp == 0x3000:
            value = 0x20
        elif 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF:
            value = _simplified(cp)
        elif 0x41 <= cp <= 0x5A:
            value = cp + 32
        self[cp] = value
        return value


def _zhconv():
    """zhconv with its dictionary loaded; its loader leaves the file to the GC (a ResourceWarning), so hush that."""
    import warnings

    import zhconv
    from zhconv import zhconv as impl

    if impl.zhcdicts is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            impl.loaddict()
    return zhconv


def _simplified(cp: int) -> int:
    converted = _zhconv().convert(chr(cp), "zh-cn")
    return ord(converted) if len(converted) == 1 else cp


_WIDTH = _WidthTable()
_MATCH = _MatchTable()


def fold_width(text: str) -> str:
    """Full-width digits/letters and U+3000 to ASCII; Chinese punctuation is kept."""
    return text.translate(_WIDTH)


def match_key(text: str) -> str:
    """Same length as ``text``: simplified, half-width, lower-case — for matching only."""
    return text.translate(_MATCH)


# ----------------------------------------------------------------- line cleaning

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\u200b-\u200f\ufeff\u00ad]")
_MARKUP_REF_RE = re.compile(r"\s?\^(\[[\d,\s\-–~]+\]|\{[\d,\s]+\}|[①-⑳])")
_PAGE_NUMBER_RE = re.compile(
    r"^(?:[-—–·\s]*\d{1,4}[-—–·\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|page\s*\d+(\s*of\s*\d+)?)$",
    re.I)
_TOC_TAIL_RE = re.compile(r"(?:\.{3,}|…{2,}|·{3,}|－{2,}|\t|\s{2,})\s*\d{1,4}\s*$")
_TOC_HEAD_RE = re.compile(r"^(?:第[一二三四五六七八九十百零〇\d]+[章节编条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+(?:\.\d+)*\s)")
_TOC_TITLE_RE = re.compile(r"^目\s*录$|^contents$", re.I)
_FURNITURE_RE = re.compile(
    r"^(?:收稿日期|修回日期|基金项目|作者简介|通信作者|通讯作者|中图分类号|文献标志码|文献标识码|文章编号|引用格式|"
    r"DOI|doi|Received|Accepted)\s*[:：]")


# web-page furniture of saved or copied government pages: whole lines that are never text
_WEB_FURNITURE_RE = re.compile(
    r"^(?:[【\[]?\s*(?:扫一扫在手机打开当前页|扫一扫|我要纠错|打印本页|打印|关闭窗口|关闭|收藏|分享到?|保存本页|返回顶部|"
    r"字体\s*[:：]?\s*大\s*中\s*小|字号\s*[:：]?\s*大\s*中\s*小|相关链接|相关文件|网站地图)\s*[】\]]?\s*)+$"
    r"|^(?:责任编辑|浏览次数|访问量|来源|当前位置|您现在的位置|您的位置)\s*[:：].{0,80}$"
    r"|^首页\s*[>＞»›].{0,80}$"
    r"|^<!--.*-->$"
    # the 版记 at the foot of an official document: 抄送/抄报 lines and "…办公室 2022年4月18日印发"
    r"|^(?:抄送|抄报|分送|主题词)\s*[:：].{0,200}$"
    r"|^[\u4e00-\u9fff（）()]{2,40}\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印\s*发$")


def clean_lines(text: str) -> list[str]:
    """Split extracted text into stripped lines ('' for a blank line) with noise removed.

    Removes control characters, LaTeX-like reference markers (``^[1]``),
    page-number lines, table-of-contents lines (a heading followed by dot
    leaders or a page number; the chapter listing of a 目录, labelled or not), paper furniture,
    web-page furniture
    (扫一扫在手机打开当前页, 【我要纠错】, 打印本页, 关闭窗口, 来源：…) and running headers/footers:
    short lines repeated three or more times. A line of ``RUN_ON_MIN`` characters or more is a whole
    text run together and is broken before its own numbering (``split_run_on``).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub("", text)
    text = _MARKUP_REF_RE.sub("", text)
    raw = [fold_width(line).strip() for line in text.split("\n")]
    lines: list[str] = []
    toc: list[str] | None = None          # after a 目录 line: its entries, until the body repeats the first
    for line in raw:
        if line == "\f" or line == "":
            lines.append("")
            continue
        line = line.replace("\f", "").strip()
        if _TOC_TITLE_RE.match(line.replace(" ", "")):
            toc = []
            continue
        if toc is not None:
            key = re.sub(r"[\s.…·]+", "", _TOC_TAIL_RE.sub("", line))
            if toc and key == toc[0]:
                toc = None                # the body begins: its first heading repeats the first entry
            elif _TOC_HEAD_RE.match(line) and len(key) <= 40 and not ends_sentence(line) and len(toc) < 200:
                toc.append(key)
                continue
            else:
                toc = None
        if _is_toc_entry(line):
            continue
        if _PAGE_NUMBER_RE.match(line) or _FURNITURE_RE.match(line) or _WEB_FURNITURE_RE.match(line):
            lines.append("")
            continue
        lines.append(line)
    lines = _drop_unlabeled_toc(_drop_running_heads(lines))
    if any(len(line) >= RUN_ON_MIN for line in lines):
        lines = [piece for line in lines for piece in (split_run_on(line) if len(line) >= RUN_ON_MIN else [line])]
    return lines


_CHAPTER_LINE_RE = re.compile(r"^第[一二三四五六七八九十百零〇\d]+[章编]\s*[^。；，]{1,30}$")


def _drop_unlabeled_toc(lines: list[str]) -> list[str]:
    """A table of contents printed without a 目录 line: the first chapter heading, the next ones right under
    it with nothing between, then the first one again opening the body. The listing is dropped."""
    filled = [i for i, line in enumerate(lines) if line]
    first = next((k for k, i in enumerate(filled) if _CHAPTER_LINE_RE.match(lines[i])), None)
    if first is None:
        return lines
    key = re.sub(r"\s+", "", lines[filled[first]])
    run = first + 1
    while run < len(filled) and _CHAPTER_LINE_RE.match(lines[filled[run]]) \
            and re.sub(r"\s+", "", lines[filled[run]]) != key:
        run += 1
    if run - first < 2 or run >= len(filled) or re.sub(r"\s+", "", lines[filled[run]]) != key:
        return lines
    listing = set(filled[first:run])
    return ["" if i in listing else line for i, line in enumerate(lines)]


RUN_ON_MIN = 1500     # a line this long is a whole text run together (newlines lost in a copy), not a paragraph
_INLINE_HEAD_RE = re.compile(
    r"(?<=[。；：！？!?;:\s])\s*(?=(第([一二三四五六七八九十百零〇]+|\d+)([章节条])|([一二三四五六七八九十]+)、|"
    r"[（(]([一二三四五六七八九十]+)[）)]))")


def split_run_on(line: str) -> list[str]:
    """A text whose newlines were lost: break it before its own numbering (第N章, 第N条, 一、, （一）).

    Only numbers in sequence break (1, or the previous of the same kind + 1), so a 第三条 cited
    inside a sentence stays text.
    """
    from corpus.numbering import cn_to_int

    last: dict[str, int] = {}
    cuts = []
    for m in _INLINE_HEAD_RE.finditer(line):
        if m.group(2):
            kind, number = m.group(3), m.group(2)
        elif m.group(4):
            kind, number = "、", m.group(4)
        else:
            kind, number = "（）", m.group(5)
        try:
            n = cn_to_int(number)
        except ValueError:
            continue
        if n == 1 or n == last.get(kind, 0) + 1:
            last[kind] = n
            cuts.append(m.end())
    if len(cuts) < 3:
        return [line]
    pieces = [line[a:b].strip() for a, b in zip([0] + cuts, cuts + [len(line)])]
    return [p for p in pieces if p]


def _is_toc_entry(line: str) -> bool:
    """A table-of-contents line: dot leaders before a page number, or a short heading ending in one."""
    tail = _TOC_TAIL_RE.search(line)
    if not tail:
        return False
    if re.search(r"\.{3,}|…{2,}|·{3,}", tail.group(0)):
        return True
    return bool(_TOC_HEAD_RE.match(line)) and len(line) < 60 and line.count("\t") <= 1

def _drop_running_heads(lines: list[str]) -> list[str]:
    counts = Counter(line for line in lines if line)
    repeated = {line for line, n in counts.items()
                if n >= 3 and len(line) <= 40 and not line.endswith(tuple(TERMINAL)) and not line.startswith(("表", "Tab"))}
    if not repeated:
        return lines
    return ["" if line in repeated else line for line in lines]


# ----------------------------------------------------------------- paragraph repair

_SPACE_IN_CJK_RE = re.compile(
    rf"(?<=[{CJK}{CJK_PUNCT}])[ \t\u00a0]+(?=[{CJK}{CJK_PUNCT}\d%])|(?<=[\d%])[ \t\u00a0]+(?=[{CJK}{CJK_PUNCT}])")
_MULTI_SPACE_RE = re.compile(r"[ \t\u00a0]{2,}")


def repair_paragraph(text: str) -> str:
    """Remove spaces PDF extraction puts inside Chinese runs (``2020 年底`` -> ``2020年底``)."""
    text = _SPACE_IN_CJK_RE.sub("", text)
    return _MULTI_SPACE_RE.sub(" ", text).strip()


def join_lines(first: str, second: str) -> str:
    """Join a line broken by wrapping: a space only between two Latin words."""
    if not first:
        return second
    if first[-1].isascii() and first[-1].isalnum() and second[:1].isascii() and second[:1].isalnum():
        return first + " " + second
    if first.endswith("-") and second[:1].isascii():
        return first + second
    if first[-1] in ",.;:" and second[:1].isascii():
        return first + " " + second
    return first + second


def ends_sentence(text: str) -> bool:
    """True when text ends with sentence-final punctuation (closing quotes allowed after it)."""
    stripped = text.rstrip(CLOSERS + " ")
    if bool(stripped) and stripped[-1] in TERMINAL or text.rstrip().endswith(("。”", "。）", "。)")):
        return True
    return _ends_with_note(text.rstrip())


def _ends_with_note(text: str) -> bool:
    """A parenthesized note after a full sentence ends it too: ``…能力。（农业农村部等负责）``."""
    if not text.endswith(("）", ")")):
        return False
    opener = max(text.rfind("（"), text.rfind("("))
    return opener > 0 and text[opener - 1] in "。！？；!?;"


def is_cjk_text(text: str) -> bool:
    cjk = sum(1 for ch in text if unicodedata.category(ch) == "Lo" and "\u3400" <= ch <= "\u9fff")
    return cjk * 3 >= len(text.strip()) if text.strip() else False
