"""Read the title block and the closing block of a policy text: title, 文号, issuer(s) and dates.

Where each is printed in real files:

* a gov.cn metadata table (索引号 / 发文机关 / 发文字号 / 成文日期 / 标题 …, cells split by tabs);
* a red-header line (``山西省自然资源厅文件``), the title, possibly wrapped over two lines, then a 文号
  line, an issuer line, a date line;
* the law database's adoption and promulgation lines (``2011年3月5日 中华人民共和国国务院令第592号公布``,
  ``1986年3月19日 第六届全国人民代表大会常务委员会第十五次会议通过``, ``…第一次修正``, ``2004年3月1日 施行``);
* a salutation (各省、自治区、直辖市人民政府，国务院各部委、各直属机构：);
* a standard's cover (ICS, 中华人民共和国国家标准, ``GB/T 12345—2020``, title, English title,
  ``2020-03-06发布 2020-10-01实施``, the issuing bodies);
* a 令 cover page (``自然资源部令`` / ``第12号`` / ``《…》已经…通过，现予公布…`` / ``部长 …`` / date);
* the closing signature (one or more issuers) over a date, in Arabic or Chinese numerals
  (二〇〇四年一月十六日), possibly followed by （此件公开发布） and an attached document.

Every line read here is consumed (it is metadata, not a clause). Each value found records where it came
from (``origin``): ``gov_table``, ``order_cover``, ``standard_cover``, ``title_block``, ``promulgation``, ``closing_block``
or ``title``.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

from corpus.numbering import cn_to_int

_CN_YEAR_DIGITS = {"〇": "0", "○": "0", "零": "0", "O": "0", "Ｏ": "0", "一": "1", "二": "2", "三": "3", "四": "4",
                   "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
DATE_PATTERN = (r"(?:((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
                r"|([一二〇○零OＯ三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日)")
DATE_RE = re.compile(DATE_PATTERN)
MONTH_LINE_RE = re.compile(r"^((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月$")
NUMBER_PATTERN = (r"(?:[\u4e00-\u9fff]{1,12}[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,4}\s*号"
                  r"|(?:中华人民共和国)?(?:国务院|主席|[\u4e00-\u9fff]{2,12}(?:部|委员会|总局|局|署))令\s*"
                  r"(?:第\s*)?[\d一二三四五六七八九十百零〇]{1,6}\s*号"
                  r"|(?:GB|GB/T|GB/Z|TD/T|HJ|DZ/T|LY/T|DB\d{2}(?:/T)?)\s*\d{2,6}(?:\.\d+)?\s*[-—–]\s*(?:19|20)\d{2})")
NUMBER_RE = re.compile(NUMBER_PATTERN)
ISSUER_SUFFIX_RE = re.compile(
    r"(?:委员会|常委会|人民代表大会|人民政府|办公厅|办公室|国务院|中共中央|[部厅局委署院]|管理局|中心|银行|总局|政府)$")
EVENT_RE = re.compile(r"[（(]?\s*" + DATE_PATTERN + r"\s*(.*?)(通过|公布|发布|施行|实施|修正|修订|批准|颁布)\s*[）)]?")
_SALUTATION_RE = re.compile(r"^(?!.*(?:如下|根据|为了|现将|现就|按照|经研究))(?:各|有关|[\u4e00-\u9fff]{2,14}"
                            r"(?:人民政府|厅|局|委员会)[，、])[^。]{0,120}"
                            r"(?:人民政府|部委|直属机构|单位|部门|委员会|厅|局|党委|团体|机构|政府)[)）]?[:：]$")
_TABLE_LABEL_RE = re.compile(r"^(索引号|主题分类|发文机关|发文单位|发布机构|成文日期|发文日期|印发日期|标题|名称|文件名称|"
                             r"发文字号|发布日期|主题词|有效性|文号|来源|公开方式|公开范围)\s*[:：]\s*(.*)$")
_TABLE_FIELDS = {"发文机关": "issuer", "发文单位": "issuer", "发布机构": "issuer", "成文日期": "issued",
                 "发文日期": "issued", "印发日期": "issued", "标题": "title", "名称": "title", "文件名称": "title",
                 "发文字号": "number", "文号": "number"}
INLINE_ANNEX_RE = re.compile(r"^附件(\d{1,2}|[一二三四五六七八九十]{1,3})[:：.．、]?([^:：]{2,60})$")
_SEAL_RE = re.compile(r"^[（(](?:盖章|印章|公章|章|签章|印)[）)]$")
PUBLIC_NOTE_RE = re.compile(r"^[（(]此件[^）)]{0,12}[）)]$")
_TITLE_ENDS = ("法", "条例", "规定", "办法", "细则", "意见", "通知", "决定", "规划", "方案", "纲要", "标准", "规范",
               "指南", "公告", "通告", "批复", "函", "报告", "规则", "计划", "决议", "措施", "要点", "目录", "清单")
_TITLE_NOTE_RE = re.compile(r"[（(](?:[^）)]{0,16}年[^）)]{0,4}|试行|暂行|征求意见稿|送审稿|草案|修订稿?|\d{4}年修订)[）)]")
_CONNECTORS = ("和", "及", "与", "暨", "并", "、", "的", "等")   # a wrapped title's second line may open with one
_TITLE_KINDS_RE = re.compile("(?:" + "|".join(_TITLE_ENDS) + r")(?:[（(][^）)]*[）)])?$")


@dataclass
class Block:
    values: dict[str, Any] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)
    consumed: set[int] = field(default_factory=set)
    annex_starts: dict[int, str] = field(default_factory=dict)   # line index -> title of an attached document

    def put(self, key: str, value: Any, origin: str) -> None:
        if value not in (None, "") and key not in self.values:
            self.values[key] = value
            self.origin[key] = origin


def parse_date(text: str) -> str | None:
    """The first full date in ``text`` as ISO (2011年3月5日, 二〇〇四年一月十六日), or None."""
    m = DATE_RE.search(text)
    return _iso_match(m) if m else None


def _iso_match(m: re.Match[str]) -> str | None:
    try:
        if m.group(1):
            return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        year = int("".join(_CN_YEAR_DIGITS[ch] for ch in m.group(4)))
        return _dt.date(year, cn_to_int(m.group(5)), cn_to_int(m.group(6))).isoformat()
    except (ValueError, KeyError):
        return None


def squeeze(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", text)


def normalize_order_number(text: str) -> str:
    """中华人民共和国国务院令第592号 -> 国务院令第592号; Chinese numerals of an order number made Arabic."""
    text = squeeze(text)
    text = re.sub(r"^中华人民共和国", "", text)
    m = re.match(r"^(.*令)第?([一二三四五六七八九十百零〇]+)号$", text)
    if m:
        return f"{m.group(1)}第{cn_to_int(m.group(2))}号"
    return re.sub(r"令(\d)", r"令第\1", text)


def looks_like_title(line: str) -> bool:
    if len(line) < 4 or len(line) > 120 or line.startswith(("[", "【", "(", "（", "摘", "关键")):
        return False
    if any(mark in line for mark in "，。；：:") or re.match(r"^[\d一二三四五六七八九十第]", line):
        return False
    if DATE_RE.search(line) or NUMBER_RE.fullmatch(squeeze(line)):
        return False
    return not line.lower().startswith(("abstract", "keywords"))


def is_date_line(line: str) -> str | None:
    s = squeeze(line)
    m = DATE_RE.fullmatch(s)
    return _iso_match(m) if m else None


def issuers_in(line: str) -> list[str]:
    """The issuing bodies a short signature line names (自然资源部　财政部 -> two), or []."""
    if len(line) > 60 or any(mark in line for mark in "，。；：:《"):
        return []
    parts = [p for p in re.split(r"[\s\u3000、]+", line.strip()) if p]
    if not parts or not all(2 <= len(p) <= 30 and ISSUER_SUFFIX_RE.search(p) for p in parts):
        return []
    return parts


def signers_in(line: str) -> list[str]:
    """issuers_in, also for a line PDF extraction spaced out character by character (国 务 院)."""
    found = issuers_in(line)
    if found or not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff] [\u4e00-\u9fff]", line):
        return found
    return issuers_in(re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", line))


def _is_number_line(line: str) -> str | None:
    s = squeeze(line).strip("（）()")
    return s if NUMBER_RE.fullmatch(s) else None


def read_table(lines: list[str], block: Block) -> None:
    """gov.cn's metadata table: label cells ending in ：, each followed by its value cell."""
    for i, line in enumerate(lines[:60]):
        cells = [c.strip() for c in line.split("\t") if c.strip()] if "\t" in line else [line]
        label, found = None, False
        for cell in cells:
            m = _TABLE_LABEL_RE.match(squeeze(cell))
            if m:
                label, found = m.group(1), True
                if m.group(2):
                    _table_value(block, label, m.group(2))
                    label = None
            elif label:
                _table_value(block, label, cell)
                label = None
        if found:
            block.consumed.add(i)


