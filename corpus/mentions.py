"""Rule-based recognizers: spans of a clause worth marking, with normalized values.

Each recognizer is a function ``(key, text) -> list[Mention]`` in the
``RECOGNIZERS`` registry. ``key`` is the clause's match key (simplified,
half-width, same length as ``text``), so patterns are written once for both
scripts and widths, and offsets point into the display text.

Kinds and values:
  citation    《…》                       the cited title (linked to a doc id later)
  doc_number  自然资规〔2019〕6号 …        the canonical 文号
  issuer      自然资源部, 北京市人民政府 …  the body as written
  region      北京, 江西省, 赣州市 …        province short name (CN for 全国)
  date        2019年12月17日, 2025年       ISO date / year (ranges give two)
  quantity    699公顷, 9%, 19亿元, 9.9万座  number + unit
"""
from __future__ import annotations

import re
from typing import Callable

from corpus.metadata import DOC_NUMBER_RE, PROVINCES, normalize_number
from corpus.model import Mention
from corpus.normalize import match_key

_CITATION_RE = re.compile(r"《([^《》\n]{2,100})》")
_DOC_NUMBER_RE = re.compile(DOC_NUMBER_RE.pattern, re.I)     # match keys are lower-case (gb/t)
_NATIONAL_ISSUERS = (
    "中共中央办公厅", "国务院办公厅", "中共中央", "国务院", "全国人民代表大会常务委员会", "全国人大常委会",
    "自然资源部办公厅", "自然资源部", "国土资源部", "财政部", "生态环境部", "环境保护部", "国家发展和改革委员会",
    "国家发展改革委", "工业和信息化部", "住房和城乡建设部", "农业农村部", "水利部", "应急管理部", "国家能源局",
    "国家林业和草原局", "国家林草局", "文化和旅游部", "国家矿山安全监察局", "中国人民银行", "国家税务总局",
)
_LOCAL_ISSUER_SUFFIX = (
    "人民代表大会常务委员会|人民政府办公厅|人民政府|规划和自然资源委员会|自然资源和规划厅|自然资源和规划局|"
    "自然资源厅|自然资源局|生态环境厅|生态环境局|财政厅|财政局|发展和改革委员会|林业和草原局|住房和城乡建设厅|"
    "国土资源厅|国土资源局|省委|市委")
_PLACE = "(?:" + "|".join(sorted(PROVINCES, key=len, reverse=True)) + r")(?:省|市|自治区)?(?:[\u4e00-\u9fff]{1,4}?(?:市|州|县|区|盟))?"
_ISSUER_RE = re.compile(
    "(?:" + "|".join(map(re.escape, _NATIONAL_ISSUERS)) + ")" + f"|{_PLACE}(?:{_LOCAL_ISSUER_SUFFIX})")
_REGION_RE = re.compile("(" + "|".join(sorted(PROVINCES, key=len, reverse=True)) + r")(省|市|自治区|地区)?|全国")
_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*年(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?)?|((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})")
_UNITS = ("平方公里|平方千米|平方米|万平方米|立方米|万立方米|公顷|万公顷|万亩|亩|hm2|hm²|km2|km²|"
          "亿元|万元|千元|元|万吨|亿吨|吨|万座|万处|万个|座|处|个|家|宗|项|种|千米|公里|米|km|m|"
          "%|倍|万人|人|million yuan|billion yuan|million mu|hectares|hectare|yuan|mu|tons|tonnes")
_QUANTITY_RE = re.compile(
    rf"(?<![\d.])(\d+(?:,\d{{3}})*(?:\.\d+)?)\s*(万|亿)?\s*(?:多|余)?\s*({_UNITS})(?![a-z])")


def find_citations(key: str, text: str) -> list[Mention]:
    return [Mention("citation", text[m.start():m.end()], m.start(), m.end(), _title_value(m.group(1)))
            for m in _CITATION_RE.finditer(key)]


def _title_value(title: str) -> str:
    return re.sub(r"\s+", "", title)


def find_doc_numbers(key: str, text: str) -> list[Mention]:
    out: list[Mention] = []
    if "号" not in key and "-" not in key and "—" not in key:
        return out          # every 文号 form ends in 号 or has a year after a dash
    for m in _DOC_NUMBER_RE.finditer(key):
        out.append(Mention("doc_number", text[m.start():m.end()], m.start(), m.end(),
                           normalize_number(text[m.start():m.end()])))
    return out


def find_issuers(key: str, text: str) -> list[Mention]:
    return [Mention("issuer", text[m.start():m.end()], m.start(), m.end(), text[m.start():m.end()])
            for m in _ISSUER_RE.finditer(key)]


def find_regions(key: str, text: str) -> list[Mention]:
    out = []
    for m in _REGION_RE.finditer(key):
        value = "CN" if m.group(0) == "全国" else m.group(1)
        out.append(Mention("region", text[m.start():m.end()], m.start(), m.end(), value))
    return out


def find_dates(key: str, text: str) -> list[Mention]:
    out = []
    for m in _DATE_RE.finditer(key):
        if m.group(1):
            y, mo, d = m.group(1), m.group(2), m.group(3)
        else:
            y, mo, d = m.group(4), m.group(5), m.group(6)
        try:
            value = _iso(y, mo, d)
        except ValueError:
            continue
        out.append(Mention("date", text[m.start():m.end()], m.start(), m.end(), value))
    return out


def _iso(y: str, mo: str | None, d: str | None) -> str:
    import datetime as dt

    if mo and d:
        return dt.date(int(y), int(mo), int(d)).isoformat()
    if mo:
        if not 1 <= int(mo) <= 12:
            raise ValueError(mo)
        return f"{y}-{int(mo):02d}"
    return y


def find_quantities(key: str, text: str) -> list[Mention]:
    out = []
    for m in _QUANTITY_RE.finditer(key):
        number, scale, unit = m.group(1).replace(",", ""), m.group(2) or "", m.group(3)
        unit = {"hm2": "hm²", "km2": "km²"}.get(unit, unit)
        sep = " " if unit[:1].isascii() and unit[:1].isalpha() else ""
        out.append(Mention("quantity", text[m.start():m.end()], m.start(), m.end(), f"{number}{scale}{sep}{unit}"))
    return out


RECOGNIZERS: dict[str, Callable[[str, str], list[Mention]]] = {
    "citation": find_citations,
    "doc_number": find_doc_numbers,
    "issuer": find_issuers,
    "region": find_regions,
    "date": find_dates,
    "quantity": find_quantities,
}


def find_mentions(text: str, key: str | None = None) -> list[Mention]:
    """Every recognizer's mentions in ``text``, in reading order."""
    key = match_key(text) if key is None else key
    mentions: list[Mention] = []
    for recognizer in RECOGNIZERS.values():
        mentions.extend(recognizer(key, text))
    mentions.sort(key=lambda m: (m.start, -m.end, m.kind))
    return mentions
