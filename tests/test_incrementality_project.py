"""[[incrementality]] in a project: campaigns valued into the blend (evidence quasi_experiment) and shown as their own
section in every output; the project-file rules for the section."""

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from socialroi.datasets import example_project
from socialroi.datasets.incrementality import planted_series
from socialroi.valuation.errors import InputError
from socialroi.valuation.project import load_project
from socialroi.valuation.run import run_project

COSTS = "category,item,amount\nstaff,Community,10000\n"


def _project(folder, section: str) -> str:
    """A minimal project: a cost ledger, a weekly series with three controls and a planted effect of 4 a week from
    week 120, and the given [[incrementality]] section."""
    s = planted_series(seed=0, periods=160, launch=120, controls=3, effect=4.0)
    frame = pd.DataFrame(s["controls"], columns=["c1", "c2", "c3"])
    frame.insert(0, "week", pd.date_range("2023-01-02", periods=160, freq="W-MON").strftime("%Y-%m-%d"))
    frame["signups"] = s["y"]
    frame.to_csv(folder / "weekly.csv", index=False)
    (folder / "costs.csv").write_text(COSTS, encoding="utf-8")
    path = folder / "project.toml"
    path.write_text(f'[project]\ncurrency = "EUR"\ndraws = 2000\n\n[costs]\nledger = "costs.csv"\n\n{section}',
                    encoding="utf-8")
    return path


STRUCTURAL = """[[incrementality]]
name = "newsletter"
label = "Newsletter relaunch"
file = "weekly.csv"
outcome = "signups"
time = "week"
launch = 2025-04-21
controls = ["c1", "c2", "c3"]
value_per_unit = 25.0
"""


def test_a_campaign_enters_the_blend_as_quasi_experimental_evidence(tmp_path):
    run = run_project(_project(tmp_path, STRUCTURAL))
    (comp,) = [c for c in run.roi.components if c.component == "incrementality_newsletter"]
    (lift,) = run.incrementality.lifts
    assert comp.evidence == "quasi_experiment" and comp.kind == "soft" and comp.label == \
        "Incrementality: Newsletter relaunch"
    assert lift.launch == "2025-04-21" and lift.figures["post_periods"] == 40
    # value = cumulative effect x value per unit, and the planted 4 a week x 40 weeks lies inside its interval
    assert comp.point == pytest.approx(lift.figures["cumulative_effect"] * 25.0)
    assert comp.interval[0] <= 4.0 * 40 * 25.0 <= comp.interval[1]
    assert run.roi.total_value == pytest.approx(comp.point)
    assert any(lv.name == "incrementality.newsletter.value_per_unit" for lv in comp.levers)