def _table_value(block: Block, label: str, value: str) -> None:
    key = _TABLE_FIELDS.get(label)
    value = value.strip()
    if key == "issued":
        value = parse_date(squeeze(value)) or ""
    elif key == "title":
        value = re.sub(r"\s+", " ", value).strip()
    elif key == "issuer":
        value = "、".join(issuers_in(value)) or squeeze(value)
    elif key == "number":
        value = squeeze(value)
    if key:
        block.put(key, value, "gov_table")


# ``…会议通过的《关于修改〈…〉的决定》修正`` / ``…会议批准的《…的决定》修正``: the decision's title sits between
# the session and the event; the session's body adopted (通过) or approved (批准) the amendment
_DECISION_RE = re.compile(r"(通过|批准)的(《[^》]*》)(?=\s*(?:第[一二三四五六七八九十\d]+次)?(?:修正|修订))")


def read_events(line: str) -> list[tuple[str, str, str]]:
    """(ISO date, body, event) of an adoption/promulgation line, or [] when the line is anything else.

    An amendment approved by another body (``…批准的《…决定》修正``) gives two events: the approval
    (批准, by the approving body) and the revision (修正, with no body of its own)."""
    approved = {m.group(2) for m in _DECISION_RE.finditer(line) if m.group(1) == "批准"}
    line = _DECISION_RE.sub(r"\2", line)
    events = []
    for m in EVENT_RE.finditer(line):
        date = _iso_match(m)
        if date is None:
            return []
        body, event = m.group(7).strip(), m.group(8)
        if event in ("修正", "修订") and any(title in body for title in approved):
            events.append((date, body.split("《", 1)[0], "批准"))
            body = ""
        events.append((date, body, event))
        events.extend((_iso_match(d), "", event) for d in DATE_RE.finditer(body) if _iso_match(d))  # 2 sessions
    rest = len(squeeze(EVENT_RE.sub("", line)).strip("（）()"))
    return events if events and rest <= 12 else []


