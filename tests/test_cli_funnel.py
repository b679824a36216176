"""`socialroi funnel`, run as a user would."""

import json

from socialroi.datasets import example_dir

EX = example_dir()


def test_funnel_with_micro_actions(run_cli):
    code, out, err = run_cli("funnel", EX / "funnel.csv", "--micro", EX / "posts.csv", "--conversion-value", "450",
                             "--exposure", "impressions", "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert {m["action"] for m in doc["micro_actions"]} == {"likes", "shares", "comments", "clicks"}
    assert any(b["channel"] == "linkedin" for b in doc["bottlenecks"])


def test_funnel_needs_a_conversion_value_and_stage_order(run_cli):
    code, _, err = run_cli("funnel", EX / "funnel.csv", "--micro", EX / "posts.csv")
    assert code == 2 and "--conversion-value" in err
    code, _, err = run_cli("funnel", EX / "funnel.csv", "--stages", "link_clicks,reach")
    assert code == 2 and "larger than the stage before it" in err
