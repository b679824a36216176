"""One run, one truth: the headline in `roi` JSON, the HTML, the Markdown and the workbook is the same number.

Each output is read back the way a person or a program would read it (the HTML card, the Markdown line, the
workbook cell), not from the run object, so a renderer that computes its own figure fails here.
"""

import json
import re
from html.parser import HTMLParser

import pytest

from socialroi.datasets import example_project, write_templates

SIMULATION = """
[assumptions]
"traffic.replacement_share" = { dist = "triangular", low = 0.5, mode = 0.8, high = 0.9 }
"costs.multiplier" = { dist = "uniform", low = 0.9, high = 1.4 }

[scenarios.cautious]
"traffic.replacement_share" = 0.5

[cashflows]
years = 2
frequency = "quarter"
discount_rate = 0.08
"""


class Cards(HTMLParser):
    """The executive summary's cards: title -> value."""

    def __init__(self):
        super().__init__()
        self.cards, self.cls, self.current = {}, [], []

    def handle_starttag(self, tag, attrs):
        self.cls.append(dict(attrs).get("class", ""))

    def handle_endtag(self, tag):
        self.cls.pop()

    def handle_data(self, data):
        if self.cls[-1:] == ["v"] and self.current:
            self.cards[self.current[0]] = data
        elif self.cls[-2:] == ["card", ""]:
            self.current = [data]


@pytest.fixture(params=["example", "template+simulation", "template"])
def project(request, tmp_path):
    if request.param == "example":
        return example_project(), "scenario simulation"
    write_templates(tmp_path / "p")
    path = tmp_path / "p" / "project.toml"
    text = path.read_text()
    fitted_only = text[:text.index("[assumptions]")]  # the template's simulation sections come last
    if request.param == "template+simulation":
        path.write_text(fitted_only + SIMULATION)
        return path, "scenario simulation"
    path.write_text(fitted_only)
    return path, "fitted model"


def _percent(text):
    return float(re.sub(r"[^\d.\-]", "", text.replace("\u00a0", "").replace(",", "")))


def test_headline_agrees_in_json_html_markdown_and_workbook(run_cli, project, tmp_path):
    from openpyxl import load_workbook

    project, expected_model = project
    args = ["--seed", "3", "--draws", "3000"]
    code, out, err = run_cli("roi", project, "-f", "json", *args)
    assert code == 0, err
    doc = json.loads(out)
    head = doc["headline"]
    assert set(head) >= {"blended_roi", "hard_roi", "net_value", "probability_of_loss", "model", "blended_roi_point"}
    assert doc["headlines"][0] == head
    assert head["model"] == expected_model
    if head["model"] == "fitted model":
        assert head["blended_roi"] == head["blended_roi_point"] == doc["roi"]["blended_roi_percent"]
    for name in ("r.html", "r.md", "r.xlsx"):  # the format comes from the extension
        code, _, err = run_cli("report", project, "-o", tmp_path / name, *args)
        assert code == 0, err
    label = f"Blended ROI ({head['model']})"
    loss = f"Probability of a loss ({head['model']})"

    cards = Cards()
    cards.feed((tmp_path / "r.html").read_text())
    assert _percent(cards.cards[label]) == pytest.approx(round(head["blended_roi"], 1), abs=1e-9)
    assert _percent(cards.cards[loss]) == pytest.approx(round(100 * head["probability_of_loss"], 1), abs=1e-9)

    md = (tmp_path / "r.md").read_text()
    assert f"- **{label}:** {head['blended_roi']:,.1f}%" in md
    assert f"- **{loss}:** {100 * head['probability_of_loss']:.1f}%" in md
    for section in ("## Components", "## Costs", "## Methodology", "## Warnings"):
        assert section in md  # the whole report, not the terminal summary

    wb = load_workbook(tmp_path / "r.xlsx")
    ws = wb["Summary"]
    assert ws.cell(1, 2).value == head["model"]
    rows = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(2, ws.max_row + 1)}
    assert rows["Blended ROI"].value == pytest.approx(head["blended_roi"] / 100, rel=1e-12)
    assert rows["Blended ROI"].number_format == "0.0%"
    assert rows["Probability of loss"].value == pytest.approx(head["probability_of_loss"], rel=1e-12)
    assert rows["Net value"].value == pytest.approx(head["net_value"], rel=1e-12)
    # the workbook's own formula recomputes the fitted point from the totals it shows
    formula = rows["Blended ROI (fitted model, point), recomputed"].value
    assert formula.startswith("=(B") and "/B" in formula
    total, cost = rows["Total value"].value, rows["Total cost"].value
    assert (total - cost) / cost * 100 == pytest.approx(head["blended_roi_point"], rel=1e-12)


