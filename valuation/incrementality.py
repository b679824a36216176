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
  ADH 2010 screen placebos): the spread an effect of zero shows in these data;
  the interval is the rank (conformal) interval of those gaps
  (:func:`socialroi.models.synth.placebo_interval`), whose actual coverage
  is reported and warned about when too few placebos allow the full level.

Launch and periods: numbers (years, week numbers) or ISO dates
(YYYY-MM-DD); anything else is refused, never guessed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from socialroi.models.text import Count, Num, Share, Text, Word
from socialroi.valuation.errors import InputError
from socialroi.valuation.estimate import DEFAULT_DRAWS, DEFAULT_LEVEL, Lever, ValueEstimate, rng_for
from socialroi.valuation.notebook import Printable


@dataclass(frozen=True, eq=False)
class LiftResult(Printable):
    """One launch's effect: the method's fit, its value, and the tables every output shows."""

    name: str
    method: str  # "synthetic_control" or "structural"
    outcome: str
    launch: str
    series: Any  # DataFrame: period, actual, counterfactual, lower, upper, effect, cumulative (+ its lower, upper)
    weights: Any  # DataFrame of donor weights (synthetic control) or None
    placebos: Any  # DataFrame of placebo RMSPE ratios (synthetic control) or None
    figures: dict[str, Any]
    estimate: ValueEstimate | None
    warnings: tuple[str, ...]
    leave_one_out: Any = None  # DataFrame: each weighted donor left out in turn (synthetic control) or None

    @property
    def label(self) -> str:
        """How reports name the campaign: its value's label ("Incrementality: ..."), else its name."""
        return self.estimate.label if self.estimate is not None else self.name

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
               controls: Sequence[str] = (), covariates: Sequence[str] = ()) -> Any:
    """The file as a DataFrame with its periods parsed and the needed columns checked (blank outcome and control
    cells are an error naming the row; blank covariate cells are left out of the covariate's means)."""
    from socialroi.valuation.tables import read_table

    table = read_table(path, {})
    frame = table.data.to_pandas()
    needed = [c for c in (time, outcome, unit, *controls, *covariates) if c]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError(f"no column {missing[0]!r}; the columns are: {', '.join(map(str, frame.columns))}",
                         file=table.name)
    from socialroi.valuation.numbers import parse_numbers

    for c in (outcome, *controls, *covariates):  # the number rules of every other input (decimal marks, units)
        frame[c] = parse_numbers(table.data.column(c), file=table.name, column=c, allow_negative=True,
                                 allow_blank=c in covariates and c not in (outcome, *controls),
                                 decimal=table.decimal).values
    frame[time] = _periods(frame[time], "period", table.name)
    frame.attrs["file"] = table.name
    return frame


def lift(path: Any, *, outcome: str, launch: Any, time: str, unit: str | None = None, treated: str | None = None,
         controls: Sequence[str] = (), value_per_unit: float | None = None, trend: bool = False,
         seasonal: int | None = None, placebos: bool = True, name: str = "launch", label: str | None = None,
         covariates: Sequence[str] = (), currency: str = "USD", seed: int = 0, n_draws: int = DEFAULT_DRAWS,
         level: float = DEFAULT_LEVEL) -> LiftResult:
    """Estimate what a launch added. With ``unit`` and ``treated``: synthetic control over the panel; otherwise a
    structural counterfactual of ``outcome`` on the ``controls`` (one row per period).

    ``covariates`` (synthetic control) match the treated unit on these columns' pre-launch means and the outcome's
    pre-launch mean, with predictor weights chosen so the donors reproduce the pre-launch outcome path (ADH 2010);
    without them the weights fit the pre-launch outcome path itself. The placebo tests use the outcome path either
    way.

    ``value_per_unit`` (``currency`` per outcome unit) turns the cumulative effect into a value estimate
    (component ``incrementality_<name>``, labelled "Incrementality: <label or name>", soft, evidence
    ``quasi_experiment``).
    """
    _check_design(unit, treated)
    if covariates and unit is None:
        raise InputError("--covariates are for a synthetic control over a panel (with --unit and --treated); one "
                         "series takes --controls")
    frame = read_panel(path, time=time, outcome=outcome, unit=unit, controls=controls, covariates=covariates)
    file = frame.attrs["file"]
    shown = f"Incrementality: {label or name}"
    if unit is not None:
        return _synthetic(frame, file, outcome=outcome, launch=launch, time=time, unit=unit, treated=str(treated),
                          value_per_unit=value_per_unit, placebos=placebos, name=name, label=shown,
                          covariates=tuple(covariates), currency=currency, seed=seed, n_draws=n_draws, level=level)
    return _structural(frame, file, outcome=outcome, launch=launch, time=time, controls=controls,
                       value_per_unit=value_per_unit, trend=trend, seasonal=seasonal, name=name, label=shown,
                       currency=currency, seed=seed, n_draws=n_draws, level=level)


