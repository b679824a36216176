"""Synthetic control: a weighted mix of untreated units that tracks the treated unit before a launch.

Abadie and Gardeazabal (2003); Abadie, Diamond and Hainmueller (2010, 2015).
The donor weights ``w`` are non-negative and sum to one, and minimise::

    (X1 - X0 w)' V (X1 - X0 w)

where ``X`` holds the predictors of the treated unit (``X1``) and of the
donors (``X0``): the pre-launch outcome path itself, or covariates averaged
over chosen periods (each row divided by its standard deviation across all
units, as the Synth package does). ``V`` is a diagonal of predictor weights:
the identity for the outcome path; for covariates it is chosen so that the
weights reproduce the outcome best over a fitting window (Nelder-Mead over
the simplex from several deterministic starts, each evaluation one inner
fit), optionally on a training period (ADH 2015's cross-validation).

The inner problem is solved exactly as non-negative least squares with the
sum-to-one constraint added as one heavily weighted row (``scipy.optimize.
nnls``), then renormalised; on the German panel this gives the outcome-path
weights to three decimals.

Inference is by placebos: the ratio of post- to pre-launch root mean squared
prediction error (RMSPE) of the treated unit, ranked among the same ratio
for every donor treated in its place (in-space placebo, the permutation
p-value is its rank over the number of units).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


def simplex_weights(x1: np.ndarray, x0: np.ndarray, v: np.ndarray | None = None) -> np.ndarray:
    """Weights ``w >= 0``, ``sum(w) = 1`` minimising ``sum_k v_k (x1_k - (x0 w)_k)^2``.

    Parameters
    ----------
    x1 : array (k,)
        The treated unit's predictors.
    x0 : array (k, J)
        The donors' predictors, one column per donor.
    v : array (k,), optional
        Non-negative predictor weights (default: all 1).
    """
    from scipy.optimize import nnls

    x1 = np.asarray(x1, dtype=float)
    x0 = np.asarray(x0, dtype=float)
    s = np.sqrt(np.ones(len(x1)) if v is None else np.asarray(v, dtype=float))
    a, b = x0 * s[:, None], x1 * s
    big = 1e3 * (float(np.abs(a).max()) + float(np.abs(b).max()) + 1.0)  # the sum-to-one row outweighs any fit row
    w, _ = nnls(np.vstack([a, np.full(x0.shape[1], big)]), np.append(b, big), maxiter=50 * x0.shape[1] + 1000)
    total = w.sum()
    return w / total if total > 0 else np.full(x0.shape[1], 1.0 / x0.shape[1])


def choose_v(x1: np.ndarray, x0: np.ndarray, z1: np.ndarray, z0: np.ndarray, *, starts: int = 20,
             seed: int = 0) -> tuple[np.ndarray, float]:
    """Predictor weights ``V`` (summing to one) whose donor weights fit the outcome ``z`` best (mean squared
    error over the fitting window), and that error. Nelder-Mead from the equal weights and ``starts`` seeded
    Dirichlet draws; the best end point is kept."""
    from scipy.optimize import minimize

    k = len(x1)

    def loss(p: np.ndarray) -> float:
        v = np.abs(p) / max(float(np.abs(p).sum()), 1e-300)
        w = simplex_weights(x1, x0, v)
        return float(np.mean((z1 - z0 @ w) ** 2))

    rng = np.random.default_rng(seed)
    best_x, best_f = np.full(k, 1.0 / k), loss(np.full(k, 1.0 / k))
    for start in [np.full(k, 1.0 / k), *(rng.dirichlet(np.ones(k)) for _ in range(starts))]:
        r = minimize(loss, start, method="Nelder-Mead", options={"maxiter": 600 * k, "xatol": 1e-8, "fatol": 1e-12})
        if r.fun < best_f:
            best_x, best_f = r.x, float(r.fun)
    return np.abs(best_x) / np.abs(best_x).sum(), best_f


@dataclass(frozen=True)
class SynthFit:
    """A synthetic control fit.

    Attributes
    ----------
    treated : str
    donors : tuple of str
    weights : numpy.ndarray
        Donor weights (non-negative, summing to one), in ``donors`` order.
    v : numpy.ndarray or None
        Predictor weights (None for the outcome-path specification).
    times : numpy.ndarray
        Every period of the panel, in order.
    actual, synthetic : numpy.ndarray
        The treated unit's outcome and its synthetic control, per period.
    pre : numpy.ndarray of bool
        Periods before the launch.
    """

    treated: str
    donors: tuple[str, ...]
    weights: np.ndarray
    v: np.ndarray | None
    times: np.ndarray
    actual: np.ndarray
    synthetic: np.ndarray
    pre: np.ndarray
    predictors: tuple[str, ...] = field(default=())

    @property
    def gap(self) -> np.ndarray:
        """Actual minus synthetic, per period (the effect after the launch)."""
        return np.asarray(self.actual - self.synthetic, dtype=float)

    @property
    def pre_rmspe(self) -> float:
        return float(np.sqrt(np.mean(self.gap[self.pre] ** 2)))

    @property
    def post_rmspe(self) -> float:
        return float(np.sqrt(np.mean(self.gap[~self.pre] ** 2)))

    @property
    def rmspe_ratio(self) -> float:
        """Post-launch RMSPE over pre-launch RMSPE: large when the launch moved the treated unit off its synthetic
        path."""
        return self.post_rmspe / self.pre_rmspe if self.pre_rmspe > 0 else float("inf")

    @property
    def mean_effect(self) -> float:
        """Mean gap over the post-launch periods, in the outcome's unit."""
        return float(np.mean(self.gap[~self.pre]))

    @property
    def cumulative_effect(self) -> float:
        """Sum of the gaps over the post-launch periods."""
        return float(np.sum(self.gap[~self.pre]))

    def weight_table(self) -> dict[str, float]:
        """Donor -> weight, largest first, weights below 0.0005 left out."""
        order = np.argsort(-self.weights)
        return {self.donors[i]: float(self.weights[i]) for i in order if self.weights[i] >= 5e-4}


