"""The client report: one self-contained HTML file (inline CSS and SVG, no scripts, no downloads).

It renders :func:`socialroi.valuation.document.run_document` (the same
document the Markdown report and the workbook render) and adds the charts:
executive summary cards (every model's headline, each named); components
with the value waterfall, methods and assumptions; costs; traffic coverage
and top keywords; segment-lift forest plots; support savings; attribution by
model; lead bands; funnel; the ROI distribution, tornado and scenarios; cash
flows; data-quality warnings; a methodology appendix with every formula.
Numbers follow the project's locale (``[project] locale``).
Text from input data is escaped and wrapped in ``<bdi>`` so Arabic and
Persian names render right to left inside left-to-right tables.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from socialroi.valuation import charts
from socialroi.valuation.i18n import NumberFormat  # noqa: F401 - the report's formatter lives there

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans Arabic',sans-serif;margin:0;
color:#1a202c;background:#fff;line-height:1.45}
main{max-width:1000px;margin:0 auto;padding:24px}
h1{font-size:1.6rem;margin:0 0 4px}h3{font-size:1rem;margin:16px 0 0}
h2{font-size:1.2rem;margin:32px 0 8px;border-bottom:1px solid #e2e8f0;padding-bottom:4px}
.meta{color:#4a5568}.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{flex:1 1 200px;border:1px solid #e2e8f0;border-radius:8px;padding:12px}
.card .v{font-size:1.4rem;font-weight:600}.card .s{color:#4a5568;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.88rem;margin:8px 0}
th,td{border-bottom:1px solid #edf2f7;padding:4px 6px;text-align:start;vertical-align:top}
th.n,td.n{text-align:end;font-variant-numeric:tabular-nums;white-space:nowrap}
.warn li{color:#744210}figure.chart{margin:16px 0}code{font-size:.85rem}
figcaption strong{display:block;font-size:.95rem}figcaption .sub{display:block;color:#4a5568;font-size:.82rem}
.legend{font-size:.8rem;color:#4a5568;margin:2px 0}.legend span{margin-inline-end:12px}
.legend i{display:inline-block;width:10px;height:10px;margin-inline-end:4px;vertical-align:middle}
@page{margin:16mm 14mm}
@media print{main{max-width:none;padding:0}h2,h3{break-after:avoid}tr,.card,svg,dl{break-inside:avoid}
thead{display:table-header-group}section{break-before:auto}
figure.chart{break-inside:avoid}h2+figure,h3+table{break-before:avoid}
.cards{display:block}.card{display:inline-block;width:45%;vertical-align:top;margin:0 1% 8px 0}
table{font-size:.7rem;table-layout:auto}th,td{padding:3px 4px}}
"""


