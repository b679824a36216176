"""Reports in the users' languages: English, Norwegian Bokmål, Latvian, Arabic and Persian.

Every piece of report text the example and a template project produce has a translation in each catalog (a
missing one fails here, it never falls back silently); placeholders survive translation; Arabic and Persian
pages are right to left; numbers follow CLDR (Persian digits for fa); and each language renders in a real browser.
"""

import re
import shutil
import subprocess

import pytest

from socialroi.datasets import example_project, write_templates
from socialroi.valuation import i18n
from socialroi.valuation.document import run_document
from socialroi.valuation.report import NumberFormat, build_html
from socialroi.valuation.run import run_project

LANGUAGES = ["en", "nb", "lv", "ar", "fa"]
SUMMARY = {"en": "Executive summary", "nb": "Sammendrag", "lv": "Kopsavilkums", "ar": "الملخص التنفيذي",
           "fa": "خلاصه مدیریتی"}


def attribution_project(folder):
    """The example with social revenue from [attribution] over its touchpoints instead of a [direct_revenue] figure
    (the two are exclusive), so the attribution section is rendered and checked too."""
    shutil.copytree(example_project().parent, folder)
    text = (folder / "project.toml").read_text(encoding="utf-8")
    start = text.index("[direct_revenue]")
    end = text.index("[", start + 1)
    text = (text[:start] + '[attribution]\ntouchpoints = "touchpoints.csv"\nsocial_channels = ["linkedin", "instagram", '
            '"facebook", "tiktok"]\nbootstrap = 20\n\n' + text[end:])
    (folder / "project.toml").write_text(text.replace('"direct_revenue.amount"', '# "direct_revenue.amount"'),
                                         encoding="utf-8")
    return folder / "project.toml"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("template")
    write_templates(folder / "p")
    return [run_project(example_project(), draws=1000), run_project(folder / "p" / "project.toml", draws=1000),
            run_project(attribution_project(folder / "attribution"), draws=1000)]


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_catalog_is_complete_and_keeps_placeholders(language):
    cat = i18n.catalog(language)
    english = i18n.catalog("nb").keys() | i18n.catalog("lv").keys()
    assert set(cat) == set(english) and len(cat) > 200  # the same texts in every language
    for msgid, msgstr in cat.items():
        assert msgstr.strip(), msgid
        assert set(re.findall(r"\{\w+\}", msgid)) == set(re.findall(r"\{\w+\}", msgstr)), (msgid, msgstr)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_report_text_is_translated(runs, language):
    f = NumberFormat(language, "EUR")
    for run in runs:
        for full in (True, False):
            doc = run_document(run, f, full=full)
            for section in doc.sections:
                for table in section.tables:
                    columns = list(table.frame.columns)
                    assert len(set(columns)) == len(columns), (language, table.title, columns)
    assert not f.missing, f"{language}: no translation for {sorted(f.missing)[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_page_language_direction_and_numbers(runs, language):
    html = build_html(runs[0], locale=language)
    direction = "rtl" if language in ("ar", "fa") else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert f"<h2>{SUMMARY[language]}</h2>" in html
    if language == "fa":
        assert re.search("[۰-۹]", html) and "٫" in html  # Persian digits and decimal separator (CLDR)
    if language in ("nb", "lv"):
        assert "\u00a0" in NumberFormat(language, "EUR").money(1234.5)  # 1 234,50 EUR


