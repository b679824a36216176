"""Synthetic control against the published German and Basque studies, and its arithmetic by hand.

Tolerances (documented here and in the README):

* outcome-path specification: weights to 0.001, the mean post-launch gap to 1 outcome unit (0.001 for the
  Basque thousands of USD), pre-period RMSPE to 0.1 (0.001): this is an exact optimisation problem.
* covariate specification (ADH 2015, V chosen by cross-validation on 1971-1980 predictors and the 1981-1990
  outcome): each published weight to 0.02 and the mean 1990-2003 gap within 100 USD of the published "about
  1,600 USD". The published weights are rounded to two decimals and came from another optimiser.
* Basque covariate specification: the published Cataluna 0.85 / Madrid 0.15 are a local optimum of the Synth
  package's V search: our search finds weights with a lower pre-period error (checked below), so the published
  weights are not reproduced; the gap the published weights imply (about -10 %) is.
"""

import numpy as np
import pandas as pd
import pytest

from socialroi.models.synth import in_space_placebos, simplex_weights, synthetic_control

GERMANY = "West Germany"
BASQUE = "Basque Country (Pais Vasco)"


@pytest.fixture
def germany(reference_data):
    return pd.read_csv(reference_data / "synth_germany_reunification.csv")


@pytest.fixture
def basque(reference_data):
    b = pd.read_csv(reference_data / "synth_basque_terrorism.csv")
    return b[b["regionname"] != "Spain (Espana)"]


def test_simplex_weights_by_hand():
    # the treated path is exactly 0.3 a + 0.7 b: the fit finds it; a point outside the hull goes to its nearest
    # vertex
    a, b, c = np.array([1.0, 2, 3]), np.array([3.0, 1, 0]), np.array([10.0, 10, 10])
    w = simplex_weights(0.3 * a + 0.7 * b, np.column_stack([a, b, c]))
    assert w == pytest.approx([0.3, 0.7, 0.0], abs=1e-9) and w.sum() == pytest.approx(1.0, abs=1e-12)
    assert simplex_weights(np.array([20.0, 20, 20]), np.column_stack([a, b, c])) == pytest.approx([0, 0, 1], abs=1e-9)


def test_germany_outcome_path(germany):
    fit = synthetic_control(germany, unit="country", time="year", outcome="gdp", treated=GERMANY, launch=1990)
    w = fit.weight_table()
    expected = {"Austria": 0.323, "USA": 0.343, "Switzerland": 0.108, "Greece": 0.099, "Italy": 0.061,
                "France": 0.039, "Norway": 0.028}
    for country, weight in expected.items():
        assert w[country] == pytest.approx(weight, abs=1e-3), country
    post = (fit.times >= 1990) & (fit.times <= 2003)
    assert float(np.mean(fit.gap[post])) == pytest.approx(-1297, abs=1)
    assert fit.pre_rmspe == pytest.approx(60.8, abs=0.1)


@pytest.mark.slow
def test_germany_covariates_with_cross_validated_v(germany):
    train = [("gdp", range(1971, 1981)), ("trade", range(1971, 1981)), ("infrate", range(1971, 1981)),
             ("industry", range(1971, 1981)), ("schooling", [1970, 1975]), ("invest70", [1980])]
    main = [("gdp", range(1981, 1991)), ("trade", range(1981, 1991)), ("infrate", range(1981, 1991)),
            ("industry", range(1981, 1991)), ("schooling", [1980, 1985]), ("invest80", [1980])]
    fit = synthetic_control(germany, unit="country", time="year", outcome="gdp", treated=GERMANY, launch=1990,
                            predictors=main, training=(train, range(1981, 1991)))
    w = fit.weight_table()
    for country, weight in {"Austria": 0.42, "USA": 0.22, "Japan": 0.16, "Switzerland": 0.11,
                            "Netherlands": 0.09}.items():
        assert w[country] == pytest.approx(weight, abs=0.02), country
    assert sum(w.get(c, 0) for c in ("Austria", "USA", "Japan", "Switzerland", "Netherlands")) > 0.97
    post = (fit.times >= 1990) & (fit.times <= 2003)
    assert float(np.mean(fit.gap[post])) == pytest.approx(-1600, abs=100)


