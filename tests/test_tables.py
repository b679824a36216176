import pytest
from conftest import write_csv

from socialroi.valuation.errors import InputError
from socialroi.valuation.tables import Role, read_table

ROLES = {"keyword": Role(("Keyword", "Query", "Top queries"), text=True), "clicks": Role(("Clicks", "Traffic"))}


def test_utf16_tab_separated_with_title_lines(tmp_path):
    p = write_csv(tmp_path / "kp.csv", "Keyword Stats 2026\nAll locations\nKeyword\tClicks\nشلوار\t3\n007\t1\n", "utf-16")
    t = read_table(p, ROLES)
    assert t.text("keyword").to_pylist() == ["شلوار", "007"]  # keywords stay text, "007" not 7
    assert list(t.numbers("clicks").values) == [3, 1]
    assert any("title line" in n for n in t.notes)


def test_utf8_bom_semicolon_and_quoted_newline(tmp_path):
    p = write_csv(tmp_path / "a.csv", "\ufeffQuery;Clicks\n\"two\nlines\";\"1,5\"\nx;2\n")
    t = read_table(p, ROLES)
    assert t.columns == {"keyword": "Query", "clicks": "Clicks"}
    assert t.text("keyword").to_pylist() == ["two\nlines", "x"]
    assert list(t.numbers("clicks").values) == [1.5, 2]  # decimal comma


def test_explicit_column_mapping(tmp_path):
    p = write_csv(tmp_path / "a.csv", "Phrase,Organic Clicks\na,1\n")
    t = read_table(p, ROLES, explicit={"keyword": "phrase", "clicks": "Organic  Clicks"})
    assert t.columns == {"keyword": "Phrase", "clicks": "Organic Clicks"}


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("Query,Clicks\n", "no data rows"),
        ("Query,Visits\na,1\n", "no column for clicks"),
        ("Query,Clicks,Query\na,1,b\n", "twice"),
        ("Query,Clicks\na,1\nb,2,3,4\nc,3\n", "cannot be read"),
    ],
)
def test_bad_tables(tmp_path, text, message):
    p = write_csv(tmp_path / "bad.csv", text)
    with pytest.raises(InputError, match=message) as exc:
        read_table(p, ROLES)
    assert str(tmp_path / "bad.csv") in str(exc.value)


def test_bad_row_is_located(tmp_path):
    p = write_csv(tmp_path / "bad.csv", "Query,Clicks\na,1\nb,2,3\n")
    with pytest.raises(InputError) as exc:
        read_table(p, ROLES)
    assert exc.value.row == 2


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_table(tmp_path / "nope.csv", ROLES)
    with pytest.raises(InputError, match="folder"):
        read_table(tmp_path, ROLES)


def test_parquet(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"keyword": ["a"], "clicks": [2]}), tmp_path / "t.parquet")
    t = read_table(tmp_path / "t.parquet", ROLES)
    assert t.numbers("clicks").values.tolist() == [2.0]


def test_excel(tmp_path):
    pytest.importorskip("openpyxl")
    import pandas as pd

    pd.DataFrame({"Keyword": ["a", "b"], "Clicks": [1, 2]}).to_excel(tmp_path / "t.xlsx", index=False)
    t = read_table(tmp_path / "t.xlsx", ROLES)
    assert t.numbers("clicks").values.tolist() == [1.0, 2.0]


def test_a_table_too_large_for_the_memory_is_refused_before_reading(tmp_path, monkeypatch):
    """Past the memory limit Arrow aborts the process; the size is checked first (limit simulated here)."""
    from socialroi.valuation import tables
    from socialroi.valuation.errors import InputError

    path = tmp_path / "big.csv"
    path.write_text("Query,Clicks\n" + "boots,1\n" * 1000)
    monkeypatch.setattr(tables, "_memory_limit", lambda: tables._BASELINE + 100.0)
    with pytest.raises(InputError, match="needs about .* GiB of memory"):
        tables.read_table(path, {"keyword": tables.Role(("Query",)), "clicks": tables.Role(("Clicks",))})
