"""The structural counterfactual's paths against statsmodels' own forecast (an independent implementation).

With the variance parameters held at their estimates, the post-launch paths are draws from the model's predictive
distribution given the pre-launch data, which statsmodels computes in closed form (``get_forecast``: the mean and
the variance of each period's outcome, irregular noise included). Tolerances are Monte Carlo ones: 20,000 paths,
the mean within 4 standard errors, the variance within 4 % (the standard error of a sample variance is about
sqrt(2 / n) = 1 %).
"""

import warnings

import numpy as np
import pytest

from socialroi.datasets.incrementality import planted_series
from socialroi.models.counterfactual import structural_counterfactual


@pytest.mark.parametrize("spec", [dict(), dict(trend=True), dict(seasonal=12)], ids=["level", "trend", "seasonal"])
def test_paths_have_the_forecast_mean_and_variance(spec):
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    s = planted_series(seed=3, periods=96, launch=72, controls=2, effect=0.0)
    y, x, pre = s["y"], s["controls"], s["pre"]
    draws = 20_000
    r = structural_counterfactual(y, x, pre, draws=draws, seed=5, parameter_uncertainty=False, **spec)
    # the same standardisation and model as the function, fitted by statsmodels and forecast in closed form
    mu, sd = y[pre].mean(), y[pre].std(ddof=1)
    cm, cs = x[pre].mean(axis=0), x[pre].std(axis=0, ddof=1)
    z, xs = (y - mu) / sd, (x - cm) / cs
    kind = {"level": "local linear trend" if spec.get("trend") else "local level"}
    if spec.get("seasonal"):
        kind["seasonal"] = spec["seasonal"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = UnobservedComponents(z[pre], exog=xs[pre], mle_regression=False, **kind).fit(disp=False, maxiter=500)
    fc = fit.get_forecast(int((~pre).sum()), exog=xs[~pre])
    mean, var = np.asarray(fc.predicted_mean) * sd + mu, np.asarray(fc.var_pred_mean) * sd * sd
    got_mean = r.predicted[~pre]
    np.testing.assert_array_less(np.abs(got_mean - mean), 4 * np.sqrt(var / draws))
    # the pointwise interval is the paths' quantiles: for a normal predictive its width is 2 x 1.96 sd
    width = r.upper[~pre] - r.lower[~pre]
    np.testing.assert_allclose(width, 2 * 1.959964 * np.sqrt(var), rtol=0.04)

