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

import math
from html import escape
from typing import Any

from socialroi.valuation import charts

# thousands separator, decimal mark, text direction of the page
LOCALES = {
    "en": (",", ".", "ltr"), "lv": ("\u00a0", ",", "ltr"), "nb": ("\u00a0", ",", "ltr"), "no": ("\u00a0", ",", "ltr"),
    "nn": ("\u00a0", ",", "ltr"), "sv": ("\u00a0", ",", "ltr"), "fi": ("\u00a0", ",", "ltr"),
    "de": (".", ",", "ltr"), "fr": ("\u00a0", ",", "ltr"), "es": (".", ",", "ltr"),
    "ar": (",", ".", "rtl"), "fa": (",", ".", "rtl"),
}


class NumberFormat:
    """Locale-aware number and money formatting (``1 234,50 EUR`` for lv or nb).

    ``plain=True`` writes for a terminal or a plain-text file: ``1,234.50 EUR`` and ``12.3%`` with ordinary
    spaces, whatever the locale.
    """

    def __init__(self, locale: str, currency: str, *, plain: bool = False) -> None:
        self.locale = locale if locale in LOCALES else "en"
        self.group, self.decimal, self.direction = LOCALES["en" if plain else self.locale]
        self.currency = currency
        self.spaced = not plain
        self.to = "to"

    def number(self, value: float, digits: int = 2) -> str:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return "–"
        text = f"{value:,.{digits}f}"
        return text.replace(",", "\x00").replace(".", self.decimal).replace("\x00", self.group)

    def money(self, value: float) -> str:
        text = self.number(value)
        return text if text == "–" else f"{text}{NBSP if self.spaced else ' '}{self.currency}"

    def percent(self, value: float, digits: int = 1) -> str:
        """``value`` already in percent."""
        return f"{self.number(value, digits)}{NBSP if self.spaced else ''}%"

    def share(self, value: float) -> str:
        return self.percent(100 * value)


NBSP = "\u00a0"


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
@page{size:A4;margin:16mm 14mm}
@media print{main{max-width:none;padding:0}h2,h3{break-after:avoid}tr,.card,svg,dl{break-inside:avoid}
thead{display:table-header-group}section{break-before:auto}.cards{break-inside:avoid}}
"""


def _bdi(text: Any) -> str:
    return f"<bdi>{escape(str(text))}</bdi>"


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


def _chart(chart, f) -> str:
    """One chart of the document as a figure: a visible title and subtitle (the unit, how to read it), the inline
    SVG, and a legend of its colours."""
    caption = (f'<figcaption><strong>{_bdi(chart.title)}</strong>'
               + (f'<span class="sub">{escape(chart.subtitle)}</span>' if chart.subtitle else "") + "</figcaption>")
    legend = charts.legend(chart.options["legend"]) if "legend" in chart.options else ""
    return f'<figure class="chart">{caption}{_svg(chart, f)}{legend}</figure>'


def _svg(chart, f) -> str:
    fmt = {"money": f.money, "percent": f.percent, "ratio": lambda v: f.number(v, 3)}.get(chart.unit, f.number)
    if chart.kind == "waterfall":
        return charts.waterfall(chart.title, chart.data, fmt)
    if chart.kind == "forest":
        return charts.forest(chart.title, chart.data, fmt)
    if chart.kind == "bars":
        return charts.bars(chart.title, chart.data, fmt, chart.options.get("kind", "neutral"),
                           chart.options.get("solid"))
    if chart.kind == "histogram":
        return charts.histogram(chart.title, chart.data, fmt)
    if chart.kind == "tornado":
        return charts.tornado_chart(chart.title, chart.data, chart.options["base"], fmt)
    raise ValueError(f"unknown chart kind {chart.kind!r}")


def _html_table(table, f, heading: bool = True) -> str:
    from socialroi.valuation.document import format_value

    units = [table.unit(str(c)) for c in table.frame.columns]
    numeric = [u not in ("text", "flag") for u in units]
    head = "".join(f'<th class="n">{escape(str(c))}</th>' if n else f"<th>{escape(str(c))}</th>"
                   for c, n in zip(table.frame.columns, numeric))
    body = []
    for row in table.frame.itertuples(index=False, name=None):
        cells = []
        for v, u, n in zip(row, units, numeric):
            text = format_value(v, u, f)
            cells.append(f'<td class="n">{escape(text)}</td>' if n else f"<td>{_bdi(text) if text else ''}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    title = f"<h3>{escape(table.title)}</h3>" if heading else ""
    return (f"{title}<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>"
            "</table>")


def _cards(facts) -> str:
    return '<div class="cards">' + "".join(
        f'<div class="card"><div>{escape(x.label)}</div><div class="v">{escape(x.value)}</div>'
        f'<div class="s">{escape(x.note)}</div></div>' for x in facts) + "</div>"


def _section_html(section, f) -> str:
    parts = [f'<section id="{section.id}"><h2>{escape(section.title)}</h2>']
    if section.id == "summary":
        parts.append(_cards(section.facts))
    elif section.facts:
        parts.append("<dl>" + "".join(f"<dt>{escape(x.label)}</dt><dd>{escape(x.value)}"
                                      + (f" ({escape(x.note)})" if x.note else "") + "</dd>"
                                      for x in section.facts) + "</dl>")
    if section.id == "methodology":
        parts.append("<dl>" + "".join(f"<dt>{escape(t.split(': ', 1)[0])}</dt><dd>{escape(t.split(': ', 1)[1])}</dd>"
                                      for t in section.paragraphs) + "</dl>")
    else:
        parts += [f"<p>{escape(t)}</p>" for t in section.paragraphs]
    parts += [_chart(c, f) for c in section.charts]
    parts += [_html_table(t, f, t.title != section.title) for t in section.tables]
    return "".join(parts) + "</section>"


def build_html(run, *, locale: str | None = None) -> str:
    """The whole report of a project run as one self-contained HTML page.

    Parameters
    ----------
    run : ProjectRun
        The run (its simulation, when it has one, included).
    locale : str, optional
        Number format; default the project's ``[project] locale``.
    """
    from socialroi.valuation.document import run_document

    f = NumberFormat(locale or run.project.locale, run.roi.currency)
    doc = run_document(run, f, full=True)
    warnings = ('<section id="warnings"><h2>Data quality</h2>' + (
        '<ul class="warn">' + "".join(f"<li>{_bdi(w)}</li>" for w in doc.warnings) + "</ul>"
        if doc.warnings else "<p>No data-quality warnings.</p>") + "</section>")
    body = [_section_html(s, f) for s in doc.sections if s.id != "methodology"]
    body += [warnings] + [_section_html(s, f) for s in doc.sections if s.id == "methodology"]
    return (f'<!DOCTYPE html><html lang="{f.locale}" dir="{f.direction}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(doc.title)}</title>'
            f'<style>{CSS}</style></head><body><main><h1>{_bdi(doc.title)}</h1><p class="meta">{_bdi(doc.subtitle)}'
            f'</p>{"".join(body)}</main></body></html>\n')
