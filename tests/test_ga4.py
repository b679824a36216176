"""GA4 exports read in the query engine: the same attribution as today's touch table, every layout and format.

The truth is the generator's own session table (``socialroi.datasets.ga4``): each session's user, start,
purchase revenue and the channel group its (source, medium) must fall in, written by hand in ``TRAFFIC``.
From it the tests build the equivalent touch table with pandas (no engine, no SQL) and run today's
``attribute`` on it.
"""

import json

import numpy as np
import pandas as pd
import pytest

from socialroi.datasets.ga4 import TRAFFIC, equivalent_touch_table, write_flat_export, write_ga4_export
from socialroi.models.attribution import Journeys, bootstrap_credit, credit
from socialroi.valuation.attribution import AttributionOptions, attribute, attribute_ga4
from socialroi.valuation.errors import InputError
from socialroi.valuation.ga4 import GA4Options, events, read_channel_rules, read_ga4, sessions
from socialroi.valuation.warehouse import open_source

MODELS = ["first_touch", "last_touch", "linear", "time_decay", "position", "markov", "markov_removal_effect",
          "shapley", "assisted_conversions", "assisted_revenue"]
OPTS = AttributionOptions(social_channels=("organic social",), bootstrap=0)


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    return write_ga4_export(tmp_path_factory.mktemp("ga4") / "parquet", 3000, seed=7, days=12)


def assert_same_attribution(a, b, *, rel=1e-9):
    ta, tb = a.table.set_index("channel"), b.table.set_index("channel")
    assert list(ta.index) == list(tb.index)
    for m in MODELS:
        np.testing.assert_allclose(ta[m].to_numpy(float), tb[m].to_numpy(float), rtol=rel, atol=1e-9, err_msg=m)
    for key in ("journeys", "converted_journeys"):
        assert a.diagnostics[key] == b.diagnostics[key], key
    assert a.diagnostics["revenue"] == pytest.approx(b.diagnostics["revenue"], rel=1e-12)


def test_every_session_gets_the_channel_group_written_by_hand(export):
    src = open_source(export.files[0].parent, flag="--ga4", table_flag="--ga4-table")
    got = sessions(events(src.table, name="x"), GA4Options().channel_rules, ("purchase",)).to_pandas()
    want = export.sessions.rename(columns={"ga_session_id": "session", "user_pseudo_id": "user"})
    m = want.merge(got, on=["user", "session"], how="outer", suffixes=("_want", "_got"), indicator=True)
    assert (m["_merge"] == "both").all() and len(m) == len(want)
    assert (m["channel_want"] == m["channel_got"]).all(), m.loc[m["channel_want"] != m["channel_got"]].head()
    assert (m["start_us"] == m["start"]).all()
    np.testing.assert_allclose(m["revenue_want"], m["revenue_got"])
    assert set(m["channel_got"]) == {t[3] for t in TRAFFIC}  # every rule of the hand table is exercised


def test_ga4_equals_todays_attribution_on_the_equivalent_equivalent_touch_table(export):
    ours = attribute_ga4(export.files[0].parent, OPTS)
    today = attribute(equivalent_touch_table(export.sessions), OPTS)
    assert_same_attribution(ours, today)
    d = ours.diagnostics
    assert d["sessions"] == len(export.sessions)
    assert d["events"] == export.events and 0 < d["events_without_session"] < 0.02 * export.events
    assert d["distinct_paths"] < d["journeys"]  # the engine sent aggregated rows


def test_newline_delimited_json_with_integers_as_strings_reads_the_same(tmp_path, export):
    nd = write_ga4_export(tmp_path / "json", 3000, seed=7, days=12, fmt="json")
    assert '"int_value":"' in nd.files[0].read_text()[:2000]  # as BigQuery writes INT64
    assert_same_attribution(attribute_ga4(str(tmp_path / "json" / "events_*.json"), OPTS),
                            attribute_ga4(export.files[0].parent, OPTS), rel=1e-12)


def test_flat_layout_reads_the_same(tmp_path, export):
    flat = write_flat_export(export.files[0].parent, tmp_path / "flat.parquet")
    assert_same_attribution(attribute_ga4(flat, OPTS), attribute_ga4(export.files[0].parent, OPTS), rel=1e-12)


