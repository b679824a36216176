"""socialroi against real exports nobody on the team wrote (skipped when absent)."""

import numpy as np
import pytest
from conftest import load_result

from socialroi.valuation.errors import InputError
from socialroi.valuation.tables import Role, read_table
from socialroi.valuation.traffic import CPC_ROLES, TRAFFIC_ROLES, TrafficOptions, value_traffic

FIG = load_result("reference_figures.json")


def test_semrush_export(reference_data):
    f = FIG["semrush"]
    path = reference_data / f["file"]
    t = read_table(path, {**TRAFFIC_ROLES, "cpc": CPC_ROLES["cpc"], "cost": Role(("Traffic Cost",))})
    assert t.n_rows == f["rows"]
    clicks, cpc, cost = (t.numbers(r).values for r in ("clicks", "cpc", "cost"))
    assert clicks.sum() == f["traffic_sum"]
    assert cost.sum() == f["traffic_cost_sum"]
    assert np.array_equal(cost, np.floor(clicks * cpc + 1e-9))  # the tool floors each row
    with pytest.raises(InputError, match="SEO tool's export"):  # a monthly estimate: the period must be said
        value_traffic(path)
    monthly = TrafficOptions(traffic_period="month", months=1)
    r = value_traffic(path, options=monthly)  # one file holds keyword, CPC and traffic
    assert "SEO tool's estimate" in r.estimate.method and any("traffic estimate" in w for w in r.estimate.warnings)
    year = value_traffic(path, options=TrafficOptions(traffic_period="month", months=12))
    assert year.estimate.point == pytest.approx(12 * r.estimate.point, rel=1e-12)
    assert r.estimate.point == pytest.approx(f["traffic_x_cpc_unrounded"], abs=f["traffic_x_cpc_tolerance"])
    # 22,268 of 80,031 clicks are on keywords with CPC 0 (no paid market): their own class, not covered
    assert r.diagnostics["clicks_no_market"] == 22_268
    assert round(100 * r.diagnostics["click_coverage"], 2) == 72.18
    assert any("no paid market" in w for w in r.estimate.warnings)
    imputed = value_traffic(path, options=TrafficOptions(no_market="impute", traffic_period="month", months=1))
    assert imputed.imputed is not None and imputed.imputed.diagnostics["clicks_imputed"] == 22_268


def test_search_console_export(reference_data):
    f = FIG["gsc"]
    t = read_table(reference_data / f["file"], TRAFFIC_ROLES)
    assert t.n_rows == f["rows"]
    assert t.numbers("clicks").values.sum() == f["clicks"]
    assert t.numbers("impressions").values.sum() == f["impressions"]
    assert any("\n" in q for q in t.text("keyword").to_pylist())  # the quoted query spanning two lines


def _hillstrom_arm(reference_data, arm):
    import pandas as pd

    d = pd.read_csv(reference_data / FIG["hillstrom"]["file"])
    d = d[d["segment"].isin([arm, "No E-Mail"])].copy()
    d["mailed"] = (d["segment"] == arm).astype(int)
    return d


@pytest.mark.parametrize("arm, key", [("Mens E-Mail", "mens"), ("Womens E-Mail", "womens")])
def test_hillstrom_experiment_lifts(reference_data, arm, key):
    """A randomised experiment: every method must give the published difference (adjusted ones close to it)."""
    from socialroi.valuation.segments import OutcomeSpec, SegmentSpec, analyse_segments

    f = FIG["hillstrom"]
    d = _hillstrom_arm(reference_data, arm)
    spec = SegmentSpec(covariates=("recency", "history", "mens", "womens", "zip_code", "newbie", "channel"),
                       engaged="mailed", outcomes=(OutcomeSpec("visit", "visit", "binary"),
                                                   OutcomeSpec("spend", "spend", "continuous")))
    res = analyse_segments(d, spec).effects.set_index(["outcome", "method"])
    assert 100 * res.loc[("visit", "naive"), "estimate"] == pytest.approx(f[f"{key}_vs_none_visit_points"],
                                                                          abs=f["figure_rounding"] * 100)
    assert res.loc[("spend", "naive"), "estimate"] == pytest.approx(f[f"{key}_vs_none_spend"],
                                                                   abs=f["figure_rounding"])
    if key == "mens":
        assert res.loc[("spend", "naive"), "se"] == pytest.approx(f["mens_vs_none_spend_ols_se"],
                                                                 rel=f["se_tolerance_relative"])
    # randomised: covariate adjustment moves the estimate by much less than its standard error
    for method in ("regression", "weighting", "doubly_robust"):
        for outcome in ("visit", "spend"):
            diff = res.loc[(outcome, method), "estimate"] - res.loc[(outcome, "naive"), "estimate"]
            assert abs(diff) < 0.5 * res.loc[(outcome, "naive"), "se"], (outcome, method)


def test_telco_churn_table(reference_data):
    """Yes/No outcomes are read as flags; a blank text covariate is refused with its row."""
    import csv

    from socialroi.valuation.errors import InputError
    from socialroi.valuation.segments import OutcomeSpec, SegmentSpec, analyse_segments

    f = FIG["telco"]
    path = reference_data / f["file"]
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == f["rows"]
    first_blank = next(i for i, r in enumerate(rows, 1) if not r["TotalCharges"].strip())
    assert sum(1 for r in rows if not r["TotalCharges"].strip()) == f["blank_total_charges"]
    spec = SegmentSpec(covariates=("tenure", "MonthlyCharges", "Contract"), engaged="PaperlessBilling",
                       outcomes=(OutcomeSpec("churn", "Churn", "binary"),))
    res = analyse_segments(path, spec).effects.set_index("method")
    n = res.loc["naive", "n_engaged"] + res.loc["naive", "n_not_engaged"]
    churn = (res.loc["naive", "treated_mean"] * res.loc["naive", "n_engaged"]
             + res.loc["naive", "counterfactual_mean"] * res.loc["naive", "n_not_engaged"]) / n
    assert churn == pytest.approx(f["churn_rate"], abs=1e-6)
    bad = SegmentSpec(covariates=("TotalCharges",), engaged="PaperlessBilling",
                      outcomes=(OutcomeSpec("churn", "Churn", "binary"),))
    with pytest.raises(InputError) as exc:
        analyse_segments(path, bad)
    assert exc.value.row == first_blank and exc.value.column == "TotalCharges"
