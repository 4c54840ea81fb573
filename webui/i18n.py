"""Chinese first, English on a remembered switch.

The language is ``zh`` unless the ``lang`` cookie (set by ``/lang/<code>``) says
``en``. Interface strings live in ``translations/messages.yaml`` as
``key: {zh: ..., en: ...}``; templates call ``_("key")``. Domain labels (profile
fields and their values) come from ``rules.schema.PROFILE_FIELDS`` and the
ontology's labels, never from this catalog.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from flask import Blueprint, Flask, g, redirect, request

from rules.schema import PROFILE_FIELDS

LANGUAGES = ("zh", "en")
COOKIE = "lang"
CATALOG = Path(__file__).parent / "translations" / "messages.yaml"

bp = Blueprint("i18n", __name__)


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    """The interface strings, checked at load: every key has every language."""
    data = yaml.safe_load(CATALOG.read_text(encoding="utf-8")) or {}
    for key, entry in data.items():
        missing = [lang for lang in LANGUAGES if not isinstance(entry, dict) or not entry.get(lang)]
        if missing:
            raise ValueError(f"{CATALOG}: message {key!r} lacks {', '.join(missing)}")
    return data


def current_language() -> str:
    return getattr(g, "lang", None) or _from_request()


def _from_request() -> str:
    lang = request.cookies.get(COOKIE, "zh")
    return lang if lang in LANGUAGES else "zh"


def gettext(key: str, **values: object) -> str:
    """The message ``key`` in the current language, ``{name}`` placeholders filled."""
    entry = catalog().get(key)
    if entry is None:
        raise KeyError(f"no message {key!r} in {CATALOG.name}")
    text = entry[current_language()]
    return text.format(**values) if values else text


def field_label(name: str) -> str:
    spec = PROFILE_FIELDS.get(name)
    if spec is None:
        return name
    return spec.label_en if current_language() == "en" else spec.label_zh


# English labels of profile values that are not ontology concepts (the ontology labels the rest).
VALUE_LABELS_EN: dict[str, dict[str, str]] = {
    "mining_method": {"mixed": "Mixed"},
    "responsible_party": {"none": "No responsible party, or ownership unclear", "government": "Government"},
    "land_ownership": {"state": "State-owned", "collective": "Collective"},
    "current_land_use": {"mining_land": "Mining land", "construction_land": "Construction land",
                         "cultivated": "Cultivated land", "forest": "Forest land", "grassland": "Grassland",
                         "water": "Water", "unused": "Unused land"},
    "planned_land_use": {"construction": "Construction land", "agricultural": "Agricultural land",
                         "cultivated": "Cultivated land", "forest_grass": "Forest and grassland",
                         "ecological_mixed": "Mixed ecological land", "strategic_reserve": "Strategic reserve",
                         "water": "Water"},
    "pollution": {"water": "Water pollution"},
    "natural_recovery_conditions": {"good": "Good", "fair": "Fair", "poor": "Poor"},
    "road_access": {"good": "Good", "fair": "Fair", "poor": "Poor"},
    "landscape_value": {"high": "High", "medium": "Medium", "low": "Low"},
    "public_support": {"high": "High", "medium": "Medium", "low": "Low"},
}


def value_label(field: str, value: object) -> str:
    """The label of one profile value: Chinese from the contract table, English from the ontology."""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    spec = PROFILE_FIELDS.get(field)
    text = str(value)
    if spec is None or not spec.values:
        return text
    if current_language() == "zh":
        return spec.value_labels_zh.get(text, text)
    return VALUE_LABELS_EN.get(field, {}).get(text) or concept_label(text, "en") or text.replace("_", " ")


def error_message(message: object, field: str | None = None) -> str:
    """An error message of the profile checks in the interface language (they are English, as the API keeps them)."""
    text = str(message)
    if current_language() != "zh":
        return text
    from webui.errors import message_zh

    return message_zh(text, field)


def record_label(where: object) -> str:
    """Where a record sits in an input file (``line 3 (id X)``, ``index 2``, ``record 1``) in the interface language."""
    import re

    text = "" if where is None else str(where)
    if current_language() != "zh":
        return text
    text = re.sub(r"^line (\d+)", r"第 \1 行", text)
    text = re.sub(r"^index (\d+)", lambda m: f"第 {int(m.group(1)) + 1} 项", text)
    text = re.sub(r"^record (\d+)", r"第 \1 条", text)
    return text.replace("(id ", "（编号 ").replace(")", "）") if "（编号" in text or "(id " in text else text


def concept_label(concept_id: str, lang: str | None = None) -> str | None:
    """A concept's preferred label from the ontology, or None when the ontology is not there."""
    from webui.glossary import labels_of

    labels = labels_of(concept_id)
    return labels.get(lang or current_language()) if labels else None


def pick(item: dict, base: str = "label") -> str:
    """``item["label_en"]`` in English (when present), else ``item["label_zh"]``."""
    if current_language() == "en" and item.get(f"{base}_en"):
        return item[f"{base}_en"]
    return item.get(f"{base}_zh") or item.get(f"{base}_en") or item.get("id", "")


def safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no ``//``) may be redirected to."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@bp.get("/lang/<code>")
def switch(code: str):
    """Set the language cookie (a year) and go back to the page the user was on."""
    if code not in LANGUAGES:
        from webui.errors import APIError, detail

        raise APIError(404, f"unknown language {code!r}", [detail(f"use one of {', '.join(LANGUAGES)}", "code")])
    response = redirect(safe_next(request.args.get("next")))
    response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def init_app(app: Flask) -> None:
    catalog()  # fail at start-up, not on a page, if the catalog is incomplete

    @app.before_request
    def _language():
        g.lang = _from_request()

    from webui.present import cited_documents

    app.jinja_env.filters["errmsg"] = error_message
    app.jinja_env.filters["record"] = record_label
    app.jinja_env.globals["cited_documents"] = cited_documents
    app.jinja_env.globals.update(_=gettext, field_label=field_label, value_label=value_label, pick=pick,
                                 current_language=current_language, concept_label=concept_label)
    app.register_blueprint(bp)
