"""Benchmark: attribution from a GA4-shaped Parquet export (issue 15) against today's path from a touch CSV.

Run on demand::

    python tests/benchmarks/ga4_attribution.py generate /tmp/ga4 [USERS]   # default 860,000 users:
                                                                          # ~1M journeys, ~3.4M sessions
    python tests/benchmarks/ga4_attribution.py run /tmp/ga4
    python tests/benchmarks/ga4_attribution.py floor /tmp/ga4/export   # DuckDB's grouping alone (see below)

``generate`` writes the export's daily Parquet files (``export/``, nested
``event_params`` as BigQuery exports them), the same events in the flat layout
(``flat.parquet``) and the equivalent touch table (``touchpoints.csv``, built
by pandas from the generator's session table). ``run`` times, as whole
processes, ``socialroi attribution --ga4 export/`` (the query engine builds
sessions, channels and distinct paths; all seven models), the same on
``flat.parquet`` and ``socialroi attribution touchpoints.csv`` on the same
journeys, all without a bootstrap, then the GA4 run with 200 bootstrap
replicates, and ``floor``. For quotable figures run the commands in turn
(A B A B ...) several times with ``/usr/bin/time -v`` and quote the median of
the ratios pair by pair: this machine's speed drifts between runs.

Targets (issue 15): the GA4 run at most half of today's CSV run (8 s on
4M touches) with peak memory under 1 GB; 200 replicates under 30 s.

Measured on 2 cores, medians of paired runs, whole process. On one day: GA4
5.66 s and 865 MiB, CSV 7.12 s and 1,784 MiB (ratio 0.80); with 200
replicates 11.8 s. On slower days, when two threads gave 1.4x one (not 2x):
7.50 s against 7.06 s (ratio 1.12), 10.13 s against 9.98 s (1.04), and, once
the session's start came out of the packed minimum, 9.50 s against 10.35 s
(1.02). Peak memory since then: 847 MiB median over 10 runs (0.89 GB; 834-957
MiB, the peak is the engine's at the end of the sort); 200 replicates 12.3 s
and 832 MiB. The GA4 run takes 1.5x the CSV run's CPU (14.3 s against 11.1 s)
and gains only what the second core gives. The memory target holds in the
median and the bootstrap target holds; the speed target (half the CSV run) is
not met, and cannot be on this machine: ``floor`` (DuckDB alone decoding the
columns a session needs and grouping the 9.9M events into 3.2M sessions, with
no Ibis, channels, sort, journeys or models) takes 3.59 s against the CSV
run's 9.71 s (ratio 0.36, 0.32-0.47 over 5 pairs), leaving about 1.4 s for
what the run does beyond it: Python's imports (ibis, pandas, SciPy about 1 s),
the source table (0.5 s), the sort (0.6 s of CPU), the cut and fold of
journeys (1.1 s) and the seven models (0.6 s). In the grouping, READ_PARQUET
is 4.2 s of CPU, most of it the nested ``event_params`` list (DuckDB decodes
every field of every parameter), the parameter lookup 1.2-1.6 s and the hash
aggregation 1.7 s (EXPLAIN ANALYZE).

The same events in the flat layout (``flat.parquet``, written by
``write_flat_export``): 5.57 s and 787 MiB against the nested export's 7.83 s
and 871 MiB (paired, ratio 0.66; in a slower window 7.08 s against 9.80 s,
0.70), identical JSON: the nested list's decoding and the parameter lookup are
about a third of the run.

A larger export (``write_ga4_export`` with 13.4M users: 154M events, 50M
sessions; run ``socialroi attribution --ga4`` on it directly) runs in five user
partitions with the default 2GB limit: 4 min 19 s, peak 3.1 GiB on one day;
on a slower one 4 min 42 s and 5 min 40 s, peaks 3.27 and 3.36 GiB (3.5 and
3.6 GB), and the commit before the start came out of the packed minimum 6 min
1 s and 3.25 GiB the same day, the same JSON (target: completes under 4 GB).
"""

from __future__ import annotations

import sys
from pathlib import Path


def generate(out: Path, users: int = 860_000) -> None:
    from socialroi.datasets.ga4 import equivalent_touch_table, write_flat_export, write_ga4_export

    export = write_ga4_export(out / "export", users, seed=11, days=90)
    write_flat_export(out / "export", out / "flat.parquet")
    touches = equivalent_touch_table(export.sessions)
    touches.to_csv(out / "touchpoints.csv", index=False)
    print(f"wrote {len(export.files)} files, {export.events:,} events, {len(touches):,} sessions in "
          f"{touches['journey_id'].nunique():,} journeys")


def floor(export: Path) -> None:
    """The least any engine-side reader of the export does, as a process of its own: DuckDB alone (no Ibis, no
    channels, no sort, no journeys, no models) decodes the columns a session needs and groups the events into
    sessions. Its time against the CSV run bounds what the GA4 run can reach on this machine."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    print(con.sql(f"""SELECT count(*), sum(first_ts), sum(revenue) FROM (
        SELECT user_pseudo_id, sid, min(event_timestamp) AS first_ts, max(revenue) AS revenue FROM (
            SELECT user_pseudo_id, event_timestamp, ecommerce.purchase_revenue AS revenue,
                   list_max(list_transform(event_params,
                            p -> CASE WHEN p.key = 'ga_session_id' THEN p.value.int_value END)) AS sid
            FROM read_parquet('{export}/*.parquet'))
        GROUP BY ALL)""").fetchall())


def run(data: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from _harness import run_process

    social = ["--social", "Organic Social"]
    ga4 = ["socialroi", "attribution", "--ga4", str(data / "export"), *social, "-f", "json"]
    flat = ["socialroi", "attribution", "--ga4", str(data / "flat.parquet"), *social, "-f", "json"]
    csv = ["socialroi", "attribution", str(data / "touchpoints.csv"), *social, "-f", "json"]
    for i in range(3):
        g = run_process([*ga4, "--bootstrap", "0", "-o", str(data / "ga4.json")])
        f = run_process([*flat, "--bootstrap", "0", "-o", str(data / "flat.json")])
        c = run_process([*csv, "--bootstrap", "0", "-o", str(data / "csv.json")])
        z = run_process([sys.executable, __file__, "floor", str(data / "export")])
        print(f"run {i + 1}: ga4 {g[0]:.2f} s {g[1]:.2f} GiB | flat {f[0]:.2f} s {f[1]:.2f} GiB | csv {c[0]:.2f} s "
              f"{c[1]:.2f} GiB | ratio ga4/csv {g[0] / c[0]:.2f} (target <= 0.5, ga4 under 1 GB), flat/ga4 "
              f"{f[0] / g[0]:.2f} | DuckDB grouping alone {z[0]:.2f} s, {z[0] / c[0]:.2f} of the csv run")
    b = run_process([*ga4, "--bootstrap", "200", "-o", str(data / "ga4_boot.json")])
    print(f"ga4 with 200 bootstrap replicates: {b[0]:.2f} s {b[1]:.2f} GiB (target under 30 s)")


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in ("generate", "run", "floor"):
        raise SystemExit(__doc__)
    if sys.argv[1] == "generate":
        generate(Path(sys.argv[2]), *(int(a) for a in sys.argv[3:]))
    elif sys.argv[1] == "floor":
        floor(Path(sys.argv[2]))
    else:
        run(Path(sys.argv[2]))
