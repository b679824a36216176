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


def test_a_constant_micro_action_is_refused_by_name(run_cli, tmp_path):
    from socialroi.datasets import example_dir

    posts = tmp_path / "posts.csv"
    posts.write_text("post_id,impressions,likes,shares,comments,clicks,conversions\n" + "".join(
        f"P{i},{100 + 10 * i},0,{i % 3},{i % 2},{i % 5},{i % 2}\n" for i in range(12)))
    code, _, err = run_cli("funnel", example_dir() / "funnel.csv", "--micro", posts, "--conversion-value", "100")
    assert code == 2 and "'likes'" in err and len(err.strip().splitlines()) == 1
