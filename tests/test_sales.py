"""Lead bands, funnel and bottleneck, micro-action values, social-selling metrics: hand cases and planted facts."""

import numpy as np
import pandas as pd
import pytest

from socialroi.datasets import example_dir, example_truth
from socialroi.valuation.errors import InputError
from socialroi.valuation.funnel import funnel, micro_action_values
from socialroi.valuation.leads import lead_cycle, parse_bands
from socialroi.valuation.selling import selling_metrics

EX = example_dir()
TRUTH = example_truth()["sales"]


def test_lead_bands_by_hand():
    leads = pd.DataFrame({"score": [10, 50, 80, 90, 45], "channel": ["LinkedIn", "email", "linkedin", "email", "x"],
                          "created": ["2026-01-01", "2026-01-05", "2026-02-01", "2026-02-10", "2026-02-11"],
                          "converted_at": ["", "2026-01-15", "2026-02-11", "", "2026-03-13"],
                          "revenue": [None, 1000, 3000, None, 500]})
    rep = lead_cycle(leads, social_channels=["linkedin"], channel_costs={"linkedin": 400, "email": 100})
    b = rep.bands.set_index(["band", "group"])
    assert b.loc[("medium", "other"), "leads"] == 2 and b.loc[("medium", "other"), "conversions"] == 2
    assert b.loc[("medium", "other"), "median_days_to_convert"] == pytest.approx((10 + 30) / 2)
    assert b.loc[("fast", "social"), "value_per_lead"] == pytest.approx(1.0 * 3000)
    assert b.loc[("fast", "other"), "value_per_lead"] == 0.0
    c = rep.channels.set_index("channel")
    assert c.loc["linkedin", "cost_per_lead"] == 200 and c.loc["linkedin", "cost_per_converted_lead"] == 400
    assert c.loc["email", "cost_per_lead"] == 50 and c.loc["email", "cost_per_converted_lead"] == 100
    m = rep.monthly[(rep.monthly["band"] == "fast") & (rep.monthly["group"] == "other")]
    assert list(m["month"]) == ["2026-02"]


def test_example_bands_match_the_generator():
    rep = lead_cycle(EX / "leads.csv", social_channels=["linkedin", "instagram", "facebook"])
    got = rep.bands.groupby("band", observed=True)[["leads", "conversions", "revenue"]].sum()
    for band, t in TRUTH["leads_by_band"].items():
        assert got.loc[band, "leads"] == t["leads"] and got.loc[band, "conversions"] == t["conversions"]
        assert got.loc[band, "revenue"] == pytest.approx(t["revenue"], abs=1e-6)


def test_band_parsing_and_lead_errors():
    assert parse_bands("30,60") == (("slow", 30.0), ("medium", 60.0), ("fast", float("inf")))
    assert parse_bands("cold:20,warm") == (("cold", 20.0), ("warm", float("inf")))
    with pytest.raises(InputError, match="must increase"):
        parse_bands("70,40")
    bad = pd.DataFrame({"score": [10], "channel": ["email"], "created": ["2026-02-01"], "converted_at": ["2026-01-01"],
                        "revenue": [5]})
    with pytest.raises(InputError, match="converted before it was created") as exc:
        lead_cycle(bad, social_channels=["email"])
    assert exc.value.row == 1
    stray = bad.assign(converted_at=[""])
    with pytest.raises(InputError, match="did not convert"):
        lead_cycle(stray, social_channels=["email"])


def test_funnel_by_hand():
    f = pd.DataFrame({"period": ["2026-01", "2026-02", "2026-01", "2026-02"],
                      "channel": ["LinkedIn", "linkedin", "email", "email"], "reach": [10000, 12000, 5000, 5000],
                      "clicks": [300, 300, 250, 260], "leads": [30, 15, 25, 26], "won": [6, 3, 5, 5]})
    rep = funnel(f)
    conv = rep.conversions.set_index(["channel", "period", "stage"])
    assert conv.loc[("linkedin", "2026-02", "leads"), "conversion"] == pytest.approx(0.05)
    b = rep.bottlenecks.set_index("channel")
    assert b.loc["linkedin", "vs_previous_period_stage"] == "leads"
    assert b.loc["linkedin", "conversion_change"] == pytest.approx(-0.5)
    assert b.loc["linkedin", "vs_other_channels_stage"] == "clicks"
    assert b.loc["linkedin", "conversion_vs_others"] == pytest.approx(0.025 / 0.052 - 1)