def test_bootstrap_and_json_are_reproducible_and_independent_of_row_order(export):
    import pyarrow as pa

    opts = AttributionOptions(social_channels=("organic social",), bootstrap=40)
    a = attribute_ga4(export.files[0].parent, opts, seed=3)
    b = attribute_ga4(export.files[0].parent, opts, seed=3)
    assert json.dumps(a.to_dict(), sort_keys=True, default=str) == json.dumps(b.to_dict(), sort_keys=True, default=str)
    # the engine may send rows in any order: the Journeys come out the same
    from socialroi.valuation.ga4 import embedded_rows, paths, portable_rows
    from socialroi.valuation.path_rows import distinct, from_path_lists

    src = open_source(export.files[0].parent, flag="--ga4", table_flag="--ga4-table")
    rows = paths(sessions(events(src.table, name="x"), GA4Options().channel_rules, ("purchase",))).to_pyarrow()
    perm = np.random.default_rng(0).permutation(rows.num_rows)
    shuffled = rows.take(pa.array(perm))

    def jr(r):
        found, names = from_path_lists(r["path"].combine_chunks(), r["gaps"].combine_chunks(),
                                       r["converted"].to_numpy().astype(bool),
                                       r["revenue"].to_numpy(zero_copy_only=False).astype(float),
                                       r["n"].to_numpy().astype(np.int64))
        return distinct(found).to_journeys(names)

    def same(x, y):
        assert x.names == y.names
        for field in ("channels", "times", "offsets", "converted", "revenue", "counts"):
            np.testing.assert_array_equal(getattr(x, field), getattr(y, field), err_msg=field)

    x = jr(rows)
    same(x, jr(shuffled))
    # the embedded plan (what a file export runs: sessions sorted by the engine, journeys cut by NumPy) gives the
    # same distinct journeys as the portable one, whose SQL does it all; the export holds users with several
    # journeys, unconverted tails and identical paths, so both the cutting and the folding are exercised
    found, names, n_events, dropped = embedded_rows(src, GA4Options())
    same(x, distinct(found).to_journeys(names))
    portable, p_names, p_events, p_dropped = portable_rows(src.table, GA4Options(), name="x")
    same(x, distinct(portable).to_journeys(p_names))
    assert (n_events, dropped) == (p_events, p_dropped) and n_events > 0
    assert x.n_journeys < x.total_journeys  # identical journeys were folded
    # the decimal packing (an export spanning more time than a 64-bit number holds) gives the same journeys
    wide, wide_names, *_ = embedded_rows(src, GA4Options(), packed=False)
    same(x, distinct(wide).to_journeys(wide_names))


def test_channel_rules_can_be_replaced(tmp_path, export):
    rules = tmp_path / "rules.csv"
    rules.write_text("channel,source,medium,match\nOffline,,^qr$,all\nSocial,"
                     "^(facebook|l\\.instagram\\.com|linkedin|tiktok)$,,all\nOther,,,all\n")
    from socialroi.valuation.attribution import ga4_options

    g = ga4_options({"channel_rules": rules})
    r = attribute_ga4(export.files[0].parent, AttributionOptions(social_channels=("social",), bootstrap=0), g)
    assert r.diagnostics["channels"] == ["offline", "other", "social"]
    flyer = export.sessions["source"].eq("flyer")
    social = export.sessions["source"].isin(["facebook", "l.instagram.com", "linkedin", "tiktok"])
    want = export.sessions.assign(channel=np.where(flyer, "Offline", np.where(social, "Social", "Other")))
    assert_same_attribution(r, attribute(equivalent_touch_table(want), AttributionOptions(social_channels=("social",),
                                                                               bootstrap=0)))


@pytest.mark.parametrize("text, message", [
    ("channel,source,medium,match\nX,(unclosed,,all\n", "column source, row 2: not a regular expression"),
    ("channel,source,medium,match\n,,,all\n", "column channel, row 2: blank"),
    ("channel,source,medium,match\nX,,,some\n", "column match, row 2: 'some'; use all or any"),
    ("name,source\nX,a\n", "needs the columns channel, source, medium, match"),
])
def test_bad_rule_tables_are_refused_with_file_column_and_row(tmp_path, text, message):
    p = tmp_path / "rules.csv"
    p.write_text(text)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace("'", "'")):
        read_channel_rules(p)