def test_two_models_are_shown_side_by_side_with_their_names(run_cli, tmp_path):
    code, out, _ = run_cli("roi", example_project(), "--draws", "2000")
    assert code == 0
    assert "Blended ROI (scenario simulation)" in out and "Blended ROI (fitted model)" in out
    code, out, _ = run_cli("roi", example_project(), "--draws", "2000", "-f", "json")
    models = [h["model"] for h in json.loads(out)["headlines"]]
    assert models == ["scenario simulation", "fitted model"]


@pytest.mark.parametrize("args, message", [
    (["-f", "html", "-o", "{dir}/r.xlsx"], "contradicts"),
    (["-o", "{dir}/r.json"], "does not write json"),
])
def test_report_format_contradictions_are_refused(run_cli, tmp_path, args, message):
    code, _, err = run_cli("report", example_project(), *[a.replace("{dir}", str(tmp_path)) for a in args])
    assert code == 2 and message in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())


def test_roi_format_from_extension(run_cli, tmp_path):
    code, _, err = run_cli("roi", example_project(), "--draws", "500", "-o", tmp_path / "r.json")
    assert code == 0, err
    assert json.loads((tmp_path / "r.json").read_text())["headline"]["model"] == "scenario simulation"
    code, _, err = run_cli("roi", example_project(), "--draws", "500", "-o", tmp_path / "r.md")
    assert (tmp_path / "r.md").read_text().startswith("# Social ROI")
    code, _, err = run_cli("roi", example_project(), "-f", "json", "-o", tmp_path / "r.csv")
    assert code == 2 and "contradicts" in err


def test_defensible_blend_figures_agree_in_json_text_html_markdown_and_workbook(run_cli, tmp_path):
    """Issue 13's figures: evidence on every component, overlaps, the conservative ROI beside the blended one, the
    confounding tipping point and the hard-evidence floor, read back from every output."""
    from openpyxl import load_workbook

    args = ["--seed", "3", "--draws", "2000"]
    code, out, err = run_cli("roi", example_project(), "-f", "json", *args)
    assert code == 0, err
    doc = json.loads(out)
    assert all(c["evidence"] for c in doc["components"]) and doc["overlaps"]
    cons, blended = doc["conservative_blended_roi"], doc["roi"]["blended_roi_percent"]
    tip, floor = doc["confounding_tipping_point"], doc["hard_evidence_roi"]
    assert cons <= blended and tip > 1 and floor < cons
    shown = {"conservative": f"{cons:,.1f}%", "tip": f"RR {tip:.2f}", "floor": f"{floor:,.1f}%"}
    code, text, _ = run_cli("roi", example_project(), *args)
    for name in ("r.html", "r.md", "r.xlsx"):
        assert run_cli("report", example_project(), "-o", tmp_path / name, *args)[0] == 0
    cards = Cards()
    cards.feed((tmp_path / "r.html").read_text())
    md = (tmp_path / "r.md").read_text()
    for value in shown.values():
        assert value in text and value in md
    assert cards.cards["Conservative blended ROI (each overlap counted once)"] == shown["conservative"]
    assert cards.cards["Confounding that would erase the blended ROI"] == shown["tip"]
    assert cards.cards["Blended ROI on hard evidence only"] == shown["floor"]
    html = (tmp_path / "r.html").read_text()
    assert "Blended ROI against the strength of unmeasured confounding" in html and 'class="chart lines"' in html
    ws = load_workbook(tmp_path / "r.xlsx")["Summary"]
    rows = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, ws.max_row + 1)}
    assert rows["Confounding strength that erases the blended ROI (RR)"] == pytest.approx(tip, rel=1e-12)
    assert rows["Blended ROI on hard evidence only (fitted point)"] == pytest.approx(floor / 100, rel=1e-12)
    assert rows["Conservative blended ROI (fitted point, overlaps once)"] == pytest.approx(cons / 100, rel=1e-12)
