"""Components that can count the same money, and the conservative blended ROI that counts it once.

The table :data:`OVERLAPS` declares which components may overlap and why.
:func:`find_overlaps` lists the pairs present in a run. :func:`conservative`
keeps, among overlapping components, only the larger stream.

The rule, when no finer split is possible: go through the value components
from the largest point value down. Keep a component unless it overlaps one
already kept. Components that overlap nothing are always kept. Within each
overlapping pair, the smaller stream is dropped, so no money that two
components can both claim is counted twice. The conservative ROI is
``(kept value - cost) / cost x 100`` at point values, with its interval from
the kept components' draws.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any

import numpy as np

from socialroi.valuation.estimate import interval_from_draws
from socialroi.valuation.finance import roi_percent


@dataclass(frozen=True)
class Overlap:
    """Two components of a run that may count the same money."""

    first: str
    second: str
    reason: str
    treatment: str

    def to_dict(self) -> dict[str, Any]:
        return {"components": [self.first, self.second], "reason": self.reason, "treatment": self.treatment}


# (components matching a, components matching b, why they may count the same money); names are shell patterns
OVERLAPS: tuple[tuple[str, str, str], ...] = (
    ("segment_*", "segment_*", "lifts measured on the same engaged customers: extra retention, upsells, larger "
                               "deals and faster closes can be the same revenue seen twice"),
    ("direct_revenue", "segment_deal_size", "revenue credited to social may include the same deals whose size the "
                                            "lift values"),
    ("direct_revenue", "segment_upsell", "revenue credited to social may include the upsells the lift values"),
    ("direct_revenue", "traffic*", "attributed revenue of visits from search can be the same visits valued at "
                                   "paid-search prices"),
    ("direct_revenue", "social_reach", "revenue from social visits and the paid-media value of the same reach "
                                       "can be one audience counted twice"),
    ("lift_test_*", "direct_revenue", "revenue credited to social may include the test group's extra purchases"),
    ("lift_test_*", "social_reach", "the test's extra purchases come from exposure that the paid-media equivalent "
                                    "already values"),
    ("incrementality_*", "direct_revenue", "revenue credited to social may include the campaign's extra sales"),
    ("incrementality_*", "lift_test_*", "a campaign's effect and a lift test can measure the same extra purchases"),
    ("incrementality_*", "social_reach", "the campaign's effect comes from exposure that the paid-media equivalent "
                                         "already values"),
    ("support_deflection", "support_measured_*", "both estimate tickets that were never filed"),
    ("support_measured_counts", "support_measured_series", "both estimate tickets that were never filed"),
)


def find_overlaps(components: Any) -> list[Overlap]:
    """The declared overlaps among a run's value components (each pair once, in component order)."""
    names = [c.component for c in components]
    found: dict[tuple[str, str], Overlap] = {}
    for a_pat, b_pat, reason in OVERLAPS:
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if (fnmatch.fnmatch(a, a_pat) and fnmatch.fnmatch(b, b_pat)) or \
                        (fnmatch.fnmatch(b, a_pat) and fnmatch.fnmatch(a, b_pat)):
                    found.setdefault((a, b), Overlap(a, b, reason, "the conservative ROI counts only the larger"))
    return list(found.values())


@dataclass(frozen=True)
class Conservative:
    """The blended ROI with each overlapping pair counted once (see the module docstring)."""

    blended_roi: float
    interval: tuple[float, float]
    value: float
    kept: tuple[str, ...]
    dropped: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"conservative_blended_roi": self.blended_roi, "interval": list(self.interval), "value": self.value,
                "kept": list(self.kept), "dropped": list(self.dropped)}


def conservative(roi: Any, overlaps: list[Overlap]) -> Conservative:
    """Conservative blended ROI of a :class:`~socialroi.valuation.blend.RoiResult` given its overlaps."""
    pairs = {frozenset((o.first, o.second)) for o in overlaps}
    kept: list[Any] = []
    for c in sorted(roi.components, key=lambda c: (-c.point, c.component)):
        if not any(frozenset((c.component, k.component)) in pairs for k in kept):
            kept.append(c)
    value = float(sum(c.point for c in kept))
    draws = np.sum([c.draws for c in kept], axis=0) if kept else np.zeros(roi.costs.n_draws)
    lo, hi = interval_from_draws(roi_percent(draws, roi.costs.draws), roi.level)
    keep = {c.component for c in kept}
    return Conservative(float(roi_percent(value, roi.total_cost)), (lo, hi), value,
                        tuple(c.component for c in roi.components if c.component in keep),
                        tuple(c.component for c in roi.components if c.component not in keep))
