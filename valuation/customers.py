"""Reading a customer table for the customer-level analyses (segment lifts, measured support savings).

One place for the rules: which columns are read, how an engagement flag or a
yes/no column is parsed (``1/0``, ``true/false``, ``yes/no``, a named value),
how text covariates become categories, and which rows are left out (blank
covariates, other arms), with a sentence for every row count left out.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from socialroi.models.text import Count, Text
from socialroi.valuation.errors import InputError
from socialroi.valuation.tables import first_row, fold_name

_LOG = re.compile(r"log\((.+)\)")  # a covariate written log(column)
_TRUE = {"1", "1.0", "true", "yes", "y", "t", "engaged"}
_FALSE = {"0", "0.0", "false", "no", "n", "f", "not engaged", ""}


def yes_no(table, column: str, *, blank_ok: bool, what: str) -> np.ndarray:
    """Parse a yes/no column (1/0, true/false, yes/no...) into 1.0/0.0, blanks NaN when allowed.

    Anything else is an error naming the first bad row.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    col = table.data.column(column)
    text = pc.utf8_lower(pc.utf8_trim_whitespace(pc.cast(col, pa.string())))
    is_true = pc.fill_null(pc.is_in(text, value_set=pa.array(sorted(_TRUE))), False)
    is_false = pc.fill_null(pc.is_in(text, value_set=pa.array(sorted(_FALSE - {""}))), False)
    blank = pc.fill_null(pc.equal(text, ""), True)
    ok = pc.or_(pc.or_(is_true, is_false), blank) if blank_ok else pc.or_(is_true, is_false)
    bad = np.flatnonzero(~ok.to_numpy(zero_copy_only=False))
    if bad.size:
        value = text[int(bad[0])].as_py()
        raise InputError(f"value {value!r} is not {what}" if value else f"blank cell where {what} is required",
                         file=table.name, column=column, row=int(bad[0]) + 1)
    out = np.where(is_true.to_numpy(zero_copy_only=False), 1.0, 0.0)
    out[blank.to_numpy(zero_copy_only=False)] = np.nan
    return out


def _flag(table, column: str) -> np.ndarray:
    return yes_no(table, column, blank_ok=False, what="a yes/no flag; use 1/0, true/false or yes/no") == 1.0


