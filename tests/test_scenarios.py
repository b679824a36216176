"""Scenario simulation against closed forms; distributions; copula; bad input."""

import math

import numpy as np
import pytest
from scipy.special import betaincinv, ndtri

from socialroi.models.distributions import Distribution, DistributionError, sample
from socialroi.valuation.errors import InputError
from socialroi.valuation.project import run_project
from socialroi.valuation.scenarios import Model, cashflows, parse_assumptions, simulate_project, tornado

N = 1_000_000


def project(tmp_path, assumptions="", extra="", ledger="category,item,amount\nads,Boosts,300\ntools,Tool,200\n"):
    (tmp_path / "costs.csv").write_text(ledger)
    (tmp_path / "p.toml").write_text(f'[project]\ncurrency = "EUR"\ndraws = 1000\n[direct_revenue]\namount = 1000\n'
                                     f'[costs]\nledger = "costs.csv"\n[assumptions]\n{assumptions}\n{extra}')
    return run_project(tmp_path / "p.toml", simulate=False)  # the tests simulate it themselves


def simulate(run, n=N, seed=1):
    m = Model(run)
    spec = parse_assumptions(run.project.sections["simulation"]["assumptions"], m.levers, "test")
    return m, spec, m.simulate(spec, n, seed, run.project.sections["simulation"]["correlations"] or None, "test")


def test_sum_of_independent_normals(tmp_path):
    run = project(tmp_path, '"direct_revenue.amount" = { dist = "normal", mean = 1000, sd = 100 }\n'
                            '"costs.Boosts" = { dist = "normal", mean = 300, sd = 30 }')
    _, _, sim = simulate(run)
    sd = math.hypot(100, 30)  # net = V - C1 - 200 ~ Normal(500, sqrt(100² + 30²))
    for p in (0.05, 0.5, 0.95):
        exact = 500 + sd * float(ndtri(p))
        se = math.sqrt(p * (1 - p) / N) * sd / (math.exp(-float(ndtri(p)) ** 2 / 2) / math.sqrt(2 * math.pi))
        assert np.quantile(sim.net, p) == pytest.approx(exact, abs=5 * se)


def test_quantiles_of_a_ratio(tmp_path):
    run = project(tmp_path, '"costs.Boosts" = { dist = "uniform", low = 400, high = 600 }',
                  ledger="category,item,amount\nads,Boosts,500\n")
    _, _, sim = simulate(run)
    # ROI = (1000 - C) / C x 100 decreases in C ~ U(400, 600): its p-quantile is at C's (1 - p)-quantile
    for p in (0.05, 0.5, 0.95):
        c = 400 + (1 - p) * 200
        assert np.quantile(sim.blended_roi, p) == pytest.approx((1000 - c) / c * 100, abs=0.15)
    assert sim.figures()["probability_roi_below_zero"] == 0.0


def test_triangular_mean_and_pert_mean(tmp_path):
    run = project(tmp_path, '"costs.Boosts" = { dist = "triangular", low = 100, mode = 250, high = 700 }\n'
                            '"costs.Tool" = { dist = "pert", low = 100, mode = 200, high = 500 }')
    _, _, sim = simulate(run)
    tri, pert = (100 + 250 + 700) / 3, (100 + 4 * 200 + 500) / 6
    assert sim.cost.mean() == pytest.approx(tri + pert, rel=2e-3)


def test_tornado_of_a_linear_model_is_its_coefficient(tmp_path):
    run = project(tmp_path, '"direct_revenue.amount" = { dist = "uniform", low = 800, high = 1400 }\n'
                            '"costs.multiplier" = 1.0')
    m, spec, _ = simulate(run, n=1000)
    table, base = tornado(m, spec)
    row = table.iloc[0]
    # ROI = (V - 500) / 500 x 100: the swing is (V_P90 - V_P10) / 500 x 100 = (1340 - 860) / 5
    assert row["p10"] == pytest.approx(860) and row["p90"] == pytest.approx(1340)
    assert row["swing"] == pytest.approx((1340 - 860) / 500 * 100)
    assert base == pytest.approx(100.0)


def test_p5_and_p95_converge(tmp_path):
    run = project(tmp_path, '"direct_revenue.amount" = { dist = "normal", mean = 1000, sd = 100 }')
    exact = 500 + 100 * float(ndtri(0.05))
    errors = []
    for n in (1_000, 10_000, 100_000, 1_000_000):
        _, _, sim = simulate(run, n=n, seed=7)
        errors.append(abs(np.quantile(sim.net, 0.05) - exact))
        se = math.sqrt(0.05 * 0.95 / n) * 100 / 0.10314  # density of N(0, 1) at its 5% point is 0.10314
        assert errors[-1] < 4 * se
    assert errors[-1] < errors[0]


