"""Which cities and counties lie in which province (``search/data/places.yaml``), for search.

A query naming a province also finds what names its cities and counties (江西 finds
赣州 and 寻乌), and a region filter for a province also keeps documents whose region
is one of its cities. Data, not logic: the table is ``search/data/places.yaml``.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

PLACES_FILE = Path(__file__).with_name("data") / "places.yaml"
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


def short_province(name: str) -> str:
    """江西省 → 江西, 广西壮族自治区 → 广西 (other text unchanged)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    data = yaml.safe_load(PLACES_FILE.read_text(encoding="utf-8")) or {}
    provinces: dict[str, list[str]] = {p: list(cities or []) for p, cities in (data.get("provinces") or {}).items()}
    province_of: dict[str, str] = {}
    for province, cities in provinces.items():
        for city in cities:
            province_of[city] = province
    for parent, counties in (data.get("counties") or {}).items():
        province = parent if parent in provinces else province_of.get(parent)
        if province is None:
            raise ValueError(f"{PLACES_FILE.name}: counties of {parent!r}, which is no province or city in the file")
        for county in counties or []:
            provinces[province].append(county)
            province_of[county] = province
    return {p: tuple(v) for p, v in provinces.items()}, province_of


def places_in(province: str) -> tuple[str, ...]:
    """The cities and counties of a province (short or full name); () for anything else."""
    return _table()[0].get(short_province(province.strip()), ())


def province_of(place: str) -> str | None:
    """The province a city or county lies in (赣州 → 江西, 赣州市 → 江西), or None."""
    place = place.strip()
    found = _table()[1].get(place)
    if found is None and place[-1:] in ("市", "县", "区", "州", "盟"):
        found = _table()[1].get(place[:-1])
    return found


def is_province(name: str) -> bool:
    return short_province(name.strip()) in _table()[0]
