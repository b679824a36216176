"""The HTML report, the Excel workbook and the charts, checked for content as a person would read them."""

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from socialroi.datasets import example_project
from socialroi.valuation.project import run_project
from socialroi.valuation.report import NumberFormat, build_html
from socialroi.valuation.workbook import build_workbook, safe_text


@pytest.fixture(scope="module")
def example():
    run = run_project(example_project(), draws=2000)  # the example declares a simulation: the run carries it
    return run, run.simulation


class Svgs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.svgs, self.current, self.tags = [], None, []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "svg":
            self.current = {"class": dict(attrs).get("class", ""), "rects": 0, "circles": 0, "polylines": 0,
                            "text": []}
        elif self.current is not None and tag in ("rect", "circle", "polyline"):
            self.current[tag + "s"] += 1

    def handle_endtag(self, tag):
        if tag == "svg":
            self.svgs.append(self.current)
            self.current = None

    def handle_data(self, data):
        if self.current is not None and data.strip():
            self.current["text"].append(data.strip())


def test_html_is_self_contained_and_complete(example):
    run, sim = example
    html = build_html(run)
    assert "<script" not in html.lower()
    assert str(example_project().parent) not in html and "cpc.csv: 81 keyword row(s)" in html  # file names only
    assert not re.search(r"(src|href)=\"https?:", html) and "@import" not in html
    for section in ("summary", "components", "costs", "traffic", "segments", "support", "lift_tests", "leads", "funnel",
                    "simulation", "cashflows", "warnings", "methodology"):
        assert f'<section id="{section}"' in html
    for formula in ("ROI = (value − cost) / cost × 100", "replacement share × Σ", "Tornado"):
        assert formula in html
    p = Svgs()
    p.feed(html)
    kinds = {s["class"].split()[-1]: s for s in p.svgs}
    assert set(kinds) >= {"waterfall", "forest", "histogram", "tornado", "bars", "lines"}
    forests = [s for s in p.svgs if s["class"].endswith("forest") and s["text"][0].startswith("Segment lift")]
    assert len(forests) == run.segments.effects["outcome"].nunique()  # one scale per outcome
    wf = kinds["waterfall"]
    # one bar per component, then costs and net
    assert wf["rects"] == len(run.roi.components) + 2
    assert any("Net value" in t for t in wf["text"]) and any(t.startswith("Costs") for t in wf["text"])
    assert sum(s["circles"] for s in forests) == int(run.segments.effects["available"].sum())
    assert kinds["tornado"]["rects"] == min(12, len(sim.tornado))
    assert kinds["histogram"]["rects"] == 40


def test_locale_and_right_to_left_names(example, tmp_path):
    assert NumberFormat("lv", "EUR").money(1234.5) == "1\u00a0234,50\u00a0EUR"
    assert NumberFormat("nb", "NOK").money(-1234567.891) == "-1\u00a0234\u00a0567,89\u00a0NOK"
    assert NumberFormat("en", "USD").money(1234.5) == "1,234.50\u00a0USD"
    run, _ = example
    html = build_html(run, locale="lv")
    assert 'lang="lv"' in html and "\u00a0EUR" in html and ",50\u00a0EUR" in html or ",00\u00a0EUR" in html
    # Persian and Arabic keywords arrive in the top-keywords table, isolated for bidi rendering
    fa = [k for k in run.traffic.top_keywords["keyword"] if re.search("[\u0600-\u06ff]", k)]
    for k in fa:
        assert f"<bdi>{k}</bdi>" in html


def test_workbook_numbers_formats_and_formula_neutralisation(example, tmp_path):
    from openpyxl import load_workbook

    run, sim = example
    wb = build_workbook(run)
    path = tmp_path / "r.xlsx"
    wb.save(path)
    back = load_workbook(path)
    assert {"Summary", "Components", "Costs by category", "Cost ledger", "Assumptions", "Top keywords by value",
            "Scenarios", "Tornado", "Cash flows", "By band and channel group", "Warnings"} <= set(back.sheetnames)
    summary = {r[0].value: r[1] for r in back["Summary"].iter_rows(min_row=2) if r[0].value and r[1].value is not None}
    assert isinstance(summary["Total cost"].value, (int, float)) and summary["Total cost"].data_type == "n"
    assert summary["Total cost"].value == pytest.approx(run.roi.total_cost)
    assert summary["Blended ROI"].number_format == "0.0%"
    assert summary["Net value"].number_format == '#,##0.00 "EUR"'
    comps = back["Components"]
    values = [r[3].value for r in comps.iter_rows(min_row=2)]
    assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    for text in ("=HYPERLINK(\"http://x\")", "+1", "-cmd", "@SUM(A1)"):
        assert safe_text(text) == "'" + text
    assert safe_text("plain") == "plain"