def test_copula_reproduces_the_rank_correlation():
    rng = np.random.default_rng(3)
    d = [Distribution("lognormal", {"mean": 10, "sd": 4}), Distribution("pert", {"low": 0, "mode": 1, "high": 5})]
    x = sample(d, 400_000, rng, np.array([[1.0, 0.6], [0.6, 1.0]]))
    ranks = np.argsort(np.argsort(x, axis=0), axis=0)
    assert np.corrcoef(ranks.T)[0, 1] == pytest.approx(0.6, abs=0.005)
    with pytest.raises(DistributionError, match="positive semi-definite"):
        bad = np.array([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1.0]])
        sample(d + [d[0]], 10, rng, bad)


def test_distribution_closed_forms_and_pert_accuracy():
    u = np.random.default_rng(0).random(200_000)
    d = Distribution("pert", {"low": 2, "mode": 3, "high": 10})
    exact = 2 + 8 * betaincinv(1 + 4 * 1 / 8, 1 + 4 * 7 / 8, u)
    assert np.abs(d.ppf(u) - exact).max() < 1e-5 * 8
    ln = Distribution("lognormal", {"mean": 900, "sd": 150}).ppf(u)
    assert ln.mean() == pytest.approx(900, rel=0.005) and ln.std() == pytest.approx(150, rel=0.02)
    tn = Distribution("normal", {"mean": 1, "sd": 1, "low": 0.5, "high": 1.2}).ppf(u)
    assert tn.min() >= 0.5 and tn.max() <= 1.2
    for bad in ({"low": 2, "high": 1}, {"low": 0, "mode": 3, "high": 2}):
        with pytest.raises(DistributionError):
            Distribution("triangular" if "mode" in bad else "uniform", bad)
    with pytest.raises(DistributionError, match="sd"):
        Distribution("normal", {"mean": 1, "sd": -1})


def test_cashflows_by_hand(tmp_path):
    run = project(tmp_path, '"costs.multiplier" = 1.0')
    _, _, sim = simulate(run, n=100)
    table, s = cashflows(sim, years=1, frequency="month", discount_rate=0.12, upfront_cost=600)
    t = np.arange(1, 13)
    npv = np.sum((1000 - 500) / 12 * 1.12 ** (-t / 12)) - 600
    assert s["npv_mean"] == pytest.approx(npv)
    # cumulative net: 500/12 a month, minus 600 up front: positive from month 15 -> not within 12 months
    assert s["payback_period"] is None
    _, s2 = cashflows(sim, years=3, frequency="month", discount_rate=0.0, upfront_cost=600)
    assert s2["payback_period"] == 15  # 15 x 41.67 = 625 >= 600


def test_scenarios_override_and_report(tmp_path):
    run = project(tmp_path, '"direct_revenue.amount" = { dist = "normal", mean = 1000, sd = 100 }',
                  '[scenarios.bad]\n"direct_revenue.amount" = 400\n[scenarios.good]\n"costs.multiplier" = 0.5\n'
                  '[cashflows]\nyears = 2\nfrequency = "quarter"\ndiscount_rate = 0.1\n')
    rep = simulate_project(run, n_draws=50_000, seed=2)
    rows = rep.scenarios.set_index("scenario")
    assert rows.loc["bad", "roi_mean"] == pytest.approx(-20.0)  # (400 - 500) / 500
    assert rows.loc["bad", "probability_of_loss"] == 1.0
    assert rows.loc["good", "roi_mean"] == pytest.approx((1000 - 250) / 250 * 100, rel=0.01)
    assert rep.break_even["break_even_cost"] == pytest.approx(1000)
    assert rep.break_even["components"]["direct_revenue"]["needed"] == pytest.approx(500)
    assert rep.cashflow_summary["periods"] == 8


