"""Planted effects: the structural counterfactual's intervals cover at their nominal rate, and synthetic-control
placebo tests reject no more often than their nominal size (slow simulations; CI runs them).

The generator is socialroi.datasets.incrementality (several seeds, effects and noise levels, with and without
autocorrelated noise). Monte Carlo tolerances: with R replications a 95 % coverage has standard error
sqrt(0.95 x 0.05 / R); the bounds below are 3 of them.
"""

import math

import numpy as np
import pytest

from socialroi.datasets.incrementality import planted_panel, planted_series
from socialroi.models.counterfactual import structural_counterfactual
from socialroi.models.synth import in_space_placebos, synthetic_control


def _coverage(reps, **kw):
    hits, widths = 0, []
    for seed in range(reps):
        s = planted_series(seed=seed, **kw)
        r = structural_counterfactual(s["y"], s["controls"], s["pre"], draws=300, seed=seed)
        hits += r.mean_lower <= s["effect"] <= r.mean_upper
        widths.append(r.mean_upper - r.mean_lower)
    return hits / reps, float(np.mean(widths))


@pytest.mark.slow
# the effect is added after the launch and does not enter the fit, so coverage does not depend on its size (0 and 2
# give the same figure on the same seeds); the noise level and the length of the series do. A small level variance
# beside white noise (noise 1) is the hard case: plug-in variances covered 89.5 % there, the reflected-normal
# draws 91.5 %; the posterior draws 95.0 %
@pytest.mark.parametrize("reps, kw", [(200, dict(effect=0.0, noise=1.0)), (100, dict(effect=2.0, noise=3.0)),
                                      (200, dict(effect=2.0, noise=1.0, periods=48, launch=36))],
                         ids=["small-level-variance", "noisy", "short-36-before-12-after"])
def test_structural_intervals_cover_planted_effects(reps, kw):
    cover, _ = _coverage(reps, **kw)
    se = math.sqrt(0.95 * 0.05 / reps)
    assert 0.95 - 3 * se <= cover <= 0.95 + 3 * se, (kw, cover)


@pytest.mark.slow
def test_structural_intervals_under_autocorrelated_noise_are_reported_not_hidden():
    """AR(1) noise (rho 0.6) the model does not have: the local level absorbs much of it; the coverage is
    measured and must stay within 10 points of nominal (the figure is in the closing note)."""
    cover, _ = _coverage(100, effect=2.0, noise=1.0, rho=0.6)
    assert cover >= 0.85, cover


@pytest.mark.slow
def test_synthetic_control_placebo_test_has_its_nominal_size():
    """No effect: the treated unit is exchangeable with its 19 donors, so p <= 0.05 (rank 1 of 20) happens in 1 of
    20 panels; over 200 panels the rejection rate must stay within 3 standard errors of 0.05."""
    reps, rejections = 200, 0
    for seed in range(reps):
        panel = planted_panel(seed=seed, effect=0.0, donors=19)
        fit = synthetic_control(panel, unit="unit", time="period", outcome="y", treated="treated", launch=40)
        p = in_space_placebos(panel, fit, unit="unit", time="period", outcome="y", launch=40).p_value
        rejections += p <= 0.05
    assert rejections / reps <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / reps)


@pytest.mark.slow
def test_synthetic_control_recovers_a_planted_effect():
    errors = []
    for seed in range(30):
        panel = planted_panel(seed=seed, effect=5.0, donors=19)
        fit = synthetic_control(panel, unit="unit", time="period", outcome="y", treated="treated", launch=40)
        errors.append(fit.mean_effect - 5.0)
    assert abs(float(np.mean(errors))) < 0.5 and float(np.std(errors)) < 2.0


@pytest.mark.slow
@pytest.mark.parametrize("donors, level", [(39, 0.95), (19, 0.90)])
def test_synthetic_control_rank_interval_covers_at_its_stated_level(donors, level):
    """The value interval of a synthetic control is the rank interval of the placebos' gaps: with 39 placebos it
    is a full 95 % interval, with 19 the min-max interval, whose coverage is (n - 1) / (n + 1) = 90 % and is said
    so. Interpolated quantiles (the rule before) covered 89 % while claiming 95 % with 19 donors."""
    from socialroi.models.synth import placebo_interval

    reps, hits = 200, 0
    for seed in range(reps):
        panel = planted_panel(seed=seed, effect=5.0, donors=donors)
        fit = synthetic_control(panel, unit="unit", time="period", outcome="y", treated="treated", launch=40)
        pl = in_space_placebos(panel, fit, unit="unit", time="period", outcome="y", launch=40)
        null = [f.cumulative_effect for f in pl.fits.values() if f.pre_rmspe <= 5 * fit.pre_rmspe]
        lo, hi, achieved = placebo_interval(fit.cumulative_effect, null, 0.95)
        assert achieved <= 0.95
        hits += lo <= 5.0 * 12 <= hi
    assert hits / reps >= level - 3 * math.sqrt(level * (1 - level) / reps), hits / reps


def test_rank_interval_by_hand():
    from socialroi.models.synth import placebo_interval

    null = list(range(1, 40))  # 39 placebos: k = floor(0.025 x 40) = 1, the min-max interval, coverage 38/40
    assert placebo_interval(100.0, null, 0.95) == (100.0 - 39, 100.0 - 1, 0.95)
    lo, hi, achieved = placebo_interval(10.0, [1.0, -2.0, 3.0], 0.95)  # too few: min-max, coverage 2/4
    assert (lo, hi, achieved) == (7.0, 12.0, 0.5)
    assert placebo_interval(1.0, [], 0.95)[2] == 0.0