def _synthetic(frame, file, *, outcome, launch, time, unit, treated, value_per_unit, placebos, name, label,
               covariates, currency, seed, n_draws, level) -> LiftResult:
    import pandas as pd

    from socialroi.models.synth import (
        PLACEBO_SCREEN,
        in_space_placebos,
        in_time_placebo,
        leave_one_out,
        placebo_interval,
        synthetic_control,
    )

    frame = _with_treated(frame, unit, treated, file)
    start = _launch(launch, frame[time].to_numpy(), file)
    before = sorted(set(frame[time][frame[time] < start]))
    predictors = [(c, before) for c in (*covariates, outcome)] if covariates else None
    try:
        fit = synthetic_control(frame, unit=unit, time=time, outcome=outcome, treated=treated, launch=start,
                                predictors=predictors, fit_periods=before if covariates else None, seed=seed)
    except ValueError as exc:
        raise InputError(str(exc), file=file) from None
    post = ~fit.pre
    warnings: list[str] = []
    running = np.where(post, np.cumsum(np.where(post, fit.gap, 0.0)), 0.0)
    series = pd.DataFrame({"period": _period_text(fit.times), "actual": fit.actual, "counterfactual": fit.synthetic,
                           "lower": np.nan, "upper": np.nan, "effect": fit.gap, "cumulative": running,
                           "cumulative_lower": np.nan, "cumulative_upper": np.nan})
    weights = pd.DataFrame([{"donor": d, "weight": w} for d, w in fit.weight_table().items()])
    figures: dict[str, Any] = {"mean_effect": fit.mean_effect, "cumulative_effect": fit.cumulative_effect,
                               "pre_rmspe": fit.pre_rmspe, "post_rmspe": fit.post_rmspe,
                               "rmspe_ratio": fit.rmspe_ratio, "post_periods": int(post.sum()),
                               "pre_periods": int(fit.pre.sum()), "donors": len(fit.donors), "treated": treated,
                               "covariates": list(covariates)}
    if fit.v is not None:
        figures["predictor_weights"] = {n: float(v) for n, v in zip(fit.predictors, fit.v)}
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
            if placebo.pre_rmspe <= PLACEBO_SCREEN * fit.pre_rmspe:
                kept.append(placebo.cumulative_effect)
        plac_frame = pd.DataFrame(rows).sort_values("rmspe_ratio", ascending=False, ignore_index=True)
        null_cum = np.array(kept)
        lo_c, hi_c, achieved = placebo_interval(fit.cumulative_effect, null_cum, level)
        if null_cum.size:
            figures["cumulative_lower"], figures["cumulative_upper"] = lo_c, hi_c
            figures["interval_coverage"] = achieved
        if achieved < level - 1e-9:
            warnings.append(Text("only {n} placebo units fit their pre-period about as well as the treated unit, so "
                                 "the interval from their gaps is their full range, which covers {share} rather than "
                                 "{level}; more donors give a full-level interval", n=Count(len(kept)),
                                 share=Share(achieved), level=Share(level)))
    warnings += _fit_warnings(fit, None if plac_frame is None else plac_frame["pre_rmspe"].to_numpy())
    estimate = None
    if value_per_unit is not None:
        rng = rng_for(seed, f"incrementality_{name}")
        if null_cum is not None and null_cum.size:
            draws = (fit.cumulative_effect - rng.choice(null_cum, int(n_draws))) * value_per_unit
            lo, hi = figures["cumulative_lower"] * value_per_unit, figures["cumulative_upper"] * value_per_unit
        else:
            draws = np.full(int(n_draws), fit.cumulative_effect * value_per_unit)
            lo = hi = fit.cumulative_effect * value_per_unit
        estimate = ValueEstimate(
            f"incrementality_{name}", "soft", currency, fit.cumulative_effect * value_per_unit, draws,
            (float(min(lo, hi)), float(max(lo, hi))), level, label=label,
            method=Text("synthetic control of {treated} from {n} donors: cumulative gap over {post} periods x value "
                        "per unit; interval from in-space placebo gaps", treated=treated, n=Count(len(fit.donors)),
                        post=Count(int(post.sum()))),
            assumptions={"value_per_unit": value_per_unit, "launch": str(launch)},
            diagnostics={k: v for k, v in figures.items()}, warnings=tuple(warnings), evidence="quasi_experiment",
            levers=_levers(name, value_per_unit))
    return LiftResult(name, "synthetic_control", outcome, str(launch), series, weights, plac_frame, figures,
                      estimate, tuple(warnings), robustness)


