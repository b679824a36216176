"""Attribution models: hand-computed paths, Markov removal by hand, Shapley and efficiency properties, rules."""

import numpy as np
import pytest
from conftest import load_result, write_csv
from hypothesis import given, settings
from hypothesis import strategies as st

from socialroi.datasets import example_dir, example_truth
from socialroi.models.attribution import HEURISTICS, Journeys, credit
from socialroi.valuation.attribution import AttributionOptions, attribute
from socialroi.valuation.errors import InputError

HAND = load_result("attribution_hand_case.json")


@pytest.fixture
def hand(tmp_path):
    path = write_csv(tmp_path / "tp.csv", HAND["touchpoints_csv"])
    return attribute(path, AttributionOptions(social_channels=["linkedin", "instagram"], bootstrap=0))


def test_hand_case_every_model(hand):
    table = hand.table.set_index("channel")
    exp = HAND["expected"]
    for model in ("first_touch", "last_touch", "linear", "position", "markov", "shapley", "markov_removal_effect",
                  "assisted_conversions", "assisted_revenue"):
        for channel, value in exp[model].items():
            assert table.loc[channel, model] == pytest.approx(value, abs=1e-9), (model, channel)
    assert table.loc["email", "time_decay"] == pytest.approx(exp["time_decay_email"], abs=1e-6)
    assert hand.diagnostics["duplicate_touches_dropped"] == exp["duplicates_dropped"]
    assert hand.diagnostics["journeys_reordered_by_time"] == exp["journeys_reordered"]
    assert hand.estimate.point == pytest.approx(90 + 30)  # social = linkedin + instagram under Markov
    assert hand.estimate.kind == "hard" and hand.estimate.component == "direct_revenue"


journeys = st.lists(
    st.tuples(st.lists(st.integers(0, 4), min_size=1, max_size=6), st.booleans(), st.floats(1, 1000)),
    min_size=1, max_size=30,
)


def build(spec):
    channels, times, offsets, conv, rev = [], [], [0], [], []
    for touches, c, r in spec:
        channels += touches
        times += list(range(len(touches)))
        offsets.append(len(channels))
        conv.append(c)
        rev.append(r if c else 0.0)
    return Journeys(np.array(channels), np.array(times, float), np.array(offsets), np.array(conv),
                    np.array(rev), tuple("abcde"))


@settings(max_examples=80, deadline=None)
@given(journeys)
def test_every_model_credits_exactly_the_total_revenue(spec):
    j = build(spec)
    total = j.revenue.sum()
    for model in (*HEURISTICS, "shapley"):
        assert credit(j, model).sum() == pytest.approx(total, rel=1e-9, abs=1e-9), model
    if total > 0:
        markov = credit(j, "markov")
        assert markov.sum() == pytest.approx(total, rel=1e-9) or markov.sum() == 0.0


@settings(max_examples=80, deadline=None)
@given(journeys)
def test_shapley_equals_its_closed_form(spec):
    """For v(S) = revenue of journeys with channels in S, the Shapley value splits each journey equally."""
    j = build(spec)
    expected = np.zeros(5)
    for touches, c, r in spec:
        if c:
            for ch in set(touches):
                expected[ch] += r / len(set(touches))
    np.testing.assert_allclose(credit(j, "shapley"), expected, rtol=1e-9, atol=1e-9)


def test_one_touch_journeys_give_everything_to_that_channel():
    j = build([([2], True, 10.0), ([2], True, 5.0), ([1], False, 0.0)])
    for model in (*HEURISTICS, "markov", "shapley"):
        c = credit(j, model)
        assert c[2] == pytest.approx(15.0) and c.sum() == pytest.approx(15.0), model


def test_second_order_markov_runs_and_is_efficient():
    j = build([([0, 1, 2], True, 10.0), ([1, 0], True, 4.0), ([2], False, 0.0), ([0, 2, 1], False, 0.0)])
    c = credit(j, "markov", order=2)
    assert c.sum() == pytest.approx(14.0)


def test_example_first_and_last_touch_match_the_generator():
    truth = example_truth()["attribution"]
    r = attribute(example_dir() / "touchpoints.csv",
                  AttributionOptions(social_channels=truth["social_channels"], bootstrap=50), seed=1)
    social = r.table[r.table["social"]]
    assert social["first_touch"].sum() == pytest.approx(truth["first_touch_social_revenue"], abs=1e-6)
    assert social["last_touch"].sum() == pytest.approx(truth["last_touch_social_revenue"], abs=1e-6)
    assert r.diagnostics["revenue"] == pytest.approx(truth["revenue"], abs=1e-6)
    assert r.diagnostics["converted_journeys"] == truth["conversions"]
    lo, hi = r.estimate.interval
    assert lo < r.estimate.point < hi


