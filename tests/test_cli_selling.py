"""`socialroi selling`, run as a user would."""

from socialroi.datasets import example_dir

EX = example_dir()


def test_selling(run_cli, tmp_path):
    code, out, err = run_cli("selling", EX / "selling_activity.csv", "--messages", EX / "messages.csv")
    assert code == 0, err
    for text in ("Per rep", "Per team", "Response by weekday", "ssi_trend_per_period"):
        assert text in out
    code, _, err = run_cli("selling", EX / "selling_activity.csv", "-f", "csv", "-o", tmp_path / "reps.csv")
    assert code == 0 and (tmp_path / "reps.csv").read_text().startswith("rep,team")


def test_selling_missing_column(run_cli, tmp_path):
    (tmp_path / "a.csv").write_text("name,period,ssi\nann,2026-01,50\n")
    code, _, err = run_cli("selling", tmp_path / "a.csv")
    assert code == 2 and "no column 'rep'" in err
