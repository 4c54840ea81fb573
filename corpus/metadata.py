"""Document metadata: read from front matter or a sidecar, else inferred from the text.

Inference reads the title block and the closing block (``corpus.titleblock``:
gov.cn metadata tables, the title joined across wrapped lines, 文号, issuer,
adoption/promulgation lines, salutation, signature and date); those lines are
consumed so they do not also become clauses. Level comes from the issuer (its
rank or place) and the document kind (法/条例/规定/办法…), region from the
issuer's place name (a city gives its province, ``corpus.places``); a paper
(摘要, 关键词, 参考文献, doi) is ``research``. ``Inferred.origin`` says where
each value was read. Explicit metadata always wins and is
validated: a bad value is an error naming the file and the field.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.model import CONTENTS, DOC_ID_RE, LEVELS, RELATION_TYPES, STATUSES, TIERS, Relation

DOC_NUMBER_RE = re.compile(
    r"(?:[\u4e00-\u9fff]{1,12}[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,4}\s*号"
    r"|(?:国务院|[\u4e00-\u9fff]{2,12}部)令\s*第\s*\d{1,4}\s*号"
    r"|(?:GB|GB/T|GB/Z|TD/T|HJ|DZ/T|LY/T|DB\d{2}(?:/T)?)\s*\d{2,6}(?:\.\d+)?\s*[-—–]\s*(?:19|20)\d{2})")

PAPER_MARKERS = re.compile(r"摘\s*要|关键词|参考文献|doi:|Abstract|Keywords|References|\[J\]")

# province short name -> (full-name prefix, id code); region inference and doc ids
PROVINCES: dict[str, str] = {
    "北京": "bj", "天津": "tj", "河北": "he", "山西": "sx", "内蒙古": "nm", "辽宁": "ln", "吉林": "jl",
    "黑龙江": "hl", "上海": "sh", "江苏": "js", "浙江": "zj", "安徽": "ah", "福建": "fj", "江西": "jx",
    "山东": "sd", "河南": "ha", "湖北": "hb", "湖南": "hn", "广东": "gd", "广西": "gx", "海南": "hi",
    "重庆": "cq", "四川": "sc", "贵州": "gz", "云南": "yn", "西藏": "xz", "陕西": "sn", "甘肃": "gs",
    "青海": "qh", "宁夏": "nx", "新疆": "xj", "香港": "hk", "澳门": "mo", "台湾": "tw",
}
# 文号 prefixes -> id stems (the architecture's example: 自然资规〔2019〕6号 -> cn-mnr-2019-6)
NUMBER_PREFIXES: dict[str, str] = {
    "自然资规": "cn-mnr", "自然资发": "cn-mnr-fa", "自然资函": "cn-mnr-han", "自然资办发": "cn-mnr-bf",
    "自然资办函": "cn-mnr-bh", "自然资办规": "cn-mnr-bg", "国发": "cn-sc", "国办发": "cn-sco", "国函": "cn-sc-han",
    "国土资发": "cn-mlr-fa", "国土资规": "cn-mlr", "国土资厅发": "cn-mlr-tf", "财建": "cn-mof-jian",
    "财资环": "cn-mof-zh", "环发": "cn-mee-fa", "环办": "cn-mee-ban", "中发": "cn-cpc", "厅字": "cn-cpc-tz",
    "法释": "cn-spc-interp",      # 最高人民法院 judicial interpretations (also joint ones with 最高人民检察院)
}
# one-character province abbreviations that open local 文号 (鲁自然资规〔2021〕2号 -> sd-nr-2021-2)
PROVINCE_ABBREVIATIONS: dict[str, str] = {
    "京": "bj", "津": "tj", "冀": "he", "晋": "sx", "蒙": "nm", "辽": "ln", "吉": "jl", "黑": "hl", "沪": "sh",
    "苏": "js", "浙": "zj", "皖": "ah", "闽": "fj", "赣": "jx", "鲁": "sd", "豫": "ha", "鄂": "hb", "湘": "hn",
    "粤": "gd", "桂": "gx", "琼": "hi", "渝": "cq", "川": "sc", "黔": "gz", "贵": "gz", "云": "yn", "滇": "yn",
    "藏": "xz", "陕": "sn", "甘": "gs", "陇": "gs", "青": "qh", "宁": "nx", "新": "xj",
}
LOCAL_NUMBER_KINDS: dict[str, str] = {
    "自然资规": "nr", "自然资发": "nr-fa", "自然资函": "nr-han", "自然资字": "nr-zi", "政发": "gov",
    "政办发": "gov-office", "政办字": "gov-office-zi", "财资环": "mof-zh", "环发": "ee-fa",
}


class MetadataError(ValueError):
    """Invalid explicit metadata; the message names the file and the field."""


@dataclass
class Inferred:
    values: dict[str, Any] = field(default_factory=dict)
    consumed: set[int] = field(default_factory=set)     # line indexes of the title and closing blocks
    origin: dict[str, str] = field(default_factory=dict)  # field -> where in the text it was read
    annex_starts: dict[int, str] = field(default_factory=dict)


def infer_metadata(lines: list[str], path: Path) -> Inferred:
    """Title, 文号, issuer, dates, level and region from the title and closing blocks of cleaned lines."""
    from corpus.titleblock import read_blocks

    block = read_blocks(lines)
    result = Inferred(consumed=block.consumed, annex_starts=block.annex_starts)
    values, origin = result.values, result.origin
    latest_revision = block.values.pop("_latest_revision", None)
    approved_by = block.values.pop("_approved_by", None)
    for key, value in block.values.items():
        values[key] = value
        origin[key] = block.origin.get(key, "title_block")
    title = values.get("title", "")
    if "issuer" not in values:
        issuer = issuer_from_title(title)
        if issuer:
            values["issuer"], origin["issuer"] = issuer, "title"
    text_head = "\n".join(lines[:200])
    paper = len(PAPER_MARKERS.findall(text_head + "\n".join(lines[-400:]))) >= 2
    values["level"] = "research" if paper else level_of(values.get("issuer", ""), title, values.get("number"))
    origin["level"] = "issuer" if values.get("issuer") else "title"
    values["region"] = "CN" if paper else region_of(values.get("issuer", ""), title)
    origin["region"] = origin["level"]
    if values["region"] == "CN" and approved_by and values["level"] in ("municipal", "county"):
        values["region"] = region_of(approved_by, "")     # an autonomous county's act approved by its province
        origin["region"] = "approving_body"
    values["language"] = "en" if _ascii_ratio(text_head) > 0.7 else "zh"
    if not paper:
        for key, value in _validity(lines).items():
            if key not in values:
                values[key], origin[key] = value, "text"
        if latest_revision and values.get("in_force_from") and values["in_force_from"] < latest_revision:
            del values["in_force_from"]     # the first version's date, not the amended text's
            origin.pop("in_force_from", None)
    if re.search(r"征求意见稿|草案|送审稿", title):
        values["status"] = "draft"
    for key in ("level", "region", "language", "status"):
        origin.setdefault(key, "text") if key in values else None
    return result


_DATE = r"(?:((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|([一二〇○零三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日)"
_IN_FORCE_RE = re.compile(r"本(?:办法|条例|规定|意见|通知|规划|决定|细则|方案|标准|法|规则|准则|解释)[^。]{0,6}自\s*"
                          + _DATE + r"起(?:施行|实施|执行|生效)")
_UNTIL_RE = re.compile(r"有效期(?:至|到)\s*" + _DATE)


def _validity(lines: list[str]) -> dict[str, str]:
    """In-force dates a document states about itself (本办法自2022年12月1日起施行; 有效期至…)."""
    from corpus.titleblock import _iso_match

    text = "".join(line.replace(" ", "") for line in lines)
    found: dict[str, str] = {}
    m = _IN_FORCE_RE.search(text)
    if m and _iso_match(m):
        found["in_force_from"] = _iso_match(m)
    m = _UNTIL_RE.search(text)
    if m and _iso_match(m):
        found["in_force_until"] = _iso_match(m)
    return found


def _iso(year: str, month: str | None = None, day: str | None = None) -> str:
    if month and day:
        return _dt.date(int(year), int(month), int(day)).isoformat()
    if month:
        return f"{int(year):04d}-{int(month):02d}"
    return year


_ISSUER_PREFIX_RE = re.compile(r"^((?:[\u4e00-\u9fff]{2,20}?(?:部|委员会|总局|局|署|办公厅|国务院|中共中央|人民政府|银行|厅|委|"
                               r"人民法院|人民检察院)"
                               r"[\s、]*){1,6})关于")


def issuer_from_title(title: str) -> str:
    """国务院关于… -> 国务院; 自然资源部 财政部关于… -> 自然资源部、财政部."""
    m = _ISSUER_PREFIX_RE.match(title or "")
    if not m:
        return ""
    from corpus.titleblock import ISSUER_SUFFIX_RE as suffix

    parts = [p for p in re.split(r"[\s、]+", m.group(1)) if p]
    if len(parts) == 1:           # 中共中央国务院 / 自然资源部财政部 run together: split at known bodies
        parts = re.findall(r"中共中央|国务院办公厅|国务院|[\u4e00-\u9fff]{2,12}?(?:部|总局|委员会|局|署|人民政府|办公厅)",
                           parts[0]) or parts
    return "、".join(p for p in parts if suffix.search(p))


# national bodies below the State Council (issuer names that carry no place)
_NATIONAL_BODY_RE = re.compile(r"^(?:国家)?[\u4e00-\u9fff]{1,14}(?:部|委员会|总局|局|署|银行|总署|办公室)$")
_KIND_LEVEL = [
    (re.compile(r"^中华人民共和国.*法(?:[（(][^）)]*[）)])?$"), "national_law"),
    (re.compile(r"(?:法|法典)(?:[（(][^）)]*[）)])?$"), "national_law"),
    (re.compile(r"条例(?:[（(][^）)]*[）)])?$"), "state_council"),
    (re.compile(r"(?:规定|办法|细则)(?:[（(][^）)]*[）)])?$"), "ministry"),
]


# the supreme court and procuratorate: their judicial interpretations bind nationwide (see docs/corpus.md, "Levels")
JUDICIAL_BODY_RE = re.compile(r"^最高人民(?:法院|检察院)")


def level_of(issuer: str, title: str, number: str | None = None) -> str:
    """Level from the issuer (its place, its rank), else from the title's place and document kind."""
    if number and re.match(r"^(?:GB|TD|HJ|DZ|LY)", number):
        return "standard"
    if number and re.match(r"^DB\d", number):
        return "provincial"
    first = (issuer or "").split("、")[0]
    if first:
        if re.search(r"全国人民代表大会|全国人大", first) or JUDICIAL_BODY_RE.match(first):
            return "national_law"
        if re.match(r"^(?:中共中央|国务院)", first):
            return "state_council"
        place = _place_level(first)
        if place:
            return place
        if _NATIONAL_BODY_RE.match(first):
            return "ministry"
    place = _place_level(title)
    if place:
        return place
    if re.match(r"^(?:中共中央|国务院)", title):
        return "state_council"
    if re.search(r"(?:标准|规范)$", title) and number:
        return "standard"
    for regex, level in _KIND_LEVEL:
        if regex.search(title):
            return level
    m = _ISSUER_PREFIX_RE.match(title)
    if m and _NATIONAL_BODY_RE.match(re.split(r"[\s、]+", m.group(1).strip())[0]):
        return "ministry"
    return "research"


