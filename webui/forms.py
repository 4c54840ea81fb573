"""The mine-profile form: drawn from the contract table, read back into a profile.

The form has one control per ``rules.schema.PROFILE_FIELDS`` entry: a text box
for strings and numbers, a select for enums and booleans (with "unknown"), a
group of checkboxes for lists with an explicit 无 (``none``: known to be
empty, ``[]``) apart from no box ticked (不详: unknown, left out). Reading it back only turns HTML strings into
JSON types; validation (ranges, vocabularies, unknown fields) is the advisor's,
so the web and the CLI report the same errors.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from rules.schema import PROFILE_FIELDS, FieldSpec

# The form's sections, in the order an official fills them in; every field appears once.
SECTIONS: list[tuple[str, tuple[str, ...]]] = [
    ("section.identity", ("id", "name", "province", "city", "county")),
    ("section.mine", ("mineral", "mining_method", "status", "responsible_party", "had_mining_license", "area_ha")),
    ("section.land", ("land_ownership", "current_land_use", "planned_land_use", "control_zones", "sensitive_nearby",
                      "visible_from_traffic_or_scenic")),
    ("section.site", ("terrain", "hazards", "hazard_threatens_people", "pollution", "vegetation_cover_pct",
                      "natural_recovery_conditions", "water_accumulated", "waste_rock_m3")),
    ("section.location", ("location_zone", "distance_to_city_km", "road_access", "heritage", "landscape_value",
                          "reclaimable_to_cultivated", "public_support")),
    ("section.intent", ("intended_uses",)),
]
_in_sections = [name for _key, names in SECTIONS for name in names]
assert sorted(_in_sections) == sorted(PROFILE_FIELDS), "every contract field must appear in exactly one form section"

# A list field's explicit "none" in a query string or form (the 无 box sends ``none``).
NONE_VALUE = "none"
NONE_WORDS = {"none", "无", "[]"}

# Parameters of the advice pages that are not profile fields.
CONTROL_PARAMS = {"vary", "vf", "vv", "provinces", "as_of", "lang", "format", "csrf_token",
                  "vf1", "vv1", "vs1", "vf2", "vv2", "vs2", "vf3", "vv3", "vs3"}


@dataclass(frozen=True)
class FormField:
    spec: FieldSpec
    value: Any          # current value: str for text, list for lists, "true"/"false"/"" for bools
    none: bool = False  # a list field known to be empty (无), as against unknown (不详)


def profile_from_params(params: MultiDict) -> dict[str, Any]:
    """A profile dict from form or query parameters; empty controls mean "unknown" and are left out.

    Parameters that are not contract fields are kept as they are, so the
    advisor rejects them by name like any unknown field.
    """
    profile: dict[str, Any] = {}
    for name in params:
        if name in CONTROL_PARAMS:
            continue
        spec = PROFILE_FIELDS.get(name)
        values = [v.strip() for v in params.getlist(name) if v.strip()]
        if not values:
            continue
        if spec is None:
            profile[name] = values[0] if len(values) == 1 else values
        elif spec.kind == "list":
            items = [item.strip() for v in values for item in v.split(";") if item.strip()]
            # 无 alone is the empty list; with other values it stays, and validation names the clash
            profile[name] = [] if items and all(i.lower() in NONE_WORDS for i in items) else items
        elif spec.kind == "bool":
            profile[name] = {"true": True, "false": False}.get(values[0].lower(), values[0])
        elif spec.kind == "number":
            profile[name] = _number(values[0])
        else:
            profile[name] = values[0]
    return profile


def _number(text: str) -> Any:
    try:
        number = float(text)
    except ValueError:
        return text  # the advisor reports it as a type error naming the field
    return int(number) if number.is_integer() and "." not in text else number


def profile_to_params(profile: dict[str, Any]) -> list[tuple[str, str]]:
    """The query parameters that reproduce ``profile`` (a permanent link to its advice)."""
    pairs: list[tuple[str, str]] = []
    for name, value in profile.items():
        if isinstance(value, bool):
            pairs.append((name, "true" if value else "false"))
        elif isinstance(value, (list, tuple)):
            pairs.extend((name, str(v)) for v in value)
            if not value:
                pairs.append((name, NONE_VALUE))  # known to be none, not unknown
        elif value is not None:
            pairs.append((name, str(value)))
    return pairs


def profile_query(profile: dict[str, Any], extra: Iterable[tuple[str, str]] = ()) -> str:
    return urlencode([*profile_to_params(profile), *extra])


def form_fields(profile: dict[str, Any]) -> list[tuple[str, list[FormField]]]:
    """The sections of the form with each field's current value."""
    sections = []
    for key, names in SECTIONS:
        fields = []
        for name in names:
            spec = PROFILE_FIELDS[name]
            value = profile.get(name)
            none = False
            if spec.kind == "list":
                none = isinstance(value, list) and (not value or NONE_VALUE in value)
                value = list(value or [])
            elif spec.kind == "bool":
                value = "" if value is None else ("true" if value is True else "false" if value is False else str(value))
            else:
                value = "" if value is None else str(value)
            fields.append(FormField(spec, value, none))
        sections.append((key, fields))
    return sections