_SESSION_RE = re.compile(r"第[一二三四五六七八九十百零〇\d]+(?:届|次)")


def body_issuer(body: str) -> str:
    """第十三届全国人民代表大会常务委员会第五次会议 -> 全国人民代表大会常务委员会; 国务院第145次常务会议 -> 国务院;
    two sessions (最高人民法院审判委员会第1699次会议、最高人民检察院…检察委员会…会议) -> both organs."""
    names = []
    for part in re.split(r"(?<=会议)[、和]", squeeze(body.split("《", 1)[0])):
        part = re.sub(r"第[一二三四五六七八九十百零〇\d]+次(?:常务|全体)?会议.*$", "", DATE_RE.sub("", part, count=1))
        part = _SESSION_RE.sub("", part)
        part = re.sub(r"^中华人民共和国(?=国务院)", "", part)
        part = re.sub(r"^(最高人民(?:法院|检察院))(?:审判|检察)委员会$", r"\1", part)   # the organ, not its committee
        names.append(part if 2 <= len(part) <= 30 and ISSUER_SUFFIX_RE.search(part) else "")
    return "、".join(dict.fromkeys(names)) if all(names) else ""


def apply_events(events: list[tuple[str, str, str]], block: Block, text: str) -> None:
    """Issuer, 文号, issued and in-force dates from the adoption/promulgation lines."""
    promulgated = [(d, b) for d, b, e in events if e in ("公布", "颁布", "发布")]
    adopted = [(d, b) for d, b, e in events if e in ("通过", "修正", "修订")]
    revised = [d for d, b, e in events if e in ("修正", "修订")]
    # the latest 令 gives the text's 文号 and date: a regulation revised by a new order (``2021年7月2日
    # 国务院令第743号第三次修订``) is that order's text; an order's 《…决定》 revising many is not this text's number
    orders = []
    for date, body, event in events:
        promulgates = event in ("公布", "颁布", "发布") or (event in ("修正", "修订") and "《" not in body)
        number = NUMBER_RE.search(squeeze(body)) if promulgates else None
        if number and "令" in number.group(0):
            orders.append((date, normalize_order_number(number.group(0))))
    for date, order in sorted(orders, reverse=True):
        block.put("number", order, "promulgation")
        issuer = order.split("令", 1)[0]
        if issuer not in ("主席",):
            block.put("issuer", issuer, "promulgation")
    for date, body in sorted(adopted, reverse=True):
        block.put("issuer", body_issuer(body), "promulgation")
    if promulgated or orders:
        block.put("issued", max(d for d, _ in promulgated + orders), "promulgation")
    elif adopted:
        block.put("issued", max(d for d, _ in adopted), "promulgation")
    in_force = [d for d, b, e in events if e in ("施行", "实施")]
    if in_force:
        block.put("in_force_from", max(in_force), "promulgation")
    elif promulgated and IN_FORCE_AT_ISSUE_RE.search(text):
        block.put("in_force_from", max(d for d, _ in promulgated), "text")
    if revised:
        block.values["_latest_revision"] = max(revised)
    approvers = [body_issuer(b) for d, b, e in sorted(events, reverse=True) if e == "批准" and body_issuer(b)]
    if approvers:
        block.values["_approved_by"] = approvers[0]     # a provincial congress approving a city's or county's act