def _place_level(text: str) -> str | None:
    """provincial / municipal / county when ``text`` begins with a place name, else None."""
    from corpus.places import PROVINCIAL_MUNICIPALITIES, city_of

    if not text:
        return None
    if text.startswith(PROVINCIAL_MUNICIPALITIES):
        return "county" if re.match(r"^(?:北京|天津|上海|重庆)市[\u4e00-\u9fff]{1,6}(?:区|县)", text) else "provincial"
    for name in PROVINCES:
        if text.startswith((f"{name}省", f"{name}自治区", f"{name}壮族自治区", f"{name}回族自治区",
                            f"{name}维吾尔自治区")) or (name in ("内蒙古", "广西", "西藏", "宁夏", "新疆")
                                                   and text.startswith(name)):
            return "provincial"
        if text.startswith(name) and len(name) >= 2 and not city_of(text):
            if re.match(rf"^{name}(?:省|市)?(?:人民|发展|自然|生态|财政|住房|交通|水利|农业|林业|国土)", text):
                return "provincial"
    city = city_of(text)
    if city:
        rest = text[len(city[0]):]
        return "county" if re.match(r"^(?:市|州)?[\u4e00-\u9fff]{1,6}(?:县|区)(?!域)", rest) and "人民政府" in rest else "municipal"
    if re.match(r"^[\u4e00-\u9fff]{2,6}县|^[\u4e00-\u9fff]{2,10}自治县", text):
        return "county"
    return None


