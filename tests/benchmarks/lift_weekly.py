"""Benchmark: ``socialroi lift`` on a 4-year weekly series with five controls (structural model) and on a panel
of 40 donors (synthetic control, in-space placebos included).

Run on demand::

    python tests/benchmarks/lift_weekly.py generate /tmp/lift
    /usr/bin/time -v socialroi lift /tmp/lift/weekly.csv --outcome sessions --time week \\
        --controls c1,c2,c3,c4,c5 --launch 2025-01-06 --value-per-unit 2 -f json -o /tmp/lift/s.json
    /usr/bin/time -v socialroi lift /tmp/lift/panel.csv --outcome y --time period --unit unit \\
        --treated treated --launch 156 --value-per-unit 2 -f json -o /tmp/lift/p.json

Targets (issue 14): under 5 s and under 2 s as whole processes.
"""

from __future__ import annotations

import sys
from pathlib import Path


def generate(out: Path) -> None:
    import pandas as pd

    from socialroi.datasets.incrementality import planted_panel, planted_series

    out.mkdir(parents=True, exist_ok=True)
    s = planted_series(seed=1, periods=208, launch=157, controls=5, effect=3.0)
    frame = pd.DataFrame(s["controls"], columns=[f"c{i + 1}" for i in range(5)])
    frame.insert(0, "week", pd.date_range("2022-01-03", periods=208, freq="W-MON").strftime("%Y-%m-%d"))
    frame["sessions"] = s["y"]
    frame.to_csv(out / "weekly.csv", index=False)
    planted_panel(seed=1, periods=208, launch=156, donors=40, effect=5.0).to_csv(out / "panel.csv", index=False)


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) != 3 or sys.argv[1] != "generate":
        sys.exit(__doc__)
    generate(Path(sys.argv[2]))
