"""The Excel workbook for finance: numbers stored as numbers with formats, formula injection neutralised.

Sheets: Summary, Components, Costs, Assumptions, and, when present, Top
keywords, Segment lifts, Support, Attribution, Simulation and Scenarios.
Any text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return) gets a leading apostrophe, so a hostile keyword or name
from input data can never become a formula.
"""

from __future__ import annotations

import math
from typing import Any

from socialroi.valuation.safe_text import spreadsheet

MONEY = "#,##0.00"
PERCENT = "0.0%"
RATIO = "0.0000"


def safe_text(value: str) -> str:
    """A text cell: never a formula, no control characters (see :mod:`socialroi.valuation.safe_text`)."""
    return spreadsheet(value)


def _cell(value: Any):
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, (list, tuple, dict)):
        return safe_text(str(value))
    return value


def _sheet(wb, title: str, frame, formats: dict[str, str] | None = None) -> None:
    from openpyxl.styles import Font

    ws = wb.create_sheet(title)
    cols = [str(c) for c in frame.columns]
    ws.append([_cell(c) for c in cols])
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in frame.itertuples(index=False, name=None):
        ws.append([_cell(v) for v in row])
    for j, col in enumerate(cols, start=1):
        fmt = (formats or {}).get(col)
        if fmt is None and frame[frame.columns[j - 1]].dtype.kind == "f":
            fmt = MONEY
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    cell.number_format = fmt
        ws.column_dimensions[ws.cell(1, j).column_letter].width = min(45, max(12, len(col) + 2))
    ws.freeze_panes = "A2"


def build_workbook(run, simulation=None):
    """An :class:`openpyxl.Workbook` of the run (and simulation)."""
    import pandas as pd
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    roi = run.roi
    summary = pd.DataFrame([
        ("Blended ROI", roi.blended_roi / 100), ("Blended ROI, lower", roi.blended_roi_interval[0] / 100),
        ("Blended ROI, upper", roi.blended_roi_interval[1] / 100), ("Hard ROI", roi.hard_roi / 100),
        ("Total value", roi.total_value), ("Hard value", roi.hard_value), ("Total cost", roi.total_cost),
        ("Net value", roi.net_value), ("Probability of loss", roi.probability_of_loss),
    ], columns=["figure", "value"])
    _sheet(wb, "Summary", summary)
    ws = wb["Summary"]
    for r in range(2, ws.max_row + 1):
        label = ws.cell(r, 1).value
        ws.cell(r, 2).number_format = PERCENT if "ROI" in label or "Probability" in label else MONEY
    ws.cell(ws.max_row + 2, 1, f"Currency: {roi.currency}")
    comps = roi.to_frame()
    _sheet(wb, "Components", comps, {"share_of_value": PERCENT, "roi_points": "0.0"})
    _sheet(wb, "Costs", run.costs.lines, {"hours": "0.0"})
    _sheet(wb, "Costs by category", run.costs.by_category(), {"share": PERCENT, "lines": "0"})
    rows = [("project", k, str(v)) for k, v in (("name", run.project.name), ("currency", run.project.currency),
                                               ("period", run.project.period), ("seed", run.project.seed),
                                               ("draws", run.project.draws))]
    for c in roi.components:
        rows += [(c.component, k, v if isinstance(v, (int, float)) else str(v)) for k, v in c.assumptions.items()]
    _sheet(wb, "Assumptions", pd.DataFrame(rows, columns=["component", "assumption", "value"]), {"value": "General"})
    if run.traffic is not None:
        _sheet(wb, "Top keywords", run.traffic.top_keywords, {"clicks": "#,##0"})
    if getattr(run, "segments", None) is not None and len(run.segments.effects):
        _sheet(wb, "Segment lifts", run.segments.effects, {c: RATIO for c in ("estimate", "lower", "upper", "se",
                                                                               "p_value", "ratio", "evalue")})
    if getattr(run, "support", None) is not None:
        _sheet(wb, "Support", run.support.to_frame())
    if getattr(run, "attribution", None) is not None:
        _sheet(wb, "Attribution", run.attribution.to_frame(), {"markov_removal_effect": RATIO})
    if simulation is not None:
        s = simulation.summary
        sim = pd.DataFrame([(k, v["mean"], v["p5"], v["p50"], v["p95"]) for k, v in s.items() if isinstance(v, dict)],
                           columns=["figure", "mean", "p5", "p50", "p95"])
        _sheet(wb, "Simulation", sim)
        _sheet(wb, "Scenarios", simulation.scenarios, {"probability_of_loss": PERCENT})
        _sheet(wb, "Tornado", simulation.tornado)
        _sheet(wb, "Simulation assumptions", simulation.levers)
    _sheet(wb, "Warnings", pd.DataFrame({"warning": list(run.warnings) or ["No data-quality warnings."]}))
    wb["Warnings"].column_dimensions["A"].width = 120
    return wb
