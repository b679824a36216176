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

The baseline is Breslow's right-continuous estimator ``H0(t) = sum over
event times t_j <= t of d_j / sum over the risk set of exp(x beta)``, so the
survival at the horizon counts the events at the horizon (Rossi's 52-week
difference is 0.0807, as lifelines gives).

Standard errors come from each subject's influence on the estimate: through
the coefficients (robust score residuals), through the baseline hazard (the
Breslow estimator's martingale influence, including its dependence on the
coefficients) and through the average over the engaged; summed by cluster
when clusters are given. Treating the baseline as known, as an earlier
version did, gave intervals 33-43 % too wide on Rossi against a bootstrap.
With Efron ties the coefficients are Efron's and the score residuals
Breslow's form at those coefficients (the two agree when ties are rare).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from socialroi.models.design import Design
from socialroi.models.evalue import evalue_ci, evalue_rr, rr_from_hr
from socialroi.models.glm import EstimationError
from socialroi.models.text import Text


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

    def to_dict(self) -> dict[str, Any]:
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
    return np.asarray(own - r[:, None] * (exog * a[inverse][:, None] - b[inverse]), dtype=float)


def robust_cov(time: np.ndarray, event: np.ndarray, exog: np.ndarray, beta: np.ndarray, naive_cov: np.ndarray,
               clusters: np.ndarray | None = None) -> np.ndarray:
    """Sandwich covariance ``V U'U V`` of Cox coefficients (scores summed by cluster)."""
    u = score_residuals(time, event, exog, beta)
    if clusters is not None:
        _, inv = np.unique(clusters, return_inverse=True)
        summed = np.zeros((int(inv.max()) + 1, u.shape[1]))
        np.add.at(summed, inv, u)
        u = summed
    return np.asarray(naive_cov @ (u.T @ u) @ naive_cov, dtype=float)


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
    ties: str = "efron",
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
    ties : {"efron", "breslow"}
        Handling of tied event times in the coefficients (Efron, as lifelines
        and R use by default).

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
        raise EstimationError(Text("no events (every time is censored), so the hazard ratio is not identified"))
    exog = np.column_stack([t.astype(float), design.matrix[:, 1:]])
    try:
        res = PHReg(time, exog, status=event.astype(float), ties=ties).fit()
    except (np.linalg.LinAlgError, ValueError) as exc:
        raise EstimationError(Text("the Cox model cannot be fitted ({reason})", reason=str(exc))) from None
    beta = np.asarray(res.params)
    naive = np.asarray(res.cov_params())
    if not np.all(np.isfinite(beta)) or not np.all(np.isfinite(naive)):
        raise EstimationError(Text("the Cox model did not converge (separation or too few events)"))
    u = score_residuals(time, event, exog, beta)
    phi_beta = u @ naive  # influence of each subject on beta (sum scale): V U_i
    z = norm.ppf(0.5 + level / 2)

    # Breslow baseline cumulative hazard, right-continuous: H0(t) = sum over event times t_j <= t of d_j / S0(t_j)
    r = np.exp(exog @ beta)
    utimes, inverse = np.unique(time, return_inverse=True)
    k_all = len(utimes)
    s0 = np.cumsum(np.bincount(inverse, weights=r, minlength=k_all)[::-1])[::-1]
    s1_at = np.zeros((k_all, exog.shape[1]))
    np.add.at(s1_at, inverse, exog * r[:, None])
    xbar = np.cumsum(s1_at[::-1], axis=0)[::-1] / s0[:, None]
    d = np.bincount(inverse, weights=event.astype(float), minlength=k_all)
    dh = d / s0  # jumps of H0 at every unique time (0 where no event)
    within = utimes <= horizon
    hz = np.cumsum(dh[within])  # H0 at each unique time up to the horizon
    grid = np.concatenate([[0.0], utimes[within], [horizon]])
    h_grid = np.concatenate([[0.0], hz])  # H0 on [grid_k, grid_k+1)
    widths = np.diff(grid)

    x1 = exog[t].copy()
    x1[:, 0] = 1.0
    x0 = x1.copy()
    x0[:, 0] = 0.0
    r1, r0 = np.exp(x1 @ beta), np.exp(x0 @ beta)
    s1_steps = np.exp(-np.outer(r1, h_grid))  # n1 x K survival on each step
    s0_steps = np.exp(-np.outer(r0, h_grid))
    s1_h, s0_h = s1_steps[:, -1], s0_steps[:, -1]
    rmst1, rmst0 = s1_steps @ widths, s0_steps @ widths
    n1 = int(t.sum())

    def influence(per_engaged: np.ndarray, g_beta: np.ndarray, c_grid: np.ndarray) -> np.ndarray:
        """Influence of each subject on mean-over-engaged of f(x; beta, H0), f's value per engaged row given.

        Three parts: the average over the engaged; beta through ``g_beta``
        (d mean / d beta); the baseline hazard at each grid step through
        ``c_grid`` (d mean / d H0(grid_k)), with the Breslow estimator's own
        influence ``sum_j [dN_i(t_j) - Y_i(t_j) r_i dH0_j] / S0_j - B' phi_beta``.
        """
        phi = np.zeros(len(time))
        phi[t] = (per_engaged - per_engaged.mean()) / n1
        phi += phi_beta @ g_beta
        # C_j = sum of c over grid steps at or after unique time j (grid step k >= 1 is unique time k-1)
        c_times = np.zeros(k_all)
        c_times[np.flatnonzero(within)] = np.cumsum(c_grid[1:][::-1])[::-1]
        jump = c_times / s0
        own = event * jump[inverse]
        at_risk = np.cumsum(jump * dh)[inverse]  # sum over t_j <= T_i of C_j dH0_j / S0_j
        b_vec = (c_times * dh) @ xbar  # sum_j C_j xbar_j dH0_j
        return np.asarray(phi + own - r * at_risk - phi_beta @ b_vec, dtype=float)

    diff_s = s1_h - s0_h
    g_s = (-(s1_h * h_grid[-1] * r1)[:, None] * x1 + (s0_h * h_grid[-1] * r0)[:, None] * x0).mean(axis=0)
    c_s = np.zeros(len(h_grid))
    c_s[-1] = float((-r1 * s1_h + r0 * s0_h).mean())
    phi_s = influence(diff_s, g_s, c_s)
    saved = rmst0 - rmst1
    g_r1 = (-(s1_steps * h_grid[None, :] * r1[:, None]) @ widths)[:, None] * x1
    g_r0 = (-(s0_steps * h_grid[None, :] * r0[:, None]) @ widths)[:, None] * x0
    g_rm = (g_r0 - g_r1).mean(axis=0)
    c_rm = ((-r0[:, None] * s0_steps + r1[:, None] * s1_steps).mean(axis=0)) * widths
    phi_rm = influence(saved, g_rm, c_rm)
    phis = np.column_stack([phi_beta[:, 0], phi_s, phi_rm])
    if clusters is not None:
        _, inv = np.unique(clusters, return_inverse=True)
        summed = np.zeros((int(inv.max()) + 1, 3))
        np.add.at(summed, inv, phis)
        phis = summed
    var = np.sum(phis**2, axis=0)
    se_t, se_s, se_rm = (math.sqrt(max(float(v), 0.0)) for v in var)
    hr = math.exp(beta[0])
    hr_lo, hr_hi = math.exp(beta[0] - z * se_t), math.exp(beta[0] + z * se_t)
    p = float(2 * norm.sf(abs(beta[0] / se_t)))
    rr = rr_from_hr(hr)
    return HazardEffect(
        outcome, hr, hr_lo, hr_hi, p, float(horizon), float(s1_h.mean()), float(s0_h.mean()),
        float(diff_s.mean()), se_s, float(rmst1.mean()), float(rmst0.mean()),
        float(saved.mean()), se_rm, n1, int((~t).sum()), int(event.sum()),
        evalue_rr(rr), evalue_ci(rr_from_hr(hr_lo), rr_from_hr(hr_hi)), level,
    )
