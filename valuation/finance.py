"""The money formulas every part shares, each in one place: ROI, ROI points and the annuity factor.

::

    ROI        = (value - cost) / cost x 100            (percent points)
    ROI points = value / cost x 100                     (a component's share of the ROI, percent points)
    annuity    = (1 - (1 + r)^-years) / r               (present value of 1 a year; = years when r = 0)
"""

from __future__ import annotations

from typing import Any

import numpy as np


def roi_percent(value: Any, cost: Any) -> Any:
    """ROI in percent points: ``(value - cost) / cost * 100`` (scalars or arrays)."""
    return (np.asarray(value, dtype=float) - cost) / cost * 100.0


def roi_points(value: Any, cost: Any) -> Any:
    """A component's contribution to the ROI in percent points: ``value / cost * 100``."""
    return np.asarray(value, dtype=float) / cost * 100.0


def annuity(years: Any, rate: Any) -> Any:
    """Present value of 1 a year for ``years`` years at ``rate`` a year (paid at each year's end; a fractional
    last year counts in proportion); 0 for no years. Scalars give a float, arrays an array."""
    y = np.asarray(years, dtype=float)
    r = np.asarray(rate, dtype=float)
    flat = np.abs(r) < 1e-12
    safe = np.where(flat, 1.0, r)
    out = np.where(y <= 0, 0.0, np.where(flat, y, (1 - (1 + safe) ** (-y)) / safe))
    return float(out) if out.ndim == 0 else out
