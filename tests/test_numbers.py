import numpy as np
import pyarrow as pa
import pytest

from socialroi.valuation.errors import InputError
from socialroi.valuation.numbers import parse_numbers


def parse(values, **kw):
    return parse_numbers(pa.array(values), file="f.csv", column="CPC", **kw)


@pytest.mark.parametrize(
    "values, expected, currency",
    [
        (["1,234", "12"], [1234, 12], None),
        (["$1.20", "$0.05"], [1.2, 0.05], "USD"),
        (["1.234,50 €", "2,5 €"], [1234.5, 2.5], "EUR"),
        (["1 234,50", "7"], [1234.5, 7], None),
        (["33.33%", "5%"], [0.3333, 0.05], None),
        (["(5.00)", "−2"], [-5, -2], None),
        (["EUR 3.10", "2.00 EUR"], [3.1, 2.0], "EUR"),
        (["۱۲٫۵", "٣"], [12.5, 3], None),
        (["1'234.5", "0"], [1234.5, 0], None),
        (["kr 12,50", "kr 3"], [12.5, 3], "NOK"),
    ],
)
def test_parses_what_exports_contain(values, expected, currency):
    out = parse(values, allow_negative=True)
    assert np.allclose(out.values, expected)
    assert out.currency == currency


def test_numeric_arrow_columns_pass_through():
    out = parse_numbers(pa.array([1, 2, 3]), file="f", column="c")
    assert out.values.dtype == float and not out.had_text


@pytest.mark.parametrize(
    "values, message, row",
    [
        (["1", "abc"], "not a number", 2),
        (["1.2.3", "1"], "not a number", 1),
        (["$1", "$2", "€2"], "mix currencies", 3),
        (["1", None, "2"], "blank cell", 2),
        (["1", "-0.5"], "negative", 2),
        (["12 dollars"], "not a number", 1),
    ],
)
def test_bad_values_name_file_column_and_row(values, message, row):
    with pytest.raises(InputError, match=message) as exc:
        parse(values)
    err = exc.value
    assert (err.file, err.column, err.row) == ("f.csv", "CPC", row)
    assert str(err).startswith(f"f.csv, column 'CPC', row {row}:")
    assert "\n" not in str(err)


def test_blanks_allowed_become_nan():
    out = parse(["1", "", None], allow_blank=True)
    assert out.values[0] == 1 and np.isnan(out.values[1:]).all()


@pytest.mark.parametrize("values, decimal, expected", [
    (["1,234,567", "3"], None, [1234567, 3]),   # US thousands commas in a count
    (["1,234", "3"], None, [1234, 3]),           # one group: 1.234 is no count, so thousands
    (["1.234.567", "3"], None, [1234567, 3]),   # European thousands dots
    (["1.234", "3"], None, [1234, 3]),
    (["1.234", "3"], "comma", [1234, 3]),
])
def test_counts_read_their_only_whole_reading(values, decimal, expected):
    assert parse(values, decimal=decimal, whole=True).values.tolist() == expected


@pytest.mark.parametrize("values, decimal", [(["5,5"], None), (["1.5"], None), (["1,234", "3"], "comma"),
                                             (["1.234", "3"], "dot")])
def test_counts_with_a_fraction_are_refused(values, decimal):
    with pytest.raises(InputError, match="not a whole number"):
        parse(values, decimal=decimal, whole=True)
