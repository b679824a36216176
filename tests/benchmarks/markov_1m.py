"""Benchmark: Markov removal-effect attribution over 1,000,000 journeys (mean 4 touches, 10 channels).

Run on demand::

    python tests/benchmarks/markov_1m.py generate /tmp/mk   # ~4,000,000 touch rows
    python tests/benchmarks/markov_1m.py run /tmp/mk

``run`` times ``socialroi attribution`` as a whole process (reading the CSV,
the documented ordering and duplicate rules, all seven models, no bootstrap)
and prints wall time and peak memory.
"""

from __future__ import annotations

import sys
from pathlib import Path


def generate(out: Path, n: int = 1_000_000, seed: int = 5) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pcsv

    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    lengths = 1 + rng.poisson(3.0, n)  # mean 4 touches
    total = int(lengths.sum())
    journey = np.repeat(np.arange(n), lengths)
    channels = np.array([f"ch{c}" for c in range(10)])
    ch = channels[rng.integers(0, 10, total)]
    start = np.repeat(rng.integers(0, 86400 * 300, n), lengths)
    step = rng.integers(0, 86400 * 5, total)
    ts = np.datetime64("2025-01-01T00:00:00") + (start + step).astype("timedelta64[s]")
    converted = rng.random(n) < 0.1
    revenue = np.where(converted, np.round(rng.lognormal(5, 0.7, n), 2), np.nan)
    table = pa.table({"journey_id": pa.array(np.char.add("j", journey.astype(str))), "timestamp": pa.array(ts),
                      "channel": ch, "converted": np.repeat(converted.astype(int), lengths),
                      "revenue": pa.array(np.repeat(revenue, lengths), from_pandas=True)})
    pcsv.write_csv(table, out / "touchpoints.csv")
    print(f"wrote {out / 'touchpoints.csv'} ({total:,} touches, {n:,} journeys)")


def run(data: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from _harness import run_process

    cmd = ["socialroi", "attribution", str(data / "touchpoints.csv"), "--social", "ch0", "--social", "ch1",
           "--bootstrap", "0", "-f", "json", "-o", str(data / "out.json")]
    for i in range(2):
        wall, peak = run_process(cmd)
        print(f"run {i + 1}: {wall:.2f} s, peak {peak:.2f} GiB (target <= 20 s and 2 GB)")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("generate", "run"):
        raise SystemExit(__doc__)
    (generate if sys.argv[1] == "generate" else run)(Path(sys.argv[2]))
