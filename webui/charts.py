"""The factor fingerprint of a mine as an SVG radar chart (no JavaScript, no inline style).

Seed 000 (Table 5) describes a mine's endowment on eight factor categories;
the advisor scores each in [0, 1]. The chart draws one axis per factor, the
mine's polygon, and the values as text, so it reads without colour too.
"""
from __future__ import annotations

import math
from typing import Any

from markupsafe import Markup, escape

from webui.i18n import current_language, pick


def radar_svg(axes: list[tuple[str, float]], title: str, size: int = 380) -> Markup:
    """An accessible SVG radar chart of ``axes`` = ``[(label, value in 0..1)]``."""
    n = len(axes)
    if n < 3:
        return Markup("")
    width = size + 200          # room for labels left and right of the chart (English labels are long)
    cx, cy = width / 2, size / 2
    radius = size / 2 - 60
    parts = [f'<svg class="radar" viewBox="0 0 {width} {size}" width="{width}" height="{size}" role="img" '
             f'aria-labelledby="radar-title" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="radar-title">{escape(title)}</title>']

    def point(i: int, r: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    for level in (0.25, 0.5, 0.75, 1.0):
        ring = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, radius * level) for i in range(n)))
        parts.append(f'<polygon points="{ring}" fill="none" stroke="#c9ced6" stroke-width="1"/>')
    for i, (label, value) in enumerate(axes):
        x, y = point(i, radius)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#c9ced6" stroke-width="1"/>')
        lx, ly = point(i, radius + 26)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        parts.append(f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" font-size="13" fill="#1f2933">'
                     f'{escape(label)}</text>')
        parts.append(f'<text x="{lx:.1f}" y="{ly + 15:.1f}" text-anchor="{anchor}" font-size="11" fill="#52606d">'
                     f'{value:.2f}</text>')
    shape = " ".join(f"{x:.1f},{y:.1f}" for x, y in
                     (point(i, radius * max(0.0, min(1.0, v))) for i, (_l, v) in enumerate(axes)))
    parts.append(f'<polygon class="radar-shape" points="{shape}" fill="#9b1c1c" fill-opacity="0.18" '
                 f'stroke="#9b1c1c" stroke-width="2"/>')
    for i, (_label, value) in enumerate(axes):
        x, y = point(i, radius * max(0.0, min(1.0, value)))
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#9b1c1c"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def fingerprint(advice: dict[str, Any]) -> list[dict[str, Any]]:
    """The advice's factor values as ``[{id, label_zh, label_en, value}]`` (empty when the advisor gave none)."""
    potential = advice.get("potential") or {}
    factors = potential.get("factors") if isinstance(potential, dict) else None
    if isinstance(factors, dict):
        factors = [{"id": k, **(v if isinstance(v, dict) else {"value": v})} for k, v in factors.items()]
    out = []
    for f in factors or []:
        value = f.get("value", f.get("score"))
        if isinstance(value, (int, float)):
            out.append({**f, "value": float(value)})
    return out


def radar_for(advice: dict[str, Any]) -> Markup:
    factors = fingerprint(advice)
    title = "要素禀赋指纹" if current_language() == "zh" else "Factor fingerprint"
    return radar_svg([(pick(f) or f.get("id", ""), f["value"]) for f in factors], title)
