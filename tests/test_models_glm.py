"""Our GLM fits and effect estimates against statsmodels fits of the same models (1e-6)."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from simulate_lifts import simulate

from socialroi.models.att import estimate_att
from socialroi.models.design import build_design
from socialroi.models.glm import EstimationError, fit_glm
from socialroi.models.weighting import balance_table, fit_propensity

TOL = 1e-6


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(11)
    binary = simulate(3000, rng, "binary")
    amount = simulate(3000, rng, "amount")
    return binary, amount


@pytest.mark.parametrize("family, sm_family", [
    ("binomial", sm.families.Binomial()), ("gaussian", sm.families.Gaussian()),
    ("poisson", sm.families.Poisson()), ("gamma", sm.families.Gamma(sm.families.links.Log())),
])
def test_glm_params_equal_statsmodels(family, sm_family):
    rng = np.random.default_rng(3)
    x = np.column_stack([np.ones(2000), rng.normal(size=(2000, 3))])
    eta = x @ np.array([0.3, 0.5, -0.4, 0.2])
    y = {"binomial": rng.random(2000) < 1 / (1 + np.exp(-eta)), "gaussian": eta + rng.normal(size=2000),
         "poisson": rng.poisson(np.exp(eta)), "gamma": rng.gamma(2.0, np.exp(eta) / 2)}[family].astype(float)
    ours = fit_glm(x, y, family).params
    theirs = sm.GLM(y, x, family=sm_family).fit(tol=1e-13).params
    np.testing.assert_allclose(ours, theirs, atol=TOL, rtol=TOL)


def test_regression_adjusted_att_equals_statsmodels_predictions_of_the_non_engaged_model(data):
    """Regression adjustment as teffects ra defines it: the non-engaged outcome model, predicted for the engaged."""
    binary, amount = data
    for frame, kind, formula_fit in (
        (binary, "binary", lambda f: smf.logit("y ~ size + age + C(region)", f).fit(disp=0)),
        (amount, "amount", lambda f: smf.glm("y ~ size + age + C(region)", f,
                                             family=sm.families.Gamma(sm.families.links.Log())).fit(tol=1e-13)),
    ):
        frame = frame.assign(engaged=frame["engaged"].astype(int))
        res = formula_fit(frame[frame["engaged"] == 0])
        treated = frame[frame["engaged"] == 1]
        m0 = res.predict(treated).mean()
        design = build_design(frame, ["size", "age", "region"])
        ps = fit_propensity(frame["engaged"].to_numpy(bool), design)
        (ra,) = estimate_att(frame["y"].to_numpy(), frame["engaged"].to_numpy(bool), design, ps, kind=kind,
                             methods=["regression"])
        assert ra.treated_mean == pytest.approx(treated["y"].mean(), rel=1e-12)
        assert ra.counterfactual_mean == pytest.approx(m0, rel=TOL)
        assert ra.estimate == pytest.approx(treated["y"].mean() - m0, rel=TOL)


def test_weighting_and_doubly_robust_equal_hand_formulas_on_statsmodels_fits(data):
    binary, _ = data
    frame = binary.assign(engaged=binary["engaged"].astype(int))
    ps_res = smf.logit("engaged ~ size + age + C(region)", frame).fit(disp=0)
    e = ps_res.predict(frame).to_numpy()
    t = frame["engaged"].to_numpy() == 1
    y = frame["y"].to_numpy()
    w = e / (1 - e)
    ipw = y[t].mean() - np.sum(w[~t] * y[~t]) / np.sum(w[~t])
    out = smf.logit("y ~ size + age + C(region)", frame[frame["engaged"] == 0]).fit(disp=0)
    m0 = out.predict(frame).to_numpy()
    dr = y[t].mean() - (m0[t].mean() + np.sum(w[~t] * (y - m0)[~t]) / np.sum(w[~t]))
    design = build_design(frame, ["size", "age", "region"])
    ps = fit_propensity(t, design)
    np.testing.assert_allclose(ps.scores, e, atol=TOL)
    got = {x.method: x for x in estimate_att(y, t, design, ps, kind="binary")}
    assert got["weighting"].estimate == pytest.approx(ipw, abs=TOL)
    assert got["doubly_robust"].estimate == pytest.approx(dr, abs=TOL)
    assert got["naive"].estimate == pytest.approx(y[t].mean() - y[~t].mean(), abs=1e-12)


def test_naive_se_is_the_unequal_variance_two_sample_se():
    rng = np.random.default_rng(5)
    frame = simulate(800, rng, "amount")
    t = frame["engaged"].to_numpy(bool)
    y = frame["y"].to_numpy()
    design = build_design(frame, ["size"])
    (naive,) = estimate_att(y, t, design, fit_propensity(t, design), kind="amount", methods=["naive"])
    # M-estimation with the HC1 factor n/(n-2): var = (n/(n-2)) * (s1²(n1-1)/n1² + s0²(n0-1)/n0²)
    n1, n0, n = t.sum(), (~t).sum(), len(t)
    var = (y[t].var() / n1 + y[~t].var() / n0) * n / (n - 2)
    assert naive.se == pytest.approx(np.sqrt(var), rel=1e-9)


def test_balance_smd_by_hand():
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "engaged": [True, True, False, False]})
    design = build_design(frame, ["x"])
    table = balance_table(design, frame["engaged"].to_numpy(), np.array([1.0, 1.0, 1.0, 3.0]))
    # means 1.5 vs 3.5, both variances 0.5 -> SMD = -2 / sqrt(0.5) ; weighted control mean (3 + 12) / 4 = 3.75
    assert table.loc[0, "smd_before"] == pytest.approx(-2 / np.sqrt(0.5))
    assert table.loc[0, "smd_after"] == pytest.approx((1.5 - 3.75) / np.sqrt(0.5))
    assert bool(table.loc[0, "imbalanced"])


def test_separation_and_no_variation_are_reported_not_raised():
    x = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]])
    with pytest.raises(EstimationError, match="separation"):
        fit_glm(x, np.array([0, 0, 0, 1, 1, 1.0]), "binomial")
    with pytest.raises(EstimationError, match="no variation"):
        fit_glm(x, np.ones(6), "binomial")


def test_collinear_covariates_are_dropped_with_a_warning():
    frame = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 4, 6, 8, 10], "c": [1.0, 0, 1, 0, 0]})
    d = build_design(frame, ["a", "b", "c"])
    assert d.names == ("Intercept", "a", "c") and d.dropped == ("b",) and "collinear" in d.warnings[0]
