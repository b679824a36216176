import numpy as np
import pytest
from conftest import load_result

from socialroi.valuation.blend import blend
from socialroi.valuation.direct import direct_revenue
from socialroi.valuation.errors import InputError
from socialroi.valuation.estimate import ValueEstimate
from socialroi.valuation.finance import roi_percent

HAND = load_result("roi_hand_case.json")
N = 20_000


def comps():
    c = HAND["components"]
    return [direct_revenue(c["direct_revenue"], currency="EUR", n_draws=N),
            ValueEstimate.exact("traffic", "soft", "EUR", c["traffic"], N),
            ValueEstimate.exact("social_reach", "soft", "EUR", c["social_reach"], N)]


def test_hand_roi():
    r = blend(comps(), ValueEstimate.exact("costs", "hard", "EUR", HAND["expected"]["costs"], N))
    assert r.hard_roi == pytest.approx(HAND["expected"]["hard_roi"], abs=1e-9)
    assert r.blended_roi == pytest.approx(HAND["expected"]["blended_roi"], abs=1e-9)
    assert r.net_value == 1500.0 and r.probability_of_loss == 0.0
    frame = r.to_frame()
    assert list(frame["component"]) == ["direct_revenue", "traffic", "social_reach", "costs"]
    assert frame["roi_points"].sum() == pytest.approx(r.blended_roi)  # contributions add up to the ROI
    assert "Blended ROI" in r.summary()


def test_independent_normal_components_sum_to_the_closed_form():
    rng = np.random.default_rng(0)
    a = ValueEstimate.from_draws("a", "soft", "EUR", 100.0, rng.normal(100, 30, N))
    b = ValueEstimate.from_draws("b", "soft", "EUR", 50.0, rng.normal(50, 40, N))
    cost = ValueEstimate.exact("costs", "hard", "EUR", 100.0, N)
    r = blend([a, b], cost)
    # net value ~ Normal(50, sqrt(30² + 40²) = 50): 95% interval 50 ± 1.96 x 50
    lo, hi = r.net_value_interval
    assert lo == pytest.approx(50 - 1.959964 * 50, abs=3.0)
    assert hi == pytest.approx(50 + 1.959964 * 50, abs=3.0)
    # P(net < 0) = Phi(-1) = 0.158655
    assert r.probability_of_loss == pytest.approx(0.158655, abs=0.01)


def test_zero_cost_and_bad_blends():
    c = comps()
    with pytest.raises(InputError, match="ROI is undefined"):
        blend(c, ValueEstimate.exact("costs", "hard", "EUR", 0.0, N))
    with pytest.raises(InputError, match="different currencies"):
        blend(c, ValueEstimate.exact("costs", "hard", "USD", 10.0, N))
    with pytest.raises(InputError, match="no value components"):
        blend([], ValueEstimate.exact("costs", "hard", "EUR", 10.0, N))
    with pytest.raises(InputError, match="given twice"):
        blend([c[0], c[0]], ValueEstimate.exact("costs", "hard", "EUR", 10.0, N))


def test_roi_percent_formula():
    assert roi_percent(150.0, 100.0) == 50.0 and roi_percent(0.0, 100.0) == -100.0


def test_direct_revenue_forms(tmp_path):
    (tmp_path / "rev.csv").write_text("source,revenue,currency\nlinkedin,100,EUR\nads,50,USD\n")
    with pytest.raises(InputError, match="no exchange rate"):
        direct_revenue(table=tmp_path / "rev.csv", currency="EUR")
    e = direct_revenue(table=tmp_path / "rev.csv", currency="EUR", rates={"USD": 0.8})
    assert e.point == 140.0 and e.kind == "hard"
    r = direct_revenue(100.0, low=80.0, high=130.0, n_draws=N, seed=2)
    assert r.draws.min() >= 80 and r.draws.max() <= 130 and r.mean == pytest.approx(105, abs=1)
    with pytest.raises(InputError, match="must contain"):
        direct_revenue(100.0, low=110.0, high=130.0)
    with pytest.raises(InputError, match="negative"):
        direct_revenue(-1.0)
