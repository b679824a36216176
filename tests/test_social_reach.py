import pandas as pd
import pytest

from socialroi.valuation.errors import InputError
from socialroi.valuation.social_reach import value_social_reach

METRICS = pd.DataFrame({"platform": ["LinkedIn", "linkedin", "tiktok"], "impressions": [10_000, 10_000, 100_000],
                        "clicks": [100, 100, 50], "engagements": [300, 100, 4_000]})
CARD = pd.DataFrame({"platform": ["linkedin", "tiktok"], "cpm": [30.0, 5.0], "cpc": [5.0, 0.7], "cpe": [1.0, 0.05],
                     "cpm_low": [20.0, 4.0], "cpm_high": [40.0, 6.0], "currency": ["EUR", "EUR"]})


def test_hand_calculation_per_basis():
    # linkedin: 20,000 impressions -> 600; 200 clicks -> 1,000; 400 engagements -> 400
    # tiktok: 100,000 impressions -> 500; 50 clicks -> 35; 4,000 engagements -> 200
    expected = {"max": 1_000 + 500, "sum": 2_000 + 735, "impressions": 600 + 500, "clicks": 1_000 + 35,
                "engagements": 400 + 200}
    for basis, value in expected.items():
        e = value_social_reach(METRICS, CARD, basis=basis, n_draws=1000)
        assert e.point == pytest.approx(value), basis
        assert e.currency == "EUR" and e.kind == "soft"
    assert any("counted more than once" in w for w in value_social_reach(METRICS, CARD, basis="sum").warnings)


def test_rate_ranges_bound_the_draws():
    e = value_social_reach(METRICS, CARD, basis="impressions", n_draws=5000)
    assert e.draws.min() >= 20 * 20 + 100 * 4 - 1e-9 and e.draws.max() <= 20 * 40 + 100 * 6 + 1e-9
    assert e.mean == pytest.approx(1_100, rel=0.02)


def test_missing_platform_and_rate():
    with pytest.raises(InputError, match="no row in the rate card") as exc:
        value_social_reach(METRICS.assign(platform=["linkedin", "x", "tiktok"]), CARD)
    assert exc.value.row == 2
    with pytest.raises(InputError, match="no cpe"):
        value_social_reach(METRICS, CARD.drop(columns="cpe"), basis="engagements")
    with pytest.raises(InputError, match="basis"):
        value_social_reach(METRICS, CARD, basis="reach")
