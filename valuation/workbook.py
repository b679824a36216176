"""The Excel workbook for finance: numbers stored as numbers with formats, formula injection neutralised.

It renders the run's document (:func:`socialroi.valuation.document.run_document`,
the same one the HTML and Markdown reports render): a Summary sheet with
every model's headline side by side, then one sheet per table of the
document, then the cost ledger, the components' assumptions and the
warnings. ROI is stored as a fraction with a percent format (``1.876`` shows
as ``187.6%``); money with ``#,##0.00``. The Summary recomputes the fitted
model's blended ROI from its total value and cost with a live formula.

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
FORMATS = {"money": MONEY, "percent": PERCENT, "share": PERCENT, "count": "#,##0", "ratio": RATIO,
           "number": "#,##0.00", "p": "0.000"}


def safe_text(value: str) -> str:
    """A text cell: never a formula, no control characters (see :mod:`socialroi.valuation.safe_text`)."""
    return spreadsheet(value)


def _cell(value: Any, unit: str = "") -> Any:
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, (list, tuple, dict)):
        return safe_text(str(value))
    if unit == "percent" and isinstance(value, (int, float)):
        return value / 100  # percent points -> a fraction shown with a percent format
    return value


def _sheet_name(title: str, taken: set[str]) -> str:
    base = title.split(" (")[0].split(":")[0].strip()
    for ch in "[]:*?/\\":
        base = base.replace(ch, " ")
    base = base[:31] or "Sheet"
    name, i = base, 2
    while name.lower() in taken:
        name = f"{base[:28]} {i}"
        i += 1
    taken.add(name.lower())
    return name


def _write_table(ws, table, start_row: int = 1) -> None:
    from openpyxl.styles import Alignment, Font

    cols = [str(c) for c in table.frame.columns]
    units = [table.unit(c) for c in cols]
    for j, c in enumerate(cols, start=1):
        cell = ws.cell(start_row, j, _cell(c))
        cell.font = Font(bold=True)
        if units[j - 1] not in ("text", "flag"):
            cell.alignment = Alignment(horizontal="right")
    for i, row in enumerate(table.frame.itertuples(index=False, name=None), start=start_row + 1):
        for j, (v, u) in enumerate(zip(row, units), start=1):
            cell = ws.cell(i, j, _cell(v, u))
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) and u in FORMATS:
                cell.number_format = FORMATS[u]
    for j, c in enumerate(cols, start=1):
        longest = max([len(c)] + [len(str(ws.cell(i, j).value or "")) for i in range(start_row + 1, ws.max_row + 1)])
        ws.column_dimensions[ws.cell(1, j).column_letter].width = min(60, max(10, longest + 2))


def _summary(wb, run, doc) -> None:
    from openpyxl.styles import Font

    ws = wb.create_sheet("Summary")
    heads = run.headlines
    ws.append(["Figure", *[h.model for h in heads]])
    for c in ws[1]:
        c.font = Font(bold=True)
    rows: list[tuple[str, Any, str]] = [
        ("Blended ROI", "blended_roi", PERCENT), ("Blended ROI, lower", ("blended_roi_interval", 0), PERCENT),
        ("Blended ROI, upper", ("blended_roi_interval", 1), PERCENT), ("Hard ROI", "hard_roi", PERCENT),
        ("Hard ROI, lower", ("hard_roi_interval", 0), PERCENT), ("Hard ROI, upper", ("hard_roi_interval", 1), PERCENT),
        ("Net value", "net_value", MONEY), ("Net value, lower", ("net_value_interval", 0), MONEY),
        ("Net value, upper", ("net_value_interval", 1), MONEY),
        ("Probability of loss", "probability_of_loss", PERCENT), ("Draws", "n_draws", "#,##0")]
    for label, key, fmt in rows:
        values = [getattr(h, key) if isinstance(key, str) else getattr(h, key[0])[key[1]] for h in heads]
        if fmt == PERCENT and "Probability" not in label:
            values = [v / 100 for v in values]
        ws.append([label, *values])
        for cell in ws[ws.max_row][1:]:
            cell.number_format = fmt
    roi = run.roi
    ws.append([])
    ws.append(["Fitted model", "value"])
    ws[ws.max_row][0].font = Font(bold=True)
    for label, value in (("Total value", roi.total_value), ("Hard value", roi.hard_value),
                         ("Total cost", roi.total_cost)):
        ws.append([label, value])
        ws[ws.max_row][1].number_format = MONEY
    r = ws.max_row  # total cost row; total value two rows above
    ws.append(["Blended ROI (fitted model, point), recomputed", f"=(B{r - 2}-B{r})/B{r}"])
    ws[ws.max_row][1].number_format = PERCENT
    ws.append([])
    ws.append(["Currency", roi.currency])
    ws.append(["Headline", f"{run.headline.model} ({run.headline.statistic})"])
    for s in doc.sections:
        if s.id == "summary" or not s.facts:
            continue
        ws.append([])
        ws.append([safe_text(s.title)])
        ws[ws.max_row][0].font = Font(bold=True)
        for x in s.facts:
            ws.append([safe_text(x.label), safe_text(x.value), safe_text(x.note)])
    ws.column_dimensions["A"].width = 48
    for col in "BCD":
        ws.column_dimensions[col].width = 22


def build_workbook(run):
    """An :class:`openpyxl.Workbook` of the run (see the module docstring)."""
    import pandas as pd
    from openpyxl import Workbook

    from socialroi.valuation.document import Table, assumption_text, run_document
    from socialroi.valuation.report import NumberFormat

    f = NumberFormat("en", run.roi.currency, plain=True)
    doc = run_document(run, f, full=True)
    wb = Workbook()
    wb.remove(wb.active)
    _summary(wb, run, doc)
    taken = {"summary"}
    tables = [t for s in doc.sections for t in s.tables]
    lines = run.costs.lines
    tables.append(Table("Cost ledger", lines, {"amount": "money", "low": "money", "high": "money", "hours": "number",
                                               "hourly_rate": "money"}))
    rows = [("project", k, v) for k, v in (("name", run.project.name), ("currency", run.project.currency),
                                           ("period", run.project.period), ("seed", run.project.seed),
                                           ("draws", run.roi.costs.n_draws))]
    for c in run.roi.components:
        rows += [(c.label, k.replace("_", " "), v if isinstance(v, (int, float)) and not isinstance(v, bool) else
                  assumption_text(v, f)) for k, v in c.assumptions.items()]
    tables.append(Table("Assumptions", pd.DataFrame(rows, columns=["Component", "Assumption", "Value"]),
                        {"Value": "number"}))
    tables.append(Table("Warnings", pd.DataFrame({"Warning": list(doc.warnings) or ["No data-quality warnings."]})))
    for t in tables:
        ws = wb.create_sheet(_sheet_name(t.title, taken))
        _write_table(ws, t)
        ws.freeze_panes = "A2"
    return wb

