"""E-values: how strong unmeasured confounding would have to be to explain an effect away.

VanderWeele and Ding (2017): for a risk ratio RR >= 1 the E-value is
``RR + sqrt(RR * (RR - 1))`` (for RR < 1, use 1 / RR). The E-value of a
confidence limit uses the limit closest to 1, and is 1 when the interval
includes 1. Continuous outcomes are put on the RR scale with
``RR ~ exp(0.91 * d)``, d the standardised mean difference; hazard ratios
of common outcomes with ``RR ~ (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR))``.
"""

from __future__ import annotations

import math


def evalue_rr(rr: float) -> float:
    """E-value of a risk ratio (point estimate)."""
    if not rr > 0 or not math.isfinite(rr):
        return float("nan")
    if rr < 1:
        rr = 1.0 / rr
    return rr + math.sqrt(rr * (rr - 1.0))


def evalue_ci(lower: float, upper: float) -> float:
    """E-value of the confidence limit closest to the null (1 if the interval includes 1)."""
    if not (lower > 0 and upper > 0):
        return float("nan")
    if lower <= 1 <= upper:
        return 1.0
    return evalue_rr(lower if lower > 1 else upper)


def rr_from_smd(d: float) -> float:
    """Approximate risk ratio of a standardised mean difference (VanderWeele 2017)."""
    return math.exp(0.91 * d)


def rr_from_hr(hr: float) -> float:
    """Approximate risk ratio of a hazard ratio for a common outcome."""
    if not hr > 0:
        return float("nan")
    return float((1 - 0.5 ** math.sqrt(hr)) / (1 - 0.5 ** math.sqrt(1 / hr)))
