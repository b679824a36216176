"""Support-cost savings: hand calculations, planted effects, overdispersion, bad input."""

import numpy as np
import pandas as pd
import pytest

from socialroi.datasets import example_dir, example_truth
from socialroi.models.counts import count_effect
from socialroi.models.its import interrupted_series
from socialroi.valuation.errors import InputError
from socialroi.valuation.support import (
    CountSpec,
    channel_shift_savings,
    cost_per_ticket,
    deflection_savings,
    measured_count_savings,
    measured_series_savings,
    overlap_warnings,
)

EX = example_dir()
TRUTH = example_truth()["support"]


def test_cost_per_ticket_from_hourly_cost():
    assert cost_per_ticket(hourly_cost=36.0, handle_minutes=12) == pytest.approx(7.2)
    assert cost_per_ticket(5.0) == 5.0
    with pytest.raises(InputError):
        cost_per_ticket()


def test_deflection_hand_and_distributions():
    e = deflection_savings(10_000, 8.0, rate=0.05, n_draws=100)
    assert e.point == 10_000 * 0.05 * 8 and e.std == 0 and e.kind == "soft"
    s = deflection_savings(10_000, 8.0, survey_yes=20, survey_n=400, n_draws=200_000, seed=1)
    assert s.point == pytest.approx(10_000 * 0.05 * 8)
    # Beta(21, 381) mean is 21/402
    assert s.mean == pytest.approx(10_000 * 8 * 21 / 402, rel=0.005)
    t = deflection_savings(1000, 1.0, rate=0.05, rate_low=0.02, rate_high=0.11, n_draws=200_000, seed=2)
    assert t.mean == pytest.approx(1000 * (0.02 + 0.05 + 0.11) / 3, rel=0.005)  # triangular mean
    with pytest.raises(InputError):
        deflection_savings(100, 1.0, rate=1.5)
    with pytest.raises(InputError):
        deflection_savings(100, 1.0, survey_yes=5, survey_n=3)


def test_channel_shift_hand():
    log = pd.DataFrame({"channel": ["Social", "social", "email", "email", "phone"]})
    costs = pd.DataFrame({"channel": ["social", "email", "phone"], "cost_per_ticket": [2.0, 6.0, 12.0]})
    e = channel_shift_savings(log, costs, n_draws=10)
    # counterfactual mix from the log: 2/3 email, 1/3 phone -> 8.0 per ticket; saving 2 x (8 - 2) = 12
    assert e.point == pytest.approx(12.0) and e.kind == "hard"
    given = channel_shift_savings(log, costs, counterfactual={"phone": 1.0}, n_draws=10)
    assert given.point == pytest.approx(2 * (12 - 2))
    by_minutes = pd.DataFrame({"channel": ["social", "email", "phone"], "handle_minutes": [5, 10, 20]})
    assert channel_shift_savings(log, by_minutes, hourly_cost=60.0, n_draws=10).point == pytest.approx(
        2 * ((2 * 10 + 20) / 3 - 5))


def test_channel_missing_from_cost_table_names_the_row():
    log = pd.DataFrame({"channel": ["social", "email", "fax"]})
    costs = pd.DataFrame({"channel": ["social", "email"], "cost_per_ticket": [2.0, 6.0]})
    with pytest.raises(InputError, match="'fax' is not in the channel cost table") as exc:
        channel_shift_savings(log, costs)
    assert exc.value.row == 3


def test_example_channel_shift_is_exact():
    e = channel_shift_savings(EX / "tickets.csv", EX / "channel_costs.csv")
    assert e.point == pytest.approx(TRUTH["channel_shift_saving"], abs=1e-6)
    assert e.diagnostics["social_tickets"] == TRUTH["social_tickets"]


def test_example_counts_recover_the_planted_rate_ratio_and_detect_overdispersion():
    est, eff = measured_count_savings(EX / "customers.csv", EX / "tickets.csv",
                                      CountSpec(engaged="engaged_social",
                                                covariates=("log(employees)", "tenure_years")), 7.8)
    assert eff.model == "negative_binomial" and eff.overdispersed
    assert eff.rr_lower < TRUTH["count_rate_ratio"] < eff.rr_upper
    lo, hi = eff.tickets_avoided - 1.96 * eff.tickets_avoided_se, eff.tickets_avoided + 1.96 * eff.tickets_avoided_se
    assert lo < TRUTH["count_tickets_avoided_expected"] < hi
    assert est.point == pytest.approx(eff.tickets_avoided * 7.8)


