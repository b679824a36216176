"""E-values against the published worked figures (VanderWeele & Ding 2017, Ann Intern Med)."""

import math

import pytest

from socialroi.models.evalue import evalue_ci, evalue_rr, rr_from_hr, rr_from_smd


def test_published_example():
    # breastfeeding and infection example: RR 3.9 (95% CI 1.8 to 8.7) -> E-values 7.2 and 3.0
    assert evalue_rr(3.9) == pytest.approx(7.26, abs=0.01)
    assert evalue_ci(1.8, 8.7) == pytest.approx(3.0, abs=0.01)


def test_protective_and_null():
    assert evalue_rr(0.5) == pytest.approx(evalue_rr(2.0)) == pytest.approx(2 + math.sqrt(2))
    assert evalue_ci(0.8, 1.2) == 1.0
    assert evalue_ci(0.3, 0.8) == pytest.approx(evalue_rr(0.8))


def test_conversions():
    assert rr_from_smd(0.0) == 1.0 and rr_from_smd(1.0) == pytest.approx(math.exp(0.91))
    assert rr_from_hr(1.0) == pytest.approx(1.0)
