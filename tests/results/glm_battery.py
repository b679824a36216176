"""The GLM reference battery: public data sets, model specifications and variants.

Used twice: by ``python tests/results/glm_battery.py`` (regenerates
``glm_battery.json`` from statsmodels fits at a tight tolerance) and by
``tests/test_glm_battery.py`` (fits the same cases with socialroi's fitter
and compares). Every data set comes from a source nobody on the team wrote:

- statsmodels' bundled data sets (``statsmodels.datasets``): spector, fair,
  anes96, cpunish, randhie, committee, scotland, engel, ccard, modechoice;
- ``causaldata`` (PyPI, a test extra): LaLonde's NSW treated and CPS-1
  controls as distributed with Cunningham's *Causal Inference: The Mixtape*;
- ``lifelines`` (PyPI, a test extra): Rossi's recidivism data;
- ``../shared/reference-data``: the Hillstrom e-mail experiment and the
  Telco churn table (skipped where that folder is absent).

Variants: ``plain``; ``scaled`` (continuous covariates multiplied by 1e4 or
1e-3, one shifted by 1e5: the units users really have, cents and
thousands); ``rare`` (binomial only: every negative kept and an evenly
spaced subset of positives so that 1 % of rows are positive).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference-data"


class Unavailable(Exception):
    """The data set's source is not installed or not present."""


@dataclass(frozen=True)
class Case:
    name: str
    source: str
    family: str
    load: Callable[[], tuple[np.ndarray, np.ndarray, list[str]]]
    variant: str = "plain"


def _sm(name: str):
    import statsmodels.api as sm

    return getattr(sm.datasets, name).load_pandas().data


def _ref(file: str):
    import pandas as pd

    path = REFERENCE / file
    if not path.is_file():
        raise Unavailable(f"{path} is absent")
    return pd.read_csv(path)


def lalonde():
    try:
        from causaldata import cps_mixtape, nsw_mixtape
    except ImportError:
        raise Unavailable("causaldata is not installed (pip install '.[test]')") from None
    import pandas as pd

    a, b = nsw_mixtape.load_pandas().data, cps_mixtape.load_pandas().data
    d = pd.concat([a[a["treat"] == 1], b]).reset_index(drop=True).drop(columns="data_id")
    # causaldata stores age and educ as int8 and the earnings as float32: squared in int8, ages above 11 wrap
    # around (55 ** 2 = 3025 does not fit), silently corrupting age2/educ2. Everything in float64 first.
    d = d.astype({c: "float64" for c in d.columns if c != "treat"})
    d["age2"], d["educ2"] = d["age"] ** 2, d["educ"] ** 2
    d["u74"], d["u75"] = (d["re74"] == 0).astype(float), (d["re75"] == 0).astype(float)
    return d


LALONDE_COVARIATES = ["age", "age2", "educ", "educ2", "marr", "nodegree", "black", "hisp", "re74", "re75", "u74",
                      "u75"]


def _rossi():
    try:
        from lifelines.datasets import load_rossi
    except ImportError:
        raise Unavailable("lifelines is not installed (pip install '.[test]')") from None
    return load_rossi()


def _xy(frame, y, covariates):
    x = np.column_stack([np.ones(len(frame))] + [frame[c].to_numpy(dtype=float) for c in covariates])
    return x, np.asarray(y, dtype=float), ["Intercept", *covariates]


def _telco():
    d = _ref("WA_Fn-UseC_-Telco-Customer-Churn.csv")
    import pandas as pd

    d["TotalCharges"] = pd.to_numeric(d["TotalCharges"], errors="coerce")
    d = d.dropna(subset=["TotalCharges"]).reset_index(drop=True)
    d["senior"] = d["SeniorCitizen"].astype(float)
    d["fiber"] = (d["InternetService"] == "Fiber optic").astype(float)
    d["monthly_contract"] = (d["Contract"] == "Month-to-month").astype(float)
    d["paperless"] = (d["PaperlessBilling"] == "Yes").astype(float)
    return d


def _hillstrom():
    d = _ref("hillstrom.csv")
    d["mens_mail"] = (d["segment"] == "Mens E-Mail").astype(float)
    d["womens_mail"] = (d["segment"] == "Womens E-Mail").astype(float)
    d["web"] = (d["channel"] == "Web").astype(float)
    return d


TELCO_X = ["tenure", "MonthlyCharges", "senior", "fiber", "monthly_contract", "paperless"]
HILL_X = ["recency", "history", "mens", "womens", "newbie", "web", "mens_mail", "womens_mail"]