def test_unknown_locale_is_refused_not_replaced(tmp_path):
    from socialroi.valuation.errors import InputError
    from socialroi.valuation.project import load_project

    (tmp_path / "costs.csv").write_text("category,amount\nads,10\n")
    (tmp_path / "project.toml").write_text('[project]\nlocale = "xx"\n[direct_revenue]\namount = 5\n'
                                           '[costs]\nledger = "costs.csv"\n')
    with pytest.raises(InputError, match="unknown locale 'xx'"):
        load_project(tmp_path / "project.toml")
    (tmp_path / "project.toml").write_text('[project]\nlocale = "de_CH"\n[direct_revenue]\namount = 5\n'
                                           '[costs]\nledger = "costs.csv"\n')
    project = load_project(tmp_path / "project.toml")
    assert any("report text is in English" in n for n in project.notices)  # said, not silent


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_renders_in_a_real_browser(runs, language, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not browser:
        pytest.skip("no Chromium on this machine (.ci/run installs Debian's chromium)")
    page = tmp_path / f"{language}.html"
    page.write_text(build_html(runs[0], locale=language), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0 and "Uncaught" not in dom.stderr
    assert SUMMARY[language] in dom.stdout and dom.stdout.count("<svg") >= 5
    shot = tmp_path / "page.png"
    done = subprocess.run([browser, *flags, "--window-size=1280,2000", f"--screenshot={shot}", page.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and shot.stat().st_size > 20_000


# every key of a component's assumptions (shown, translated, in the methods table)
ASSUMPTION_KEYS = ("annual_value", "basis", "brand_regex", "brand_terms", "control_group", "cost_per_ticket",
                   "counterfactual_mix", "country", "cpc_duplicates", "cpc_point", "cpc_unit", "deal_value", "deals",
                   "discount_rate", "engaged_customers", "fold_diacritics", "half_life_days", "higher_is_better",
                   "horizon", "horizon_years", "markov_order", "method", "model", "months", "no_market",
                   "outcome_column", "position_first", "position_last", "rates", "replacement_share",
                   "social_channels", "test_group", "time_unit", "traffic_period", "units", "unmatched",
                   "value_per_event", "value_per_unit", "low", "high", "views", "deflection_rate", "launch",
                   "harmonics", "impute_cpc", "missing_at_random")


def _template_literals():
    """Every fixed text socialroi builds a sentence from (the first argument of Text, Word and Label calls and of the
    report's ``f.t`` lookups in the package's source), found by reading the source, so a new sentence without
    translations fails here, whether or not a test project renders it."""
    import ast
    from pathlib import Path

    import socialroi.models as models
    import socialroi.valuation as valuation

    found = set()

    def constants(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.IfExp):
            yield from constants(node.body)
            yield from constants(node.orelse)

    for path in [*Path(valuation.__file__).parent.glob("*.py"), *Path(models.__file__).parent.glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            # Text("..."), Word("..."), Label("...") and the report's f.t("...") lookups
            if getattr(node.func, "id", "") in ("Text", "Word", "Label") or getattr(node.func, "attr", "") == "t":
                found.update(c for c in constants(node.args[0]) if c)
    return found


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_every_method_and_warning_sentence_has_a_translation(language):
    from socialroi.models.glm import FAMILIES
    from socialroi.valuation.segments import TIME_UNITS, VALUES

    literals = _template_literals()
    assert len(literals) > 50
    # words that enter sentences as values: time units, count models, duplicate rules, outcome values, methods
    words = {*TIME_UNITS, "poisson", "negative binomial", "median", "max", "min", "first",
             *(v.replace("_", " ") for v in VALUES if v != "none"), "doubly robust", "weighting", "regression", "naive",
             *(k.replace("_", " ") for k in ASSUMPTION_KEYS), *FAMILIES}
    cat = i18n.catalog(language)
    missing = sorted(t for t in literals | words if t not in cat)
    assert not missing, f"{language}: no translation for {missing[:5]}"


def test_methods_and_warnings_are_written_in_the_report_language(runs):
    from socialroi.models.text import Text

    run = runs[0]
    assert all(isinstance(c.method, Text) for c in run.roi.components)
    doc = run_document(run, NumberFormat("nb", "EUR"), full=True)
    methods = next(t for s in doc.sections for t in s.tables if t.title == "Metoder og forutsetninger")
    assert any("anslag av effekten på de engasjerte" in m for m in methods.frame["Metode"])
    assert any("søkeordrad(er) har ingen CPC" in w for w in doc.warnings)
    assert not any("keyword row(s)" in w for w in doc.warnings)
    # the English sentence stays what JSON, the terminal and Python warnings show
    assert any("keyword row(s) have no CPC" in w for w in run.warnings)