METHODOLOGY = {
    "traffic": "Traffic value = replacement share × Σ over matched non-brand keywords of clicks × CPC; a bid range is "
               "priced at its point, its uncertainty one common position inside all ranges (uniform between "
               "Σ clicks × low and Σ clicks × high).",
    "traffic_imputed": "Imputed traffic value = unmatched clicks × average price of a matched click × replacement "
                       "share (keywords without a CPC assumed priced like matched ones).",
    "social_reach": "Paid-equivalent reach per platform: impressions/1000 × CPM, clicks × CPC, engagements × CPE; "
                    "'max' counts the most expensive single buy, 'sum' adds them.",
    "direct_revenue": "Direct revenue: attributed revenue as supplied, or social's credit under the chosen attribution "
                      "model (first/last touch, linear, time decay 2^(−Δt/half-life), position-based, Markov removal "
                      "effect, Shapley).",
    "segment": "Segment lift: effect on the engaged (ATT) = mean outcome of the engaged − what the same customers "
               "would have had without engagement; doubly robust = regression prediction + odds-weighted residual; "
               "standard errors from stacked estimating equations. Retention money = extra retained × annual value × "
               "Σ 1/(1+r)^k; upsell = extra upsells × value; deal size = difference × deals; time to close = deals × "
               "deal value × (1 − (1+r)^(−days/365)).",
    "support": "Support: deflection = views × rate × cost per ticket; channel shift = social tickets × (counterfactual "
               "channel cost − social cost); measured counts = tickets the engaged avoided (Poisson or negative "
               "binomial rate ratio) × cost; measured series = forecast − actual after the launch × cost.",
    "lift_test": "Lift test: units assigned at random to a test group (the social effort) and a control group; effect = "
                 "mean outcome of the test group − mean outcome of the control group (intent to treat), with a Welch "
                 "interval for amounts and an Agresti–Caffo interval for conversions; value = effect × units × value "
                 "per unit. A sample-ratio check compares the group sizes with the planned split.",
    "incrementality": "Campaign incrementality: what a launch added over what would have happened without it. With a "
                      "panel of units, a synthetic control: non-negative donor weights summing to 1, fitted to the "
                      "treated unit's pre-launch path; inference by in-space placebos (each donor given the launch; "
                      "the p-value is the treated unit's rank by post/pre RMSPE ratio), with an in-time placebo and "
                      "leave-one-donor-out as checks; the value's interval is the cumulative gap minus the placebos' "
                      "gaps. With one series and control series, a structural time-series model (local level or "
                      "trend, seasonality, regression on the controls) fitted before the launch; intervals from its "
                      "forecast paths (simulation smoother) with the variances drawn from their estimated sampling "
                      "distribution. Value = cumulative effect × value per unit of the outcome.",
    "confounding": "Confounding and overlaps: a confounder tied to engagement and to the outcome by risk ratio RR can "
                   "explain an observational lift's risk ratio r down to r / B, B = RR² / (2 RR − 1); the value left "
                   "is value × (1 − B / r) / (1 − 1 / r), zero at the E-value. The tipping point is the one RR, "
                   "applied to every observational component, at which the ROI is zero. The conservative ROI counts "
                   "only the larger of two components that may count the same money.",
    "roi": "ROI = (value − cost) / cost × 100. Hard ROI counts money that changed hands; blended ROI counts every "
           "component. Intervals are equal-tailed percentiles of Monte Carlo draws; components are independent, and "
           "draws are summed element by element.",
    "leads": "Lead bands: value per lead = conversion rate × average revenue of converted leads; cost per lead = "
             "channel cost / leads; cost per converted lead = channel cost / conversions.",
    "funnel": "Funnel: stage conversion = stage count / previous stage count; bottleneck = the stage whose conversion "
              "fell most against the previous period or is furthest below the other channels' pooled conversion; "
              "value of a micro action = mean(μ) × β (Poisson GLM average marginal effect) × value of a conversion.",
    "simulation": "Simulation: each draw takes one draw of every component's model uncertainty and one joint draw of "
                  "the uncertain assumptions (Gaussian copula for rank correlations); each assumption scales its "
                  "components or replaces a cost line. Tornado: ROI with each assumption at its P10 and P90, others "
                  "at base. NPV = Σ net_t / (1+r)^(t/periods per year) − upfront cost.",
}


_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_SVG_TEXT = re.compile(r"(<text[^>]*>)([^<]*)(</text>)")


def visual_order(svg: str) -> str:
    """SVG text with Arabic or Persian letters shaped and put in visual order, for renderers whose SVG text does
    no bidi or shaping (WeasyPrint, which prints the PDF); browsers get the logical text."""
    from html import unescape

    from arabic_reshaper import reshape
    from bidi.algorithm import get_display

    def fix(m: re.Match[str]) -> str:
        text = unescape(m.group(2))
        return m.group(1) + escape(get_display(reshape(text))) + m.group(3) if _RTL.search(text) else m.group(0)

    return _SVG_TEXT.sub(fix, svg)


def _svg(chart, f, visual: bool = False) -> str:
    """One chart of the document as inline SVG (:mod:`socialroi.valuation.charts` escapes every text)."""
    svg = _svg_logical(chart, f)
    return visual_order(svg) if visual else svg


