"""`socialroi demo`, run as a user would."""

import json

import pytest

from socialroi.datasets import example_truth


def test_demo_recovers_the_planted_figures(run_cli):
    code, out, err = run_cli("demo", "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    truth = example_truth()
    assert doc["roi"]["hard_roi_percent"] == pytest.approx(truth["hard_roi_percent"], abs=1e-5)
    lo, hi = doc["roi"]["blended_roi_interval"]
    assert lo < truth["blended_roi_percent_planted"] < hi
    assert {"retention", "upsell", "deal_size"} <= {e["outcome"] for e in doc["segments"]["effects"]}
    rows = doc["planted_vs_recovered"]
    assert len(rows) >= 12 and all(r["covered"] for r in rows), [r for r in rows if not r["covered"]]
    for r in rows:  # the table's own claim, checked from its numbers
        assert r["lower"] - 1e-6 * max(1, abs(r["planted"])) <= r["planted"] <= r["upper"] + 1e-6 * max(1, abs(r["planted"]))
    assert doc["traffic"]["top_keywords"]


def test_demo_text_from_any_directory(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("demo")
    assert code == 0, err
    assert "Nordlys Outdoor" in out and "Blended ROI" in out
    assert "Planted truth vs recovered (bundled example)" in out and "18 of 18 planted figures lie inside" in out


def test_demo_byte_identical_json(run_cli):
    assert run_cli("demo", "-f", "json", "--seed", "3")[1] == run_cli("demo", "-f", "json", "--seed", "3")[1]
