"""Parse the numbers real exports contain: ``"1,234"``, ``"$1.20"``, ``"33.33%"``.

A column is parsed as a whole, because its style decides the separators: when
any value has both ``,`` and ``.``, the later one is the decimal mark; when
commas appear only as ``d,ddd`` groups they are thousands separators;
otherwise a comma is a decimal comma. Spaces, no-break spaces and
apostrophes inside a number are thousands separators. A currency symbol or
ISO code before or after the number is recorded and removed; a column that
mixes currencies is an error. ``(1.20)`` and a leading minus sign (also
U+2212) are negative; a trailing ``%`` divides by 100. Arabic-Indic digits
are read as digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from socialroi.valuation.errors import InputError

CURRENCY_SYMBOLS = {
    "$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₽": "RUB", "₺": "TRY",
    "₪": "ILS", "₩": "KRW", "zł": "PLN", "kr": "NOK", "kr.": "DKK", "Kč": "CZK", "R$": "BRL", "A$": "AUD",
    "C$": "CAD", "CHF": "CHF", "Ls": "LVL", "Ls.": "LVL", "﷼": "IRR", "ر.س": "SAR", "د.إ": "AED", "ریال": "IRR", "تومان": "IRT",
}
_DIGITS = str.maketrans({**{chr(0x0660 + i): str(i) for i in range(10)},
                         **{chr(0x06F0 + i): str(i) for i in range(10)},
                         "\u066b": ".", "\u066c": ",", "\u2212": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " "})
_SYMBOL_ALT = "|".join(re.escape(s) for s in sorted(CURRENCY_SYMBOLS, key=len, reverse=True))
_AFFIX = re.compile(
    rf"^\s*(?P<pre>{_SYMBOL_ALT}|[A-Z]{{3}})?\s*(?P<num>[-+]?\(?[-+]?[0-9][0-9 ,.']*\)?)\s*(?P<pct>%)?\s*"
    rf"(?P<post>{_SYMBOL_ALT}|[A-Z]{{3}})?\s*$"
)
COMMA_GROUPS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")


@dataclass(frozen=True)
class ParsedColumn:
    """Numbers parsed from one column.

    Attributes
    ----------
    values : numpy.ndarray
        float64 values; NaN where the cell was blank.
    currency : str or None
        ISO code of the currency symbol the values carried, if any.
    had_text : bool
        True when the column held text (symbols, separators) rather than
        plain numbers.
    """

    values: np.ndarray
    currency: str | None
    had_text: bool


DOT_GROUPS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d*)?$")


def _decimal_style(texts: list[str], decimal: str | None = None) -> str:
    """Return ``"dot"`` or ``"comma"``: which mark is the decimal one in this column.

    The column's own values decide when they can (a value with both marks,
    or commas that are not thousands groups); otherwise the file's mark
    ``decimal`` does, provided the column's dotted values are all thousands
    groups under it (``1.234``, not ``8.3``).
    """
    last_marks = set()
    for t in texts:
        if "," in t and "." in t:
            last_marks.add("." if t.rfind(".") > t.rfind(",") else ",")
    if last_marks == {","}:
        return "comma"
    if last_marks:
        return "dot"
    bare = [t.lstrip("+-(").rstrip(")") for t in texts]
    with_comma = [t for t in bare if "," in t]
    if with_comma and not all(COMMA_GROUPS.match(t) for t in with_comma):
        return "comma"
    if with_comma and decimal == "comma" and not any("." in t for t in bare):
        return "comma"  # 1,250 in a decimal-comma file is one and a quarter (a spreadsheet's three decimals)
    if decimal == "comma" and not with_comma and all(DOT_GROUPS.match(t) for t in bare if "." in t):
        return "comma"
    return "dot"


def column_style(uniques: list[str], *, decimal: str | None = None, whole: bool = False,
                 split: dict | None = None) -> str:
    """``"dot"`` or ``"comma"``: the decimal mark of a column whose distinct (trimmed, non-blank) cells are
    ``uniques``, in a file whose mark is ``decimal``; ``whole`` for a count column (see :func:`parse_numbers`)."""
    split = split if split is not None else {u: _split_text(u) for u in uniques}
    texts = [s[0] for s in split.values() if s is not None]
    if whole and decimal is None and not any("," in t for t in texts):
        decimal = "comma"  # a count's dotted values can only be thousands groups (checked by parse_numbers)
    return _decimal_style(texts, decimal)


def cell_values(uniques: list[str], style: str) -> np.ndarray:
    """The number each distinct (trimmed, non-blank) cell stands for under ``style`` (a trailing % divides by 100);
    NaN where a cell is not a number. :func:`parse_numbers` is the checked reading of a whole column; this is its
    arithmetic, for a caller that reads a column in pieces and checks the distinct cells with it afterwards."""
    out = np.full(len(uniques), np.nan)
    for i, u in enumerate(uniques):
        s = _split_text(u)
        v = _to_float(s[0], style) if s is not None else None
        if s is not None and v is not None:
            out[i] = v * (0.01 if s[2] else 1.0)
    return out


def strip_affixes(text: str) -> str:
    """The number part of a cell (currency and percent signs, spaces removed); "" when it is not a number."""
    split = _split_text(text.strip()) if text and text.strip() else None
    return split[0] if split else ""


def _split_text(text: str) -> tuple[str, str | None, bool] | None:
    """Return (number text, currency code, is percent) or None if unparseable."""
    m = _AFFIX.match(text.translate(_DIGITS))
    if not m:
        return None
    pre, post = m.group("pre"), m.group("post")
    if pre and post:
        return None
    code = pre or post
    currency = CURRENCY_SYMBOLS.get(code, code) if code else None
    return m.group("num").replace(" ", "").replace("'", ""), currency, bool(m.group("pct"))


def _to_float(num: str, style: str) -> float | None:
    negative = num.startswith("(") and num.endswith(")")
    num = num.strip("()")
    if style == "comma":
        num = num.replace(".", "").replace(",", ".")
    else:
        num = num.replace(",", "")
    if num.count(".") > 1:
        return None
    try:
        value = float(num)
    except ValueError:
        return None
    return -value if negative else value


def parse_numbers(
    values,
    *,
    file: str,
    column: str,
    allow_blank: bool = False,
    allow_negative: bool = False,
    row_offset: int = 1,
    decimal: str | None = None,
    whole: bool = False,
) -> ParsedColumn:
    """Parse an Arrow or NumPy column into float64.

    Parameters
    ----------
    values : pyarrow.Array, pyarrow.ChunkedArray or array-like
        The column as read.
    file, column : str
        Where the values come from (for error messages).
    allow_blank : bool
        Blank cells become NaN instead of an error.
    allow_negative : bool
        Negative values are accepted instead of an error.
    row_offset : int
        Data-row number of the first value (1 for a whole column).
    decimal : {"comma", "dot"}, optional
        The file's decimal mark (from every column of the file), used when
        this column's values do not show it: in a decimal-comma file
        ``1.234`` is one thousand two hundred and thirty-four.
    whole : bool
        The column counts things (clicks, impressions, tickets): a value
        that is not a whole number is an error naming its row, except that
        values that are all dot thousands groups (``1.234``, ``12.500``) in a
        file with no decimal dot are read as thousands (a count cannot be
        fractional).

    Raises
    ------
    InputError
        For an unparseable value, mixed currencies, a blank cell when blanks
        are not allowed, or a negative value when negatives are not allowed.
        The message names the file, the column and the first bad row.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = pa.array(values, from_pandas=True)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    had_text = False
    currency = None
    if pa.types.is_null(values.type):
        out = np.full(len(values), np.nan)
    elif pa.types.is_integer(values.type) or pa.types.is_floating(values.type) or pa.types.is_decimal(values.type):
        out = pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)
    elif pa.types.is_boolean(values.type):
        raise InputError("expected numbers, found true/false values", file=file, column=column)
    else:
        had_text = True
        if not pa.types.is_string(values.type):
            values = pc.cast(values, pa.string())
        trimmed = pc.utf8_trim_whitespace(values)
        blank = pc.fill_null(pc.equal(trimmed, ""), True)
        trimmed = pc.if_else(blank, pa.scalar(None, pa.string()), trimmed)
        uniques = pc.unique(trimmed.drop_null()).to_pylist()
        split = {u: _split_text(u) for u in uniques}
        bad = [u for u, s in split.items() if s is None]
        style = column_style(uniques, decimal=decimal, whole=whole, split=split)
        parsed = {u: (_to_float(s[0], style) if s else None) for u, s in split.items()}
        bad += [u for u, v in parsed.items() if v is None and u not in bad]
        if bad:
            first = _first_row(trimmed, bad) + row_offset
            value = trimmed[first - row_offset].as_py()
            raise InputError(
                f"value {value!r} is not a number; write plain numbers (a currency symbol, thousands "
                "separators and a trailing % are understood) or remove the row",
                file=file, column=column, row=first,
            )
        currencies = {s[1] for s in split.values() if s and s[1]}
        if len(currencies) > 1:
            first_cur = next(s[1] for s in split.values() if s and s[1])  # uniques keep file order
            others = [u for u, s in split.items() if s and s[1] and s[1] != first_cur]
            row = _first_row(trimmed, others) + row_offset
            raise InputError(
                f"values mix currencies ({', '.join(sorted(currencies))}); convert them to one currency "
                "or split the file by currency",
                file=file, column=column, row=row,
            )
        currency = currencies.pop() if currencies else None
        keys = pa.array(uniques, pa.string())
        nums = cell_values(uniques, style)  # every cell parsed (the bad ones were refused above)
        idx = pc.fill_null(pc.index_in(trimmed, value_set=keys), -1).to_numpy(zero_copy_only=False)
        out = np.full(len(trimmed), np.nan)
        ok = idx >= 0
        out[ok] = nums[idx[ok]]
    out = np.array(out, dtype=float)  # a writable copy (Arrow buffers are read-only)
    if not allow_blank and np.isnan(out).any():
        row = int(np.flatnonzero(np.isnan(out))[0]) + row_offset
        raise InputError("blank cell where a number is required; fill it in or remove the row",
                         file=file, column=column, row=row)
    if np.isinf(out).any():
        row = int(np.flatnonzero(np.isinf(out))[0]) + row_offset
        raise InputError("infinite value; write a finite number", file=file, column=column, row=row)
    if whole:
        frac = np.flatnonzero(~np.isnan(out) & (out != np.round(out)))
        if frac.size:
            row = int(frac[0]) + row_offset
            raise InputError(f"count {out[frac[0]]:g} is not a whole number; counts (clicks, impressions, tickets) "
                             "are whole: remove the fraction, or check the export's decimal and thousands marks",
                             file=file, column=column, row=row)
    if not allow_negative:
        neg = np.flatnonzero(out < 0)
        if neg.size:
            row = int(neg[0]) + row_offset
            raise InputError(f"negative value {out[neg[0]]:g}; this column cannot be negative",
                             file=file, column=column, row=row)
    return ParsedColumn(out, currency, had_text)


def _first_row(values, bad: list[str]) -> int:
    """0-based index of the first element of ``values`` that is in ``bad``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    hit = pc.fill_null(pc.is_in(values, value_set=pa.array(bad, pa.string())), False)
    return int(np.flatnonzero(hit.to_numpy(zero_copy_only=False))[0])