def test_funnel_errors():
    f = pd.DataFrame({"period": ["p1"], "channel": ["a"], "reach": [10], "clicks": [20]})
    with pytest.raises(InputError, match="larger than the stage before it") as exc:
        funnel(f)
    assert exc.value.row == 1
    dup = pd.DataFrame({"period": ["p1", "p1"], "channel": ["a", "A"], "reach": [10, 10], "clicks": [2, 2]})
    with pytest.raises(InputError, match="appear twice"):
        funnel(dup)


def test_example_bottleneck_is_the_planted_one():
    b = funnel(EX / "funnel.csv").bottlenecks.set_index("channel")
    t = TRUTH["funnel_bottleneck"]
    assert b.loc[t["channel"], "vs_previous_period_stage"] == t["stage"]
    assert b.loc[t["channel"], "vs_other_channels_stage"] == t["stage"]
    assert b.loc[t["channel"], "period"] == t["period"]


def test_micro_action_values_cover_the_planted_effects_and_match_statsmodels():
    import statsmodels.api as sm

    truth = TRUTH["micro_action_conversions_per_action"]
    actions = list(truth)
    m = micro_action_values(EX / "posts.csv", actions, value_per_conversion=450, exposure="impressions")
    for row in m.itertuples():
        assert row.lower < truth[row.action] < row.upper, row.action
        assert row.value_per_action == pytest.approx(450 * row.conversions_per_action)
    posts = pd.read_csv(EX / "posts.csv")
    res = sm.GLM(posts["conversions"], sm.add_constant(posts[actions]), family=sm.families.Poisson(),
                 offset=np.log(posts["impressions"])).fit()
    ame = res.mu.mean() * res.params["shares"]
    assert m.set_index("action").loc["shares", "conversions_per_action"] == pytest.approx(ame, rel=1e-6)


def test_selling_by_hand():
    a = pd.DataFrame({"rep": ["ann", "ann"], "team": ["n", "n"], "period": ["2026-02", "2026-01"], "ssi": [66, 60],
                      "connections": [550, 500], "impressions": [12000, 10000], "engagements": [420, 300],
                      "clicks": [110, 100], "followers": [900, 800], "messages_received": [25, 20],
                      "messages_replied": [24, 18], "referrals": [1, 2], "inbound_connections": [12, 10]})
    msgs = pd.DataFrame({"rep": ["ann", "ann", "ann"], "received": ["2026-01-05 09:00", "2026-01-06 15:00",
                                                                   "2026-01-07 09:10"],
                         "replied": ["2026-01-05 10:00", "2026-01-06 19:00", ""]})
    r = selling_metrics(a, msgs).reps.iloc[0]
    assert r["ssi_first"] == 60 and r["ssi_last"] == 66 and r["ssi_trend_per_period"] == pytest.approx(6)
    assert r["network_growth_rate"] == pytest.approx(0.1)
    assert r["content_engagement_rate"] == pytest.approx(720 / 22000)
    assert r["follower_engagement_rate"] == pytest.approx(720 / (850 * 2))
    assert r["click_through_rate"] == pytest.approx(210 / 22000)
    assert r["message_response_rate"] == pytest.approx(42 / 45)
    assert r["median_response_hours"] == pytest.approx(2.5) and r["inbound_connections"] == 22
    bad = msgs.assign(replied=["2026-01-05 08:00", "", ""])
    with pytest.raises(InputError, match="replied before"):
        selling_metrics(a, bad)


def test_example_selling():
    rep = selling_metrics(EX / "selling_activity.csv", EX / "messages.csv")
    assert len(rep.reps) == 8 and set(rep.teams["team"]) == {"Oslo", "Riga", "Dubai"}
    assert rep.response_by_weekday is not None and rep.response_by_hour["messages"].sum() == 8 * 40