IN_FORCE_AT_ISSUE_RE = re.compile(r"自(?:公布|发布|颁布|印发)之日起(?:施行|实施|生效|执行)")


def _header_issuers(line: str) -> list[str]:
    """The issuers of a red header, spaced out or not (国 务 院 文 件, 自然资源部 财政部文件)."""
    head = line[:line.rfind("文")].strip()
    return signers_in(head) or issuers_in(squeeze(head))


TITLE_WITHIN = 3      # the title is among the first non-blank lines not read as something else


def read_head(lines: list[str], block: Block) -> None:
    """The title and the lines under it, up to the first line of the body."""
    seen = 0
    gov_title = squeeze(block.values.get("title", ""))
    events: list[tuple[str, str, str]] = []
    i = 0
    while i < len(lines) and seen < 16:
        line = lines[i]
        if not line or i in block.consumed:
            i += 1
            continue
        seen += 1
        if line.count("《") > line.count("》") and DATE_RE.match(squeeze(line).lstrip("（(")):
            # an adoption line broken inside a 《》 title: its other half is the next non-blank line
            j = next((x for x in range(i + 1, min(len(lines), i + 4)) if lines[x]), None)
            if j is not None and read_events(line + lines[j]):
                events.extend(read_events(line + lines[j]))
                block.consumed.update((i, j))
                i = j + 1
                continue
        number = _is_number_line(line)
        header = _HEADER_RE.match(squeeze(line)) if seen <= 2 and "title" not in block.values else None
        signers = _header_issuers(line) if header else []
        if signers:
            block.put("issuer", "、".join(signers), "title_block")
            block.consumed.add(i)         # the red header (版头) 山西省自然资源厅文件
        elif number:
            from corpus.metadata import normalize_number

            block.put("number", normalize_order_number(number) if "令" in number else normalize_number(number),
                      "title_block")
            block.consumed.add(i)
        elif gov_title and "_title_read" not in block.values and gov_title.startswith(squeeze(line)):
            i = _consume_title(lines, i, block, gov_title)
            continue
        elif "title" not in block.values and seen <= TITLE_WITHIN and looks_like_title(line):
            i = _consume_title(lines, i, block, "")
            continue
        elif read_events(line):
            events.extend(read_events(line))
            block.consumed.add(i)
        elif "title" in block.values and is_date_line(line) and "issued" not in block.values:
            block.put("issued", is_date_line(line), "title_block")
            block.consumed.add(i)
        elif "title" in block.values and MONTH_LINE_RE.match(squeeze(line)) and "issued" not in block.values:
            year, month = MONTH_LINE_RE.match(squeeze(line)).groups()
            if 1 <= int(month) <= 12:
                block.put("issued", f"{int(year):04d}-{int(month):02d}", "title_block")
            block.consumed.add(i)
        elif "title" in block.values and len(squeeze(line)) >= 6 and squeeze(line) in squeeze(block.values["title"]):
            block.consumed.add(i)         # the title printed again, wrapped, under the law database's head
        elif "title" in block.values and signers_in(line) and "issuer" not in block.values:
            block.put("issuer", "、".join(signers_in(line)), "title_block")
            block.consumed.add(i)
        elif "title" in block.values and _SALUTATION_RE.match(squeeze(line)) and len(line) <= 120:
            block.consumed.add(i)
            break
        elif "title" in block.values or seen > TITLE_WITHIN:
            break
        i += 1
    block.values.pop("_title_read", None)
    if events:
        apply_events(events, block, "".join(lines))


