"""Confounding sensitivity in money, checked against VanderWeele and Ding's published figures and closed forms."""

import json
import math

import pytest

from socialroi.datasets import example_project
from socialroi.models.evalue import evalue_rr
from socialroi.valuation.confounding import bias_factor, observed_rr, surviving_share, tipping_point


def test_bias_factor_and_evalue_against_the_published_examples():
    # Ding and VanderWeele (2016): RR_EU = RR_UD = 2 give a bias factor of 4/3
    assert bias_factor(2.0) == pytest.approx(4 / 3)
    # VanderWeele and Ding (2017): an observed RR of 3.9 has E-value 7.26; at that strength the effect is gone
    assert evalue_rr(3.9) == pytest.approx(7.26, abs=0.005)
    assert observed_rr(evalue_rr(3.9)) == pytest.approx(3.9)
    assert bias_factor(evalue_rr(3.9)) == pytest.approx(3.9)
    assert surviving_share(evalue_rr(3.9), 3.9) == pytest.approx(0.0, abs=1e-12)
    assert surviving_share(1.0, 3.9) == 1.0 and surviving_share(7.3, 3.9) == 0.0


def test_surviving_share_by_hand():
    # r = 2, RR = 1.5: B = 2.25 / 2 = 1.125; share = (1 - 1.125/2) / (1 - 1/2) = 0.875
    assert surviving_share(1.5, 2.0) == pytest.approx(0.875)


def test_tipping_point_of_one_component_in_closed_form():
    value, r, cost = 200.0, 2.0, 150.0
    # value x (1 - B/r) / (1 - 1/r) = cost  =>  B* = r (1 - cost (1 - 1/r) / value);  RR^2 / (2RR - 1) = B*
    b = r * (1 - cost * (1 - 1 / r) / value)
    expected = b + math.sqrt(b * b - b)
    assert tipping_point([(value, r)], cost) == pytest.approx(expected, rel=1e-9)
    assert tipping_point([(value, r), (160.0, None)], cost) == math.inf  # the rest alone covers the cost
    assert tipping_point([(100.0, r)], cost) == 1.0  # no positive ROI to erase


def test_example_reports_the_sensitivity_in_json_and_text(run_cli):
    code, out, err = run_cli("roi", example_project(), "-f", "json", "--draws", "1000")
    assert code == 0, err
    doc = json.loads(out)
    conf = doc["confounding"]
    graded = {c["component"] for c in doc["components"] if c["evidence"] == "observational"}
    assert {r["component"] for r in conf["components"]} == graded
    for r in conf["components"]:
        values = [r[f"value_at_rr_{s:g}"] for s in conf["strengths"]]
        assert values == sorted(values, reverse=True) and values[0] <= r["value"] + 1e-9  # less as RR grows
    # the example's value outside the observational lifts is below its cost: a finite strength erases the ROI,
    # the conservative ROI (less value) sooner
    tip, kept_tip = doc["confounding_tipping_point"], conf["conservative_tipping_point"]
    assert 1 < kept_tip < tip < 3 and not conf["notes"]
    # the curve the chart draws passes through zero at both tipping points and falls as the strength grows
    curve = {round(p["rr"], 9): p for p in conf["curve"]}
    assert curve[round(tip, 9)]["blended_roi"] == pytest.approx(0, abs=1e-9)
    assert curve[round(kept_tip, 9)]["conservative_blended_roi"] == pytest.approx(0, abs=1e-9)
    assert curve[1.0]["blended_roi"] == pytest.approx(doc["roi"]["blended_roi_percent"])
    assert curve[1.0]["conservative_blended_roi"] == pytest.approx(doc["conservative_blended_roi"])
    rois = [p["blended_roi"] for p in conf["curve"]]
    assert rois == sorted(rois, reverse=True)
    code, text, _ = run_cli("roi", example_project(), "--draws", "1000")
    assert "Confounding that would erase the blended ROI" in text
    assert "Value under unmeasured confounding" in text and "Blended ROI under unmeasured confounding" in text


def test_infinite_tipping_point_is_null_with_a_note(tmp_path):
    from socialroi.valuation.confounding import Sensitivity

    doc = Sensitivity((), math.inf, math.inf).to_dict()
    assert set(doc["notes"]) == {"confounding_tipping_point", "conservative_tipping_point"}


def test_roi_curve_by_hand():
    from socialroi.valuation.confounding import roi_curve

    value, r, cost = 200.0, 2.0, 150.0
    tip = tipping_point([(value, r), (50.0, None)], cost)
    curve = roi_curve([(value, r), (50.0, None)], [(50.0, None)], cost, (tip, 1.0))
    at = {p["rr"]: p for p in curve}
    # RR 1.5: share (1 - 1.125/2) / (1 - 1/2) = 0.875; value 175 + 50 = 225 against cost 150: ROI 50 %
    assert at[1.5]["blended_roi"] == pytest.approx(50.0)
    assert at[1.5]["conservative_blended_roi"] == pytest.approx((50 - 150) / 150 * 100)
    assert at[tip]["blended_roi"] == 0.0 and max(at) == pytest.approx(3.0)
    assert at[1.0]["conservative_blended_roi"] == pytest.approx(-100 / 1.5)  # a tipping point of 1 is not a zero