def test_hostile_keyword_stays_text_in_the_workbook(tmp_path):
    from openpyxl import load_workbook

    (tmp_path / "k.csv").write_text('Query,Clicks\n"=HYPERLINK(""http://evil"",""x"")",10\n@SUM(1),5\n')
    (tmp_path / "c.csv").write_text('Keyword,CPC\n"=HYPERLINK(""http://evil"",""x"")",2\n@SUM(1),1\n')
    (tmp_path / "costs.csv").write_text("category,amount\nads,10\n")
    (tmp_path / "p.toml").write_text('[project]\ndraws = 200\n[traffic]\nkeywords = "k.csv"\ncpc = "c.csv"\n'
                                     '[costs]\nledger = "costs.csv"\n')
    wb = build_workbook(run_project(tmp_path / "p.toml"))
    wb.save(tmp_path / "r.xlsx")
    cells = [c for row in load_workbook(tmp_path / "r.xlsx")["Top keywords by value"].iter_rows() for c in row]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert all(c.data_type != "f" for c in cells)
    assert any(t.startswith("'=HYPERLINK") for t in texts) and any(t.startswith("'@SUM") for t in texts)


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.slow
def test_report_renders_in_a_real_browser(example, tmp_path):
    browser = _chromium()
    if not browser:
        pytest.skip("no Chromium on this machine (.ci/run installs Debian's chromium)")
    run, sim = example
    page = tmp_path / "report.html"
    page.write_text(build_html(run, locale="nb"), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    shot = tmp_path / "report.png"
    done = subprocess.run([browser, *flags, "--window-size=1100,2400", f"--screenshot={shot}", page.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 20_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dom = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120)
    assert dom.returncode == 0 and "Uncaught" not in dom.stderr
    p = Svgs()
    p.feed(dom.stdout)
    assert len(p.svgs) >= 5 and all(s["rects"] + s["circles"] + s["polylines"] > 0 for s in p.svgs)
    assert "Verdifossefall" in dom.stdout and "Segmentløft" in dom.stdout  # the nb page is in Norwegian


def _recalculated(office, path, out):
    """The workbook as LibreOffice computes it (converted to xlsx, every formula evaluated and cached)."""
    from openpyxl import load_workbook

    done = subprocess.run([office, "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(path)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return load_workbook(out / path.name, data_only=True)


def _named(wb, name):
    sheet, cell = wb.defined_names[name].attr_text.replace("$", "").split("!")
    sheet = sheet.strip("'")
    return wb[sheet][cell].value


@pytest.mark.slow
def test_live_workbook_moves_like_the_scenario_model(example, tmp_path):
    """Finance changes an assumption in the workbook and the ROI moves exactly as the scenario model moves it.

    LibreOffice recalculates the workbook (an independent formula engine); its BlendedROI, HardROI, TotalValue and
    TotalCost must equal the fitted point at base values, and Model.point with the same levers moved."""
    from openpyxl import load_workbook

    from socialroi.valuation.scenarios import Model

    office = shutil.which("soffice") or shutil.which("libreoffice")
    if not office:
        pytest.skip("LibreOffice is not installed here (.ci/run installs libreoffice-calc)")
    run, _ = example
    base_path = tmp_path / "base.xlsx"
    build_workbook(run).save(base_path)
    wb = _recalculated(office, base_path, tmp_path / "base")
    assert _named(wb, "BlendedROI") == pytest.approx(run.fitted.blended_roi_point / 100, rel=1e-12)
    assert _named(wb, "HardROI") == pytest.approx(run.roi.hard_roi / 100, rel=1e-12)
    assert _named(wb, "TotalCost") == pytest.approx(run.roi.total_cost, rel=1e-12)
    model_sheet = wb["Model"]
    start = next(r for r in range(1, model_sheet.max_row + 1) if model_sheet.cell(r, 1).value == "Component") + 1
    for i, c in enumerate(run.roi.components):  # every component's formula cell at base = its point value
        assert model_sheet.cell(start + i, 5).value == pytest.approx(c.point, rel=1e-9), c.component
        assert _named(wb, f"Value_{c.component}") == pytest.approx(c.point, rel=1e-9)
    assert _named(wb, "Input_traffic_replacement_share") == pytest.approx(0.8)
    cash = run.simulation.cashflow_summary  # the cash-flow sheet's formulas against scenarios.cashflows
    assert _named(wb, "NPV") == pytest.approx(cash["npv_mean"], rel=1e-9)
    assert _named(wb, "PaybackPeriod") == cash["payback_period"]
    table = wb["Cash flows model"]
    first = next(r for r in range(1, table.max_row + 1) if table.cell(r, 1).value == "Period") + 1
    for i, row in enumerate(run.simulation.cashflow_table.itertuples()):
        for col, value in ((2, row.value), (3, row.cost), (4, row.net), (5, row.discounted_net),
                           (6, row.cumulative_net)):
            assert table.cell(first + i, col).value == pytest.approx(value, rel=1e-9, abs=1e-6)

    moves = {"traffic.replacement_share": 0.6, "segments.retention.horizon_years": 3.0,
             "segments.retention.discount_rate": 0.05, "support.cost_per_ticket": 9.0, "costs.multiplier": 1.2,
             "costs.hourly_rate_multiplier": 1.1, "costs.line2": 5000.0, "direct_revenue.amount": 40_000.0}
    edited = load_workbook(base_path)
    ws = edited["Model"]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for name, value in moves.items():
        ws.cell(rows[name], 3, value)
    moved_path = tmp_path / "moved.xlsx"
    edited.save(moved_path)
    wb = _recalculated(office, moved_path, tmp_path / "moved")
    model = Model(run)
    hard, total, cost = model.point({**model.point_values(), **moves})
    assert _named(wb, "TotalValue") == pytest.approx(total, rel=1e-10)
    assert _named(wb, "HardValue") == pytest.approx(hard, rel=1e-10)
    assert _named(wb, "TotalCost") == pytest.approx(cost, rel=1e-10)
    assert _named(wb, "BlendedROI") == pytest.approx((total - cost) / cost, rel=1e-10)
    assert _named(wb, "BlendedROI") != pytest.approx(run.fitted.blended_roi_point / 100, rel=1e-3)  # it moved


@pytest.mark.slow
def test_workbook_opens_in_libreoffice(example, tmp_path):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if not office:
        pytest.skip("LibreOffice is not installed here")
    run, sim = example
    build_workbook(run).save(tmp_path / "r.xlsx")
    done = subprocess.run([office, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path),
                           str(tmp_path / "r.xlsx")], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0 and (tmp_path / "r.csv").exists()


def test_pdf_report_prints_without_a_browser(example, tmp_path):
    """report -f pdf: WeasyPrint prints the HTML; pypdfium2 renders the pages so the test looks at real pages."""
    pytest.importorskip("pypdfium2")
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        pytest.skip(f"WeasyPrint unavailable here: {exc}")
    import pypdfium2 as pdfium

    from socialroi.valuation.api import render_report

    run, _ = example
    data = render_report(run, "pdf")
    assert data[:5] == b"%PDF-"
    pdf = pdfium.PdfDocument(data)
    assert len(pdf) >= 5
    width, height = pdf[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points: the en locale outside the US
    first = pdf[0].render(scale=0.5).to_pil().convert("L")
    assert first.getextrema()[0] < 60  # ink on the first page (the headline), not a blank page
    text = pdf[0].get_textpage().get_text_range()
    assert "Executive summary" in text and "Blended ROI" in text


def test_pdf_chart_labels_in_arabic_script_are_shaped_for_the_printer():
    """WeasyPrint's SVG text has no bidi or shaping: the PDF path shapes Arabic/Persian labels and puts them in
    visual order (letters joined into presentation forms, right to left), and leaves Latin labels alone."""
    pytest.importorskip("arabic_reshaper")
    from socialroi.valuation.report import visual_order

    svg = '<svg><text x="1">افزایش بخش</text><text x="2">water &amp; bottle</text></svg>'
    out = visual_order(svg)
    shaped = out.split("</text>")[0].split(">")[-1]
    assert all("\ufb50" <= ch <= "\ufeff" or ch == " " for ch in shaped)  # joined presentation forms
    assert shaped != "افزایش بخش" and '<text x="2">water &amp; bottle</text>' in out
