"""The public Python API: `import socialroi as sr`, the README's example, results that print, typed warnings."""

import re
import warnings
from pathlib import Path

import pytest

import socialroi as sr
from socialroi.datasets import example_project

ROOT = Path(__file__).resolve().parents[1]


def test_readme_use_from_python_runs(tmp_path, monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text()
    code = re.search(r"## Use from Python\n\n```python\n(.*?)```", readme, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sr.SocialRoiWarning)
        exec(compile(code, "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert sr.__version__ in out and "Headline from the scenario simulation" in out
    assert (tmp_path / "report.html").read_text().startswith("<!DOCTYPE html>")
    assert len(namespace["components"]) == len(namespace["run"].components) + 1


def test_public_names():
    for name in ("run_project", "value_traffic", "analyse_segments", "attribute", "simulate", "report",
                 "ProjectRun", "ValueEstimate", "SegmentAnalysis", "SimulationReport", "DataQualityWarning"):
        assert getattr(sr, name) is not None
    assert set(sr.__all__) <= set(dir(sr))
    with pytest.raises(AttributeError):
        sr.no_such_thing  # noqa: B018


@pytest.fixture(scope="module")
def run():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = sr.run_project(example_project(), draws=1000)
    return result, caught


def test_warnings_are_python_warnings_of_their_category(run):
    result, caught = run
    ours = [w for w in caught if issubclass(w.category, sr.SocialRoiWarning)]
    assert [str(w.message) for w in ours] == list(result.warnings)
    assert {w.category for w in ours} == {x.python_category for x in result.run_warnings}
    with warnings.catch_warnings(record=True) as again:
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", sr.DataQualityWarning)
        sr.run_project(example_project(), draws=500)
    assert not any(issubclass(w.category, sr.DataQualityWarning) for w in again)


def test_every_result_prints_and_shows_in_a_notebook(run):
    result, _ = run
    results = [result, result.roi, result.costs, result.traffic, result.segments, result.support,
               result.leads, result.funnel, result.simulation, result.roi.components[0]]
    for r in results:
        text = r.summary()
        assert isinstance(text, str) and text.strip(), type(r).__name__
        html = r._repr_html_()
        assert html.startswith("<div") and "<table" in html, type(r).__name__
        assert isinstance(r.to_dict(), dict)
        assert len(r.to_frame()) > 0


def test_plain_lift_analysis_summary_is_not_empty(tmp_path):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(1)
    n = 400
    engaged = rng.integers(0, 2, n)
    pd.DataFrame({"engaged": engaged, "y": rng.random(n) < 0.3 + 0.1 * engaged, "x": rng.normal(size=n)}) \
        .to_csv(tmp_path / "c.csv", index=False)
    spec = sr.SegmentSpec(engaged="engaged", covariates=("x",), outcomes=(sr.OutcomeSpec(name="y", column="y",
                                                                                        kind="binary"),))
    analysis = sr.analyse_segments(tmp_path / "c.csv", spec)
    assert "y (doubly robust)" in analysis.summary()


def test_simulate_and_report_from_python(run, tmp_path):
    result, _ = run
    sim = sr.simulate(result)
    assert sim is result.simulation
    for name in ("r.html", "r.xlsx", "r.md"):
        assert sr.report(result, tmp_path / name).exists()
    assert (tmp_path / "r.xlsx").read_bytes()[:2] == b"PK"
