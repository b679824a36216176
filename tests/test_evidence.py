"""Evidence grades: set by each method, overridable in the project with a reason, shown as value by grade."""

import json

import pytest

from socialroi.datasets import example_project
from socialroi.valuation.errors import InputError
from socialroi.valuation.estimate import EVIDENCE
from socialroi.valuation.run import run_project

MINIMAL = """[project]
currency = "EUR"
draws = 500
[direct_revenue]
amount = 500
[costs]
ledger = "costs.csv"
"""


def test_every_component_of_the_example_is_graded_in_json(run_cli):
    code, out, err = run_cli("roi", example_project(), "-f", "json", "--draws", "1000")
    assert code == 0, err
    doc = json.loads(out)
    grades = {c["component"]: c["evidence"] for c in doc["components"]}
    assert all(g in EVIDENCE for g in grades.values()), grades
    assert grades["traffic"] == "market_price" and grades["direct_revenue"] == "accounting"
    assert grades["segment_retention"] == "observational" and doc["costs"]["evidence"] == "accounting"
    by = doc["value_by_evidence"]
    assert sum(g["share"] for g in by) == pytest.approx(1.0)
    assert sum(g["value"] for g in by) == pytest.approx(doc["roi"]["total_value"])
    assert [g["grade"] for g in by] == sorted((g["grade"] for g in by), key=EVIDENCE.index)  # strongest first


def test_a_project_overrides_a_grade_with_a_reason(tmp_path):
    (tmp_path / "costs.csv").write_text("category,amount\nads,400\n")
    (tmp_path / "project.toml").write_text(MINIMAL + '[evidence]\ndirect_revenue = { grade = "experiment", '
                                                     'reason = "randomised holdout in March" }\n')
    run = run_project(tmp_path / "project.toml")
    est = run.components[0]
    assert est.evidence == "experiment" and est.to_dict()["evidence_reason"] == "randomised holdout in March"
    assert run.roi.value_by_evidence()[0]["grade"] == "experiment"


@pytest.mark.parametrize("table, message", [
    ('direct_revenue = { grade = "experiment" }', "[evidence.direct_revenue] needs reason"),
    ('direct_revenue = { grade = "anecdote", reason = "x" }', "evidence.direct_revenue.grade must be one of"),
    ('traffic = { grade = "experiment", reason = "x" }', "[evidence] names 'traffic', which is not a component"),
])
def test_bad_overrides_are_refused_in_one_line(tmp_path, table, message):
    (tmp_path / "costs.csv").write_text("category,amount\nads,400\n")
    (tmp_path / "project.toml").write_text(MINIMAL + "[evidence]\n" + table + "\n")
    with pytest.raises(InputError) as exc:
        run_project(tmp_path / "project.toml")
    assert message in str(exc.value) and "project.toml" in str(exc.value)


def test_every_output_shows_the_value_by_grade(run_cli, tmp_path):
    from openpyxl import load_workbook

    for name in ("r.html", "r.md", "r.xlsx"):
        code, _, err = run_cli("report", example_project(), "-o", tmp_path / name, "--draws", "1000")
        assert code == 0, err
    html, md = (tmp_path / "r.html").read_text(), (tmp_path / "r.md").read_text()
    for text in (html, md):
        assert "Value by evidence grade" in text and "of the value rests on observational estimates" in text
    assert "Value by evidence grade" in load_workbook(tmp_path / "r.xlsx").sheetnames
