"""Interrupted time series: weekly ticket volume before and after a programme launch.

Segmented regression of the weekly count on a linear trend, annual
seasonality (``harmonics`` sine/cosine pairs of the week of the year), and
after the launch a level change and a slope change, with AR(1) errors. The
counterfactual forecast is the fitted series with the level and slope
changes set to zero; tickets avoided = the sum over post-launch weeks of
(forecast - fitted) = -sum(level + slope x weeks since launch).

The autocorrelation ``rho`` is estimated by restricted maximum likelihood
(REML: the likelihood of the residual contrasts, profiled over the
innovation variance), the coefficients by GLS given ``rho`` (Prais-Winsten,
keeping the first week), and intervals use Student's t with n - k - 1
degrees of freedom (one for ``rho``).

Why REML and t: iterated feasible GLS (statsmodels ``GLSAR``) estimates rho
from the OLS residuals, which are biased towards zero on a hundred weeks,
and its normal intervals covered 87-88 % at rho = 0.5 for a nominal 95 %;
REML with t quantiles covered 96.1 %, 94.4 % and 92.7 % at rho = 0, 0.5
and 0.8 (1,000 series of 104 weeks each; ``tests/test_its.py`` keeps the
first two as a slow test). With independent errors it agrees with OLS.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

WEEKS_PER_YEAR = 365.25 / 7


@dataclass(frozen=True, eq=False)
class ItsResult:
    """Result of :func:`interrupted_series`.

    Attributes
    ----------
    tickets_avoided, tickets_avoided_se : float
        Over the post-launch weeks.
    level_change, slope_change : float
        Weekly tickets, and tickets per week per week, after the launch.
    table : pandas.DataFrame
        week, actual, fitted, forecast (without the programme), gap
        (forecast - actual), post (bool).
    r_squared : float
    rho : float
        Lag-1 autocorrelation of the errors (REML).
    df : int
        Degrees of freedom of the t intervals (weeks - coefficients - 1).
    """

    tickets_avoided: float
    tickets_avoided_se: float
    level_change: float
    level_change_se: float
    slope_change: float
    slope_change_se: float
    p_value: float
    weeks_before: int
    weeks_after: int
    r_squared: float
    rho: float
    table: Any = field(repr=False)
    level: float = 0.95
    df: int = 0

    def interval(self) -> tuple[float, float]:
        """Interval for tickets avoided at ``level`` (Student's t with ``df`` degrees of freedom)."""
        from scipy.stats import t as student_t

        q = float(student_t.ppf(0.5 + self.level / 2, self.df))
        return self.tickets_avoided - q * self.tickets_avoided_se, self.tickets_avoided + q * self.tickets_avoided_se


def interrupted_series(
    dates: np.ndarray,
    counts: np.ndarray,
    launch: Any,
    *,
    harmonics: int = 2,
    level: float = 0.95,
) -> ItsResult:
    """Estimate tickets avoided after ``launch`` from a weekly series.

    Parameters
    ----------
    dates : array of datetime64
        Week start dates, strictly increasing, one per week.
    counts : numpy.ndarray
        Tickets in each week.
    launch : date-like
        First week of the programme (must fall inside the series, with at
        least 8 weeks on each side).
    harmonics : int
        Sine/cosine pairs of annual seasonality (0 for none).
    """
    import pandas as pd
    from scipy.stats import t as student_t

    when = pd.DatetimeIndex(pd.to_datetime(np.asarray(dates)))
    y = np.asarray(counts, dtype=float)
    launch = pd.Timestamp(launch)
    n = len(y)
    week = np.asarray((when - when[0]).days, dtype=float) / 7.0
    post = np.asarray(when >= launch)
    since = np.where(post, np.asarray((when - launch).days, dtype=float) / 7.0, 0.0)
    cols = [np.ones(n), week]
    names = ["const", "trend"]
    for k in range(1, harmonics + 1):
        angle = 2 * math.pi * k * week / WEEKS_PER_YEAR
        cols += [np.sin(angle), np.cos(angle)]
        names += [f"sin{k}", f"cos{k}"]
    cols += [post.astype(float), since]
    names += ["level_change", "slope_change"]
    x = np.column_stack(cols)
    rho, beta, cov, df, r2 = fit_ar1_reml(y, x)
    fitted = x @ beta
    forecast = fitted - beta[-2] * post - beta[-1] * since
    c = np.zeros(len(beta))
    c[-2] = -post.sum()
    c[-1] = -since.sum()
    avoided = float(c @ beta)
    se = math.sqrt(max(float(c @ cov @ c), 0.0))
    tstat = avoided / se if se > 0 else float("nan")
    table = pd.DataFrame({"week": when.strftime("%Y-%m-%d"), "actual": y, "fitted": fitted, "forecast": forecast,
                          "gap": forecast - y, "post": post})
    return ItsResult(avoided, se, float(beta[-2]), math.sqrt(cov[-2, -2]), float(beta[-1]), math.sqrt(cov[-1, -1]),
                     float(2 * student_t.sf(abs(tstat), df)), int((~post).sum()), int(post.sum()), r2, rho, table,
                     level, df)


def _prais_winsten(a: np.ndarray, rho: float) -> np.ndarray:
    """Rows whitened for AR(1) errors: first row x sqrt(1 - rho^2), then row_t - rho row_(t-1)."""
    out = np.empty_like(a)
    out[0] = a[0] * math.sqrt(1.0 - rho * rho)
    out[1:] = a[1:] - rho * a[:-1]
    return out


def fit_ar1_reml(y: np.ndarray, x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, int, float]:
    """Regression with AR(1) errors: rho by REML, coefficients by GLS.

    The restricted log-likelihood, profiled over the innovation variance, is
    ``-1/2 [(n - k) log(RSS_rho / (n - k)) - log(1 - rho^2) + log|X_rho' X_rho|]``
    with ``X_rho``, ``RSS_rho`` from the Prais-Winsten transform; it is
    maximised over rho in (-0.99, 0.99).

    Returns
    -------
    rho, beta, cov, df, r_squared
        ``cov`` = sigma^2 (X_rho' X_rho)^-1 with sigma^2 = RSS_rho / (n - k);
        ``df`` = n - k - 1; ``r_squared`` of the fitted values on the
        original scale.
    """
    from scipy.optimize import minimize_scalar

    n, k = x.shape

    def gls(rho: float) -> tuple[np.ndarray, np.ndarray, float]:
        xs, ys = _prais_winsten(x, rho), _prais_winsten(y, rho)
        gram = xs.T @ xs
        beta = np.linalg.solve(gram, xs.T @ ys)
        rss = float(np.sum((ys - xs @ beta) ** 2))
        return beta, gram, rss

    def neg_restricted(rho: float) -> float:
        _, gram, rss = gls(rho)
        _, logdet = np.linalg.slogdet(gram)
        return float(0.5 * ((n - k) * math.log(rss / (n - k)) - math.log(1.0 - rho * rho) + logdet))

    rho = float(minimize_scalar(neg_restricted, bounds=(-0.99, 0.99), method="bounded",
                                options={"xatol": 1e-8}).x)
    beta, gram, rss = gls(rho)
    cov = rss / (n - k) * np.linalg.inv(gram)
    fitted = x @ beta
    r2 = 1.0 - float(np.sum((y - fitted) ** 2) / np.sum((y - y.mean()) ** 2))
    return rho, beta, cov, n - k - 1, r2