BASE: list[tuple[str, str, str, Callable]] = [
    # (name, source, family, loader)
    ("spector_grade", "statsmodels.datasets.spector", "binomial",
     lambda: _xy(_sm("spector"), _sm("spector")["GRADE"], ["GPA", "TUCE", "PSI"])),
    ("fair_any_affair", "statsmodels.datasets.fair", "binomial",
     lambda: _xy(_sm("fair"), _sm("fair")["affairs"] > 0,
                 ["rate_marriage", "age", "yrs_married", "children", "religious", "educ"])),
    ("anes96_vote", "statsmodels.datasets.anes96", "binomial",
     lambda: _xy(_sm("anes96"), _sm("anes96")["vote"], ["logpopul", "TVnews", "selfLR", "age", "educ", "income"])),
    ("modechoice_air", "statsmodels.datasets.modechoice", "binomial",
     lambda: _xy(_sm("modechoice")[_sm("modechoice")["mode"] == 1],
                 _sm("modechoice")[_sm("modechoice")["mode"] == 1]["choice"], ["ttme", "invc", "gc", "hinc", "psize"])),
    ("randhie_any_visit", "statsmodels.datasets.randhie", "binomial",
     lambda: _xy(_sm("randhie"), _sm("randhie")["mdvis"] > 0,
                 ["lncoins", "idp", "lpi", "fmde", "physlm", "disea", "hlthg", "hlthf", "hlthp"])),
    ("lalonde_propensity", "causaldata nsw_mixtape + cps_mixtape (LaLonde NSW/CPS-1)", "binomial",
     lambda: _xy(lalonde(), lalonde()["treat"], LALONDE_COVARIATES)),
    ("rossi_arrest", "lifelines.datasets.load_rossi", "binomial",
     lambda: _xy(_rossi(), _rossi()["arrest"], ["fin", "age", "race", "wexp", "mar", "paro", "prio"])),
    ("telco_churn", "../shared/reference-data Telco churn", "binomial",
     lambda: _xy(_telco(), _telco()["Churn"] == "Yes", TELCO_X)),
    ("hillstrom_visit", "../shared/reference-data Hillstrom", "binomial",
     lambda: _xy(_hillstrom(), _hillstrom()["visit"], HILL_X)),
    ("hillstrom_conversion", "../shared/reference-data Hillstrom", "binomial",
     lambda: _xy(_hillstrom(), _hillstrom()["conversion"], HILL_X)),
    ("cpunish_executions", "statsmodels.datasets.cpunish", "poisson",
     lambda: _xy(_sm("cpunish"), _sm("cpunish")["EXECUTIONS"],
                 ["INCOME", "PERPOVERTY", "PERBLACK", "VC100k96", "SOUTH", "DEGREE"])),
    ("randhie_visits", "statsmodels.datasets.randhie", "poisson",
     lambda: _xy(_sm("randhie"), _sm("randhie")["mdvis"],
                 ["lncoins", "idp", "lpi", "fmde", "physlm", "disea", "hlthg", "hlthf", "hlthp"])),
    ("committee_bills", "statsmodels.datasets.committee", "poisson",
     lambda: _xy(_sm("committee"), _sm("committee")["BILLS104"], ["SIZE", "SUBS", "STAFF", "PRESTIGE", "BILLS103"])),
    ("fair_affairs_quasi", "statsmodels.datasets.fair", "poisson",
     lambda: _xy(_sm("fair"), _sm("fair")["affairs"], ["rate_marriage", "age", "yrs_married", "children",
                                                       "religious", "educ"])),
    ("rossi_prior_convictions", "lifelines.datasets.load_rossi", "poisson",
     lambda: _xy(_rossi(), _rossi()["prio"], ["fin", "age", "race", "wexp", "mar", "paro"])),
    ("lalonde_re78_quasi", "causaldata nsw_mixtape + cps_mixtape (LaLonde NSW/CPS-1)", "poisson",
     lambda: _xy(lalonde(), lalonde()["re78"], ["treat", *LALONDE_COVARIATES])),
    ("hillstrom_spend_quasi", "../shared/reference-data Hillstrom", "poisson",
     lambda: _xy(_hillstrom(), _hillstrom()["spend"], HILL_X)),
    ("scotland_yes", "statsmodels.datasets.scotland", "gamma",
     lambda: _xy(_sm("scotland"), _sm("scotland")["YES"], ["COUTAX", "UNEMPF", "MOR", "ACT", "GDP", "AGE"])),
    ("engel_food", "statsmodels.datasets.engel", "gamma",
     lambda: _xy(_sm("engel"), _sm("engel")["foodexp"], ["income"])),
    ("ccard_spending", "statsmodels.datasets.ccard", "gamma",
     lambda: _xy(_sm("ccard"), _sm("ccard")["AVGEXP"], ["AGE", "INCOME", "OWNRENT"])),
    ("fair_affairs_positive", "statsmodels.datasets.fair", "gamma",
     lambda: _xy(_sm("fair")[_sm("fair")["affairs"] > 0], _sm("fair")[_sm("fair")["affairs"] > 0]["affairs"],
                 ["rate_marriage", "age", "yrs_married", "children", "religious", "educ"])),
    ("lalonde_re78_positive", "causaldata nsw_mixtape + cps_mixtape (LaLonde NSW/CPS-1)", "gamma",
     lambda: _xy(lalonde()[lalonde()["re78"] > 0], lalonde()[lalonde()["re78"] > 0]["re78"],
                 ["treat", *LALONDE_COVARIATES])),
    ("telco_total_charges", "../shared/reference-data Telco churn", "gamma",
     lambda: _xy(_telco(), _telco()["TotalCharges"], TELCO_X)),
    ("hillstrom_spend_positive", "../shared/reference-data Hillstrom", "gamma",
     lambda: _xy(_hillstrom()[_hillstrom()["spend"] > 0], _hillstrom()[_hillstrom()["spend"] > 0]["spend"],
                 HILL_X)),
    ("randhie_visits_positive", "statsmodels.datasets.randhie", "gamma",
     lambda: _xy(_sm("randhie")[_sm("randhie")["mdvis"] > 0], _sm("randhie")[_sm("randhie")["mdvis"] > 0]["mdvis"],
                 ["lncoins", "idp", "lpi", "fmde", "physlm", "disea", "hlthg", "hlthf", "hlthp"])),
]


