"""The Excel workbook for finance: numbers stored as numbers with formats, formula injection neutralised.

It renders the run's document (:func:`socialroi.valuation.document.run_document`,
the same one the HTML and Markdown reports render): a Summary sheet with
every model's headline side by side; a live **Model** sheet where every
scenario lever is an input cell and every component, cost line, total and
ROI a formula of them (named ``BlendedROI``, ``HardROI``, ``TotalValue``,
``HardValue``, ``TotalCost``, ``NetValue``), so finance can change an
assumption and watch the ROI move exactly as the scenario model moves it;
then one sheet per table of the document, the cost ledger, the components'
assumptions, the warnings and the first 10,000 simulated ROI draws. Every
sheet prints landscape, one page wide, with its header row repeated. ROI is
stored as a fraction with a percent format (``1.876`` shows as ``187.6%``);
money with ``#,##0.00``. The Summary recomputes the fitted
model's blended ROI from its total value and cost with a live formula.

Any text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return) gets a leading apostrophe, so a hostile keyword or name
from input data can never become a formula.
"""

from __future__ import annotations

import math
from typing import Any

from socialroi.valuation.safe_text import spreadsheet

MONEY = '#,##0.00 "¤"'  # a placeholder: _finish writes the run's currency code in place of ¤
NUMBER = "#,##0.00"
PERCENT = "0.0%"
RATIO = "0.0000"
FORMATS = {"money": MONEY, "percent": PERCENT, "share": PERCENT, "count": "#,##0", "ratio": RATIO,
           "number": NUMBER, "p": "0.000"}


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
    """A unique sheet name (at most 31 characters, none of Excel's forbidden ones) from a table's title: the part
    before the first colon ("Value waterfall: net ..."), or for a per-item title ("Incrementality: NAME: donor
    weights") the item's name shortened to fit beside what the table is."""
    parts = [p.strip() for p in title.split(" (")[0].split(":")]
    if len(parts) >= 3:
        head, tail = parts[-2], parts[-1]
        base = f"{head[:max(0, 30 - len(tail))].rstrip()} {tail}".strip()
    else:
        base = parts[0]
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
        ("Probability of loss", "probability_of_loss", PERCENT),
        ("Conservative blended ROI (fitted point, overlaps once)", "conservative_blended_roi", PERCENT),
        ("Draws", "n_draws", "#,##0")]
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
    ws.append(["Blended ROI of the live model (sheet Model)", "=BlendedROI"])
    ws[ws.max_row][1].number_format = PERCENT
    ws.append(["Blended ROI on hard evidence only (fitted point)", run.hard_evidence_roi / 100])
    ws[ws.max_row][1].number_format = PERCENT
    conf = run.confounding
    if conf.rows:
        for label, rr in (("Confounding strength that erases the blended ROI (RR)", conf.tipping_point),
                          ("Confounding strength that erases the conservative ROI (RR)",
                           conf.conservative_tipping_point)):
            ws.append([label, rr if math.isfinite(rr) else "never"])
            ws[ws.max_row][1].number_format = "0.00"
    for g in roi.value_by_evidence():
        ws.append([f"Share of value resting on {g['grade'].replace('_', ' ')} estimates", g["share"]])
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


DRAWS_SHEET = 10_000  # simulation draws written for finance to chart or resample
NAMES = {"TotalValue": "total value", "HardValue": "hard value", "TotalCost": "total cost", "NetValue": "net value",
         "BlendedROI": "blended ROI", "HardROI": "hard ROI"}


def _heading(ws, labels: list[str]) -> None:
    from openpyxl.styles import Font

    ws.append(labels)
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)


