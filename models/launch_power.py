"""Power before a launch, by placebo launches: how large an effect the planned design would detect.

A planned launch at period ``T`` lasting ``D`` periods is rehearsed on the
history before ``T``: fake launches at earlier periods ``t`` (each with ``D``
periods after it and enough history before it) are analysed exactly as the
real launch will be. No fake launch had an effect, so each one shows

* the estimate the method gives when nothing happened (``estimate``: the
  mean effect per period over the window), and
* the **threshold**: the smallest effect per period, added to every period of
  the window, that the method would declare (its interval for the effect
  lying above zero).

For the structural model the post-launch data do not enter the fit, so an
added effect ``d`` moves the interval of the mean effect by exactly ``d``:
the threshold is minus the interval's lower end. For a synthetic control the
weights come from the pre-launch periods only, so ``d`` moves the treated
unit's gap by ``d`` and leaves the placebos' gaps alone: the threshold is
minus the lower end of the rank interval of
:func:`socialroi.models.synth.placebo_interval` (the rule of the value
interval in :mod:`socialroi.valuation.incrementality`).

Power at effect ``d`` is the share of fake launches whose threshold is below
``d``; the minimum detectable effect (MDE) at power ``p`` is the smallest
threshold that at least a share ``p`` of fake launches reach. The share of
fake launches with a threshold below zero is the design's false-positive rate
on this history (it should be near ``(1 - level) / 2``). This is GeoLift's
and the synthetic-control literature's simulation approach, computed exactly
rather than over a grid of effects.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PlaceboLaunch:
    """One fake launch: its first period (index), the method's estimate there (mean effect per period, true value
    zero) and the smallest effect per period it would detect."""

    start: int
    estimate: float
    threshold: float


def placebo_starts(history: int, duration: int, *, min_train: int, count: int) -> list[int]:
    """Up to ``count`` fake-launch indices, evenly spread, each with ``min_train`` periods before it and
    ``duration`` periods after it inside a history of ``history`` periods (latest first kept)."""
    last = history - duration
    if last < min_train:
        return []
    starts = np.unique(np.round(np.linspace(last, min_train, min(count, last - min_train + 1))).astype(int))
    return sorted(int(s) for s in starts)


def power_at(launches: Sequence[PlaceboLaunch], effect: float) -> float:
    """Share of fake launches at which an added effect of ``effect`` per period is detected."""
    return float(np.mean([p.threshold < effect for p in launches])) if launches else float("nan")


def minimum_detectable_effect(launches: Sequence[PlaceboLaunch], power: float) -> float:
    """The smallest effect per period detected at a share ``power`` of fake launches (0 if even no effect is
    detected that often; never below 0)."""
    if not launches:
        return float("nan")
    t = np.sort([p.threshold for p in launches])
    k = max(1, math.ceil(power * len(t) - 1e-9))  # at least k of the launches must detect
    return max(0.0, float(t[k - 1]))


def false_positive_rate(launches: Sequence[PlaceboLaunch]) -> float:
    """Share of fake launches at which the method declares an effect (above zero) when there was none."""
    return power_at(launches, 0.0)


def synth_launches(y: np.ndarray, starts: Sequence[int], duration: int, *, level: float = 0.95,
                   screen: float | None = None) -> list[PlaceboLaunch]:
    """Fake launches of a synthetic control.

    Parameters
    ----------
    y : array (periods, 1 + donors)
        The history, treated unit first.
    starts : sequence of int
        Fake-launch indices.
    duration : int
        Periods after each fake launch.
    level : float
        Coverage of the interval the real analysis reports.
    screen : float, optional
        Placebos whose pre-launch RMSPE exceeds ``screen`` x the treated unit's are left out, as in the real
        analysis (default :data:`socialroi.models.synth.PLACEBO_SCREEN`).
    """
    from socialroi.models.synth import PLACEBO_SCREEN, donor_placebos, placebo_interval, simplex_weights

    screen = PLACEBO_SCREEN if screen is None else screen
    out = []
    for t in starts:
        h = y[: t + duration]  # the fake launch's window ends the data
        pre = np.arange(len(h)) < t

        def gap(actual: np.ndarray, synthetic: np.ndarray, pre: np.ndarray = pre) -> tuple[float, float]:
            g = actual - synthetic
            return float(np.mean(g[~pre])), float(np.sqrt(np.mean(g[pre] ** 2)))

        est, rmspe = gap(h[:, 0], h[:, 1:] @ simplex_weights(h[pre, 0], h[pre, 1:]))
        placebos = [gap(h[:, j + 1], synthetic) for j, (_, synthetic) in enumerate(donor_placebos(h[:, 1:], pre))]
        null = [m for m, r in placebos if r <= screen * rmspe]
        lower, _, _ = placebo_interval(est, np.array(null), level)
        threshold = -lower if null else float("inf")  # detected when the interval's lower end is above zero
        out.append(PlaceboLaunch(int(t), est, threshold))
    return out


def structural_launches(y: np.ndarray, controls: np.ndarray | None, starts: Sequence[int], duration: int, *,
                        level: float = 0.95, trend: bool = False, seasonal: int | None = None, draws: int = 300,
                        seed: int = 0) -> list[PlaceboLaunch]:
    """Fake launches of the structural counterfactual (:func:`socialroi.models.counterfactual.
    structural_counterfactual` fitted on the periods before each fake launch)."""
    from socialroi.models.counterfactual import structural_counterfactual

    out = []
    for i, t in enumerate(starts):
        end = t + duration
        pre = np.arange(end) < t
        r = structural_counterfactual(y[:end], None if controls is None else controls[:end], pre, trend=trend,
                                      seasonal=seasonal, level=level, draws=draws, seed=seed + i)
        out.append(PlaceboLaunch(int(t), r.mean_effect, -r.mean_lower))
    return out
