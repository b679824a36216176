import pytest

from socialroi.datasets import example_project, example_truth, write_templates
from socialroi.valuation.errors import InputError
from socialroi.valuation.project import load_project, run_project

MINIMAL = """
[project]
currency = "EUR"
draws = 1000
[direct_revenue]
amount = 500
[costs]
ledger = "costs.csv"
"""


@pytest.fixture
def proj(tmp_path):
    (tmp_path / "costs.csv").write_text("category,amount\nads,400\n")

    def make(text=MINIMAL):
        p = tmp_path / "project.toml"
        p.write_text(text)
        return p

    return make


def test_minimal_project_runs(proj):
    run = run_project(proj())
    assert run.roi.hard_roi == pytest.approx(25.0) and run.roi.blended_roi == pytest.approx(25.0)
    assert run.roi.currency == "EUR" and run.costs.total.n_draws == 1000


def test_relative_paths_are_relative_to_the_project_file(proj, tmp_path, monkeypatch):
    monkeypatch.chdir("/")
    assert load_project(proj()).sections["costs"]["ledger"] == (tmp_path / "costs.csv").resolve()


@pytest.mark.parametrize(
    "text, message",
    [
        (MINIMAL + "\n[extra]\na = 1\n", "unknown section"),
        (MINIMAL.replace("amount = 500", "amount = 500\namout = 3"), "unknown key 'amout'"),
        (MINIMAL.replace('ledger = "costs.csv"', ""), "needs ledger"),
        ('[project]\ncurrency = "EUR"\n[costs]\nledger = "costs.csv"\n', "no value component"),
        (MINIMAL.replace("draws = 1000", "draws = 'many'"), "must be a whole number"),
        (MINIMAL.replace('currency = "EUR"', 'currency = "EURO"'), "3-letter"),
        (MINIMAL + '\n[traffic]\nkeywords = "k.csv"\nreplacement_share = 2\n', "between 0 and 1"),
        (MINIMAL + '\n[traffic]\nkeywords = "k.csv"\nbrand_terms = "acme"\n', "list of strings"),
        ("[project\n", "not valid TOML"),
        (MINIMAL.replace("amount = 500", 'amount = 500\nfile = "r.csv"'), "either amount or file"),
    ],
)
def test_bad_project_files(proj, text, message):
    with pytest.raises(InputError, match=message) as exc:
        load_project(proj(text))
    assert "project.toml" in str(exc.value)


def test_missing_input_file_is_named(proj, tmp_path):
    p = proj(MINIMAL + '\n[traffic]\nkeywords = "nope.csv"\n')
    with pytest.raises(InputError, match="not found") as exc:
        run_project(p)
    assert exc.value.file == str((tmp_path / "nope.csv").resolve())


def test_templates_run_as_written(tmp_path):
    write_templates(tmp_path / "new")
    run = run_project(tmp_path / "new" / "project.toml")
    names = [c.component for c in run.components]
    assert names == ["traffic", "social_reach", "direct_revenue"]
    # hand check of the template: traffic 0.8 x (120 x 1.2 + 45 x 0.8 + 30 x 0.65) = 159.6
    assert run.components[0].point == pytest.approx(0.8 * (120 * 1.2 + 45 * 0.8 + 30 * 0.65))
    assert run.costs.total.point == pytest.approx(40 * 55 + 99 + 500)
    with pytest.raises(InputError, match="already holds"):
        write_templates(tmp_path / "new")
    assert write_templates(tmp_path / "new", force=True)


def test_example_project_recovers_the_planted_truth():
    truth = example_truth()
    run = run_project(example_project())
    comps = {c.component: c for c in run.components}
    assert comps["traffic"].point == pytest.approx(truth["traffic_value"], rel=1e-9)
    d = comps["traffic"].diagnostics
    assert d["clicks_total"] == truth["clicks_total"] and d["clicks_brand"] == truth["clicks_brand"]
    assert d["clicks_matched"] == truth["clicks_priced"]
    assert d["clicks_unmatched"] == truth["clicks_unpriced_nonbrand"]
    assert d["keywords"] == truth["keywords_canonical"] and d["keywords_matched"] == truth["keywords_priced"]
    assert comps["traffic"].draws.min() >= truth["traffic_value_low"] - 1e-6
    assert comps["traffic"].draws.max() <= truth["traffic_value_high"] + 1e-6
    assert comps["social_reach"].point == pytest.approx(truth["social_reach_value"], rel=1e-9)
    assert comps["social_reach"].draws.min() >= truth["social_reach_low"] - 1e-6
    assert comps["social_reach"].draws.max() <= truth["social_reach_high"] + 1e-6
    assert comps["direct_revenue"].point == truth["direct_revenue"]
    assert run.costs.total.point == pytest.approx(truth["costs_total"])
    assert run.roi.hard_roi == pytest.approx(truth["hard_roi_percent"], abs=1e-5)
    lo, hi = run.roi.blended_roi_interval
    assert lo < truth["blended_roi_percent_planted"] < hi
    seg = truth["segments"]
    for name in ("retention", "upsell", "deal_size"):
        est = comps[f"segment_{name}"]
        assert est.interval[0] < seg[f"{name}_value"] < est.interval[1], name
        assert est.kind == "soft"
