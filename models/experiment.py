"""Randomised two-group tests (holdout and split tests): the effect of assignment on the outcome.

With randomised assignment, the difference between the groups' means is an
unbiased estimate of the average effect of being assigned to the test group
(intent to treat); no covariates or models are needed.

* **Amounts** (revenue per person, orders, minutes): difference in means with
  Welch's standard error and the Welch-Satterthwaite degrees of freedom; the
  interval is Student-t (``statsmodels``' ``ttest_ind(usevar="unequal")``
  gives the same figures).
* **Binary outcomes** (converted or not): the difference in proportions,
  with the Agresti-Caffo interval (one success and one failure added to each
  group before a Wald interval). It keeps close to its nominal coverage for
  rare conversions and small groups, where the plain Wald interval does not
  (Agresti and Caffo 2000; ``statsmodels``' ``confint_proportions_2indep(
  method="agresti-caffo")`` gives the same interval).

A sample-ratio check compares the group sizes with the planned split
(chi-square goodness of fit): a mismatch usually means the assignment or the
tracking broke, and the estimate cannot be trusted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

KINDS = ("binary", "amount")


@dataclass(frozen=True)
class TwoGroupResult:
    """The effect of assignment to the test group.

    Attributes
    ----------
    kind : {"binary", "amount"}
    effect : float
        Test mean minus control mean, in the outcome's unit (a proportion for binary outcomes).
    se : float
        Standard error of the interval's method (Welch; Agresti-Caffo for binary outcomes).
    df : float
        Degrees of freedom of the Student-t interval (infinite for binary outcomes: normal).
    centre : float
        Centre of the interval (the Agresti-Caffo adjusted difference; ``effect`` for amounts).
    lower, upper : float
        Interval at ``level``.
    level : float
    n_test, n_control : int
    mean_test, mean_control : float
    p_value : float
        Two-sided p-value of no effect (Welch t test; for binary outcomes the Agresti-Caffo z test).
    srm_p_value : float or None
        Chi-square p-value of the group sizes against the planned split (None without a planned split).
    """

    kind: str
    effect: float
    se: float
    df: float
    centre: float
    lower: float
    upper: float
    level: float
    n_test: int
    n_control: int
    mean_test: float
    mean_control: float
    p_value: float
    srm_p_value: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in self.__dict__.items()}

    def draws(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draws of the effect's sampling distribution, whose equal-tailed interval is the reported one."""
        z = rng.standard_normal(int(n)) if not math.isfinite(self.df) else rng.standard_t(self.df, int(n))
        return self.centre + self.se * z


def two_group(outcome: np.ndarray, test: np.ndarray, kind: str, *, level: float = 0.95,
              split: float | None = None) -> TwoGroupResult:
    """The difference in mean outcome between the test and the control group.

    Parameters
    ----------
    outcome : array of float
        One value per unit; 0/1 for ``kind="binary"``.
    test : array of bool
        True for units assigned to the test group.
    kind : {"binary", "amount"}
    level : float
        Coverage of the interval.
    split : float, optional
        Planned share of units in the test group, for the sample-ratio check.

    Returns
    -------
    TwoGroupResult

    Raises
    ------
    ValueError
        An unknown kind, a group with fewer than two units, or non-0/1 values in a binary outcome.
    """
    from scipy import stats

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    y = np.asarray(outcome, dtype=float)
    t = np.asarray(test, dtype=bool)
    yt, yc = y[t], y[~t]
    n1, n0 = len(yt), len(yc)
    if n1 < 2 or n0 < 2:
        raise ValueError(f"each group needs at least two units; found {n1} in the test group and {n0} in control")
    m1, m0 = float(yt.mean()), float(yc.mean())
    effect = m1 - m0
    q = stats.norm.ppf(0.5 + level / 2)
    if kind == "binary":
        if not np.all((y == 0) | (y == 1)):
            raise ValueError("a binary outcome takes the values 0 and 1 only")
        p1, p0 = (yt.sum() + 1) / (n1 + 2), (yc.sum() + 1) / (n0 + 2)
        centre = float(p1 - p0)
        se = float(math.sqrt(p1 * (1 - p1) / (n1 + 2) + p0 * (1 - p0) / (n0 + 2)))
        df = math.inf
        p_value = float(2 * stats.norm.sf(abs(centre) / se)) if se > 0 else float("nan")
        half = q * se
    else:
        v1, v0 = float(yt.var(ddof=1)) / n1, float(yc.var(ddof=1)) / n0
        se = math.sqrt(v1 + v0)
        centre = effect
        df = (v1 + v0) ** 2 / (v1 ** 2 / (n1 - 1) + v0 ** 2 / (n0 - 1)) if se > 0 else math.inf
        qt = stats.t.ppf(0.5 + level / 2, df) if math.isfinite(df) else q
        p_value = float(2 * stats.t.sf(abs(effect) / se, df)) if se > 0 else float("nan")
        half = qt * se
    srm = None
    if split is not None:
        expected = np.array([split, 1 - split]) * (n1 + n0)
        srm = float(stats.chisquare([n1, n0], expected).pvalue)
    return TwoGroupResult(kind, effect, se, df, centre, centre - half, centre + half, level, n1, n0, m1, m0,
                          p_value, srm)
