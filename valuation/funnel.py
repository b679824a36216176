"""The funnel from awareness to purchase, its bottleneck, and the money value of micro actions.

Funnel: one row per period and channel with stage counts in funnel order
(for example reach, link_clicks, qualified_leads, won_deals). For each
stage after the first, the stage-to-stage conversion is its count over the
previous stage's. The bottleneck of a channel in its latest period is the
stage whose conversion fell most against the previous period (relative
change), and, across channels, the stage whose conversion is furthest
below the other channels' pooled conversion.

Micro actions: rows of posts or periods with conversions (macro actions)
and micro-action counts (likes, shares, comments, clicks). A Poisson GLM
of conversions on the counts (statsmodels, robust errors; optional
log-exposure offset) gives each action's average marginal effect
``mean(mu) x beta`` in conversions per action; times the value of a
conversion, that is the money value of one micro action, with a
delta-method interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from socialroi.valuation.errors import InputError
from socialroi.valuation.notebook import Printable
from socialroi.valuation.tables import as_table, first_row, fold_name


@dataclass(frozen=True, eq=False)
class FunnelReport(Printable):
    """Stage conversions, bottlenecks and micro-action values."""

    conversions: Any
    bottlenecks: Any
    micro: Any = None
    warnings: tuple[str, ...] = field(default=())

    def to_frame(self):
        return self.conversions.copy()

    def summary(self) -> str:
        """Printable lines: the bottleneck of each channel, and micro-action values when given."""
        from socialroi.valuation.notebook import frame_lines

        parts = ["Bottlenecks:", frame_lines(self.bottlenecks)]
        if self.micro is not None:
            parts += ["Value of one micro action:", frame_lines(self.micro)]
        return "\n".join(parts + [f"warning: {w}" for w in self.warnings])

    def to_dict(self) -> dict[str, Any]:
        from socialroi.valuation.estimate import records

        out = {"conversions": records(self.conversions), "bottlenecks": records(self.bottlenecks),
               "warnings": list(self.warnings)}
        if self.micro is not None:
            out["micro_actions"] = records(self.micro)
        return out


def funnel(source: Any, stages: Sequence[str] | None = None, *, period: str = "period",
           channel: str = "channel") -> FunnelReport:
    """Stage-to-stage conversion per channel and period, and the bottleneck of each channel.

    Raises
    ------
    InputError
        Missing columns, negative or non-numeric counts, a stage larger than
        the one before it (a funnel cannot grow), duplicate period-channel rows.
    """
    import pandas as pd

    t = as_table(source, {}, name="funnel table")
    cols = {c.casefold(): c for c in t.data.column_names}
    for need in (period, channel):
        if need.casefold() not in cols:
            raise InputError(f"no column '{need}'; the columns are: {', '.join(t.data.column_names)}", file=t.name)
    pcol, ccol = cols[period.casefold()], cols[channel.casefold()]
    if stages:
        missing = [s for s in stages if s.casefold() not in cols]
        if missing:
            raise InputError(f"no stage column '{missing[0]}'", file=t.name)
        stage_cols = [cols[s.casefold()] for s in stages]
    else:
        stage_cols = [c for c in t.data.column_names if c not in (pcol, ccol)]
    if len(stage_cols) < 2:
        raise InputError("a funnel needs at least two stage columns", file=t.name)
    from socialroi.valuation.numbers import parse_numbers

    counts = {c: parse_numbers(t.data.column(c), file=t.name, column=c).values for c in stage_cols}
    frame = pd.DataFrame({"period": [str(v) for v in t.data.column(pcol).to_pylist()],
                          "channel": [fold_name(v) for v in t.data.column(ccol).to_pylist()],
                          **counts})
    dup = frame.duplicated(["period", "channel"])
    if dup.any():
        row = first_row(dup.to_numpy())
        raise InputError("this period and channel appear twice; keep one row each", file=t.name, column=pcol, row=row)
    for prev, cur in zip(stage_cols, stage_cols[1:]):
        grown = np.flatnonzero(frame[cur].to_numpy() > frame[prev].to_numpy())
        if grown.size:
            raise InputError(f"stage '{cur}' is larger than the stage before it ('{prev}'); put the stages in funnel "
                             "order (--stages) or fix the counts", file=t.name, column=cur, row=int(grown[0]) + 1)
    rows = []
    for prev, cur in zip(stage_cols, stage_cols[1:]):
        rate = frame[cur] / frame[prev].replace(0, np.nan)
        rows.append(pd.DataFrame({"period": frame["period"], "channel": frame["channel"], "stage": cur,
                                  "from_stage": prev, "count": frame[cur], "conversion": rate}))
    conv = pd.concat(rows, ignore_index=True)
    order = {s: i for i, s in enumerate(stage_cols)}
    conv["stage_order"] = conv["stage"].map(order)
    conv = conv.sort_values(["channel", "period", "stage_order"], kind="stable").drop(columns="stage_order")
    bottlenecks = []
    for ch, g in conv.groupby("channel", sort=True):
        ps = sorted(g["period"].unique())
        latest = g[g["period"] == ps[-1]].set_index("stage")
        entry: dict[str, Any] = {"channel": ch, "period": ps[-1]}
        if len(ps) > 1:
            before = g[g["period"] == ps[-2]].set_index("stage")
            change = (latest["conversion"] - before["conversion"]) / before["conversion"]
            if change.notna().any():
                worst = change.idxmin()
                entry.update({"vs_previous_period_stage": worst, "conversion_change": float(change[worst])})
        rest = frame[(frame["channel"] != ch) & (frame["period"] == ps[-1])]
        if len(rest):
            # pooled conversion of the other channels: their stage total over their previous-stage total
            totals = rest[stage_cols].sum()
            pooled = pd.Series(totals[stage_cols[1:]].to_numpy() / totals[stage_cols[:-1]].to_numpy(),
                               index=stage_cols[1:])
            gap = latest["conversion"] / pooled.reindex(latest.index) - 1
            if gap.notna().any():
                worst = gap.idxmin()
                entry.update({"vs_other_channels_stage": worst, "conversion_vs_others": float(gap[worst])})
        bottlenecks.append(entry)
    return FunnelReport(conv.reset_index(drop=True), pd.DataFrame(bottlenecks))


def micro_action_values(source: Any, actions: Sequence[str], *, conversions: str = "conversions",
                        value_per_conversion: float, exposure: str | None = None, level: float = 0.95):
    """Money value of one micro action of each kind (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        action, conversions per action (average marginal effect), its
        interval, value per action and its interval, p-value.
    """
    import pandas as pd
    import statsmodels.api as sm
    from scipy.special import ndtr, ndtri

    from socialroi.valuation.numbers import parse_numbers

    if not value_per_conversion > 0:
        raise InputError("the value of a conversion must be positive")
    t = as_table(source, {}, name="micro-action table")
    cols = {c.casefold(): c for c in t.data.column_names}

    def col(name):
        c = cols.get(name.casefold())
        if c is None:
            raise InputError(f"no column '{name}'; the columns are: {', '.join(t.data.column_names)}", file=t.name)
        return parse_numbers(t.data.column(c), file=t.name, column=c).values

    y = col(conversions)
    x = np.column_stack([np.ones(len(y))] + [col(a) for a in actions])
    from socialroi.models.design import independent_columns

    kept = set(independent_columns(x).tolist())
    lost = [a for k, a in enumerate(actions, start=1) if k not in kept]
    if lost:  # a constant action (all zero, say) or one that repeats others: its value is not identified
        raise InputError(f"micro action(s) {', '.join(repr(a) for a in lost)} do not vary independently of the others "
                         "(a column of zeros, or a copy or sum of other columns), so their value cannot be "
                         "estimated; leave them out of the actions", file=t.name, column=lost[0])
    if np.ptp(y) == 0:
        raise InputError(f"'{conversions}' has the same value in every row, so no action's effect on it can be "
                         "estimated", file=t.name, column=conversions)
    offset = np.log(col(exposure)) if exposure else None
    if offset is not None and not np.all(np.isfinite(offset)):
        raise InputError(f"exposure '{exposure}' must be positive", file=t.name)
    res = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit(cov_type="HC0")
    mu = np.asarray(res.mu)
    beta, cov = np.asarray(res.params), np.asarray(res.cov_params())
    z = float(ndtri(0.5 + level / 2))
    rows = []
    for k, name in enumerate(actions, start=1):
        ame = float(mu.mean() * beta[k])
        # d AME / d beta_j = mean(mu x_j) beta_k + [j == k] mean(mu)
        grad = (x * mu[:, None]).mean(axis=0) * beta[k]
        grad[k] += mu.mean()
        se = float(np.sqrt(grad @ cov @ grad))
        rows.append({"action": name, "conversions_per_action": ame, "lower": ame - z * se, "upper": ame + z * se,
                     "value_per_action": ame * value_per_conversion,
                     "value_lower": (ame - z * se) * value_per_conversion,
                     "value_upper": (ame + z * se) * value_per_conversion,
                     "p_value": float(2 * ndtr(-abs(ame / se))) if se > 0 else float("nan")})
    return pd.DataFrame(rows)