def _svg_logical(chart, f) -> str:
    fmt = {"money": f.money, "percent": f.percent, "ratio": lambda v: f.number(v, 3)}.get(chart.unit, f.number)
    if chart.kind == "waterfall":
        return charts.waterfall(chart.title, chart.data, fmt)
    if chart.kind == "forest":
        return charts.forest(chart.title, chart.data, fmt, f.t)
    if chart.kind == "bars":
        return charts.bars(chart.title, chart.data, fmt, chart.options.get("kind", "neutral"),
                           chart.options.get("solid"), f.t, chart.options.get("hollow_note", "not significant"))
    if chart.kind == "histogram":
        return charts.histogram(chart.title, chart.data, fmt, t=f.t)
    if chart.kind == "tornado":
        return charts.tornado_chart(chart.title, chart.data, chart.options["base"], fmt, f.t)
    if chart.kind == "lines":
        labels = chart.options.get("x_labels")  # periods drawn at their positions 0, 1, ... and named

        def fmt_x(v: float) -> str:
            return str(labels[min(len(labels) - 1, max(0, round(v)))]) if labels else f.number(v, 2)

        return charts.line_chart(chart.title, chart.data, fmt_x, fmt, chart.options.get("marks", ()), f.t,
                                 chart.options.get("x_title", ""), chart.options.get("bands", ()),
                                 chart.options.get("include_zero", True))
    raise ValueError(f"unknown chart kind {chart.kind!r}")


def _table_view(table, f, heading: bool) -> dict[str, Any]:
    """A document table as the template shows it: formatted cells and which columns are numbers."""
    from socialroi.valuation.document import format_value

    units = [table.unit(str(c)) for c in table.frame.columns]
    numeric = [u not in ("text", "flag") for u in units]
    rows = [[(format_value(v, u, f), n) for v, u, n in zip(row, units, numeric)]
            for row in table.frame.itertuples(index=False, name=None)]
    return {"title": table.title, "heading": heading, "headers": list(zip(map(str, table.frame.columns), numeric)),
            "rows": rows}


def _section_view(section, f, visual: bool = False) -> dict[str, Any]:
    from markupsafe import Markup

    return {
        "id": section.id, "title": section.title, "facts": section.facts, "paragraphs": section.paragraphs,
        "definitions": [tuple(p.split(": ", 1)) if ": " in p else (p, "") for p in section.paragraphs],
        "charts": [{"title": c.title, "subtitle": c.subtitle, "svg": Markup(_svg(c, f, visual)),
                    "legend": Markup(charts.legend(c.options["legend"], f.t) if "legend" in c.options else "")}
                   for c in section.charts],
        "tables": [_table_view(t, f, t.title != section.title) for t in section.tables],
    }


LETTER_REGIONS = ("US", "CA", "MX", "PH", "CL", "CO", "VE")  # where paper is US Letter, not A4


def page_size(locale: str) -> str:
    """The printed page for a locale: Letter in the regions that use it, A4 everywhere else."""
    return "letter" if locale.split("_")[-1] in LETTER_REGIONS and "_" in locale else "A4"


def build_html(run, *, locale: str | None = None, visual_svg_text: bool = False) -> str:
    """The whole report of a project run as one self-contained HTML page (Jinja2 template, autoescaped).

    Parameters
    ----------
    run : ProjectRun
        The run (its simulation, when it has one, included).
    locale : str, optional
        Language and number format; default the project's ``[project] locale``.
    visual_svg_text : bool
        Shape Arabic and Persian chart labels and put them in visual order (for the PDF printer).
    """
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
    from markupsafe import Markup

    from socialroi.valuation.document import run_document

    f = NumberFormat(locale or run.project.locale, run.roi.currency)
    doc = run_document(run, f, full=True)
    env = Environment(loader=PackageLoader("socialroi.valuation", "templates"), undefined=StrictUndefined,
                      autoescape=select_autoescape(default=True, default_for_string=True), keep_trailing_newline=True)
    html = env.get_template("report.html.j2").render(
        doc=doc, sections=[_section_view(s, f, visual_svg_text and f.direction == "rtl") for s in doc.sections],
        css=Markup(CSS),  # CSS: our own constant
        t=f.t, lang=f.locale.replace("_", "-"), direction=f.direction, page_size=page_size(f.locale),
        has_methodology=any(s.id == "methodology" for s in doc.sections))
    return html.rstrip("\n") + "\n"