def _wide(panel: Any, unit: str, time: str, outcome: str) -> Any:
    return panel.pivot_table(index=time, columns=unit, values=outcome, aggfunc="first").sort_index()


def _predictor_matrix(panel: Any, unit: str, time: str, units: Sequence[str],
                      predictors: Sequence[tuple[str, Sequence[Any]]]) -> np.ndarray:
    """Each predictor (column, periods) averaged over its periods per unit (blanks skipped), each row divided by
    its standard deviation across the units."""
    rows = []
    for column, periods in predictors:
        sub = panel[panel[time].isin(list(periods))]
        rows.append(sub.groupby(unit)[column].mean().reindex(list(units)).to_numpy(dtype=float))
    x = np.vstack(rows)
    if np.isnan(x).any():
        r, c = np.argwhere(np.isnan(x))[0]
        raise ValueError(f"predictor {predictors[r][0]} has no value for {units[c]} in the periods given")
    sd = x.std(axis=1, ddof=1)
    return x / np.where(sd > 0, sd, 1.0)[:, None]


def outcome_matrix(panel: Any, *, unit: str, time: str, outcome: str, treated: str,
                   donors: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The periods, the outcome as a periods x units array (treated unit first, then the donors) and the donors'
    names; a unit missing a period is refused (ValueError naming the unit and period)."""
    wide = _wide(panel, unit, time, outcome)
    if treated not in wide.columns:
        raise ValueError(f"treated unit {treated!r} is not in the panel")
    pool = [u for u in (donors if donors is not None else wide.columns) if u != treated]
    times = wide.index.to_numpy()
    y = wide[[treated, *pool]].to_numpy(dtype=float)
    if np.isnan(y).any():
        r, c = np.argwhere(np.isnan(y))[0]
        raise ValueError(f"the outcome is blank for {([treated, *pool])[c]} in {times[r]}; a panel needs every unit "
                         "in every period")
    return times, y, pool


def synthetic_control(panel: Any, *, unit: str, time: str, outcome: str, treated: str, launch: Any,
                      donors: Sequence[str] | None = None,
                      predictors: Sequence[tuple[str, Sequence[Any]]] | None = None,
                      fit_periods: Sequence[Any] | None = None,
                      training: tuple[Sequence[tuple[str, Sequence[Any]]], Sequence[Any]] | None = None,
                      v: np.ndarray | None = None, seed: int = 0) -> SynthFit:
    """Fit a synthetic control to a long panel.

    Parameters
    ----------
    panel : pandas.DataFrame
        One row per unit and period.
    unit, time, outcome : str
        Column names.
    treated : str
        The treated unit.
    launch : period
        The first treated period; earlier periods are the pre-period.
    donors : sequence of str, optional
        The donor pool (default: every other unit).
    predictors : sequence of (column, periods), optional
        Covariate specification; default: the pre-launch outcome path (one predictor per pre-period, V = I).
    fit_periods : sequence of periods, optional
        Where the outcome is matched when V is chosen (default: every pre-launch period).
    training : (predictors, fit_periods), optional
        Choose V on this earlier specification instead (cross-validation, as ADH 2015), then apply it.
    v : array, optional
        Fixed predictor weights.
    seed : int
        Seed of the V search's random starts.
    """
    times, y, pool = outcome_matrix(panel, unit=unit, time=time, outcome=outcome, treated=treated, donors=donors)
    pre = times < launch
    if pre.sum() < 2 or (~pre).sum() < 1:
        raise ValueError("the launch leaves fewer than two periods before it or none after it")
    names: tuple[str, ...] = ()
    if predictors is None:
        w = simplex_weights(y[pre, 0], y[pre, 1:])
        chosen_v = None
    else:
        units = [treated, *pool]
        x = _predictor_matrix(panel, unit, time, units, predictors)
        names = tuple(f"{c} ({_span(p)})" for c, p in predictors)
        chosen_v = v
        if chosen_v is None:
            spec, window = training if training is not None else (predictors, fit_periods)
            xt = x if training is None else _predictor_matrix(panel, unit, time, units, spec)
            rows = np.isin(times, list(window)) if window is not None else pre
            chosen_v, _ = choose_v(xt[:, 0], xt[:, 1:], y[rows, 0], y[rows, 1:], seed=seed)
        w = simplex_weights(x[:, 0], x[:, 1:], chosen_v)
    return SynthFit(treated, tuple(pool), w, chosen_v, times, y[:, 0], y[:, 1:] @ w, pre, names)


def _span(periods: Sequence[Any]) -> str:
    p = list(periods)
    return f"{p[0]}" if len(p) == 1 else f"{p[0]}-{p[-1]}"


@dataclass(frozen=True)
class Placebos:
    """In-space placebo inference: each donor treated in the treated unit's place (``fits``, by donor)."""

    fits: dict[str, SynthFit]
    treated_ratio: float
    p_value: float

    @property
    def ratios(self) -> dict[str, float]:
        """Each placebo's post/pre RMSPE ratio, by donor."""
        return {d: f.rmspe_ratio for d, f in self.fits.items()}


PLACEBO_SCREEN = 5.0  # placebos fitting worse than this x the treated unit's pre-launch RMSPE say little (ADH 2010)


def donor_placebos(y: np.ndarray, pre: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each donor treated in turn: its weights on the other donors (outcome path over ``pre``) and its synthetic
    path, for the donors' outcomes ``y`` (periods x donors; the treated unit not among them)."""
    out = []
    for j in range(y.shape[1]):
        others = np.delete(y, j, axis=1)
        w = simplex_weights(y[pre, j], others[pre])
        out.append((w, others @ w))
    return out


def in_space_placebos(panel: Any, fit: SynthFit, *, unit: str, time: str, outcome: str, launch: Any) -> Placebos:
    """Refit with each donor as the treated unit (the other donors as its pool, the treated unit left out; the
    outcome-path specification) and rank the treated unit's post/pre RMSPE ratio among all: the permutation
    p-value is (number of units with a ratio at least the treated one's) / (number of units)."""
    wide = _wide(panel, unit, time, outcome)
    y = wide[list(fit.donors)].to_numpy(dtype=float)  # the panel pivoted once for every placebo
    pre = wide.index.to_numpy() < launch
    fits = {}
    for j, (d, (w, synthetic)) in enumerate(zip(fit.donors, donor_placebos(y, pre))):
        fits[d] = SynthFit(d, tuple(x for x in fit.donors if x != d), w, None, fit.times, y[:, j], synthetic, pre)
    all_ratios = np.array([fit.rmspe_ratio, *(f.rmspe_ratio for f in fits.values())])
    p = float(np.mean(all_ratios >= fit.rmspe_ratio - 1e-12))
    return Placebos(fits, fit.rmspe_ratio, p)


def placebo_interval(effect: float, null: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """A rank interval for an effect from placebo effects (no effect): ``effect`` minus the placebos' order
    statistics, and the coverage it actually has.

    With ``n`` exchangeable placebo effects ``x_(1) <= ... <= x_(n)``, the treated unit's no-effect error lies
    between ``x_(k)`` and ``x_(n+1-k)`` with probability ``(n + 1 - 2k) / (n + 1)`` (a conformal interval);
    ``k = floor((1 - level) / 2 x (n + 1))``, at least 1. So the interval is
    ``[effect - x_(n+1-k), effect - x_(k)]`` and covers at least ``level`` when there are enough placebos
    (``n >= 2 / (1 - level) - 1``: 39 for 95 %); with fewer it is the min-max interval, whose coverage
    ``(n - 1) / (n + 1)`` is returned as the third value so the caller can say so. Interpolated quantiles of few
    placebos (what this replaced) cover less than they claim: 89 % for a "95 %" interval from 19 placebos.
    """
    x = np.sort(np.asarray(null, dtype=float))
    n = len(x)
    if n == 0:
        return float("nan"), float("nan"), 0.0
    k = max(1, int(np.floor((1 - level) / 2 * (n + 1) + 1e-9)))
    return float(effect - x[n - k]), float(effect - x[k - 1]), (n + 1 - 2 * k) / (n + 1)


def in_time_placebo(panel: Any, fit: SynthFit, *, unit: str, time: str, outcome: str, launch: Any,
                    placebo_launch: Any) -> SynthFit:
    """The same fit (outcome path, same donors) on the periods before the real launch only, with a fake launch at
    ``placebo_launch``: a credible design shows no gap after a launch that did not happen."""
    before = panel[panel[time] < launch]
    return synthetic_control(before, unit=unit, time=time, outcome=outcome, treated=fit.treated,
                             launch=placebo_launch, donors=list(fit.donors))


def leave_one_out(panel: Any, fit: SynthFit, *, unit: str, time: str, outcome: str,
                  launch: Any) -> dict[str, SynthFit]:
    """The fit again without each donor that has weight (outcome path): an effect that rests on one donor
    changes a lot when that donor is left out."""
    return {d: synthetic_control(panel, unit=unit, time=time, outcome=outcome, treated=fit.treated, launch=launch,
                                 donors=[x for x in fit.donors if x != d]) for d in fit.weight_table()}
