"""GA4-shaped event exports with a known answer, for tests and the warehouse benchmark.

The tables have the columns of GA4's BigQuery export that socialroi reads
(``event_date``, ``event_timestamp`` in microseconds, ``event_name``,
``event_params`` as a list of ``{key, value: {string_value, int_value,
float_value, double_value}}``, ``user_pseudo_id``, ``collected_traffic_source``
and ``ecommerce``), written as daily files the way an export to files names
them: ``events_YYYYMMDD-NNNNNNNNNNNN.parquet`` (or ``.json``, newline-delimited,
with 64-bit integers as strings, as BigQuery writes JSON).

What the generator knows, and returns beside the events, is the *session
table*: one row per session with its user, ``ga_session_id``, start time,
the source and medium it was given, the channel group each (source, medium)
pair must fall in under GA4's default rules (written by hand in
:data:`TRAFFIC`, not computed), and its purchase revenue. Tests rebuild the
touch table from it and compare the engine's reading of the events.

Realistic untidiness is planted on purpose:

* ``session_start`` and the first ``page_view`` share a timestamp, and only
  the first events of a session carry ``collected_traffic_source``;
* paid Google sessions carry only a ``gclid`` (no utm source or medium);
* about 0.5 % of events come from the Measurement Protocol without a
  ``ga_session_id``;
* prices come from a price list, so many purchases have equal revenue.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# (source, medium, gclid?, expected default channel group, share of sessions); None = no traffic source at all
TRAFFIC: tuple[tuple[str | None, str | None, bool, str, float], ...] = (
    (None, None, False, "Direct", 0.22),
    ("(direct)", "(none)", False, "Direct", 0.05),
    ("google", "organic", False, "Organic Search", 0.20),
    ("bing", "organic", False, "Organic Search", 0.03),
    (None, None, True, "Paid Search", 0.10),  # gclid only
    ("google", "cpc", False, "Paid Search", 0.04),
    ("facebook", "social", False, "Organic Social", 0.06),
    ("l.instagram.com", "referral", False, "Organic Social", 0.05),  # a known social site, medium referral
    ("linkedin", "social-network", False, "Organic Social", 0.03),
    ("tiktok", "paid_social", False, "Paid Social", 0.03),
    ("newsletter", "email", False, "Email", 0.08),
    ("partner-blog.example", "referral", False, "Referral", 0.07),
    ("display-network", "cpm", False, "Display", 0.02),
    ("flyer", "qr", False, "Unassigned", 0.02),
)
PRICES = np.array([19.0, 29.0, 49.0, 79.0, 129.0])
_US = 1_000_000
_DAY_US = 86_400 * _US


@dataclass(frozen=True)
class GA4Export:
    """Files written by :func:`write_ga4_export` and what they must be read as."""

    files: tuple[Path, ...]
    sessions: Any  # pandas.DataFrame: the session table (module docstring)
    events: int


def _traffic_probabilities() -> np.ndarray:
    p = np.array([t[4] for t in TRAFFIC])
    return p / p.sum()


def ga4_chunks(n_users: int, *, seed: int = 0, start: str = "2025-03-01", days: int = 28, mean_sessions: float = 4.0,
               events_per_session: float = 3.0, purchase_rate: float = 0.04, chunk_users: int = 200_000,
               keep_sessions: bool = True) -> Iterator[tuple[Any, Any]]:
    """Yield (events as a pyarrow Table, session table as a pandas DataFrame or None) per chunk of users.

    ``purchase_rate`` is the chance a session ends in a purchase; sessions of
    a user's favourite channel are twice as likely to buy, and social
    sessions raise the chance of the user's next session buying by half, so
    channels differ in what each model credits.
    """
    import pandas as pd
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    origin = int(np.datetime64(start, "s").astype(np.int64)) * _US
    probs = _traffic_probabilities()
    social = np.array([t[3] == "Organic Social" for t in TRAFFIC])
    for lo in range(0, n_users, chunk_users):
        n = min(chunk_users, n_users - lo)
        per_user = 1 + rng.poisson(mean_sessions - 1.0, n)
        user = np.repeat(np.arange(n), per_user)
        first_session = np.r_[0, np.cumsum(per_user)[:-1]]
        is_first = np.zeros(len(user), dtype=bool)
        is_first[first_session] = True
        gap = np.where(is_first, 0, rng.exponential(3 * _DAY_US, len(user)).astype(np.int64) + 60 * _US)
        begin = rng.integers(0, days * _DAY_US, n)
        t0 = begin[user] + np.cumsum(gap) - np.repeat(np.cumsum(gap)[first_session], per_user)
        favourite = rng.choice(len(TRAFFIC), n, p=probs)
        traffic = np.where(rng.random(len(user)) < 0.5, favourite[user], rng.choice(len(TRAFFIC), len(user), p=probs))
        after_social = np.r_[False, social[traffic[:-1]]] & ~is_first
        p_buy = purchase_rate * np.where(traffic == favourite[user], 2.0, 1.0) * np.where(after_social, 1.5, 1.0)
        buys = rng.random(len(user)) < p_buy
        revenue = np.where(buys, PRICES[rng.integers(0, len(PRICES), len(user))] * rng.integers(1, 3, len(user)), 0.0)
        keep = t0 < days * _DAY_US
        user, t0, traffic, buys, revenue = user[keep], t0[keep], traffic[keep], buys[keep], revenue[keep]
        session_number = np.arange(len(user)) - np.r_[0, np.flatnonzero(np.diff(user)) + 1].repeat(
            np.diff(np.r_[0, np.flatnonzero(np.diff(user)) + 1, len(user)]))
        t0 = origin + t0
        session_id = t0 // _US  # GA4's ga_session_id is the session's start in Unix seconds
        pseudo = np.char.add(np.char.add((lo + np.arange(n)).astype(str), "."), (origin // _US + begin // _US)
                             .astype(str))

        # events: session_start and a page_view at t0, more page_views, then the purchase
        views = rng.poisson(max(events_per_session - 2.0, 0.0), len(user))
        n_ev = 2 + views + buys
        sess = np.repeat(np.arange(len(user)), n_ev)
        k = np.arange(len(sess)) - np.repeat(np.cumsum(n_ev) - n_ev, n_ev)  # index of the event in its session
        step = np.where(k <= 1, 0, rng.exponential(40 * _US, len(sess)).astype(np.int64) + _US)
        ts = t0[sess] + np.cumsum(step) - np.repeat((np.cumsum(step))[np.cumsum(n_ev) - n_ev], n_ev)
        last = k == np.repeat(n_ev - 1, n_ev)
        is_purchase = last & buys[sess]
        name = np.where(k == 0, "session_start", np.where(is_purchase, "purchase", "page_view"))
        no_session = rng.random(len(sess)) < 0.005
        no_session &= ~is_purchase & (k > 1)
        name = np.where(no_session, "refund_check", name)  # a Measurement Protocol event: no session id

        tr = traffic[sess]
        carries = k <= 1
        src = np.array([t[0] or "" for t in TRAFFIC], dtype=object)[tr]
        med = np.array([t[1] or "" for t in TRAFFIC], dtype=object)[tr]
        has_utm = carries & np.array([t[0] is not None for t in TRAFFIC])[tr]
        has_gclid = carries & np.array([t[2] for t in TRAFFIC])[tr]
        cts = pa.StructArray.from_arrays(
            [pa.array(src, mask=~has_utm, type=pa.string()), pa.array(med, mask=~has_utm, type=pa.string()),
             pa.array(np.char.add("Cj0K", session_id[sess].astype(str)).astype(object), mask=~has_gclid,
                      type=pa.string())],
            names=["manual_source", "manual_medium", "gclid"], mask=pa.array(~(has_utm | has_gclid)))

        # event_params: ga_session_id and ga_session_number on session events, page_location on views,
        # value on purchases
        with_session = ~no_session
        n_par = with_session * 2 + (name == "page_view") + is_purchase
        ev = np.repeat(np.arange(len(sess)), n_par)
        j = np.arange(len(ev)) - np.repeat(np.cumsum(n_par) - n_par, n_par)
        shift = np.where(with_session, 0, 2)[ev]
        slot = j + shift  # 0 session id, 1 session number, 2 page location or value
        key = np.where(slot == 0, "ga_session_id", np.where(slot == 1, "ga_session_number",
                                                             np.where(is_purchase[ev], "value", "page_location")))
        int_value = np.where(slot == 0, session_id[sess][ev], session_number[sess][ev] + 1)
        pages = np.array(["https://shop.example/", "https://shop.example/p/1", "https://shop.example/blog"])
        value = pa.StructArray.from_arrays(
            [_strings(pages[rng.integers(0, 3, len(ev))], mask=key != "page_location"),
             pa.array(int_value, mask=slot >= 2, type=pa.int64()),
             pa.array(np.zeros(len(ev)), mask=np.ones(len(ev), dtype=bool), type=pa.float64()),
             pa.array(revenue[sess][ev], mask=key != "value", type=pa.float64())],
            names=["string_value", "int_value", "float_value", "double_value"])
        params = pa.ListArray.from_arrays(pa.array(np.r_[0, np.cumsum(n_par)], type=pa.int32()),
                                          pa.StructArray.from_arrays([_strings(key), value], names=["key", "value"]))
        ecommerce = pa.StructArray.from_arrays(
            [pa.array(revenue[sess], mask=~is_purchase, type=pa.float64()),
             pa.array(np.char.add("T", (lo * 100 + sess).astype(str)).astype(object), mask=~is_purchase,
                      type=pa.string())],
            names=["purchase_revenue", "transaction_id"], mask=pa.array(~is_purchase))
        days_since = (ts // _DAY_US).astype("datetime64[D]")
        events = pa.table({
            "event_date": _strings(np.char.replace(days_since.astype(str), "-", "")),
            "event_timestamp": pa.array(ts, type=pa.int64()),
            "event_name": _strings(name),
            "event_params": params,
            "user_pseudo_id": _strings(pseudo[user][sess]),
            "collected_traffic_source": cts,
            "ecommerce": ecommerce,
        })
        sessions = None
        if keep_sessions:
            sessions = pd.DataFrame({
                "user_pseudo_id": pseudo[user], "ga_session_id": session_id, "start_us": t0,
                "source": [TRAFFIC[i][0] for i in traffic], "medium": [TRAFFIC[i][1] for i in traffic],
                "channel": [TRAFFIC[i][3] for i in traffic], "purchase": buys, "revenue": revenue})
        yield events, sessions


def _strings(values: np.ndarray, mask: np.ndarray | None = None) -> Any:
    """A pyarrow string array of a NumPy text array (fixed-width NumPy text converts to a chunked array past about
    a million values, which struct and list arrays do not take)."""
    import pyarrow as pa

    return pa.array(values.astype(object), mask=mask, type=pa.string())


def write_ga4_export(out: Path, n_users: int, *, fmt: str = "parquet", **kw: Any) -> GA4Export:
    """Write daily export files of ``n_users`` users into ``out``; return the files and the session table.

    ``fmt`` is ``"parquet"`` or ``"json"`` (newline-delimited, 64-bit integers as strings, as BigQuery writes).
    Other keywords go to :func:`ga4_chunks`.
    """
    import pandas as pd
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    sessions = []
    n_events = 0
    for c, (events, sess) in enumerate(ga4_chunks(n_users, **kw)):
        n_events += events.num_rows
        if sess is not None:
            sessions.append(sess)
        dates = events["event_date"]
        for day in sorted(pc.unique(dates).to_pylist()):
            part = events.filter(pc.equal(dates, day))
            path = out / f"events_{day}-{c:012d}.{'parquet' if fmt == 'parquet' else 'json'}"
            if fmt == "parquet":
                pq.write_table(part, path)
            else:
                _write_bigquery_json(part, path)
            files.append(path)
    table = pd.concat(sessions, ignore_index=True) if sessions else None
    return GA4Export(tuple(files), table, n_events)


def equivalent_touch_table(sessions: Any) -> Any:
    """The touch table (``socialroi attribution TOUCHPOINTS``) that the session table of an export stands for.

    Built with pandas alone (no query engine): a user's sessions in time order, a journey ended by each purchase,
    the sessions after the last purchase an unconverted journey; the journey's revenue on every touch of a
    converted journey. Reading the export with ``--ga4`` must give the same attribution as this table.
    """
    import pandas as pd

    s = sessions.sort_values(["user_pseudo_id", "start_us", "ga_session_id"]).reset_index(drop=True)
    bought = s["purchase"].astype(int)
    s["journey"] = bought.groupby(s["user_pseudo_id"]).cumsum() - bought
    s["journey_id"] = s["user_pseudo_id"] + "#" + s["journey"].astype(str)
    per = s.groupby("journey_id").agg(converted=("purchase", "any"), revenue=("revenue", "sum"))
    s = s.join(per, on="journey_id", rsuffix="_j")
    return pd.DataFrame({"journey_id": s["journey_id"],
                         "timestamp": pd.to_datetime(s["start_us"], unit="us").dt.strftime("%Y-%m-%dT%H:%M:%S.%f"),
                         "channel": s["channel"], "converted": np.where(s["converted"], "yes", "no"),
                         "revenue": np.where(s["converted"], s["revenue_j"], np.nan)})


def write_flat_export(export_dir: Path, out: Path) -> Path:
    """Write the flat layout of the Parquet export in ``export_dir`` (one row per event; ``ga_session_id``, source,
    medium, gclid and purchase revenue as columns, as a warehouse staging model gives them) to the Parquet file
    ``out``; return ``out``. Reading it with ``--ga4`` must give the same attribution as the export."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"""COPY (SELECT user_pseudo_id, event_timestamp, event_name,
        list_filter(event_params, p -> p.key = 'ga_session_id')[1].value.int_value AS ga_session_id,
        collected_traffic_source.manual_source AS source, collected_traffic_source.manual_medium AS medium,
        collected_traffic_source.gclid AS gclid, ecommerce.purchase_revenue AS purchase_revenue
        FROM read_parquet('{export_dir}/*.parquet')) TO '{out}' (FORMAT PARQUET)""")
    con.close()
    return out


def _write_bigquery_json(part: Any, path: Path) -> None:
    """Newline-delimited JSON as BigQuery exports it: INT64 fields are JSON strings."""
    import duckdb

    con = duckdb.connect()
    con.register("part", part)
    con.execute(f"""COPY (SELECT event_date, CAST(event_timestamp AS VARCHAR) AS event_timestamp, event_name,
        list_transform(event_params, p -> {{'key': p.key, 'value': {{'string_value': p.value.string_value,
            'int_value': CAST(p.value.int_value AS VARCHAR), 'float_value': p.value.float_value,
            'double_value': p.value.double_value}}}}) AS event_params,
        user_pseudo_id, collected_traffic_source, ecommerce FROM part) TO '{path}' (FORMAT JSON)""")
    con.close()
