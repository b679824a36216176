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


def test_covariates_match_the_model_with_predictor_weights(run_cli, tmp_path):
    """--covariates: the treated unit is matched on each covariate's pre-launch mean and the outcome's, V chosen
    to fit the outcome path: the same fit as socialroi.models.synth with that specification."""
    from socialroi.datasets.incrementality import planted_panel
    from socialroi.models.synth import synthetic_control

    panel = planted_panel(seed=2, periods=30, launch=24, donors=9, effect=3.0)
    rng = __import__("numpy").random.default_rng(0)
    panel["size"] = panel.groupby("unit")["y"].transform("mean") + rng.normal(0, 1, len(panel))
    panel.loc[5, "size"] = None  # a blank covariate cell is left out of its mean, not an error
    path = tmp_path / "panel.csv"
    panel.to_csv(path, index=False)
    code, out, err = run_cli("lift", path, "--outcome", "y", "--time", "period", "--unit", "unit", "--treated",
                             "treated", "--launch", "24", "--covariates", "size", "--no-placebos", "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    before = list(range(24))
    fit = synthetic_control(panel, unit="unit", time="period", outcome="y", treated="treated", launch=24,
                            predictors=[("size", before), ("y", before)], fit_periods=before)
    assert {r["donor"]: r["weight"] for r in doc["weights"]} == pytest.approx(fit.weight_table(), abs=1e-9)
    assert sum(doc["figures"]["predictor_weights"].values()) == pytest.approx(1.0, abs=1e-6)
    code, _, err = run_cli("lift", path, "--outcome", "y", "--time", "period", "--launch", "24", "--covariates",
                           "size")
    assert code == 2 and "--covariates are for a synthetic control" in err