def _lever_rows(ws, run) -> dict[str, int]:
    """One yellow input row per lever (the components' declared levers, then the cost ledger's): its row by name."""
    from openpyxl.styles import PatternFill

    edit = PatternFill("solid", fgColor="FFF9C4")
    declared: dict[str, Any] = {}
    for comp in run.roi.components:
        for lever in comp.levers:
            declared.setdefault(lever.name, lever)
    costs = [(f"costs.line{i}", float(r.amount), f"{r.category}: {r.item}")
             for i, r in enumerate(run.costs.lines.reset_index(drop=True).itertuples(), 1)]
    costs += [("costs.hourly_rate_multiplier", 1.0, "multiplier on staff hourly rates"),
              ("costs.multiplier", 1.0, "multiplier on every cost line")]
    row_of: dict[str, int] = {}
    for name, base, text in [*((v.name, v.base, v.description) for v in declared.values()), *costs]:
        ws.append([name, base, base, safe_text(text)])
        row_of[name] = ws.max_row
        ws.cell(ws.max_row, 3).fill = edit
        _define(ws.parent, "Input_" + name, f"Model!$C${ws.max_row}")
    return row_of


def _define(wb, name: str, ref: str) -> str:
    """A defined name for ``ref``: letters, digits and underscores only, made unique with a number."""
    import re

    from openpyxl.workbook.defined_name import DefinedName

    base = re.sub(r"\W", "_", name, flags=re.ASCII)
    clean, i = base, 2
    while clean in wb.defined_names:
        clean, i = f"{base}_{i}", i + 1
    wb.defined_names[clean] = DefinedName(clean, attr_text=ref)
    return clean


def _factor_formula(comp, row_of: dict[str, int]) -> str:
    """The product of a component's lever factors, each distinct factor once (as the scenario model applies it)."""
    factors, seen = [], set()
    for lever in comp.levers:
        if lever.effect == "annuity" and lever.annuity not in seen:
            seen.add(lever.annuity)
            ny, nr = (row_of[n] for n in lever.annuity)
            factors.append(f"({_annuity_formula(f'C{ny}', f'C{nr}')}/{_annuity_formula(f'B{ny}', f'B{nr}')})")
        elif lever.effect == "scale" and lever.base != 0:
            factors.append(f"(C{row_of[lever.name]}/B{row_of[lever.name]})")
    return "=" + ("*".join(factors) or "1")


def _component_rows(ws, run, row_of: dict[str, int]) -> tuple[int, int]:
    """Each component: point value, factor and value formulas; the first and last row."""
    first = ws.max_row + 1
    for comp in run.roi.components:
        ws.append([safe_text(comp.label), comp.kind, comp.point, _factor_formula(comp, row_of), None])
        ws.cell(ws.max_row, 5, f"=C{ws.max_row}*D{ws.max_row}")
        _define(ws.parent, "Point_" + comp.component, f"Model!$C${ws.max_row}")
        _define(ws.parent, "Value_" + comp.component, f"Model!$E${ws.max_row}")
    return first, ws.max_row


def _cost_rows(ws, run, row_of: dict[str, int]) -> tuple[int, int]:
    """Each cost line as its lever times the staff-rate and overall multipliers; the first and last row."""
    first = ws.max_row + 1
    hourly, mult = row_of["costs.hourly_rate_multiplier"], row_of["costs.multiplier"]
    for i, r in enumerate(run.costs.lines.reset_index(drop=True).itertuples(), 1):
        staff = f"*C{hourly}" if r.category == "staff time" else ""
        ws.append([safe_text(str(r.item)), safe_text(str(r.category)), f"=C{row_of[f'costs.line{i}']}{staff}*C{mult}"])
    return first, ws.max_row


def _named_totals(wb, ws, values: tuple[int, int], costs: tuple[int, int]) -> None:
    """Totals and ROI as formulas in named cells."""
    from openpyxl.workbook.defined_name import DefinedName

    (first, last), (cost_first, cost_last) = values, costs
    formulas = {"TotalValue": f"=SUM(E{first}:E{last})",
                "HardValue": f'=SUMIF(B{first}:B{last},"hard",E{first}:E{last})',
                "TotalCost": f"=SUM(C{cost_first}:C{cost_last})", "NetValue": "=TotalValue-TotalCost",
                "BlendedROI": "=(TotalValue-TotalCost)/TotalCost", "HardROI": "=(HardValue-TotalCost)/TotalCost"}
    for name, formula in formulas.items():
        ws.append([NAMES[name], formula])
        wb.defined_names[name] = DefinedName(name, attr_text=f"Model!$B${ws.max_row}")


