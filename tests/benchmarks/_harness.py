"""Run commands as whole processes and report wall time and peak memory (max RSS)."""

from __future__ import annotations

import os
import statistics
import time


def run_process(cmd: list[str]) -> tuple[float, float]:
    """Run ``cmd``; return (wall seconds, peak resident memory in GiB of the child)."""
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # child
        os.execvp(cmd[0], cmd)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"{cmd} failed with status {status}")
    return wall, usage.ru_maxrss / 1024 / 1024  # ru_maxrss is KiB on Linux


def compare(ours: list[str], theirs: list[str], *, repeats: int, names: tuple[str, str], target: str) -> None:
    """Alternate the two commands ``repeats`` times and print each run and the medians."""
    rows = [(run_process(ours), run_process(theirs)) for _ in range(repeats)]
    a, b = names
    for i, (x, y) in enumerate(rows, 1):
        print(f"run {i}: {a} {x[0]:.2f} s {x[1]:.2f} GiB | {b} {y[0]:.2f} s {y[1]:.2f} GiB | ratio {x[0] / y[0]:.2f}")
    print(f"median wall: {a} {statistics.median(r[0][0] for r in rows):.2f} s, "
          f"{b} {statistics.median(r[1][0] for r in rows):.2f} s, "
          f"ratio {statistics.median(r[0][0] / r[1][0] for r in rows):.2f} ({target})")
    print(f"peak memory: {a} {max(r[0][1] for r in rows):.2f} GiB, {b} {max(r[1][1] for r in rows):.2f} GiB")