def read_customers(table: Any, spec: Any) -> tuple[Any, Any, dict[str, Any], Any, list[str]]:
    """Read and check every column the analysis uses.

    Returns the covariate DataFrame and engagement flags of the rows kept,
    the resolved column names, the mask of kept rows over the table, and
    warnings (rows left out for another arm or a blank covariate).
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    needed = list(dict.fromkeys([
        *(_LOG.sub(r"\1", c) for c in spec.covariates), *([spec.engaged] if spec.engaged else []),
        *([spec.score] if spec.score else []), *([spec.id] if spec.id else []),
        *([spec.cluster] if spec.cluster else []),
        *(o.column for o in spec.outcomes), *(o.event for o in spec.outcomes if o.event),
    ]))
    folded = {fold_name(c): c for c in table.data.column_names}
    resolved = {}
    for col in needed:
        actual = folded.get(fold_name(col))
        if actual is None:
            raise InputError(f"no column '{col}'; the columns are: " + ", ".join(table.data.column_names),
                             file=table.name)
        resolved[col] = actual
    t = table
    notes: list[str] = []
    rows = np.ones(t.n_rows, dtype=bool)
    if spec.engaged and spec.engaged_value is not None:
        engaged, rows = _arms(t, resolved[spec.engaged], spec.engaged_value, spec.reference_value, notes)
    elif spec.engaged:
        engaged = _flag(t, resolved[spec.engaged])
    else:
        from socialroi.valuation.numbers import parse_numbers

        score = parse_numbers(t.data.column(resolved[spec.score]), file=t.name, column=resolved[spec.score],
                              allow_negative=True).values
        engaged = score >= float(spec.threshold)
    if spec.id:
        ids = t.data.column(resolved[spec.id]).to_pylist()
        seen: dict[Any, int] = {}
        for i, v in enumerate(ids):
            if v in seen:
                raise InputError(f"customer id {v!r} appears twice (rows {seen[v] + 1} and {i + 1}); keep one row per "
                                 "customer", file=t.name, column=resolved[spec.id], row=i + 1)
            seen[v] = i
    # blank covariates: refuse with the count, or leave those customers out when asked
    blank_by_column: dict[str, np.ndarray] = {}
    for cov in spec.covariates:
        source = resolved[_LOG.sub(r"\1", cov)]
        if source in blank_by_column:
            continue
        col = t.data.column(source)
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            blank = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(col), ""), True)
        else:
            blank = col.is_null()
        blank_by_column[source] = blank.to_numpy(zero_copy_only=False) & rows
    incomplete = np.zeros(t.n_rows, dtype=bool)
    for source, blank in blank_by_column.items():
        if blank.any():
            if not spec.drop_incomplete:
                raise InputError(f"blank covariate in {int(blank.sum()):,} row(s) (first shown); fill them in, or "
                                 "leave those customers out with --drop-incomplete (command line) or "
                                 "drop_incomplete = true in [segments] (project file)", file=t.name, column=source,
                                 row=first_row(blank))
            incomplete |= blank
    if incomplete.any():
        detail = ", ".join(f"{c} {int(b.sum()):,}" for c, b in blank_by_column.items() if b.any())
        notes.append(Text("left out {n} customer(s) with a blank covariate ({detail}); the estimates are for the "
                          "customers with complete covariates", n=Count(int(incomplete.sum())), detail=detail))
        rows = rows & ~incomplete
    sub = t.data.filter(rows) if not rows.all() else t.data
    data: dict[str, Any] = {}
    for cov in spec.covariates:
        logged = _LOG.fullmatch(cov)
        source = resolved[logged.group(1) if logged else cov]
        full = t.data.column(source)  # parsed whole, so an error names the row of the file
        series = sub.column(source).to_pandas()
        if logged:
            from socialroi.valuation.numbers import parse_numbers

            values = parse_numbers(full, file=t.name, column=source, allow_negative=True, allow_blank=True).values
            bad = np.flatnonzero(rows & ~(values > 0))
            if bad.size:
                raise InputError(f"{cov} needs positive values, found {values[bad[0]]:g}", file=t.name,
                                 column=source, row=int(bad[0]) + 1)
            data[cov] = np.log(values[rows])
        elif pd.api.types.is_numeric_dtype(series) or cov in spec.categorical:
            data[cov] = series
        else:
            data[cov] = _text_covariate(t, source, full, series, rows)
    if spec.cluster:
        data["__cluster__"] = sub.column(resolved[spec.cluster]).to_pandas().astype(str)
    frame = pd.DataFrame(data, index=pd.RangeIndex(int(rows.sum())))
    return frame, engaged[rows], resolved, rows, notes


def _arms(table, column: str, engaged_value: str, reference_value: str | None, notes: list[str]):
    """Engagement from a column with several values (arms): engaged = one value, reference = another or the rest."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.fill_null(pc.utf8_trim_whitespace(pc.cast(table.data.column(column), pa.string())), "")
    values = np.asarray(text.to_pylist(), dtype=object)
    engaged = values == engaged_value.strip()
    found = sorted(set(values.tolist()))
    if not engaged.any():
        raise InputError(f"no row has the engaged value {engaged_value!r}; the values are: "
                         + ", ".join(repr(v) for v in found[:20]), file=table.name, column=column)
    if reference_value is None:
        rows = np.ones(len(values), dtype=bool)
        others = [v for v in found if v != engaged_value.strip()]
        if len(others) > 1:
            notes.append(Text("{column}: '{engaged}' is compared with every other value together ({others}); name one "
                              "with --reference (command line) or reference_value (project file) to compare two arms",
                              column=column, engaged=str(engaged_value), others=", ".join(repr(v) for v in others[:5])))
        return engaged, rows
    reference = values == reference_value.strip()
    if not reference.any():
        raise InputError(f"no row has the reference value {reference_value!r}; the values are: "
                         + ", ".join(repr(v) for v in found[:20]), file=table.name, column=column)
    rows = engaged | reference
    left = int((~rows).sum())
    if left:
        notes.append(Text("{column}: left out {n} row(s) that are neither '{engaged}' nor '{reference}'", column=column,
                          n=Count(left), engaged=str(engaged_value), reference=str(reference_value)))
    return engaged, rows


MAX_LEVELS = 100


def _text_covariate(table, column: str, col, series, rows):
    """A text covariate of the kept ``rows``: numbers written as text become numbers; otherwise a categorical.

    ``col`` is the whole column (so a number error names the file's row),
    ``series`` the kept rows (blanks were refused or left out before); a
    column that is numeric but for a few bad cells gets the number error; a
    categorical with more than MAX_LEVELS levels is refused (an id, or
    numbers with bad cells).
    """
    from socialroi.valuation.numbers import parse_numbers

    text = series.astype(str).str.strip()
    try:
        return parse_numbers(col, file=table.name, column=column, allow_negative=True,
                             allow_blank=True).values[rows]
    except InputError as exc:
        number_error = exc
    levels = text.nunique()
    if levels > MAX_LEVELS:
        numeric_share = float(pd_to_numeric(text).notna().mean())
        if numeric_share > 0.9:
            raise number_error from None
        raise InputError(f"has {levels:,} different text values; a category with that many levels cannot be "
                         "adjusted for (is it an id or free text?); drop it or group its values", file=table.name,
                         column=column)
    return text


def pd_to_numeric(values):
    import pandas as pd

    return pd.to_numeric(values, errors="coerce")


