"""What a launch or campaign added, from time series: a synthetic control over a panel of units, or a structural
counterfactual for one series with control series (``socialroi lift``).

The effect becomes money as::

    value = cumulative post-launch effect (outcome units) x value per unit

a soft value with evidence grade ``quasi_experiment``. Its draws are:

* structural model: the counterfactual's own draws (posterior predictive
  paths given the pre-period);
* synthetic control, which has no sampling distribution: the treated unit's
  cumulative gap minus a placebo unit's cumulative gap, over the in-space
  placebos with a pre-period fit no worse than 5 x the treated unit's (as
  ADH 2010 screen placebos): the spread an effect of zero shows in these data.

Launch and periods: numbers (years, week numbers) or ISO dates
(YYYY-MM-DD); anything else is refused, never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from socialroi.models.text import Count, Text, Word
from socialroi.valuation.errors import InputError
from socialroi.valuation.estimate import DEFAULT_DRAWS, DEFAULT_LEVEL, ValueEstimate, rng_for
from socialroi.valuation.notebook import Printable


@dataclass(frozen=True, eq=False)
class LiftResult(Printable):
    """One launch's effect: the method's fit, its value, and the tables every output shows."""

    name: str
    method: str  # "synthetic_control" or "structural"
    outcome: str
    launch: str
    series: Any  # DataFrame: period, actual, counterfactual, lower, upper, effect
    weights: Any  # DataFrame of donor weights (synthetic control) or None
    placebos: Any  # DataFrame of placebo RMSPE ratios (synthetic control) or None
    figures: dict[str, Any]
    estimate: ValueEstimate | None
    warnings: tuple[str, ...]
    leave_one_out: Any = None  # DataFrame: each weighted donor left out in turn (synthetic control) or None

    def to_frame(self):
        return self.series.copy()

    def to_dict(self) -> dict[str, Any]:
        from socialroi.valuation.estimate import plain, records

        return {"name": self.name, "method": self.method, "outcome": self.outcome, "launch": self.launch,
                "figures": plain(self.figures), "series": records(self.series),
                "weights": None if self.weights is None else records(self.weights),
                "placebos": None if self.placebos is None else records(self.placebos),
                "leave_one_out": None if self.leave_one_out is None else records(self.leave_one_out),
                "estimate": None if self.estimate is None else self.estimate.to_dict(),
                "warnings": list(self.warnings)}

    def summary(self) -> str:
        f = self.figures
        return (f"{self.name} ({self.method.replace('_', ' ')}): mean effect {f['mean_effect']:,.4g} per period, "
                f"cumulative {f['cumulative_effect']:,.4g} over {f['post_periods']} periods")


def _periods(values: Any, what: str, file: str) -> Any:
    """Numbers stay numbers; ISO dates become dates; anything else is refused (never a guessed date order)."""
    import pandas as pd

    s = pd.Series(values)
    numeric = pd.to_numeric(s, errors="coerce")
    if numeric.notna().all():
        return numeric.to_numpy()
    try:
        return pd.to_datetime(s.astype(str), format="ISO8601").to_numpy()
    except (ValueError, TypeError):
        bad = s[numeric.isna()].iloc[0]
        raise InputError(f"{what} {bad!r} is neither a number nor an ISO date (YYYY-MM-DD); write periods as "
                         "years, period numbers or YYYY-MM-DD", file=file) from None


def _launch(value: Any, times: np.ndarray, file: str) -> Any:
    arr = _periods([value], "launch", file)
    launch = arr[0]
    if np.issubdtype(times.dtype, np.datetime64) != np.issubdtype(arr.dtype, np.datetime64):
        raise InputError(f"launch {value!r} is not the same kind of period as the file's (dates or numbers)",
                         file=file)
    return launch


def read_panel(path: Any, *, time: str, outcome: str, unit: str | None = None,
               controls: Sequence[str] = ()) -> Any:
    """The file as a DataFrame with its periods parsed and the needed columns checked (blank outcome cells are an
    error naming the row)."""
    from socialroi.valuation.tables import read_table

    table = read_table(path, {})
    frame = table.data.to_pandas()
    needed = [c for c in (time, outcome, unit, *controls) if c]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError(f"no column {missing[0]!r}; the columns are: {', '.join(map(str, frame.columns))}",
                         file=table.name)
    from socialroi.valuation.numbers import parse_numbers

    for c in (outcome, *controls):  # the number rules of every other input (decimal marks, units, blanks)
        frame[c] = parse_numbers(table.data.column(c), file=table.name, column=c, allow_negative=True,
                                 decimal=table.decimal).values
    frame[time] = _periods(frame[time], "period", table.name)
    frame.attrs["file"] = table.name
    return frame


def lift(path: Any, *, outcome: str, launch: Any, time: str, unit: str | None = None, treated: str | None = None,
         controls: Sequence[str] = (), value_per_unit: float | None = None, trend: bool = False,
         seasonal: int | None = None, placebos: bool = True, name: str = "launch", currency: str = "USD",
         seed: int = 0, n_draws: int = DEFAULT_DRAWS, level: float = DEFAULT_LEVEL) -> LiftResult:
    """Estimate what a launch added. With ``unit`` and ``treated``: synthetic control over the panel; otherwise a
    structural counterfactual of ``outcome`` on the ``controls`` (one row per period).

    ``value_per_unit`` (``currency`` per outcome unit) turns the cumulative effect into a value estimate
    (component ``incrementality_<name>``, soft, evidence ``quasi_experiment``).
    """
    if (unit is None) != (treated is None):  # a usage error: refused before the file is read
        raise InputError("give both --unit and --treated (synthetic control over a panel), or neither (one series "
                         "with --controls)")
    frame = read_panel(path, time=time, outcome=outcome, unit=unit, controls=controls)
    file = frame.attrs["file"]
    if unit is not None:
        return _synthetic(frame, file, outcome=outcome, launch=launch, time=time, unit=unit, treated=str(treated),
                          value_per_unit=value_per_unit, placebos=placebos, name=name, currency=currency, seed=seed,
                          n_draws=n_draws, level=level)
    return _structural(frame, file, outcome=outcome, launch=launch, time=time, controls=controls,
                       value_per_unit=value_per_unit, trend=trend, seasonal=seasonal, name=name, currency=currency,
                       seed=seed, n_draws=n_draws, level=level)


def _synthetic(frame, file, *, outcome, launch, time, unit, treated, value_per_unit, placebos, name, currency, seed,
               n_draws, level) -> LiftResult:
    import pandas as pd

    from socialroi.models.synth import in_space_placebos, in_time_placebo, leave_one_out, synthetic_control

    frame[unit] = frame[unit].astype(str)
    if treated not in set(frame[unit]):
        raise InputError(f"treated unit {treated!r} is not in column {unit!r}; units: "
                         f"{', '.join(sorted(set(frame[unit]))[:20])}", file=file)
    start = _launch(launch, frame[time].to_numpy(), file)
    try:
        fit = synthetic_control(frame, unit=unit, time=time, outcome=outcome, treated=treated, launch=start)
    except ValueError as exc:
        raise InputError(str(exc), file=file) from None
    post = ~fit.pre
    warnings: list[str] = []
    series = pd.DataFrame({"period": _period_text(fit.times), "actual": fit.actual, "counterfactual": fit.synthetic,
                           "lower": np.nan, "upper": np.nan, "effect": fit.gap})
    weights = pd.DataFrame([{"donor": d, "weight": w} for d, w in fit.weight_table().items()])
    figures: dict[str, Any] = {"mean_effect": fit.mean_effect, "cumulative_effect": fit.cumulative_effect,
                               "pre_rmspe": fit.pre_rmspe, "post_rmspe": fit.post_rmspe,
                               "rmspe_ratio": fit.rmspe_ratio, "post_periods": int(post.sum()),
                               "pre_periods": int(fit.pre.sum()), "donors": len(fit.donors)}
    plac_frame = None
    null_cum: np.ndarray | None = None
    robustness = None
    if placebos:
        times = fit.times
        fake = times[int(fit.pre.sum()) // 2]  # halfway through the pre-period
        if fit.pre.sum() >= 6:
            it = in_time_placebo(frame, fit, unit=unit, time=time, outcome=outcome, launch=start,
                                 placebo_launch=fake)
            figures["in_time_placebo"] = {"launch": _period_text(np.array([fake]))[0], "mean_gap": it.mean_effect,
                                          "rmspe_ratio": it.rmspe_ratio}
        loo = leave_one_out(frame, fit, unit=unit, time=time, outcome=outcome, launch=start)
        robustness = pd.DataFrame([{"left_out": d, "mean_effect": f.mean_effect, "pre_rmspe": f.pre_rmspe}
                                   for d, f in loo.items()])
        figures["leave_one_out_range"] = ([float(robustness["mean_effect"].min()),
                                           float(robustness["mean_effect"].max())] if len(robustness) else None)
        pl = in_space_placebos(frame, fit, unit=unit, time=time, outcome=outcome, launch=start)
        figures["p_value"] = pl.p_value
        rows = []
        kept = []
        for d, placebo in pl.fits.items():
            rows.append({"unit": d, "rmspe_ratio": placebo.rmspe_ratio, "pre_rmspe": placebo.pre_rmspe,
                         "cumulative_gap": placebo.cumulative_effect})
            if placebo.pre_rmspe <= 5 * fit.pre_rmspe:
                kept.append(placebo.cumulative_effect)
        plac_frame = pd.DataFrame(rows).sort_values("rmspe_ratio", ascending=False, ignore_index=True)
        null_cum = np.array(kept)
        if len(kept) < 5:
            warnings.append(Text("only {n} placebo units fit their pre-period about as well as the treated unit; "
                                 "the value's interval rests on few placebos", n=Count(len(kept))))
    if fit.pre_rmspe > 0.1 * float(np.std(fit.actual[fit.pre])) and fit.pre.sum() > 2:
        warnings.append(Text("the synthetic control tracks the treated unit poorly before the launch (pre-period "
                             "RMSPE above a tenth of the outcome's spread); the effect is not credible"))
    estimate = None
    if value_per_unit is not None:
        rng = rng_for(seed, f"incrementality_{name}")
        if null_cum is not None and null_cum.size:
            draws = (fit.cumulative_effect - rng.choice(null_cum, int(n_draws))) * value_per_unit
            tail = (1 - level) / 2
            lo, hi = np.quantile(fit.cumulative_effect - null_cum, [tail, 1 - tail]) * value_per_unit
            figures["cumulative_lower"], figures["cumulative_upper"] = lo / value_per_unit, hi / value_per_unit
        else:
            draws = np.full(int(n_draws), fit.cumulative_effect * value_per_unit)
            lo = hi = fit.cumulative_effect * value_per_unit
        estimate = ValueEstimate(
            f"incrementality_{name}", "soft", currency, fit.cumulative_effect * value_per_unit, draws,
            (float(min(lo, hi)), float(max(lo, hi))), level, label=f"Incrementality: {name}",
            method=Text("synthetic control of {treated} from {n} donors: cumulative gap over {post} periods x value "
                        "per unit; interval from in-space placebo gaps", treated=treated, n=Count(len(fit.donors)),
                        post=Count(int(post.sum()))),
            assumptions={"value_per_unit": value_per_unit, "launch": str(launch)},
            diagnostics={k: v for k, v in figures.items()}, warnings=tuple(warnings), evidence="quasi_experiment")
    return LiftResult(name, "synthetic_control", outcome, str(launch), series, weights, plac_frame, figures,
                      estimate, tuple(warnings), robustness)


def _structural(frame, file, *, outcome, launch, time, controls, value_per_unit, trend, seasonal, name, currency,
                seed, n_draws, level) -> LiftResult:
    import pandas as pd

    from socialroi.models.counterfactual import structural_counterfactual

    frame = frame.sort_values(time, kind="stable").reset_index(drop=True)
    if frame[time].duplicated().any():
        dup = frame[time][frame[time].duplicated()].iloc[0]
        raise InputError(f"period {dup} appears twice; one row per period (for a panel give --unit and --treated)",
                         file=file, column=time)
    start = _launch(launch, frame[time].to_numpy(), file)
    pre = (frame[time] < start).to_numpy()
    x = frame[list(controls)].to_numpy(dtype=float) if controls else None
    try:
        r = structural_counterfactual(frame[outcome].to_numpy(dtype=float), x, pre, trend=trend, seasonal=seasonal,
                                      level=level, draws=max(200, min(int(n_draws), 1000)), seed=seed)
    except ValueError as exc:
        raise InputError(str(exc), file=file) from None
    series = pd.DataFrame({"period": _period_text(frame[time].to_numpy()), "actual": r.actual,
                           "counterfactual": r.predicted, "lower": r.lower, "upper": r.upper,
                           "effect": r.pointwise})
    figures = {"mean_effect": r.mean_effect, "mean_lower": r.mean_lower, "mean_upper": r.mean_upper,
               "cumulative_effect": r.cumulative, "cumulative_lower": r.cumulative_lower,
               "cumulative_upper": r.cumulative_upper, "relative_effect": r.relative_effect, "p_value": r.p_value,
               "pre_r2": r.pre_r2, "post_periods": int((~pre).sum()), "pre_periods": int(pre.sum()),
               "controls": list(controls)}
    warnings = list(r.warnings)
    if not controls:
        warnings.append(Text("no control series: the counterfactual is the series' own pre-launch dynamics, so "
                             "anything else that changed at the launch is counted as its effect"))
    estimate = None
    if value_per_unit is not None:
        # the counterfactual's own draws of the cumulative effect, resampled to the run's number of draws
        draws = rng_for(seed, f"incrementality_{name}").choice(r.cumulative_draws, int(n_draws)) * value_per_unit
        estimate = ValueEstimate(
            f"incrementality_{name}", "soft", currency, r.cumulative * value_per_unit, draws,
            (r.cumulative_lower * value_per_unit, r.cumulative_upper * value_per_unit), level,
            label=f"Incrementality: {name}",
            method=Text("structural time-series counterfactual (local level{trend}, {k} control series): cumulative "
                        "effect over {post} periods x value per unit", trend=Word(" and trend" if trend else ""),
                        k=Count(len(controls)), post=Count(int((~pre).sum()))),
            assumptions={"value_per_unit": value_per_unit, "launch": str(launch)},
            diagnostics={k: v for k, v in figures.items()}, warnings=tuple(warnings), evidence="quasi_experiment")
    return LiftResult(name, "structural", outcome, str(launch), series, None, None, figures, estimate,
                      tuple(warnings), None)


def _period_text(times: np.ndarray) -> list[str]:
    if np.issubdtype(times.dtype, np.datetime64):
        return [str(t)[:10] for t in times]
    return [f"{t:g}" if isinstance(t, float) else str(t) for t in times.tolist()]
