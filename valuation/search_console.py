"""Search Console's bulk export (``searchdata_site_impression``), aggregated in the query engine before the CPC join.

The bulk export has one row per day, query, country, device and search type,
so a site's year is tens of millions of rows; pandas would hold them all.
Here the engine (embedded DuckDB over the export's Parquet or JSON files, or
the user's warehouse through a connection URL) keeps the web-search rows,
leaves out the anonymised queries (counted), and sums clicks per query (and
country); only the distinct queries reach Python, where the traffic
valuation normalises and prices them as it does any keyword table.

Rules (each reported):

* only ``search_type = 'WEB'`` rows count when the column is there: paid-search
  prices are for web search, not image, video, news or Discover clicks;
* rows with ``is_anonymized_query`` true, or no query, are anonymised queries
  (Search Console withholds rare queries): their clicks cannot be priced by
  keyword and are left out, with their share warned about;
* the clicks cover the export's dates (first to last ``data_date``), which the
  method sentence states: the traffic period is the export's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialroi.models.text import Count, Share, Text
from socialroi.valuation.errors import InputError

REQUIRED = ("query", "clicks")


@dataclass(frozen=True)
class SourceReading:
    """What reading a traffic source found, for the valuation's method, warnings and diagnostics.

    Attributes
    ----------
    method : Text
        A phrase appended to the method sentence (starts with ``"; "``).
    notes : tuple of Text
        Warnings about the source.
    diagnostics : dict
        Figures about the source, kept under the diagnostics key ``"source"``.
    """

    method: Text
    notes: tuple[Text, ...] = ()
    diagnostics: dict[str, Any] = field(default_factory=dict)


def read_search_console(source: str | Path, table: str | None = None, *, flag: str = "--search-console",
                        table_flag: str = "--search-console-table", con: Any = None) -> tuple[Any, SourceReading]:
    """Clicks per query (and country) of a Search Console bulk export, summed in the query engine.

    Parameters
    ----------
    source : str or Path
        File, folder or glob of the export's Parquet or newline-delimited JSON files, or a connection URL.
    table : str, optional
        Table name at the URL (``searchdata_site_impression``).
    flag, table_flag : str
        How the user named the source and the table, for messages.

    Returns
    -------
    (pyarrow.Table, SourceReading)
        The table has columns ``query``, ``clicks`` and, when the export has one, ``country``; one row per
        distinct query (and country), clicks summed over the export's web-search rows.
    """
    from socialroi.valuation.warehouse import engine_error, open_source

    src = open_source(source, table, flag=flag, table_flag=table_flag, con=con)
    cols = set(src.table.columns)
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise InputError(f"{flag} {src.name}: a Search Console bulk export (searchdata_site_impression) needs the "
                         f"column(s) {', '.join(missing)}; found: {', '.join(sorted(cols)[:12])}")
    dated = "data_date" in cols
    facts_expr, per_query = bulk_queries(src.table)
    try:
        facts = facts_expr.to_pyarrow().to_pylist()[0]
        rows = per_query.to_pyarrow()
    except Exception as exc:  # a broken file, a type the export should not have, the memory limit: one line
        raise engine_error(exc, flag, src.name, "a Search Console bulk export") from None
    if facts["negative"]:
        raise InputError(f"{flag} {src.name}: {facts['negative']:,} row(s) have negative clicks; clicks are counts")
    if rows.num_rows == 0:
        raise InputError(f"{flag} {src.name}: no web-search row with a named query ({facts['rows']:,} rows, "
                         f"{facts['clicks_anonymised'] or 0:,} clicks on anonymised queries)")
    web_clicks = int(facts["clicks_web"] or 0)
    anon = int(facts["clicks_anonymised"] or 0)
    other = int(facts["clicks_all"] or 0) - web_clicks
    notes = []
    if anon > 0:
        notes.append(Text("{clicks} clicks ({share} of web-search clicks) are on anonymised queries, which Search "
                          "Console does not name; they cannot be priced by keyword and are left out",
                          clicks=Count(anon), share=Share(anon / web_clicks if web_clicks else 0.0)))
    if other > 0:
        notes.append(Text("{clicks} clicks from other search types (image, video, news, Discover) are left out: "
                          "paid-search prices are for web search", clicks=Count(other)))
    if dated and facts["first"] is not None:
        method = Text("; clicks from a Search Console bulk export, {first} to {last} ({days} days)",
                      first=str(facts["first"]), last=str(facts["last"]), days=Count(facts["days"]))
    else:
        method = Text("; clicks from a Search Console bulk export (no data_date column: the period is the "
                      "export's own)")
    diagnostics = {"kind": "search_console_bulk", "engine": src.backend, "rows": int(facts["rows"]),
                   "queries": int(rows.num_rows), "clicks_web": web_clicks, "clicks_anonymised": anon,
                   "clicks_other_search_types": other,
                   "first_date": None if facts["first"] is None else str(facts["first"]),
                   "last_date": None if facts["last"] is None else str(facts["last"]),
                   "days": None if facts["days"] is None else int(facts["days"])}
    return rows, SourceReading(method, tuple(notes), diagnostics)


def bulk_queries(t: Any) -> tuple[Any, Any]:
    """The two queries over a bulk export table ``t`` (an Ibis table with at least ``query`` and ``clicks``):
    one row of facts (rows, clicks of all search types, of web search, of anonymised web queries, negative
    clicks, first and last date, days), and clicks per named web query (and country), ordered."""
    import ibis

    cols = set(t.columns)
    clicks = t.clicks.cast("int64")  # BigQuery's JSON export writes INT64 as text
    web = (t.search_type.cast("string").upper() == "WEB") if "search_type" in cols else ibis.literal(True)
    anonymised = t.query.isnull() | (t.query.cast("string").strip() == "")
    if "is_anonymized_query" in cols:
        anonymised = anonymised | t.is_anonymized_query.cast("boolean").fill_null(False)
    dated = "data_date" in cols
    facts = t.aggregate(
        rows=t.count(), clicks_all=clicks.sum(), clicks_web=clicks.sum(where=web),
        clicks_anonymised=clicks.sum(where=web & anonymised), negative=(clicks < 0).sum(),
        first=t.data_date.cast("date").min() if dated else ibis.null("date"),
        last=t.data_date.cast("date").max() if dated else ibis.null("date"),
        days=t.data_date.nunique() if dated else ibis.null("int64"))
    kept = t.filter(web & ~anonymised)
    keys = [kept.query.cast("string").name("query")]
    if "country" in cols:
        keys.append(kept.country.cast("string").name("country"))
    per_query = kept.group_by(keys).aggregate(clicks=kept.clicks.cast("int64").sum()).order_by(keys)
    return facts, per_query


def traffic_input(keywords: Any, search_console: str | Path | None, table: str | None = None, *,
                  columns: Any = None, flag: str = "--search-console",
                  table_flag: str = "--search-console-table") -> tuple[Any, Any, SourceReading | None]:
    """The ``traffic``, ``traffic_columns`` and ``source`` arguments of
    :func:`~socialroi.valuation.traffic.value_traffic`: a keyword table as it is, or a Search Console bulk
    export read and summed in the query engine (:func:`read_search_console`)."""
    if search_console is None:
        return keywords, columns, None
    rows, reading = read_search_console(search_console, table, flag=flag, table_flag=table_flag)
    roles = {"keyword": "query", "clicks": "clicks"}
    if "country" in rows.column_names:
        roles["country"] = "country"
    return rows, roles, reading
