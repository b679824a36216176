"""Benchmark: one million draws of the bundled example's blended model (21 uncertain assumptions).

Run on demand::

    python tests/benchmarks/simulate_1m.py

Prints the time of the simulation itself (one million draws of the base
case, after the project's models are fitted once), of the whole report
(base case, two named scenarios, tornado, importance, cash flows), and the
whole-process time and peak memory of ``socialroi simulate --draws 1000000``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main() -> None:
    from socialroi.datasets import example_project
    from socialroi.valuation.project import run_project
    from socialroi.valuation.scenarios import Model, parse_assumptions, simulate_project

    run = run_project(example_project(), draws=20_000)
    model = Model(run)
    cfg = run.project.sections["simulation"]
    spec = parse_assumptions(cfg["assumptions"], model.levers, "benchmark")
    model.simulate(spec, 1000, 1, cfg["correlations"], "warm-up")
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        model.simulate(spec, 1_000_000, 1, cfg["correlations"], "benchmark")
        times.append(time.perf_counter() - t0)
    print(f"1,000,000 draws, {len(spec.uncertain)} uncertain assumptions: "
          f"min {min(times):.2f} s, median {sorted(times)[1]:.2f} s")
    t0 = time.perf_counter()
    simulate_project(run, n_draws=1_000_000, seed=1)
    print(f"full report (base + 2 scenarios, tornado, importance, cash flows): {time.perf_counter() - t0:.2f} s")
    sys.path.insert(0, str(Path(__file__).parent))
    from _harness import run_process

    wall, peak = run_process(["socialroi", "simulate", str(example_project()), "--draws", "1000000", "-f", "json",
                              "-o", "/dev/null"])
    print(f"whole process (reading, model fitting, report): {wall:.2f} s, peak {peak:.2f} GiB")


if __name__ == "__main__":
    main()