def _structural(frame, file, *, outcome, launch, time, controls, value_per_unit, trend, seasonal, name, label,
                currency, seed, n_draws, level) -> LiftResult:
    import pandas as pd

    from socialroi.models.counterfactual import structural_counterfactual

    frame = _one_series(frame, time, file)
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
                           "effect": r.pointwise, "cumulative": r.cumulative_path,
                           "cumulative_lower": r.cumulative_path_lower, "cumulative_upper": r.cumulative_path_upper})
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
            label=label,
            method=Text("structural time-series counterfactual (local level{trend}, {k} control series): cumulative "
                        "effect over {post} periods x value per unit", trend=Word(" and trend" if trend else ""),
                        k=Count(len(controls)), post=Count(int((~pre).sum()))),
            assumptions={"value_per_unit": value_per_unit, "launch": str(launch)},
            diagnostics={k: v for k, v in figures.items()}, warnings=tuple(warnings), evidence="quasi_experiment",
            levers=_levers(name, value_per_unit))
    return LiftResult(name, "structural", outcome, str(launch), series, None, None, figures, estimate,
                      tuple(warnings), None)


POOR_FIT = 2.0  # treated pre-launch RMSPE over the placebos' median: a fit this much worse is a misfit, not noise


def _fit_warnings(fit: Any, placebo_pre_rmspe: np.ndarray | None) -> list[str]:
    """A warning when the synthetic control does not track the treated unit before the launch.

    Noise alone leaves some pre-launch error, so the treated unit's pre-launch RMSPE is judged against the donors'
    own (each donor fitted from the others, as in the placebo test): more than :data:`POOR_FIT` times their median
    means the treated unit lies outside what a weighted mix of donors can reproduce (ADH 2015 drop placebos that
    fit worse than 2-5 x the treated unit for the same reason). Without placebos, a pre-launch fit that explains
    less than half of the treated unit's variance is flagged."""
    if fit.pre.sum() <= 2:
        return []
    if placebo_pre_rmspe is not None and placebo_pre_rmspe.size:
        typical = float(np.median(placebo_pre_rmspe))
        if fit.pre_rmspe > POOR_FIT * typical:
            return [Text("the synthetic control tracks the treated unit poorly before the launch (pre-launch RMSPE "
                         "{ratio} times the donors' median): the treated unit lies outside what a mix of donors can "
                         "reproduce, so the effect is not credible", ratio=Num(fit.pre_rmspe / typical, 1))]
        return []
    spread = float(np.var(fit.actual[fit.pre]))
    if spread > 0 and 1 - fit.pre_rmspe ** 2 / spread < 0.5:
        return [Text("the synthetic control explains less than half of the treated unit's variance before the "
                     "launch; the effect is not credible")]
    return []


def _with_treated(frame: Any, unit: str, treated: str, file: str) -> Any:
    """The panel with its unit names as text, refused when the treated unit is not among them."""
    frame = frame.assign(**{unit: frame[unit].astype(str)})
    if treated not in set(frame[unit]):
        raise InputError(f"treated unit {treated!r} is not in column {unit!r}; units: "
                         f"{', '.join(sorted(set(frame[unit]))[:20])}", file=file, column=unit)
    return frame


def _check_design(unit: str | None, treated: str | None) -> None:
    """A synthetic control needs both --unit and --treated; one series neither (a usage error, refused before any
    file is read)."""
    if (unit is None) != (treated is None):
        raise InputError("give both --unit and --treated (synthetic control over a panel), or neither (one series "
                         "with --controls)")


def _one_series(frame: Any, time: str, file: str) -> Any:
    """The rows in period order, refused when a period appears twice (a panel given without --unit)."""
    frame = frame.sort_values(time, kind="stable").reset_index(drop=True)
    if frame[time].duplicated().any():
        dup = frame[time][frame[time].duplicated()].to_numpy()[:1]
        raise InputError(f"period {_period_text(dup)[0]} appears twice; one row per period (for a panel "
                         "give --unit and --treated)", file=file, column=time)
    return frame


def _levers(name: str, value_per_unit: float) -> tuple[Lever, ...]:
    return (Lever(f"incrementality.{name}.value_per_unit", float(value_per_unit), "value per unit of the outcome"),)


