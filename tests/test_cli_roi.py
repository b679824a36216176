"""`socialroi roi`, run as a user would."""

import json

import pytest
from conftest import digest

from socialroi.datasets import write_templates


@pytest.fixture
def project(tmp_path):
    write_templates(tmp_path)
    return tmp_path / "project.toml"


def test_text(run_cli, project):
    code, out, err = run_cli("roi", project)
    assert code == 0, err
    for text in ("Blended ROI", "Hard ROI, direct only", "Probability of a loss", "Components", "Costs by category"):
        assert text in out


def test_json_reproducible_and_seed_changes_draws(run_cli, project):
    _, a, _ = run_cli("roi", project, "-f", "json", "--seed", "7")
    _, b, _ = run_cli("roi", project, "-f", "json", "--seed", "7")
    _, c, _ = run_cli("roi", project, "-f", "json", "--seed", "8")
    assert a == b and a != c
    doc = json.loads(a)
    assert doc["roi"]["blended_roi_percent"] == json.loads(c)["roi"]["blended_roi_percent"]  # points don't move
    assert {x["component"] for x in doc["components"]} == {"traffic", "social_reach", "direct_revenue"}


def test_csv_markdown_and_output(run_cli, project, tmp_path):
    code, out, _ = run_cli("roi", project, "-f", "csv", "--draws", "500")
    assert code == 0 and out.startswith("component,label,kind,value")
    inputs = {p: digest(p) for p in tmp_path.iterdir()}
    code, _, _ = run_cli("roi", project, "-f", "markdown", "-o", tmp_path / "roi.md")
    assert code == 0 and (tmp_path / "roi.md").read_text().startswith("# Social ROI")
    assert all(digest(p) == h for p, h in inputs.items())


def test_zero_cost_is_a_clear_error(run_cli, project, tmp_path):
    (tmp_path / "costs.csv").write_text("category,amount\nads,0\n")
    code, out, err = run_cli("roi", project, "-o", tmp_path / "x.json")
    assert code == 2 and "add up to zero" in err and not (tmp_path / "x.json").exists()
    assert len(err.strip().splitlines()) == 1


def test_project_errors(run_cli, project, tmp_path):
    project.write_text(project.read_text().replace("replacement_share", "replacment_share"))
    code, _, err = run_cli("roi", project)
    assert code == 2 and "unknown key 'replacment_share' in [traffic]" in err
    code, _, err = run_cli("roi", tmp_path / "missing.toml")
    assert code == 2 and "project file not found" in err


def test_inputs_outside_the_project_folder_are_announced_in_every_format(run_cli, tmp_path):
    import shutil

    from socialroi.datasets import example_dir

    proj = tmp_path / "proj"
    shutil.copytree(example_dir(), proj)
    elsewhere = tmp_path / "shared"
    elsewhere.mkdir()
    shutil.move(proj / "costs.csv", elsewhere / "costs.csv")
    toml = (proj / "project.toml").read_text(encoding="utf-8").replace('ledger = "costs.csv"',
                                                                      'ledger = "../shared/costs.csv"')
    (proj / "project.toml").write_text(toml, encoding="utf-8")
    for fmt in ("text", "json", "markdown"):
        code, out, err = run_cli("roi", proj / "project.toml", "-f", fmt, "--draws", "500")
        assert code == 0, err
        assert "outside its folder" in out and "costs.ledger = '../shared/costs.csv'" in out.replace("\\'", "'")


def test_run_warnings_reach_roi(run_cli, tmp_path):
    """An analysis's own warning (two support methods counting the same tickets) is in roi's output too."""
    import json
    import shutil

    from socialroi.datasets import example_dir

    proj = tmp_path / "proj"
    shutil.copytree(example_dir(), proj)
    toml = (proj / "project.toml").read_text(encoding="utf-8").replace(
        'count = ["channel_shift", "measured_counts"]', 'count = ["channel_shift", "measured_counts", "deflection"]')
    (proj / "project.toml").write_text(toml, encoding="utf-8")
    code, sup, err = run_cli("support", proj / "project.toml", "-f", "json", "--draws", "500")
    assert code == 0, err
    support_warnings = json.loads(sup)["warnings"]
    assert support_warnings  # deflection and measured counts both count never-filed tickets
    for fmt in ("json", "text", "markdown"):
        code, out, err = run_cli("roi", proj / "project.toml", "-f", fmt, "--draws", "500")
        assert code == 0, err
        if fmt == "json":
            assert all(any(w in r for r in json.loads(out)["warnings"]) for w in support_warnings)
        else:
            assert "deflection" in out and "same" in out