def test_other_conversion_events_and_no_conversion(export):
    with pytest.raises(InputError, match="no journey converted"):
        attribute_ga4(export.files[0].parent, OPTS, GA4Options(conversion_events=("sign_up",)))
    # every session_start as a conversion: each session is its own journey
    r = attribute_ga4(export.files[0].parent, OPTS, GA4Options(conversion_events=("session_start",)))
    assert r.diagnostics["journeys"] == r.diagnostics["converted_journeys"] == len(export.sessions)


def test_sources_that_are_not_ga4_are_refused(tmp_path):
    p = tmp_path / "other.parquet"
    pd.DataFrame({"a": [1]}).to_parquet(p)
    with pytest.raises(InputError, match="neither a GA4 export .*missing user_pseudo_id"):
        read_ga4(p, GA4Options())
    with pytest.raises(InputError, match="--ga4 .*nothing-here: no such file or folder"):
        read_ga4(tmp_path / "nothing-here", GA4Options())
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no Parquet or newline-delimited JSON files"):
        read_ga4(tmp_path / "empty", GA4Options())
    with pytest.raises(InputError, match="name the table with --ga4-table"):
        read_ga4("duckdb://", GA4Options())
    with pytest.raises(InputError, match="--ga4-table names a table, but --ga4 is files"):
        read_ga4(p, GA4Options(table="events"))


def test_connection_url_with_sharded_tables(tmp_path, export):
    """A DuckDB database file holding daily tables events_YYYYMMDD, read as events_*: the same answer."""
    import duckdb

    db = tmp_path / "ga4.duckdb"
    con = duckdb.connect(str(db))
    for f in export.files:
        day = f.name.split("-")[0]
        con.execute(f"CREATE TABLE IF NOT EXISTS {day} AS SELECT * FROM read_parquet('{f}') LIMIT 0")
        con.execute(f"INSERT INTO {day} SELECT * FROM read_parquet('{f}')")
    con.close()
    r = attribute_ga4(f"duckdb://{db}", OPTS, GA4Options(table="events_*"))
    assert_same_attribution(r, attribute_ga4(export.files[0].parent, OPTS), rel=1e-12)


# --- aggregated paths: a row standing for n identical journeys ---------------------------------------------

def aggregate(j: Journeys, w: np.ndarray | None = None):
    """Group identical journeys with a dictionary (independent of the engine); sum ``w`` per group."""
    groups: dict = {}
    for i in range(j.n_journeys):
        a, b = j.offsets[i], j.offsets[i + 1]
        t = j.times[a:b]
        key = (tuple(j.channels[a:b]), tuple(t - t[-1]) if len(t) else (), bool(j.converted[i]), float(j.revenue[i]))
        groups.setdefault(key, []).append(i)
    keys = list(groups)
    ch = [c for k in keys for c in k[0]]
    tm = [t for k in keys for t in k[1]]
    offsets = np.r_[0, np.cumsum([len(k[0]) for k in keys])]
    agg = Journeys(np.array(ch, dtype=np.int64), np.array(tm, float), offsets, np.array([k[2] for k in keys]),
                   np.array([k[3] for k in keys]), j.names, counts=np.array([len(groups[k]) for k in keys]))
    weights = None if w is None else np.array([w[groups[k]].sum() for k in keys])
    return agg, weights


def small_journeys(seed: int, n: int = 400) -> Journeys:
    rng = np.random.default_rng(seed)
    lengths = 1 + rng.poisson(0.8, n)
    ch = rng.integers(0, 4, lengths.sum())
    times = np.concatenate([np.sort(rng.choice([0.0, 1.0, 3.0], k)) for k in lengths])
    conv = rng.random(n) < 0.3
    rev = np.where(conv, rng.choice([10.0, 25.0], n), 0.0)
    return Journeys(ch, times, np.r_[0, np.cumsum(lengths)], conv, rev, tuple("abcd"))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_aggregated_rows_give_every_model_the_same_credit_and_the_same_replicates(seed):
    """A replicate that weights journeys by w equals one that weights each aggregated row by the sum of its
    journeys' w; with Poisson(1) journey weights that sum is Poisson(count), what the bootstrap draws."""
    j = small_journeys(seed)
    agg, _ = aggregate(j)
    assert agg.n_journeys < j.n_journeys / 2
    for model in ("first_touch", "last_touch", "linear", "time_decay", "position", "markov", "shapley"):
        np.testing.assert_allclose(credit(agg, model), credit(j, model), rtol=1e-10, atol=1e-9, err_msg=model)
    w = np.random.default_rng(seed).poisson(1.0, j.n_journeys).astype(float)
    agg_w, weights = aggregate(j, w)
    for model in ("first_touch", "linear", "time_decay", "markov", "shapley"):
        np.testing.assert_allclose(credit(agg_w.reweighted(weights), model), credit(j.reweighted(w), model),
                                   rtol=1e-10, atol=1e-9, err_msg=model)


