"""Interrupted time series with AR(1) errors: REML against a dense implementation, and coverage."""

import math

import numpy as np
import pandas as pd
import pytest

from socialroi.models.its import fit_ar1_reml, interrupted_series


def _series(rng, rho, n=104, launch=52, level=-40.0, sd=12.0):
    e = np.empty(n)
    e[0] = rng.normal(0, sd / math.sqrt(1 - rho**2))
    for i in range(1, n):
        e[i] = rho * e[i - 1] + rng.normal(0, sd)
    w = np.arange(n)
    y = 500 + 0.5 * w + 30 * np.sin(2 * np.pi * w / (365.25 / 7)) + level * (w >= launch) + e
    return pd.date_range("2024-01-01", periods=n, freq="7D"), y


def test_reml_equals_a_dense_restricted_likelihood():
    """The transform-based REML equals maximising -1/2[log|V| + log|X'V^-1 X| + r'V^-1 r] with V built in full."""
    from scipy.optimize import minimize

    rng = np.random.default_rng(1)
    dates, y = _series(rng, 0.6, n=60, launch=30)
    w = np.arange(60.0)
    x = np.column_stack([np.ones(60), w, (w >= 30).astype(float), np.where(w >= 30, w - 30, 0.0)])

    def neg(params):
        rho, log_s2 = params
        v = np.exp(log_s2) / (1 - rho**2) * rho ** np.abs(np.subtract.outer(np.arange(60), np.arange(60)))
        vi = np.linalg.inv(v)
        xvx = x.T @ vi @ x
        beta = np.linalg.solve(xvx, x.T @ vi @ y)
        r = y - x @ beta
        return 0.5 * (np.linalg.slogdet(v)[1] + np.linalg.slogdet(xvx)[1] + r @ vi @ r)

    best = minimize(neg, [0.3, 4.0], method="Powell", bounds=[(-0.99, 0.99), (-5.0, 15.0)],
                    options={"xtol": 1e-10, "ftol": 1e-13, "maxiter": 20000})
    rho_dense = best.x[0]
    rho, beta, cov, df, _ = fit_ar1_reml(y, x)
    assert rho == pytest.approx(rho_dense, abs=1e-4)
    assert df == 60 - 4 - 1


def test_independent_errors_agree_with_ols():
    import statsmodels.api as sm

    rng = np.random.default_rng(2)
    x = np.column_stack([np.ones(120), rng.normal(size=120)])
    y = x @ [1.0, 2.0] + rng.normal(size=120)
    ols = sm.OLS(y, x).fit()
    rho, beta, cov, _, _ = fit_ar1_reml(y, x)
    assert abs(rho) < 0.2
    # with rho near zero, GLS is OLS up to the first-row weighting
    np.testing.assert_allclose(beta, ols.params, atol=3 * float(np.sqrt(np.diag(ols.cov_params())).max()) * abs(rho)
                               + 1e-9)


@pytest.mark.slow
@pytest.mark.parametrize("rho", [0.0, 0.5])
def test_level_change_intervals_cover_at_the_nominal_rate(rho):
    """1,000 series of 104 weeks, launch at week 52: 95 % t intervals for tickets avoided cover 93-97 %."""
    rng = np.random.default_rng(20 + int(rho * 10))
    reps = 1000
    hits = 0
    for _ in range(reps):
        dates, y = _series(rng, rho)
        r = interrupted_series(dates.values, y, dates[52])
        lo, hi = r.interval()
        hits += lo <= 40.0 * r.weeks_after <= hi
    assert 0.93 <= hits / reps <= 0.97, hits / reps
