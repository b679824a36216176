"""socialroi lift: what a launch added, from a panel (synthetic control) or one series with controls."""

import json

import pandas as pd
import pytest

from socialroi.datasets.incrementality import planted_series


@pytest.fixture
def germany_csv(reference_data, tmp_path):
    g = pd.read_csv(reference_data / "synth_germany_reunification.csv")
    path = tmp_path / "germany.csv"
    g[["country", "year", "gdp"]].to_csv(path, index=False)
    return path


@pytest.fixture
def weekly_csv(tmp_path):
    s = planted_series(seed=0, periods=160, launch=120, controls=3, effect=4.0)  # coverage: test_incrementality_coverage
    frame = pd.DataFrame(s["controls"], columns=["c1", "c2", "c3"])
    frame.insert(0, "week", pd.date_range("2023-01-02", periods=160, freq="W-MON").strftime("%Y-%m-%d"))
    frame["sessions"] = s["y"]
    path = tmp_path / "weekly.csv"
    frame.to_csv(path, index=False)
    return path, str(frame["week"].iloc[120])


def test_synthetic_control_of_west_germany_in_json(run_cli, germany_csv):
    code, out, err = run_cli("lift", germany_csv, "--outcome", "gdp", "--launch", "1990", "--time", "year", "--unit",
                             "country", "--treated", "West Germany", "--value-per-unit", "1", "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    weights = {r["donor"]: r["weight"] for r in doc["weights"]}
    assert weights["USA"] == pytest.approx(0.343, abs=1e-3) and weights["Austria"] == pytest.approx(0.323, abs=1e-3)
    assert doc["figures"]["mean_effect"] == pytest.approx(-1297, abs=1)
    assert doc["figures"]["p_value"] == pytest.approx(1 / 17)
    assert doc["estimate"]["evidence"] == "quasi_experiment"
    lo, hi = doc["estimate"]["interval"]
    assert lo <= doc["estimate"]["point"] <= hi < 0  # the placebo spread puts zero outside
    again = run_cli("lift", germany_csv, "--outcome", "gdp", "--launch", "1990", "--time", "year", "--unit",
                    "country", "--treated", "West Germany", "--value-per-unit", "1", "-f", "json")[1]
    assert again == out


def test_structural_counterfactual_with_controls_and_iso_weeks(run_cli, weekly_csv):
    path, launch = weekly_csv
    code, out, err = run_cli("lift", path, "--outcome", "sessions", "--launch", launch, "--time", "week",
                             "--controls", "c1,c2,c3", "--value-per-unit", "2", "--currency", "EUR", "-f", "json")
    assert code == 0, err
    f = json.loads(out)["figures"]
    assert f["mean_lower"] <= 4.0 <= f["mean_upper"]  # the planted effect
    assert f["post_periods"] == 40 and f["pre_periods"] == 120
    code, text, _ = run_cli("lift", path, "--outcome", "sessions", "--launch", launch, "--time", "week",
                            "--controls", "c1,c2,c3")
    assert "structural time-series model" in text and "Cumulative effect" in text


@pytest.mark.parametrize("args, message", [
    (["--outcome", "visits"], "no column 'visits'"),
    (["--outcome", "sessions", "--unit", "week"], "give both --unit and --treated"),
    (["--outcome", "sessions", "--launch", "30/12/2025"], "is neither a number nor an ISO date"),
])
def test_bad_lift_input_is_one_line_exit_2(run_cli, weekly_csv, args, message):
    path, launch = weekly_csv
    full = ["lift", path, "--time", "week", "--controls", "c1"]
    if "--launch" not in args:
        full += ["--launch", launch]
    code, out, err = run_cli(*full, *args)
    assert code == 2 and message in err and "Traceback" not in err and out == ""