def test_bootstrap_through_counts_has_the_spread_of_the_journey_bootstrap():
    j = small_journeys(5, 2000)
    agg, _ = aggregate(j)
    social = np.array([True, False, False, False])
    models = ("linear", "markov", "shapley")
    a = bootstrap_credit(j, models, social, 400, np.random.default_rng(1))
    b = bootstrap_credit(agg, models, social, 400, np.random.default_rng(2))
    for m in models:
        # sd of a 400-replicate sd is about 3.5 %: 15 % apart is a real difference
        assert np.std(b[m]) == pytest.approx(np.std(a[m]), rel=0.15), m
        assert np.mean(b[m]) == pytest.approx(np.mean(a[m]), rel=0.03), m


def test_both_plans_break_first_event_ties_the_same_way_as_written():
    """The embedded engine finds a session's first event by a packed minimum, warehouses by a window: both must
    take the event with the smallest (timestamp, carries no source, source, medium, gclid, event name), including
    where events share the first instant and where a field is null."""
    import ibis

    from socialroi.valuation.ga4 import ranked_sources, session_ranks

    rows = [  # user, ts, event, session, source, medium, gclid
        ("u1", 10, "page_view", 1, "google", "organic", None),  # two sources at the first instant: the smaller
        ("u1", 10, "session_start", 1, "facebook", "social", None),
        ("u2", 10, "session_start", 2, None, None, None),  # the first event carries no source ...
        ("u2", 11, "page_view", 2, "facebook", "social", None),  # ... a later one does: Direct
        ("u3", 10, "session_start", 3, None, None, None),  # the same instant: the one with a source wins
        ("u3", 10, "page_view", 3, "newsletter", "email", None),
        ("u4", 10, "page_view", 4, None, "email", None),  # a null source sorts after a written one
        ("u4", 10, "session_start", 4, "facebook", "social", None),
        ("u5", 10, "session_start", 5, None, None, "Cj0K"),  # a gclid alone: google / cpc
        ("u6", 10, "page_view", None, "facebook", "social", None),  # no session id: counted, left out
        ("u7", 10, "page_view", 7, None, "referral", None),  # a written gclid sorts before a null one
        ("u7", 10, "session_start", 7, None, "referral", "Cj0K"),
        ("u8", 2**50, "session_start", 8, "t.co", "referral", None),  # far apart in time: the packing still fits
        ("u8", 2**50 + 1, "page_view", 8, None, None, None),
    ]
    frame = pd.DataFrame(rows, columns=["user_pseudo_id", "event_timestamp", "event_name", "ga_session_id", "source",
                                        "medium", "gclid"]).astype({"ga_session_id": "Int64"})
    con = ibis.duckdb.connect()
    ev = events(con.create_table("flat", frame), name="flat")
    want = {"u1": "Organic Social", "u2": "Direct", "u3": "Email", "u4": "Organic Social", "u5": "Paid Search",
            "u7": "Paid Search", "u8": "Organic Social"}
    # the embedded plan packs (timestamp, rank) in a 64-bit integer when it knows the span (its tables kept), in
    # a decimal when not
    got = sessions(ev, GA4Options().channel_rules, ("purchase",)).to_pandas()
    assert dict(zip(got["user"], got["channel"])) == want, "portable"
    tri = ranked_sources(ev, GA4Options().channel_rules)
    span = tri.aggregate(lo=tri.lo.min(), hi=tri.hi.max(), n=tri.count()).to_pyarrow().to_pylist()[0]
    for packing in (span, None):  # a 64-bit integer, and the decimal for a span that does not fit one
        per = session_ranks(ev, tri, ("purchase",), packing)
        got = per.join(tri, "rank").to_pandas().dropna(subset=["session"])
        assert dict(zip(got["user"], got["channel"])) == want, packing
        # the 64-bit packing reads the session's start back out of the packed minimum
        assert dict(zip(got["user"], got["start"].astype(int))) == {u: 2**50 if u == "u8" else 10 for u in want}