def test_the_campaign_is_its_own_section_in_every_format(tmp_path, run_cli):
    path = _project(tmp_path, STRUCTURAL)
    code, out, err = run_cli("roi", path, "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    campaign = doc["incrementality"]["campaigns"][0]
    assert campaign["method"] == "structural" and len(campaign["series"]) == 160
    value = next(c for c in doc["components"] if c["component"] == "incrementality_newsletter")["point"]
    assert value == pytest.approx(campaign["estimate"]["point"])
    code, _, err = run_cli("report", path, "-o", tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert code == 0, err
    assert 'id="incrementality"' in html and "Newsletter relaunch: actual and counterfactual" in html
    assert 'class="band"' in html  # the structural model's interval is drawn
    code, _, err = run_cli("report", path, "-o", tmp_path / "r.md")
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert code == 0, err and "## Campaign incrementality" in md and "after the launch" in md
    code, _, err = run_cli("report", path, "-o", tmp_path / "r.xlsx")
    assert code == 0, err
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "r.xlsx")
    series = next(ws for ws in wb.worksheets if ws.title.endswith("by period"))
    assert series.max_row == 161 and len(series._charts) == 2
    header = [c.value for c in series[1]]
    last = {h: c.value for h, c in zip(header, series[161])}
    assert last["Cumulative effect"] == pytest.approx(campaign["figures"]["cumulative_effect"])
    assert series.cell(2, 2).number_format == "#,##0.00"  # outcome units, not money


def test_the_example_campaign_is_a_synthetic_control_that_finds_its_planted_effect():
    run = run_project(example_project(), draws=1000)
    (lift,) = run.incrementality.lifts
    truth = json.loads((example_project().parent / "truth.json").read_text(encoding="utf-8"))["incrementality"]
    assert lift.method == "synthetic_control" and lift.figures["treated"] == truth["treated"]
    assert lift.figures["cumulative_lower"] <= truth["extra_orders"] <= lift.figures["cumulative_upper"]
    assert abs(lift.weights["weight"].sum() - 1) < 1e-9 and (lift.weights["weight"] >= 0).all()
    # the donors track Vestland before the launch; 14 placebos allow a min-max interval of 13/15 coverage, said so
    (warning,) = lift.warnings
    assert "only 14 placebo units" in warning and lift.figures["interval_coverage"] == pytest.approx(13 / 15)


@pytest.mark.parametrize("section, message", [
    (STRUCTURAL.replace('controls = ["c1", "c2", "c3"]', 'unit = "region"'),
     "'newsletter': give both unit and treated"),
    (STRUCTURAL + 'unit = "region"\ntreated = "West"\n', "controls are for one series"),
    (STRUCTURAL + 'covariates = ["c1"]\n', "covariates are for a synthetic control"),
    (STRUCTURAL.replace("value_per_unit = 25.0\n", ""), "needs value_per_unit"),
    (STRUCTURAL + "\n" + STRUCTURAL, "two [[incrementality]] are named 'newsletter'"),
    (STRUCTURAL.replace("seasonal", "x") + "seasonal = 1\n", "seasonal must be at least 2"),
])
def test_section_rules_are_checked_when_the_file_is_read(tmp_path, section, message):
    with pytest.raises(InputError) as err:
        load_project(_project(tmp_path, section))
    assert message in str(err.value)


def test_a_bad_campaign_file_names_the_section_and_exits_2(tmp_path, run_cli):
    path = _project(tmp_path, STRUCTURAL.replace('outcome = "signups"', 'outcome = "sign_ups"'))
    before = (tmp_path / "weekly.csv").read_bytes()
    code, out, err = run_cli("roi", path)
    assert code == 2 and "Traceback" not in err
    assert "[[incrementality]] 'newsletter': no column 'sign_ups'" in err and "weekly.csv" in err
    assert (tmp_path / "weekly.csv").read_bytes() == before


def test_a_scenario_can_move_the_value_per_unit(tmp_path):
    """The campaign's lever scales its value: at half the value per unit the mean net value falls by half the
    component's mean value (the only value component; costs are fixed)."""
    path = _project(tmp_path, STRUCTURAL + '\n[scenarios.half]\n"incrementality.newsletter.value_per_unit" = 12.5\n')
    run = run_project(path)
    comp = next(c for c in run.roi.components if c.component == "incrementality_newsletter")
    table = run.simulation.scenarios.set_index("scenario")
    drop = table.loc["base", "net_value_mean"] - table.loc["half", "net_value_mean"]
    # both scenarios resample the same draws of the component, so the drop is exactly half of their mean: the base
    # net value plus the fixed cost; the component's own draws agree up to the resampling error
    resampled_value = table.loc["base", "net_value_mean"] + float(run.roi.costs.draws.mean())
    assert float(np.ptp(run.roi.costs.draws)) == 0.0  # the costs are fixed
    assert drop == pytest.approx(resampled_value / 2, rel=1e-9)
    assert drop == pytest.approx(float(comp.draws.mean()) / 2, rel=2e-2)
    assert table.loc["hard_evidence", "net_value_mean"] == pytest.approx(table.loc["base", "net_value_mean"])


def test_a_copy_of_the_example_reads_a_toml_date_launch(tmp_path):
    folder = tmp_path / "ex"
    shutil.copytree(example_project().parent, folder)
    project = load_project(folder / "project.toml")
    (spec,) = project.sections["incrementality"]
    assert str(spec["launch"]) == "2026-07-06"
