"""Cleaned lines -> a clause tree with Akoma-Ntoso-style paths (docs/architecture.md, "Ids").

The parser walks the lines once. Headings are recognized by ``numbering``;
their nesting comes from a stack of styles in order of appearance (a style seen
again closes everything opened after it), which fits the free mix of
第X章 / 一、 / （一） / 1. of Chinese texts. Text lines are joined into
paragraphs, repairing wrapped lines and page breaks: a line continues the
previous one unless the previous ends a sentence or is clearly short. Articles
(第N条) keep their whole text (all 款) in one clause and are numbered through
the document, so their path is ``art_N`` whatever chapter holds them; a 款
that follows an article's items is the article's own paragraph
(``art_N__para_K``, K its 款 number), never part of the last item.

A paragraph ending in a parenthesis that follows a full sentence
(``…。（农业农村部等负责）``) is ended there, never glued to the next. Items (（一）) may be numbered straight across
sections. An attachment (a ``附件N`` line, or a document attached after the
closing signature, see ``corpus.titleblock``) opens its own subtree
``annex_N`` with its own article numbering.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.normalize import ends_sentence, join_lines, repair_paragraph
from corpus.numbering import (ARTICLE_KINDS, FIGURE_EN_LINES, FIGURE_LINES, LABEL_LINES, STOP_LINES, TABLE_CAPTION_EN, HeadingMatch,
                              is_strict, match_heading)
from corpus.titleblock import INLINE_ANNEX_RE

ANNEX_RE = re.compile(r"^附\s*件\s*(\d{1,2}|[一二三四五六七八九十]{1,3})?\s*[:：]?$")
ANNEX_NOTE_RE = re.compile(r"^附\s*件\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})?\s*[:：]\s*\S.{0,80}$")
SHORT_LINE = 15         # a line this short that ends without punctuation is a label, not wrapped text
LIST_MARKS = set("①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳-•·▪●◆■")
LIST_STYLES = ("dot", "paren", "halfparen")
PROSE_MIN = 120         # a paragraph this long ending a sentence is prose, not a cell of a flattened table
TITLE_MAX = 40          # a numbered line longer than this without 。 is content, not a title


def title_max(text: str) -> int:
    """Longest plausible heading title: 40 characters of Chinese, 160 of English."""
    return TITLE_MAX if not text.isascii() else 4 * TITLE_MAX


@dataclass
class Node:
    """One clause before it becomes a ``corpus.model.Clause``."""

    path: str
    heading: str                     # numbering + title, e.g. "（一）历史遗留废弃矿山修复"
    title: str = ""
    parts: list[str] = field(default_factory=list)
    parent: "Node | None" = None
    style: str = ""
    numbers: tuple[int, ...] = ()
    para_count: int = 0
    last_child: dict[str, int] = field(default_factory=dict)   # style -> last number among its children
    tab_rows: int = 0                  # tables: rows read from tab-separated lines
    has_children: bool = False

    @property
    def text(self) -> str:
        return "\n".join(p for p in self.parts if p) or self.title

    def heading_path(self) -> list[str]:
        chain, node = [], self
        while node is not None:
            chain.append(node.heading)
            node = node.parent
        return list(reversed(chain))


class _Parser:
    def __init__(self, lines: list[str], annex_starts: dict[int, str] | None = None) -> None:
        self.lines = lines
        self.annex_starts = annex_starts or {}
        self.annexes = 0
        self.last_seen: dict[str, int] = {}   # style -> last number accepted anywhere (items across sections)
        self.nodes: list[Node] = []
        self.paths: set[str] = set()
        self.stack: list[Node] = []
        self.buffer: list[str] = []         # lines of the paragraph being assembled
        self.buffer_owner: Node | None = None  # the heading whose own text the buffer continues
        self.last_article = 0
        self.preamble_count = 0
        self.in_tab_table = False
        self.bridging = False               # a blank line interrupted a sentence: join across it
        self.root_last_child: dict[str, int] = {}
        self.open_para: Node | None = None     # an article's 款 after its items: a second list may follow
        lengths = sorted(len(line) for line in lines if len(line) > 8)
        self.width = lengths[int(len(lengths) * 0.8)] if lengths else 40

    # ------------------------------------------------------------ paragraphs
    def flush(self) -> None:
        if not self.buffer:
            return
        text = repair_paragraph(self._joined())
        owner = self.buffer_owner
        self.buffer, self.buffer_owner, self.bridging = [], None, False
        if not text:
            return
        if owner is not None:
            owner.parts.append(text)
            return
        parent = self.stack[-1] if self.stack else None
        if parent is not None and parent.style == "table" and not parent.tab_rows \
                and len(text) >= PROSE_MIN and ends_sentence(text):
            self.stack.pop()               # long prose after a table without tab rows: the table has ended
            parent = self.stack[-1] if self.stack else None
        article = next((node for node in reversed(self.stack) if node.style in ARTICLE_KINDS), None)
        if article is not None and parent is not article and parent.style != "table":
            while self.stack[-1] is not article:    # a 款 after the items: the article's, not the last item's
                self.stack.pop()
            parent = article
        if parent is not None and parent.style in ARTICLE_KINDS:
            if not parent.has_children:
                parent.parts.append(text)      # 款 of an article stay in the article
                return
            number = len(parent.parts) + parent.para_count + 1
            parent.para_count += 1
            self.open_para = Node(self._unique(f"{parent.path}__para_{number}"), f"第{number}款", parts=[text],
                                  parent=parent, style="para")
            self.nodes.append(self.open_para)
            return
        self.add_paragraph(text, parent)

    def _joined(self) -> str:
        text = ""
        for line in self.buffer:
            text = join_lines(text, line)
        return text

    def add_paragraph(self, text: str, parent: Node | None) -> None:
        if parent is None:
            self.preamble_count += 1
            path = f"preamble__para_{self.preamble_count}"
            heading = "preamble"
        else:
            parent.para_count += 1
            path = f"{parent.path}__para_{parent.para_count}"
            heading = f"¶{parent.para_count}"
        node = Node(self._unique(path), heading, parts=[text], parent=parent, style="para")
        self.nodes.append(node)

    def continues(self, line: str) -> bool:
        """Does ``line`` continue the paragraph in the buffer (no blank line between)?

        Wrapped lines do, unless the previous line ends a sentence, is a short
        label, or the new line starts a list item (①, -, •).
        """
        if not self.buffer:
            return False
        if self.bridging:
            return True
        last = self.buffer[-1]
        if ends_sentence(last) or len(last) < SHORT_LINE or line[:1] in LIST_MARKS:
            return False
        if last[-1] in "）)" and len(last) < 0.9 * self.width:
            return False        # a short line closing a parenthesis (（…负责）) ends its paragraph
        return True

    def blank(self) -> None:
        """A blank line ends the paragraph unless it interrupts a sentence (a page break)."""
        if not self.buffer:
            return
        last = self.buffer[-1]
        if ends_sentence(last) or len(last) < SHORT_LINE:
            self.flush()
        else:
            self.bridging = True

    # ------------------------------------------------------------ headings
    def accept(self, m: HeadingMatch, line: str, nxt: str = "") -> bool:
        """Plausibility: numbers in sequence, titles short, tables only at a caption."""
        if m.kind in ARTICLE_KINDS:
            return m.numbers[0] > self.last_article
        if m.kind == "table":
            return len(line) <= 80 and not ends_sentence(line)
        if is_strict(m.style) and (len(m.rest) > title_max(m.rest) or ends_sentence(m.rest) or "。" in m.rest):
            return False
        if m.style.startswith("multi"):
            prefix = m.numbers[:-1]
            owner = self._find_numbered(prefix)
            if owner is None:
                return False
        previous = self._previous_number(m.style)
        if previous is None:        # a sibling list interrupted by a table or a closed item keeps counting
            owner = next((node for node in reversed(self.stack) if node.style != "table"), None)
            previous = (owner.last_child if owner else self.root_last_child).get(m.style)
        n = m.numbers[-1]
        para = self.open_para
        if previous is not None and n == 1 and m.kind == "item" and para is not None and self.stack \
                and self.stack[-1] is para.parent:
            self.stack.append(para)     # a second （一） list after a later 款: that 款's items (art_5__para_3__item_1)
            return True
        if previous is None and n > 1 and m.kind == "item" and self.last_seen.get(m.style) == n - 1:
            return True         # （一）…（二十） numbered straight across the sections
        if previous is None:
            return n == 1 or (not is_strict(m.style) and n <= 2 and m.kind in ("chap", "book", "subchap"))
        if m.kind in ("book", "chap") and n > previous and len(m.rest) <= 20 and not ends_sentence(m.rest) \
                and (match_heading(nxt) or m).kind in ARTICLE_KINDS:
            return True       # a later chapter over its first article: chapters left out between (a digest's)
        return n == previous + 1 or (not is_strict(m.style) and n == previous + 2)

    def _previous_number(self, style: str) -> int | None:
        for node in reversed(self.stack):
            if node.style == style:
                return node.numbers[-1]
        return None

    def _find_numbered(self, numbers: tuple[int, ...]) -> Node | None:
        for node in reversed(self.stack):
            if node.style in ("bare", "dot", f"multi{len(numbers)}") and node.numbers == numbers:
                return node
        return None

    def open_heading(self, m: HeadingMatch, line: str, next_line: str) -> None:
        self.flush()
        while self.stack and self.stack[-1].style == "table":
            self.stack.pop()
        if m.kind == "table":      # a table after a list belongs to the list's section, not its last item
            while self.stack and self.stack[-1].style in LIST_STYLES and self.stack[-1].parts:
                self.stack.pop()
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].style == m.style:
                del self.stack[i:]
                break
        if m.style.startswith("multi"):
            owner = self._find_numbered(m.numbers[:-1])
            while self.stack and self.stack[-1] is not owner:
                self.stack.pop()
        if m.kind in ("book", "chap", "subchap"):
            # a chapter never sits inside an article (a law whose 第一章 heading is missing opens 第二章 after 第八条)
            first_article = next((k for k, node in enumerate(self.stack) if node.style in ARTICLE_KINDS), None)
            if first_article is not None:
                del self.stack[first_article:]
        parent = self.stack[-1] if self.stack else None
        if m.kind in ARTICLE_KINDS:
            self.last_article = m.numbers[0]
            annex = next((node for node in self.stack if node.style == "annex"), None)
            path = f"{annex.path}__{m.segment}" if annex else m.segment
        else:
            path = f"{parent.path}__{m.segment}" if parent else m.segment
        title, inline = self._split_title(m, next_line)
        title = repair_paragraph(title)       # 总　　则 -> 总则
        spaced = m.kind in ("chap", "book", "subchap", "table", *ARTICLE_KINDS) or m.label[-1:].isascii()
        heading = f"{m.label} {title}".strip() if spaced else f"{m.label}{title}"
        node = Node(self._unique(path), heading, title=title, parent=parent, style=m.style, numbers=m.numbers)
        (parent.last_child if parent else self.root_last_child)[m.style] = m.numbers[-1]
        self.last_seen[m.style] = m.numbers[-1]
        if parent is not None:
            parent.has_children = True
        self.nodes.append(node)
        self.stack.append(node)
        self.open_para = None
        self.in_tab_table = False
        if inline:
            self.buffer, self.buffer_owner = [inline], node

    def _split_title(self, m: HeadingMatch, next_line: str) -> tuple[str, str]:
        """(title, inline text) of a numbered line."""
        rest = m.rest
        if m.kind in ("chap", "book", "subchap", "table"):
            return rest, ""
        if m.kind in ARTICLE_KINDS:
            if rest.startswith(("【", "[")) and ("】" in rest or "]" in rest):
                close = rest.index("】") if "】" in rest else rest.index("]")
                return rest[1:close].strip(), rest[close + 1:].strip()
            return "", rest
        if any(node.style in ARTICLE_KINDS for node in self.stack):
            return "", rest           # an article's items are list entries with no titles of their own
        for mark in ("。", "：", ":"):
            pos = rest.find(mark)
            if 0 < pos <= title_max(rest) and pos < len(rest) - 1:
                return rest[:pos], rest
        if len(rest) <= title_max(rest) and rest.endswith("。") and next_line and match_heading(next_line) is None:
            return rest[:-1], ""      # "（二）建立健全……工作机制。" followed by its paragraphs
        if ends_sentence(rest) or len(rest) > title_max(rest) or rest.endswith(("，", "、", ",")):
            return "", rest           # a sentence, or a line wrapped in mid-sentence: text, not a title
        return rest, ""

    def open_annex(self, i: int) -> int:
        """An attachment: a subtree of its own, numbered anew; its title is the next short line."""
        self.flush()
        self.stack.clear()
        self.annexes += 1
        self.last_article = 0
        self.root_last_child = {}
        self.last_seen = {}
        line = self.lines[i]
        inline = INLINE_ANNEX_RE.match(line.replace(" ", ""))
        if ANNEX_RE.match(line):
            label, title, j = line, "", i + 1
        elif inline:                  # 附件1：矿山生态修复验收办法
            label, title, j = f"附件{inline.group(1)}", inline.group(2).strip(), i + 1
        else:
            label, title, j = "", line, i + 1
        if not title:
            k = next((x for x in range(i + 1, min(len(self.lines), i + 4)) if self.lines[x]), None)
            candidate = self.lines[k] if k is not None else ""
            if candidate and len(candidate) <= 60 and not ends_sentence(candidate) and "。" not in candidate \
                    and match_heading(candidate) is None and not ANNEX_RE.match(candidate):
                title, j = candidate, k + 1
        heading = " ".join(x for x in (label, title) if x)
        node = Node(self._unique(f"annex_{self.annexes}"), heading, title=title, style="annex")
        self.nodes.append(node)
        self.stack.append(node)
        return j

    def _annex_follows(self, i: int) -> bool:
        """Does an attachment begin among the next non-blank lines after the note at line ``i``?"""
        following = [x for x in range(i + 1, min(len(self.lines), i + 6)) if self.lines[x]][:2]
        return any(x in self.annex_starts or ANNEX_RE.match(self.lines[x]) for x in following)

    def _unique(self, path: str) -> str:
        candidate, k = path, 1
        while candidate in self.paths:
            k += 1
            candidate = f"{path}_v{k}"
        self.paths.add(candidate)
        return candidate

    # ------------------------------------------------------------ main loop
    def run(self) -> list[Node]:
        lines = self.lines
        i = 0
        while i < len(lines):
            line = lines[i]
            nxt = next((x for x in lines[i + 1:i + 3] if x), "")
            if not line:
                self.blank()
                i += 1
                continue
            if STOP_LINES.match(line):
                break
            if i in self.annex_starts or ANNEX_RE.match(line):
                i = self.open_annex(i)
                continue
            if ANNEX_NOTE_RE.match(line) and self._annex_follows(i) \
                    and any(node.style in ARTICLE_KINDS for node in self.stack):
                self.flush()          # 附件：矿产资源分类细目 under the last article names the attachment printed
                i += 1                # next: it is no 款 of that article (a notice's listing stays its text)
                continue
            if LABEL_LINES.match(line) or FIGURE_EN_LINES.match(line) \
                    or FIGURE_LINES.match(line) and len(line) < 70 and not ends_sentence(line):
                self.flush()
                i += 1
                continue
            m = match_heading(line)
            if m is not None and self.bridging and m.kind not in (*ARTICLE_KINDS, "table", "chap") \
                    and not any(node.style == m.style for node in self.stack):
                m = None          # a new numbering level right after a page break inside a sentence is text
            if m is not None and self.accept(m, line, nxt):
                if m.kind not in (*ARTICLE_KINDS, "table") and m.rest and not ends_sentence(m.rest) \
                        and len(line) >= 0.8 * self.width and nxt and len(nxt) < 0.4 * self.width \
                        and match_heading(nxt) is None and not ends_sentence(nxt):
                    m.rest += nxt          # a heading wrapped onto the next line
                    i = lines.index(nxt, i + 1)
                    nxt = next((x for x in lines[i + 1:i + 3] if x), "")
                self.open_heading(m, line, nxt)
                if m.kind == "table":
                    while i + 1 < len(lines) and (not lines[i + 1] or TABLE_CAPTION_EN.match(lines[i + 1])):
                        i += 1
                i += 1
                continue
            if "\t" in line and self.stack and self.stack[-1].style == "table":
                self.flush()
                cells = [c.strip() for c in line.split("\t") if c.strip()]
                self.add_paragraph(repair_paragraph(" | ".join(cells)), self.stack[-1])
                self.stack[-1].tab_rows += 1
                self.in_tab_table = True
                i += 1
                continue
            if "\t" in line:
                line = " | ".join(c.strip() for c in line.split("\t") if c.strip())
            if self.in_tab_table:
                self.in_tab_table = False
                self.stack.pop()          # the first prose line after tab rows ends the table
            if self.buffer and not self.continues(line):
                self.flush()
            self.buffer.append(line)
            self.bridging = False
            i += 1
        self.flush()
        return self.nodes


def parse_structure(lines: list[str], annex_starts: dict[int, str] | None = None) -> list[Node]:
    """Clause nodes in reading order; paths are unique within the document.

    ``annex_starts``: line indexes where an attached document begins (found after the closing signature).
    """
    return _Parser(lines, annex_starts).run()
