"""socialroi's GLM fitter against statsmodels on public data sets (the battery in tests/results).

Each case is a real data set, as given, in awkward units, or thinned to 1 %
positives; the reference coefficients are statsmodels' (see
``tests/results/glm_battery.py`` for sources and how they were made). The
tolerance is 1e-6 relative on every coefficient, measured per standard
deviation of its column so that a coefficient of 1e-9 on a column in cents
is held to the same standard as one on a column in thousands.
"""

import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import load_result

from socialroi.models.glm import fit_glm

sys.path.insert(0, str(Path(__file__).parent / "results"))
import glm_battery  # noqa: E402

REFERENCE = load_result("glm_battery.json")["cases"]
CASES = {f"{c.name}/{c.variant}": c for c in glm_battery.cases()}
TOL = 1e-6


def agreement(case_key: str) -> tuple[float, int]:
    """Largest relative disagreement with statsmodels (per column SD), and our iteration count."""
    case = CASES[case_key]
    try:
        x, y, names = case.load()
    except glm_battery.Unavailable as exc:
        pytest.skip(str(exc))
    ref = REFERENCE[case_key]
    assert len(y) == ref["n"] and y.sum() == pytest.approx(ref["y_sum"], rel=1e-12), "the data set changed"
    fit = fit_glm(x, y, case.family, names=names)
    assert fit.converged
    theirs = np.asarray(ref["params"])
    sd = np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    rel = np.abs(fit.params - theirs) * sd / (np.abs(theirs) * sd + 1.0)
    return float(rel.max()), fit.n_iter


def test_the_battery_is_large_enough():
    families = [c["family"] for c in REFERENCE.values()]
    assert len(REFERENCE) >= 40
    assert {f: families.count(f) >= 10 for f in ("binomial", "poisson", "gamma")} == \
        {"binomial": True, "poisson": True, "gamma": True}
    assert sum(k.endswith("/rare") for k in REFERENCE) >= 5 and sum(k.endswith("/scaled") for k in REFERENCE) >= 20


@pytest.mark.parametrize("case_key", sorted(REFERENCE))
def test_fit_equals_statsmodels(case_key):
    worst, _ = agreement(case_key)
    assert worst <= TOL
