"""Planted-effect data for campaign incrementality: one series with control series, and a panel of units.

Both are what the methods assume, with a known effect added after the launch,
so simulations can check coverage and placebo size:

* :func:`planted_series`: a local level (random walk) plus a regression on
  random-walk control series, with noise that is white or AR(1); the effect
  is added to every post-launch period.
* :func:`planted_panel`: a factor model (two common trends with unit
  loadings plus noise); the treated unit's loadings lie inside the donors'
  range, so a convex mix of donors can track it.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def planted_series(*, seed: int = 0, periods: int = 120, launch: int = 90, controls: int = 3, effect: float = 2.0,
                   noise: float = 1.0, rho: float = 0.0, level_sd: float = 0.2) -> dict[str, Any]:
    """A series with ``controls`` control series and ``effect`` added from period ``launch`` on.

    Returns ``y``, ``controls`` (periods x controls), ``pre`` (bool), ``effect`` (the planted mean effect).
    """
    rng = np.random.default_rng(seed)
    x = 20 + np.cumsum(rng.normal(0, 1, (periods, controls)), axis=0)
    beta = rng.uniform(0.3, 1.0, controls)
    eps = rng.normal(0, noise, periods)
    if rho:
        for t in range(1, periods):
            eps[t] = rho * eps[t - 1] + np.sqrt(1 - rho * rho) * eps[t]  # stationary variance noise^2
    y = x @ beta + np.cumsum(rng.normal(0, level_sd, periods)) + eps
    pre = np.arange(periods) < launch
    y[~pre] += effect
    return {"y": y, "controls": x, "pre": pre, "effect": effect}


def planted_panel(*, seed: int = 0, periods: int = 52, launch: int = 40, donors: int = 19, effect: float = 0.0,
                  noise: float = 1.0) -> Any:
    """A long panel (``unit``, ``period``, ``y``) of a treated unit and ``donors`` donors; ``effect`` is added
    to the treated unit from period ``launch`` on."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    trends = np.cumsum(rng.normal(0, 1, (periods, 2)), axis=0)
    loadings = rng.uniform(0.5, 1.5, (donors + 1, 2))
    y = 50 + trends @ loadings.T + rng.normal(0, noise, (periods, donors + 1))
    names = ["treated", *(f"donor{j + 1:02d}" for j in range(donors))]
    y[launch:, 0] += effect
    return pd.DataFrame({"unit": np.repeat(names, periods), "period": np.tile(np.arange(periods), donors + 1),
                         "y": y.T.reshape(-1)})
