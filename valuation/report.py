"""The client report: one self-contained HTML file (inline CSS and SVG, no scripts, no downloads).

Sections: executive summary; value waterfall; component table with
method, assumptions and interval; traffic coverage and top keywords;
segment-lift forest plot with the balance summary; support savings;
attribution by model; the ROI distribution and tornado when the project
has a simulation; data-quality warnings; a methodology appendix with every
formula used. Numbers follow the project's locale (``[project] locale``).
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
    """Locale-aware number and money formatting (``1 234,50 EUR`` for lv or nb)."""

    def __init__(self, locale: str, currency: str) -> None:
        self.locale = locale if locale in LOCALES else "en"
        self.group, self.decimal, self.direction = LOCALES[self.locale]
        self.currency = currency

    def number(self, value: float, digits: int = 2) -> str:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return "–"
        text = f"{value:,.{digits}f}"
        return text.replace(",", "\x00").replace(".", self.decimal).replace("\x00", self.group)

    def money(self, value: float) -> str:
        text = self.number(value)
        return text if text == "–" else f"{text}\u00a0{self.currency}"

    def percent(self, value: float, digits: int = 1) -> str:
        """``value`` already in percent."""
        return f"{self.number(value, digits)}\u00a0%"

    def share(self, value: float) -> str:
        return self.percent(100 * value)


CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans Arabic',sans-serif;margin:0;
color:#1a202c;background:#fff;line-height:1.45}
main{max-width:1000px;margin:0 auto;padding:24px}
h1{font-size:1.6rem;margin:0 0 4px}h3{font-size:1rem;margin:16px 0 0}h2{font-size:1.2rem;margin:32px 0 8px;border-bottom:1px solid #e2e8f0;padding-bottom:4px}
.meta{color:#4a5568}.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{flex:1 1 200px;border:1px solid #e2e8f0;border-radius:8px;padding:12px}
.card .v{font-size:1.4rem;font-weight:600}.card .s{color:#4a5568;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.88rem;margin:8px 0}
th,td{border-bottom:1px solid #edf2f7;padding:4px 6px;text-align:start;vertical-align:top}
td.n{text-align:end;font-variant-numeric:tabular-nums;white-space:nowrap}
.warn li{color:#744210}.chart{margin:8px 0}code{font-size:.85rem}
@media print{main{max-width:none}h2{break-after:avoid}.chart,table{break-inside:avoid}}
"""


def _bdi(text: Any) -> str:
    return f"<bdi>{escape(str(text))}</bdi>"


def _table(headers: list[str], rows: list[list[tuple[str, bool]]], cls: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f'<td class="n">{v}</td>' if num else f"<td>{v}</td>" for v, num in r) + "</tr>"
                   for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


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


