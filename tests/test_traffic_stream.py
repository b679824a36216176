"""A keyword export read a block at a time gives what reading it whole gives.

``value_traffic`` streams a text traffic table through :func:`_stream_spelling_clicks` (30M rows in about 1 GB)
and reads anything else whole; the two paths must agree on every figure, warning and error. Blocks are made a
few rows long here so that spellings, decimal styles and bad cells fall across many of them.
"""

import json

import numpy as np
import pyarrow as pa
import pytest
from conftest import write_csv

import socialroi.valuation.tables as tables
import socialroi.valuation.traffic as traffic
from socialroi.valuation.errors import InputError
from socialroi.valuation.traffic import TrafficOptions, value_traffic


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    monkeypatch.setattr(tables, "STREAM_BLOCK", 64)


def _outcome(t, c, opts, **kw):
    """The result as JSON text, or the error's (message, file, column, row)."""
    try:
        return json.dumps(value_traffic(t, c, opts, seed=3, n_draws=200, **kw).to_dict(), sort_keys=True,
                          default=str)
    except InputError as exc:
        return (exc.message, exc.file, exc.column, exc.row)


def _both(monkeypatch, t, c, opts=TrafficOptions(), **kw):
    streamed = _outcome(t, c, opts, **kw)
    with monkeypatch.context() as m:
        m.setattr(traffic, "open_text_stream", lambda *a, **k: None)
        whole = _outcome(t, c, opts, **kw)
    return streamed, whole


def _spy_stream(monkeypatch):
    calls = []
    real = traffic._stream_spelling_clicks
    monkeypatch.setattr(traffic, "_stream_spelling_clicks", lambda *a: calls.append(1) or real(*a))
    return calls


def _keywords(rng, n, n_distinct=40):
    base = [f"w{i} {'shoes' if i % 3 else 'acme boots'}" for i in range(n_distinct)]
    # spellings of one keyword: case, padding and inner whitespace differ, as exports have them
    spell = [lambda k: k, str.upper, lambda k: f"  {k} ", lambda k: k.replace(" ", "   ")]
    return [spell[rng.integers(4)](base[rng.integers(n_distinct)]) for _ in range(n)]


def _cpc_csv(path, n_distinct=40, country=False):
    rows = ["Keyword,CPC" + (",Country" if country else "")]
    for i in range(n_distinct - 5):  # a few keywords without a price
        for cc in (("no", "lv") if country else ("",)):
            rows.append(f"w{i} {'shoes' if i % 3 else 'acme boots'},{0.1 + i / 7:.2f}" + (f",{cc}" if country else ""))
    return write_csv(path, "\n".join(rows) + "\n")


