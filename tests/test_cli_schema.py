"""`socialroi schema`, and the files generated from the schema: they cannot drift from the code."""

import dataclasses
import json
from pathlib import Path

import pytest

from socialroi.valuation import schema

ROOT = Path(__file__).resolve().parents[1]


def test_json_schema_describes_every_section_and_refuses_unknown_keys(run_cli):
    code, out, err = run_cli("schema")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["title"] == "socialroi project file" and doc["additionalProperties"] is False
    assert set(doc["properties"]) >= {"project", "traffic", "segments", "support", "costs", "assumptions",
                                      "scenarios", "correlations", "cashflows"}
    traffic = doc["$defs"]["Traffic"]["properties"]["replacement_share"]
    assert traffic["minimum"] == 0 and traffic["maximum"] == 1 and traffic["default"] == 1.0
    assert traffic["description"] and traffic["unit"] == "share 0-1"


def test_template_is_generated_from_the_schema():
    assert (ROOT / "datasets" / "templates" / "project.toml").read_text() == schema.template(), \
        "run: socialroi schema -f template -o datasets/templates/project.toml"


def test_readme_key_tables_are_generated_from_the_schema():
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- schema:start -->\n")[1].split("<!-- schema:end -->")[0]
    assert block == schema.markdown_tables(), "run: socialroi schema -f markdown and paste it between the markers"


@pytest.mark.parametrize("section, options", [("traffic", "socialroi.valuation.traffic:TrafficOptions"),
                                              ("attribution", "socialroi.valuation.attribution:AttributionOptions"),
                                              ("segments", "socialroi.valuation.segments:SegmentSpec"),
                                              ("lift_tests", "socialroi.valuation.lift_tests:LiftTestSpec")])
def test_schema_defaults_are_the_components_defaults(section, options):
    """One default per option: the schema's must be the one the component uses when the key is absent."""
    import importlib

    module, name = options.split(":")
    cls = getattr(importlib.import_module(module), name)
    defaults = {f.name: (f.default if f.default is not dataclasses.MISSING else f.default_factory())
                for f in dataclasses.fields(cls)
                if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING}
    model = schema.SECTION_MODELS.get(section) or {"lift_tests": schema.LiftTestSection}[section]
    shared = {k for k in set(defaults) & set(model.model_fields) if not model.model_fields[k].is_required()}
    assert len(shared) >= 5
    for key in shared:
        theirs, ours = defaults[key], model.model_fields[key].default
        if isinstance(theirs, (tuple, list)) or isinstance(ours, list):
            theirs, ours = list(theirs or []), list(ours or [])
        if isinstance(theirs, dict) or isinstance(ours, dict):
            theirs, ours = dict(theirs or {}), dict(ours or {})
        assert theirs == ours, f"[{section}] {key}: schema says {ours!r}, {name} uses {theirs!r}"


def test_version(run_cli):
    import socialroi

    code, out, _ = run_cli("--version")
    assert code == 0 and out.strip() == f"socialroi {socialroi.__version__}"


@pytest.mark.parametrize("text, message", [
    ('[traffic]\nkeywords = "k.csv"\nreplacement_share = "0.8"\n', "traffic.replacement_share must be a number, got '0.8'"),
    ('[social]\nmetrics = "m.csv"\nrate_card = "r.csv"\nbasis = "maximum"\n', "social.basis must be one of"),
    ('[traffic]\nkeywords = "k.csv"\nbrand_terms = ["a", 1]\n', "traffic.brand_terms[2] must be text"),
    ('[cashflows]\nyears = 0\n', "cashflows.years must be more than 0 and at most 50, got 0"),
    ('[[correlations]]\na = "x"\nb = "y"\nrank = 2\n', "correlations[1].rank must be between -1 and 1"),
    ('[segments]\ncustomers = "c.csv"\noutcomes = []\n', "[segments] needs at least one [[segments.outcomes]]"),
    ('[segments]\ncustomers = "c.csv"\n[[segments.outcomes]]\nname = "r"\ncolumn = "r"\nkind = "binary"\nhorizn = 3\n',
     "unknown key 'horizn' in [segments.outcomes[1]]; known keys: name, column, kind"),
    ('[support.deflection]\nrate = 0.1\n', "[support.deflection] needs views"),
    ('[funnel]\nfile = "f.csv"\nmicro = "p.csv"\n', "micro needs conversion_value"),
    ('[direct_revenue]\namount = nan\n', "direct_revenue.amount must be a finite number"),
])
def test_schema_errors_name_the_key_in_the_users_terms(tmp_path, text, message):
    from socialroi.valuation.errors import InputError
    from socialroi.valuation.project import load_project

    base = '[project]\ncurrency = "EUR"\n[costs]\nledger = "costs.csv"\n[direct_revenue]\namount = 1\n'
    if "[direct_revenue]" in text:
        base = base.replace("[direct_revenue]\namount = 1\n", "")
    (tmp_path / "project.toml").write_text(base + text)
    with pytest.raises(InputError) as exc:
        load_project(tmp_path / "project.toml")
    assert message in str(exc.value) and "project.toml" in str(exc.value)