def test_poisson_kept_when_not_overdispersed():
    rng = np.random.default_rng(4)
    n = 5000
    x = rng.normal(size=n)
    t = rng.random(n) < 0.5
    y = rng.poisson(np.exp(0.3 + 0.2 * x + np.log(0.7) * t))
    eff = count_effect(y, t, np.column_stack([np.ones(n), x]))
    assert eff.model == "poisson" and not eff.overdispersed
    assert eff.rr_lower < 0.7 < eff.rr_upper


def test_counts_match_statsmodels_poisson():
    import statsmodels.api as sm

    rng = np.random.default_rng(6)
    n = 3000
    x = rng.normal(size=n)
    t = rng.random(n) < 0.4
    expo = rng.uniform(1, 12, n)
    y = rng.poisson(expo * np.exp(-1 + 0.3 * x - 0.2 * t))
    eff = count_effect(y, t, np.column_stack([np.ones(n), x]), exposure=expo, model="poisson")
    ref = sm.GLM(y, np.column_stack([np.ones(n), t, x]), family=sm.families.Poisson(), offset=np.log(expo)).fit()
    assert eff.rate_ratio == pytest.approx(np.exp(ref.params[1]), rel=1e-6)


def test_series_recovers_a_planted_level_shift():
    rng = np.random.default_rng(3)
    hits = 0
    for _ in range(200):
        dates = pd.date_range("2024-01-01", periods=104, freq="7D")
        w = np.arange(104)
        y = 500 + 0.5 * w + 30 * np.sin(2 * np.pi * w / (365.25 / 7)) - 40 * (w >= 52) + rng.normal(0, 12, 104)
        r = interrupted_series(dates.values, y, dates[52])
        hits += abs(r.level_change + 40) < 1.96 * r.level_change_se
    assert 0.90 <= hits / 200 <= 0.99  # HAC intervals, 104 weekly points: close to nominal


def test_example_series():
    est, res = measured_series_savings(EX / "support_weekly.csv", TRUTH["series_launch"], 7.8)
    assert abs(res.tickets_avoided - TRUTH["series_tickets_avoided"]) < 1.96 * res.tickets_avoided_se
    assert res.weeks_after == 44 and len(res.table) == 104


@pytest.mark.parametrize("csv, launch, message, row", [
    ("week,tickets\n2025-01-06,5\n2025-01-06,6\n", "2025-01-06", "appears twice", 2),
    ("week,tickets\n2025-01-13,5\n2025-01-06,6\n", "2025-01-06", "out of order", 2),
    ("week,tickets\n2025-01-06,5\n2025-01-13,-6\n", "2025-01-06", "negative", 2),
    ("week,tickets\n2025-01-06,5\nsoon,6\n", "2025-01-06", "not a date", 2),
])
def test_series_bad_input(tmp_path, csv, launch, message, row):
    (tmp_path / "w.csv").write_text(csv)
    with pytest.raises(InputError, match=message) as exc:
        measured_series_savings(tmp_path / "w.csv", launch, 5.0)
    assert exc.value.row == row


def test_launch_outside_the_series(tmp_path):
    weeks = pd.date_range("2025-01-06", periods=30, freq="7D")
    pd.DataFrame({"week": weeks.strftime("%Y-%m-%d"), "tickets": 100}).to_csv(tmp_path / "w.csv", index=False)
    with pytest.raises(InputError, match="at least 8 weeks on each side"):
        measured_series_savings(tmp_path / "w.csv", "2026-06-01", 5.0)


def test_overlap_warning():
    assert overlap_warnings(["channel_shift", "measured_counts"]) == []
    assert "twice" in overlap_warnings(["deflection", "measured_series"])[0]


def test_negative_ticket_counts_are_refused(tmp_path):
    (tmp_path / "w.csv").write_text("week,tickets\n" + "".join(
        f"{d},{-1 if i == 3 else 5}\n" for i, d in enumerate(pd.date_range("2025-01-06", periods=20, freq="7D")
                                                         .strftime("%Y-%m-%d"))))
    with pytest.raises(InputError, match="negative") as exc:
        measured_series_savings(tmp_path / "w.csv", "2025-03-10", 5.0)
    assert exc.value.row == 4


def test_configured_channel_names_fold_like_the_log():
    """Names from the project are compared like names in the data: trimmed, spaces collapsed, case-folded."""
    log = pd.DataFrame({"channel": ["social", "E-mail", "phone"]})
    costs = pd.DataFrame({"channel": ["Social", "e-mail", "Phone"], "cost_per_ticket": [2.0, 6.0, 12.0]})
    e = channel_shift_savings(log, costs, social_channels=(" Social ",), counterfactual={" PHONE ": 1.0}, n_draws=10)
    assert e.point == pytest.approx(1 * (12 - 2))
