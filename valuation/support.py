"""Support-cost savings: tickets that social answers and self-service content made unnecessary.

Three ways, each a value estimate:

deflection (soft, assumption-based)
    views of help content and public social answers x deflection rate x
    cost per ticket. The rate is a fixed figure, a low/mode/high range
    (triangular) or a survey share (k of n respondents said they would
    otherwise have contacted support: Beta(k + 1, n - k + 1) draws).
channel_shift (hard: counted from the ticket log)
    tickets resolved in social channels x (cost in the channels they would
    otherwise have used - cost on social). The counterfactual mix is the
    non-social channels' own mix in the log unless given.
measured_counts (soft, estimated)
    ticket counts per customer regressed on engagement
    (:mod:`socialroi.models.counts`): tickets the engaged avoided x cost per ticket.
measured_series (soft, estimated)
    weekly ticket volume around a launch (:mod:`socialroi.models.its`):
    forecast minus actual after the launch x cost per ticket.

Cost per ticket: a figure, or the agent's loaded hourly cost x handle
minutes / 60. Deflection and the measured methods all count tickets that
were never filed, so counting more than one of them in the ROI counts the
same tickets twice: socialroi warns when that is asked for.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from socialroi.models.text import Count, Num, Text, Word
from socialroi.valuation.dates import parse_dates
from socialroi.valuation.errors import InputError
from socialroi.valuation.estimate import (
    DEFAULT_DRAWS,
    Lever,
    ValueEstimate,
    normal_draws,
    rng_for,
    student_t_draws,
)
from socialroi.valuation.notebook import Printable
from socialroi.valuation.tables import Role, as_table, first_row, fold_name

METHODS = ("deflection", "channel_shift", "measured_counts", "measured_series")
NOT_FILED = ("deflection", "measured_counts", "measured_series")  # methods that count tickets never filed

TICKET_ROLES = {
    "customer": Role(("customer_id", "Customer", "Requester", "Customer ID", "Account"), required=False, text=True),
    "channel": Role(("channel", "Via", "Source", "Channel"), text=True),
    "opened": Role(("opened", "Created", "Created at", "Date"), required=False, text=True),
}
COST_ROLES = {
    "channel": Role(("channel", "Channel"), text=True),
    "cost_per_ticket": Role(("cost_per_ticket", "Cost per ticket", "Cost"), required=False),
    "handle_minutes": Role(("handle_minutes", "Handle time", "Minutes"), required=False),
}
WEEKLY_ROLES = {
    "week": Role(("week", "Week", "Week start", "Date"), text=True),
    "tickets": Role(("tickets", "Tickets", "Count", "Volume"), whole=True),
}


def cost_per_ticket(value: float | None = None, *, hourly_cost: float | None = None,
                    handle_minutes: float | None = None) -> float:
    """A cost per ticket: given, or loaded hourly cost x handle minutes / 60."""
    if value is not None:
        if not value > 0:
            raise InputError(f"cost_per_ticket must be positive, got {value}")
        return float(value)
    if hourly_cost is None or handle_minutes is None:
        raise InputError("give cost_per_ticket, or agent_hourly_cost and handle_minutes to derive it")
    if not (hourly_cost > 0 and handle_minutes > 0):
        raise InputError("agent_hourly_cost and handle_minutes must be positive")
    return float(hourly_cost) * float(handle_minutes) / 60.0


def deflection_savings(
    views: float,
    cost: float,
    *,
    rate: float | None = None,
    rate_low: float | None = None,
    rate_high: float | None = None,
    survey_yes: int | None = None,
    survey_n: int | None = None,
    currency: str = "USD",
    seed: int = 0,
    n_draws: int = DEFAULT_DRAWS,
) -> ValueEstimate:
    """Deflection: views x deflection rate x cost per ticket (soft).

    Parameters
    ----------
    views : float
        Sessions or views of help content and public social answers in the period.
    cost : float
        Cost per ticket, in ``currency``.
    rate : float, optional
        Share of views that replaced a ticket (0-1); the mode with a range.
    rate_low, rate_high : float, optional
        Range of the rate (triangular with mode ``rate``, uniform without it).
    survey_yes, survey_n : int, optional
        Or: k of n surveyed visitors said they would otherwise have contacted
        support; the rate is Beta(k + 1, n - k + 1).
    """
    if not views >= 0:
        raise InputError(f"views must be zero or more, got {views}")
    rng = rng_for(seed, "support_deflection")
    n = int(n_draws)
    if survey_n is not None or survey_yes is not None:
        if survey_n is None or survey_yes is None or not 0 <= survey_yes <= survey_n or survey_n <= 0:
            raise InputError("a survey share needs survey_yes and survey_n with 0 <= survey_yes <= survey_n")
        point_rate = survey_yes / survey_n
        rates = rng.beta(survey_yes + 1, survey_n - survey_yes + 1, n)
        how = f"survey share {survey_yes}/{survey_n} (Beta({survey_yes + 1}, {survey_n - survey_yes + 1}) draws)"
    elif rate_low is not None or rate_high is not None:
        if rate_low is None or rate_high is None or not 0 <= rate_low <= rate_high <= 1:
            raise InputError("a deflection rate range needs 0 <= rate_low <= rate_high <= 1")
        if rate is not None and not rate_low <= rate <= rate_high:
            raise InputError(f"deflection rate {rate} is outside its range {rate_low} to {rate_high}")
        if rate is None:
            point_rate, rates = (rate_low + rate_high) / 2, rng.uniform(rate_low, rate_high, n)
            how = f"uniform rate {rate_low:g} to {rate_high:g}"
        else:
            point_rate = rate
            rates = rng.triangular(rate_low, rate, rate_high, n) if rate_high > rate_low else np.full(n, rate)
            how = Text("triangular rate {low} / {mode} / {high}", low=Num(rate_low, None), mode=Num(rate, None),
                       high=Num(rate_high, None))
    else:
        if rate is None or not 0 <= rate <= 1:
            raise InputError(f"deflection rate must be between 0 and 1, got {rate}")
        point_rate, rates = rate, np.full(n, rate)
        how = Text("fixed rate {rate}", rate=Num(rate, None))
    tickets = views * point_rate
    return ValueEstimate.from_draws(
        "support_deflection", "soft", currency, tickets * cost, views * rates * cost,
        label="Support: deflection", method=Text("views x deflection rate ({how}) x cost per ticket", how=how),
        assumptions={"views": views, "deflection_rate": point_rate, "cost_per_ticket": cost},
        diagnostics={"tickets_avoided": tickets},
        evidence="observational" if survey_n is not None else "assumption",  # a survey share, or a typed rate
        levers=(_cost_lever(cost), Lever("support.deflection.rate", point_rate, "share of views that avoided a ticket"),
                Lever("support.deflection.views", views, "sessions of help content and social answers")),
    )


def channel_shift_savings(
    tickets: Any,
    channel_costs: Any,
    *,
    social_channels: Sequence[str] = ("social",),
    counterfactual: Mapping[str, float] | None = None,
    hourly_cost: float | None = None,
    currency: str = "USD",
    n_draws: int = DEFAULT_DRAWS,
) -> ValueEstimate:
    """Channel shift: social tickets x (counterfactual channel cost - social cost) (hard).

    Parameters
    ----------
    tickets : path or DataFrame
        Ticket log with a channel column (one row per ticket).
    channel_costs : path or DataFrame
        Per channel: cost_per_ticket, or handle_minutes (with ``hourly_cost``).
    social_channels : sequence of str
        Channel names that are social (matched case-insensitively).
    counterfactual : mapping, optional
        Shares of the channels social tickets would otherwise have used
        (normalised); default: the mix of non-social tickets in the log.
    hourly_cost : float, optional
        Agent loaded hourly cost, for channels given by handle minutes.
    """

    log = as_table(tickets, TICKET_ROLES, name="ticket log")
    costs = as_table(channel_costs, COST_ROLES, name="channel cost table")
    names = costs.folded("channel")
    per = costs.numbers("cost_per_ticket", allow_blank=True).values if costs.has("cost_per_ticket") \
        else np.full(costs.n_rows, np.nan)
    minutes = costs.numbers("handle_minutes", allow_blank=True).values if costs.has("handle_minutes") \
        else np.full(costs.n_rows, np.nan)
    cost_of: dict[str, float] = {}
    for i, name in enumerate(names):
        if name in cost_of:
            raise costs.error(f"channel '{name}' appears twice; keep one row per channel", "channel", i + 1)
        if not math.isnan(per[i]):
            cost_of[name] = float(per[i])
        elif not math.isnan(minutes[i]) and hourly_cost is not None:
            cost_of[name] = float(hourly_cost) * minutes[i] / 60.0
        else:
            raise costs.error(f"channel '{name}' has no cost_per_ticket (or handle_minutes with an agent hourly "
                              "cost)", "cost_per_ticket" if costs.has("cost_per_ticket") else "channel", i + 1)
    channels = log.folded("channel")
    social = {fold_name(s) for s in social_channels}
    for i, ch in enumerate(channels):
        if ch not in cost_of:
            raise log.error(f"channel '{ch}' is not in the channel cost table; add it", "channel", i + 1)
    missing_social = [s for s in social if s not in cost_of]
    if missing_social:
        raise costs.error(f"social channel '{missing_social[0]}' has no cost; add it to the channel cost table")
    counts: dict[str, int] = {}
    for ch in channels:
        counts[ch] = counts.get(ch, 0) + 1
    n_social = sum(v for k, v in counts.items() if k in social)
    if counterfactual:
        mix = {fold_name(k): float(v) for k, v in counterfactual.items()}
        for k, v in mix.items():
            if k not in cost_of:
                raise InputError(f"counterfactual channel '{k}' is not in the channel cost table")
            if v < 0:
                raise InputError(f"counterfactual share of '{k}' is negative")
        how_mix = Word("the given mix")
    else:
        mix = {k: float(v) for k, v in counts.items() if k not in social}
        how_mix = Word("the non-social channels' mix in the log")
    total = sum(mix.values())
    if total <= 0:
        raise InputError("no counterfactual channel: give counterfactual shares or a log with non-social tickets")
    cf_cost = sum(cost_of[k] * v / total for k, v in mix.items())
    social_cost = (sum(cost_of[k] * counts.get(k, 0) for k in social) / n_social) if n_social else 0.0
    saving = n_social * (cf_cost - social_cost)
    warnings = []
    if saving < 0:
        warnings.append(Text("social tickets cost more than the channels they replace: the channel shift is a cost"))
    return ValueEstimate.exact(
        "support_channel_shift", "hard", currency, saving, int(n_draws), label="Support: channel shift",
        method=Text("tickets resolved on social x (cost in {mix} - cost on social), counted from the ticket log",
                    mix=how_mix),
        assumptions={"social_channels": sorted(social), "counterfactual_mix": {k: v / total for k, v in mix.items()}},
        diagnostics={"social_tickets": n_social, "tickets": len(channels), "counterfactual_cost": cf_cost,
                     "social_cost": social_cost, "cost_by_channel": cost_of, "tickets_by_channel": counts},
        warnings=tuple(warnings),
        levers=(Lever("support.channel_shift.multiplier", 1.0, "multiplier on the channel-shift saving"),),
        evidence="accounting",  # counted from the ticket log and the channels' costs
    )


def _cost_lever(cost: float) -> Lever:
    """The cost of one ticket: one lever for every method that prices avoided tickets."""
    return Lever("support.cost_per_ticket", float(cost), "fully loaded cost of one ticket")


@dataclass(frozen=True)
class CountSpec:
    """Columns for the measured (count regression) method."""

    engaged: str
    covariates: Sequence[str] = ()
    id: str = "customer_id"
    exposure: str | None = None
    model: str = "auto"


def measured_count_savings(customers: Any, tickets: Any, spec: CountSpec, cost: float, *, currency: str = "USD",
                           seed: int = 0, n_draws: int = DEFAULT_DRAWS, level: float = 0.95):
    """Tickets avoided by engaged customers from a count regression, x cost per ticket (soft).

    Returns
    -------
    (ValueEstimate, CountEffect)
    """
    import pyarrow.compute as pc

    from socialroi.models.counts import count_effect
    from socialroi.models.glm import EstimationError
    from socialroi.valuation.customers import read_customers
    from socialroi.valuation.segments import OutcomeSpec, SegmentSpec

    table = as_table(customers, {}, name="customer table")
    # the customer table is read and checked exactly as for segment lifts (the id doubles as the
    # placeholder outcome column: counts come from the ticket log)
    seg = SegmentSpec(covariates=tuple(spec.covariates), engaged=spec.engaged, id=spec.id,
                      outcomes=(OutcomeSpec("tickets", spec.id, "continuous"),))
    frame, engaged, resolved, _, _ = read_customers(table, seg)  # every row kept: no arms, blanks refused
    log = as_table(tickets, TICKET_ROLES, name="ticket log")
    if not log.has("customer"):
        raise log.error("no customer column; the count method needs the customer of each ticket "
                        "(customer_id, Customer, Requester)")
    ids = [str(v) for v in table.data.column(resolved[spec.id]).to_pylist()]
    position = {v: i for i, v in enumerate(ids)}
    counts = np.zeros(len(ids))
    unknown = 0
    for v in pc.fill_null(log.text("customer"), "").to_pylist():
        i = position.get(v)
        if i is None:
            unknown += 1
        else:
            counts[i] += 1
    exposure = None
    if spec.exposure:
        from socialroi.valuation.numbers import parse_numbers

        col = [c for c in table.data.column_names if c.casefold() == spec.exposure.casefold()]
        if not col:
            raise InputError(f"no exposure column '{spec.exposure}'", file=table.name)
        exposure = parse_numbers(table.data.column(col[0]), file=table.name, column=col[0]).values
        if np.any(exposure <= 0):
            row = first_row(exposure <= 0)
            raise InputError("exposure must be positive", file=table.name, column=col[0], row=row)
    from socialroi.models.design import build_design

    design = build_design(frame, list(spec.covariates))
    try:
        eff = count_effect(counts, engaged, design.matrix, exposure=exposure, level=level, model=spec.model)
    except EstimationError as exc:
        raise InputError(f"the ticket count model cannot be fitted: {exc}", file=table.name) from None
    warnings = list(design.warnings)
    if unknown:
        warnings.append(Text("{n} ticket(s) in the log belong to no customer in the customer table and were not "
                             "counted", n=Count(unknown)))
    draws = normal_draws(eff.tickets_avoided, eff.tickets_avoided_se, "support_measured_counts", seed, n_draws)
    est = ValueEstimate.from_draws(
        "support_measured_counts", "soft", currency, eff.tickets_avoided * cost, draws * cost, level=level,
        label="Support: measured (ticket counts)",
        method=Text("{model} regression of tickets per customer on engagement and covariates{offset}: tickets the "
                    "engaged avoided x cost per ticket", model=Word(eff.model.replace("_", " ")),
                    offset=Word(" with exposure offset" if exposure is not None else "")),
        assumptions={"cost_per_ticket": cost, "model": eff.model},
        diagnostics={k: v for k, v in eff.to_dict().items()}, warnings=tuple(warnings), levers=(_cost_lever(cost),),
        evidence="observational",
    )
    return est, eff


def measured_series_savings(weekly: Any, launch: str, cost: float, *, harmonics: int = 2, currency: str = "USD",
                            seed: int = 0, n_draws: int = DEFAULT_DRAWS, level: float = 0.95,
                            date_order: str | None = None):
    """Tickets avoided after a launch from a weekly series (interrupted time series), x cost (soft).

    Returns
    -------
    (ValueEstimate, ItsResult)

    Raises
    ------
    InputError
        Weeks out of order or duplicated, negative counts, a launch date
        outside the series or with fewer than 8 weeks on either side.
    """
    import pandas as pd

    from socialroi.models.its import interrupted_series

    t = as_table(weekly, WEEKLY_ROLES, name="weekly ticket series")
    counts = t.numbers("tickets").values
    raw = t.text("week").to_pylist()
    dates = parse_dates(raw, file=t.name, column=t.columns["week"], order=date_order)
    d = dates.to_numpy()
    dup = np.flatnonzero(d[1:] == d[:-1])
    if dup.size:
        raise t.error("the same week appears twice; keep one row per week", "week", int(dup[0]) + 2)
    back = np.flatnonzero(d[1:] < d[:-1])
    if back.size:
        raise t.error("weeks are out of order; sort the series by week", "week", int(back[0]) + 2)
    try:
        start = pd.Timestamp(launch)
    except (ValueError, TypeError):
        raise InputError(f"launch {launch!r} is not a date (use YYYY-MM-DD)") from None
    before, after = int((dates < start).sum()), int((dates >= start).sum())
    if before < 8 or after < 8:
        raise t.error(f"launch {start.date()} leaves {before} week(s) before and {after} after; the series must "
                      "cover at least 8 weeks on each side of the launch", "week")
    res = interrupted_series(d, counts, start, harmonics=harmonics, level=level)
    draws = student_t_draws(res.tickets_avoided, res.tickets_avoided_se, res.df, "support_measured_series", seed,
                            n_draws)
    est = ValueEstimate.from_draws(
        "support_measured_series", "soft", currency, res.tickets_avoided * cost, draws * cost, level=level,
        label="Support: measured (weekly series)",
        method=Text("interrupted time series (trend, {harmonics} seasonal harmonics, level and slope change at "
                    "{launch}, AR(1) errors by REML, t intervals): forecast minus actual after the launch x cost per "
                    "ticket", harmonics=Count(harmonics), launch=str(start.date())),
        assumptions={"launch": str(start.date()), "cost_per_ticket": cost, "harmonics": harmonics},
        levers=(_cost_lever(cost),), evidence="observational",  # an interrupted series without control series
        diagnostics={"tickets_avoided": res.tickets_avoided, "tickets_avoided_se": res.tickets_avoided_se,
                     "level_change": res.level_change, "slope_change": res.slope_change, "p_value": res.p_value,
                     "r_squared": res.r_squared, "weeks_before": res.weeks_before, "weeks_after": res.weeks_after},
    )
    return est, res


@dataclass(frozen=True, eq=False)
class SupportAnalysis(Printable):
    """Every support method's estimate, which ones count in the ROI, diagnostics and warnings."""

    estimates: tuple[ValueEstimate, ...]
    counted: tuple[str, ...]
    counts: Any = None
    series: Any = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def counted_estimates(self) -> tuple[ValueEstimate, ...]:
        """The estimates that enter the ROI."""
        return tuple(e for e in self.estimates if e.component.removeprefix("support_") in self.counted)

    def to_frame(self):
        """One row per method: tickets avoided, cost per ticket, saving and interval, counted."""
        import pandas as pd

        rows = []
        for e in self.estimates:
            method = e.component.removeprefix("support_")
            tickets = e.diagnostics.get("tickets_avoided", e.diagnostics.get("social_tickets"))
            rows.append({"method": method, "kind": e.kind, "tickets": tickets,
                         "cost_per_ticket": e.assumptions.get("cost_per_ticket",
                                                              e.diagnostics.get("counterfactual_cost")),
                         "saving": e.point, "lower": e.interval[0], "upper": e.interval[1],
                         "counted": method in self.counted})
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """Printable lines: every method's saving, which ones count in the ROI, and the warnings."""
        lines = [e.summary() for e in self.estimates]
        lines.append("Counted in the ROI: " + (", ".join(self.counted) or "none"))
        return "\n".join(lines + [f"warning: {w}" for w in self.warnings])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        out: dict[str, Any] = {"methods": self.to_frame().to_dict(orient="records"),
                               "counted": list(self.counted), "warnings": list(self.warnings)}
        if self.counts is not None:
            out["counts_model"] = self.counts.to_dict()
        if self.series is not None:
            out["series_model"] = {k: getattr(self.series, k) for k in (
                "tickets_avoided", "tickets_avoided_se", "level_change", "slope_change", "p_value", "r_squared",
                "weeks_before", "weeks_after", "rho")}
            out["series_table"] = self.series.table.to_dict(orient="records")
        return out


