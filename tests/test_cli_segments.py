"""`socialroi segments`, run as a user would."""

import json

import pytest

from conftest import digest
from socialroi.datasets import example_dir, example_truth

CUSTOMERS = example_dir() / "customers.csv"
BASE = ("segments", CUSTOMERS, "--engaged", "engaged_social", "--covariates",
        "log(employees),tenure_years,segment,region,acquisition_channel", "--cluster", "account_id",
        "--id", "customer_id")


def test_text_report(run_cli):
    code, out, err = run_cli(*BASE, "--outcome", "retained_12m:binary", "--outcome", "deal_size:amount")
    assert code == 0, err
    for text in ("Segment lifts", "doubly_robust", "Covariate balance", "Effective sample size", "evalue"):
        assert text in out


def test_json_and_duration(run_cli):
    code, out, err = run_cli(*BASE, "--outcome", "retained_12m:binary", "--outcome",
                             "days_to_close:duration:deal_won", "--horizon", "180", "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    dr = [e for e in doc["effects"] if e["method"] == "doubly_robust"][0]
    assert dr["lower"] < example_truth()["segments"]["retention_att"] < dr["upper"]
    assert doc["durations"][0]["hazard_ratio"] > 1
    assert doc["balance"] and doc["overlap"]["effective_sample_size_not_engaged"] > 0


def test_csv_markdown_output_file(run_cli, tmp_path):
    code, out, _ = run_cli(*BASE, "--outcome", "upsold:binary", "-f", "csv")
    assert code == 0 and out.startswith("outcome,kind,method,estimate")
    before = digest(CUSTOMERS)
    code, _, _ = run_cli(*BASE, "--outcome", "upsold:binary", "-f", "markdown", "-o", tmp_path / "lift.md")
    assert code == 0 and "| outcome |" in (tmp_path / "lift.md").read_text()
    assert digest(CUSTOMERS) == before


@pytest.mark.parametrize("args, message", [
    (("--outcome", "retained_12m"), "must be COLUMN:KIND"),
    (("--outcome", "retained_12m:binary", "--covariates", "nope"), "no column 'nope'"),
    (("--outcome", "deal_size:binary"), "not 0/1"),
    (("--outcome", "retained_12m:banana"), "kind must be one of"),
])
def test_bad_input(run_cli, tmp_path, args, message):
    code, out, err = run_cli("segments", CUSTOMERS, "--engaged", "engaged_social", "--covariates", "tenure_years",
                             *args, "-o", tmp_path / "x.json")
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.json").exists()


def test_score_threshold_trim_and_categorical(run_cli, tmp_path):
    import pandas as pd

    frame = pd.read_csv(CUSTOMERS)
    frame["score"] = frame["engaged_social"].map({"yes": 0.9, "no": 0.1})
    frame["region_code"] = frame["region"].astype("category").cat.codes
    path = tmp_path / "c.csv"
    frame.to_csv(path, index=False)
    code, out, err = run_cli("segments", path, "--score", "score", "--threshold", "0.5", "--outcome",
                             "retained_12m:binary", "--covariates", "log(employees),tenure_years,region_code",
                             "--categorical", "region_code", "--trim", "0.05", "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["overlap"]["rows_trimmed"] >= 0 and any("region_code[T." in b["covariate"] for b in doc["balance"])
    assert {e["method"] for e in doc["effects"]} == {"naive", "regression", "weighting", "doubly_robust"}
