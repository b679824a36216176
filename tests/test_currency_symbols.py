"""A currency written in the amounts is never ignored: converted with a rate or refused naming the cell."""

import numpy as np
import pandas as pd
import pytest

from socialroi.valuation.costs import read_ledger
from socialroi.valuation.direct import direct_revenue
from socialroi.valuation.errors import InputError
from socialroi.valuation.traffic import TrafficOptions, value_traffic


def test_dollar_costs_in_a_euro_project_need_a_rate(tmp_path):
    path = tmp_path / "costs.csv"
    path.write_text('Category,Item,Amount\ntools,Scheduler,"$1,200"\nstaff time,Ads,$800\n')
    with pytest.raises(InputError, match=r"in USD but the report is in EUR.*--rate USD=") as exc:
        read_ledger(path, currency="EUR", n_draws=10)
    assert exc.value.column == "Amount"
    ledger = read_ledger(path, currency="EUR", rates={"USD": 0.9}, n_draws=10)
    assert ledger.total.point == pytest.approx(2000 * 0.9)
    assert ledger.total.currency == "EUR"


def test_a_symbol_that_contradicts_the_currency_column_names_the_row(tmp_path):
    traffic = pd.DataFrame({"Query": ["a", "b"], "Clicks": [10, 20]})
    cpc = tmp_path / "cpc.csv"
    cpc.write_text("Keyword,CPC,Currency\na,$1.20,USD\nb,$2.00,EUR\n")
    with pytest.raises(InputError, match="carry USD but this row's currency is EUR") as exc:
        value_traffic(traffic, cpc, TrafficOptions(currency="EUR", rates={"USD": 0.9}))
    assert exc.value.row == 2


def test_cpc_symbol_converted_with_its_rate():
    traffic = pd.DataFrame({"Query": ["a"], "Clicks": [10]})
    cpc = pd.DataFrame({"Keyword": ["a"], "CPC": ["$1.50"]})
    r = value_traffic(traffic, cpc, TrafficOptions(currency="EUR", rates={"USD": 0.8}))
    assert r.estimate.point == pytest.approx(10 * 1.5 * 0.8) and r.estimate.currency == "EUR"
    with pytest.raises(InputError, match="in USD but the report is in EUR"):
        value_traffic(traffic, cpc, TrafficOptions(currency="EUR"))


def test_direct_revenue_file_with_pounds(tmp_path):
    path = tmp_path / "rev.csv"
    path.write_text("Source,Revenue\nshop,£100\nshop,£50\n")
    with pytest.raises(InputError, match="GBP"):
        direct_revenue(table=path, currency="EUR")
    est = direct_revenue(table=path, currency="EUR", rates={"GBP": 1.2})
    assert est.point == pytest.approx(180.0)


def test_two_money_columns_in_different_currencies(tmp_path):
    path = tmp_path / "costs.csv"
    path.write_text("Category,Item,Amount,Low,High\ntools,X,€100,$90,€120\n")
    with pytest.raises(InputError, match="different currencies"):
        read_ledger(path, currency="EUR", n_draws=10)


def test_rate_card_in_dollars_for_a_krone_project(tmp_path):
    from socialroi.valuation.social_reach import value_social_reach

    metrics = pd.DataFrame({"Platform": ["instagram"], "Impressions": [100_000]})
    card = tmp_path / "card.csv"
    card.write_text("Platform,CPM\ninstagram,$5.00\n")
    with pytest.raises(InputError, match="USD"):
        value_social_reach(metrics, card, currency="NOK")
    est = value_social_reach(metrics, card, currency="NOK", rates={"USD": 10.0})
    assert np.isclose(est.point, 100 * 5.0 * 10.0)


def test_lats_era_amounts_are_latvian_lats():
    traffic = pd.DataFrame({"Query": ["a"], "Clicks": [10]})
    cpc = pd.DataFrame({"Keyword": ["a"], "CPC": ["Ls 0.50"]})
    with pytest.raises(InputError, match="LVL"):
        value_traffic(traffic, cpc, TrafficOptions(currency="EUR"))
    r = value_traffic(traffic, cpc, TrafficOptions(currency="EUR", rates={"LVL": 1 / 0.702804}))
    assert r.estimate.point == pytest.approx(10 * 0.5 / 0.702804)