def _scaled(x: np.ndarray) -> np.ndarray:
    """Continuous columns in awkward units: x 1e4, x 1e-3 alternately; the first also shifted by 1e5."""
    out = x.copy()
    k = 0
    for j in range(1, x.shape[1]):
        if np.all(np.isin(x[:, j], (0.0, 1.0))):
            continue
        out[:, j] = x[:, j] * (1e4 if k % 2 == 0 else 1e-3) + (1e5 if k == 0 else 0.0)
        k += 1
    return out


def _rare(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep every negative and evenly spaced positives so that 1 % of rows are positive."""
    pos = np.flatnonzero(y == 1)
    neg = np.flatnonzero(y == 0)
    want = max(int(round(len(neg) / 99)), 8)
    if want >= len(pos):
        raise Unavailable("too few negatives for a 1 % variant")
    keep_pos = pos[np.linspace(0, len(pos) - 1, want).round().astype(int)]
    rows = np.sort(np.concatenate([neg, keep_pos]))
    return x[rows], y[rows]


RARE_OK = {"fair_any_affair", "randhie_any_visit", "telco_churn", "hillstrom_visit", "lalonde_propensity",
           "rossi_arrest", "anes96_vote"}


def cases() -> list[Case]:
    out = []
    for name, source, family, load in BASE:
        out.append(Case(name, source, family, load))
        out.append(Case(name, source, family, lambda load=load: _variant(load(), "scaled"), "scaled"))
        if family == "binomial" and name in RARE_OK:
            out.append(Case(name, source, family, lambda load=load: _variant(load(), "rare"), "rare"))
    return out


def _variant(loaded, variant):
    x, y, names = loaded
    if variant == "scaled":
        return _scaled(x), y, names
    x, y = _rare(x, y)
    return x, y, names


def statsmodels_fit(case_family: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """statsmodels' estimate at a tight tolerance (Newton for gamma: IRLS converges slowly there)."""
    import statsmodels.api as sm

    fam = {"binomial": sm.families.Binomial(), "poisson": sm.families.Poisson(),
           "gamma": sm.families.Gamma(sm.families.links.Log())}[case_family]
    model = sm.GLM(y, x, family=fam)
    res = model.fit(tol=1e-14, maxiter=2000)
    if case_family == "gamma":
        res = model.fit(start_params=res.params, method="newton", maxiter=200, tol=1e-14, disp=0)
    return np.asarray(res.params)


def main() -> None:
    import statsmodels

    results = {"origin": f"statsmodels {statsmodels.__version__} GLM fits (tol 1e-14), made by "
                         "tests/results/glm_battery.py; data sources in that file", "cases": {}}
    for case in cases():
        try:
            x, y, names = case.load()
        except Unavailable as exc:
            print(f"skip {case.name}/{case.variant}: {exc}")
            continue
        params = statsmodels_fit(case.family, x, y)
        key = f"{case.name}/{case.variant}"
        results["cases"][key] = {"source": case.source, "family": case.family, "n": int(len(y)),
                                 "y_sum": float(y.sum()), "names": names, "params": params.tolist()}
        print(key, len(y))
    (HERE / "glm_battery.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
