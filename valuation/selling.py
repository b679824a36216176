"""Social-selling metrics per rep and team.

Activity table (one row per rep and period): ``rep``, ``period`` and any of
``team``, ``ssi`` (social selling index as supplied), ``connections``
(network size), ``inbound_connections``, ``followers``, ``impressions``,
``engagements``, ``clicks``, ``referrals``, ``conversations_started``,
``messages_received``, ``messages_replied``. Per rep and per team:

- SSI trend: first and last value and the least-squares slope per period;
- inbound connections (sum) and network growth rate (last / first - 1);
- content engagement rate = engagements / impressions;
- follower engagement rate = engagements per follower per period: total
  engagements / (mean followers x periods);
- click-through rate = clicks / impressions;
- referrals and conversations started (sums);
- message response rate = messages replied / messages received.

Optional message log (``rep``, ``received``, ``replied`` timestamps; blank
``replied`` = no reply): median response time in hours per rep, and by
hour of day and weekday of receipt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from socialroi.valuation.dates import parse_dates
from socialroi.valuation.errors import InputError
from socialroi.valuation.notebook import Printable
from socialroi.valuation.tables import as_table, first_row

SUMMED = ("inbound_connections", "impressions", "engagements", "clicks", "referrals", "conversations_started",
          "messages_received", "messages_replied")
METRICS = ("ssi", "connections", "followers", *SUMMED)


@dataclass(frozen=True, eq=False)
class SellingReport(Printable):
    """Per-rep and per-team metrics; response times when a message log is given."""

    reps: Any
    teams: Any
    response_by_hour: Any = None
    response_by_weekday: Any = None
    warnings: tuple[str, ...] = field(default=())

    def to_frame(self):
        return self.reps.copy()

    def summary(self) -> str:
        """Printable lines: the per-team metrics."""
        from socialroi.valuation.notebook import frame_lines

        return "\n".join([f"{len(self.reps):,} reps in {len(self.teams):,} team(s)", frame_lines(self.teams)]
                         + [f"warning: {w}" for w in self.warnings])

    def to_dict(self) -> dict[str, Any]:
        from socialroi.valuation.estimate import records

        out = {"reps": records(self.reps), "teams": records(self.teams), "warnings": list(self.warnings)}
        if self.response_by_hour is not None:
            out["response_by_hour"] = records(self.response_by_hour)
            out["response_by_weekday"] = records(self.response_by_weekday)
        return out


def _metrics(g) -> dict[str, float]:
    g = g.sort_values("period", kind="stable")
    out: dict[str, float] = {"periods": float(len(g))}
    if "ssi" in g and g["ssi"].notna().any():
        s = g["ssi"].dropna()
        out["ssi_first"], out["ssi_last"] = float(s.iloc[0]), float(s.iloc[-1])
        out["ssi_trend_per_period"] = float(np.polyfit(np.arange(len(s)), s.to_numpy(), 1)[0]) if len(s) > 1 else 0.0
    if "connections" in g and g["connections"].notna().sum() > 0:
        c = g["connections"].dropna()
        out["network_growth_rate"] = float(c.iloc[-1] / c.iloc[0] - 1) if c.iloc[0] > 0 else float("nan")
    sums = {k: float(g[k].sum()) for k in SUMMED if k in g}
    out.update({k: v for k, v in sums.items() if k in ("inbound_connections", "referrals", "conversations_started")})

    def ratio(a, b):
        return a / b if b else float("nan")

    if "engagements" in sums and "impressions" in sums:
        out["content_engagement_rate"] = ratio(sums["engagements"], sums["impressions"])
    if "engagements" in sums and "followers" in g:
        out["follower_engagement_rate"] = ratio(sums["engagements"], float(g["followers"].mean()) * len(g))
    if "clicks" in sums and "impressions" in sums:
        out["click_through_rate"] = ratio(sums["clicks"], sums["impressions"])
    if "messages_replied" in sums and "messages_received" in sums:
        out["message_response_rate"] = ratio(sums["messages_replied"], sums["messages_received"])
    return out


def selling_metrics(activity: Any, messages: Any = None, *, date_order: str | None = None) -> SellingReport:
    """Compute the metrics of the module docstring.

    Raises
    ------
    InputError
        Missing rep or period columns, negative counts, duplicate rep-period
        rows, replies before the message was received.
    """
    import pandas as pd

    from socialroi.valuation.numbers import parse_numbers

    t = as_table(activity, {}, name="selling activity table")
    cols = {c.casefold(): c for c in t.data.column_names}
    for need in ("rep", "period"):
        if need not in cols:
            raise InputError(f"no column '{need}'; the columns are: {', '.join(t.data.column_names)}", file=t.name)
    frame = pd.DataFrame({"rep": [str(v) for v in t.data.column(cols["rep"]).to_pylist()],
                          "period": [str(v) for v in t.data.column(cols["period"]).to_pylist()]})
    frame["team"] = [str(v) for v in t.data.column(cols["team"]).to_pylist()] if "team" in cols else ""
    present = [m for m in METRICS if m in cols]
    if not present:
        raise InputError(f"no metric columns; give any of: {', '.join(METRICS)}", file=t.name)
    for m in present:
        frame[m] = parse_numbers(t.data.column(cols[m]), file=t.name, column=cols[m], allow_blank=True).values
    dup = frame.duplicated(["rep", "period"])
    if dup.any():
        raise InputError("this rep and period appear twice; keep one row each", file=t.name, column=cols["period"],
                         row=first_row(dup.to_numpy()))
    bad = [m for m in ("messages_replied",) if m in frame and "messages_received" in frame
           and (frame["messages_replied"] > frame["messages_received"]).any()]
    if bad:
        row = first_row((frame["messages_replied"] > frame["messages_received"]).to_numpy())
        raise InputError("more messages replied than received", file=t.name, column=cols["messages_replied"], row=row)
    reps = pd.DataFrame([{"rep": r, "team": g["team"].iloc[0], **_metrics(g)} for r, g in frame.groupby("rep")])
    teams = pd.DataFrame([{"team": tm, "reps": g["rep"].nunique(), **_metrics(
        g.groupby("period", as_index=False).agg({m: "sum" for m in present if m != "ssi"} |
                                                ({"ssi": "mean"} if "ssi" in present else {})))}
        for tm, g in frame.groupby("team")])
    by_hour = by_weekday = None
    if messages is not None:
        log = as_table(messages, {}, name="message log")
        mc = {c.casefold(): c for c in log.data.column_names}
        for need in ("rep", "received"):
            if need not in mc:
                raise InputError(f"no column '{need}' in the message log", file=log.name)
        received = parse_dates(log.data.column(mc["received"]), file=log.name, column=mc["received"],
                               what="a date and time", order=date_order)
        replied = parse_dates(log.data.column(mc["replied"]), file=log.name, column=mc["replied"], allow_blank=True,
                              what="a date and time", order=date_order) if "replied" in mc else \
            pd.Series(pd.NaT, index=range(log.n_rows), dtype="datetime64[ns]")
        hours = (replied - received).dt.total_seconds() / 3600
        early = np.flatnonzero((hours < 0).to_numpy())
        if early.size:
            raise InputError("replied before the message was received", file=log.name, column=mc["replied"],
                             row=int(early[0]) + 1)
        msgs = pd.DataFrame({"rep": [str(v) for v in log.data.column(mc["rep"]).to_pylist()], "hours": hours,
                            "hour": received.dt.hour, "weekday": received.dt.day_name()})
        med = msgs.groupby("rep")["hours"].median()
        rate = msgs.groupby("rep")["hours"].apply(lambda h: h.notna().mean())
        reps = reps.merge(pd.DataFrame({"rep": med.index, "median_response_hours": med.to_numpy(),
                                        "replied_share_of_log": rate.reindex(med.index).to_numpy()}), on="rep",
                          how="left")
        by_hour = msgs.groupby("hour").agg(messages=("hours", "size"), median_response_hours=("hours", "median"),
                                          response_rate=("hours", lambda h: h.notna().mean())).reset_index()
        days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        by_weekday = msgs.groupby("weekday").agg(messages=("hours", "size"), median_response_hours=("hours", "median"),
                                                response_rate=("hours", lambda h: h.notna().mean())) \
            .reindex([d for d in days if d in set(msgs["weekday"])]).reset_index()
    return SellingReport(reps, teams, by_hour, by_weekday)
