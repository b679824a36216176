"""`socialroi attribution`, run as a user would."""

import json

from socialroi.datasets import example_dir, example_truth

TP = example_dir() / "touchpoints.csv"
SOCIAL = [a for s in example_truth()["attribution"]["social_channels"] for a in ("--social", s)]


def test_text_and_json(run_cli):
    code, out, err = run_cli("attribution", TP, *SOCIAL, "--bootstrap", "20", "--currency", "EUR")
    assert code == 0, err
    assert "Revenue by channel and model" in out and "markov" in out and "duplicate touch" in out
    code, out, err = run_cli("attribution", TP, *SOCIAL, "--bootstrap", "20", "-f", "json", "--model", "last_touch")
    doc = json.loads(out)
    assert doc["estimate"]["point"] == example_truth()["attribution"]["last_touch_social_revenue"]
    assert run_cli("attribution", TP, *SOCIAL, "--bootstrap", "20", "-f", "json", "--seed", "3")[1] == \
        run_cli("attribution", TP, *SOCIAL, "--bootstrap", "20", "-f", "json", "--seed", "3")[1]


def test_bad_input(run_cli, tmp_path):
    (tmp_path / "t.csv").write_text("journey_id,timestamp,channel,converted,revenue\nj1,2026-01-01,email,0,10\n")
    code, _, err = run_cli("attribution", tmp_path / "t.csv", "--social", "email", "-o", tmp_path / "o.json")
    assert code == 2 and "did not convert" in err and not (tmp_path / "o.json").exists()
    code, _, err = run_cli("attribution", TP, *SOCIAL, "--model", "magic")
    assert code == 2 and "--model must be one of" in err


def test_model_options(run_cli):
    code, out, err = run_cli("attribution", TP, *SOCIAL, "--model", "time_decay", "--half-life", "3", "--first",
                             "0.3", "--last", "0.5", "--order", "2", "--bootstrap", "10", "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["estimate"]["assumptions"]["half_life_days"] == 3.0
    assert doc["estimate"]["assumptions"]["markov_order"] == 2
    by_model = doc["estimate"]["diagnostics"]["social_credit_by_model"]
    assert doc["estimate"]["point"] == by_model["time_decay"]