def _consume_title(lines: list[str], i: int, block: Block, gov_title: str) -> int:
    """Take the title starting at line i, joined across wrapped lines; return the next index to read."""
    parts, last = [lines[i]], i
    block.consumed.add(i)
    j = i + 1
    while j < len(lines) and j - last <= 2:
        nxt = lines[j]
        if not nxt:
            j += 1
            continue
        joined = squeeze("".join(parts) + nxt)
        if gov_title:
            wrapped = gov_title.startswith(joined)
        elif _TITLE_NOTE_RE.fullmatch(squeeze(nxt)):
            wrapped = True            # （2021—2025年）, （试行）, （征求意见稿） under the title
        else:
            open_end = not _TITLE_KINDS_RE.search(squeeze(parts[-1])) or nxt.startswith(_CONNECTORS)
            wrapped = (open_end and looks_like_title(nxt) and len(squeeze(parts[-1])) >= 8
                       and _TITLE_KINDS_RE.search(joined) is not None and not issuers_in(nxt))
        if not wrapped:
            break
        parts.append(nxt)
        block.consumed.add(j)
        last = j
        j += 1
    title = gov_title and block.values["title"] or _clean_title(" ".join(parts))
    block.values["title"] = title
    block.origin.setdefault("title", "title_block")
    block.values["_title_read"] = True
    return last + 1


def _clean_title(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"(?<=[\u4e00-\u9fff”》）])\s+(?=[\u4e00-\u9fff“《（(])", "", text)