def _model_sheet(wb, run) -> None:
    """The live model: every lever as an input cell, every component and cost line as a formula of them, and the
    totals and ROI as named cells (``BlendedROI``, ``HardROI``, ``TotalValue``, ``HardValue``, ``TotalCost``,
    ``NetValue``). At the base values it gives the fitted model's point figures; change a yellow cell and the ROI
    moves as the scenario model moves it (:class:`socialroi.valuation.scenarios.Model` at point values)."""
    from openpyxl.styles import Font

    ws = wb.create_sheet("Model", 1)
    _heading(ws, ["Assumption (edit the yellow cells)", "Base", "Value", "What it is"])
    row_of = _lever_rows(ws, run)
    ws.append([])
    _heading(ws, ["Component", "Kind", "Point value", "Factor", "Value"])
    values = _component_rows(ws, run, row_of)
    _component_chart(ws, run, values)
    ws.append([])
    _heading(ws, ["Cost line", "Category", "Value"])
    costs = _cost_rows(ws, run, row_of)
    ws.append([])
    _named_totals(wb, ws, values, costs)
    roi_rows = (NAMES["BlendedROI"], NAMES["HardROI"])
    for row in ws.iter_rows(min_row=2):
        for cell in row[1:]:
            if isinstance(cell.value, (int, float)) or (isinstance(cell.value, str) and cell.value.startswith("=")):
                cell.number_format = PERCENT if row[0].value in roi_rows else "#,##0.00####"
        if row[0].value in NAMES.values():
            row[0].font = Font(bold=True)
    for col, width in (("A", 44), ("B", 16), ("C", 16), ("D", 40), ("E", 16)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"


def _annuity_formula(years: str, rate: str) -> str:
    """The annuity factor as a spreadsheet formula (the same rule as :func:`socialroi.valuation.finance.annuity`)."""
    return f"IF({years}<=0,0,IF(ABS({rate})<1E-12,{years},(1-(1+{rate})^(-{years}))/{rate}))"


def _cashflow_sheet(wb, run) -> None:
    """Cash flows, NPV and payback as formulas of their inputs (yellow cells), as
    :func:`socialroi.valuation.scenarios.cashflows` computes them for the mean draws: the named cells ``NPV`` and
    ``PaybackPeriod`` move when finance changes the value, cost, rate, growth or upfront cost."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.workbook.defined_name import DefinedName

    c = run.simulation.cashflow_summary
    ws = wb.create_sheet("Cash flows model")
    bold, edit = Font(bold=True), PatternFill("solid", fgColor="FFF9C4")
    inputs = [("Value per year (mean draw)", c["mean_value"], MONEY), ("Cost per year (mean draw)", c["mean_cost"], MONEY),
              ("Discount rate per year", c["discount_rate"], PERCENT), ("Value growth per year", c["value_growth"], PERCENT),
              ("Upfront cost", c["upfront_cost"], MONEY), ("Periods per year", c["periods_per_year"], "0")]
    for label, value, fmt in inputs:
        ws.append([label, value])
        ws.cell(ws.max_row, 2).number_format = fmt
        ws.cell(ws.max_row, 2).fill = edit
    V, C, R, G, U, P = (f"$B${i}" for i in range(1, 7))
    ws.append([])
    ws.append(["Period", "Value", "Cost", "Net", "Discounted net", "Cumulative net", "Paid back"])
    for cell in ws[ws.max_row]:
        cell.font = bold
    first = ws.max_row + 1
    ws.print_title_rows = f"{first - 1}:{first - 1}"
    for t in range(1, int(c["periods"]) + 1):
        r = ws.max_row + 1
        prev = f"F{r - 1}" if t > 1 else f"-{U}"
        ws.append([t, f"={V}/{P}*(1+{G})^INT((A{r}-1)/{P})", f"={C}/{P}", f"=B{r}-C{r}", f"=D{r}*(1+{R})^(-A{r}/{P})",
                   f"={prev}+D{r}", f'=IF(F{r}>=0,A{r},"")'])
        for col in "BCDEF":
            ws[f"{col}{r}"].number_format = MONEY
    last = ws.max_row
    ws.append([])
    ws.append(["NPV (mean draws)", f"=SUM(E{first}:E{last})-{U}"])
    ws.cell(ws.max_row, 2).number_format = MONEY
    wb.defined_names["NPV"] = DefinedName("NPV", attr_text=f"'Cash flows model'!$B${ws.max_row}")
    ws.append(["Payback period", f'=IF(COUNT(G{first}:G{last})=0,"not within the horizon",MIN(G{first}:G{last}))'])
    wb.defined_names["PaybackPeriod"] = DefinedName("PaybackPeriod", attr_text=f"'Cash flows model'!$B${ws.max_row}")
    for cell in (ws.cell(ws.max_row - 1, 1), ws.cell(ws.max_row, 1)):
        cell.font = bold
    ws.column_dimensions["A"].width = 30
    for col in "BCDEFG":
        ws.column_dimensions[col].width = 16


def _component_chart(ws, run, rows: tuple[int, int]) -> None:
    """A native bar chart of the component values on the live Model sheet (rows ``first``..``last``)."""
    from openpyxl.chart import BarChart, Reference

    first, last = rows
    chart = BarChart()
    chart.type, chart.title = "bar", f"Component values ({run.roi.currency})"
    chart.add_data(Reference(ws, min_col=5, min_row=first, max_row=last), titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.legend, chart.height, chart.width = None, 9, 18
    ws.add_chart(chart, "G2")


def _histogram_chart(wb, run) -> None:
    """The ROI distribution of the simulation: binned draws and a native bar chart of them."""
    import numpy as np
    from openpyxl.chart import BarChart, Reference

    counts, edges = np.histogram(run.simulation.roi_sample, bins=30)
    hs = wb.create_sheet("ROI histogram")
    hs.append(["Blended ROI from", "to", "Draws"])
    for n, a, b in zip(counts, edges[:-1], edges[1:]):
        hs.append([float(a) / 100, float(b) / 100, int(n)])
        hs.cell(hs.max_row, 1).number_format = hs.cell(hs.max_row, 2).number_format = PERCENT
    chart = BarChart()
    chart.title, chart.y_axis.title, chart.x_axis.title = "Distribution of blended ROI", "draws", "blended ROI"
    chart.add_data(Reference(hs, min_col=3, min_row=2, max_row=hs.max_row), titles_from_data=False)
    chart.set_categories(Reference(hs, min_col=1, min_row=2, max_row=hs.max_row))
    chart.legend, chart.height, chart.width, chart.gapWidth = None, 9, 18, 10
    hs.add_chart(chart, "E2")


def _tornado_chart(wb, run) -> None:
    """A native tornado: for each assumption, the change in blended ROI (points) at its P10 and at its P90."""
    from openpyxl.chart import BarChart, Reference

    torn = run.simulation.tornado.head(12)
    ws = wb.create_sheet("Tornado chart")
    ws.append(["Assumption", "Change at P10 (ROI points)", "Change at P90 (ROI points)"])
    for r in torn.iloc[::-1].itertuples():  # the widest bar on top, as in the report
        ws.append([safe_text(str(r.assumption)), (r.roi_at_p10 - run.simulation.base_roi) / 100,
                   (r.roi_at_p90 - run.simulation.base_roi) / 100])
        for col in (2, 3):
            ws.cell(ws.max_row, col).number_format = PERCENT
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap, chart.gapWidth = "bar", "clustered", 100, 40
    chart.title = f"Tornado: change in blended ROI from its base {run.simulation.base_roi:,.1f}%"
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=1, max_row=ws.max_row), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=ws.max_row))
    chart.height, chart.width = 10, 20
    chart.x_axis.tickLblPos = "low"  # assumption names beside the plot, not over the bars
    ws.add_chart(chart, "E2")
    ws.column_dimensions["A"].width = 40


def _line(series, colour: str, width: int, dashed: bool = False) -> None:
    """A chart series drawn as a plain line (no markers, not smoothed) in a report colour (``#rrggbb``), ``width``
    in EMU (12,700 a point)."""
    series.marker.symbol = "none"
    series.smooth = False
    series.graphicalProperties.line.solidFill = colour.lstrip("#").upper()
    series.graphicalProperties.line.width = width
    if dashed:
        series.graphicalProperties.line.dashStyle = "dash"


def _confounding_chart(wb, run) -> None:
    """The blended and conservative ROI against the strength of unmeasured confounding, as a native line chart
    over the whole curve (the report's chart)."""
    from openpyxl.chart import Reference, ScatterChart, Series

    from socialroi.valuation.charts import COLOURS

    conf = run.confounding
    if not conf.rows:
        return
    ws = wb.create_sheet("Confounding curve")
    ws.append(["Confounding strength (RR)", "Blended ROI", "Conservative blended ROI"])
    for p in conf.curve:
        ws.append([p["rr"], p["blended_roi"] / 100, p["conservative_blended_roi"] / 100])
        ws.cell(ws.max_row, 1).number_format = "0.00"
        for col in (2, 3):
            ws.cell(ws.max_row, col).number_format = PERCENT
    chart = ScatterChart()
    chart.title = "Blended ROI against the strength of unmeasured confounding"
    chart.style, chart.height, chart.width = 13, 10, 20
    chart.x_axis.title, chart.y_axis.title = "confounding strength (risk ratio)", "ROI"
    chart.y_axis.number_format = "0%"
    x = Reference(ws, min_col=1, min_row=2, max_row=ws.max_row)
    for col, colour in ((2, COLOURS["hard"]), (3, COLOURS["soft"])):  # as the report's chart draws them
        series = Series(Reference(ws, min_col=col, min_row=1, max_row=ws.max_row), x, title_from_data=True)
        _line(series, colour, 28575)  # 2.25 pt
        chart.series.append(series)
    chart.x_axis.scaling.min, chart.x_axis.scaling.max = 1.0, float(conf.curve[-1]["rr"])
    chart.x_axis.tickLblPos = "low"  # strength labels under the plot, not on the zero line
    chart.scatterStyle = "line"
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl hides the axes by default
    ws.add_chart(chart, "E2")
    for letter in "ABC":
        ws.column_dimensions[letter].width = 26


def _incrementality_sheets(wb, run, taken: set[str]) -> None:
    """Per campaign: every period's actual, counterfactual, interval and effects, with native line charts of the
    actual against the counterfactual and of the effect (the report's charts; the other campaign tables are
    sheets of the document's tables)."""
    from openpyxl.chart import LineChart, Reference

    from socialroi.valuation.charts import COLOURS
    from socialroi.valuation.document import Table

    if run.incrementality is None:
        return
    columns = {"period": "Period", "actual": "Actual", "counterfactual": "Counterfactual", "lower": "Lower",
               "upper": "Upper", "effect": "Effect", "cumulative": "Cumulative effect",
               "cumulative_lower": "Cumulative lower", "cumulative_upper": "Cumulative upper"}
    for r in run.incrementality.lifts:
        label = r.label
        ws = wb.create_sheet(_sheet_name(f"{label}: by period", taken))
        frame = r.series[list(columns)].rename(columns=columns)
        _write_table(ws, Table(f"{label}: by period", frame, {c: "number" for c in frame.columns if c != "Period"}))
        n = ws.max_row
        for title, cols, anchor, colours in (
                (f"{label}: actual and counterfactual", (2, 3, 4, 5), "K2",
                 (COLOURS["net"], COLOURS["soft"], COLOURS["neutral"], COLOURS["neutral"])),
                (f"{label}: effect per period and cumulative", (6, 7), "K24", (COLOURS["hard"], COLOURS["soft"]))):
            chart = LineChart()
            chart.title, chart.style, chart.height, chart.width = title, 12, 10, 24
            chart.y_axis.title, chart.x_axis.title = r.outcome, "period"
            for col, colour in zip(cols, colours):
                chart.add_data(Reference(ws, min_col=col, min_row=1, max_row=n), titles_from_data=True)
                _line(chart.series[-1], colour, 22225 if col in (2, 3, 6, 7) else 9525, dashed=col in (4, 5))
            chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n))
            chart.x_axis.tickLblPos = "low"
            chart.x_axis.delete = chart.y_axis.delete = False
            ws.add_chart(chart, anchor)
        ws.freeze_panes = "A2"


def _simulation_sheets(wb, run) -> None:
    """The live cash-flow model and the native tornado and histogram charts, when the run has a simulation."""
    sim = run.simulation
    if sim is None:
        return
    if sim.cashflow_summary:
        _cashflow_sheet(wb, run)
    if len(sim.tornado):
        _tornado_chart(wb, run)
    if sim.roi_sample is not None:
        _histogram_chart(wb, run)


def _data_tables(run, doc, f) -> list[Any]:
    """Every table of the document, then the cost ledger, the components' assumptions, the warnings and the
    first simulated ROI draws, each for a sheet of its own."""
    import pandas as pd

    from socialroi.valuation.document import Table, assumption_text

    tables = [t for s in doc.sections for t in s.tables]
    tables.append(Table("Cost ledger", run.costs.lines, {"amount": "money", "low": "money", "high": "money",
                                                         "hours": "number", "hourly_rate": "money"}))
    rows = [("project", k, v) for k, v in (("name", run.project.name), ("currency", run.project.currency),
                                           ("period", run.project.period), ("seed", run.project.seed),
                                           ("draws", run.roi.costs.n_draws))]
    for c in run.roi.components:
        rows += [(c.label, k.replace("_", " "), v if isinstance(v, (int, float)) and not isinstance(v, bool) else
                  assumption_text(v, f)) for k, v in c.assumptions.items()]
    tables.append(Table("Assumptions", pd.DataFrame(rows, columns=["Component", "Assumption", "Value"]),
                        {"Value": "number"}))
    tables.append(Table("Warnings", pd.DataFrame({"Warning": list(doc.warnings) or ["No data-quality warnings."]})))
    if run.simulation is not None and run.simulation.roi_sample is not None:
        sample = run.simulation.roi_sample[:DRAWS_SHEET]
        tables.append(Table(f"ROI draws (first {len(sample):,} of the simulation)",
                            pd.DataFrame({"Draw": range(1, len(sample) + 1), "Blended ROI": sample}),
                            {"Draw": "count", "Blended ROI": "percent"}))
    return tables


def _finish(wb, currency: str) -> None:
    """Money cells carry the currency code, as in every other output (plain numbers never do: the placeholder
    :data:`MONEY` is distinct from :data:`NUMBER`); every sheet prints landscape, one page wide, its header row
    repeated."""
    money = MONEY.replace("¤", currency)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.number_format == MONEY:
                    cell.number_format = money
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = ws.print_title_rows or "1:1"


def build_workbook(run):
    """An :class:`openpyxl.Workbook` of the run (see the module docstring)."""
    from openpyxl import Workbook

    from socialroi.valuation.document import run_document
    from socialroi.valuation.report import NumberFormat

    f = NumberFormat("en", run.roi.currency, plain=True)
    doc = run_document(run, f, full=True)
    wb = Workbook()
    wb.remove(wb.active)
    _summary(wb, run, doc)
    _model_sheet(wb, run)
    _simulation_sheets(wb, run)
    _confounding_chart(wb, run)
    wb.properties.title = str(doc.title)
    wb.properties.subject = "socialroi: earned value and ROI of social media and content"
    wb.properties.creator = "socialroi"
    taken = {ws.title.lower() for ws in wb.worksheets}
    _incrementality_sheets(wb, run, taken)
    for t in _data_tables(run, doc, f):
        ws = wb.create_sheet(_sheet_name(t.title, taken))
        _write_table(ws, t)
        ws.freeze_panes = "A2"
    _finish(wb, run.roi.currency)
    return wb
