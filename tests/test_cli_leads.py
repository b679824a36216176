"""`socialroi leads`, run as a user would."""

import json

from socialroi.datasets import example_dir

EX = example_dir()


def test_leads(run_cli):
    code, out, err = run_cli("leads", EX / "leads.csv", "--social", "linkedin", "--social", "instagram",
                             "--costs", EX / "costs.csv")
    assert code == 0, err and "value per lead" in out
    code, out, _ = run_cli("leads", EX / "leads.csv", "--social", "linkedin", "--bands", "30,60", "-f", "json")
    assert {b["band"] for b in json.loads(out)["bands"]} == {"slow", "medium", "fast"}


def test_leads_bad_bands(run_cli):
    code, _, err = run_cli("leads", EX / "leads.csv", "--social", "linkedin", "--bands", "70,40")
    assert code == 2 and "must increase" in err
