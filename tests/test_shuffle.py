"""Row order never changes a result: every input table of the example, shuffled.

Costs and the simulation are exact (each cost line draws from a stream named
by the line and lines are summed in the order of their names); model fits
agree to floating-point rounding (sums in another order), 1e-9 relative.
The weekly ticket series is the exception by design: weeks out of order
are refused, so it is kept in order.
"""

import json
import math
import shutil

import numpy as np
import pandas as pd
import pytest

from socialroi.datasets import example_dir

KEEP_ORDER = {"support_weekly.csv"}


def _close(a, b, path=""):
    if isinstance(a, dict):
        assert set(a) == set(b), path
        for k in a:
            _close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (path, a, b)
    else:
        assert a == b, (path, a, b)


@pytest.fixture(scope="module")
def shuffled(tmp_path_factory):
    root = tmp_path_factory.mktemp("shuffled")
    shutil.copytree(example_dir(), root / "example")
    rng = np.random.default_rng(5)
    for path in (root / "example").glob("*.csv"):
        if path.name in KEEP_ORDER:
            continue
        _shuffle_file(path, rng)
    return root / "example" / "project.toml"


def _shuffle_file(path, rng):
    """Shuffle the data rows below the header, keeping title lines and the header where they are."""
    import csv
    import io

    from socialroi.valuation.tables import _layout

    layout, encoding = _layout(path, path.name)
    text = path.read_text(encoding=encoding)
    rows = list(csv.reader(io.StringIO(text), delimiter=layout.delimiter))
    head, body = rows[: layout.header_row + 1], rows[layout.header_row + 1:]
    body = [body[i] for i in rng.permutation(len(body))]
    out = io.StringIO()
    csv.writer(out, delimiter=layout.delimiter, lineterminator="\n").writerows(head + body)
    path.write_text(out.getvalue(), encoding=encoding)


def test_roi_is_the_same_after_shuffling_every_table(run_cli, shuffled):
    code, out, err = run_cli("roi", example_dir() / "project.toml", "-f", "json", "--draws", "2000")
    assert code == 0, err
    code, out2, err = run_cli("roi", shuffled, "-f", "json", "--draws", "2000")
    assert code == 0, err
    # the two copies live in different folders: file paths in notes and warnings differ, nothing else may
    a = json.loads(out.replace(json.dumps(str(example_dir()))[1:-1], "<dir>"))
    b = json.loads(out2.replace(json.dumps(str(shuffled.parent))[1:-1], "<dir>"))
    for key in ("roi", "components", "costs_by_category"):
        _close(a[key], b[key], key)
    for key in ("point", "interval", "mean"):
        assert a["costs"][key] == b["costs"][key]  # the ledger: exactly the same, to the last bit


def test_costs_and_simulation_are_exact_after_shuffling_the_ledger(tmp_path):
    from socialroi.valuation.costs import read_ledger

    src = example_dir() / "costs.csv"
    frame = pd.read_csv(src, dtype=str, keep_default_na=False)
    shuffled = tmp_path / "costs.csv"
    frame.iloc[::-1].to_csv(shuffled, index=False)
    a, b = read_ledger(src, seed=3, n_draws=5000), read_ledger(shuffled, seed=3, n_draws=5000)
    assert np.array_equal(a.total.draws, b.total.draws)
    assert a.total.point == b.total.point
