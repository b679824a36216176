"""`socialroi simulate`, run as a user would."""

import json

import pytest

from socialroi.datasets import example_project, write_templates


def test_text_and_reproducible_json(run_cli):
    code, out, err = run_cli("simulate", example_project(), "--draws", "20000")
    assert code == 0, err
    for text in ("Blended ROI", "Probability ROI < 0", "Break-even cost", "Tornado", "Scenarios", "NPV", "Payback",
                 "pessimistic"):
        assert text in out
    a = run_cli("simulate", example_project(), "--draws", "20000", "-f", "json", "--seed", "5")[1]
    b = run_cli("simulate", example_project(), "--draws", "20000", "-f", "json", "--seed", "5")[1]
    assert a == b
    doc = json.loads(a)
    assert sum(x["distribution"] not in ("base", "fixed") for x in doc["assumptions"]) >= 20
    assert {s["scenario"] for s in doc["scenarios"]} == {"base", "pessimistic", "optimistic", "hard_evidence"}
    assert "\x1b" not in a  # no progress bar in piped output


def test_template_simulates(run_cli, tmp_path):
    write_templates(tmp_path)
    code, out, err = run_cli("simulate", tmp_path / "project.toml", "--draws", "5000", "-f", "markdown")
    assert code == 0, err and out.startswith("# Scenario simulation")


@pytest.mark.parametrize("table, message", [
    ('[assumptions]\n"traffic.replacement_share" = { dist = "uniform", low = 0.2, high = 1.5 }\n', "is a probability"),
    ('[assumptions]\n"traffic.nope" = 1\n', "unknown assumption 'traffic.nope'"),
    ('[assumptions]\n"traffic.cpc_multiplier" = { dist = "triangular", low = 2, mode = 1, high = 3 }\n',
     "outside low"),
    ('[assumptions]\n"traffic.cpc_multiplier" = { dist = "uniform", low = 0.8, high = 1.2 }\n'
     '"traffic.replacement_share" = { dist = "uniform", low = 0.5, high = 0.9 }\n'
     '"social.rate_multiplier" = { dist = "uniform", low = 0.5, high = 0.9 }\n'
     '[[correlations]]\na = "traffic.cpc_multiplier"\nb = "traffic.replacement_share"\nrank = 0.9\n'
     '[[correlations]]\na = "traffic.cpc_multiplier"\nb = "social.rate_multiplier"\nrank = 0.9\n'
     '[[correlations]]\na = "traffic.replacement_share"\nb = "social.rate_multiplier"\nrank = -0.9\n',
     "positive semi-definite"),
])
def test_bad_input_exit_2(run_cli, tmp_path, table, message):
    write_templates(tmp_path)
    text = (tmp_path / "project.toml").read_text()
    text = text[: text.index("# --- Scenarios")] + table
    (tmp_path / "project.toml").write_text(text)
    code, out, err = run_cli("simulate", tmp_path / "project.toml", "--draws", "1000", "-o", tmp_path / "s.json")
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "s.json").exists()
