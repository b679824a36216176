"""What unmeasured confounding would do to the money: each observational lift's value under confounding of a
given strength, and the strength at which the blended ROI falls to zero.

VanderWeele and Ding's bias factor for a confounder associated with both
engagement and the outcome by risk ratio ``RR`` (equal strengths)::

    B(RR) = RR^2 / (2 RR - 1)

An observed risk ratio ``r`` (on the lift's own scale: the outcome of the
engaged over their counterfactual; ``1 / r`` when the effect lowers the
outcome) can be explained down to ``r / B`` at most. Holding the engaged's
observed outcome fixed, the effect is proportional to ``1 - 1 / r``, so the
value that survives confounding of strength ``RR`` is::

    value x max(0, (1 - B(RR) / r) / (1 - 1 / r))

It reaches zero at ``B(RR) = r``, that is at the E-value
``r + sqrt(r (r - 1))``. The observed ``r`` of each lift is recovered from
the E-value its estimator reports (``r = E^2 / (2E - 1)``), so binary,
amount, count and duration lifts use the conversions of
:mod:`socialroi.models.evalue`. The project's tipping point is the one
strength, applied to every observational component at once, at which the
blended ROI (or the conservative ROI) is zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

STRENGTHS = (1.25, 1.5, 2.0, 3.0)


def bias_factor(rr: float) -> float:
    """VanderWeele-Ding bias factor for equal confounder strengths ``rr`` (>= 1)."""
    return rr * rr / (2 * rr - 1)


def observed_rr(evalue: float) -> float:
    """The risk ratio whose E-value is ``evalue`` (the inverse of ``r + sqrt(r (r - 1))``)."""
    return evalue * evalue / (2 * evalue - 1)


def surviving_share(rr: float, observed: float) -> float:
    """Share of a lift's value left under confounding of strength ``rr`` (0 once explained away; a lift with no
    ratio above 1 to lean on is explained away by any confounding at all)."""
    if rr <= 1:
        return 1.0
    if not observed > 1:
        return 0.0
    return max(0.0, (1 - bias_factor(rr) / observed) / (1 - 1 / observed))


@dataclass(frozen=True)
class Sensitivity:
    """Confounding sensitivity of a run's observational components, in money."""

    rows: tuple[dict[str, Any], ...]
    tipping_point: float
    conservative_tipping_point: float
    curve: tuple[dict[str, float], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; an infinite tipping point (no strength erases the ROI) is null with a note saying so."""
        note = "no confounding strength brings it to zero: the value that is not observational exceeds the cost"
        return {"components": [dict(r) for r in self.rows], "confounding_tipping_point": self.tipping_point,
                "conservative_tipping_point": self.conservative_tipping_point, "strengths": list(STRENGTHS),
                "curve": [dict(p) for p in self.curve],
                "notes": {k: note for k, v in (("confounding_tipping_point", self.tipping_point),
                                               ("conservative_tipping_point", self.conservative_tipping_point))
                          if v == math.inf}}


def _value_at(rr: float, parts: list[tuple[float, float | None]]) -> float:
    """Total value when every observational part (value, observed rr) faces confounding of strength ``rr``."""
    return sum(v if r is None else v * surviving_share(rr, r) for v, r in parts)


def tipping_point(parts: list[tuple[float, float | None]], cost: float) -> float:
    """The common confounding strength at which value equals cost (ROI = 0): 1 when the ROI is not positive to
    begin with, infinity when no strength gets there (the non-observational value alone exceeds the cost)."""
    from scipy.optimize import brentq

    if _value_at(1.0, parts) <= cost:
        return 1.0
    high = max([observed + math.sqrt(observed * (observed - 1)) for _, observed in parts if observed] + [1.0 + 1e-9])
    if _value_at(high, parts) > cost:
        return math.inf
    return float(brentq(lambda rr: _value_at(rr, parts) - cost, 1.0, high, xtol=1e-10))


def _observed(component: Any) -> float | None:
    """A lift's observed ratio on its own scale (> 1), from its E-value or, for a count model, its rate ratio."""
    d = component.diagnostics
    evalue = d.get("evalue")
    if evalue is not None and math.isfinite(float(evalue)) and float(evalue) > 1:
        return observed_rr(float(evalue))
    ratio = d.get("rate_ratio")
    if ratio is not None and math.isfinite(float(ratio)) and float(ratio) > 0 and float(ratio) != 1:
        return max(float(ratio), 1 / float(ratio))
    return None


def sensitivity(run: Any) -> Sensitivity:
    """The run's observational components under confounding of each strength in :data:`STRENGTHS`, and the
    tipping points of the blended and the conservative ROI."""
    rows = []
    parts: list[tuple[float, float | None]] = []
    for c in run.roi.components:
        observed = _observed(c) if c.evidence == "observational" else None
        evalue = None if observed is None else observed + math.sqrt(observed * (observed - 1))
        parts.append((c.point, (observed or 1.0) if c.evidence == "observational" else None))
        if c.evidence == "observational":
            rows.append({"component": c.component, "label": c.label, "value": c.point,
                         "evalue": evalue,
                         **{f"value_at_rr_{s:g}": c.point * surviving_share(s, observed or 1.0) for s in STRENGTHS}})
    kept = set(run.conservative.kept)
    kept_parts = [p for c, p in zip(run.roi.components, parts) if c.component in kept]
    cost = run.roi.total_cost
    tip, kept_tip = tipping_point(parts, cost), tipping_point(kept_parts, cost)
    return Sensitivity(tuple(rows), tip, kept_tip, roi_curve(parts, kept_parts, cost, (tip, kept_tip)))


def roi_curve(parts: list[tuple[float, float | None]], kept_parts: list[tuple[float, float | None]], cost: float,
              tips: tuple[float, float] = (math.inf, math.inf)) -> tuple[dict[str, float], ...]:
    """Blended and conservative ROI (percent) against the common confounding strength: 61 strengths from 1 to
    3 (or 1.2 x the larger finite tipping point, when that is further), with :data:`STRENGTHS` and the finite
    tipping points ``tips`` (blended, conservative) among them, where each ROI is written as exactly 0 (a tipping
    point of 1 means the ROI was not positive to begin with: nothing is zero there)."""
    import numpy as np

    from socialroi.valuation.finance import roi_percent

    zero_at = [m if 1 < m < math.inf else math.nan for m in tips]  # 1: no positive ROI to begin with
    finite = [m for m in zero_at if math.isfinite(m)]
    top = max([3.0, *(1.2 * m for m in finite)])
    grid = sorted({round(float(x), 6) for x in np.linspace(1.0, top, 61)} | set(STRENGTHS) | set(finite))
    return tuple({"rr": rr,
                  "blended_roi": 0.0 if rr == zero_at[0] else float(roi_percent(_value_at(rr, parts), cost)),
                  "conservative_blended_roi": 0.0 if rr == zero_at[1] else
                  float(roi_percent(_value_at(rr, kept_parts), cost))} for rr in grid)
