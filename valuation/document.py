"""What a project's report says, independent of its format.

:func:`run_document` turns a :class:`~socialroi.valuation.run.ProjectRun`
into sections of facts, tables (raw numbers with a unit per column) and
chart specifications. The terminal, Markdown, HTML and workbook renderers
all render this one document, so a figure cannot differ between them; only
charts are HTML's own (Markdown and the terminal show the same numbers as
tables).

Units of table columns (:data:`UNITS`): ``money`` (the run's currency),
``percent`` (percent points, as ROI), ``share`` (a fraction shown as a
percentage), ``count``, ``ratio`` (four decimals), ``number`` (two
decimals), ``p`` (a p-value), ``flag`` (yes or blank), ``text``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from socialroi.models.text import localize
from socialroi.valuation.finance import roi_points
from socialroi.valuation.i18n import Local

UNITS = ("money", "percent", "share", "count", "ratio", "number", "p", "flag", "text")


@dataclass(frozen=True)
class Table:
    """A table of the document: a DataFrame with human column names and the unit of each column."""

    title: str
    frame: Any
    units: Mapping[str, str] = field(default_factory=dict)

    def unit(self, column: str) -> str:
        """The column's unit (``text`` for text columns without one, ``number`` for numbers)."""
        if column in self.units:
            return self.units[column]
        return "number" if self.frame[column].dtype.kind in "iuf" else "text"


@dataclass(frozen=True)
class Chart:
    """A chart specification: ``kind`` is a function of :mod:`socialroi.valuation.charts`; ``unit`` the axis's."""

    kind: str
    title: str
    data: Any
    unit: str = "money"
    options: Mapping[str, Any] = field(default_factory=dict)
    subtitle: str = ""  # what the axis measures and how to read the marks


