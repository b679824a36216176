"""Paid-equivalent value of organic social reach and engagement.

Per platform, what it would cost to buy the organic results with the
platform's ads, from a rate card the user supplies::

    impressions buy = impressions / 1000 x CPM
    clicks buy      = clicks x CPC
    engagements buy = engagements x cost per engagement

Buying one objective also delivers some of the others, so summing the three
counts the same reach two or three times. The default basis is ``"max"``:
the most expensive single buy, the least one must spend to match the
organic results on every objective (a lower bound, and the defensible
figure). ``"sum"`` gives the common "earned media value" convention (an
upper figure, with a warning); ``"impressions"``, ``"clicks"`` or
``"engagements"`` price one objective only.

Rate-card ranges (``cpm_low``/``cpm_high`` ...) give uncertainty: one
common position inside all ranges per draw, as for CPC ranges.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from socialroi.models.text import Text
from socialroi.valuation.errors import InputError
from socialroi.valuation.estimate import DEFAULT_DRAWS, Lever, ValueEstimate, rng_for
from socialroi.valuation.tables import Role, as_table, currency_code

BASES = ("max", "sum", "impressions", "clicks", "engagements")
_METRICS = {"impressions": ("cpm", 1.0 / 1000.0), "clicks": ("cpc", 1.0), "engagements": ("cpe", 1.0)}

METRIC_ROLES: dict[str, Role] = {
    "platform": Role(("Platform", "Network", "Channel"), text=True),
    "impressions": Role(("Impressions", "Organic impressions", "Views"), required=False, whole=True),
    "clicks": Role(("Clicks", "Link clicks", "Organic clicks"), required=False, whole=True),
    "engagements": Role(("Engagements", "Interactions", "Engagement"), required=False, whole=True),
}
RATE_ROLES: dict[str, Role] = {
    "platform": Role(("Platform", "Network", "Channel"), text=True),
    **{f"{rate}{suffix}": Role((f"{rate}{suffix}", f"{rate.upper()}{suffix.replace('_', ' ')}"), required=False)
       for rate in ("cpm", "cpc", "cpe") for suffix in ("", "_low", "_high")},
    "currency": Role(("Currency",), required=False, text=True),
}


def value_social_reach(
    metrics: Any,
    rate_card: Any,
    *,
    basis: str = "max",
    currency: str | None = None,
    rates: Mapping[str, float] | None = None,
    seed: int = 0,
    n_draws: int = DEFAULT_DRAWS,
) -> ValueEstimate:
    """Value organic social results at paid-media rates.

    Parameters
    ----------
    metrics : path or DataFrame
        Per platform (rows of the same platform are added): impressions,
        clicks, engagements (any of them).
    rate_card : path or DataFrame
        Per platform: cpm (per 1,000 impressions), cpc, cpe, each optionally
        with ``_low``/``_high``; optionally currency.
    basis : {"max", "sum", "impressions", "clicks", "engagements"}
        How the buys of one platform combine (see the module docstring).
    currency : str, optional
        Reporting currency (default: the rate card's, else USD).
    rates : mapping, optional
        Units of the reporting currency per unit of another currency.

    Returns
    -------
    ValueEstimate
        Component ``"social_reach"``, kind ``"soft"``; ``diagnostics`` holds
        the value of each platform.
    """

    if basis not in BASES:
        raise InputError(f"basis must be one of {', '.join(BASES)}, got {basis!r}")
    m = as_table(metrics, METRIC_ROLES, name="social metrics")
    r = as_table(rate_card, RATE_ROLES, name="rate card")
    present = [k for k in _METRICS if m.has(k)]
    if not present:
        raise m.error("no impressions, clicks or engagements column; add at least one")
    card: dict[str, dict[str, tuple[float, float, float]]] = {}
    money = {name: r.numbers(name, allow_blank=True) for name in
             (f"{rate}{suffix}" for rate in ("cpm", "cpc", "cpe") for suffix in ("", "_low", "_high")) if r.has(name)}
    factor, reporting = r.currency_factors(currency_code(currency) if currency else None, rates,
                                           symbols={name: p.currency for name, p in money.items()})
    reporting = reporting or "USD"
    platforms = r.folded("platform")
    for i, p in enumerate(platforms):
        if p in card:
            raise r.error(f"platform '{p}' appears twice; keep one row per platform", "platform", i + 1)
        card[p] = {}
    for rate_name in ("cpm", "cpc", "cpe"):
        if not r.has(rate_name):
            continue
        point = money[rate_name].values * factor
        low = money[f"{rate_name}_low"].values * factor if r.has(f"{rate_name}_low") else point
        high = money[f"{rate_name}_high"].values * factor if r.has(f"{rate_name}_high") else point
        for i, p in enumerate(platforms):
            if np.isnan(point[i]):
                continue
            lo = point[i] if np.isnan(low[i]) else low[i]
            hi = point[i] if np.isnan(high[i]) else high[i]
            if not lo <= point[i] <= hi:
                raise r.error(f"{rate_name} range {lo:g} to {hi:g} does not contain {point[i]:g}", rate_name, i + 1)
            card[p][rate_name] = (lo, point[i], hi)

    m_platforms = m.folded("platform")
    counts = {k: m.numbers(k, allow_blank=True).values for k in present}
    totals: dict[str, dict[str, float]] = {}
    for i, p in enumerate(m_platforms):
        if p not in card:
            raise m.error(f"platform '{p}' has no row in the rate card; add it", "platform", i + 1)
        for k in present:
            v = counts[k][i]
            if not np.isnan(v):
                totals.setdefault(p, {}).setdefault(k, 0.0)
                totals[p][k] += v

    u = rng_for(seed, "social_reach").random(int(n_draws))
    total_point, total_draws = 0.0, np.zeros(int(n_draws))
    per_platform: dict[str, float] = {}
    wanted = [basis] if basis in _METRICS else list(_METRICS)
    for p, amounts in sorted(totals.items()):
        buys_point, buys_draws = [], []
        for metric in wanted:
            if metric not in amounts or amounts[metric] == 0:
                continue
            rate_name, scale = _METRICS[metric]
            if rate_name not in card[p]:
                raise InputError(f"platform '{p}' has {metric} but the rate card has no {rate_name} for it; "
                                 f"add {rate_name} or choose another basis", file=r.name)
            lo, mid, hi = card[p][rate_name]
            q = amounts[metric] * scale
            buys_point.append(q * mid)
            buys_draws.append(q * (lo + u * (hi - lo)))
        if not buys_point:
            continue
        if basis == "sum":
            value, draws = sum(buys_point), np.sum(buys_draws, axis=0)
        else:
            value, draws = max(buys_point), np.max(buys_draws, axis=0)
        per_platform[p] = value
        total_point += value
        total_draws += draws
    warnings = []
    if basis == "sum":
        warnings.append(Text("basis 'sum' adds impression, click and engagement buys: the same reach is counted more "
                             "than once (the earned-media-value convention); 'max' avoids that"))
    return ValueEstimate.from_draws(
        "social_reach", "soft", reporting, total_point, total_draws,
        label="Organic social reach (paid equivalent)",
        method=Text("per platform, impressions/1000 x CPM, clicks x CPC, engagements x CPE from the rate card, "
                    "combined by '{basis}'; rate ranges drawn at one common position", basis=basis),
        assumptions={"basis": basis},
        diagnostics={"value_by_platform": per_platform, "reading_notes": [*m.notes, *r.notes]},
        warnings=tuple(warnings), levers=(Lever("social.rate_multiplier", 1.0, "multiplier on the rate card"),),
        evidence="market_price",
    )
