"""socialroi lift plan: minimum detectable effect and power of a planned launch, by placebo launches."""

import json

import numpy as np
import pandas as pd
import pytest

from socialroi.datasets import example_project
from socialroi.datasets.incrementality import planted_series
from socialroi.models import launch_power as lp
from socialroi.valuation.incrementality import lift, plan

COUNTIES = example_project().parent / "county_orders.csv"
PANEL = dict(outcome="orders", time="week", unit="county", treated="Vestland")


def _with_effect(frame, start, duration, effect, unit=None, treated=None, outcome="orders"):
    """The history cut at a fake launch's end, with ``effect`` added to the treated series over its window."""
    out = frame.copy()
    periods = sorted(out["week"].unique())
    window = set(periods[start:start + duration])
    out = out[out["week"] < periods[start + duration]] if start + duration < len(periods) else out
    rows = out["week"].isin(window) & ((out[unit] == treated) if unit else True)
    out.loc[rows, outcome] = out.loc[rows, outcome] + effect
    return out, periods[start]


def test_a_placebo_launch_detects_exactly_the_effects_above_its_threshold_synthetic_control(tmp_path):
    """The planning rule is the analysis's rule: adding the fake launch's threshold plus a little to its window and
    running the real synthetic-control analysis gives a value interval above zero; a little less does not."""
    p = plan(COUNTIES, launch="2026-07-06", duration=12, **PANEL)
    frame = pd.read_csv(COUNTIES).astype({"orders": float})
    periods = sorted(frame["week"].unique())
    for row in p.launches.iloc[[0, 5]].itertuples():
        start = periods.index(row.launch)
        for delta, detected in ((row.threshold + 0.05, True), (row.threshold - 0.05, False)):
            data, launch = _with_effect(frame, start, 12, delta, "county", "Vestland")
            path = tmp_path / "h.csv"
            data.to_csv(path, index=False)
            r = lift(path, launch=launch, value_per_unit=1.0, **PANEL)
            assert (r.estimate.interval[0] > 0) is detected, (row.launch, delta)
            assert r.figures["mean_effect"] == pytest.approx(row.estimate + delta, abs=1e-6)


def test_a_placebo_launch_detects_exactly_the_effects_above_its_threshold_structural(tmp_path):
    s = planted_series(seed=4, periods=100, launch=100, controls=2, effect=0.0)
    frame = pd.DataFrame(s["controls"], columns=["c1", "c2"])
    frame.insert(0, "week", np.arange(1, 101))
    frame["y"] = s["y"]
    path = tmp_path / "weekly.csv"
    frame.to_csv(path, index=False)
    launches = lp.structural_launches(frame["y"].to_numpy(), frame[["c1", "c2"]].to_numpy(), [60], 10, seed=0)
    (fake,) = launches
    for delta, detected in ((fake.threshold + 0.01, True), (fake.threshold - 0.01, False)):
        cut = frame.iloc[:70].copy()
        cut.loc[60:, "y"] += delta
        cut.to_csv(path, index=False)
        r = lift(path, outcome="y", time="week", launch=61, controls=["c1", "c2"], seed=0, n_draws=300)
        assert (r.figures["mean_lower"] > 0) is detected


def test_mde_and_power_follow_from_the_thresholds():
    launches = [lp.PlaceboLaunch(i, 0.0, t) for i, t in enumerate([5.0, 1.0, 3.0, 2.0, 4.0])]
    assert lp.power_at(launches, 3.5) == pytest.approx(0.6)
    assert lp.minimum_detectable_effect(launches, 0.8) == 4.0  # 4 of 5 launches detect an effect above 4
    assert lp.minimum_detectable_effect(launches, 1.0) == 5.0
    assert lp.false_positive_rate([*launches, lp.PlaceboLaunch(9, 0.0, -1.0)]) == pytest.approx(1 / 6)
    assert lp.placebo_starts(30, 5, min_train=10, count=4) == [10, 15, 20, 25]


def test_plan_on_the_example_panel_in_json(run_cli):
    args = ("lift", "plan", COUNTIES, "--outcome", "orders", "--time", "week", "--unit", "county", "--treated",
            "Vestland", "--launch", "2026-07-06", "--duration", "12", "--value-per-unit", "40", "--currency", "EUR",
            "-f", "json")
    code, out, err = run_cli(*args)
    assert code == 0, err
    doc = json.loads(out)
    f = doc["figures"]
    thresholds = sorted(r["threshold"] for r in doc["placebo_launches"])
    assert f["placebo_launches"] == 10 and f["mde"] == pytest.approx(thresholds[7])  # 8 of 10 launches: 80 %
    assert f["mde_value"] == pytest.approx(f["mde"] * 12 * 40)
    # the planted campaign (20 orders a week) is near the MDE: this history detects it at 7 of 10 fake launches
    assert sum(t < 20 for t in thresholds) == 7 and 20 < f["mde"] < 25
    powers = [r["power"] for r in doc["power"]]
    assert powers == sorted(powers) and powers[-1] == 1.0
    assert run_cli(*args)[1] == out  # reproducible


@pytest.mark.parametrize("args, message", [
    (("--duration", "60", "--unit", "county", "--treated", "Vestland"), "too little history before 2026-07-06"),
    (("--duration", "12"), "period 2024-07-01 appears twice; one row per period"),
    (("--duration", "12", "--treated", "Vestland"), "give both --unit and --treated"),
    (("--duration", "12", "--unit", "county", "--treated", "Bergen"), "treated unit 'Bergen' is not in column"),
])
def test_bad_plans_exit_2_with_one_line(run_cli, args, message):
    code, _, err = run_cli("lift", "plan", COUNTIES, "--outcome", "orders", "--time", "week", "--launch",
                           "2026-07-06", *args)
    assert code == 2 and message in err and "Traceback" not in err
