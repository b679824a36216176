"""Simulated customer tables with a planted effect on the engaged and confounding.

Engaged customers are larger and older (as in real CRM data), and size and
age also raise the outcome, so the naive difference overstates the lift.
Both the propensity and the outcome model are correctly specified by the
estimators (logit for engagement; logit, or gamma with log link, for the
outcome), so the intervals should cover the true ATT at their nominal rate.

``kind="heterogeneous"``: a continuous outcome whose effect grows with size
(effect = 1 + size), so the engaged (larger) customers gain more than the
average customer would; one outcome model with a constant engagement shift
is biased here, the non-engaged model predicted for the engaged is not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

EFFECT_LOGIT = 0.6  # binary outcome: log-odds effect of engagement
EFFECT_LOG = 0.25  # amount outcome: log ratio of means


def simulate(n: int, rng: np.random.Generator, kind: str = "binary"):
    size = rng.normal(0, 1, n)
    age = rng.normal(0, 1, n)
    region = rng.choice(np.array(["north", "south", "east"]), n)
    lin = -0.3 + 0.8 * size + 0.5 * age + 0.3 * (region == "south")
    t = rng.random(n) < 1 / (1 + np.exp(-lin))
    base = 0.7 * size + 0.4 * age - 0.2 * (region == "east")
    if kind == "binary":
        p = 1 / (1 + np.exp(-(-0.2 + base + EFFECT_LOGIT * t)))
        y = (rng.random(n) < p).astype(float)
    elif kind == "heterogeneous":
        y = 1.0 + 2.0 * base + t * (1.0 + size) + rng.normal(0, 1.5, n)
    else:
        mu = np.exp(8 + 0.5 * size + 0.2 * age + EFFECT_LOG * t)
        y = rng.gamma(2.0, mu / 2.0)
    frame = pd.DataFrame({"size": size, "age": age, "region": region, "engaged": t, "y": y})
    return frame


def true_att(kind: str, n: int = 4_000_000, seed: int = 12345) -> float:
    """Population ATT by Monte Carlo over a very large sample of the same design."""
    rng = np.random.default_rng(seed)
    size, age = rng.normal(0, 1, n), rng.normal(0, 1, n)
    region = rng.integers(0, 3, n)  # 0 north, 1 south, 2 east: same probabilities as above
    lin = -0.3 + 0.8 * size + 0.5 * age + 0.3 * (region == 1)
    t = rng.random(n) < 1 / (1 + np.exp(-lin))
    base = 0.7 * size + 0.4 * age - 0.2 * (region == 2)
    if kind == "binary":
        p1 = 1 / (1 + np.exp(-(-0.2 + base + EFFECT_LOGIT)))
        p0 = 1 / (1 + np.exp(-(-0.2 + base)))
        return float(np.mean((p1 - p0)[t]))
    if kind == "heterogeneous":
        return float(np.mean((1.0 + size)[t]))
    mu0 = np.exp(8 + 0.5 * size + 0.2 * age)
    return float(np.mean((mu0 * (np.exp(EFFECT_LOG) - 1))[t]))