def test_an_export_too_large_for_one_pass_gives_the_same_answer_in_user_partitions(export, monkeypatch):
    """Past EVENTS_PER_GB events per GB of the engine's limit the users are split by a hash into partitions, one
    pass each; a user's journeys lie in one partition, so the merged paths are the same to the last digit."""
    import socialroi.valuation.ga4 as ga4

    opts = AttributionOptions(social_channels=("organic social",), bootstrap=30)
    one = attribute_ga4(export.files[0].parent, opts, seed=4)
    passes = []
    real = ga4.session_ranks
    monkeypatch.setattr(ga4, "session_ranks", lambda *a, **k: passes.append(1) or real(*a, **k))
    monkeypatch.setattr(ga4, "EVENTS_PER_GB", export.events / 3.5 / 2)  # the default limit is 2GB: four passes
    many = attribute_ga4(export.files[0].parent, opts, seed=4)
    assert len(passes) == 4
    assert json.dumps(one.to_dict(), sort_keys=True, default=str) == json.dumps(many.to_dict(), sort_keys=True,
                                                                                 default=str)
    monkeypatch.setenv("SOCIALROI_ENGINE_MEMORY", "8GB")
    passes.clear()
    attribute_ga4(export.files[0].parent, opts, seed=4)
    assert len(passes) == 1


def test_the_engine_memory_limit_is_named_when_it_runs_out_or_is_not_a_size(export, monkeypatch):
    """Running out of the engine's memory is not the export's fault: the message names the limit and how to raise
    it; a limit that is not a size is refused before any work."""
    opts = AttributionOptions(social_channels=("organic social",), bootstrap=0)
    monkeypatch.setenv("SOCIALROI_ENGINE_MEMORY", "1MB")
    with pytest.raises(InputError, match=r"ran out of its memory limit \(1MB\); set the environment variable "
                                         r"SOCIALROI_ENGINE_MEMORY higher"):
        attribute_ga4(export.files[0].parent, opts)
    monkeypatch.setenv("SOCIALROI_ENGINE_MEMORY", "lots")
    with pytest.raises(InputError, match="SOCIALROI_ENGINE_MEMORY='lots' is not a memory size"):
        attribute_ga4(export.files[0].parent, opts)


def test_cli_takes_channel_rules_and_conversion_events_as_a_user_gives_them(tmp_path, export, run_cli):
    """--channel-rules and --conversion-event on the command line: the same answer as the options in Python, and
    a rule table with a bad pattern exits 2 naming the flag's file, column and row."""
    from socialroi.valuation.attribution import ga4_options

    rules = tmp_path / "rules.csv"
    rules.write_text("channel,source,medium,match\nOffline,,^qr$,all\nSocial,"
                     "^(facebook|l\\.instagram\\.com|linkedin|tiktok)$,,all\nOther,,,all\n")
    code, out, err = run_cli("attribution", "--ga4", export.files[0].parent, "--social", "social", "--channel-rules",
                             rules, "--conversion-event", "session_start", "--bootstrap", "0", "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    want = attribute_ga4(export.files[0].parent, AttributionOptions(social_channels=("social",), bootstrap=0),
                         ga4_options({"channel_rules": rules, "conversion_events": ["session_start"]}))
    assert doc["diagnostics"]["channels"] == ["offline", "other", "social"]
    assert doc["diagnostics"]["conversion_events"] == ["session_start"]
    assert doc["diagnostics"]["journeys"] == doc["diagnostics"]["converted_journeys"] == len(export.sessions)
    assert doc["estimate"]["point"] == pytest.approx(want.estimate.point, rel=1e-12)
    bad = tmp_path / "bad.csv"
    bad.write_text("channel,source,medium,match\nX,(unclosed,,all\n")
    code, _, err = run_cli("attribution", "--ga4", export.files[0].parent, "--social", "x", "--channel-rules", bad)
    assert code == 2 and "column source, row 2: not a regular expression" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
