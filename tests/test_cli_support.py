"""`socialroi support`, run as a user would."""

import json

import pytest

from socialroi.datasets import example_project, example_truth


def test_text(run_cli):
    code, out, err = run_cli("support", example_project())
    assert code == 0, err
    for text in ("Savings by method", "Dispersion test", "negative binomial", "forecast without the programme",
                 "channel_shift"):
        assert text in out


def test_json(run_cli):
    code, out, err = run_cli("support", example_project(), "-f", "json", "--seed", "2")
    assert code == 0, err
    doc = json.loads(out)
    methods = {m["method"]: m for m in doc["methods"]}
    assert methods["channel_shift"]["saving"] == pytest.approx(example_truth()["support"]["channel_shift_saving"], abs=1e-6)
    assert doc["counts_model"]["overdispersed"] is True
    assert len(doc["series_table"]) == 104


def test_overlap_warning_is_shown(run_cli, tmp_path):
    text = example_project().read_text().replace('count = ["channel_shift", "measured_counts"]',
                                                 'count = ["deflection", "measured_counts"]')
    for name in ("customers.csv", "tickets.csv", "channel_costs.csv", "support_weekly.csv", "costs.csv",
                 "keywords.csv", "cpc.csv", "social_metrics.csv", "rate_card.csv"):
        (tmp_path / name).write_bytes((example_project().parent / name).read_bytes())
    (tmp_path / "project.toml").write_text(text)
    code, out, err = run_cli("support", tmp_path / "project.toml")
    assert code == 0 and "same tickets twice" in out


def test_project_without_support_section(run_cli, tmp_path):
    (tmp_path / "costs.csv").write_text("category,amount\nads,1\n")
    (tmp_path / "p.toml").write_text('[direct_revenue]\namount = 5\n[costs]\nledger = "costs.csv"\n')
    code, _, err = run_cli("support", tmp_path / "p.toml")
    assert code == 2 and "no [support] section" in err


def test_missing_channel_is_exit_2(run_cli, tmp_path):
    for name in ("customers.csv", "tickets.csv", "support_weekly.csv", "costs.csv"):
        (tmp_path / name).write_bytes((example_project().parent / name).read_bytes())
    (tmp_path / "channel_costs.csv").write_text("channel,cost_per_ticket\nsocial,3\nemail,7\n")
    (tmp_path / "project.toml").write_text(
        '[support]\ncost_per_ticket = 5\n[support.channel_shift]\ntickets = "tickets.csv"\n'
        'channel_costs = "channel_costs.csv"\n[costs]\nledger = "costs.csv"\n')
    code, _, err = run_cli("support", tmp_path / "project.toml", "-o", tmp_path / "out.json")
    assert code == 2 and "is not in the channel cost table" in err and "tickets.csv" in err
    assert not (tmp_path / "out.json").exists()
