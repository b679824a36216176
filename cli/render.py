"""Render a command's result as a terminal table, Markdown, CSV or JSON."""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from socialroi.valuation.safe_text import markdown, one_line, spreadsheet

FORMATS = ("text", "json", "csv", "markdown")


@dataclass
class Report:
    """What a command shows, independent of the output format.

    Attributes
    ----------
    title : str
    facts : list of (label, text)
        Headline figures, already formatted.
    tables : list of (title, DataFrame)
        Tables shown in text and Markdown.
    warnings : list of str
    data : dict
        The JSON document.
    csv : DataFrame
        The table written by ``--format csv``.
    """

    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    tables: list[tuple[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    csv: Any = None
    document: Any = None  # a socialroi.valuation.document.Document: rendered by sections instead of facts/tables
    number_format: Any = None  # how the document's numbers are written


def money(value: float, currency: str) -> str:
    """``1,234.50 EUR``."""
    return f"{value:,.2f} {currency}"


def percent(value: float, digits: int = 1) -> str:
    """``12.3%`` for 12.3 (already in percent)."""
    return f"{value:,.{digits}f}%"


def _cell(value: Any, column: str, small: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        if column == "p_value":
            return "<0.001" if value < 0.001 else f"{value:.3f}"
        if column.startswith("share") or column.endswith("_share"):
            return f"{100 * value:.1f}%"
        if column.endswith("percent") or column == "roi_points":
            return f"{value:,.1f}"
        if small:  # every number in the column is below 10 (rates, probabilities, ratios)
            return f"{value:,.4f}"
        return f"{value:,.2f}" if abs(value) < 1e15 else f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return one_line(value)  # text from data: no control characters, one line


def _width(text: str) -> int:
    """Display width in a terminal (wide East Asian characters take two columns, marks none)."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _rows(frame) -> tuple[list[str], list[list[str]], list[bool]]:
    columns = [one_line(c) for c in frame.columns]
    frame = frame.astype({c: object for c in frame.columns if frame[c].dtype == bool})
    small = {}
    for c in frame.columns:
        values = [v for v in frame[c] if isinstance(v, (int, float)) and not isinstance(v, bool) and v == v]
        small[str(c)] = bool(values) and all(abs(v) < 10 for v in values)
    rows = [[_cell(v.item() if hasattr(v, "item") else v, c, small[c]) for v, c in zip(r, columns)]
            for r in frame.itertuples(index=False, name=None)]
    numeric = [frame[c].dtype.kind in "iuf" or frame[c].map(lambda v: isinstance(v, (int, float))
                                                              and not isinstance(v, bool)).all()
               for c in frame.columns]
    return columns, rows, numeric


def _document_rows(table, f) -> tuple[list[str], list[list[str]], list[bool]]:
    """A document table's header, formatted cells and numeric flags (the units decide)."""
    from socialroi.valuation.document import format_value

    columns = [one_line(c) for c in table.frame.columns]
    units = [table.unit(str(c)) for c in table.frame.columns]
    rows = [[one_line(format_value(v, u, f)) for v, u in zip(r, units)]
            for r in table.frame.itertuples(index=False, name=None)]
    return columns, rows, [u not in ("text", "flag") for u in units]


def text_table(frame, parts=None) -> str:
    """A plain aligned table (numbers right-aligned, thousands separated)."""
    columns, rows, numeric = parts or _rows(frame)
    widths = [max([_width(c)] + [_width(r[i]) for r in rows]) for i, c in enumerate(columns)]
    lines = ["  ".join(_pad(c, w, n) for c, w, n in zip(columns, widths, numeric)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(v, w, n) for v, w, n in zip(r, widths, numeric)).rstrip() for r in rows]
    return "\n".join(lines)


def markdown_table(frame, parts=None) -> str:
    """A GitHub-flavoured Markdown table."""
    columns, rows, numeric = parts or _rows(frame)

    lines = ["| " + " | ".join(markdown(c) for c in columns) + " |",
             "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    lines += ["| " + " | ".join(markdown(v) for v in r) + " |" for r in rows]
    return "\n".join(lines)


def render(report: Report, fmt: str) -> str:
    """The report as text in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        from socialroi.valuation.estimate import plain

        return json.dumps(plain(report.data), indent=2, sort_keys=True, ensure_ascii=False,
                          allow_nan=False) + "\n"
    if fmt == "csv":
        # every text cell (whatever the column's dtype: object, string, category) and every header
        frame = report.csv.astype(object).map(spreadsheet)
        frame.columns = [spreadsheet(str(c)) for c in frame.columns]
        return frame.to_csv(index=False, lineterminator="\n")
    if report.document is not None and fmt in ("markdown", "text"):
        return render_document(report.document, fmt, report.number_format)
    if fmt == "markdown":
        parts = [f"# {markdown(report.title)}", ""]
        parts += [f"- **{markdown(label)}:** {markdown(value)}" for label, value in report.facts]
        for title, frame in report.tables:
            parts += ["", f"## {markdown(title)}", "", markdown_table(frame) if len(frame) else "_none_"]
        if report.warnings:
            parts += ["", "## Warnings", ""] + [f"- {markdown(w)}" for w in report.warnings]
        return "\n".join(parts) + "\n"
    title = one_line(report.title)
    width = max((_width(one_line(label)) for label, _ in report.facts), default=0)
    parts = [title, "=" * _width(title)]
    parts += [f"{_pad(one_line(label), width, False)}  {one_line(value)}" for label, value in report.facts]
    for table_title, frame in report.tables:
        parts += ["", one_line(table_title), text_table(frame) if len(frame) else "(none)"]
    if report.warnings:
        parts += ["", "Warnings"] + [f"  ! {one_line(w)}" for w in report.warnings]
    return "\n".join(parts) + "\n"


def _heading(text: str, level: int, md: bool) -> list[str]:
    """A heading: ``#``-marked in Markdown, underlined (levels 1-2) or plain in a terminal."""
    if md:
        return ["#" * level + " " + markdown(text), ""]
    text = one_line(text)
    return [text, ("=" if level == 1 else "-") * _width(text)] if level < 3 else [text]


def _section_lines(s, f, md: bool) -> list[str]:
    """One document section as lines of text or Markdown."""
    esc = markdown if md else one_line
    out = ["", *_heading(s.title, 2, md)]
    width = max((_width(one_line(x.label)) for x in s.facts), default=0)
    for x in s.facts:
        value = esc(x.value) + (f" ({esc(x.note)})" if x.note else "")
        out.append(f"- **{esc(x.label)}:** {value}" if md else f"{_pad(one_line(x.label), width, False)}  {value}")
    for p in s.paragraphs:
        out += [esc(p), ""] if md else [esc(p)]
    for t in s.tables:
        parts = _document_rows(t, f)
        if t.title != s.title:
            out += ["", *_heading(t.title, 3, md)]
        out.append("")
        table = markdown_table(None, parts) if md else text_table(None, parts)
        out.append(table if parts[1] else "_none_" if md else "(none)")
    return out


def render_document(doc, fmt: str, f) -> str:
    """A :class:`~socialroi.valuation.document.Document` as terminal text or Markdown (tables in place of
    charts), numbers written by ``f``."""
    md = fmt == "markdown"
    out = [*_heading(doc.title, 1, md), (markdown if md else one_line)(doc.subtitle)]
    for s in doc.sections:
        out += _section_lines(s, f, md)
    out += ["", *_heading("Warnings", 2, md)]
    if not doc.warnings:
        out.append("No data-quality warnings.")
    out += [f"- {markdown(w)}" if md else f"  ! {one_line(w)}" for w in doc.warnings]
    return "\n".join(out) + "\n"


def traffic_report(result) -> Report:
    """Report of a :class:`~socialroi.valuation.traffic.TrafficValuation`."""
    e = result.estimate
    d = result.diagnostics
    lo, hi = e.interval
    facts = [
        ("Traffic value", f"{money(e.point, e.currency)}  ({100 * e.level:g}% interval {lo:,.2f} to {hi:,.2f})"),
    ]
    if result.imputed is not None:
        i = result.imputed
        ilo, ihi = i.interval
        facts.append(("Imputed (unmatched)", f"{money(i.point, i.currency)}  ({ilo:,.2f} to {ihi:,.2f})"))
    facts += [
        ("Click coverage", f"{100 * d['click_coverage']:.1f}% of {d['clicks_total'] - d['clicks_brand']:,.0f} "
                           "non-brand clicks have a CPC"),
        ("Keyword coverage", f"{100 * d['keyword_coverage']:.1f}% of "
                             f"{d['keywords'] - d['keywords_brand']:,} non-brand keywords"),
        ("Brand clicks excluded", f"{d['clicks_brand']:,.0f} ({d['keywords_brand']:,} keywords)"),
        ("Replacement share", f"{e.assumptions['replacement_share']:g}"),
        ("Method", e.method),
    ]
    warnings = list(dict.fromkeys([*e.warnings, *(result.imputed.warnings if result.imputed else ())]))
    top = result.top_keywords.drop(columns=["key"])
    unmatched = result.top_unmatched.drop(columns=["key"])
    return Report(
        title="Traffic value (PPC equivalent)",
        facts=facts,
        tables=[("Top keywords by value", top), ("Largest unmatched keywords", unmatched)],
        warnings=warnings,
        data=result.to_dict(),
        csv=result.top_keywords,
    )


def roi_report(run, *, full: bool = False) -> Report:
    """Report of a :class:`~socialroi.valuation.run.ProjectRun`: the summary document (``full=False``, what
    ``socialroi roi`` shows) or the whole client report (``full=True``, ``socialroi report -f markdown``)."""
    from socialroi.valuation.document import run_document
    from socialroi.valuation.report import NumberFormat

    f = NumberFormat(run.project.locale, run.roi.currency, plain=True)
    doc = run_document(run, f, full=full)
    report = Report(title=doc.title, warnings=list(run.warnings), data=run.to_dict(), csv=run.roi.to_frame(),
                    document=doc)
    report.number_format = f
    return report


_LIFT_COLUMNS = ["outcome", "method", "estimate", "lower", "upper", "p_value", "n_engaged", "n_not_engaged", "evalue",
                 "evalue_ci"]


def _segment_tables(analysis) -> list[tuple[str, Any]]:
    tables = []
    effects = analysis.effects
    if len(effects):
        tables.append(("Segment lifts (effect on the engaged)", effects[_LIFT_COLUMNS].reset_index(drop=True)))
    if len(analysis.durations):
        d = analysis.durations
        tables.append(("Time-to-event outcomes (Cox model)", d[["outcome", "hazard_ratio", "hr_lower", "hr_upper",
                                                                "p_value", "horizon", "survival_difference",
                                                                "time_saved", "events", "evalue"]]))
    if len(analysis.balance):
        b = analysis.balance
        tables.append(("Covariate balance (standardised mean differences)",
                       b[["covariate", "smd_before", "smd_after", "imbalanced"]]))
    return tables


def segments_report(analysis) -> Report:
    """Report of a :class:`~socialroi.valuation.segments.SegmentAnalysis`."""
    o = analysis.overlap
    facts = []
    effects = analysis.effects
    if len(effects):
        first = effects.iloc[0]
        facts.append(("Customers", f"{int(first['n_engaged']):,} engaged, {int(first['n_not_engaged']):,} not engaged"))
    if o:
        facts.append(("Effective sample size (weighted non-engaged)",
                      f"{o['effective_sample_size_not_engaged']:,.0f} of {o['n_not_engaged']:,}"))
        pe, pn = o["propensity_engaged"], o["propensity_not_engaged"]
        facts.append(("Propensity (median, P5-P95)", f"engaged {pe['median']:.2f} ({pe['p5']:.2f}-{pe['p95']:.2f}), "
                                                     f"not engaged {pn['median']:.2f} ({pn['p5']:.2f}-{pn['p95']:.2f})"))
        facts.append(("Weight in the top 1% of non-engaged", f"{100 * o['share_weight_in_top_1pct']:.1f}%"))
    facts.append(("Estimand", "effect on the engaged (ATT); 95% intervals from stacked sandwich standard errors"))
    csv = effects if len(effects) else analysis.durations
    return Report(title="Segment lifts: engaged vs non-engaged customers", facts=facts,
                  tables=_segment_tables(analysis), warnings=list(analysis.warnings), data=analysis.to_dict(), csv=csv)


def support_report(analysis, project) -> Report:
    """Report of a :class:`~socialroi.valuation.support.SupportAnalysis`."""
    facts = [("Counted in the ROI", ", ".join(analysis.counted) or "none")]
    c = analysis.counts
    if c is not None:
        facts += [
            ("Ticket-count model", f"{c.model.replace('_', ' ')}; rate ratio of engaged {c.rate_ratio:.3f} "
                                   f"({100 * c.level:g}% interval {c.rr_lower:.3f} to {c.rr_upper:.3f})"),
            ("Dispersion test", f"Cameron-Trivedi alpha {c.dispersion_alpha:.3f}, p "
                                f"{'<0.001' if c.dispersion_p_value < 0.001 else f'{c.dispersion_p_value:.3f}'}: "
                                + ("overdispersed, negative binomial used" if c.overdispersed else
                                   "no overdispersion, Poisson used")),
        ]
    tables = [("Savings by method", analysis.to_frame())]
    s = analysis.series
    if s is not None:
        facts += [("Weekly series", f"level change {s.level_change:+.1f} tickets/week (s.e. {s.level_change_se:.1f}), "
                                    f"slope change {s.slope_change:+.2f}; R-squared {s.r_squared:.3f}; "
                                    f"{s.weeks_before} weeks before, {s.weeks_after} after; AR(1) errors, rho {s.rho:.2f}")]
        table = s.table[s.table["post"]].drop(columns=["post"]).reset_index(drop=True)
        tables.append(("Weekly series after the launch: forecast without the programme vs actual", table))
    title = f"Support-cost savings: {project.name}"
    return Report(title=title, facts=facts, tables=tables, warnings=list(analysis.warnings) + [
        f"{e.component}: {w}" for e in analysis.estimates for w in e.warnings], data=analysis.to_dict(),
        csv=analysis.to_frame())


def simulation_report(run) -> Report:
    """Report of a run's :class:`~socialroi.valuation.scenarios.SimulationReport`, led by the run's headlines."""
    import pandas as pd

    rep = run.simulation
    s = rep.figures
    b, h, nv = s["blended_roi"], s["hard_roi"], s["net_value"]
    cur = rep.currency
    facts = [
        ("Draws", f"{rep.n_draws:,} (seed {rep.seed})"),
        ("Blended ROI", f"mean {percent(b['mean'])}; P5 {percent(b['p5'])}, P50 {percent(b['p50'])}, "
                        f"P95 {percent(b['p95'])}"),
        ("Hard ROI", f"mean {percent(h['mean'])}; P5 {percent(h['p5'])}, P95 {percent(h['p95'])}"),
        ("Net value", f"mean {money(nv['mean'], cur)}; P5 {nv['p5']:,.2f}, P95 {nv['p95']:,.2f}"),
        ("Probability ROI < 0", f"{100 * s['probability_roi_below_zero']:.1f}% (hard ROI: "
                                f"{100 * s['probability_hard_roi_below_zero']:.1f}%)"),
        ("Fitted model (point)", f"blended ROI {percent(run.fitted.blended_roi)}, probability of loss "
                                 f"{100 * run.fitted.probability_of_loss:.1f}%"),
        ("Break-even cost", f"{money(rep.break_even['break_even_cost'], cur)} (cost now "
                            f"{money(rep.break_even['total_cost'], cur)})"),
    ]
    if rep.cashflow_summary:
        c = rep.cashflow_summary
        facts.append(("NPV", f"mean {money(c['npv_mean'], cur)}; P5 {c['npv_p5']:,.2f}, P95 {c['npv_p95']:,.2f}; "
                             f"probability below zero {100 * c['probability_npv_below_zero']:.1f}%"))
        facts.append(("Payback", f"period {c['payback_period']} of {c['periods']} ({c['frequency']}s)"
                      if c["payback_period"] else f"not within {c['periods']} {c['frequency']}s"))
    be = pd.DataFrame([{"component": k, "value": v["value"], "needed_for_break_even": v["needed"]}
                       for k, v in rep.break_even["components"].items()])
    tables = [("Scenarios", rep.scenarios), ("Tornado: blended ROI (%) with each assumption at P10 and P90",
                                              rep.tornado), ("Importance (rank correlation with blended ROI)",
                                                             rep.importance),
              ("Break-even by component (others at base)", be)]
    if rep.cashflow_table is not None:
        tables.append(("Cash flows (mean draws)", rep.cashflow_table))
    tables.append(("Assumptions", rep.levers.drop(columns=["description"])))
    data = {"headline": run.headline.to_dict(), "headlines": [x.to_dict() for x in run.headlines], **rep.to_dict(),
            "warnings": list(run.warnings)}
    return Report(title=f"Scenario simulation: {run.project.name}", facts=facts, tables=tables,
                  warnings=list(run.warnings), data=data, csv=rep.scenarios)


def attribution_report(result) -> Report:
    """Report of an :class:`~socialroi.valuation.attribution.AttributionResult`."""
    e, d = result.estimate, result.diagnostics
    lo, hi = e.interval
    facts = [
        ("Social revenue", f"{money(e.point, e.currency)} by the {e.assumptions['model'].replace('_', ' ')} model "
                           f"({100 * e.level:g}% interval {lo:,.2f} to {hi:,.2f})"),
        ("Journeys", f"{d['journeys']:,} ({d['converted_journeys']:,} converted, {d['mean_touches']:.2f} touches "
                     f"on average), revenue {money(d['revenue'], e.currency)}"),
    ]
    if "events" in d:  # a GA4 export, read in the query engine
        facts.append(("GA4 export", f"{d['events']:,} events ({d['events_without_session']:,} without ga_session_id "
                                    f"left out), {d['sessions']:,} sessions, {d['distinct_paths']:,} distinct paths "
                                    f"sent from {d['engine']}; conversion events: "
                                    f"{', '.join(d['conversion_events'])}"))
    else:
        facts.append(("Data rules applied", f"{d['duplicate_touches_dropped']:,} duplicate touch(es) dropped, "
                                            f"{d['journeys_reordered_by_time']:,} journey(s) put in time order"))
    return Report(title="Attribution of revenue to channels", facts=facts,
                  tables=[("Social revenue by model (interval: bootstrap over journeys)", result.by_model()),
                          ("Revenue by channel and model", result.to_frame())], warnings=list(result.warnings),
                  data=result.to_dict(), csv=result.to_frame())


def _num(value: float) -> str:
    """A figure in the outcome's own unit, as a person writes it: thousands grouped, no exponent."""
    a = abs(value)
    return f"{value:,.0f}" if a >= 1000 else f"{value:,.2f}" if a >= 1 else f"{value:.3g}"


def lift_report(result) -> Report:
    """Report of a :class:`~socialroi.valuation.incrementality.LiftResult`."""
    f = result.figures
    method = "synthetic control" if result.method == "synthetic_control" else "structural time-series model"
    facts = [("Method", f"{method}; launch {result.launch}; {f['pre_periods']} periods before, "
                        f"{f['post_periods']} after")]
    if "mean_lower" in f:
        facts.append(("Mean effect per period", f"{_num(f['mean_effect'])} (95% interval {_num(f['mean_lower'])} to "
                                                f"{_num(f['mean_upper'])})"))
    else:
        facts.append(("Mean effect per period", f"{_num(f['mean_effect'])}"))
    cum = f"{_num(f['cumulative_effect'])}"
    if "cumulative_lower" in f:
        cum += f" (95% interval {_num(f['cumulative_lower'])} to {_num(f['cumulative_upper'])})"
    facts.append(("Cumulative effect", cum))
    if "relative_effect" in f:
        facts.append(("Relative effect", percent(100 * f["relative_effect"])))
    if "p_value" in f:
        what = ("in-space placebo rank of the post/pre RMSPE ratio" if result.method == "synthetic_control"
                else "two-sided tail probability of the cumulative effect")
        facts.append(("p-value", f"{f['p_value']:.3f} ({what})"))
    if "pre_rmspe" in f:
        facts.append(("Pre-launch fit", f"RMSPE {_num(f['pre_rmspe'])}; post/pre RMSPE ratio {f['rmspe_ratio']:,.2f}"))
    if "pre_r2" in f:
        facts.append(("Pre-launch fit", f"one-step R-squared {f['pre_r2']:.3f}"))
    e = result.estimate
    if e is not None:
        lo, hi = e.interval
        facts.append(("Value", f"{money(e.point, e.currency)} (95% interval {lo:,.2f} to {hi:,.2f}; evidence "
                               f"{e.evidence.replace('_', ' ')})"))
    tables = []
    if result.weights is not None:
        tables.append(("Donor weights", result.weights))
    if result.placebos is not None:
        tables.append(("In-space placebos (largest post/pre RMSPE ratio first)", result.placebos.head(20)))
    if "in_time_placebo" in f:
        p = f["in_time_placebo"]
        facts.append(("In-time placebo", f"fake launch {p['launch']}: mean gap {_num(p['mean_gap'])}, post/pre RMSPE "
                                         f"ratio {p['rmspe_ratio']:,.2f} (a credible design shows little)"))
    if result.leave_one_out is not None and len(result.leave_one_out):
        lo, hi = f["leave_one_out_range"]
        facts.append(("Leave one donor out", f"mean effect from {_num(lo)} to {_num(hi)}"))
        tables.append(("Leave one donor out", result.leave_one_out))
    tables.append(("Actual and counterfactual by period", result.series))
    return Report(title=f"What the launch added: {result.outcome}", facts=facts, tables=tables,
                  warnings=list(result.warnings), data=result.to_dict(), csv=result.series)


def plan_report(plan) -> Report:
    """Report of a :class:`~socialroi.valuation.incrementality.LaunchPlan`."""
    f = plan.figures
    method = "synthetic control" if plan.method == "synthetic_control" else "structural time-series model"
    facts = [("Design", f"{method}; launch {plan.launch} for {plan.duration} periods; {f['history_periods']} "
                        f"periods of history"),
             ("Minimum detectable effect", f"{_num(f['mde'])} per period ({percent(100 * f['mde_relative'])} of the "
                                           f"baseline {_num(f['baseline'])}), {_num(f['mde_cumulative'])} over the "
                                           f"launch, at {plan.power_target:.0%} power")]
    if "mde_value" in f:
        facts.append(("Minimum detectable value", money(f["mde_value"], plan.currency or "")))
    facts.append(("Placebo launches", f"{f['placebo_launches']} fake launches in the history; an effect was declared "
                                      f"at {percent(100 * f['false_positive_rate'])} of them, where there was none"))
    return Report(title=f"Power of a planned launch: {plan.outcome}", facts=facts,
                  tables=[("Power by effect size (effect added to every period of the launch)", plan.power),
                          ("Placebo launches (estimate: the effect shown where there was none; threshold: the "
                           "smallest effect per period it would detect)", plan.launches)],
                  warnings=list(plan.warnings), data=plan.to_dict(), csv=plan.power)


def leads_report(rep) -> Report:
    """Report of a :class:`~socialroi.valuation.leads.LeadReport`."""
    b = rep.bands
    facts = [("Bands", ", ".join(f"{r.band}: {int(r.leads):,} leads ({r.group})" for r in b.itertuples()
                                 if r.leads))]
    return Report(title="Lead score bands and the lead cycle", facts=facts,
                  tables=[("By band and channel group (value per lead = conversion rate x average revenue)", b),
                          ("By channel, with cost per lead", rep.channels),
                          ("By band, group and month", rep.monthly)],
                  warnings=list(rep.warnings), data=rep.to_dict(), csv=b)


def funnel_report(rep) -> Report:
    """Report of a :class:`~socialroi.valuation.funnel.FunnelReport`."""
    tables = [("Bottleneck per channel (latest period)", rep.bottlenecks),
              ("Stage-to-stage conversion", rep.conversions)]
    if rep.micro is not None:
        tables.insert(1, ("Value of one micro action (Poisson GLM, average marginal effect)", rep.micro))
    return Report(title="Funnel and micro actions", facts=[], tables=tables, warnings=list(rep.warnings),
                  data=rep.to_dict(), csv=rep.conversions)


def selling_report(rep) -> Report:
    """Report of a :class:`~socialroi.valuation.selling.SellingReport`."""
    tables = [("Per rep", rep.reps), ("Per team", rep.teams)]
    if rep.response_by_hour is not None:
        tables += [("Response by hour of receipt", rep.response_by_hour),
                   ("Response by weekday", rep.response_by_weekday)]
    return Report(title="Social selling", facts=[("Reps", f"{len(rep.reps):,} in {len(rep.teams):,} team(s)")],
                  tables=tables, warnings=list(rep.warnings), data=rep.to_dict(), csv=rep.reps)