def read_closing(lines: list[str], block: Block) -> None:
    """The signature (issuer lines over a date line) that closes the body, and what follows it."""
    start = max(block.consumed, default=-1) + 1
    for d in range(start + 1, len(lines)):
        date = is_date_line(lines[d]) if lines[d] else None
        if not date or d in block.consumed:
            continue
        signers, k = [], d - 1
        while k >= start and (not lines[k] or signers_in(lines[k]) or _SEAL_RE.match(squeeze(lines[k]))) \
                and d - k <= 8:
            if lines[k]:
                signers[:0] = [(k, signers_in(lines[k]))]
            k -= 1
        while signers and not signers[0][1]:
            signers.pop(0)                  # a seal note above the signature belongs to the body
        tail = [x for x in range(d + 1, len(lines)) if lines[x]]
        if not signers and len(tail) > 2:
            continue            # a bare date line mid-text is not a closing date
        block.consumed.add(d)
        for k, _ in signers:
            block.consumed.add(k)
        names = [name for _, found in signers for name in found]
        block.put("issuer", "、".join(dict.fromkeys(names)), "closing_block")
        block.put("issued", date, "closing_block")
        rest = [x for x in tail if x not in block.consumed]
        if rest and PUBLIC_NOTE_RE.match(squeeze(lines[rest[0]])):
            block.consumed.add(rest[0])
            rest = rest[1:]
        if len(rest) >= 3 and looks_like_title(lines[rest[0]]) and not re.match(r"^附\s*件", lines[rest[0]]):
            block.annex_starts[rest[0]] = lines[rest[0]]
        for x in rest:                 # 附件1：title — an attachment's own first line, after the signature
            if INLINE_ANNEX_RE.match(squeeze(lines[x])):
                block.annex_starts[x] = lines[x]
        return


_HEADER_RE = re.compile(r"^[\u4e00-\u9fff、]{2,60}文件$")
_ORDER_HEAD_RE = re.compile(r"^(?:中华人民共和国)?([\u4e00-\u9fff]{2,30}?)(令|公告)$")
_ORDER_SERIAL_RE = re.compile(r"^[（(]?第([\d一二三四五六七八九十百零〇]{1,6})号[）)]?$")
_ORDER_SENTENCE_RE = re.compile(r"^《([^》]{2,60})》已(?:经|由).{0,160}?(?:通过|同意|批准)[^。]{0,40}现予(?:公布|发布)"
                                r"[^。]{0,40}。$")
_SIGNER_RE = re.compile(r"^(?:部|局|署|省|市|县|区|主任|署|行)?\s*(?:部长|局长|署长|主任|省长|市长|县长|区长|行长|总理|主席)"
                        r"[\s\u3000]*[\u4e00-\u9fff·]{0,6}$")


def read_order_cover(lines: list[str], block: Block) -> None:
    """A 令 or 公告 cover page: 自然资源部令 / 第12号 / 《…》已经…通过，现予公布… / 部长 … / date, then the text;
    ``…人民代表大会常务委员会公告 / （第十五号） / 《…》已由…通过，…批准，现予公布…`` the same way."""
    filled = [i for i, line in enumerate(lines[:40]) if line and i not in block.consumed][:8]
    if len(filled) < 3 or not _ORDER_HEAD_RE.match(squeeze(lines[filled[0]])):
        return
    serial = _ORDER_SERIAL_RE.match(squeeze(lines[filled[1]]))
    if not serial:
        return
    body, kind = _ORDER_HEAD_RE.match(squeeze(lines[filled[0]])).groups()
    if kind == "令":          # a 公告's serial numbers the announcement, not the act it promulgates
        block.put("number", normalize_order_number(f"{body}令第{serial.group(1)}号"), "order_cover")
    block.put("issuer", body, "order_cover")
    block.consumed.update(filled[:2])
    for i in filled[2:]:
        line = squeeze(lines[i])
        m = _ORDER_SENTENCE_RE.match(line)
        if m:
            block.put("title", m.group(1), "order_cover")
            in_force = re.search(r"自" + DATE_PATTERN + r"起(?:施行|实施)", line)
            if in_force:
                block.put("in_force_from", _iso_match(in_force), "order_cover")
            elif IN_FORCE_AT_ISSUE_RE.search(line):
                block.values["_in_force_at_issue"] = True
        elif _SIGNER_RE.match(line) or issuers_in(line):
            pass
        elif is_date_line(line):
            block.put("issued", is_date_line(line), "order_cover")
            if block.values.pop("_in_force_at_issue", None):
                block.put("in_force_from", is_date_line(line), "order_cover")
        else:
            break
        block.consumed.add(i)


