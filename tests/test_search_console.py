"""Search Console bulk exports summed in the query engine: the same valuation as the equivalent keyword table.

The truth is the generator's own (``socialroi.datasets.search_console``): web clicks per named query and
country, anonymised clicks and other search types' clicks, computed with NumPy from the rows it wrote.
"""

import json

import numpy as np
import pandas as pd
import pytest

from socialroi.datasets.search_console import write_bulk_export
from socialroi.valuation.errors import InputError
from socialroi.valuation.search_console import read_search_console, traffic_input
from socialroi.valuation.traffic import TrafficOptions, value_traffic


@pytest.fixture(scope="module")
def bulk(tmp_path_factory):
    return write_bulk_export(tmp_path_factory.mktemp("gsc") / "export", queries=300, days=10, rows_per_day=1500,
                             seed=4)


@pytest.fixture(scope="module")
def cpc_csv(bulk, tmp_path_factory):
    """CPCs for four of five queries (the rest unmatched), in another case and spacing than the export."""
    queries = sorted(set(bulk.clicks_by_query["query"]))
    rng = np.random.default_rng(1)
    rows = [(f"  {q.upper()} ", round(float(rng.uniform(0.2, 3.0)), 2)) for i, q in enumerate(queries) if i % 5]
    path = tmp_path_factory.mktemp("cpc") / "cpc.csv"
    pd.DataFrame(rows, columns=["Keyword", "CPC"]).to_csv(path, index=False)
    return path


def test_clicks_per_query_are_the_web_clicks_of_named_queries(bulk):
    rows, reading = read_search_console(bulk.files[0].parent)
    got = rows.to_pandas().sort_values(["query", "country"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, bulk.clicks_by_query, check_dtype=False)
    d = reading.diagnostics
    assert d["clicks_anonymised"] == bulk.clicks_anonymised > 0
    assert d["clicks_other_search_types"] == bulk.clicks_other_types > 0
    assert d["rows"] == bulk.rows and d["queries"] == len(bulk.clicks_by_query)
    assert (d["first_date"], d["last_date"], d["days"]) == (bulk.first_date, bulk.last_date, 10)
    assert "anonymised queries" in reading.notes[0] and "other search types" in reading.notes[1]


def test_valuation_equals_the_same_clicks_as_a_keyword_table(bulk, cpc_csv, tmp_path):
    opts = TrafficOptions()
    table, columns, source = traffic_input(None, bulk.files[0].parent)
    ours = value_traffic(table, cpc_csv, opts, traffic_columns=columns, source=source, seed=2)
    flat = tmp_path / "keywords.csv"
    bulk.clicks_by_query.rename(columns={"query": "Query", "clicks": "Clicks", "country": "Country"}).to_csv(flat,
                                                                                                             index=False)
    theirs = value_traffic(flat, cpc_csv, opts, seed=2)
    assert ours.estimate.point == pytest.approx(theirs.estimate.point, rel=1e-12)
    assert ours.diagnostics["clicks_total"] == theirs.diagnostics["clicks_total"] == bulk.clicks_by_query["clicks"].sum()
    assert ours.diagnostics["source"]["clicks_anonymised"] == bulk.clicks_anonymised
    assert any("anonymised queries" in w for w in ours.estimate.warnings)
    assert f"{bulk.first_date} to {bulk.last_date} (10 days)" in ours.estimate.method


def test_json_files_with_integers_as_text_read_the_same(bulk, tmp_path):
    """BigQuery writes INT64 as JSON strings."""
    import duckdb

    out = tmp_path / "json"
    out.mkdir()
    con = duckdb.connect()
    for f in bulk.files[:3]:
        con.execute(f"COPY (SELECT * REPLACE (CAST(clicks AS VARCHAR) AS clicks) FROM '{f}') TO "
                    f"'{out / (f.stem + '.json')}' (FORMAT JSON)")
    rows, _ = read_search_console(out)
    parquet, _ = read_search_console(f"{bulk.files[0].parent}/searchdata_site_impression_2026090[123].parquet")
    assert rows.to_pandas().equals(parquet.to_pandas())


def test_cli_values_a_bulk_export_and_warns_in_its_output(bulk, cpc_csv, run_cli):
    code, out, err = run_cli("traffic", "--search-console", bulk.files[0].parent, cpc_csv, "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    (estimate,) = doc["estimates"]
    assert estimate["diagnostics"]["source"]["kind"] == "search_console_bulk"
    assert any("anonymised queries" in w for w in estimate["warnings"])
    code, out, err = run_cli("traffic", "--search-console", bulk.files[0].parent, cpc_csv)
    assert code == 0 and "anonymised queries" in out


@pytest.mark.parametrize("args, message", [
    (["--search-console", "EXPORT"], "give one table, the CPC table"),
    (["--search-console", "EXPORT", "CPC", "CPC"], "give one table, the CPC table"),
    (["--search-console", "EXPORT", "CPC", "--clicks-col", "Clicks"], "fixed ones (query, clicks)"),
    (["CPC", "--search-console-table", "t"], "--search-console-table goes with --search-console"),
    ([], "give the keyword traffic export (KEYWORDS) or a Search Console bulk export"),
])
def test_cli_refuses_unclear_arguments_in_one_line(bulk, cpc_csv, run_cli, args, message):
    args = [str(bulk.files[0].parent) if a == "EXPORT" else cpc_csv if a == "CPC" else a for a in args]
    code, _, err = run_cli("traffic", *args)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_an_export_without_query_or_clicks_is_named(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"data_date": ["2026-01-01"], "Top queries": ["x"], "clicks": [1]}), tmp_path / "x.parquet")
    with pytest.raises(InputError, match="needs the column\\(s\\) query"):
        read_search_console(tmp_path / "x.parquet")


