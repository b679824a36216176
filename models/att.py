"""Effect of engagement on the engaged (ATT) by four methods, with sandwich intervals.

Every method estimates two means over the engaged customers: ``a``, what
they produced, and ``b``, what the same customers would have produced
without engagement. The effect is ``a - b`` and the ratio ``a / b``.

naive
    ``a`` = mean outcome of the engaged, ``b`` = mean of the non-engaged.
regression
    Regression adjustment as Stata's ``teffects ra, atet`` and the
    literature define it: an outcome model ``g(E[Y | X]) = X gamma`` fitted
    on the non-engaged only, predicted for every engaged customer and
    averaged (``b``); ``a`` is the engaged customers' observed mean (for the
    canonical links with an intercept this equals the mean of a model fitted
    on the engaged). Effects may differ between customers: an earlier
    version fitted one model with a constant engagement shift, which is
    biased under heterogeneous effects and is gone.
weighting
    ``a`` = mean of the engaged; ``b`` = mean of the non-engaged weighted by
    the odds of engagement ``e / (1 - e)`` (normalised weights).
doubly_robust
    ``b`` = mean over the engaged of the non-engaged outcome model's
    prediction (as in regression), plus the odds-weighted mean residual of the non-engaged;
    consistent when either the propensity or the outcome model is right.

Standard errors come from stacking the estimating equations of the
propensity model, the outcome model and the means (M-estimation), so the
uncertainty of the fitted models is included (computed through influence
functions, see :func:`_influence_cov`); with ``clusters`` the
scores are summed by cluster first (with a G/(G-1) correction), otherwise
the score covariance takes the HC1 factor n/(n-k).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from socialroi.models.design import Design
from socialroi.models.evalue import evalue_ci, evalue_rr, rr_from_smd
from socialroi.models.glm import (
    EstimationError,
    dmean_deta,
    fit_glm,
    information_weights,
    mean_of,
    score_weights,
)
from socialroi.models.text import Text
from socialroi.models.weighting import PropensityFit

METHODS = ("naive", "regression", "weighting", "doubly_robust")
# amount: log-link gamma (positive amounts); amount_with_zeros: log-link quasi-Poisson (zeros are real amounts;
# the ratio of means needs no distributional assumption, and its sandwich errors do not rely on the variance form)
OUTCOME_FAMILIES = {"binary": "binomial", "continuous": "gaussian", "amount": "gamma",
                    "amount_with_zeros": "poisson", "count": "poisson"}


@dataclass(frozen=True)
class Effect:
    """One outcome's effect on the engaged by one method.

    ``estimate`` is in the outcome's units (a probability difference for a
    binary outcome); ``ratio`` is ``treated_mean / counterfactual_mean``.
    Intervals are Wald intervals at ``level``; the ratio's on the log scale.
    When the method could not be applied, ``available`` is False and
    ``reason`` says why; the numbers are NaN.
    """

    outcome: str
    method: str
    estimate: float
    se: float
    lower: float
    upper: float
    p_value: float
    treated_mean: float
    counterfactual_mean: float
    ratio: float
    ratio_lower: float
    ratio_upper: float
    n_engaged: int
    n_not_engaged: int
    evalue: float
    evalue_ci: float
    level: float
    available: bool = True
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain dictionary (NaN kept as float NaN)."""
        return asdict(self)


def _unavailable(outcome: str, method: str, reason: str, n1: int, n0: int, level: float) -> Effect:
    nan = float("nan")
    return Effect(outcome, method, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, n1, n0, nan, nan, level,
                  False, reason)