def region_of(issuer: str, title: str) -> str:
    """The province (short name) of the issuer's place, else of the title's place; CN when none."""
    from corpus.places import city_of

    for text in ((issuer or "").split("、")[0], title or ""):
        if not text:
            continue
        for name in PROVINCES:
            if text.startswith(name) and not (name == "吉林" and text.startswith("吉林市")):
                return name
        city = city_of(text)
        if city:
            return city[1]
    return "CN"


def _ascii_ratio(text: str) -> float:
    letters = [ch for ch in text if not ch.isspace()]
    return sum(ch.isascii() for ch in letters) / len(letters) if letters else 0.0


def normalize_number(number: str) -> str:
    """Canonical 文号: 〔〕 brackets, no spaces (自然资规[2019]6 号 -> 自然资规〔2019〕6号)."""
    standard = re.match(r"^\s*([A-Z]{2,3}(?:/[A-Z])?(?:\d{2}(?:/T)?)?)\s*(\d[\d.]*)\s*[-—–]\s*(\d{4})\s*$", number)
    if standard:
        return f"{standard.group(1)} {standard.group(2)}-{standard.group(3)}"
    number = re.sub(r"\s+", "", number)
    number = re.sub(r"[\[［【(（]((?:19|20)\d{2})[\]］】)）]", r"〔\1〕", number)
    number = re.sub(r"〕第(\d)", r"〕\1", number)
    return re.sub(r"[—–]", "-", number)