@pytest.mark.parametrize("assumptions, message", [
    ('"direct_revenue.amount" = { dist = "uniform", low = 2, high = 1 }', "low 2 is above high 1"),
    ('"direct_revenue.amount" = { dist = "normal", mean = 1, sd = -3 }', "sd must not be negative"),
    ('"costs.multiplier" = { dist = "normal", mean = 1, sd = 0.8 }', "chance of a negative value"),
    ('"direct_revenue.amonut" = 3', "unknown assumption 'direct_revenue.amonut'"),
    ('"direct_revenue.amount" = { dist = "gamma", mean = 1 }', "unknown distribution 'gamma'"),
])
def test_bad_assumptions(tmp_path, assumptions, message):
    run = project(tmp_path, assumptions)
    with pytest.raises(InputError, match=message):
        simulate(run, n=10)


def test_probability_outside_0_1(tmp_path):
    (tmp_path / "k.csv").write_text("Query,Clicks\na,10\n")
    (tmp_path / "c.csv").write_text("Keyword,CPC\na,1\n")
    run = project(tmp_path, '"traffic.replacement_share" = { dist = "uniform", low = 0.5, high = 1.2 }',
                  '[traffic]\nkeywords = "k.csv"\ncpc = "c.csv"\n')
    with pytest.raises(InputError, match="is a probability"):
        simulate(run, n=10)


def test_annuity_levers_move_the_retention_value_by_one_annuity_ratio():
    """Horizon and discount rate are two levers of one annuity factor: moving both multiplies the retention value
    by annuity(new) / annuity(base) once (hand calculation), not by the ratio twice."""
    from socialroi.datasets import example_project
    from socialroi.valuation.finance import annuity
    from socialroi.valuation.scenarios import Model

    run = run_project(example_project(), draws=500, simulate=False)
    model = Model(run)
    base = model.point_values()
    parts0, parts1 = {}, {}
    model.point(base, parts0)
    model.point({**base, "segments.retention.horizon_years": 3.0, "segments.retention.discount_rate": 0.05}, parts1)
    ratio = annuity(3.0, 0.05) / annuity(2.0, 0.1)
    assert parts1["segment_retention"] == pytest.approx(parts0["segment_retention"] * ratio, rel=1e-12)
    assert parts1["traffic"] == pytest.approx(parts0["traffic"], rel=1e-12)
    declared = {lever.name for c in run.components for lever in c.levers}
    assert {"traffic.replacement_share", "segments.retention.horizon_years", "support.cost_per_ticket"} <= declared


def test_tornado_and_importance_use_the_names_the_user_wrote():
    from socialroi.datasets import example_project

    run = run_project(example_project(), draws=1000)
    for frame in (run.simulation.tornado, run.simulation.importance):
        names = list(frame["assumption"])
        assert "costs.Boosted posts" in names and not any(n.startswith("costs.line") for n in names)


def test_hard_evidence_scenario_counts_only_hard_grades(tmp_path):
    (tmp_path / "k.csv").write_text("Query,Clicks\na,100\n")
    (tmp_path / "c.csv").write_text("Keyword,CPC\na,2\n")
    run = project(tmp_path, '"direct_revenue.amount" = { dist = "normal", mean = 1000, sd = 100 }',
                  '[traffic]\nkeywords = "k.csv"\ncpc = "c.csv"\n'
                  '[scenarios.ledger_only]\nevidence = ["accounting"]\n')
    rep = simulate_project(run, n_draws=20_000, seed=3)
    rows = rep.scenarios.set_index("scenario")
    # built in, beside the user's scenarios: traffic (market price, 200) drops out, direct revenue (accounting) stays
    assert rows.loc["hard_evidence", "evidence"] == "experiment, quasi_experiment, attribution, accounting"
    assert rows.loc["hard_evidence", "roi_mean"] == pytest.approx(100.0, abs=1.0)  # (1000 - 500) / 500
    assert rows.loc["base", "roi_mean"] == pytest.approx(140.0, abs=1.0)  # (1200 - 500) / 500
    assert run.hard_evidence_roi == pytest.approx(100.0)
    # counting accounting grades only is the hard ROI draw for draw here (direct revenue is the only hard value)
    assert rows.loc["ledger_only", "roi_mean"] == pytest.approx(rows.loc["ledger_only", "hard_roi_mean"], rel=1e-12)


@pytest.mark.parametrize("evidence, message", [
    ('["anecdote"]', "evidence grade 'anecdote' is not one of experiment"),
    ('[]', "evidence must be a list of grades"),
])
def test_bad_scenario_evidence(tmp_path, evidence, message):
    run = project(tmp_path, extra=f"[scenarios.x]\nevidence = {evidence}\n")
    with pytest.raises(InputError, match=message):
        simulate_project(run, n_draws=10, seed=1)
