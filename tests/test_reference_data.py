"""socialroi against real exports nobody on the team wrote (skipped when absent)."""

import numpy as np
import pytest

from conftest import load_result
from socialroi.valuation.tables import Role, read_table
from socialroi.valuation.traffic import CPC_ROLES, TRAFFIC_ROLES, value_traffic

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
    r = value_traffic(path)  # one file holds keyword, CPC and traffic
    assert r.estimate.point == pytest.approx(f["traffic_x_cpc_unrounded"], abs=f["traffic_x_cpc_tolerance"])
    assert r.diagnostics["click_coverage"] == 1.0


def test_search_console_export(reference_data):
    f = FIG["gsc"]
    t = read_table(reference_data / f["file"], TRAFFIC_ROLES)
    assert t.n_rows == f["rows"]
    assert t.numbers("clicks").values.sum() == f["clicks"]
    assert t.numbers("impressions").values.sum() == f["impressions"]
    assert any("\n" in q for q in t.text("keyword").to_pylist())  # the quoted query spanning two lines
