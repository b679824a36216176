"""Lead score bands and the lead cycle: counts, growth, conversion, speed, revenue and cost per channel.

Leads (one row each: a score, a source channel, created and converted
dates, revenue) are put in score bands; by default three, for scores from
0 to 100: ``slow`` (research and awareness, score below 40), ``medium``
(consideration, 40 to below 70) and ``fast`` (decision and purchase, 70 and
above). Per band, month and channel group (social vs other): lead count,
month-on-month growth, conversion rate, median days to convert, revenue.
Per channel: cost per lead and per converted lead, with costs from the
cost ledger's ``channel`` column. The expected value of a lead in a band is
its conversion rate x the average revenue of its converted leads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from socialroi.models.text import Text
from socialroi.valuation.dates import parse_dates
from socialroi.valuation.errors import InputError
from socialroi.valuation.notebook import Printable
from socialroi.valuation.tables import Role, as_table, fold_name

LEAD_ROLES = {
    "lead": Role(("lead_id", "Lead", "Lead ID", "id"), required=False, text=True),
    "score": Role(("score", "Lead score", "Score")),
    "channel": Role(("channel", "Source", "Lead source", "Original source"), text=True),
    "created": Role(("created", "Created", "Created date", "Create date"), text=True),
    "converted": Role(("converted_at", "Converted", "Close date", "Won date"), required=False, text=True),
    "revenue": Role(("revenue", "Revenue", "Amount", "Deal amount"), required=False),
}
DEFAULT_BANDS = (("slow", 40.0), ("medium", 70.0), ("fast", float("inf")))


@dataclass(frozen=True, eq=False)
class LeadReport(Printable):
    """Result of :func:`lead_cycle` (all money in the ledger's or given currency)."""

    bands: Any
    monthly: Any
    channels: Any
    warnings: tuple[str, ...] = field(default=())

    def to_frame(self):
        """The band summary."""
        return self.bands.copy()

    def summary(self) -> str:
        """Printable lines: leads, conversion and value per lead by band and channel group."""
        from socialroi.valuation.notebook import frame_lines

        return "\n".join(["Lead bands:", frame_lines(self.bands)] + [f"warning: {w}" for w in self.warnings])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        from socialroi.valuation.estimate import records

        return {"bands": records(self.bands), "monthly": records(self.monthly),
                "channels": records(self.channels), "warnings": list(self.warnings)}


def _per_group(groups, summarise):
    """``summarise`` applied to each group without its grouping columns (pandas' ``include_groups=False``)."""
    return groups.apply(summarise, include_groups=False)


def parse_bands(text: str | Sequence[float] | None) -> tuple[tuple[str, float], ...]:
    """Band edges ``"40,70"`` (three bands) or ``"slow:40,medium:70,fast"`` (named) into (name, upper) pairs."""
    if text is None or text == "":
        return DEFAULT_BANDS
    if not isinstance(text, str):
        edges = [float(x) for x in text]
        names = ["slow", "medium", "fast"] if len(edges) == 2 else [f"band{i + 1}" for i in range(len(edges) + 1)]
        return tuple(zip(names, [*edges, float("inf")]))
    parts = [p.strip() for p in text.split(",") if p.strip()]
    out = []
    for i, p in enumerate(parts):
        if ":" in p:
            name, _, edge = p.partition(":")
        else:
            try:
                float(p)
                name, edge = "", p
            except ValueError:  # a bare name: the top band, with no upper edge
                name, edge = p, ""
        if not edge and i != len(parts) - 1:
            raise InputError(f"band '{name}' has no upper edge but is not the last band; write slow:40,medium:70,fast")
        try:
            upper = float(edge) if edge else float("inf")
        except ValueError:
            raise InputError(f"band edge {edge!r} is not a number; write bands as 40,70 or slow:40,medium:70,fast") \
                from None
        out.append((name or None, upper))
    if out[-1][1] != float("inf"):
        out.append((None, float("inf")))
    uppers = [u for _, u in out]
    if any(b <= a for a, b in zip(uppers, uppers[1:])):
        raise InputError(f"band edges must increase: {text}")
    default = ["slow", "medium", "fast"] if len(out) == 3 else [f"band{i + 1}" for i in range(len(out))]
    return tuple((n or default[i], u) for i, (n, u) in enumerate(out))


def lead_cycle(
    leads: Any,
    *,
    social_channels: Sequence[str],
    bands: Sequence[tuple[str, float]] = DEFAULT_BANDS,
    channel_costs: Mapping[str, float] | None = None,
    date_order: str | None = None,
) -> LeadReport:
    """Band the leads and summarise the lead cycle by band, month, channel group and channel.

    Parameters
    ----------
    leads : path or DataFrame
    social_channels : sequence of str
        Source channels that count as social.
    bands : sequence of (name, upper edge)
        Scores below an edge fall in that band (the last edge is infinity).
    channel_costs : mapping, optional
        Cost of the period per channel (from the ledger's channel column).
    """
    import pandas as pd

    t = as_table(leads, LEAD_ROLES, name="lead table")
    score = t.numbers("score", allow_negative=True).values
    channel = t.folded("channel")
    if "" in channel:
        raise t.error("blank source channel", "channel", channel.index("") + 1)
    created = parse_dates(t.text("created"), file=t.name, column=t.columns["created"], order=date_order)
    if t.has("converted"):
        conv_at = parse_dates(t.text("converted"), file=t.name, column=t.columns["converted"], allow_blank=True,
                              order=date_order)
        early = np.flatnonzero((conv_at < created).to_numpy())
        if early.size:
            raise t.error("converted before it was created; check the dates", "converted", int(early[0]) + 1)
    else:
        conv_at = pd.Series(pd.NaT, index=range(t.n_rows))
    revenue = t.numbers("revenue", allow_blank=True).values if t.has("revenue") else np.zeros(t.n_rows)
    revenue = np.where(np.isnan(revenue), 0.0, revenue)
    converted = conv_at.notna().to_numpy()
    stray = np.flatnonzero(~converted & (revenue > 0))
    if stray.size:
        raise t.error("revenue on a lead that did not convert; add its converted date or clear the revenue",
                      "revenue", int(stray[0]) + 1)
    edges = [u for _, u in bands]
    names = [n for n, _ in bands]
    band = np.array(names, dtype=object)[np.searchsorted(edges, score, side="right")]
    social = {fold_name(s) for s in social_channels}
    warnings = []
    if not social & set(channel):
        warnings.append(Text("none of the social channels ({channels}) appears among the lead sources",
                             channels=", ".join(sorted(social))))
    frame = pd.DataFrame({
        "band": pd.Categorical(band, categories=names, ordered=True), "channel": channel,
        "group": np.where(np.isin(channel, list(social)), "social", "other"),
        "month": created.dt.to_period("M").astype(str).to_numpy(),
        "converted": converted, "days": (conv_at - created).dt.days.to_numpy(dtype=float), "revenue": revenue,
    })

    def summarise(g):
        n = len(g)
        conv = int(g["converted"].sum())
        rev = float(g["revenue"].sum())
        avg = rev / conv if conv else 0.0
        rate = conv / n if n else 0.0
        return pd.Series({"leads": n, "conversions": conv, "conversion_rate": rate,
                          "median_days_to_convert": float(np.median(g.loc[g["converted"], "days"])) if conv else np.nan,
                          "revenue": rev, "average_revenue": avg, "value_per_lead": rate * avg})

    # every band x group pair, empty ones included (pandas >= 2.3 no longer calls apply on empty groups)
    by_band = _per_group(frame.groupby(["band", "group"], observed=True), summarise)
    by_band = by_band.reindex(pd.MultiIndex.from_product(
        [frame["band"].cat.categories, sorted(set(frame["group"]) | {"social", "other"})], names=["band", "group"]))
    empty_rows = by_band["leads"].isna()
    for col, value in summarise(frame.iloc[:0]).items():
        by_band.loc[empty_rows, col] = value
    by_band = by_band.reset_index()
    by_band["band"] = pd.Categorical(by_band["band"], categories=frame["band"].cat.categories, ordered=True)
    monthly = _per_group(frame.groupby(["band", "group", "month"], observed=True), summarise) \
        .reset_index().sort_values(["band", "group", "month"], kind="stable")
    monthly["lead_growth"] = monthly.groupby(["band", "group"], observed=True)["leads"].pct_change()
    by_channel = _per_group(frame.groupby("channel"), summarise).reset_index()
    for table in (by_band, monthly, by_channel):
        table[["leads", "conversions"]] = table[["leads", "conversions"]].astype(int)
    by_channel.insert(1, "social", by_channel["channel"].isin(social))
    costs = {fold_name(k): float(v) for k, v in (channel_costs or {}).items()}
    by_channel["cost"] = by_channel["channel"].map(costs)
    by_channel["cost_per_lead"] = by_channel["cost"] / by_channel["leads"]
    by_channel["cost_per_converted_lead"] = by_channel["cost"] / by_channel["conversions"].replace(0, np.nan)
    missing = sorted(set(costs) - set(by_channel["channel"]))
    if missing:
        warnings.append(Text("the cost ledger has costs for channel(s) with no leads: {channels}",
                             channels=", ".join(missing)))
    return LeadReport(by_band, monthly.reset_index(drop=True), by_channel, tuple(warnings))
