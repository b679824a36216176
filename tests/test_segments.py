"""Segment lifts as money: hand checks of the money formulas, planted truth, bad input, warnings."""

import numpy as np
import pandas as pd
import pytest
from simulate_lifts import simulate

from socialroi.datasets import example_dir, example_truth
from socialroi.valuation.errors import InputError
from socialroi.valuation.segments import OutcomeSpec, SegmentSpec, analyse_segments, annuity

COVS = ("log(employees)", "tenure_years", "segment", "region", "acquisition_channel")


def example_spec(**kw):
    outcomes = kw.pop("outcomes", (
        OutcomeSpec("retention", "retained_12m", "binary", "retention", annual_value=900, horizon_years=2,
                    discount_rate=0.1),
        OutcomeSpec("upsell", "upsold", "binary", "upsell", value_per_event=600),
        OutcomeSpec("deal_size", "deal_size", "amount", "deal_size"),
    ))
    return SegmentSpec(covariates=COVS, outcomes=outcomes, engaged="engaged_social", id="customer_id",
                       cluster="account_id", **kw)


@pytest.fixture(scope="module")
def example():
    return analyse_segments(example_dir() / "customers.csv", example_spec(), currency="EUR", seed=1, n_draws=4000)


def test_annuity_closed_form():
    assert annuity(2, 0.1) == pytest.approx(1 / 1.1 + 1 / 1.21)
    assert annuity(3, 0.0) == 3.0 and annuity(0, 0.1) == 0.0


def test_money_is_effect_times_the_stated_factors(example):
    eff = example.effects.set_index(["outcome", "method"])
    ret = eff.loc[("retention", "doubly_robust")]
    est = {e.component: e for e in example.estimates}
    n1 = int(ret["n_engaged"])
    assert est["segment_retention"].point == pytest.approx(ret["estimate"] * n1 * 900 * annuity(2, 0.1))
    up = eff.loc[("upsell", "doubly_robust")]
    assert est["segment_upsell"].point == pytest.approx(up["estimate"] * n1 * 600)
    deal = eff.loc[("deal_size", "doubly_robust")]
    assert est["segment_deal_size"].point == pytest.approx(deal["estimate"] * deal["n_engaged"])
    # draws: normal around the point with the effect's standard error, scaled
    r = est["segment_retention"]
    assert r.std == pytest.approx(ret["se"] * n1 * 900 * annuity(2, 0.1), rel=0.05)
    assert all(e.kind == "soft" for e in example.estimates)


def test_example_recovers_planted_effects(example):
    truth = example_truth()["segments"]
    eff = example.effects.set_index(["outcome", "method"])
    for outcome, key in (("retention", "retention_att"), ("upsell", "upsell_att"), ("deal_size", "deal_size_att")):
        for method in ("regression", "weighting", "doubly_robust"):
            row = eff.loc[(outcome, method)]
            assert row["lower"] < truth[key] < row["upper"], (outcome, method)
    # confounding: the naive difference overstates the retention lift
    assert eff.loc[("retention", "naive")]["estimate"] > 1.5 * truth["retention_att"]
    assert eff.loc[("retention", "naive")]["lower"] > truth["retention_att"]
    assert not example.balance["imbalanced"].any()
    assert (example.balance["smd_before"].abs().max() > 0.5)


def test_time_to_close_recovers_the_hazard_ratio():
    spec = example_spec(outcomes=(OutcomeSpec("time_to_close", "days_to_close", "duration", "time_to_close",
                                              event="deal_won", horizon=180, deal_value=3000, discount_rate=0.1),))
    res = analyse_segments(example_dir() / "customers.csv", spec, currency="EUR", n_draws=2000)
    d = res.durations.iloc[0]
    assert d["hr_lower"] < example_truth()["segments"]["time_to_close_hazard_ratio"] < d["hr_upper"]
    (est,) = res.estimates
    days = d["time_saved"]
    deals = est.assumptions["deals"]
    assert est.point == pytest.approx(deals * 3000 * (1 - 1.1 ** (-days / 365.25)))  # days: 365.25 a year
    assert days > 0


def test_engagement_score_and_threshold():
    frame = simulate(600, np.random.default_rng(3), "binary")
    frame["score"] = np.where(frame["engaged"], 0.8, 0.2)
    spec = SegmentSpec(covariates=("size", "age", "region"), outcomes=(OutcomeSpec("y", "y", "binary"),),
                       score="score", threshold=0.5)
    flag = SegmentSpec(covariates=("size", "age", "region"), outcomes=(OutcomeSpec("y", "y", "binary"),),
                       engaged="engaged")
    a = analyse_segments(frame, spec).effects["estimate"].to_numpy()
    b = analyse_segments(frame, flag).effects["estimate"].to_numpy()
    np.testing.assert_allclose(a, b)


def frame_with(**changes):
    frame = simulate(400, np.random.default_rng(4), "binary")
    frame["engaged"] = np.where(frame["engaged"], "yes", "no")
    frame["amount"] = np.round(np.exp(np.random.default_rng(5).normal(5, 1, len(frame))), 2)
    for k, v in changes.items():
        frame[k] = v
    return frame