# ------------------------------------------------------------------ ids

def _short_hash(text: str, n: int = 8) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return re.sub(r"-{2,}", "-", slug)[:60].strip("-")


def id_from_number(number: str) -> str:
    """自然资规〔2019〕6号 -> cn-mnr-2019-6; 国务院令第592号 -> cn-sc-order-592; GB/T 43933-2024 -> gb-t-43933-2024."""
    m = re.match(r"^(.*?)〔(\d{4})〕(\d+)号$", number)
    if m:
        prefix, year, serial = m.groups()
        stem = NUMBER_PREFIXES.get(prefix)
        if stem is None and prefix[:1] in PROVINCE_ABBREVIATIONS:
            rest = prefix[1:]
            stem = f"{PROVINCE_ABBREVIATIONS[prefix[0]]}-{LOCAL_NUMBER_KINDS.get(rest) or _short_hash(rest, 4)}"
        if stem is None:
            stem = f"doc-{_short_hash(prefix, 4)}"
        return f"{stem}-{year}-{serial}"
    m = re.match(r"^(.*?)令第(\d+)号$", number)
    if m:
        stem = "cn-sc-order" if m.group(1) == "国务院" else f"cn-order-{_short_hash(m.group(1), 4)}"
        return f"{stem}-{m.group(2)}"
    slug = slugify(number)
    return slug if slug and slug[0].isalnum() else f"doc-{_short_hash(number)}"


