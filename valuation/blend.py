"""Blended and hard ROI from value components and the cost ledger.

::

    ROI = (value - cost) / cost x 100   (in percent)

The **hard ROI** counts hard components only (money that changed hands:
direct revenue); the **blended ROI** counts every component. Point figures
come from the components' point values; intervals come from summing the
components' draws element by element (draws of different components are
independent), so uncertainty propagates instead of being added by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from socialroi.valuation.errors import InputError
from socialroi.valuation.estimate import DEFAULT_LEVEL, ValueEstimate, check_same_run, interval_from_draws
from socialroi.valuation.finance import roi_percent, roi_points
from socialroi.valuation.notebook import Printable


@dataclass(frozen=True, eq=False)
class RoiResult(Printable):
    """Hard and blended ROI with each component's contribution.

    Attributes
    ----------
    components : tuple of ValueEstimate
        The value components (hard and soft).
    costs : ValueEstimate
        Total cost (component ``"costs"``).
    currency : str
        Currency of every money figure.
    level : float
        Coverage of the intervals.
    """

    components: tuple[ValueEstimate, ...]
    costs: ValueEstimate
    currency: str
    level: float = DEFAULT_LEVEL

    # -- value and cost -------------------------------------------------------
    def _value_draws(self, hard_only: bool) -> np.ndarray:
        draws = np.zeros(self.costs.n_draws)
        for c in self.components:
            if c.kind == "hard" or not hard_only:
                draws = draws + c.draws
        return draws

    @property
    def hard_value(self) -> float:
        """Sum of the hard components' point values."""
        return float(sum(c.point for c in self.components if c.kind == "hard"))

    @property
    def total_value(self) -> float:
        """Sum of all components' point values."""
        return float(sum(c.point for c in self.components))

    @property
    def total_cost(self) -> float:
        """Total cost (point)."""
        return self.costs.point

    @property
    def net_value(self) -> float:
        """Total value minus total cost."""
        return self.total_value - self.total_cost

    # -- ROI ----------------------------------------------------------------------
    @property
    def hard_roi(self) -> float:
        """Hard ROI in percent (direct money only)."""
        return float(roi_percent(self.hard_value, self.total_cost))

    @property
    def blended_roi(self) -> float:
        """Blended ROI in percent (every component)."""
        return float(roi_percent(self.total_value, self.total_cost))

    def roi_draws(self, hard_only: bool = False) -> np.ndarray:
        """Draws of the hard or blended ROI, in percent."""
        return roi_percent(self._value_draws(hard_only), self.costs.draws)

    def net_draws(self) -> np.ndarray:
        """Draws of the net value (total value minus cost)."""
        return self._value_draws(False) - self.costs.draws

    @property
    def hard_roi_interval(self) -> tuple[float, float]:
        """Interval of the hard ROI at ``level``, in percent."""
        return interval_from_draws(self.roi_draws(True), self.level)

    @property
    def blended_roi_interval(self) -> tuple[float, float]:
        """Interval of the blended ROI at ``level``, in percent."""
        return interval_from_draws(self.roi_draws(False), self.level)

    @property
    def net_value_interval(self) -> tuple[float, float]:
        """Interval of the net value at ``level``."""
        return interval_from_draws(self.net_draws(), self.level)

    @property
    def probability_of_loss(self) -> float:
        """Share of draws in which the blended ROI is below zero."""
        return float(np.mean(self.roi_draws(False) < 0))

    @property
    def warnings(self) -> tuple[str, ...]:
        """Every component's warnings, prefixed by its name, without repeats."""
        out = [f"{c.component}: {w}" for c in (*self.components, self.costs) for w in c.warnings]
        return tuple(dict.fromkeys(out))

    # -- presentation ---------------------------------------------------------------
    def to_frame(self):
        """One row per component and one for costs: kind, point, interval, share, ROI contribution, method."""
        import pandas as pd

        rows = []
        for c in self.components:
            lo, hi = c.interval
            rows.append({
                "component": c.component, "label": c.label, "kind": c.kind, "value": c.point, "lower": lo,
                "upper": hi, "share_of_value": c.point / self.total_value if self.total_value else 0.0,
                "roi_points": float(roi_points(c.point, self.total_cost)), "method": c.method,
            })
        lo, hi = self.costs.interval
        rows.append({
            "component": "costs", "label": self.costs.label, "kind": "cost", "value": -self.costs.point,
            "lower": -hi, "upper": -lo, "share_of_value": float("nan"), "roi_points": -100.0,
            "method": self.costs.method,
        })
        return pd.DataFrame(rows)

    def value_by_evidence(self) -> list[dict[str, Any]]:
        """The value resting on each evidence grade, strongest grade first: ``grade``, ``value`` (currency),
        ``share`` of the total value and the ``components``."""
        from socialroi.valuation.estimate import EVIDENCE

        out = []
        for grade in (*EVIDENCE, ""):
            parts = [c for c in self.components if c.evidence == grade]
            if parts:
                value = float(sum(c.point for c in parts))
                out.append({"grade": grade or "ungraded", "value": value,
                            "share": value / self.total_value if self.total_value else float("nan"),
                            "components": [c.component for c in parts]})
        return out

    def headline(self) -> dict[str, Any]:
        """The headline figures as a flat dictionary."""
        return {
            "currency": self.currency,
            "level": self.level,
            "hard_value": self.hard_value,
            "total_value": self.total_value,
            "total_cost": self.total_cost,
            "net_value": self.net_value,
            "net_value_interval": list(self.net_value_interval),
            "hard_roi_percent": self.hard_roi,
            "hard_roi_interval": list(self.hard_roi_interval),
            "blended_roi_percent": self.blended_roi,
            "blended_roi_interval": list(self.blended_roi_interval),
            "probability_of_loss": self.probability_of_loss,
            "n_draws": self.costs.n_draws,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary: headline, components, costs, warnings."""
        return {
            "roi": self.headline(),
            "components": [c.to_dict() for c in self.components],
            "value_by_evidence": self.value_by_evidence(),
            "costs": self.costs.to_dict(),
            "warnings": list(self.warnings),
        }

    def summary(self) -> str:
        """Readable lines with the headline figures."""
        pct = 100 * self.level
        hl, hh = self.hard_roi_interval
        bl, bh = self.blended_roi_interval
        return "\n".join([
            f"Total value {self.total_value:,.2f} {self.currency} (hard {self.hard_value:,.2f}), "
            f"cost {self.total_cost:,.2f}, net {self.net_value:,.2f}",
            f"Hard ROI    {self.hard_roi:,.1f}%  [{pct:g}% interval {hl:,.1f}% to {hh:,.1f}%]",
            f"Blended ROI {self.blended_roi:,.1f}%  [{pct:g}% interval {bl:,.1f}% to {bh:,.1f}%]",
            f"Probability the blended ROI is negative: {100 * self.probability_of_loss:.1f}%",
        ])

    def print_summary(self) -> None:
        """Print the summary and the component table."""
        import pandas as pd

        print(self.summary())
        with pd.option_context("display.width", 120, "display.max_colwidth", 40):
            print(self.to_frame().drop(columns=["method"]).to_string(index=False))


def blend(
    components: Sequence[ValueEstimate], costs: ValueEstimate, *, level: float = DEFAULT_LEVEL
) -> RoiResult:
    """Combine value components and the total cost into hard and blended ROI.

    Parameters
    ----------
    components : sequence of ValueEstimate
        Value components, all in one currency with the same number of draws.
    costs : ValueEstimate
        The total cost (e.g. ``CostLedger.total``), same currency and draws.
    level : float
        Coverage of the ROI intervals.

    Raises
    ------
    InputError
        No components, mixed currencies or draw counts, duplicate component
        names, or a total cost that is zero or negative (ROI is undefined).
    """
    components = tuple(components)
    if not components:
        raise InputError("no value components: give at least one (traffic, social reach, direct revenue, ...)")
    names = [c.component for c in components]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(f"component(s) given twice: {', '.join(dupes)}")
    currency, _ = check_same_run([*components, costs])
    if costs.point <= 0:
        raise InputError(f"total cost is {costs.point:,.2f}; ROI is undefined without a positive cost. "
                         "Add the cost of the effort (staff time, tools, ad spend) to the ledger")
    if np.any(costs.draws <= 0):
        raise InputError("the cost ranges reach zero, so ROI is undefined in some draws; narrow the low/high ranges")
    return RoiResult(components, costs, currency, level)
