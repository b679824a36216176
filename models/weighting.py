"""Propensity scores, ATT weights, overlap and covariate balance.

For the effect on the engaged (ATT), engaged customers get weight 1 and
non-engaged customers the odds of engagement ``e / (1 - e)``, which makes
the non-engaged look like the engaged on the covariates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from socialroi.models.design import Design
from socialroi.models.glm import fit_glm, mean_of
from socialroi.models.text import Count, Num, Share, Text

SMD_THRESHOLD = 0.1


@dataclass(frozen=True, eq=False)
class PropensityFit:
    """Propensity model of engagement and the ATT weights.

    Attributes
    ----------
    params : numpy.ndarray
        Logit coefficients (on the design's columns).
    scores : numpy.ndarray
        Propensity scores of every row.
    weights : numpy.ndarray
        ATT weights: 1 for engaged rows, e/(1-e) for the others.
    keep : numpy.ndarray
        Rows kept after trimming (all True without trimming).
    overlap : dict
        Propensity summary per group, effective sample size of the weighted
        non-engaged, share of extreme weights, rows trimmed.
    warnings : tuple of str
    """

    params: np.ndarray
    scores: np.ndarray
    weights: np.ndarray
    keep: np.ndarray
    overlap: dict[str, Any]
    warnings: tuple[str, ...] = field(default=())

    @classmethod
    def unused(cls, n: int) -> PropensityFit:
        """A stand-in for ``n`` rows where no propensity is fitted (naive and regression need none): every row
        kept, weight 1."""
        return cls(np.zeros(1), np.full(n, 0.5), np.ones(n), np.ones(n, bool), {})


def _summary(x: np.ndarray) -> dict[str, float]:
    if x.size == 0:
        return {}
    q = np.quantile(x, [0.0, 0.05, 0.5, 0.95, 1.0])
    return {"min": float(q[0]), "p5": float(q[1]), "median": float(q[2]), "p95": float(q[3]), "max": float(q[4]),
            "mean": float(x.mean())}


def fit_propensity(treated: np.ndarray, design: Design, *, trim: float | None = None) -> PropensityFit:
    """Fit the engagement model and build ATT weights with overlap diagnostics.

    Parameters
    ----------
    treated : numpy.ndarray of bool
        Engagement flag per row.
    design : Design
        Covariates (intercept first), without the engagement flag.
    trim : float, optional
        Drop rows whose propensity is outside ``[trim, 1 - trim]`` (e.g. 0.01);
        the estimand is then the ATT on the rows kept.
    """
    t = np.asarray(treated, dtype=float)
    fit = fit_glm(design.matrix, t, "binomial")
    eta = fit.linear_predictor(design.matrix)  # once: the scores and the odds both come from it
    e = mean_of("binomial", eta)
    keep = np.ones(len(t), dtype=bool)
    warnings: list[str] = []
    if trim:
        keep = (e >= trim) & (e <= 1 - trim)
        dropped = int((~keep).sum())
        if dropped:
            warnings.append(Text("trimmed {n} row(s) with propensity outside [{low}, {high}]; the effect is for the "
                                 "engaged customers inside that range", n=Count(dropped), low=Num(trim, None),
                                 high=Num(1 - trim, None)))
    # the odds e / (1 - e) are exp(eta): exact even where e rounds to 1, and only the non-engaged need them
    w = np.ones(len(t))
    control = t == 0
    w[control] = np.exp(np.clip(eta[control], -700, 700))
    tk, wk, ek = t[keep], w[keep], e[keep]
    wc = wk[tk == 0]
    ess = float(wc.sum() ** 2 / np.sum(wc**2)) if wc.size else 0.0
    top = np.sort(wc)[::-1]
    top_share = float(top[: max(1, int(np.ceil(0.01 * top.size)))].sum() / top.sum()) if top.size else 0.0
    overlap = {
        "propensity_engaged": _summary(ek[tk == 1]),
        "propensity_not_engaged": _summary(ek[tk == 0]),
        "effective_sample_size_not_engaged": ess,
        "n_not_engaged": int((tk == 0).sum()),
        "share_weight_in_top_1pct": top_share,
        "share_engaged_above_0.95": float(np.mean(ek[tk == 1] > 0.95)) if (tk == 1).any() else 0.0,
        "rows_trimmed": int((~keep).sum()),
    }
    if wc.size and ess < 0.1 * wc.size:
        warnings.append(Text("poor overlap: the weighted non-engaged group is worth {ess} customers out of {n} "
                             "(effective sample size); weighting estimates are fragile, consider trimming",
                             ess=Count(round(ess)), n=Count(wc.size)))
    above = float(overlap["share_engaged_above_0.95"])  # type: ignore[arg-type]
    if above > 0.05:
        warnings.append(Text("poor overlap: {share} of engaged customers have a propensity above 0.95 (few comparable "
                             "non-engaged customers)", share=Share(above)))
    return PropensityFit(fit.params, e, w, keep, overlap, tuple(warnings))


def balance_table(design: Design, treated: np.ndarray, weights: np.ndarray) -> Any:
    """Standardised mean differences of each covariate column before and after weighting.

    SMD = (mean engaged - mean non-engaged) / sqrt((var engaged + var non-engaged) / 2),
    with the unweighted pooled standard deviation in both columns, so the two
    are comparable. ``imbalanced`` flags |SMD after| > 0.1.
    """
    import pandas as pd

    t = np.asarray(treated, dtype=bool)
    x = design.matrix[:, 1:]
    x1, x0, w0 = x[t], x[~t], weights[~t]
    m1, m0 = x1.mean(axis=0), x0.mean(axis=0)
    sd = np.sqrt((x1.var(axis=0, ddof=1) + x0.var(axis=0, ddof=1)) / 2.0) if len(x1) > 1 and len(x0) > 1 else \
        np.ones(x.shape[1])
    sd = np.where(sd > 0, sd, 1.0)
    m0w = (w0[:, None] * x0).sum(axis=0) / w0.sum()
    before = (m1 - m0) / sd
    after = (m1 - m0w) / sd
    return pd.DataFrame({
        "covariate": list(design.names[1:]),
        "mean_engaged": m1, "mean_not_engaged": m0, "mean_not_engaged_weighted": m0w,
        "smd_before": before, "smd_after": after,
        "imbalanced": np.abs(after) > SMD_THRESHOLD,
    })
