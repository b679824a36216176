"""Benchmark: segment lifts on 1,000,000 customers against an analyst's statsmodels script.

Run on demand (not part of the test suite)::

    python tests/benchmarks/segments_vs_statsmodels.py generate /tmp/seg   # ~15 s, ~250 MB
    python tests/benchmarks/segments_vs_statsmodels.py compare /tmp/seg

The data: 1,000,000 customers, 10 numeric covariates and 2 categorical ones
(8 and 4 levels), an engagement flag that depends on them, a binary retention
outcome and a positive deal size.

socialroi side (one process): ``socialroi segments`` with both outcomes; it
fits the propensity logit (ATT weights, balance table, overlap), the
retention logit and the log-link deal-size model, and reports all four
methods (naive, regression, weighting, doubly robust) with stacked sandwich
errors: more than the analyst's script does.

Analyst side (one process): what an analyst would write with statsmodels
formulas: smf.logit for retention with HC errors and get_margeff, smf.ols
for deal size with HC3 errors, smf.logit for the propensity, ATT weights and
a pandas balance table.
"""

from __future__ import annotations

import sys
from pathlib import Path

NUMERIC = [f"x{i}" for i in range(1, 11)]
ANALYST = r"""
import sys
import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
d = pd.read_csv(sys.argv[1] + "/customers.csv")
covs = " + ".join([f"x{i}" for i in range(1, 11)] + ["C(cat8)", "C(cat4)"])
ps = smf.logit("engaged ~ " + covs, d).fit(disp=0)
e = ps.predict(d)
w = np.where(d["engaged"] == 1, 1.0, e / (1 - e))
x = pd.get_dummies(d[[f"x{i}" for i in range(1, 11)] + ["cat8", "cat4"]], columns=["cat8", "cat4"], dtype=float)
t = d["engaged"] == 1
sd = np.sqrt((x[t].var() + x[~t].var()) / 2)
balance = pd.DataFrame({"before": (x[t].mean() - x[~t].mean()) / sd,
                        "after": (x[t].mean() - (x[~t].mul(w[~t], axis=0).sum() / w[~t].sum())) / sd})
ret = smf.logit("retained ~ engaged + " + covs, d).fit(disp=0, cov_type="HC0")
me = ret.get_margeff(at="overall", dummy=True)
deals = d.dropna(subset=["deal_size"])
ols = smf.ols("np.log(deal_size) ~ engaged + " + covs, deals).fit(cov_type="HC3")
print(me.summary_frame().loc["engaged"].to_dict(), ols.params["engaged"], balance["after"].abs().max())
"""


def generate(out: Path, n: int = 1_000_000, seed: int = 3) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pcsv

    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    x = rng.normal(size=(n, 10))
    cat8 = rng.integers(0, 8, n)
    cat4 = rng.integers(0, 4, n)
    lin = -0.3 + x[:, :4] @ np.array([0.5, 0.3, -0.2, 0.2]) + 0.1 * (cat8 % 3) - 0.15 * (cat4 == 2)
    engaged = rng.random(n) < 1 / (1 + np.exp(-lin))
    base = 0.5 + x[:, :5] @ np.array([0.4, 0.2, 0.2, -0.1, 0.1]) + 0.05 * cat8 - 0.1 * (cat4 == 1)
    retained = rng.random(n) < 1 / (1 + np.exp(-(base + 0.4 * engaged)))
    mu = np.exp(7 + 0.3 * x[:, 0] + 0.1 * x[:, 5] + 0.1 * engaged)
    deal = np.where(rng.random(n) < 0.4, np.round(rng.gamma(3.0, mu / 3.0), 2), np.nan)
    cols = {f"x{i + 1}": np.round(x[:, i], 5) for i in range(10)}
    table = pa.table({**cols, "cat8": pa.array([f"c{v}" for v in cat8]), "cat4": pa.array([f"k{v}" for v in cat4]),
                      "engaged": engaged.astype(int), "retained": retained.astype(int),
                      "deal_size": pa.array(deal, from_pandas=True)})
    pcsv.write_csv(table, out / "customers.csv")
    print(f"wrote {out / 'customers.csv'} ({n:,} customers)")


def compare(data: Path, repeats: int = 2) -> None:
    from _harness import compare as run_pair

    ours = ["socialroi", "segments", str(data / "customers.csv"), "--engaged", "engaged", "--outcome",
            "retained:binary", "--outcome", "deal_size:amount", "--covariates", ",".join(NUMERIC + ["cat8", "cat4"]),
            "--format", "json", "--output", str(data / "ours.json")]
    script = data / "analyst.py"
    script.write_text(ANALYST)
    run_pair(ours, [sys.executable, str(script), str(data)], repeats=repeats, names=("socialroi", "statsmodels"),
             target="target <= 0.2, i.e. at least 5x faster; peak memory target <= 2 GB")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("generate", "compare"):
        raise SystemExit(__doc__)
    sys.path.insert(0, str(Path(__file__).parent))
    (generate if sys.argv[1] == "generate" else compare)(Path(sys.argv[2]))
