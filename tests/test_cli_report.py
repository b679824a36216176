"""`socialroi report`, run as a user would."""

import os
import stat

from socialroi.datasets import example_project


def test_html_xlsx_markdown(run_cli, tmp_path):
    for fmt, name, start in (("html", "r.html", b"<!DOCTYPE html>"), ("xlsx", "r.xlsx", b"PK"),
                             ("markdown", "r.md", b"# Social ROI")):
        code, out, err = run_cli("report", example_project(), "-o", tmp_path / name, "-f", fmt, "--draws", "1000")
        assert code == 0, err
        data = (tmp_path / name).read_bytes()
        assert data.startswith(start)
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) & 0o044  # readable by others, like any new file


def test_report_needs_an_output_and_refuses_an_input(run_cli, tmp_path):
    code, _, err = run_cli("report", example_project())
    assert code == 2 and "--output" in err
    code, _, err = run_cli("report", example_project(), "-o", example_project().parent / "costs.csv")
    assert code == 2 and "is an input" in err
