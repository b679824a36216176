import numpy as np
import pytest

from socialroi.valuation.errors import InputError
from socialroi.valuation.estimate import ValueEstimate, check_same_run, interval_from_draws, rng_for


def make(point=10.0, draws=None, **kw):
    draws = np.linspace(5, 15, 101) if draws is None else draws
    return ValueEstimate.from_draws("traffic", "soft", "eur", point, draws, method="m", **kw)


def test_interval_is_equal_tailed_quantiles_of_the_draws():
    e = make()
    assert e.interval == pytest.approx((5.25, 14.75))  # 2.5% and 97.5% of 5..15 on a 0.1 grid
    assert e.currency == "EUR"
    assert e.mean == pytest.approx(10.0)


def test_estimate_is_immutable_and_owns_its_draws():
    src = np.arange(5.0)
    e = make(draws=src, assumptions={"a": 1})
    src[0] = 99.0
    assert e.draws[0] == 0.0
    with pytest.raises(ValueError):
        e.draws[0] = 1.0
    with pytest.raises(TypeError):
        e.assumptions["a"] = 2
    with pytest.raises(AttributeError):
        e.point = 3.0


@pytest.mark.parametrize("bad", [dict(kind="medium"), dict(currency="EURO"), dict(point=float("nan"))])
def test_invalid_fields_are_refused(bad):
    args = dict(component="x", kind="soft", currency="EUR", point=1.0, draws=np.ones(3), interval=(1.0, 1.0))
    args.update(bad)
    with pytest.raises(ValueError):
        ValueEstimate(**args)


def test_to_dict_to_frame_summary():
    e = make(warnings=["careful"], assumptions={"share": 0.5})
    d = e.to_dict()
    assert d["point"] == 10.0 and d["kind"] == "soft" and "draws" not in d
    assert len(e.to_dict(include_draws=True)["draws"]) == 101
    frame = e.to_frame()
    assert list(frame["point"]) == [10.0] and frame.loc[0, "lower"] == pytest.approx(5.25)
    text = e.summary()
    assert "10.00 EUR" in text and "careful" in text and "share" in text


def test_exact_estimate_has_no_spread():
    e = ValueEstimate.exact("direct_revenue", "hard", "USD", 5.0, 10)
    assert e.interval == (5.0, 5.0) and e.std == 0.0 and e.n_draws == 10


def test_rng_streams_depend_on_seed_and_name_only():
    a1 = rng_for(1, "traffic").random(5)
    a2 = rng_for(1, "traffic").random(5)
    b = rng_for(1, "costs").random(5)
    c = rng_for(2, "traffic").random(5)
    assert np.array_equal(a1, a2)
    assert not np.array_equal(a1, b) and not np.array_equal(a1, c)


def test_check_same_run_refuses_mixed_currencies_and_draw_counts():
    a = ValueEstimate.exact("a", "hard", "EUR", 1.0, 10)
    with pytest.raises(InputError, match="different currencies"):
        check_same_run([a, ValueEstimate.exact("b", "hard", "USD", 1.0, 10)])
    with pytest.raises(InputError, match="numbers of draws"):
        check_same_run([a, ValueEstimate.exact("b", "hard", "EUR", 1.0, 20)])
    assert check_same_run([a]) == ("EUR", 10)


def test_interval_from_draws_matches_numpy_quantiles():
    x = np.random.default_rng(0).normal(size=1000)
    assert interval_from_draws(x, 0.9) == pytest.approx(tuple(np.quantile(x, [0.05, 0.95])))
