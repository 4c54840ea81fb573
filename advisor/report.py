"""The 一矿一策 advice report: HTML, PDF (WeasyPrint, Noto Sans CJK) and Markdown.

``build_report`` computes everything once (advice, radar chart, what-ifs) into
one dict; ``render`` turns it into one of the formats from the templates of
``data/``. The PDF is the HTML page rendered by WeasyPrint with the CJK font
that ``scripts/setup`` installs (fonts-noto-cjk).
"""
from __future__ import annotations

import datetime as _dt
import math
from html import escape
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from advisor.potential import FACTORS
from rules.schema import PROFILE_FIELDS

DATA = Path(__file__).resolve().parent / "data"
FORMATS = ("html", "pdf", "md")
# Scenarios every report shows (when they differ from the mine's own value):
# the two ends of the planning choice the Beijing plan's categories turn on.
AUTO_SCENARIOS = [{"planned_land_use": "construction"}, {"planned_land_use": "forest_grass"}]


def radar_svg(factors: dict[str, dict[str, Any]], size: int = 320) -> str:
    """The factor fingerprint (seed 000 Fig. 2) as an inline SVG radar chart, values 0..1."""
    c = size / 2
    r = size * 0.34
    n = len(FACTORS)

    def pt(i: int, v: float) -> tuple[float, float]:
        a = -math.pi / 2 + 2 * math.pi * i / n
        return c + r * v * math.cos(a), c + r * v * math.sin(a)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}" '
             f'role="img" aria-label="要素指纹雷达图" font-family="Noto Sans CJK SC, sans-serif">']
    for ring in (0.25, 0.5, 0.75, 1.0):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (pt(i, ring) for i in range(n)))
        parts.append(f'<polygon points="{pts}" fill="none" stroke="#ccc" stroke-width="1"/>')
    for i, f in enumerate(FACTORS):
        x, y = pt(i, 1.0)
        parts.append(f'<line x1="{c:.1f}" y1="{c:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#ccc" stroke-width="1"/>')
        lx, ly = pt(i, 1.22)
        label = escape(factors[f]["label_zh"])
        value = factors[f]["value"]
        parts.append(f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="13" text-anchor="middle" '
                     f'dominant-baseline="middle">{label} {value:.2f}</text>')
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (pt(i, factors[f]["value"]) for i, f in enumerate(FACTORS)))
    parts.append(f'<polygon points="{pts}" fill="rgba(46,125,50,0.35)" stroke="#2e7d32" stroke-width="2"/>')
    parts.append("</svg>")
    return "".join(parts)


def _value_zh(name: str, value: Any) -> str:
    spec = PROFILE_FIELDS[name]
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(spec.value_labels_zh.get(v, v) for v in value) or "无"
    if spec.kind == "enum":
        return spec.value_labels_zh.get(value, value)
    return str(value)


def build_report(advisor, profile: dict[str, Any], *, as_of: Any = None,
                 vary: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the report shows, computed once."""
    from advisor.service import parse_as_of
    from advisor.whatif import diff_advice

    advice = advisor.advise(profile, as_of=as_of, explain=False)
    scenarios = []
    wanted = ([vary] if vary else []) + [s for s in AUTO_SCENARIOS if any(profile.get(k) != v for k, v in s.items())]
    for changes in wanted:
        res = advisor.what_if(profile, changes, as_of=as_of)
        scenarios.append({
            "changes": [{"field": k, "label_zh": PROFILE_FIELDS[k].label_zh,
                         "value_zh": _value_zh(k, v) if v is not None else "未知"} for k, v in res["changes"].items()],
            "diff": diff_advice(res["before"], res["after"]),
        })
    rows = [{"field": k, "label_zh": PROFILE_FIELDS[k].label_zh, "value_zh": _value_zh(k, v)}
            for k, v in profile.items() if k in PROFILE_FIELDS]
    missing = [PROFILE_FIELDS[k].label_zh for k in PROFILE_FIELDS if k not in profile]
    day = parse_as_of(as_of) or _dt.date.today()
    return {
        "title": f"一矿一策：{profile.get('name') or profile['id']} 生态修复与利用建议",
        "profile": profile, "profile_rows": rows, "missing_fields": missing, "advice": advice,
        "radar_svg": radar_svg(advice["potential"]["factors"]), "scenarios": scenarios,
        "as_of": day.isoformat(), "generated": _dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "factors": [advice["potential"]["factors"][f] | {"id": f} for f in FACTORS],
    }


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(DATA)), autoescape=select_autoescape(["html.j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda v: f"{v * 100:.0f}%"
    env.filters["num"] = lambda v: f"{v:.2f}"
    return env


def render(report: dict[str, Any], fmt: str) -> str | bytes:
    """The report as HTML or Markdown text, or PDF bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"report format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt == "md":
        return _env().get_template("report.md.j2").render(**report)
    html = _env().get_template("report.html.j2").render(**report)
    if fmt == "html":
        return html
    from weasyprint import HTML  # imported only for PDF: it loads Pango

    return HTML(string=html, base_url=str(DATA)).write_pdf()
