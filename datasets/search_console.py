"""Search Console bulk exports (``searchdata_site_impression``) with a known answer, for tests and benchmarks.

The table has the bulk export's columns (``data_date``, ``site_url``,
``query``, ``is_anonymized_query``, ``country`` as ISO 3166-1 alpha-3 in lower
case, ``search_type``, ``device``, ``impressions``, ``clicks``,
``sum_top_position``), one row per day, query, country, device and search
type, written as daily Parquet files. Untidiness as the real export has it:
anonymised rows (``is_anonymized_query`` true and an empty query) and
image, video and Discover rows beside the web rows.

What the generator knows, and returns beside the files: the web clicks of
each named query (and country), the anonymised web clicks and the clicks of
other search types, computed with NumPy from the rows it wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SEARCH_TYPES = np.array(["WEB", "WEB", "WEB", "WEB", "IMAGE", "VIDEO", "DISCOVER"])
COUNTRIES = np.array(["nor", "lva", "usa"])
DEVICES = np.array(["DESKTOP", "MOBILE", "TABLET"])


@dataclass(frozen=True)
class BulkExport:
    """Files written by :func:`write_bulk_export` and what reading them must give."""

    files: tuple[Path, ...]
    clicks_by_query: Any  # pandas.DataFrame: query, country, clicks (web, named queries)
    clicks_anonymised: int
    clicks_other_types: int
    rows: int
    first_date: str
    last_date: str


def write_bulk_export(out: Path, *, queries: int = 500, days: int = 14, rows_per_day: int = 2000, seed: int = 0,
                      start: str = "2026-09-01") -> BulkExport:
    """Write ``days`` daily Parquet files of a bulk export over ``queries`` distinct queries into ``out``."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    vocabulary = np.array([f"{a} {b}" for a, b in zip(rng.choice(["buy", "best", "cheap", "how to", "review",
                                                                  "pris", "labākais", "أفضل", "بهترین"], queries),
                                                       (f"item {i}" for i in range(queries)))], dtype=object)
    popularity = 1.0 / rng.permutation(np.arange(1, queries + 1)) ** 1.1  # Zipf's law over query ranks
    popularity /= popularity.sum()
    frames = []
    files = []
    first = np.datetime64(start)
    for d in range(days):
        n = rows_per_day
        q = rng.choice(queries, n, p=popularity)
        anonymised = rng.random(n) < 0.08
        query = np.where(anonymised, "", vocabulary[q])
        clicks = rng.poisson(3.0, n) * (rng.random(n) < 0.7)
        frame = pd.DataFrame({
            "data_date": pd.Series([str(first + d)] * n).astype("datetime64[s]").dt.date,
            "site_url": "sc-domain:shop.example", "query": query, "is_anonymized_query": anonymised,
            "country": COUNTRIES[rng.integers(0, len(COUNTRIES), n)],
            "search_type": SEARCH_TYPES[rng.integers(0, len(SEARCH_TYPES), n)],
            "device": DEVICES[rng.integers(0, len(DEVICES), n)],
            "impressions": clicks * rng.integers(2, 40, n) + rng.integers(1, 20, n),
            "clicks": clicks.astype(np.int64), "sum_top_position": rng.uniform(1, 50, n)})
        path = out / f"searchdata_site_impression_{str(first + d).replace('-', '')}.parquet"
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
        files.append(path)
        frames.append(frame)
    rows = pd.concat(frames, ignore_index=True)
    web = rows["search_type"] == "WEB"
    named = web & ~rows["is_anonymized_query"]
    by_query = rows[named].groupby(["query", "country"])["clicks"].sum().reset_index()
    by_query = by_query.sort_values(["query", "country"]).reset_index(drop=True)
    return BulkExport(tuple(files), by_query, int(rows.loc[web & rows["is_anonymized_query"], "clicks"].sum()),
                      int(rows.loc[~web, "clicks"].sum()), len(rows), str(first), str(first + days - 1))