def test_basque_outcome_path(basque):
    fit = synthetic_control(basque, unit="regionname", time="year", outcome="gdpcap", treated=BASQUE, launch=1970)
    w = fit.weight_table()
    for region, weight in {"Madrid (Comunidad De)": 0.483, "Baleares (Islas)": 0.311, "Rioja (La)": 0.206}.items():
        assert w[region] == pytest.approx(weight, abs=1e-3), region
    assert fit.mean_effect == pytest.approx(-0.895, abs=1e-3)
    assert fit.pre_rmspe == pytest.approx(0.076, abs=1e-3)


@pytest.mark.slow
def test_basque_covariates_fit_better_than_the_published_local_optimum(basque):
    school = ["school.illit", "school.prim", "school.med", "school.high", "school.post.high", "invest"]
    sectors = ["sec.agriculture", "sec.energy", "sec.industry", "sec.construction", "sec.services.venta",
               "sec.services.nonventa"]
    spec = ([(c, range(1964, 1970)) for c in school] + [("gdpcap", range(1960, 1970))]
            + [(c, range(1961, 1970, 2)) for c in sectors] + [("popdens", [1969])])
    fit = synthetic_control(basque, unit="regionname", time="year", outcome="gdpcap", treated=BASQUE, launch=1970,
                            predictors=spec, fit_periods=range(1960, 1970))
    published = np.array([0.85 if d == "Cataluna" else 0.15 if d.startswith("Madrid") else 0.0 for d in fit.donors])
    y = basque.pivot_table(index="year", columns="regionname", values="gdpcap")
    fitting = (fit.times >= 1960) & (fit.times <= 1969)
    z0 = y.loc[fit.times, list(fit.donors)].to_numpy()
    ours = np.mean(fit.gap[fitting] ** 2)
    theirs = np.mean((fit.actual[fitting] - z0[fitting] @ published) ** 2)
    assert ours < theirs  # the search finds a better fit than the published weights
    # the published weights' gap, computed by our machinery: about 10 % below in the late 1980s and 1990s
    late = (fit.times >= 1985) & (fit.times <= 1997)
    synthetic = z0 @ published
    assert float(np.mean((fit.actual[late] - synthetic[late]) / synthetic[late])) == pytest.approx(-0.10, abs=0.01)


def test_in_space_placebos_rank_germany_first(germany):
    fit = synthetic_control(germany, unit="country", time="year", outcome="gdp", treated=GERMANY, launch=1990)
    plac = in_space_placebos(germany, fit, unit="country", time="year", outcome="gdp", launch=1990)
    assert len(plac.ratios) == 16
    # West Germany's post/pre RMSPE ratio is the largest of the 17 (ADH 2015, figure 4): p = 1/17
    assert plac.p_value == pytest.approx(1 / 17)


def test_in_time_placebo_and_leave_one_out_on_a_planted_panel():
    from socialroi.datasets.incrementality import planted_panel
    from socialroi.models.synth import in_time_placebo, leave_one_out

    panel = planted_panel(seed=2, periods=60, launch=40, donors=19, effect=5.0)
    fit = synthetic_control(panel, unit="unit", time="period", outcome="y", treated="treated", launch=40)
    fake = in_time_placebo(panel, fit, unit="unit", time="period", outcome="y", launch=40, placebo_launch=25)
    assert fake.times.max() == 39 and abs(fake.mean_effect) < 1.5 < 5.0 - 1.5 < fit.mean_effect
    loo = leave_one_out(panel, fit, unit="unit", time="period", outcome="y", launch=40)
    assert set(loo) == set(fit.weight_table())
    assert all(len(f.donors) == 18 and f.mean_effect > 3 for f in loo.values())


def test_leave_one_out_keeps_west_germanys_effect_negative(germany):
    from socialroi.models.synth import leave_one_out

    fit = synthetic_control(germany, unit="country", time="year", outcome="gdp", treated=GERMANY, launch=1990)
    effects = [f.mean_effect for f in leave_one_out(germany, fit, unit="country", time="year", outcome="gdp",
                                                     launch=1990).values()]
    assert len(effects) == 7 and max(effects) < -1000  # no single donor carries the result (ADH 2015, fig. 5)