def test_project_reads_search_console_and_refuses_it_without_cpc(bulk, cpc_csv, tmp_path):
    from socialroi.valuation.project import load_project
    from socialroi.valuation.run import run_project

    base = ('[project]\nname = "gsc"\ncurrency = "EUR"\n\n[costs]\nledger = "costs.csv"\n\n[traffic]\n'
            f'search_console = "{bulk.files[0].parent.as_posix()}"\n')
    (tmp_path / "costs.csv").write_text("category,item,amount,currency\nagency,SEO retainer,1000,EUR\n")
    (tmp_path / "p.toml").write_text(base + f'cpc = "{cpc_csv.as_posix()}"\n')
    run = run_project(tmp_path / "p.toml")
    comp = next(c for c in run.roi.components if c.component == "traffic")
    assert comp.diagnostics["source"]["clicks_anonymised"] == bulk.clicks_anonymised
    (tmp_path / "q.toml").write_text(base)
    with pytest.raises(InputError, match="search_console has no CPC column"):
        load_project(tmp_path / "q.toml")


@pytest.fixture(scope="module")
def bulk_on_postgres(pg_server, bulk):
    """The bulk export as one table, searchdata_site_impression, on a real PostgreSQL server."""
    import ibis
    import pyarrow as pa
    import pyarrow.parquet as pq

    con = ibis.postgres.connect(host=pg_server.host, port=pg_server.port, user=pg_server.user,
                                database=pg_server.database)
    table = pa.concat_tables([pq.read_table(f) for f in bulk.files])
    con.create_table("searchdata_site_impression", table, overwrite=True)
    con.disconnect()
    return pg_server


def test_postgres_gives_the_same_clicks_as_duckdb(bulk_on_postgres, bulk):
    pg_server = bulk_on_postgres
    on_pg, pg_reading = read_search_console(pg_server.url, "searchdata_site_impression")
    on_duck, duck_reading = read_search_console(bulk.files[0].parent)
    assert pg_reading.diagnostics["engine"] == "postgres"
    assert on_pg.to_pandas().equals(on_duck.to_pandas())
    assert {k: v for k, v in pg_reading.diagnostics.items() if k != "engine"} == \
        {k: v for k, v in duck_reading.diagnostics.items() if k != "engine"}


def test_cli_reads_a_bulk_export_table_at_a_url(bulk_on_postgres, bulk, cpc_csv, run_cli):
    """--search-console URL --search-console-table NAME, as a user with the export in a warehouse gives them."""
    pg_server = bulk_on_postgres
    code, out, err = run_cli("traffic", "--search-console", pg_server.url, "--search-console-table",
                             "searchdata_site_impression", cpc_csv, "-f", "json")
    assert code == 0, err
    (estimate,) = json.loads(out)["estimates"]
    assert estimate["diagnostics"]["source"]["engine"] == "postgres"
    code, out_duck, _ = run_cli("traffic", "--search-console", bulk.files[0].parent, cpc_csv, "-f", "json")
    assert json.loads(out_duck)["estimates"][0]["point"] == estimate["point"]
    code, _, err = run_cli("traffic", "--search-console", pg_server.url, "--search-console-table", "nope", cpc_csv)
    assert code == 2 and "--search-console-table nope: not found" in err and "Traceback" not in err


@pytest.mark.parametrize("dialect", ["bigquery", "snowflake", "postgres"])
def test_the_bulk_queries_compile_for_each_warehouse(dialect):
    import ibis

    from socialroi.valuation.search_console import bulk_queries

    t = ibis.table({"data_date": "date", "query": "string", "is_anonymized_query": "boolean", "country": "string",
                    "search_type": "string", "clicks": "int64"}, name="searchdata_site_impression")
    for expr in bulk_queries(t):
        assert "searchdata_site_impression" in ibis.to_sql(expr, dialect=dialect)
