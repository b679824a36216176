"""Randomised lift tests: the estimator against statsmodels, coverage in hard settings, the value by hand, bad input."""

import json

import numpy as np
import pandas as pd
import pytest

from socialroi.datasets import example_project, example_truth
from socialroi.models.experiment import two_group
from socialroi.valuation.errors import InputError
from socialroi.valuation.lift_tests import LiftTestSpec, lift_test


def test_amount_effect_is_welchs_t_interval_as_statsmodels_computes_it():
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW, ttest_ind

    rng = np.random.default_rng(3)
    y = rng.lognormal(3, 1, 700)
    test = rng.random(700) < 0.4
    r = two_group(y, test, "amount")
    cm = CompareMeans(DescrStatsW(y[test]), DescrStatsW(y[~test]))
    lo, hi = cm.tconfint_diff(usevar="unequal")
    _, p, df = ttest_ind(y[test], y[~test], usevar="unequal")
    assert (r.lower, r.upper) == pytest.approx((lo, hi), rel=1e-12)
    assert r.p_value == pytest.approx(p, rel=1e-10) and r.df == pytest.approx(df, rel=1e-10)
    assert r.effect == pytest.approx(y[test].mean() - y[~test].mean())


def test_binary_effect_is_the_agresti_caffo_interval_as_statsmodels_computes_it():
    from statsmodels.stats.proportion import confint_proportions_2indep

    rng = np.random.default_rng(4)
    test = rng.random(3000) < 0.5
    y = (rng.random(3000) < np.where(test, 0.03, 0.02)).astype(float)
    r = two_group(y, test, "binary")
    lo, hi = confint_proportions_2indep(y[test].sum(), test.sum(), y[~test].sum(), (~test).sum(),
                                        method="agresti-caffo")
    assert (r.lower, r.upper) == pytest.approx((lo, hi), rel=1e-12)
    assert r.effect == pytest.approx(y[test].mean() - y[~test].mean())


def _coverage(draw, truth, kind, reps=1500, seed=0):
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(reps):
        y, t = draw(rng)
        r = two_group(y, t, kind)
        hits += r.lower <= truth <= r.upper
    return hits / reps


def _groups(n):
    return np.arange(2 * n) < n


# hard settings: rare conversions, tiny groups, skewed amounts, revenue that is mostly zeros, no effect at all.
# 1,500 replications: Monte Carlo standard error of a 95 % coverage is 0.0056; the tolerance is 3.5 of them.
SETTINGS = {
    "rare conversions (2 % vs 3 %, 400 a group)": (
        lambda rng: ((rng.random(800) < np.where(_groups(400), 0.03, 0.02)).astype(float), _groups(400)), 0.01, "binary"),
    "tiny groups (10 % vs 20 %, 30 a group)": (
        lambda rng: ((rng.random(60) < np.where(_groups(30), 0.2, 0.1)).astype(float), _groups(30)), 0.1, "binary"),
    "skewed amounts (lognormal sd 1, 300 a group)": (
        lambda rng: (rng.lognormal(3, 1, 600) * np.where(_groups(300), 1.2, 1.0), _groups(300)),
        0.2 * np.exp(3.5), "amount"),
    "revenue mostly zeros (3.5 % vs 4.6 % buy)": (
        lambda rng: (np.where(rng.random(6000) < np.where(_groups(3000), 0.046, 0.035),
                              rng.lognormal(4.3, 0.55, 6000), 0.0), _groups(3000)),
        0.011 * np.exp(4.3 + 0.55 ** 2 / 2), "amount"),
    "no effect (skewed, 200 a group)": (lambda rng: (rng.lognormal(3, 1, 400), _groups(200)), 0.0, "amount"),
}


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_intervals_cover_the_planted_effect_at_their_nominal_rate(setting):
    draw, truth, kind = SETTINGS[setting]
    assert _coverage(draw, truth, kind) == pytest.approx(0.95, abs=0.02), setting