@dataclass(frozen=True, eq=False)
class IncrementalityReport(Printable):
    """Every campaign of a project's ``[[incrementality]]`` sections."""

    lifts: tuple[LiftResult, ...]

    @property
    def estimates(self) -> tuple[ValueEstimate, ...]:
        return tuple(r.estimate for r in self.lifts if r.estimate is not None)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(f"{r.label}: {w}" for r in self.lifts for w in r.warnings)

    def to_frame(self):
        """One row per campaign: method, periods, mean and cumulative effect (outcome units) with intervals, p-value
        and the value."""
        import pandas as pd

        rows = []
        for r in self.lifts:
            f, e = r.figures, r.estimate
            rows.append({"campaign": r.name, "label": r.label, "method": r.method,
                         "outcome": r.outcome, "launch": r.launch, "post_periods": f["post_periods"],
                         "mean_effect": f["mean_effect"], "cumulative_effect": f["cumulative_effect"],
                         "cumulative_lower": f.get("cumulative_lower", np.nan),
                         "cumulative_upper": f.get("cumulative_upper", np.nan),
                         "p_value": f.get("p_value", np.nan),
                         "value": e.point if e else np.nan, "value_lower": e.interval[0] if e else np.nan,
                         "value_upper": e.interval[1] if e else np.nan})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        return {"campaigns": [r.to_dict() for r in self.lifts], "warnings": list(self.warnings)}

    def summary(self) -> str:
        return "\n".join(r.summary() for r in self.lifts)


def analyse_incrementality(specs: Sequence[Mapping[str, Any]], *, currency: str = "USD", seed: int = 0,
                           n_draws: int = DEFAULT_DRAWS, level: float = DEFAULT_LEVEL) -> IncrementalityReport:
    """Value every ``[[incrementality]]`` campaign of a project (keys as in
    :class:`socialroi.valuation.schema.IncrementalitySection`; a TOML date as the launch is read as that day)."""
    out = []
    for spec in specs:
        s = dict(spec)
        launch = s.pop("launch")
        launch = launch.isoformat() if hasattr(launch, "isoformat") else launch
        try:
            out.append(lift(s.pop("file"), outcome=s.pop("outcome"), launch=launch, time=s.pop("time"),
                            unit=s.pop("unit", None), treated=s.pop("treated", None),
                            controls=tuple(s.pop("controls", ())), value_per_unit=float(s.pop("value_per_unit")),
                            trend=bool(s.pop("trend", False)), seasonal=s.pop("seasonal", None),
                            covariates=tuple(s.pop("covariates", ())),
                            placebos=bool(s.pop("placebos", True)), name=s["name"], label=s.get("label"),
                            currency=currency, seed=seed, n_draws=n_draws, level=level))
        except InputError as exc:
            raise InputError(f"[[incrementality]] '{s['name']}': {exc.message}", file=exc.file, column=exc.column,
                             row=exc.row) from None
    return IncrementalityReport(tuple(out))


def _period_text(times: np.ndarray) -> list[str]:
    if np.issubdtype(times.dtype, np.datetime64):
        return [str(t)[:10] for t in times]
    return [f"{t:g}" if isinstance(t, float) else str(t) for t in times.tolist()]


POWER_EFFECTS = (0.01, 0.02, 0.05, 0.10, 0.15, 0.20, 0.30, 0.50)  # effects shown, as shares of the baseline


@dataclass(frozen=True, eq=False)
class LaunchPlan(Printable):
    """Power of a planned launch, from fake launches in its history (:mod:`socialroi.models.launch_power`).

    ``figures``: ``mde`` (per period, outcome units), ``mde_relative`` (share of ``baseline``, the mean outcome of
    the treated series over the last ``duration`` periods before the planned launch), ``mde_cumulative``,
    ``mde_value`` (currency, with a value per unit), ``false_positive_rate``, ``placebo_launches``.
    ``power``: effect per period, relative effect, cumulative effect and power. ``launches``: each fake launch.
    """

    method: str
    outcome: str
    launch: str
    duration: int
    power_target: float
    figures: dict[str, Any]
    power: Any  # DataFrame
    launches: Any  # DataFrame
    warnings: tuple[str, ...]
    currency: str | None = None

    def to_frame(self):
        return self.power.copy()

    def to_dict(self) -> dict[str, Any]:
        from socialroi.valuation.estimate import plain, records

        return {"method": self.method, "outcome": self.outcome, "launch": self.launch, "duration": self.duration,
                "power_target": self.power_target, "currency": self.currency, "figures": plain(self.figures),
                "power": records(self.power), "placebo_launches": records(self.launches),
                "warnings": list(self.warnings)}

    def summary(self) -> str:
        f = self.figures
        return (f"minimum detectable effect at {self.power_target:.0%} power over {self.duration} periods: "
                f"{f['mde']:,.4g} per period ({f['mde_relative']:.1%} of the baseline {f['baseline']:,.4g}), "
                f"from {f['placebo_launches']} placebo launches")


