"""Plotly figures as plain JSON-able dicts. The page carries the figure in a
``data-figure`` attribute (escaped like any other text) and ``static/app.js`` draws it
with the plotly.js that the installed ``plotly`` package ships; no inline script."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["stacked_volume", "heatmap", "bars", "to_attr"]

_LAYOUT = {"margin": {"l": 50, "r": 10, "t": 10, "b": 40}, "height": 320,
           "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
           "font": {"family": "system-ui, sans-serif", "size": 12},
           "legend": {"orientation": "h", "y": -0.2}}


def stacked_volume(volume: dict[str, Any]) -> dict[str, Any] | None:
    """Articles per period, stacked by narrative (from ``narrative_volume``)."""
    if not volume["periods"] or not volume["series"]:
        return None
    data = [{"type": "bar", "name": name, "x": volume["periods"], "y": ys,
             "hovertemplate": "%{x}: %{y} article(s)<extra>" + name[:60] + "</extra>"}
            for name, ys in volume["series"].items()]
    return {"data": data, "layout": {**_LAYOUT, "barmode": "stack", "height": 380,
                                     "xaxis": {"type": "category"},
                                     "yaxis": {"title": {"text": "articles"}},
                                     "showlegend": len(data) <= 12}}


def heatmap(table: dict[str, Any]) -> dict[str, Any] | None:
    """Narratives × outlets article counts (from ``narratives_by_outlet``)."""
    if not table["narratives"] or not table["outlets"]:
        return None
    rows = len(table["narratives"])
    return {"data": [{"type": "heatmap", "z": table["counts"], "x": table["outlets"],
                      "y": table["narratives"], "colorscale": "Blues", "reversescale": True,
                      "hovertemplate": "%{y} × %{x}: %{z}<extra></extra>"}],
            "layout": {**_LAYOUT, "height": max(260, 40 + 22 * rows),
                       "margin": {"l": 260, "r": 10, "t": 10, "b": 80},
                       "xaxis": {"type": "category"}, "yaxis": {"type": "category",
                                                                  "automargin": True}}}


def bars(periods: list[str], counts: list[int], name: str) -> dict[str, Any] | None:
    """One series of bars: a narrative's or outlet's trend."""
    if not periods:
        return None
    return {"data": [{"type": "bar", "name": name, "x": periods, "y": counts}],
            "layout": {**_LAYOUT, "height": 260, "xaxis": {"type": "category"},
                       "showlegend": False}}


def to_attr(fig: dict[str, Any] | None) -> str:
    """The figure as JSON for a ``data-figure`` attribute (the template escapes it)."""
    return json.dumps(fig, separators=(",", ":"), ensure_ascii=False) if fig else ""