def _write(tmp_path, frame, name="test.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def test_value_is_effect_times_units_times_value_per_conversion_by_hand(tmp_path):
    # 10 of 100 test units and 5 of 100 control units converted: 5 points x 100 units x 40 = 200
    frame = pd.DataFrame({"group": ["test"] * 100 + ["control"] * 100,
                          "converted": [1] * 10 + [0] * 90 + [1] * 5 + [0] * 95})
    t = lift_test(LiftTestSpec("promo", _write(tmp_path, frame), "converted", value_per_conversion=40.0),
                  currency="EUR", n_draws=20_000)
    e = t.estimate
    assert e.point == pytest.approx(0.05 * 100 * 40) and e.evidence == "experiment" and e.kind == "soft"
    assert e.interval == pytest.approx((t.result.lower * 4000, t.result.upper * 4000))
    # the draws carry the same sampling distribution as the interval (normal around the adjusted difference)
    assert np.quantile(e.draws, [0.025, 0.975]) == pytest.approx(e.interval, rel=0.05)
    assert e.component == "lift_test_promo" and e.label == "Lift test: promo"
    rollout = lift_test(LiftTestSpec("promo", _write(tmp_path, frame), "converted", value_per_conversion=40.0,
                                     units=5000), currency="EUR")
    assert rollout.estimate.point == pytest.approx(0.05 * 5000 * 40)  # valued over the rollout's audience


def test_sample_ratio_mismatch_and_spanning_zero_are_warned(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"group": ["test"] * 600 + ["control"] * 400, "revenue": rng.lognormal(2, 1, 1000)})
    t = lift_test(LiftTestSpec("split", _write(tmp_path, frame), "revenue", kind="amount", split=0.5))
    text = " ".join(t.estimate.warnings)
    assert "sample ratio mismatch" in text and "60.0% of units" in text
    assert "cannot tell its effect from zero" in text


@pytest.mark.parametrize("frame, spec, message", [
    (pd.DataFrame({"group": ["test", "control", "ctrl"], "y": [1, 0, 1]}), {},
     "group 'ctrl' is neither the test group 'test' nor the control group 'control'"),
    (pd.DataFrame({"group": ["test", "control", "test"], "y": [1, 2, 0]}), {},
     "value '2' is not 0/1 (a binary outcome)"),
    (pd.DataFrame({"group": ["test", "test", "control"], "y": [1, 0, 1]}), {},
     "each group needs at least two units"),
    (pd.DataFrame({"group": ["test", "control", "test", "control"], "y": [1.5, None, 2, 3]}), {"kind": "amount"},
     "blank outcome"),
])
def test_bad_lift_test_tables_are_refused_with_file_column_and_row(tmp_path, frame, spec, message):
    options = {"value_per_conversion": 10.0, **spec}
    with pytest.raises(InputError) as exc:
        lift_test(LiftTestSpec("t", _write(tmp_path, frame), "y", **options))
    assert message in str(exc.value) and "test.csv" in str(exc.value)


def test_binary_lift_test_needs_the_value_of_a_conversion_in_the_project_file(tmp_path, run_cli):
    project = tmp_path / "project.toml"
    _write(tmp_path, pd.DataFrame({"group": ["test", "control"] * 5, "y": [1, 0] * 5}))
    (tmp_path / "costs.csv").write_text("category,amount\nstaff time,100\n", encoding="utf-8")
    project.write_text('[costs]\nledger = "costs.csv"\n[[lift_tests]]\nname = "t"\nfile = "test.csv"\noutcome = "y"\n',
                       encoding="utf-8")
    code, _, err = run_cli("roi", project)
    assert code == 2 and "kind binary needs value_per_conversion" in err and "Traceback" not in err
    project.write_text('[costs]\nledger = "costs.csv"\n[[lift_tests]]\nname = "bad name"\nfile = "test.csv"\n'
                       'outcome = "y"\nvalue_per_conversion = 5\n', encoding="utf-8")
    code, _, err = run_cli("roi", project)
    assert code == 2 and "lift_tests[1].name must be a short name of letters, digits and _" in err


def test_the_example_lift_test_recovers_its_planted_value_and_every_grade_has_a_source(run_cli):
    code, out, err = run_cli("roi", example_project(), "-f", "json", "--draws", "2000")
    assert code == 0, err
    doc = json.loads(out)
    truth = example_truth()["lift_test"]
    lt = {c["component"]: c for c in doc["components"]}["lift_test_instagram_holdout"]
    assert lt["evidence"] == "experiment"
    assert lt["interval"][0] <= truth["value"] <= lt["interval"][1]
    test = doc["lift_tests"]["tests"][0]
    assert test["lower"] <= truth["effect_per_unit"] <= test["upper"] and test["file"] == "lift_test.csv"
    assert test["n_test"] == truth["test_units"]
    grades = {g["grade"] for g in doc["value_by_evidence"]}
    assert {"experiment", "observational", "market_price", "accounting"} <= grades
    rows = {r["figure"]: r for r in doc["planted_vs_recovered"]}
    assert rows["Lift test value (EUR)"]["covered"]
