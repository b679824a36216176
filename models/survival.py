"""Time-to-event outcomes with censoring: tenure until churn, days until a deal closes.

A Cox proportional hazards model (statsmodels ``PHReg``) of the event on
engagement and the covariates gives the hazard ratio of engagement, with a
robust (sandwich) covariance, clustered when clusters are given. From the
fitted model and the Breslow baseline hazard, for the engaged customers:

- ``survival_difference``: mean over the engaged of S(h | x, engaged) -
  S(h | x, not engaged) at the horizon h (for churn: extra customers still
  retained at h, as a share);
- ``time_saved``: mean over the engaged of the restricted mean time to the
  event up to h without engagement minus with engagement; positive when
  the event comes sooner with engagement (deals close faster), negative
  when it comes later (customers churn later).

Their intervals use the delta method on the coefficients' robust
covariance and treat the baseline hazard as known (stated in the result).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from socialroi.models.design import Design
from socialroi.models.evalue import evalue_ci, evalue_rr, rr_from_hr
from socialroi.models.glm import EstimationError


@dataclass(frozen=True)
class HazardEffect:
    """Effect of engagement on a time-to-event outcome (see the module docstring)."""

    outcome: str
    hazard_ratio: float
    hr_lower: float
    hr_upper: float
    p_value: float
    horizon: float
    survival_engaged: float
    survival_counterfactual: float
    survival_difference: float
    survival_difference_se: float
    rmst_engaged: float
    rmst_counterfactual: float
    time_saved: float
    time_saved_se: float
    n_engaged: int
    n_not_engaged: int
    events: int
    evalue: float
    evalue_ci: float
    level: float
    available: bool = True
    reason: str = ""

    def to_dict(self) -> dict:
        """Plain dictionary."""
        return asdict(self)


def score_residuals(time: np.ndarray, event: np.ndarray, exog: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Cox score residuals (Breslow ties), one row per subject.

    ``U_i = d_i (x_i - xbar(t_i)) - r_i * sum over event times t_j <= t_i of
    d_j (x_i - xbar(t_j)) / S0(t_j)``, with ``r = exp(x beta)``, ``S0`` the
    risk-set sum of r and ``xbar`` the risk-weighted covariate mean.
    Vectorised; equal to statsmodels' ``PHRegResults.score_residuals``.
    """
    r = np.exp(exog @ beta)
    utimes, inverse = np.unique(time, return_inverse=True)
    k = len(utimes)
    # risk-set sums at each unique time: everyone with time >= t
    s0_at = np.bincount(inverse, weights=r, minlength=k)
    s1_at = np.zeros((k, exog.shape[1]))
    np.add.at(s1_at, inverse, exog * r[:, None])
    s0 = np.cumsum(s0_at[::-1])[::-1]
    s1 = np.cumsum(s1_at[::-1], axis=0)[::-1]
    xbar = s1 / s0[:, None]
    d = np.bincount(inverse, weights=event.astype(float), minlength=k)  # events at each unique time
    a = np.cumsum(d / s0)
    b = np.cumsum((d / s0)[:, None] * xbar, axis=0)
    own = event[:, None] * (exog - xbar[inverse])
    return own - r[:, None] * (exog * a[inverse][:, None] - b[inverse])


def robust_cov(time, event, exog, beta, naive_cov, clusters=None) -> np.ndarray:
    """Sandwich covariance ``V U'U V`` of Cox coefficients (scores summed by cluster)."""
    u = score_residuals(time, event, exog, beta)
    if clusters is not None:
        _, inv = np.unique(clusters, return_inverse=True)
        summed = np.zeros((int(inv.max()) + 1, u.shape[1]))
        np.add.at(summed, inv, u)
        u = summed
    return naive_cov @ (u.T @ u) @ naive_cov