@pytest.mark.parametrize("csv, message, row", [
    ("journey_id,timestamp,channel,converted,revenue\nj1,2026-01-01,email,1,10\nj1,2026-01-02,x,0,\n",
     "different conversion flag", 2),
    ("journey_id,timestamp,channel,converted,revenue\nj1,2026-01-01,email,1,10\nj1,2026-01-02,x,1,12\n",
     "different revenue", 2),
    ("journey_id,timestamp,channel,converted,revenue\nj1,2026-01-01,email,0,10\n", "did not convert", 1),
    ("journey_id,timestamp,channel,converted,revenue\nj1,someday,email,1,10\n", "not a date", 1),
    ("journey_id,timestamp,channel,converted,revenue\nj1,2026-01-01,,1,10\n", "blank channel", 1),
    ("journey_id,timestamp,channel,converted,revenue\nj1,2026-01-01,email,maybe,10\n", "conversion flag", 1),
])
def test_bad_touchpoints(tmp_path, csv, message, row):
    p = write_csv(tmp_path / "t.csv", csv)
    with pytest.raises(InputError, match=message) as exc:
        attribute(p, AttributionOptions(social_channels=["email"], bootstrap=0))
    assert exc.value.row == row


def test_no_conversion_and_unknown_social(tmp_path):
    p = write_csv(tmp_path / "t.csv", "journey_id,timestamp,channel,converted,revenue\nj1,2026-01-01,email,0,\n")
    with pytest.raises(InputError, match="no journey converted"):
        attribute(p, AttributionOptions(social_channels=["email"]))
    q = write_csv(tmp_path / "u.csv", "journey_id,timestamp,channel,converted,revenue\nj1,2026-01-01,email,1,5\n")
    with pytest.raises(InputError, match="none of the social channels"):
        attribute(q, AttributionOptions(social_channels=["tiktok"]))


def test_channel_map_merges_names(tmp_path):
    p = write_csv(tmp_path / "t.csv", "journey_id,timestamp,channel,converted,revenue\n"
                                      "j1,2026-01-01,FB,1,10\nj2,2026-01-01,facebook,1,5\n")
    r = attribute(p, AttributionOptions(social_channels=["facebook"], channel_map={"fb": "facebook"}, bootstrap=0))
    assert list(r.table["channel"]) == ["facebook"] and r.estimate.point == pytest.approx(15)


def test_project_attribution_replaces_direct_revenue(tmp_path):
    from socialroi.valuation.project import load_project, run_project

    (tmp_path / "tp.csv").write_text(HAND["touchpoints_csv"])
    (tmp_path / "costs.csv").write_text("category,amount\nads,60\n")
    (tmp_path / "p.toml").write_text('[project]\ncurrency = "EUR"\ndraws = 500\n[attribution]\n'
                                     'touchpoints = "tp.csv"\nsocial_channels = ["linkedin", "instagram"]\n'
                                     'bootstrap = 20\n[costs]\nledger = "costs.csv"\n')
    run = run_project(tmp_path / "p.toml")
    assert run.roi.hard_value == pytest.approx(120.0) and run.roi.hard_roi == pytest.approx(100.0)
    (tmp_path / "p.toml").write_text((tmp_path / "p.toml").read_text() + "[direct_revenue]\namount = 5\n")
    with pytest.raises(InputError, match="not both"):
        load_project(tmp_path / "p.toml")


def test_linear_models_per_journey_and_the_bootstrap_equal_a_refit_on_each_replicate():
    """journey_credit is each linear model's credit journey by journey (Shapley of this game splits a journey
    equally over its distinct channels); bootstrap_credit equals refitting every model on each reweighted
    replicate with the same Poisson weights."""
    import numpy as np

    from socialroi.datasets import example_dir
    from socialroi.models.attribution import HEURISTICS, bootstrap_credit, credit, journey_credit
    from socialroi.valuation.attribution import AttributionOptions, read_journeys

    j, _ = read_journeys(example_dir() / "touchpoints.csv", AttributionOptions(social_channels=["linkedin"]), None)
    social = np.array([n in ("linkedin", "instagram") for n in j.names])
    for model in (*HEURISTICS, "shapley"):
        assert journey_credit(j, model, social).sum() == pytest.approx(credit(j, model)[social].sum(), rel=1e-12)
    models = (*HEURISTICS, "markov", "shapley")
    reps = bootstrap_credit(j, models, social, 3, np.random.default_rng(5))
    rng = np.random.default_rng(5)
    for b in range(3):
        w = rng.poisson(1.0, j.n_journeys).astype(float)
        for model in models:
            assert reps[model][b] == pytest.approx(credit(j.reweighted(w), model)[social].sum(), rel=1e-9), model
