"""Components that can count the same money: the declared pairs, and the conservative ROI that counts them once."""

import json

import numpy as np
import pytest

from socialroi.datasets import example_project
from socialroi.valuation.blend import blend
from socialroi.valuation.estimate import ValueEstimate
from socialroi.valuation.overlaps import conservative, find_overlaps


def _exact(name, value, kind="soft"):
    return ValueEstimate.exact(name, kind, "EUR", value, 1000)


def test_the_larger_of_two_overlapping_streams_is_counted_by_hand():
    # retention 100 and upsell 60 overlap (same engaged customers); traffic 50 overlaps neither; cost 100
    comps = [_exact("segment_retention", 100.0), _exact("segment_upsell", 60.0), _exact("traffic", 50.0)]
    roi = blend(comps, _exact("costs", 100.0, "hard"))
    pairs = find_overlaps(roi.components)
    assert [(o.first, o.second) for o in pairs] == [("segment_retention", "segment_upsell")]
    c = conservative(roi, pairs)
    assert c.kept == ("segment_retention", "traffic") and c.dropped == ("segment_upsell",)
    assert c.blended_roi == pytest.approx((100 + 50 - 100) / 100 * 100)  # 50 %, against a blended 110 %
    assert roi.blended_roi == pytest.approx(110.0) and c.interval == pytest.approx((50.0, 50.0))


def test_a_chain_keeps_the_largest_then_whatever_does_not_overlap_it():
    # direct revenue overlaps deal size and social reach; deal size and social reach do not overlap each other
    comps = [_exact("direct_revenue", 80.0, "hard"), _exact("segment_deal_size", 90.0), _exact("social_reach", 70.0)]
    roi = blend(comps, _exact("costs", 100.0, "hard"))
    c = conservative(roi, find_overlaps(roi.components))
    assert set(c.kept) == {"segment_deal_size", "social_reach"} and c.dropped == ("direct_revenue",)
    assert c.value == pytest.approx(160.0)


def test_no_overlap_means_conservative_equals_blended():
    roi = blend([_exact("traffic", 30.0), _exact("support_channel_shift", 20.0, "hard")], _exact("costs", 40.0, "hard"))
    c = conservative(roi, find_overlaps(roi.components))
    assert c.blended_roi == pytest.approx(roi.blended_roi) and not c.dropped
    assert np.isfinite(c.interval).all()


def test_example_lists_overlaps_and_every_output_shows_the_conservative_roi(run_cli, tmp_path):
    from openpyxl import load_workbook

    code, out, err = run_cli("roi", example_project(), "-f", "json", "--draws", "1000")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["overlaps"] and all(o["reason"] and len(o["components"]) == 2 for o in doc["overlaps"])
    assert doc["conservative_blended_roi"] <= doc["roi"]["blended_roi_percent"]
    assert doc["headline"]["conservative_blended_roi"] == doc["conservative_blended_roi"]
    assert any(w["category"] == "double_counting" for w in doc["warning_details"])
    shown = f"{doc['conservative_blended_roi']:,.1f}%"
    code, text, _ = run_cli("roi", example_project(), "--draws", "1000")
    assert "Conservative blended ROI (each overlap counted once)" in text and shown in text
    for name in ("r.html", "r.md", "r.xlsx"):
        assert run_cli("report", example_project(), "-o", tmp_path / name, "--draws", "1000")[0] == 0
    for name in ("r.html", "r.md"):
        page = (tmp_path / name).read_text()
        assert "Components that may count the same money" in page and shown in page
    ws = load_workbook(tmp_path / "r.xlsx")["Summary"]
    rows = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, ws.max_row + 1)}
    assert rows["Conservative blended ROI (fitted point, overlaps once)"] == pytest.approx(
        doc["conservative_blended_roi"] / 100)


def test_a_run_without_overlaps_shows_no_empty_overlap_table(run_cli, tmp_path):
    """One component and the costs: nothing can count twice, so no header-only table in any report format."""
    import shutil

    for name in ("keywords.csv", "cpc.csv"):
        shutil.copy(example_project().parent / name, tmp_path / name)
    (tmp_path / "costs.csv").write_text("category,item,amount,currency\nagency,SEO retainer,2000,EUR\n")
    (tmp_path / "p.toml").write_text('[project]\nname = "one"\ncurrency = "EUR"\n\n[costs]\nledger = "costs.csv"\n\n'
                                     '[traffic]\nkeywords = "keywords.csv"\ncpc = "cpc.csv"\n')
    for name in ("r.html", "r.md"):
        assert run_cli("report", tmp_path / "p.toml", "-o", tmp_path / name, "--draws", "500")[0] == 0
        page = (tmp_path / name).read_text()
        assert "Traffic value" in page and "Components that may count the same money" not in page