_STANDARD_NUMBER_RE = re.compile(r"^(?:GB|GB/T|GB/Z|[A-Z]{2}/T|[A-Z]{2}|DB\d{2}(?:/T)?)\s*\d{2,6}(?:\.\d+)?\s*[-—–]\s*(?:19|20)\d{2}$")
_STANDARD_FURNITURE_RE = re.compile(r"^(?:ICS\s*[\d.]+|CCS\s*[A-Z]\s*\d+|[A-Z]\s*\d{2}|备案号\s*[:：].*|"
                                    r"(?:中华人民共和国)?[\u4e00-\u9fff]{0,12}(?:国家|行业|地方|团体)标准|"
                                    r"代替\s*[A-Z].*)$")
_STANDARD_DATES_RE = re.compile(r"^((?:19|20)\d{2})\s*[-—–]\s*(\d{1,2})\s*[-—–]\s*(\d{1,2})\s*发布\s*"
                                r"(?:((?:19|20)\d{2})\s*[-—–]\s*(\d{1,2})\s*[-—–]\s*(\d{1,2})\s*实施)?$")


def _safe_date(year: str, month: str, day: str) -> str | None:
    try:
        return _dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def read_standard_cover(lines: list[str], block: Block) -> None:
    """A standard's cover: ICS/CCS lines, 中华人民共和国国家标准, GB/T 12345—2020, title, English title,
    ``2020-03-06发布 2020-10-01实施``, the issuing bodies (…发布)."""
    filled = [i for i, line in enumerate(lines[:40]) if line and i not in block.consumed][:14]
    number_at = next((k for k, i in enumerate(filled[:8]) if _STANDARD_NUMBER_RE.match(lines[i].strip())), None)
    if number_at is None:
        return
    from corpus.metadata import normalize_number

    for i in filled[:number_at]:
        if not _STANDARD_FURNITURE_RE.match(lines[i].strip()):
            return
    block.consumed.update(filled[:number_at + 1])
    block.put("number", normalize_number(lines[filled[number_at]]), "standard_cover")
    issuers: list[str] = []
    for i in filled[number_at + 1:]:
        line = lines[i].strip()
        dates = _STANDARD_DATES_RE.match(line.replace(" ", ""))
        if _STANDARD_FURNITURE_RE.match(line) or (line.isascii() and not dates):
            pass                                    # 代替…, 备案号, the English title
        elif dates:
            block.put("issued", _safe_date(*dates.group(1, 2, 3)), "standard_cover")
            if dates.group(4):
                block.put("in_force_from", _safe_date(*dates.group(4, 5, 6)), "standard_cover")
        elif "title" not in block.values and looks_like_title(line):
            block.put("title", squeeze(line), "standard_cover")
        elif issuers_in(re.sub(r"\s*发\s*布$", "", line)):
            issuers.extend(issuers_in(re.sub(r"\s*发\s*布$", "", line)))
        else:
            break
        block.consumed.add(i)
    block.put("issuer", "、".join(issuers), "standard_cover")


def read_blocks(lines: list[str]) -> Block:
    block = Block()
    read_table(lines, block)
    read_order_cover(lines, block)
    read_standard_cover(lines, block)
    read_head(lines, block)
    read_closing(lines, block)
    return block