def _influence_cov(psi: np.ndarray, a22: np.ndarray, corrections: Any, n_params: int,
                   clusters: np.ndarray | None) -> np.ndarray:
    """Covariance of the mean parameters from the stacked estimating equations.

    The stacked Jacobian is block lower triangular (the propensity and outcome
    equations involve neither the means nor each other), so the rows of
    ``A^-1 psi`` for the means are ``A22^-1 (psi_m - A21 A11^-1 psi_nuisance)``.
    Each nuisance block's correction is ``r_i * (X_i @ G)`` with its score
    ``X_i r_i`` and ``G = H^-1 A21'``, so nothing of size n x k is built.
    The result equals the full sandwich ``A^-1 B A^-T / n`` (with the HC1
    factor n/(n-k), k all parameters; or clustered sums with G/(G-1)).

    Parameters
    ----------
    psi : (n, m) estimating functions of the m means.
    a22 : (m, m) their mean Jacobian.
    corrections : list of (matrix X, residual factor r, H, A21)
        Per nuisance block: design, per-row score factor, mean Jacobian of the
        block's own equations (p x p), mean Jacobian of the means' equations
        with respect to the block's parameters (m x p).
    """
    n = psi.shape[0]
    adj = psi.copy()
    for matrix, r, h, a21 in corrections:
        g = np.linalg.solve(h, a21.T)  # p x m
        adj -= r[:, None] * (matrix @ g)
    infl = np.linalg.solve(a22, adj.T).T  # n x m
    if clusters is not None:
        _, inv = np.unique(clusters, return_inverse=True)
        groups = int(inv.max()) + 1
        summed = np.zeros((groups, infl.shape[1]))
        np.add.at(summed, inv, infl)
        return np.asarray(summed.T @ summed / n**2 * (groups / (groups - 1) if groups > 1 else 1.0), dtype=float)
    return np.asarray(infl.T @ infl / n**2 * (n / (n - n_params) if n > n_params else 1.0), dtype=float)


def _effect(outcome: str, method: str, a: float, b: float, cov_ab: np.ndarray, y_sd: float, family: str, n1: int,
            n0: int, level: float) -> Effect:
    from scipy.special import ndtr, ndtri  # scipy.stats takes over a second to import

    z = float(ndtri(0.5 + level / 2))
    diff = a - b
    var = cov_ab[0, 0] + cov_ab[1, 1] - 2 * cov_ab[0, 1]
    se = math.sqrt(max(var, 0.0))
    lo, hi = diff - z * se, diff + z * se
    p = float(2 * ndtr(-abs(diff / se))) if se > 0 else float("nan")
    if a > 0 and b > 0:
        grad = np.array([1 / a, -1 / b])
        se_log = math.sqrt(max(float(grad @ cov_ab @ grad), 0.0))
        ratio, rlo, rhi = a / b, math.exp(math.log(a / b) - z * se_log), math.exp(math.log(a / b) + z * se_log)
    else:
        ratio = rlo = rhi = float("nan")
    if family == "binomial":
        ev, ev_ci = evalue_rr(ratio), evalue_ci(rlo, rhi)
    else:  # standardised difference on the RR scale
        sd = y_sd if y_sd > 0 else float("nan")
        ev = evalue_rr(rr_from_smd(diff / sd))
        ev_ci = evalue_ci(rr_from_smd(lo / sd), rr_from_smd(hi / sd))
    return Effect(outcome, method, float(diff), se, float(lo), float(hi), p, float(a), float(b), float(ratio),
                  float(rlo), float(rhi), n1, n0, float(ev), float(ev_ci), level)


