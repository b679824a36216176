"""Cox-based effects: robust covariance equals statsmodels'; planted effects are recovered."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.duration.hazard_regression import PHReg

from socialroi.models.design import build_design
from socialroi.models.glm import EstimationError
from socialroi.models.survival import cox_att, robust_cov


def churn_data(n, rng, hr=0.6):
    size = rng.normal(size=n)
    t = rng.random(n) < 1 / (1 + np.exp(-0.8 * size))
    rate = 0.05 * np.exp(np.log(hr) * t + 0.3 * size)
    event_time = np.ceil(rng.exponential(1 / rate))  # whole months, with ties
    censor = rng.integers(6, 37, n)
    return pd.DataFrame({"size": size, "engaged": t, "tenure": np.minimum(event_time, censor),
                         "churned": event_time <= censor}), rate


@pytest.mark.parametrize("clustered", [False, True])
def test_robust_cov_equals_statsmodels(clustered):
    rng = np.random.default_rng(1)
    frame, _ = churn_data(1500, rng)
    x = np.column_stack([frame["engaged"].astype(float), frame["size"]])
    groups = rng.integers(0, 200, len(frame)) if clustered else np.arange(len(frame))
    model = PHReg(frame["tenure"], x, status=frame["churned"].astype(float), ties="breslow")
    plain = model.fit()
    theirs = model.fit(groups=groups).cov_params()
    ours = robust_cov(frame["tenure"].to_numpy(), frame["churned"].to_numpy(), x, plain.params, plain.cov_params(),
                      groups if clustered else None)
    np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-14)


def test_planted_hazard_ratio_and_retention_gain_are_recovered():
    rng = np.random.default_rng(2)
    frame, _ = churn_data(20_000, rng, hr=0.6)
    design = build_design(frame, ["size"])
    e = cox_att(frame["tenure"], frame["churned"], frame["engaged"], design, horizon=12)
    assert e.hr_lower < 0.6 < e.hr_upper
    # true gain in 12-month retention among the engaged, from the planted monthly hazards
    t = frame["engaged"].to_numpy()
    base = 0.05 * np.exp(0.3 * frame["size"].to_numpy()[t])
    s1, s0 = np.exp(-12 * 0.6 * base), np.exp(-12 * base)
    truth = float(np.mean(s1 - s0))
    # discrete months vs the continuous planted hazard: allow 3 s.e. plus a small discretisation margin
    assert abs(e.survival_difference - truth) < 3 * e.survival_difference_se + 0.01
    assert e.survival_difference > 0 and e.time_saved < 0  # engaged customers stay longer
    assert e.evalue > 1


def test_no_events_is_an_estimation_error():
    frame = pd.DataFrame({"size": [1.0, 2, 3, 4], "engaged": [True, False, True, False]})
    with pytest.raises(EstimationError, match="no events"):
        cox_att(np.ones(4), np.zeros(4, bool), frame["engaged"], build_design(frame, ["size"]), horizon=1)