def test_stream_equals_whole_read_on_many_blocks(tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    kws = _keywords(rng, 600)
    t = write_csv(tmp_path / "t.csv", "Query,Clicks\n" + "".join(f"\"{k}\",{rng.integers(0, 50)}\n" for k in kws))
    c = _cpc_csv(tmp_path / "c.csv")
    calls = _spy_stream(monkeypatch)
    streamed, whole = _both(monkeypatch, t, c, TrafficOptions(brand_terms=("acme",)))
    assert calls, "the text table was not streamed"
    assert isinstance(streamed, str) and streamed == whole
    assert json.loads(streamed)["estimates"][0]["diagnostics"]["traffic_rows"] == 600


def test_by_country_and_country_filter(tmp_path, monkeypatch):
    rng = np.random.default_rng(2)
    kws = _keywords(rng, 300)
    cc = rng.choice(["NO", "lv", " No ", "LV"], 300)
    t = write_csv(tmp_path / "t.csv", "Query,Clicks,Country\n" + "".join(
        f"\"{k}\",{rng.integers(0, 50)},{x}\n" for k, x in zip(kws, cc)))
    c = _cpc_csv(tmp_path / "c.csv", country=True)
    for opts in (TrafficOptions(), TrafficOptions(country="lv"), TrafficOptions(country="se")):
        streamed, whole = _both(monkeypatch, t, c, opts)
        assert streamed == whole, opts
    assert "no rows for country 'se'" in _both(monkeypatch, t, c, TrafficOptions(country="se"))[0][0]


@pytest.mark.parametrize("cells", [
    ["1 234", "12", "2 000", "7"],           # thousands by a space
    ["1.234", "2.500", "12", ""],           # a blank count
    ["1.234", "2.500", "12"],               # thousands dots: decided from all the cells, not per block
    ["1,234,567", "3", "12"],               # thousands commas
    ["1,234", "2,500", "3"],                # thousands commas
    ["3", "4", "5,5"],                      # a fraction of a click: refused wherever it falls
    ["3", "4", "lots", "5"],                 # not a number: the file's row is named
    ["3", "-4"],                             # negative
    ["1.5", "2"],                            # a plain decimal number Arrow would type
])
@pytest.mark.parametrize("sep", [",", ";"])
def test_clicks_cells_read_as_a_whole_column_would_be(tmp_path, monkeypatch, cells, sep):
    rows = [f"\"k{i % 5}\"{sep}\"{cells[i % len(cells)]}\"" for i in range(40)]
    t = write_csv(tmp_path / "t.csv", f"Query{sep}Clicks\n" + "\n".join(rows) + "\n")
    c = write_csv(tmp_path / "c.csv", "Keyword,CPC\n" + "".join(f"k{i},{i + 1}\n" for i in range(5)))
    streamed, whole = _both(monkeypatch, t, c)
    assert streamed == whole


def test_bad_cell_late_in_the_file_names_its_row(tmp_path, monkeypatch):
    rows = [f"k{i % 7},{i % 11}" for i in range(500)]
    rows[433] = "k3,many"
    t = write_csv(tmp_path / "t.csv", "Query,Clicks\n" + "\n".join(rows) + "\n")
    c = write_csv(tmp_path / "c.csv", "Keyword,CPC\nk3,1\n")
    streamed, whole = _both(monkeypatch, t, c)
    assert streamed == whole and streamed[2:] == ("Clicks", 434)


def test_quoted_line_break_in_keywords(tmp_path, monkeypatch):
    t = write_csv(tmp_path / "t.csv", "Query,Clicks\n" + "".join(
        f"\"{k}\",{n}\n" for k, n in [("two\nlines", 3), ("one line", 5), ("TWO\nlines ", 1)] * 20))
    c = write_csv(tmp_path / "c.csv", "Keyword,CPC\n\"two\nlines\",2\none line,1\n")
    streamed, whole = _both(monkeypatch, t, c)
    assert streamed == whole
    assert json.loads(streamed)["estimates"][0]["point"] == pytest.approx(20 * (4 * 2 + 5 * 1))


def test_keywords_differing_after_a_nul_stay_apart():
    """pandas' string hash table ends a text at a NUL ("a\\x00no" and "a\\x00lv" would be one keyword)."""
    import pandas as pd

    t = pd.DataFrame({"Query": ["a\x00no", "a\x00lv"] * 3, "Clicks": [5, 7] * 3})
    c = pd.DataFrame({"Keyword": ["a\x00no", "a\x00lv"], "CPC": [1.0, 10.0]})
    assert value_traffic(t, c).estimate.point == pytest.approx(3 * (5 + 70))


def test_hash_collision_falls_back_to_the_whole_read(tmp_path, monkeypatch):
    t = write_csv(tmp_path / "t.csv", "Query,Clicks\n" + "".join(f"k{i % 9},{i}\n" for i in range(90)))
    c = write_csv(tmp_path / "c.csv", "Keyword,CPC\n" + "".join(f"k{i},{i}\n" for i in range(9)))
    expected = _outcome(t, c, TrafficOptions())
    real = traffic._text_hashes

    def colliding(con, texts):  # every spelling's first hash is one number: a collision in the first block
        h1, h2 = real(con, texts)
        return np.zeros_like(h1), h2

    monkeypatch.setattr(traffic, "_text_hashes", colliding)
    assert _outcome(t, c, TrafficOptions()) == expected


def test_hashed_factorize_equals_exact_factorize(monkeypatch):
    keys = pa.array(["b", "a", "b", "a\x00no", "a\x00lv", "c", "a"] * 3)
    exact = traffic._factorize(keys)
    monkeypatch.setattr(traffic, "_HASHED_FACTORIZE", 1)
    hashed = traffic._factorize(keys)
    assert np.array_equal(exact[0], hashed[0]) and exact[1].to_pylist() == hashed[1].to_pylist()
    assert exact[1].to_pylist() == ["b", "a", "a\x00no", "a\x00lv", "c"]
    assert list(exact[0][:7]) == [0, 1, 0, 2, 3, 4, 1]


def test_hash_sums_keep_first_appearance_across_growth():
    """The open-addressing table grows from 2**16 slots several times; ids stay in order of first appearance."""
    import pandas as pd

    rng = np.random.default_rng(4)
    keys = rng.integers(0, 2**63, 120_000, dtype=np.int64).astype(np.uint64)
    rows = rng.integers(0, len(keys), 400_000)
    weights = rng.random(len(rows))
    sums = traffic._HashSums(capacity=16)
    for block, w in zip(np.array_split(rows, 37), np.array_split(weights, 37)):
        h = keys[block]
        sums.add(h, h ^ np.uint64(7), w, 2 * w, lambda at, h=h: (pa.array(h[at].astype(str)), None))
    texts, _, dot, comma = sums.result()
    first_seen = pd.unique(rows)
    assert texts.to_pylist() == keys[first_seen].astype(str).tolist()
    expected = np.bincount(rows, weights=weights, minlength=len(keys))[first_seen]
    assert np.allclose(dot, expected) and np.allclose(comma, 2 * expected)