def plan(path: Any, *, outcome: str, launch: Any, duration: int, time: str, unit: str | None = None,
         treated: str | None = None, controls: Sequence[str] = (), power: float = 0.8, placebo_launches: int = 10,
         value_per_unit: float | None = None, trend: bool = False, seasonal: int | None = None,
         currency: str = "USD", seed: int = 0, level: float = DEFAULT_LEVEL) -> LaunchPlan:
    """Minimum detectable effect and power for a launch planned at ``launch`` lasting ``duration`` periods, from
    the history before it (rows at or after ``launch`` are ignored), by fake launches analysed as the real one
    will be (synthetic control with ``unit`` and ``treated``, else the structural model on ``controls``)."""
    import pandas as pd

    from socialroi.models import launch_power as lp

    _check_design(unit, treated)
    if duration < 1:
        raise InputError(f"--duration must be at least 1 period, got {duration}")
    frame = read_panel(path, time=time, outcome=outcome, unit=unit, controls=controls)
    file = frame.attrs["file"]
    start = _launch(launch, frame[time].to_numpy(), file)
    history = frame[frame[time] < start]
    if unit is not None:
        from socialroi.models.synth import outcome_matrix

        history = _with_treated(history, unit, str(treated), file)
        try:
            periods, y, _ = outcome_matrix(history, unit=unit, time=time, outcome=outcome, treated=str(treated))
        except ValueError as exc:
            raise InputError(str(exc), file=file, column=outcome) from None
        series, method = y[:, 0], "synthetic_control"
        min_train = max(8, duration)
    else:
        history = _one_series(history, time, file)
        periods, series, method = history[time].to_numpy(), history[outcome].to_numpy(dtype=float), "structural"
        min_train = max(16, duration)
    starts = lp.placebo_starts(len(series), duration, min_train=min_train, count=placebo_launches)
    if len(starts) < 3:
        raise InputError(f"too little history before {launch}: {len(series)} periods, and each placebo launch needs "
                         f"{min_train} before it and {duration} after it; give a longer history or a shorter "
                         "--duration", file=file)
    if unit is not None:
        launches = lp.synth_launches(y, starts, duration, level=level)
    else:
        x = history[list(controls)].to_numpy(dtype=float) if controls else None
        try:
            launches = lp.structural_launches(series, x, starts, duration, level=level, trend=trend,
                                              seasonal=seasonal, seed=seed)
        except ValueError as exc:
            raise InputError(str(exc), file=file) from None
    baseline = float(np.mean(series[-duration:]))
    mde = lp.minimum_detectable_effect(launches, power)
    fpr = lp.false_positive_rate(launches)
    figures: dict[str, Any] = {
        "mde": mde, "mde_relative": mde / baseline if baseline else float("nan"), "mde_cumulative": mde * duration,
        "baseline": baseline, "false_positive_rate": fpr, "placebo_launches": len(launches),
        "history_periods": len(series)}
    if value_per_unit is not None:
        figures["mde_value"] = mde * duration * value_per_unit
    effects = sorted({*(s * abs(baseline) for s in POWER_EFFECTS), mde})
    table = pd.DataFrame({"effect_per_period": effects,
                          "relative_effect": [e / baseline if baseline else np.nan for e in effects],
                          "cumulative_effect": [e * duration for e in effects],
                          "power": [lp.power_at(launches, e + 1e-12) for e in effects]})
    if value_per_unit is not None:
        table["value"] = table["cumulative_effect"] * value_per_unit
    names = _period_text(periods)
    placebo_table = pd.DataFrame({"launch": [names[p.start] for p in launches],
                                  "estimate": [p.estimate for p in launches],
                                  "threshold": [p.threshold for p in launches]})
    warnings: list[str] = []
    if len(launches) < 5:
        warnings.append(Text("only {n} placebo launches fit in the history; the power figures are rough",
                             n=Count(len(launches))))
    allowed = (1 - level) / 2
    if fpr > allowed + 2 * math.sqrt(allowed * (1 - allowed) / len(launches)) + 1 / len(launches):
        warnings.append(Text("the method declares an effect at {share} of the placebo launches, where none was: its "
                             "intervals are too narrow on this history, so the real launch's interval would be too",
                             share=Share(fpr)))
    return LaunchPlan(method, outcome, str(launch), int(duration), float(power), figures, table, placebo_table,
                      tuple(warnings), currency if value_per_unit is not None else None)