def estimate_att(
    y: np.ndarray,
    treated: np.ndarray,
    design: Design,
    propensity: PropensityFit,
    *,
    outcome: str = "outcome",
    kind: str = "binary",
    methods: Sequence[str] = METHODS,
    clusters: np.ndarray | None = None,
    level: float = 0.95,
) -> list[Effect]:
    """Estimate the ATT of engagement on one outcome by each method.

    Parameters
    ----------
    y : numpy.ndarray
        Outcome per row (0/1 for ``binary``, positive for ``amount``).
    treated : numpy.ndarray of bool
        Engagement flag.
    design : Design
        Covariates with intercept, without the engagement flag (the same
        design the propensity model used).
    propensity : PropensityFit
        From :func:`~socialroi.models.weighting.fit_propensity`; its ``keep``
        mask (trimming) applies to every method.
    kind : {"binary", "continuous", "amount", "count"}
        Outcome type; sets the outcome model (logit, linear, log-link gamma,
        log-link Poisson).
    methods : sequence of str
        Any of :data:`METHODS`.
    clusters : numpy.ndarray, optional
        Cluster (account) of each row for clustered standard errors.

    Returns
    -------
    list of Effect
        One per method, in the order asked; a method that cannot be applied
        (e.g. separation in the outcome model) is returned with
        ``available=False`` and its reason.
    """
    family = OUTCOME_FAMILIES[kind]
    keep = propensity.keep
    y = np.asarray(y, dtype=float)[keep]
    t = np.asarray(treated, dtype=bool)[keep]
    x = design.matrix[keep]
    e = propensity.scores[keep]
    w = propensity.weights[keep]
    cl = None if clusters is None else np.asarray(clusters)[keep]
    n = len(y)
    n1, n0 = int(t.sum()), int((~t).sum())
    tf = t.astype(float)
    cf = 1.0 - tf
    y_sd = float(np.std(y[~t], ddof=1)) if n0 > 1 else float("nan")
    out: list[Effect] = []
    if n == 0 or np.ptp(y) == 0:
        reason = Text("the outcome has no variation (every value is the same), so there is no lift to estimate")
        return [_unavailable(outcome, m, reason, n1, n0, level) for m in methods]

    # the outcome model of the non-engaged, shared by regression and doubly robust
    model = None
    model_error = ""
    if {"regression", "doubly_robust"} & set(methods):
        try:
            model = fit_glm(x[~t], y[~t], family, names=design.names)
        except EstimationError as exc:
            model_error = Text("the outcome model of the non-engaged cannot be fitted: {reason}", reason=exc.args[0])
    if model is not None:
        m0 = mean_of(family, x @ model.params)  # what each customer would produce without engagement
        d0 = dmean_deta(family, m0)
        r_out = cf * score_weights(family, y, m0)  # the model's score rows: non-engaged only
        h_out = -(x.T @ (x * (cf * information_weights(family, m0))[:, None])) / n
        a21_b = x.T @ (tf * d0) / n  # d mean(T (m0 - b)) / d gamma

    p = x.shape[1]
    h_ps = -(x.T @ (x * (e * (1 - e))[:, None])) / n
    r_ps = tf - e
    for method in methods:
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}; use {METHODS}")
        if method in ("regression", "doubly_robust") and model is None:
            out.append(_unavailable(outcome, method, model_error, n1, n0, level))
            continue
        if method == "naive":
            a, b = y[t].mean(), y[~t].mean()
            psi = np.column_stack([tf * (y - a), cf * (y - b)])
            cov = _influence_cov(psi, np.diag([-n1 / n, -n0 / n]), [], 2, cl)
        elif method == "weighting":
            a = y[t].mean()
            b = np.sum(w * cf * y) / np.sum(w * cf)
            psi = np.column_stack([tf * (y - a), cf * w * (y - b)])
            a21 = np.zeros((2, p))
            a21[1] = x.T @ (cf * w * (y - b)) / n  # d w / d beta = w x for odds weights
            a22 = np.diag([-n1 / n, -np.sum(cf * w) / n])
            cov = _influence_cov(psi, a22, [(x, r_ps, h_ps, a21)], p + 2, cl)
        elif method == "regression":
            a, b = y[t].mean(), m0[t].mean()
            psi = np.column_stack([tf * (y - a), tf * (m0 - b)])
            a21 = np.vstack([np.zeros(p), a21_b])
            cov = _influence_cov(psi, np.diag([-n1 / n, -n1 / n]), [(x, r_out, h_out, a21)], p + 2, cl)
        else:  # doubly robust: b = b1 + b2
            a = y[t].mean()
            b1 = m0[t].mean()
            resid = y - m0
            b2 = np.sum(cf * w * resid) / np.sum(cf * w)
            psi = np.column_stack([tf * (y - a), tf * (m0 - b1), cf * w * (resid - b2)])
            a21_ps = np.zeros((3, p))
            a21_ps[2] = x.T @ (cf * w * (resid - b2)) / n
            a21_out = np.zeros((3, p))
            a21_out[1] = a21_b
            a21_out[2] = -x.T @ (cf * w * d0) / n
            a22 = np.diag([-n1 / n, -n1 / n, -np.sum(cf * w) / n])
            full = _influence_cov(psi, a22, [(x, r_ps, h_ps, a21_ps), (x, r_out, h_out, a21_out)], 2 * p + 3, cl)
            contrast = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])
            cov = contrast @ full @ contrast.T
            b = b1 + b2
        out.append(_effect(outcome, method, float(a), float(b), cov, y_sd, family, n1, n0, level))
    return out