SPEC = dict(covariates=("size", "age", "region"), engaged="engaged")


@pytest.mark.parametrize(
    "changes, outcomes, message",
    [
        ({}, (OutcomeSpec("y", "nope", "binary"),), "no column 'nope'"),
        ({"y": [2.0] + [0.0] * 399}, (OutcomeSpec("y", "y", "binary"),), "not 0/1"),
        ({"amount": [-5.0] + [1.0] * 399}, (OutcomeSpec("a", "amount", "amount"),), "negative"),
        ({"engaged": ["no"] * 400}, (OutcomeSpec("y", "y", "binary"),), "no engaged customers"),
        ({"engaged": ["maybe"] + ["no"] * 399}, (OutcomeSpec("y", "y", "binary"),), "not a yes/no flag"),
        ({"size": [None] + [1.0] * 399}, (OutcomeSpec("y", "y", "binary"),), "blank covariate"),
    ],
)
def test_bad_input(changes, outcomes, message):
    with pytest.raises(InputError, match=message):
        analyse_segments(frame_with(**changes), SegmentSpec(outcomes=outcomes, **SPEC))


def test_duplicate_ids_name_both_rows():
    frame = frame_with(cid=list(range(399)) + [5])
    with pytest.raises(InputError, match=r"appears twice \(rows 6 and 400\)"):
        analyse_segments(frame, SegmentSpec(outcomes=(OutcomeSpec("y", "y", "binary"),), id="cid", **SPEC))


def test_problems_warn_and_the_rest_goes_on():
    frame = frame_with()
    frame["const"] = 0.0  # an outcome with no variation
    frame["copy"] = frame["size"] * 2  # collinear covariate
    frame.loc[:5, "engaged"] = "yes"
    spec = SegmentSpec(covariates=("size", "age", "region", "copy"), engaged="engaged",
                       outcomes=(OutcomeSpec("flat", "const", "binary"), OutcomeSpec("y", "y", "binary")))
    res = analyse_segments(frame, spec)
    assert any("collinear" in w for w in res.warnings)
    assert any("no variation" in w for w in res.warnings)
    assert set(res.effects[res.effects["available"]]["outcome"]) == {"y"}
    flat = res.effects[res.effects["outcome"] == "flat"]
    assert (~flat["available"]).sum() >= 2 and flat[~flat["available"]]["reason"].str.contains("no variation").all()


def test_tiny_segment_warns():
    frame = frame_with()
    frame["engaged"] = ["yes"] * 12 + ["no"] * 388
    res = analyse_segments(frame, SegmentSpec(outcomes=(OutcomeSpec("y", "y", "binary"),), **SPEC))
    assert any("tiny segment" in w for w in res.warnings)


def test_separation_makes_an_estimate_unavailable_not_a_crash():
    frame = frame_with()
    frame["perfect"] = (frame["size"] > 0).astype(float)  # the outcome is a covariate threshold: separation
    frame["size_pos"] = (frame["size"] > 0).astype(float)
    spec = SegmentSpec(covariates=("size_pos", "age"), engaged="engaged",
                       outcomes=(OutcomeSpec("p", "perfect", "binary"),))
    res = analyse_segments(frame, spec)
    rows = res.effects.set_index("method")
    assert rows.loc["naive", "available"]
    assert not rows.loc["regression", "available"] and "separation" in rows.loc["regression", "reason"]


def test_trimming_drops_extreme_propensities_and_says_so():
    frame = frame_with()
    spec = SegmentSpec(outcomes=(OutcomeSpec("y", "y", "binary"),), trim=0.2, **SPEC)
    res = analyse_segments(frame, spec)
    assert res.overlap["rows_trimmed"] > 0
    assert any("trimmed" in w for w in res.warnings)
    kept = res.effects.iloc[0]
    assert kept["n_engaged"] + kept["n_not_engaged"] == len(frame) - res.overlap["rows_trimmed"]


def test_clustered_errors_grow_with_duplicated_accounts():
    frame = frame_with()
    doubled = pd.concat([frame, frame], ignore_index=True)
    doubled["account"] = np.tile(np.arange(len(frame)), 2)
    spec = dict(outcomes=(OutcomeSpec("y", "y", "binary"),), **SPEC)
    plain = analyse_segments(doubled, SegmentSpec(**spec)).effects.set_index("method")
    clustered = analyse_segments(doubled, SegmentSpec(cluster="account", **spec)).effects.set_index("method")
    single = analyse_segments(frame, SegmentSpec(**spec)).effects.set_index("method")
    for m in ("naive", "regression", "weighting", "doubly_robust"):
        # every account appears twice: clustering must give back (about) the single-copy standard error
        assert clustered.loc[m, "se"] == pytest.approx(single.loc[m, "se"], rel=0.02)
        assert clustered.loc[m, "se"] > 1.3 * plain.loc[m, "se"]