def cox_att(
    time: np.ndarray,
    event: np.ndarray,
    treated: np.ndarray,
    design: Design,
    *,
    horizon: float,
    outcome: str = "time",
    clusters: np.ndarray | None = None,
    level: float = 0.95,
) -> HazardEffect:
    """Fit the Cox model and summarise the effect of engagement on the engaged.

    Parameters
    ----------
    time : numpy.ndarray
        Follow-up time (tenure in months, days to close...), positive.
    event : numpy.ndarray of bool
        True when the event happened (churned, deal won); False = censored.
    treated : numpy.ndarray of bool
    design : Design
        Covariates with intercept (the intercept is dropped: Cox has none).
    horizon : float
        Time at which survival and restricted mean time are compared, in
        the units of ``time``.

    Raises
    ------
    EstimationError
        No events, or the model cannot be fitted.
    """
    from scipy.stats import norm
    from statsmodels.duration.hazard_regression import PHReg

    time = np.asarray(time, dtype=float)
    event = np.asarray(event, dtype=bool)
    t = np.asarray(treated, dtype=bool)
    if event.sum() == 0:
        raise EstimationError("no events (every time is censored), so the hazard ratio is not identified")
    exog = np.column_stack([t.astype(float), design.matrix[:, 1:]])
    try:
        res = PHReg(time, exog, status=event.astype(float), ties="breslow").fit()
    except (np.linalg.LinAlgError, ValueError) as exc:
        raise EstimationError(f"the Cox model cannot be fitted ({exc})") from None
    beta = np.asarray(res.params)
    cov = robust_cov(time, event, exog, beta, np.asarray(res.cov_params()), clusters)
    if not np.all(np.isfinite(beta)) or not np.all(np.isfinite(cov)):
        raise EstimationError("the Cox model did not converge (separation or too few events)")
    z = norm.ppf(0.5 + level / 2)
    se_t = math.sqrt(cov[0, 0])
    hr = math.exp(beta[0])
    hr_lo, hr_hi = math.exp(beta[0] - z * se_t), math.exp(beta[0] + z * se_t)
    p = float(2 * norm.sf(abs(beta[0] / se_t)))

    # Breslow baseline cumulative hazard (covariates at zero), as a step function
    base_times, base_cumhaz, _ = res.baseline_cumulative_hazard[0]
    base_times = np.asarray(base_times)
    base_cumhaz = np.asarray(base_cumhaz)
    grid = np.concatenate([[0.0], base_times[base_times < horizon], [horizon]])
    h_grid = np.concatenate([[0.0], base_cumhaz[base_times < horizon]])  # H0 on [grid_k, grid_k+1)
    widths = np.diff(grid)

    x1 = exog[t].copy()
    x1[:, 0] = 1.0
    x0 = x1.copy()
    x0[:, 0] = 0.0
    eta1, eta0 = x1 @ beta, x0 @ beta
    r1, r0 = np.exp(eta1), np.exp(eta0)
    s1_steps = np.exp(-np.outer(r1, h_grid))  # n1 x K survival on each step
    s0_steps = np.exp(-np.outer(r0, h_grid))
    s1_h, s0_h = s1_steps[:, -1], s0_steps[:, -1]
    rmst1, rmst0 = s1_steps @ widths, s0_steps @ widths
    # delta method in beta: dS/dbeta = -S * H0 * r * x
    g_s = (-(s1_h * h_grid[-1] * r1)[:, None] * x1 + (s0_h * h_grid[-1] * r0)[:, None] * x0).mean(axis=0)
    g_r1 = (-(s1_steps * h_grid[None, :] * r1[:, None]) @ widths)[:, None] * x1
    g_r0 = (-(s0_steps * h_grid[None, :] * r0[:, None]) @ widths)[:, None] * x0
    g_rm = (g_r0 - g_r1).mean(axis=0)
    se_s = math.sqrt(max(float(g_s @ cov @ g_s), 0.0))
    se_rm = math.sqrt(max(float(g_rm @ cov @ g_rm), 0.0))
    rr = rr_from_hr(hr)
    return HazardEffect(
        outcome, hr, hr_lo, hr_hi, p, float(horizon), float(s1_h.mean()), float(s0_h.mean()),
        float((s1_h - s0_h).mean()), se_s, float(rmst1.mean()), float(rmst0.mean()),
        float((rmst0 - rmst1).mean()), se_rm, int(t.sum()), int((~t).sum()), int(event.sum()),
        evalue_rr(rr), evalue_ci(rr_from_hr(hr_lo), rr_from_hr(hr_hi)), level,
    )
