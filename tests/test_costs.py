import numpy as np
import pandas as pd
import pytest
from conftest import load_result, write_csv

from socialroi.valuation.costs import canonical_category, read_ledger
from socialroi.valuation.errors import InputError

HAND = load_result("roi_hand_case.json")


def test_hand_ledger(tmp_path):
    ledger = read_ledger(write_csv(tmp_path / "costs.csv", HAND["ledger_csv"]), currency="EUR")
    assert ledger.total.point == HAND["expected"]["costs"]
    assert ledger.total.kind == "hard" and ledger.total.std == 0
    by_cat = dict(zip(ledger.by_category()["category"], ledger.by_category()["amount"]))
    assert by_cat == HAND["expected"]["by_category"]
    assert ledger.by_category()["share"].sum() == pytest.approx(1.0)
    assert "staff time" in ledger.summary()


def test_triangular_ranges_have_the_closed_form_mean():
    frame = pd.DataFrame({"category": ["ads", "tools"], "amount": [100.0, 50.0], "low": [40.0, None],
                          "high": [250.0, None]})
    ledger = read_ledger(frame, n_draws=200_000, seed=1)
    # triangular(a, c, b) has mean (a + b + c) / 3 and variance (a²+b²+c²-ab-ac-bc)/18
    a, c, b = 40.0, 100.0, 250.0
    mean = (a + b + c) / 3 + 50.0
    sd = np.sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18)
    assert ledger.total.mean == pytest.approx(mean, abs=4 * sd / np.sqrt(200_000))
    assert ledger.total.std == pytest.approx(sd, rel=0.01)
    assert ledger.total.point == 150.0


@pytest.mark.parametrize("name, canon", [("Staff", "staff time"), ("ad_spend", "ad spend"),
                                         ("Refunds & Discounts", "refunds and discounts"),
                                         ("Conferences", "training and conferences"), ("Catering", "Catering")])
def test_categories(name, canon):
    assert canonical_category(name) == canon


@pytest.mark.parametrize(
    "csv, message, row",
    [
        ("category,amount\nads,100\ntools,-5\n", "negative", 2),
        ("category,amount,hours,hourly_rate\nstaff,,10,\n", "both hours and hourly_rate", 1),
        ("category,amount,hours,hourly_rate\nstaff,999,10,50\n", "differs from hours", 1),
        ("category,amount\nads,\n", "no amount", 1),
        ("category,amount,low,high\nads,100,120,150\n", "does not contain", 1),
        ("category,amount\nads,0\n", "add up to zero", None),
        ("category,amount\n,100\n", "blank category", 1),
        ("category,amount,currency\nads,100,EUR\ntools,5,USD\n", "mixes currencies", None),
        ("category,amount,currency\nads,100,EURO\n", "3-letter", 1),
    ],
)
def test_bad_ledgers(tmp_path, csv, message, row):
    p = write_csv(tmp_path / "costs.csv", csv)
    with pytest.raises(InputError, match=message) as exc:
        read_ledger(p)
    assert exc.value.row == row and exc.value.file == str(p)


def test_currency_conversion(tmp_path):
    p = write_csv(tmp_path / "c.csv", "category,amount,currency\nads,100,EUR\ntools,10,USD\n")
    with pytest.raises(InputError, match="no exchange rate") as exc:
        read_ledger(p, currency="EUR")
    assert exc.value.row == 2
    assert read_ledger(p, currency="EUR", rates={"USD": 0.9}).total.point == pytest.approx(109.0)