def build_html(run, simulation=None, *, locale: str = "en") -> str:
    """The whole report for a project run (and its simulation, if any) as an HTML string."""
    roi = run.roi
    f = NumberFormat(locale, roi.currency)
    p = run.project
    parts: list[str] = []
    lo, hi = roi.blended_roi_interval
    hlo, hhi = roi.hard_roi_interval
    nlo, nhi = roi.net_value_interval
    cards = [
        ("Blended ROI", f.percent(roi.blended_roi), f"95% interval {f.percent(lo)} to {f.percent(hi)}"),
        ("Hard ROI (direct only)", f.percent(roi.hard_roi), f"95% interval {f.percent(hlo)} to {f.percent(hhi)}"),
        ("Net value", f.money(roi.net_value), f"95% interval {f.money(nlo)} to {f.money(nhi)}"),
        ("Total value / cost", f.money(roi.total_value), f"cost {f.money(roi.total_cost)}"),
        ("Probability of a loss", f.share(simulation.summary["probability_roi_below_zero"] if simulation
                                          else roi.probability_of_loss),
         "from the scenario simulation" if simulation else "from the components' uncertainty"),
    ]
    parts.append('<section id="summary"><h2>Executive summary</h2><div class="cards">' + "".join(
        f'<div class="card"><div>{escape(t)}</div><div class="v">{escape(v)}</div><div class="s">{escape(s)}</div></div>'
        for t, v, s in cards) + "</div></section>")

    comps = sorted(roi.components, key=lambda c: -c.point)
    steps = [(c.label, c.point, c.kind) for c in comps] + [("Costs", -roi.total_cost, "cost"),
                                                            ("Net value", roi.net_value, "net")]
    parts.append('<section id="waterfall"><h2>Value waterfall</h2>'
                 + charts.waterfall(f"Value waterfall: net {f.money(roi.net_value)}", steps, f.money) + "</section>")
    rows = []
    for c in comps:
        assumptions = "; ".join(f"{escape(k)} = {_bdi(v)}" for k, v in c.assumptions.items()
                                if v not in (None, [], {}, ""))
        rows.append([(escape(c.label), False), (escape(c.kind), False), (escape(f.money(c.point)), True),
                     (escape(f"{f.money(c.interval[0])} to {f.money(c.interval[1])}"), True),
                     (escape(c.method), False), (assumptions, False)])
    rows.append([("Costs", False), ("cost", False), (escape(f.money(roi.total_cost)), True),
                 (escape(f"{f.money(roi.costs.interval[0])} to {f.money(roi.costs.interval[1])}"), True),
                 (escape(roi.costs.method), False), ("", False)])
    parts.append('<section id="components"><h2>Components</h2>'
                 + _table(["Component", "Kind", "Value", "95% interval", "Method", "Assumptions"], rows)
                 + _table(["Cost category", "Amount", "Share"],
                          [[(_bdi(r.category), False), (escape(f.money(r.amount)), True), (escape(f.share(r.share)), True)]
                           for r in run.costs.by_category().itertuples()]) + "</section>")

    if run.traffic is not None:
        d = run.traffic.diagnostics
        top = run.traffic.top_keywords.head(15)
        parts.append('<section id="traffic"><h2>Traffic value</h2>'
                     f"<p>{escape(f.share(d['click_coverage']))} of non-brand clicks and "
                     f"{escape(f.share(d['keyword_coverage']))} of non-brand keywords have a CPC; "
                     f"{escape(f.number(d['clicks_brand'], 0))} brand clicks excluded.</p>"
                     + charts.bars("Top keywords by value", [(str(r.keyword), float(r.value)) for r in top.itertuples()],
                                   f.money, "soft")
                     + _table(["Keyword", "Clicks", "CPC", "Value"],
                              [[(_bdi(r.keyword), False), (escape(f.number(r.clicks, 0)), True),
                                (escape(f.number(r.cpc)), True), (escape(f.money(r.value)), True)]
                               for r in top.itertuples()]) + "</section>")
    seg = getattr(run, "segments", None)
    if seg is not None and len(seg.effects):
        eff = seg.effects
        # one forest plot per outcome: probabilities and money amounts need their own scales
        forests = "".join(
            f"<h3>{_bdi(outcome)}</h3>" + charts.forest(f"Segment lift: {outcome} (effect on the engaged, 95% intervals)",
                          [(r.method.replace("_", " "), r.estimate, r.lower, r.upper) for r in g.itertuples()],
                          lambda v: f.number(v, 3))
            for outcome, g in eff.groupby("outcome", sort=False))
        bal = seg.balance
        balance = (f"{len(bal)} covariate columns; largest standardised difference "
                   f"{f.number(bal['smd_before'].abs().max(), 3)} before and "
                   f"{f.number(bal['smd_after'].abs().max(), 3)} after weighting; "
                   f"{int(bal['imbalanced'].sum())} above 0.1 after weighting.") if len(bal) else ""
        parts.append('<section id="segments"><h2>Segment lifts (effect on the engaged)</h2>'
                     + forests
                     + f"<p>{escape(balance)}</p>"
                     + _table(["Outcome", "Method", "Estimate", "95% interval", "p-value", "E-value"],
                              [[(_bdi(r.outcome), False), (escape(r.method), False),
                                (escape(f.number(r.estimate, 4)), True),
                                (escape(f"{f.number(r.lower, 4)} to {f.number(r.upper, 4)}"), True),
                                (escape(f.number(r.p_value, 3)), True), (escape(f.number(r.evalue, 2)), True)]
                               for r in eff.itertuples()]) + "</section>")
    sup = getattr(run, "support", None)
    if sup is not None:
        t = sup.to_frame()
        parts.append('<section id="support"><h2>Support savings by method</h2>'
                     + charts.bars("Support savings by method", [(r.method, float(r.saving)) for r in t.itertuples()],
                                   f.money, "soft")
                     + _table(["Method", "Kind", "Tickets", "Saving", "95% interval", "Counted"],
                              [[(escape(r.method), False), (escape(r.kind), False), (escape(f.number(r.tickets, 0)), True),
                                (escape(f.money(r.saving)), True),
                                (escape(f"{f.money(r.lower)} to {f.money(r.upper)}"), True),
                                ("yes" if r.counted else "", False)] for r in t.itertuples()]) + "</section>")
    att = getattr(run, "attribution", None)
    if att is not None:
        by_model = att.estimate.diagnostics["social_credit_by_model"]
        parts.append('<section id="attribution"><h2>Attribution compared across models</h2>'
                     + charts.bars("Social revenue by attribution model",
                                   [(m.replace("_", " "), v) for m, v in by_model.items()], f.money, "hard")
                     + "</section>")
    sections = p.sections
    if "leads" in sections:
        from socialroi.valuation.costs import read_ledger
        from socialroi.valuation.leads import lead_cycle, parse_bands

        le = sections["leads"]
        costs = read_ledger(sections["costs"]["ledger"], currency=p.currency, rates=p.rates, n_draws=1).by_channel()
        lr = lead_cycle(le["file"], social_channels=le["social_channels"], bands=parse_bands(le.get("bands")),
                        channel_costs=costs, date_order=le.get("date_order"))
        parts.append('<section id="leads"><h2>Lead score bands</h2>'
                     + _table(["Band", "Group", "Leads", "Conversion", "Median days", "Value per lead"],
                              [[(escape(str(r.band)), False), (escape(r.group), False),
                                (escape(f.number(r.leads, 0)), True), (escape(f.share(r.conversion_rate)), True),
                                (escape(f.number(r.median_days_to_convert, 0)), True),
                                (escape(f.money(r.value_per_lead)), True)] for r in lr.bands.itertuples()])
                     + _table(["Channel", "Social", "Leads", "Cost per lead", "Cost per converted lead"],
                              [[(_bdi(r.channel), False), ("yes" if r.social else "", False),
                                (escape(f.number(r.leads, 0)), True), (escape(f.money(r.cost_per_lead)), True),
                                (escape(f.money(r.cost_per_converted_lead)), True)] for r in lr.channels.itertuples()])
                     + "</section>")
    if "funnel" in sections:
        from socialroi.valuation.funnel import funnel as run_funnel
        from socialroi.valuation.funnel import micro_action_values

        fu = sections["funnel"]
        fr = run_funnel(fu["file"], fu.get("stages"))
        html_f = '<section id="funnel"><h2>Funnel</h2>' + _table(
            ["Channel", "Period", "Bottleneck vs previous period", "Change", "Bottleneck vs other channels", "Gap"],
            [[(_bdi(r.channel), False), (escape(str(r.period)), False),
              (escape(str(getattr(r, "vs_previous_period_stage", "") or "")), False),
              (escape(f.share(getattr(r, "conversion_change", float("nan")))), True),
              (escape(str(getattr(r, "vs_other_channels_stage", "") or "")), False),
              (escape(f.share(getattr(r, "conversion_vs_others", float("nan")))), True)]
             for r in fr.bottlenecks.itertuples()])
        if "micro" in fu:
            mv = micro_action_values(fu["micro"], fu.get("actions", ["likes", "shares", "comments", "clicks"]),
                                     value_per_conversion=float(fu["conversion_value"]), exposure=fu.get("exposure"))
            html_f += charts.bars("Value of one micro action", [(r.action, float(r.value_per_action))
                                                                 for r in mv.itertuples()], f.money, "soft")
        parts.append(html_f + "</section>")
    if simulation is not None:
        s = simulation.summary["blended_roi"]
        torn = simulation.tornado.head(12)
        parts.append('<section id="simulation"><h2>Scenario simulation</h2>'
                     f"<p>{simulation.n_draws:,} draws: blended ROI mean {escape(f.percent(s['mean']))}, "
                     f"P5 {escape(f.percent(s['p5']))}, P95 {escape(f.percent(s['p95']))}.</p>"
                     + charts.histogram(f"Distribution of blended ROI ({simulation.n_draws:,} draws)",
                                        _roi_draws(simulation), f.percent)
                     + charts.tornado_chart("Tornado: blended ROI with each assumption at its P10 and P90",
                                            [(r.assumption, r.roi_at_p10, r.roi_at_p90) for r in torn.itertuples()],
                                            simulation.base_roi, f.percent)
                     + _table(["Scenario", "Mean ROI", "P5", "P95", "P(loss)"],
                              [[(_bdi(r.scenario), False), (escape(f.percent(r.roi_mean)), True),
                                (escape(f.percent(r.roi_p5)), True), (escape(f.percent(r.roi_p95)), True),
                                (escape(f.share(r.probability_of_loss)), True)]
                               for r in simulation.scenarios.itertuples()]) + "</section>")
    warnings = list(run.warnings)
    parts.append('<section id="warnings"><h2>Data quality</h2>' + (
        '<ul class="warn">' + "".join(f"<li>{_bdi(w)}</li>" for w in dict.fromkeys(warnings)) + "</ul>"
        if warnings else "<p>No data-quality warnings.</p>") + "</section>")
    used = ["roi", *[k for k in ("traffic", "traffic_imputed", "social_reach", "direct_revenue")
                     if any(c.component == k for c in roi.components)]]
    if seg is not None:
        used.append("segment")
    if sup is not None:
        used.append("support")
    used += [k for k in ("leads", "funnel") if k in sections]
    if simulation is not None:
        used.append("simulation")
    parts.append('<section id="methodology"><h2>Methodology</h2><dl>' + "".join(
        f"<dt>{escape(k.replace('_', ' '))}</dt><dd>{escape(METHODOLOGY[k])}</dd>" for k in used) + "</dl></section>")
    lang = f.locale
    title = f"Social ROI: {p.name}"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>{escape(title)}</title><style>{CSS}</style></head>'
            f'<body><main><h1>{_bdi(title)}</h1><p class="meta">{_bdi(p.period)} · {escape(roi.currency)} · '
            f'{roi.costs.n_draws:,} draws</p>{"".join(parts)}</main></body></html>\n')


def _roi_draws(simulation):
    return simulation.roi_sample