def make_doc_id(meta: dict[str, Any], path: Path) -> str:
    """Deterministic id: explicit id, else from 文号, else from the title, else the file name."""
    if meta.get("id"):
        return str(meta["id"])
    if meta.get("number"):
        return id_from_number(str(meta["number"]))
    title = meta.get("title") or ""
    if title:
        if title.isascii():
            slug = slugify(title)
            if len(slug) > 3:
                return slug[:48].strip("-")
        region = PROVINCES.get(str(meta.get("region", "")), "cn")
        year = str(meta.get("issued") or "")[:4]
        return "-".join(x for x in (region, year, _short_hash(title)) if x)
    slug = slugify(path.stem)
    return slug if len(slug) >= 2 and slug[0].isalnum() else f"doc-{_short_hash(path.name)}"


# ------------------------------------------------------------------ explicit metadata

FIELDS = ("id", "title", "number", "issuer", "level", "region", "issued", "in_force_from", "in_force_until",
          "status", "relations", "source", "verified", "language", "summary", "tier",
          "content")


def validate_explicit(meta: dict[str, Any], origin: Path) -> dict[str, Any]:
    """Check front-matter/sidecar fields; return them with dates as ISO strings."""
    unknown = sorted(set(meta) - set(FIELDS))
    if unknown:
        raise MetadataError(f"{origin}: unknown metadata field(s) {', '.join(unknown)}; allowed: {', '.join(FIELDS)}")
    out: dict[str, Any] = {}
    for key, value in meta.items():
        if key in ("issued", "in_force_from", "in_force_until"):
            if value is not None:
                value = value.isoformat() if isinstance(value, (_dt.date, _dt.datetime)) else str(value)
                if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
                    raise MetadataError(f"{origin}: field {key!r} must be a date YYYY[-MM[-DD]], got {value!r}")
        elif key == "id":
            value = str(value)
            if not DOC_ID_RE.match(value):
                raise MetadataError(f"{origin}: field 'id' {value!r} must match {DOC_ID_RE.pattern}")
        elif key == "level" and value not in LEVELS:
            raise MetadataError(f"{origin}: field 'level' {value!r} is not one of {', '.join(LEVELS)}")
        elif key == "tier" and value not in TIERS:
            raise MetadataError(f"{origin}: field 'tier' {value!r} is not one of {', '.join(TIERS)}")
        elif key == "content" and value not in CONTENTS:
            raise MetadataError(f"{origin}: field 'content' {value!r} is not one of {', '.join(CONTENTS)}")
        elif key == "status" and value not in STATUSES:
            raise MetadataError(f"{origin}: field 'status' {value!r} is not one of {', '.join(STATUSES)}")
        elif key == "verified":
            if not isinstance(value, bool):
                raise MetadataError(f"{origin}: field 'verified' must be true or false, got {value!r}")
        elif key == "relations":
            value = _relations(value, origin)
        elif key == "number" and value is not None:
            value = normalize_number(str(value))
        elif value is not None and key not in ("relations",):
            value = str(value)
        out[key] = value
    return out


def _relations(value: Any, origin: Path) -> list[Relation]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise MetadataError(f"{origin}: field 'relations' must be a list of {{type, target, note}}")
    relations = []
    for k, item in enumerate(value):
        if not isinstance(item, dict) or "type" not in item or "target" not in item:
            raise MetadataError(f"{origin}: relations[{k}] needs 'type' and 'target'")
        if item["type"] not in RELATION_TYPES:
            raise MetadataError(f"{origin}: relations[{k}].type {item['type']!r} is not one of "
                                f"{', '.join(RELATION_TYPES)}")
        extra = set(item) - {"type", "target", "note"}
        if extra:
            raise MetadataError(f"{origin}: relations[{k}] has unknown key(s) {', '.join(sorted(extra))}")
        relations.append(Relation(str(item["type"]), str(item["target"]), str(item.get("note") or "")))
    return relations
