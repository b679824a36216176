"""The same GA4 queries on a real PostgreSQL server as on the embedded DuckDB, and compiled for BigQuery and
Snowflake (no account needed: the generated SQL must parse in that dialect)."""

import numpy as np
import pytest

from socialroi.datasets.ga4 import write_ga4_export
from socialroi.valuation.attribution import AttributionOptions, attribute_ga4
from socialroi.valuation.ga4 import DEFAULT_CHANNEL_RULES, GA4Options, events, paths, sessions

OPTS = AttributionOptions(social_channels=("organic social",), bootstrap=50)


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    return write_ga4_export(tmp_path_factory.mktemp("ga4") / "parquet", 1500, seed=11, days=10)


@pytest.fixture(scope="module")
def flat(export, tmp_path_factory):
    """The export in the flat layout (Postgres has no arrays of structs), made by DuckDB."""
    import duckdb

    return duckdb.sql(f"""SELECT user_pseudo_id, event_timestamp, event_name,
        list_filter(event_params, p -> p.key = 'ga_session_id')[1].value.int_value AS ga_session_id,
        collected_traffic_source.manual_source AS source, collected_traffic_source.manual_medium AS medium,
        collected_traffic_source.gclid AS gclid, ecommerce.purchase_revenue AS purchase_revenue
        FROM read_parquet('{export.files[0].parent}/*.parquet')""").to_arrow_table()


@pytest.fixture(scope="module")
def server(pg_server):
    return pg_server


def test_postgres_gives_the_same_attribution_as_duckdb(server, export, flat):
    import ibis

    con = ibis.postgres.connect(host=server.host, port=server.port, user=server.user, database=server.database)
    half = flat.num_rows // 2  # two daily tables, read together as events_*
    con.create_table("events_20250301", flat.slice(0, half), overwrite=True)
    con.create_table("events_20250302", flat.slice(half), overwrite=True)
    con.disconnect()
    on_pg = attribute_ga4(server.url, OPTS, GA4Options(table="events_*"), seed=4)
    on_duck = attribute_ga4(export.files[0].parent, OPTS, seed=4)
    assert on_pg.diagnostics["engine"] == "postgres"
    a, b = on_pg.table.set_index("channel"), on_duck.table.set_index("channel")
    for col in a.columns.drop("social"):
        np.testing.assert_allclose(a[col].to_numpy(float), b[col].to_numpy(float), rtol=1e-9, err_msg=col)
    # the same rows in the same order: the bootstrap gives the same interval on both engines
    assert on_pg.estimate.interval == pytest.approx(on_duck.estimate.interval, rel=1e-12)


def test_the_cli_reads_a_postgres_table(server, export, flat, run_cli):
    import ibis

    con = ibis.postgres.connect(host=server.host, port=server.port, user=server.user, database=server.database)
    con.create_table("ga4_flat", flat, overwrite=True)
    con.disconnect()
    code, out, err = run_cli("attribution", "--ga4", server.url, "--ga4-table", "ga4_flat", "--social",
                             "Organic Social", "--bootstrap", "0")
    assert code == 0, err
    assert "sent from postgres" in out
    code, out, err = run_cli("attribution", "--ga4", server.url, "--ga4-table", "no_such_table", "--social", "x")
    assert code == 2 and "--ga4-table no_such_table: not found" in err and "Traceback" not in err


@pytest.mark.parametrize("dialect", ["bigquery", "snowflake", "postgres", "duckdb"])
def test_the_path_query_compiles_for_each_warehouse(dialect, export):
    """The whole query (unnesting event_params, windows, ordered array aggregation) for an unbound table with
    the export's schema, parsed back by sqlglot in that dialect."""
    import ibis
    import pyarrow.parquet as pq
    import sqlglot

    schema = ibis.Schema.from_pyarrow(pq.read_schema(export.files[0]))
    t = ibis.table(schema, name="events_20250301")
    if dialect == "postgres":  # no nested types there: the flat layout
        t = ibis.table({"user_pseudo_id": "string", "event_timestamp": "int64", "event_name": "string",
                        "ga_session_id": "int64", "source": "string", "medium": "string"}, name="events")
    expr = paths(sessions(events(t, name="t"), DEFAULT_CHANNEL_RULES, ("purchase",)))
    sql = ibis.to_sql(expr, dialect=dialect)
    parsed = sqlglot.parse_one(sql, read=dialect)
    assert parsed is not None and "ROW_NUMBER" in sql.upper()
    if dialect in ("bigquery", "snowflake"):
        assert "ga_session_id" in sql