def overlap_warnings(counted: Sequence[str]) -> list[str]:
    """Warn when counted methods estimate the same never-filed tickets."""
    both = [m for m in counted if m in NOT_FILED]
    if len(both) > 1:
        return [f"support methods {', '.join(both)} all estimate tickets that were never filed; counting more than "
                "one of them in the ROI counts the same tickets twice"]
    return []


def analyse_support(config: Mapping[str, Any], *, currency: str = "USD", seed: int = 0,
                    n_draws: int = DEFAULT_DRAWS, level: float = 0.95) -> SupportAnalysis:
    """Run the support methods a project's ``[support]`` section configures.

    ``config`` holds ``cost_per_ticket`` (or ``agent_hourly_cost`` and
    ``handle_minutes``), ``count`` (methods counted in the ROI) and one
    sub-table per method: ``deflection``, ``channel_shift``,
    ``measured_counts``, ``measured_series`` (paths already resolved).
    """
    methods = [m for m in METHODS if m in config]
    if not methods:
        raise InputError("[support] configures no method: add [support.deflection], [support.channel_shift], "
                         "[support.measured_counts] or [support.measured_series]")
    counted = tuple(config.get("count", methods))
    for m in counted:
        if m not in methods:
            raise InputError(f"[support] count names '{m}', which is not configured; configured: {', '.join(methods)}")
    needs_cost = any(m in methods for m in NOT_FILED)
    cost = cost_per_ticket(config.get("cost_per_ticket"), hourly_cost=config.get("agent_hourly_cost"),
                           handle_minutes=config.get("handle_minutes")) if needs_cost else None
    estimates: list[ValueEstimate] = []
    counts = series = None
    common: dict[str, Any] = {"currency": currency, "n_draws": n_draws}
    c: dict[str, Any]
    if "deflection" in config:
        assert cost is not None  # every method that prices avoided tickets needs it (NOT_FILED)
        c = dict(config["deflection"])
        views = c.pop("views")
        estimates.append(deflection_savings(views, cost, seed=seed, **c, **common))
    if "channel_shift" in config:
        c = dict(config["channel_shift"])
        estimates.append(channel_shift_savings(c.pop("tickets"), c.pop("channel_costs"),
                                               hourly_cost=config.get("agent_hourly_cost"), **c, **common))
    if "measured_counts" in config:
        assert cost is not None
        c = dict(config["measured_counts"])
        est, counts = measured_count_savings(c.pop("customers"), c.pop("tickets"), CountSpec(**c), cost, seed=seed,
                                             level=level, **common)
        estimates.append(est)
    if "measured_series" in config:
        assert cost is not None
        c = dict(config["measured_series"])
        est, series = measured_series_savings(c.pop("weekly"), c.pop("launch"), cost, seed=seed, level=level,
                                              **c, **common)
        estimates.append(est)
    return SupportAnalysis(tuple(estimates), counted, counts, series, tuple(overlap_warnings(counted)))
