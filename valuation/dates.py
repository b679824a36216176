"""Dates and times as exports write them, parsed one way everywhere.

Accepted, decided per column from all its values:

- ISO 8601 dates and timestamps, with ``T`` or a space, fractional seconds
  (``2026-09-11T07:07:11.492585``, what analytics exports write) and UTC
  offsets or ``Z`` (``2026-09-11T07:07:11+02:00``); offsets are converted
  to UTC and dropped, so every time in socialroi is naive UTC;
- ``YYYY/MM/DD`` and ``YYYYMMDD`` (GA4's ``event_date``);
- ``DD.MM.YYYY`` (Norwegian, Latvian and German spreadsheets);
- ``DD/MM/YYYY`` or ``MM/DD/YYYY``: which one is decided from the whole
  column (a first number above 12 means day first, a second number above 12
  month first); a column where both readings are possible is refused, and
  so is one where neither is;
- each of the last four optionally followed by ``HH:MM`` or ``HH:MM:SS``.

A value that fits none of these is refused with its row.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from socialroi.valuation.errors import InputError
from socialroi.valuation.tables import first_row

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?$")
_TIME = r"( \d{1,2}:\d{2}(:\d{2})?)?$"
_FORMS = {
    "ymd_slash": (re.compile(r"^\d{4}/\d{1,2}/\d{1,2}" + _TIME), "%Y/%m/%d"),
    "compact": (re.compile(r"^\d{8}$"), "%Y%m%d"),
    "dotted": (re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}" + _TIME), "%d.%m.%Y"),
    "slash": (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}" + _TIME), None),  # day or month first: decided below
}


DATE_ORDERS = ("day_first", "month_first")


def parse_dates(values: Any, *, file: str, column: str, allow_blank: bool = False, what: str = "a date",
                order: str | None = None):
    """Parse a column of dates or timestamps into a pandas Series of naive UTC datetimes (NaT for blanks).

    Parameters
    ----------
    values : sequence or Arrow array
        The column as read.
    file, column : str
        Where the values come from, for messages.
    allow_blank : bool
        Blank cells become NaT instead of an error.
    what : str
        How to call a value in messages (``"a date"``, ``"a date and time"``).
    order : {"day_first", "month_first"}, optional
        The order of NN/NN/YYYY dates when the user knows it; otherwise it is
        decided from the column, and a column that reads both ways is refused.

    Raises
    ------
    InputError
        A value in no accepted form, a column that mixes forms, or a
        slash-dated column that reads either day-first or month-first.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = pa.array([None if v is None else str(v) for v in values], pa.string())
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    trimmed = pc.utf8_trim_whitespace(pc.cast(values, pa.string()))
    text = pd.Series(trimmed.to_numpy(zero_copy_only=False), dtype=object)
    blank = text.isna() | (text == "")
    if not allow_blank and blank.any():
        row = first_row(blank.to_numpy())
        raise InputError(f"blank cell where {what} is required; fill it in or remove the row", file=file,
                         column=column, row=row)
    present = text[~blank]
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if present.empty:
        return out
    form = _form_of(trimmed.filter(pa.array(~blank.to_numpy())), present.index, file, column, what)
    if form == "iso":
        parsed = pd.to_datetime(present, format="ISO8601", utc=True, errors="coerce").dt.tz_localize(None)
    else:
        fmt = _FORMS[form][1] if form != "slash" else _slash_order(present, file, column, order)
        with_time = present.str.contains(":", regex=False)
        parsed = pd.Series(pd.NaT, index=present.index, dtype="datetime64[ns]")
        for has_time, suffix in ((False, ""), (True, " %H:%M:%S"), (True, " %H:%M")):
            todo = parsed.isna() & (with_time == has_time)
            if todo.any():
                parsed[todo] = pd.to_datetime(present[todo], format=f"{fmt}{suffix}", errors="coerce")
    bad = parsed.isna()
    if bad.any():
        index = int(bad.index[np.flatnonzero(bad.to_numpy())[0]])
        raise InputError(f"{text[index]!r} is not {what} (for example 2026-09-11 or 2026-09-11T07:07:11+02:00)",
                         file=file, column=column, row=index + 1)
    out[present.index] = parsed.to_numpy()
    return out


def _form_of(present, index, file: str, column: str, what: str) -> str:
    """The one form every value of the column is written in (``present``: an Arrow string array of the
    non-blank values, ``index``: their rows). Vectorised with Arrow's RE2: no Python loop over the values,
    which matters for millions of timestamps."""
    import pyarrow.compute as pc

    patterns = {"iso": _ISO, **{name: pattern for name, (pattern, _) in _FORMS.items()}}
    form_of_row = np.full(len(present), -1)
    for k, pattern in reversed(list(enumerate(patterns.values()))):  # the first matching form wins
        hit = pc.fill_null(pc.match_substring_regex(present, pattern.pattern), False).to_numpy(zero_copy_only=False)
        form_of_row[hit] = k
    names = list(patterns)
    unknown = np.flatnonzero(form_of_row < 0)
    first_other = np.flatnonzero(form_of_row != form_of_row[0])
    if unknown.size and (not first_other.size or unknown[0] <= first_other[0]):
        raise InputError(f"{present[int(unknown[0])].as_py()!r} is not {what} (for example 2026-09-11 or "
                         "2026-09-11T07:07:11+02:00)", file=file, column=column, row=int(index[unknown[0]]) + 1)
    if first_other.size:
        i = int(first_other[0])
        raise InputError(f"{present[i].as_py()!r} is written differently from the rows above (row "
                         f"{int(index[0]) + 1}); write every date in one form, such as YYYY-MM-DD", file=file,
                         column=column, row=int(index[i]) + 1)
    return names[int(form_of_row[0])]


def _slash_order(present, file: str, column: str, order: str | None = None) -> str:
    """Day-first or month-first for a column of NN/NN/YYYY values: as the user said, else from all of them."""
    if order is not None and order not in DATE_ORDERS:
        raise InputError(f"date order must be day_first or month_first, got {order!r}")
    parts = present.str.extract(r"^(\d{1,2})/(\d{1,2})/")
    first, second = parts[0].astype(int), parts[1].astype(int)
    day_first = bool((first > 12).any()) or order == "day_first"
    month_first = bool((second > 12).any()) or order == "month_first"
    if day_first and month_first:
        if order == "day_first":  # the stated order: the first value that contradicts it
            at = int(np.flatnonzero((second > 12).to_numpy())[0])
        elif order == "month_first":
            at = int(np.flatnonzero((first > 12).to_numpy())[0])
        else:  # the later of the two first hints contradicts the earlier
            at = max(int(np.flatnonzero((first > 12).to_numpy())[0]), int(np.flatnonzero((second > 12).to_numpy())[0]))
        i = int(present.index[at])
        raise InputError(f"{present[i]!r} contradicts the other dates: the column has days above 12 both first and "
                         "second; write every date as YYYY-MM-DD", file=file, column=column, row=i + 1)
    if day_first:
        return "%d/%m/%Y"
    if month_first:
        return "%m/%d/%Y"
    raise InputError(f"dates such as {present.iloc[0]!r} read both as day/month and month/day (no day above 12 in "
                     "the column); say which with --date-order day_first or month_first (command line) or "
                     "date_order = \"day_first\" (project file), or write them as YYYY-MM-DD", file=file,
                     column=column)
