"""Ticket counts per customer regressed on engagement: rate ratio and tickets avoided.

A Poisson GLM with log link, the engagement flag, covariates and
``log(exposure)`` as offset (statsmodels), with robust standard errors. The
Cameron-Trivedi test of the Poisson assumption (auxiliary regression of
``((y - mu)^2 - y) / mu`` on ``mu``, no intercept) decides whether the data
are overdispersed; if so (p < 0.05 and alpha > 0) a negative binomial (NB2)
model is fitted instead, and the test is reported either way.

Tickets avoided among the engaged = sum over engaged customers of
``mu_i / RR - mu_i`` (their expected tickets without engagement minus with),
where RR = exp(coefficient of engagement); its standard error comes from
the delta method over all coefficients (robust covariance), for the
customers observed.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from socialroi.models.glm import EstimationError
from socialroi.models.text import Text


@dataclass(frozen=True)
class CountEffect:
    """Effect of engagement on ticket counts (see the module docstring)."""

    model: str
    rate_ratio: float
    rr_lower: float
    rr_upper: float
    p_value: float
    tickets_avoided: float
    tickets_avoided_se: float
    dispersion_alpha: float
    dispersion_p_value: float
    overdispersed: bool
    n_engaged: int
    n_not_engaged: int
    tickets_engaged: float
    level: float

    def to_dict(self) -> dict[str, Any]:
        """Plain dictionary."""
        return asdict(self)


def dispersion_test(y: np.ndarray, mu: np.ndarray) -> tuple[float, float]:
    """Cameron-Trivedi test: (alpha, one-sided p-value for alpha > 0)."""
    import statsmodels.api as sm
    from scipy.special import ndtr

    aux = ((y - mu) ** 2 - y) / mu
    res = sm.OLS(aux, mu).fit()
    alpha = float(res.params[0])
    return alpha, float(ndtr(-res.tvalues[0]))


def count_effect(
    counts: np.ndarray,
    treated: np.ndarray,
    matrix: np.ndarray,
    *,
    exposure: np.ndarray | None = None,
    level: float = 0.95,
    model: str = "auto",
) -> CountEffect:
    """Fit the count model and compute the tickets the engaged avoided.

    Parameters
    ----------
    counts : numpy.ndarray
        Tickets per customer (and period), non-negative integers.
    treated : numpy.ndarray of bool
    matrix : numpy.ndarray
        Design with intercept (covariates; the flag is added here).
    exposure : numpy.ndarray, optional
        Time at risk per row (e.g. months active); ``log(exposure)`` is the offset.
    model : {"auto", "poisson", "negative_binomial"}
        ``auto`` chooses by the dispersion test.
    """
    import statsmodels.api as sm
    from scipy.special import ndtr, ndtri

    y = np.asarray(counts, dtype=float)
    t = np.asarray(treated, dtype=bool)
    if y.sum() == 0:
        raise EstimationError(Text("no tickets at all, so there is no rate to compare"))
    exog = np.column_stack([matrix[:, :1], t.astype(float), matrix[:, 1:]])
    offset = np.log(np.asarray(exposure, dtype=float)) if exposure is not None else None
    pois = sm.GLM(y, exog, family=sm.families.Poisson(), offset=offset).fit(cov_type="HC0")
    alpha, p_disp = dispersion_test(y, pois.mu)
    over = alpha > 0 and p_disp < 0.05
    chosen = model if model != "auto" else ("negative_binomial" if over else "poisson")
    if chosen == "negative_binomial":
        try:
            nb = sm.NegativeBinomial(y, exog, offset=offset, loglike_method="nb2").fit(disp=0, maxiter=200,
                                                                                         cov_type="HC0")
        except (np.linalg.LinAlgError, ValueError) as exc:
            raise EstimationError(Text("the negative binomial model cannot be fitted ({reason})", reason=str(exc))) from None
        beta, cov = np.asarray(nb.params)[:-1], np.asarray(nb.cov_params())[:-1, :-1]
    else:
        beta, cov = np.asarray(pois.params), np.asarray(pois.cov_params())
    z = float(ndtri(0.5 + level / 2))
    b, se = float(beta[1]), math.sqrt(cov[1, 1])
    rr = math.exp(b)
    eta = exog @ beta + (offset if offset is not None else 0.0)
    mu1 = np.exp(eta[t])  # engaged customers' expected tickets, as observed (engaged)
    mu0 = mu1 / rr  # the same customers without engagement
    avoided = float(np.sum(mu0 - mu1))
    # delta method over every coefficient: d(mu0 - mu1)/d beta_j = x_j (mu0 - mu1), except for the
    # engagement coefficient, which only mu1 contains: d/db = -mu1
    grad = exog[t].T @ (mu0 - mu1)
    grad[1] = -float(np.sum(mu1))
    se_avoided = math.sqrt(max(float(grad @ cov @ grad), 0.0))
    p = float(2 * ndtr(-abs(b / se)))
    return CountEffect(chosen, rr, math.exp(b - z * se), math.exp(b + z * se), p, avoided, se_avoided, alpha, p_disp,
                       bool(over), int(t.sum()), int((~t).sum()), float(y[t].sum()), level)