@dataclass(frozen=True)
class Fact:
    """A headline figure: label, formatted value, and a note (interval, source)."""

    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Section:
    """One section of the report."""

    id: str
    title: str
    facts: tuple[Fact, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()
    paragraphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """The whole report: title, subtitle, sections and warnings."""

    title: str
    subtitle: str
    sections: tuple[Section, ...]
    warnings: tuple[str, ...]


def format_value(value: Any, unit: str, f) -> str:
    """One cell as text in ``unit`` with the number format ``f`` (:class:`~socialroi.valuation.report.NumberFormat`);
    the one place a table cell is formatted."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if unit == "flag" or isinstance(value, bool):
        return f.t("yes") if value else ""
    if not isinstance(value, (int, float)):
        return str(value)
    digits = {"money": 2, "percent": 1, "count": 0, "ratio": 4, "number": 2}.get(unit)
    if unit == "share":
        return f.share(value)
    if unit == "p":
        return "<0.001" if value < 0.001 else f.number(value, 3)
    if digits is None:
        return str(value)
    return f.number(value, digits)


def _interval(f, level: float, interval: tuple[float, float], fmt: Callable[[float], str]) -> str:
    return f.t("{level} interval {low} to {high}").format(level=f.percent(100 * level, 0), low=fmt(interval[0]),
                                                         high=fmt(interval[1]))


def _headline_facts(run, f) -> tuple[Fact, ...]:
    out = []
    for h in run.headlines:
        model = f.t(h.model)
        statistic = f.t("point") if h.model == "fitted model" else f.t("mean of {n} draws").format(
            n=f.count(h.n_draws))
        out += [
            Fact(f.t("Blended ROI ({model})").format(model=model), f.percent(h.blended_roi),
                 Local(f"{model}, {statistic}; {_interval(f, h.level, h.blended_roi_interval, f.percent)}")),
            Fact(f.t("Hard ROI, direct only ({model})").format(model=model), f.percent(h.hard_roi),
                 _interval(f, h.level, h.hard_roi_interval, f.percent)),
            Fact(f.t("Net value ({model})").format(model=model), f.money(h.net_value),
                 _interval(f, h.level, h.net_value_interval, f.money)),
            Fact(f.t("Probability of a loss ({model})").format(model=model), f.share(h.probability_of_loss),
                 f.t("share of {n} draws with blended ROI below zero").format(n=f.count(h.n_draws))),
        ]
    roi = run.roi
    out.append(Fact("Total value and cost (fitted model)", f.money(roi.total_value),
                    f.t("hard {hard}; cost {cost}").format(hard=f.money(roi.hard_value), cost=f.money(roi.total_cost))))
    cons = run.conservative
    out.append(Fact("Conservative blended ROI (each overlap counted once)", f.percent(cons.blended_roi),
                    f.t("fitted model, point; not counted: {dropped}").format(
                        dropped=", ".join(str(component_label(c.label, f)) for c in roi.components
                                          if c.component in cons.dropped) or "–")))
    out.append(Fact("Blended ROI on hard evidence only", f.percent(run.hard_evidence_roi),
                    f.t("fitted model, point; counts experiment, quasi-experiment, attribution and accounting grades "
                        "only")))
    conf = run.confounding
    if conf.rows:
        def strength(rr: float) -> str:
            return f.t("never") if rr == float("inf") else f.t("RR {rr}").format(rr=f.number(rr, 2))

        out.append(Fact("Confounding that would erase the blended ROI", strength(conf.tipping_point),
                        f.t("common strength on every observational lift; conservative ROI: {rr}").format(
                            rr=strength(conf.conservative_tipping_point))))
    grades = roi.value_by_evidence()
    if grades:
        top = max(grades, key=lambda g: g["value"])
        out.append(Fact("Evidence behind the value", f.share(top["share"]),
                        f.t("of the value rests on {grade} estimates").format(grade=f.t(grade_label(top["grade"])))))
    return tuple(out)


def grade_label(grade: str) -> str:
    """An evidence grade as words (``market_price`` -> ``market price``)."""
    return grade.replace("_", " ")


def assumption_text(value: Any, f) -> str:
    """An assumption as a person writes it: numbers formatted, lists joined, mappings as ``key: value``."""
    if isinstance(value, bool):
        return f.t("yes") if value else f.t("no")
    if isinstance(value, (int, float)):
        return f.compact(value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {assumption_text(v, f)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(assumption_text(v, f) for v in value)
    return str(value)


def _components(run, f, full: bool) -> Section:
    import pandas as pd

    roi = run.roi
    comps = sorted(roi.components, key=lambda c: -c.point)
    rows = [{"Component": component_label(c.label, f), "Kind": f.t(c.kind),
             "Evidence": f.t(grade_label(c.evidence or "ungraded")), "Value": c.point, "Lower": c.interval[0],
             "Upper": c.interval[1],
             "Share of value": c.point / roi.total_value if roi.total_value else float("nan"),
             "ROI points": float(roi_points(c.point, roi.total_cost))} for c in comps]
    lo, hi = roi.costs.interval
    rows.append({"Component": f.t("Costs"), "Kind": f.t("cost"), "Evidence": f.t(grade_label(roi.costs.evidence)),
                 "Value": -roi.total_cost, "Lower": -hi, "Upper": -lo,
                 "Share of value": float("nan"), "ROI points": -100.0})
    units = {"Value": "money", "Lower": "money", "Upper": "money", "Share of value": "share", "ROI points": "percent"}
    labels = {c.component: str(component_label(c.label, f)) for c in comps}
    grades = pd.DataFrame([{"Grade": f.t(grade_label(g["grade"])), "Value": g["value"], "Share": g["share"],
                            "Components": ", ".join(labels[c] for c in g["components"])}
                           for g in roi.value_by_evidence()])
    tables = [Table("Components (fitted model)", pd.DataFrame(rows), units),
              Table("Value by evidence grade", grades, {"Value": "money", "Share": "share"})]
    if run.overlaps:  # a header with no rows says nothing; the conservative ROI card already says "not counted: -"
        overlaps = pd.DataFrame([{"Components": f"{labels[o.first]} / {labels[o.second]}", "Reason": f.t(o.reason),
                                  "Treatment": f.t(o.treatment)} for o in run.overlaps],
                                columns=["Components", "Reason", "Treatment"])
        tables.append(Table("Components that may count the same money", overlaps))
    conf = run.confounding
    if conf.rows:
        from socialroi.valuation.confounding import STRENGTHS

        cols = {f"value_at_rr_{s:g}": f.t("Value at RR {rr}").format(rr=f.number(s, 2)) for s in STRENGTHS}
        frame = pd.DataFrame([{"Component": labels.get(r["component"], r["label"]), "Value": r["value"],
                               "E-value": r["evalue"], **{cols[k]: r[k] for k in cols}} for r in conf.rows])
        tables.append(Table("Value under unmeasured confounding (observational lifts)", frame,
                            {"Value": "money", "E-value": "number", **{v: "money" for v in cols.values()}}))
        tables.append(Table("Blended ROI under unmeasured confounding", _confounding_points(conf),
                            {"Confounding strength (RR)": "number", "Blended ROI": "percent",
                             "Conservative blended ROI": "percent"}))
    if full:
        methods = [{"Component": component_label(c.label, f), "Method": Local(localize(c.method, f)),
                    "Assumptions": "; ".join(f"{f.t(k.replace('_', ' '))} = {assumption_text(v, f)}"
                                             for k, v in c.assumptions.items() if v not in (None, [], {}, ""))}
                   for c in comps]
        tables.append(Table("Methods and assumptions", pd.DataFrame(methods)))
    charts: list[Chart] = []
    if conf.rows and full:
        marks = [(conf.tipping_point, f.t("blended ROI = 0 at RR {rr}").format(rr=f.number(conf.tipping_point, 2))),
                 (conf.conservative_tipping_point, f.t("conservative = 0 at RR {rr}").format(
                     rr=f.number(conf.conservative_tipping_point, 2)))]
        charts.append(Chart(
            "lines", "Blended ROI against the strength of unmeasured confounding",
            [(f.t("Blended ROI"), [(p["rr"], p["blended_roi"]) for p in conf.curve], "hard"),
             (f.t("Conservative blended ROI"), [(p["rr"], p["conservative_blended_roi"]) for p in conf.curve], "soft")],
            unit="percent", options={"marks": [m for m in marks if m[0] != float("inf")],
                                     "x_title": f.t("confounding strength (risk ratio)")},
            subtitle=f.t("ROI in % (fitted model) when a confounder associated with engagement and with every "
                         "observational outcome by the risk ratio on the horizontal axis is left out; 1 = none")))
    steps = [(component_label(c.label, f), c.point, c.kind) for c in comps] + [
        (f.t("Costs"), -roi.total_cost, "cost"), (f.t("Net value"), roi.net_value, "net")]
    charts.insert(0, Chart("waterfall", f.t("Value waterfall: net {amount}").format(amount=f.money(roi.net_value)),
                           steps, subtitle=f.t("{currency}; each component from the largest, then the costs and the "
                                               "net value").format(currency=roi.currency),
                           options={"legend": ["negative" if v < 0 and k in ("hard", "soft") else k
                                               for _, v, k in steps]}))
    return Section("components", "Components", charts=tuple(charts), tables=tuple(tables))


def _confounding_points(conf):
    """The blended and conservative ROI at no confounding, at each of the standard strengths, and at the tipping
    points (the rows of the confounding curve a table shows)."""
    import math

    import pandas as pd

    from socialroi.valuation.confounding import STRENGTHS

    wanted = {1.0, *STRENGTHS, *(m for m in (conf.tipping_point, conf.conservative_tipping_point) if math.isfinite(m))}
    return pd.DataFrame([{"Confounding strength (RR)": p["rr"], "Blended ROI": p["blended_roi"],
                          "Conservative blended ROI": p["conservative_blended_roi"]}
                         for p in conf.curve if p["rr"] in wanted])


def _costs(run) -> Section:
    c = run.costs.by_category().rename(columns={"category": "Category", "amount": "Amount", "share": "Share",
                                                "lines": "Lines"})
    return Section("costs", "Costs", tables=(Table("Costs by category", c, {"Amount": "money", "Share": "share",
                                                                             "Lines": "count"}),))


def _traffic(run, f) -> Section:
    d = run.traffic.diagnostics
    top = run.traffic.top_keywords.head(15)
    frame = top[["keyword", "clicks", "cpc", "value"]].rename(columns={"keyword": "Keyword", "clicks": "Clicks",
                                                                       "cpc": "CPC", "value": "Value"})
    facts = (Fact("Click coverage", f.share(d["click_coverage"]), "of non-brand clicks have a CPC"),
             Fact("Keyword coverage", f.share(d["keyword_coverage"]), "of non-brand keywords have a CPC"),
             Fact("Brand clicks excluded", f.number(d["clicks_brand"], 0),
                  f.t("{n} keywords").format(n=f.count(d["keywords_brand"]))))
    chart = Chart("bars", "Top keywords by value", [(str(r.keyword), float(r.value)) for r in top.itertuples()],
                  options={"kind": "soft"}, subtitle=f.t("{currency}: what the same clicks would cost in paid search, "
                                                         "times the replacement share").format(currency=run.roi.currency))
    return Section("traffic", "Traffic value", facts, (chart,),
                   (Table("Top keywords by value", frame, {"Clicks": "count", "CPC": "money", "Value": "money"}),))


_LIFT = {"outcome": "Outcome", "method": "Method", "estimate": "Estimate", "lower": "Lower", "upper": "Upper",
         "p_value": "p-value", "n_engaged": "Engaged", "n_not_engaged": "Not engaged", "evalue": "E-value"}
_COX = {"outcome": "Outcome", "hazard_ratio": "Hazard ratio", "hr_lower": "Lower", "hr_upper": "Upper",
        "p_value": "p-value", "horizon": "Horizon", "survival_difference": "Survival difference",
        "time_saved": "Time saved", "events": "Events", "evalue": "E-value"}


def component_label(label: str, f) -> str:
    """A component's label in the report's language (``Segment lift: NAME`` and ``Lift test: NAME`` keep the
    user's name)."""
    from socialroi.models.text import Label

    return Local(Label(label).local(f))


def lift_scale(kinds, currency: str):
    """Per row of a lift table: the factor that puts the effect in its unit, and the unit's name.

    Binary outcomes are differences of proportions, shown in percentage points (x 100); amounts are in the
    run's currency; counts and durations in their own units.
    """
    import numpy as np
    import pandas as pd

    kinds = pd.Series(kinds).astype(str).reset_index(drop=True)
    scale = pd.Series(np.where(kinds == "binary", 100.0, 1.0))
    unit = kinds.map(lambda k: "percentage points" if k == "binary" else
                     currency if k.startswith("amount") else k)
    return scale, unit


def _segments(run, f, full: bool) -> Section:
    seg = run.segments
    eff = seg.effects
    tables, charts, paragraphs = [], [], []
    if len(eff):
        lift = eff[eff["available"]]
        if not full and seg.estimates:
            methods = {e.assumptions.get("method") for e in seg.estimates if "method" in e.assumptions}
            lift = lift[lift["method"].isin(methods)] if methods else lift
        frame = lift[list(_LIFT)].rename(columns=_LIFT).reset_index(drop=True)
        frame["Method"] = [f.t(m.replace("_", " ")) for m in frame["Method"]]
        scale, unit = lift_scale(lift["kind"], run.roi.currency)
        for c in ("Estimate", "Lower", "Upper"):
            frame[c] = frame[c].to_numpy() * scale.to_numpy()
        frame.insert(5, "Unit", [f.t(u) for u in unit])
        tables.append(Table("Segment lifts (effect on the engaged)", frame,
                            {"Estimate": "number", "Lower": "number", "Upper": "number", "p-value": "p",
                             "Engaged": "count", "Not engaged": "count", "E-value": "number"}))
        available = eff[eff["available"]]
        scale, unit = lift_scale(available["kind"], run.roi.currency)
        marked = available.assign(_k=scale.to_numpy(), _u=unit.to_numpy())
        for outcome, g in marked.groupby("outcome", sort=False):
            k, u = float(g["_k"].iloc[0]), str(g["_u"].iloc[0])
            charts.append(Chart("forest", f.t("Segment lift: {name}").format(name=outcome),
                                [(f.t(r.method.replace("_", " ")), k * r.estimate, k * r.lower, k * r.upper)
                                 for r in g.itertuples()], unit="number",
                                subtitle=f.t("{unit}; effect on the engaged by each method with its 95 % interval; "
                                             "a hollow point's interval spans zero (not significant)")
                                .format(unit=f.t(u))))
    if len(seg.durations):
        d = seg.durations[list(_COX)].rename(columns=_COX)
        tables.append(Table("Time-to-event outcomes (Cox model)", d,
                            {"Hazard ratio": "ratio", "Lower": "ratio", "Upper": "ratio", "p-value": "p",
                             "Survival difference": "ratio", "Events": "count", "E-value": "number"}))
    bal = seg.balance
    if len(bal):
        paragraphs.append(f.t("{n} covariate columns; largest standardised difference {before} before and {after} "
                              "after weighting; {imbalanced} above 0.1 after weighting.").format(
            n=f.count(len(bal)), before=f.number(bal["smd_before"].abs().max(), 3),
            after=f.number(bal["smd_after"].abs().max(), 3), imbalanced=f.count(int(bal["imbalanced"].sum()))))
    return Section("segments", "Segment lifts (effect on the engaged)", charts=tuple(charts), tables=tuple(tables),
                   paragraphs=tuple(paragraphs))


def _support(run, f) -> Section:
    t = run.support.to_frame()
    frame = t.rename(columns={"method": "Method", "kind": "Kind", "tickets": "Tickets",
                              "cost_per_ticket": "Cost per ticket", "saving": "Saving", "lower": "Lower",
                              "upper": "Upper", "counted": "Counted"})
    frame["Method"] = [f.t(m.replace("_", " ")) for m in frame["Method"]]
    frame["Kind"] = [f.t(k) for k in frame["Kind"]]
    chart = Chart("bars", "Support savings by method", [(r.Method, float(r.Saving)) for r in frame.itertuples()],
                  options={"kind": "soft", "solid": [bool(r.Lower > 0 or r.Upper < 0) for r in frame.itertuples()]},
                  subtitle=f.t("{currency} saved by each method; only the counted methods enter the ROI; hollow: the "
                               "interval spans zero").format(currency=run.roi.currency))
    return Section("support", "Support savings by method", charts=(chart,), tables=(Table(
        "Support savings by method", frame, {"Tickets": "count", "Cost per ticket": "money", "Saving": "money",
                                             "Lower": "money", "Upper": "money", "Counted": "flag"}),))


def _lift_tests(run, f) -> Section:
    frame = run.lift_tests.to_frame()
    table = frame[["label", "effect", "lower", "upper", "unit", "p_value", "n_test", "n_control", "value",
                   "value_lower", "value_upper"]].rename(columns={
        "label": "Test", "effect": "Effect", "lower": "Lower", "upper": "Upper", "unit": "Unit", "p_value": "p-value",
        "n_test": "Test units", "n_control": "Control units", "value": "Value", "value_lower": "Value lower",
        "value_upper": "Value upper"})
    table["Test"] = [component_label(x, f) for x in table["Test"]]
    table["Unit"] = [f.t("{currency} per unit").format(currency=run.roi.currency) if u == "currency per unit"
                     else f.t(u) for u in table["Unit"]]
    chart = Chart("forest", "Randomised lift tests: effect per unit",
                  [(str(component_label(r.label, f)), r.effect, r.lower, r.upper) for r in frame.itertuples()],
                  unit="number", subtitle=f.t("test group minus control group, per unit, with the 95 % interval; "
                                              "a hollow point's interval spans zero"))
    return Section("lift_tests", "Randomised lift tests", charts=(chart,), tables=(Table(
        "Randomised lift tests", table, {"Effect": "number", "Lower": "number", "Upper": "number", "p-value": "p",
                                         "Test units": "count", "Control units": "count", "Value": "money",
                                         "Value lower": "money", "Value upper": "money"}),))


def _incrementality(run, f, full: bool) -> Section:
    """Each campaign: the summary row, the actual vs counterfactual, pointwise and cumulative effect charts, and
    (synthetic control) the donor weights, the placebo distribution and the robustness checks; the terminal summary
    (``full`` false) has the summary table and the checks' sentences."""
    import math

    import pandas as pd

    report = run.incrementality
    summary = report.to_frame()
    table = summary[["label", "post_periods", "mean_effect", "cumulative_effect",
                     "cumulative_lower", "cumulative_upper", "p_value", "value", "value_lower", "value_upper"]].rename(
        columns={"label": "Campaign", "post_periods": "Periods after",
                 "mean_effect": "Mean effect per period", "cumulative_effect": "Cumulative effect",
                 "cumulative_lower": "Lower", "cumulative_upper": "Upper", "p_value": "p-value", "value": "Value",
                 "value_lower": "Value lower", "value_upper": "Value upper"})
    table["Campaign"] = [component_label(x, f) for x in table["Campaign"]]
    tables = [Table("Campaign incrementality", table, {
        "Periods after": "count", "Mean effect per period": "number", "Cumulative effect": "number",
        "Lower": "number", "Upper": "number", "p-value": "p", "Value": "money", "Value lower": "money",
        "Value upper": "money"})]
    charts: list[Chart] = []
    paragraphs: list[str] = []
    for r in report.lifts:
        name = component_label(r.label, f)
        s = r.series
        periods = [str(p) for p in s["period"]]
        launch_at = float(len(s) - r.figures["post_periods"])  # the post-launch periods end the series
        xs = range(len(s))
        marks = [(launch_at, f.t("launch {period}").format(period=periods[int(launch_at)]))]
        options = {"x_labels": periods, "marks": marks}
        band = [(i, lo, hi) for i, lo, hi in zip(xs, s["lower"], s["upper"])]
        banded = any(math.isfinite(v) for v in s["lower"])
        charts.append(Chart(
            "lines", f.t("{campaign}: actual and counterfactual").format(campaign=name),
            [(f.t("actual"), list(zip(xs, s["actual"])), "net"),
             (f.t("counterfactual"), list(zip(xs, s["counterfactual"])), "soft")], unit="number",
            options={**options, "include_zero": False, "bands": [(band, "soft")] if banded else []},
            subtitle=f.t("{outcome} per period; the counterfactual is what the model expects without the launch"
                         "{band}").format(outcome=r.outcome, band=f.t("; shaded: its 95 % interval") if banded
                                          else "")))
        effect_band = [(i, a - hi, a - lo) for i, a, lo, hi in zip(xs, s["actual"], s["lower"], s["upper"])]
        charts.append(Chart(
            "lines", f.t("{campaign}: effect per period").format(campaign=name),
            [(f.t("effect"), list(zip(xs, s["effect"])), "hard")], unit="number",
            options={**options, "bands": [(effect_band, "hard")] if banded else []},
            subtitle=f.t("actual minus counterfactual, {outcome} per period; before the launch it shows how "
                         "closely the model tracks the series").format(outcome=r.outcome)))
        post = [i for i in xs if i >= launch_at]
        charts.append(Chart(
            "lines", f.t("{campaign}: cumulative effect").format(campaign=name),
            [(f.t("cumulative effect"), [(i, float(s["cumulative"].iloc[i])) for i in post], "soft")], unit="number",
            options={"x_labels": periods, "bands": [([(i, float(s["cumulative_lower"].iloc[i]),
                                                        float(s["cumulative_upper"].iloc[i])) for i in post],
                                                      "soft")] if banded else []},
            subtitle=f.t("{outcome} added since the launch").format(outcome=r.outcome)))
        if r.weights is not None and len(r.weights):
            charts.append(Chart("bars", f.t("{campaign}: donor weights").format(campaign=name),
                                [(str(d), float(w)) for d, w in zip(r.weights["donor"], r.weights["weight"])],
                                unit="ratio", subtitle=f.t("share of each donor unit in the synthetic control; the "
                                                           "weights are non-negative and sum to 1")))
            tables.append(Table(f.t("{campaign}: donor weights").format(campaign=name),
                                r.weights.rename(columns={"donor": "Donor", "weight": "Weight"}), {"Weight": "ratio"}))
        if r.placebos is not None and len(r.placebos):
            treated = (f.t("{unit} (treated)").format(unit=r.figures.get("treated", "")),
                       float(r.figures["rmspe_ratio"]))
            rows = [treated, *((str(u), float(v)) for u, v in zip(r.placebos["unit"], r.placebos["rmspe_ratio"]))]
            rows.sort(key=lambda row: -row[1])
            charts.append(Chart(
                "bars", f.t("{campaign}: placebo distribution").format(campaign=name), rows, unit="ratio",
                options={"solid": [row is treated for row in rows], "hollow_note": None},
                subtitle=f.t("post/pre-launch RMSPE ratio of the treated unit (solid) and of each donor given the "
                             "launch in its place (hollow); p = {p}: the treated unit's rank among them").format(
                    p=f.number(r.figures["p_value"], 3))))
            tables.append(Table(f.t("{campaign}: in-space placebos").format(campaign=name), r.placebos.rename(
                columns={"unit": "Unit", "rmspe_ratio": "Post/pre RMSPE ratio", "pre_rmspe": "Pre-launch RMSPE",
                         "cumulative_gap": "Cumulative gap"}),
                {"Post/pre RMSPE ratio": "ratio", "Pre-launch RMSPE": "number", "Cumulative gap": "number"}))
        if r.leave_one_out is not None and len(r.leave_one_out):
            tables.append(Table(f.t("{campaign}: leave one donor out").format(campaign=name),
                                r.leave_one_out.rename(columns={"left_out": "Donor left out",
                                                                "mean_effect": "Mean effect per period",
                                                                "pre_rmspe": "Pre-launch RMSPE"}),
                                {"Mean effect per period": "number", "Pre-launch RMSPE": "number"}))
        after = s.iloc[int(launch_at):]
        by_period = pd.DataFrame({"Period": after["period"], "Actual": after["actual"],
                                  "Counterfactual": after["counterfactual"], "Lower": after["lower"],
                                  "Upper": after["upper"], "Effect": after["effect"],
                                  "Cumulative effect": after["cumulative"]})
        if not banded:  # a synthetic control has no pointwise interval: no empty columns
            by_period = by_period.drop(columns=["Lower", "Upper"])
        tables.append(Table(f.t("{campaign}: after the launch").format(campaign=name), by_period,
                            {c: "number" for c in by_period.columns if c != "Period"}))
        paragraphs.extend(_incrementality_notes(r, name, f))
    if not full:
        tables, charts = tables[:1], []
    return Section("incrementality", "Campaign incrementality", charts=tuple(charts), tables=tuple(tables),
                   paragraphs=tuple(paragraphs))


def _incrementality_notes(r, name, f) -> list[str]:
    """The checks a reader needs beside a campaign's figures: the pre-launch fit and the placebo tests."""
    fig = r.figures
    out = [f.t("{campaign}: {method}, launch {launch}, {post} periods after it and {pre} before.").format(
        campaign=name, method=f.t(r.method.replace("_", " ")), launch=r.launch, post=f.count(fig["post_periods"]),
        pre=f.count(fig["pre_periods"]))]
    if r.method == "structural":
        out.append(f.t("{campaign}: before the launch the model explains {r2} of the series' variance (one-step "
                       "predictions); p = {p} that the post-launch sum is this far from the counterfactual by "
                       "chance.").format(campaign=name, r2=f.percent(100 * fig["pre_r2"]), p=f.number(fig["p_value"], 3)))
        return out
    out.append(f.t("{campaign}: pre-launch RMSPE {pre}, post/pre RMSPE ratio {ratio}, from {n} donors.").format(
        campaign=name, pre=f.number(fig["pre_rmspe"], 2), ratio=f.number(fig["rmspe_ratio"], 2),
        n=f.count(fig["donors"])))
    if "in_time_placebo" in fig:
        it = fig["in_time_placebo"]
        out.append(f.t("{campaign}: in-time placebo (a fake launch at {period}) shows a mean gap of {gap} per period "
                       "and a post/pre RMSPE ratio of {ratio}; a credible design shows little.").format(
            campaign=name, period=it["launch"], gap=f.number(it["mean_gap"], 2), ratio=f.number(it["rmspe_ratio"], 2)))
    if fig.get("leave_one_out_range"):
        lo, hi = fig["leave_one_out_range"]
        out.append(f.t("{campaign}: leaving out one weighted donor at a time, the mean effect per period ranges from "
                       "{low} to {high}.").format(campaign=name, low=f.number(lo, 2), high=f.number(hi, 2)))
    return out


def _attribution(run, f) -> Section:
    from socialroi.valuation.attribution import model_words as model_label

    att = run.attribution
    by_model = att.estimate.diagnostics["social_credit_by_model"]
    intervals = att.estimate.diagnostics.get("social_credit_interval_by_model") or {}
    chosen = str(att.estimate.assumptions.get("model", ""))
    nan = (float("nan"), float("nan"))
    subtitle = f.t("{currency} of tracked revenue credited to the social channels (social's credit) under each model; "
                   "the ROI uses {model}").format(currency=run.roi.currency, model=f.t(model_label(chosen)))
    if intervals:
        chart = Chart("forest", "Social revenue by attribution model",
                      [(f.t(model_label(m)), v, *intervals.get(m, nan)) for m, v in by_model.items()],
                      unit="money", subtitle=Local(f"{subtitle}; " + f.t("bootstrap 95 % interval over journeys")))
    else:
        chart = Chart("bars", "Social revenue by attribution model",
                      [(f.t(model_label(m)), v) for m, v in by_model.items()], options={"kind": "hard"},
                      subtitle=subtitle)
    models = att.by_model().rename(columns={"model": "Model", "social_revenue": "Social revenue", "lower": "Lower",
                                            "upper": "Upper", "share_of_revenue": "Share of revenue",
                                            "in_roi": "In the ROI"})
    models["Model"] = [f.t(model_label(m)) for m in models["Model"]]
    frame = att.to_frame()
    names = {"channel": "Channel", "social": "Social", "markov_removal_effect": "Markov removal effect",
             "assisted_conversions": "Assisted conversions", "assisted_revenue": "Assisted revenue"}
    frame = frame.rename(columns={c: names.get(c) or Local(f.t(model_label(c))) for c in frame.columns})
    units = {c: ("money" if frame[c].dtype.kind == "f" else "text") for c in frame.columns}
    units.update({"Markov removal effect": "ratio", "Assisted conversions": "count", "Social": "flag"})
    return Section("attribution", "Attribution compared across models", charts=(chart,), tables=(
        Table("Social revenue by attribution model", models, {"Social revenue": "money", "Lower": "money",
                                                              "Upper": "money", "Share of revenue": "share",
                                                              "In the ROI": "flag"}),
        Table("Revenue by channel and attribution model", frame, units)))


def _leads(run) -> Section:
    lr = run.leads
    bands = lr.bands[["band", "group", "leads", "conversion_rate", "median_days_to_convert", "value_per_lead"]].rename(
        columns={"band": "Band", "group": "Group", "leads": "Leads", "conversion_rate": "Conversion",
                 "median_days_to_convert": "Median days", "value_per_lead": "Value per lead"})
    ch = lr.channels[["channel", "social", "leads", "cost_per_lead", "cost_per_converted_lead"]].rename(
        columns={"channel": "Channel", "social": "Social", "leads": "Leads", "cost_per_lead": "Cost per lead",
                 "cost_per_converted_lead": "Cost per converted lead"})
    return Section("leads", "Lead score bands", tables=(
        Table("By band and channel group", bands, {"Leads": "count", "Conversion": "share", "Median days": "count",
                                                   "Value per lead": "money"}),
        Table("By channel", ch, {"Social": "flag", "Leads": "count", "Cost per lead": "money",
                                 "Cost per converted lead": "money"})))


def _funnel(run, f) -> Section:
    fr = run.funnel
    b = fr.bottlenecks.rename(columns={"channel": "Channel", "period": "Period",
                                       "vs_previous_period_stage": "Bottleneck vs previous period",
                                       "conversion_change": "Change", "vs_other_channels_stage":
                                       "Bottleneck vs other channels", "conversion_vs_others": "Gap"})
    tables = [Table("Bottleneck per channel (latest period)", b, {"Change": "share", "Gap": "share"})]
    charts = []
    if fr.micro is not None:
        m = fr.micro[["action", "value_per_action", "value_lower", "value_upper", "p_value"]].rename(
            columns={"action": "Action", "value_per_action": "Value per action", "value_lower": "Lower",
                     "value_upper": "Upper", "p_value": "p-value"})
        tables.append(Table("Value of one micro action (Poisson GLM, average marginal effect)", m,
                            {"Value per action": "money", "Lower": "money", "Upper": "money", "p-value": "p"}))
        charts.append(Chart("bars", "Value of one micro action", [(r.action, float(r.value_per_action))
                                                                   for r in fr.micro.itertuples()],
                            options={"kind": "soft", "solid": [bool(r.p_value < 0.05) for r in fr.micro.itertuples()]},
                            subtitle=f.t("{currency} per like, share, comment or click (Poisson GLM average marginal "
                                         "effect x value of a conversion); hollow: p >= 0.05, not significant")
                            .format(currency=run.roi.currency)))
    return Section("funnel", "Funnel", charts=tuple(charts), tables=tuple(tables))


_SCENARIO_NAMES = {"base": "base", "hard_evidence": "hard evidence only"}  # built-in scenarios, in words


def _simulation(run, f, full: bool) -> Section:
    import pandas as pd

    sim = run.simulation
    s = sim.figures["blended_roi"]
    be = sim.break_even
    facts = [Fact("Draws", f.count(sim.n_draws), f.t("seed {seed}").format(seed=sim.seed)),
             Fact("Blended ROI distribution", f.t("mean {value}").format(value=f.percent(s["mean"])),
                  Local(f"P5 {f.percent(s['p5'])}, P50 {f.percent(s['p50'])}, P95 {f.percent(s['p95'])}")),
             Fact("Probability of a loss", f.share(sim.figures["probability_roi_below_zero"]),
                  f.t("hard ROI: {p}").format(p=f.share(sim.figures["probability_hard_roi_below_zero"]))),
             Fact("Break-even cost", f.money(be["break_even_cost"]),
                  f.t("cost now {cost}").format(cost=f.money(be["total_cost"])))]
    scen = sim.scenarios.assign(
        scenario=[f.t(_SCENARIO_NAMES[n]) if n in _SCENARIO_NAMES else n for n in sim.scenarios["scenario"]],
        evidence=[f.t("all grades") if e == "all" else ", ".join(str(f.t(grade_label(g))) for g in e.split(", "))
                  for e in sim.scenarios["evidence"]])
    scen = scen.rename(columns={"scenario": "Scenario", "evidence": "Evidence counted", "roi_mean": "Mean ROI", "roi_p5": "P5",
                                         "roi_p50": "P50", "roi_p95": "P95", "probability_of_loss": "P(loss)",
                                         "net_value_mean": "Mean net value", "hard_roi_mean": "Mean hard ROI"})
    tables = [Table("Scenarios (blended ROI, %)", scen, {"Mean ROI": "percent", "P5": "percent", "P50": "percent",
                                                         "P95": "percent", "P(loss)": "share",
                                                         "Mean net value": "money", "Mean hard ROI": "percent"})]
    charts = []
    if full:
        torn = sim.tornado.rename(columns={"assumption": "Assumption", "base": "Base", "p10": "P10", "p90": "P90",
                                           "roi_at_p10": "ROI at P10", "roi_at_p90": "ROI at P90", "swing": "Swing"})
        tables.append(Table("Tornado: blended ROI (%) with each assumption at P10 and P90, others at base", torn,
                            {"ROI at P10": "percent", "ROI at P90": "percent", "Swing": "percent"}))
        imp = sim.importance.rename(columns={"assumption": "Assumption", "rank_correlation": "Rank correlation"})
        tables.append(Table("Importance (rank correlation with blended ROI)", imp, {"Rank correlation": "ratio"}))
        per = pd.DataFrame([{"Component": k, "Value": v["value"], "Needed for break-even": v["needed"]}
                            for k, v in be["components"].items()])
        tables.append(Table("Break-even by component (others at base)", per,
                            {"Value": "money", "Needed for break-even": "money"}))
        lev = sim.levers.rename(columns={"assumption": "Assumption", "base": "Base", "distribution": "Distribution",
                                         "value": "Value", "description": "Description"})
        tables.append(Table("Simulation assumptions", lev, {"Base": "number", "Value": "number"}))
        charts = [Chart("histogram", f.t("Distribution of blended ROI ({n} draws)").format(n=f.count(sim.n_draws)),
                        sim.roi_sample,
                        unit="percent", subtitle="blended ROI in %; dashed: P5, P50 and P95; red: break-even "
                                                 "(ROI = 0), left of it a loss"),
                  Chart("tornado", "Tornado: blended ROI with each assumption at its P10 and P90",
                        [(r.assumption, r.roi_at_p10, r.roi_at_p90) for r in sim.tornado.head(12).itertuples()],
                        unit="percent", options={"base": sim.base_roi},
                        subtitle="blended ROI in %; each bar runs from the ROI with that assumption at its P10 to "
                                 "its P90, every other assumption at its base value")]
    return Section("simulation", "Scenario simulation", tuple(facts), tuple(charts), tuple(tables))


def _cashflows(run, f, full: bool) -> Section:
    sim = run.simulation
    c = sim.cashflow_summary
    periods = f.t({"month": "months", "quarter": "quarters", "year": "years"}[c["frequency"]])
    facts = (Fact("NPV", f.t("mean {value}").format(value=f.money(c["npv_mean"])),
                  f.t("P5 {p5}, P95 {p95}; probability below zero {p}").format(
                      p5=f.money(c["npv_p5"]), p95=f.money(c["npv_p95"]), p=f.share(c["probability_npv_below_zero"]))),
             Fact("Payback", f.t("period {period} of {n}").format(period=f.count(c["payback_period"]),
                                                                   n=f.count(c["periods"]))
                  if c["payback_period"] else f.t("not within {n} periods").format(n=f.count(c["periods"])), periods))
    tables: tuple[Table, ...] = ()
    if full:
        t = sim.cashflow_table.rename(columns={"period": "Period", "value": "Value", "cost": "Cost", "net": "Net",
                                               "discounted_net": "Discounted net", "cumulative_net": "Cumulative net"})
        tables = (Table("Cash flows (mean draws)", t, {"Period": "count", **{k: "money" for k in t.columns
                                                                              if k != "Period"}}),)
    return Section("cashflows", "Cash flows, NPV and payback", facts, tables=tables)


def _planted(run, f) -> Section:
    from socialroi.datasets import planted_vs_recovered

    t = planted_vs_recovered(run).rename(columns={"figure": "Figure", "planted": "Planted", "recovered": "Recovered",
                                                  "lower": "Lower", "upper": "Upper", "covered": "Interval covers"})
    n = int(t["Interval covers"].sum())
    t["Figure"] = [f.t(x) for x in t["Figure"]]
    return Section("planted", "Planted truth vs recovered (bundled example)", tables=(Table(
        "Planted truth vs recovered (bundled example)", t,
        {"Planted": "number", "Recovered": "number", "Lower": "number", "Upper": "number",
         "Interval covers": "flag"}),), paragraphs=(
        f.t("The example's data were generated with known effects (datasets/example/truth.json); {n} of {total} "
            "planted figures lie inside the 95 % interval the run reports.").format(n=f.count(n), total=f.count(len(t))),))


def _methodology(run, f) -> Section:
    from socialroi.valuation.report import METHODOLOGY

    used = ["roi", *[k for k in ("traffic", "traffic_imputed", "social_reach", "direct_revenue")
                     if any(c.component == k for c in run.roi.components)]]
    used += [k for k, part in (("segment", run.segments), ("support", run.support), ("lift_test", run.lift_tests),
                               ("incrementality", run.incrementality),
                               ("confounding", run.confounding.rows or run.overlaps or None), ("leads", run.leads),
                               ("funnel", run.funnel), ("simulation", run.simulation)) if part is not None]
    return Section("methodology", "Methodology", paragraphs=tuple(
        Local(f"{f.t(k.replace('_', ' '))}: {f.t(METHODOLOGY[k])}") for k in used))


def run_document(run, f, *, full: bool = True) -> Document:
    """The report of a run as a :class:`Document`.

    Parameters
    ----------
    run : ProjectRun
    f : NumberFormat
        How numbers are written (locale, currency).
    full : bool
        Every section (the client report) or the summary a terminal shows (``socialroi roi``): headline,
        components, costs, lifts, support, attribution, scenarios, NPV and warnings.
    """
    p = run.project
    sections = [Section("summary", "Executive summary", _headline_facts(run, f)), _components(run, f, full),
                _costs(run)]
    optional: list[tuple[Any, Callable[[], Section], bool]] = [
        (run.traffic, lambda: _traffic(run, f), True), (run.segments, lambda: _segments(run, f, full), False),
        (run.support, lambda: _support(run, f), False), (run.lift_tests, lambda: _lift_tests(run, f), False),
        (run.incrementality, lambda: _incrementality(run, f, full), False),
        (run.attribution, lambda: _attribution(run, f), False),
        (run.leads, lambda: _leads(run), True), (run.funnel, lambda: _funnel(run, f), True),
        (run.simulation, lambda: _simulation(run, f, full), False),
        (run.simulation is not None and run.simulation.cashflow_summary or None, lambda: _cashflows(run, f, full),
         False)]
    sections += [build() for part, build, full_only in optional if part is not None and (full or not full_only)]
    from socialroi.datasets import is_example

    if is_example(run):
        sections.append(_planted(run, f))
    if full:
        sections.append(_methodology(run, f))
    draws = f.t("{n} draws").format(n=f.count(run.roi.costs.n_draws))
    labels = {c.component: c.label for c in run.roi.components}
    subtitle = Local(" · ".join(x for x in (p.period, p.currency, draws) if x))
    return Document(f.t("Social ROI: {name}").format(name=p.name), subtitle,
                    tuple(_localized(s, f) for s in sections),
                    tuple(warning_line(w, labels, f) for w in run.run_warnings))


# what the analyses that are not one value component are called where a warning names its source
_SOURCES = {"segments": "Segment lifts (effect on the engaged)", "support": "Support savings by method",
            "attribution": "Attribution compared across models", "lift_tests": "Randomised lift tests",
            "incrementality": "Campaign incrementality",
            "leads": "Lead score bands", "funnel": "Funnel", "costs": "Costs"}


def warning_line(w, labels: Mapping[str, str], f) -> Local:
    """A run warning for a reader: its source by the name the report uses (a component's label from ``labels``,
    component name -> label; an analysis's section title) and the sentence in the report's language."""
    if w.component in labels:
        source = str(component_label(labels[w.component], f))
    elif w.component and w.component != "overlaps":  # an overlap's sentence names both components itself
        source = str(f.t(_SOURCES.get(w.component, w.component)))
    else:
        source = ""
    message = localize(w.message, f)
    return Local(f"{source}: {message}" if source else message)


def _localized(section: Section, f) -> Section:
    """The section's fixed English text (titles, labels, column names, notes) in the report's language; text made
    from a template is already :class:`~socialroi.valuation.i18n.Local` and stays as it is. Numbers and the user's
    own names are never looked up."""
    from dataclasses import replace

    def table(t: Table) -> Table:
        names = {c: str(f.t(c)) for c in t.frame.columns}
        return Table(f.t(t.title), t.frame.rename(columns=names), {names.get(k, k): v for k, v in t.units.items()})

    return replace(
        section, title=f.t(section.title),
        facts=tuple(Fact(f.t(x.label), x.value, f.t(x.note) if x.note else x.note) for x in section.facts),
        charts=tuple(replace(c, title=f.t(c.title), subtitle=f.t(c.subtitle) if c.subtitle else "")
                     for c in section.charts),
        tables=tuple(table(t) for t in section.tables), paragraphs=tuple(f.t(p) for p in section.paragraphs))
