"""Read the tables people export: CSV/TSV in UTF-8 (with or without BOM) or
UTF-16, title lines above the header, Parquet and Excel; and find the
columns that play each role (keyword, clicks, CPC, ...) by the names real
exports use, or by a name the user gives.

Row numbers in messages count data rows: the first row below the header is
row 1 (in a spreadsheet whose header is on line 1, that is line 2).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialroi.models.text import Count, Text
from socialroi.valuation.errors import InputError

_DELIMITERS = (",", "\t", ";", "|")
_SAMPLE_BYTES = 256 * 1024
_SAMPLE_ROWS = 60


@dataclass(frozen=True)
class Role:
    """A column role: the names it goes by in exports, and how to read it.

    Parameters
    ----------
    aliases : tuple of str
        Column names that mean this role, compared case-insensitively with
        whitespace collapsed. The first is the canonical name.
    required : bool
        Whether a table without this column is an error.
    text : bool
        Read as text even when every value looks like a number (keywords
        such as ``"2024"`` or ``"007"`` must stay as written).
    whole : bool
        A count (clicks, impressions, tickets): values must be whole numbers,
        which settles whether ``1.234`` is a thousands mark or a fraction
        (see :func:`socialroi.valuation.numbers.parse_numbers`).
    """

    aliases: tuple[str, ...]
    required: bool = True
    text: bool = False
    whole: bool = False


def fold_name(text: Any) -> str:
    """How channel, platform and other names are compared: trimmed, inner whitespace collapsed, case-folded."""
    return " ".join(str(text).split()).casefold()


def _fold(name: str) -> str:
    return fold_name(str(name).replace("\ufeff", "").replace("_", " "))  # column headers: also BOM and _


@dataclass(frozen=True)
class Table:
    """A table read from a file, with the column found for each role.

    Attributes
    ----------
    data : pyarrow.Table
        The table as read (text roles as strings).
    name : str
        The file as the user gave it, for messages.
    columns : mapping
        Role name to column name, for the roles found.
    notes : tuple of str
        Things noticed while reading (encoding fallbacks, title lines skipped).
    decimal : {"comma", "dot"} or None
        The file's decimal mark, when its text shows it (see
        :func:`_file_decimal`); None for typed files and undecided text.
    whole : frozenset of str
        Roles that are counts (whole numbers).
    """

    data: Any
    name: str
    columns: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    decimal: str | None = None
    whole: frozenset = frozenset()

    @property
    def n_rows(self) -> int:
        """Number of data rows."""
        return int(self.data.num_rows)

    @property
    def header(self) -> tuple[str, ...]:
        """The column names, as in the file."""
        return tuple(self.data.column_names)

    def has(self, role: str) -> bool:
        """Whether a column was found for ``role``."""
        return role in self.columns

    def column(self, role: str):
        """The Arrow column (a ChunkedArray) for ``role``."""
        return self.data.column(self.columns[role])

    def text(self, role: str):
        """The column for ``role`` as an Arrow string array (nulls kept)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        col = self.column(role)
        if not pa.types.is_string(col.type):
            col = pc.cast(col, pa.string())
        return col

    def folded(self, role: str) -> list[str]:
        """The column for ``role`` as names compared by :func:`fold_name` (blank cells as "")."""
        import pyarrow.compute as pc

        return [fold_name(v) for v in pc.fill_null(self.text(role), "").to_pylist()]

    def numbers(self, role: str, *, allow_blank: bool = False, allow_negative: bool = False):
        """Parse the column for ``role`` as numbers (see :mod:`socialroi.valuation.numbers`)."""
        from socialroi.valuation.numbers import parse_numbers

        return parse_numbers(
            self.column(role),
            file=self.name,
            column=self.columns[role],
            allow_blank=allow_blank,
            allow_negative=allow_negative,
            decimal=self.decimal,
            whole=role in self.whole,
        )

    def currency_factors(self, reporting: str | None, rates: Mapping[str, float] | None, role: str = "currency",
                         symbols: Mapping[str, str | None] | None = None):
        """Per-row factors that convert money in this table to the reporting currency.

        The currency comes from the table's currency column, else from a
        symbol or code written in the amounts (``$1.20``, ``1,25 €``): a
        symbol is never ignored. It must agree with the currency column
        where there is one, and a currency other than the reporting one
        needs a rate, or the amounts are refused naming the column.

        Parameters
        ----------
        reporting : str or None
            Reporting currency; None takes the table's own single currency.
        rates : mapping
            Units of the reporting currency per one unit of another currency.
        role : str
            The role of the currency column.
        symbols : mapping, optional
            For each money column's role, the currency its values carried
            (:attr:`~socialroi.valuation.numbers.ParsedColumn.currency`).

        Returns
        -------
        (numpy.ndarray, str or None)
            Factors (1.0 where no conversion is needed) and the reporting
            currency (None when neither the caller nor the table names one).

        Raises
        ------
        InputError
            An invalid code, a blank code beside named ones, several
            currencies with no reporting currency, or a currency with no rate.
        """
        import numpy as np
        import pyarrow.compute as pc

        factor = np.ones(self.n_rows)
        rates = {currency_code(k): float(v) for k, v in (rates or {}).items()}
        found = {r: c for r, c in (symbols or {}).items() if c}
        if len(set(found.values())) > 1:
            (r1, c1), (r2, c2) = list(found.items())[:2]
            raise self.error(f"money columns carry different currencies ({self.columns[r1]} in {c1}, "
                             f"{self.columns[r2]} in {c2}); write every amount in one currency", r2)
        symbol_role, symbol = next(iter(found.items()), (None, None))
        if not self.has(role):
            if symbol is None:
                return factor, reporting
            if reporting is None or symbol == reporting:
                return factor, symbol
            if symbol not in rates:
                raise self.error(f"amounts are in {symbol} but the report is in {reporting}; give the rate: --rate "
                                 f"{symbol}=... (command line) or rates = {{ {symbol} = ... }} in [currency] "
                                 f"(project file), units of {reporting} per {symbol}", symbol_role, 1)
            return factor * rates[symbol], reporting
        codes = pc.utf8_upper(pc.utf8_trim_whitespace(pc.fill_null(self.text(role), "")))

        def row_of(code: str) -> int:
            return first_row(pc.equal(codes, code).to_numpy(zero_copy_only=False))

        uniques = pc.unique(codes).to_pylist()  # in order of first appearance
        present = [u for u in uniques if u]
        if symbol is not None:
            other = [u for u in present if u != symbol]
            if other:
                raise self.error(f"the amounts carry {symbol} but this row's currency is {other[0]}; make the "
                                 "symbol and the currency column agree", symbol_role, row_of(other[0]))
        for u in present:
            if not _CURRENCY_RE.match(u):
                currency_code(u, file=self.name, column=self.columns[role], row=row_of(u))
        if "" in uniques and present:
            raise self.error("blank currency while other rows name one; fill it in", role, row_of(""))
        if reporting is None:
            if len(present) > 1:
                raise self.error(f"mixes currencies ({', '.join(present)}); give the reporting currency and "
                                 "exchange rates (project [currency] section, or --currency with --rate)", role)
            reporting = present[0] if present else None
        for u in present:
            if u == reporting:
                continue
            if u not in rates:
                raise self.error(f"amounts in {u} but no exchange rate to {reporting}; add {u} to the rates", role,
                                 row_of(u))
            factor[pc.equal(codes, u).to_numpy(zero_copy_only=False)] = rates[u]
        return factor, reporting

    def error(self, message: str, role: str | None = None, row: int | None = None) -> InputError:
        """An :class:`InputError` located in this table (``row`` is 1-based)."""
        return InputError(message, file=self.name, column=self.columns.get(role) if role else None, row=row)


@dataclass(frozen=True)
class _Layout:
    text: str | None  # decoded text when the bytes are not UTF-8 as stored
    delimiter: str
    header_row: int
    header: list[str]
    notes: tuple[str, ...]
    decimal: str | None = None


def _decode_sample(raw: bytes, name: str) -> tuple[str, str]:
    """Return (encoding, decoded sample)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
    elif raw.startswith(b"\xef\xbb\xbf"):
        enc = "utf-8-sig"
    elif len(raw) >= 4 and raw[1:2] == b"\x00" and raw[3:4] == b"\x00":
        enc = "utf-16-le"
    elif len(raw) >= 4 and raw[0:1] == b"\x00" and raw[2:3] == b"\x00":
        enc = "utf-16-be"
    else:
        enc = "utf-8"
    text = raw.decode(enc, errors="ignore" if enc.startswith("utf-16") else "strict") if enc != "utf-8" else None
    if text is None:
        cut = raw[: raw.rfind(b"\n") + 1] or raw
        try:
            text = cut.decode("utf-8")
        except UnicodeDecodeError:
            enc = "cp1252"
            text = cut.decode("cp1252", errors="replace")
    return enc, text


def _sniff(sample: str, name: str) -> tuple[str, int, list[str], list[list[str]]]:
    """Pick the delimiter and the header row from the first rows of text; also return the sampled data rows."""
    best = None
    for delim in _DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=delim))[:_SAMPLE_ROWS]
        except csv.Error:
            continue
        rows = [r for r in rows if any(cell.strip() for cell in r)]
        if not rows:
            continue
        tail = rows[len(rows) // 3 :] or rows
        counts: dict[int, int] = {}
        first: dict[int, int] = {}
        for i, r in enumerate(tail):
            counts[len(r)] = counts.get(len(r), 0) + 1
            first.setdefault(len(r), i)
        # the most common width below the title lines; ties go to the width seen first
        width, freq = max(counts.items(), key=lambda kv: (kv[1], -first[kv[0]]))
        # then the share of all rows, header included, with that width: "Keyword;CPC" over "boots;1,25" splits
        # into two fields per data row under both ',' and ';', but only ';' also splits the header
        whole_file = sum(len(r) == width for r in rows) / len(rows)
        score = (width > 1, freq / len(tail), whole_file, width)
        if best is None or score > best[0]:
            best = (score, delim, rows, width)
    if best is None:
        raise InputError("the file has no rows; export the table with its header row", file=name)
    _, delim, rows, width = best
    header_row = next(i for i, r in enumerate(rows) if len(r) == width)
    return delim, header_row, rows[header_row], rows[header_row + 1:]


_COMMA_DECIMAL = re.compile(r"^[-+(]?\d+,\d+\)?$")  # 2,7 or 8,34: a comma with digits after it, no dot
_DOT_DECIMAL = re.compile(r"^[-+(]?\d+\.\d+\)?$")


def _file_decimal(rows: list[list[str]], delimiter: str) -> str | None:
    """The decimal mark the file's numbers show, from every cell of the sampled data rows.

    A cell such as ``2,7``, ``2,7 %``, ``8,3`` or ``1.234,5`` is evidence of a
    decimal comma; ``2.7`` or ``1,234.5`` of a decimal dot. Cells that could be
    either (``1,234``, ``1.234``: three digits after the mark) are not
    evidence. When the cells show only one mark, that is the file's;
    when they show both (a mixed file) or neither, the columns decide on
    their own, except that a semicolon-separated file (Excel's list
    separator where the decimal mark is a comma) with no dot evidence is
    read as decimal-comma.
    """
    # 1,234 and 1.234 could be thousands groups: no evidence either way (the cells tested have one mark only)
    from socialroi.valuation.numbers import COMMA_GROUPS, DOT_GROUPS, strip_affixes

    comma = dot = 0
    for row in rows:
        for cell in row:
            text = strip_affixes(cell)
            if not text:
                continue
            if "," in text and "." in text:
                if text.rfind(",") > text.rfind("."):
                    comma += 1
                else:
                    dot += 1
            elif _COMMA_DECIMAL.match(text) and not COMMA_GROUPS.match(text):
                comma += 1
            elif _DOT_DECIMAL.match(text) and not DOT_GROUPS.match(text):
                dot += 1
    if comma and not dot:
        return "comma"
    if dot and not comma:
        return "dot"
    if not dot and not comma and delimiter == ";":
        return "comma"
    return None


def _layout(path: Path, name: str) -> tuple[_Layout, str]:
    with open(path, "rb") as fh:
        raw = fh.read(_SAMPLE_BYTES)
    if not raw.strip():
        raise InputError("the file is empty; export the table with its header row", file=name)
    if b"\x00" in raw and not raw.startswith((b"\xff\xfe", b"\xfe\xff")) and not (
            len(raw) >= 4 and (raw[1:2] == b"\x00" or raw[0:1] == b"\x00")):
        raise InputError("is not a text table (it holds binary data); export it as CSV, Excel or Parquet", file=name)
    enc, sample = _decode_sample(raw, name)
    notes = []
    full_text = None
    if raw.startswith(b"\xef\xbb\xbf\xef\xbb\xbf"):  # a BOM written twice (an editor re-saving a BOM file)
        enc = "utf-8-sig"
        full_text = path.read_bytes().decode("utf-8-sig", errors="strict").lstrip("\ufeff")
        sample = full_text[:_SAMPLE_BYTES]
        notes.append(Text("{file}: starts with two byte-order marks; both were skipped", file=name))
    if full_text is None and enc not in ("utf-8", "utf-8-sig"):
        data = path.read_bytes()
        full_text = data.decode(enc, errors="replace")
        sample = full_text[:_SAMPLE_BYTES]
        if enc == "cp1252":
            notes.append(Text("{file}: not valid UTF-8, read as Windows-1252; save as UTF-8 to be sure of non-English "
                              "text", file=name))
    delim, header_row, header, body = _sniff(sample.lstrip("\ufeff"), name)
    if header_row:
        notes.append(Text("{file}: skipped {n} title line(s) above the header", file=name, n=Count(header_row)))
    return _Layout(full_text, delim, header_row, header, tuple(notes), _file_decimal(body, delim)), enc


def first_row(mask: Any) -> int:
    """The data row (1 = the first row below the header) of the first true entry of ``mask`` (array or Series):
    the row every "bad value" message names."""
    import numpy as np

    return int(np.flatnonzero(np.asarray(mask))[0]) + 1


def _resolve(header: list[str], roles: Mapping[str, Role], explicit: Mapping[str, str], name: str) -> dict[str, str]:
    folded: dict[str, str] = {}
    for heading in header:
        key = _fold(heading)
        if key in folded:
            raise InputError(f"the header names column '{heading}' twice; rename one of them", file=name)
        folded[key] = heading
    found: dict[str, str] = {}
    for role, spec in roles.items():
        wanted = explicit.get(role)
        if wanted:
            col = folded.get(_fold(wanted))
            if col is None:
                raise InputError(
                    f"no column '{wanted}' (given for {role}); the columns are: "
                    + ", ".join(repr(h) for h in header),
                    file=name,
                )
            found[role] = col
            continue
        for alias in spec.aliases:
            col = folded.get(_fold(alias))
            if col is not None:
                found[role] = col
                break
        else:
            if spec.required:
                # a file that is not a table (one column: no separator) is not echoed: its first line could
                # be anything, a password file's included
                seen = (", ".join(repr(h) for h in header) if len(header) > 1 else
                        "one column and no separator: is this a table with a header row?")
                raise InputError(
                    f"no column for {role}: expected one of "
                    + ", ".join(repr(a) for a in spec.aliases)
                    + f" (found {seen}); rename the column, or map it: columns = {{ {role} = \"Your column\" }} "
                    "in the project file, or the command's column option (such as --keyword-col) where it has one",
                    file=name,
                )
    return found


def _bad_row(text: str | Iterable[str], delim: str, header_row: int, width: int) -> int | None:
    """The data row of the first line with another number of fields than the header (``text``: the file's text or
    its lines)."""
    lines = io.StringIO(text) if isinstance(text, str) else text
    for i, row in enumerate(csv.reader(lines, delimiter=delim)):
        if i > header_row and row and len(row) != width:
            return i - header_row
    return None


def _whole_roles(roles: Mapping[str, Role]) -> frozenset:
    """The roles that are counts (whole numbers)."""
    return frozenset(r for r, spec in roles.items() if spec.whole)


def check_regular_file(path: Path, name: str) -> None:
    """Refuse, before reading, anything that is not a regular file: missing, a folder, a device, a pipe.

    ``/dev/zero`` would be read until memory runs out and a named pipe would
    wait for a writer forever.
    """
    import stat

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InputError("file not found; check the path (relative paths in a project file are relative to it)",
                         file=name) from None
    except OSError as exc:
        raise InputError(f"cannot be opened ({exc.strerror}); check the path and its permissions", file=name) from None
    if stat.S_ISDIR(mode):
        raise InputError("is a folder, not a table file", file=name)
    if not stat.S_ISREG(mode):
        raise InputError("is not a regular file (a device, pipe or socket); give a table file", file=name)


def read_table(
    path: str | Path,
    roles: Mapping[str, Role],
    *,
    explicit: Mapping[str, str] | None = None,
    name: str | None = None,
    decimal: str | None = None,
) -> Table:
    """Read a table file and find the column for each role.

    Parameters
    ----------
    path : str or path
        A ``.csv``/``.tsv``/``.txt`` text table, ``.parquet`` or ``.xlsx``.
    roles : mapping of str to Role
        The roles to look for.
    explicit : mapping of str to str, optional
        Column names given by the user for some roles (override aliases).
    name : str, optional
        How to name the file in messages (default: the path as given).
        For :func:`as_table`, the name of a DataFrame.
    decimal : {"comma", "dot"}, optional
        The decimal mark of a text file's numbers, when the user knows it;
        default: decided from the file (see :func:`_file_decimal`).

    Returns
    -------
    Table

    Raises
    ------
    InputError
        Missing or empty file, unreadable text, missing required column,
        duplicate column names, rows with the wrong number of fields.
    """
    import pyarrow as pa

    path = Path(path)
    name = name or str(path)
    explicit = {k: v for k, v in (explicit or {}).items() if v}
    check_regular_file(path, name)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _read_parquet(path, roles, explicit, name)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return _read_excel(path, roles, explicit, name)
    _check_memory(path, name)
    layout, enc = _layout(path, name)
    if decimal not in (None, "comma", "dot"):
        raise InputError(f"decimal must be comma or dot, got {decimal!r}")
    if decimal is not None:
        from dataclasses import replace

        layout = replace(layout, decimal=decimal)
    columns = _resolve(layout.header, roles, explicit, name)
    import pyarrow.csv as pcsv

    text_cols = {columns[r]: pa.string() for r, spec in roles.items() if spec.text and r in columns}
    if layout.decimal == "comma":  # Arrow would read 1.234 as a fraction: every column as text, parsed with the mark
        text_cols = {h: pa.string() for h in layout.header}
    source: Any = (
        pa.BufferReader(layout.text.lstrip("\ufeff").encode("utf-8")) if layout.text is not None else str(path)
    )
    read_opts = pcsv.ReadOptions(skip_rows=layout.header_row, block_size=1 << 24)
    # only an empty cell is blank: Arrow's default would also take "nan", "NA", "#N/A" and "null" as blanks,
    # silently, where a spreadsheet error or a typed word must be refused with its row
    convert = pcsv.ConvertOptions(column_types=text_cols, strings_can_be_null=False, null_values=[""])
    try:
        try:
            data = pcsv.read_csv(
                source,
                read_options=read_opts,
                parse_options=pcsv.ParseOptions(delimiter=layout.delimiter),
                convert_options=convert,
            )
        except pa.ArrowInvalid:
            if isinstance(source, pa.BufferReader):
                source.seek(0)
            data = pcsv.read_csv(
                source,
                read_options=read_opts,
                parse_options=pcsv.ParseOptions(delimiter=layout.delimiter, newlines_in_values=True),
                convert_options=convert,
            )
    except pa.ArrowInvalid as exc:
        text = layout.text if layout.text is not None else path.read_text("utf-8-sig", errors="replace")
        row = _bad_row(text, layout.delimiter, layout.header_row, len(layout.header))
        detail = str(exc).split("\n")[0]
        raise InputError(
            f"cannot be read as a table ({detail}); check that every row has "
            f"{len(layout.header)} fields and quotes are balanced",
            file=name, row=row,
        ) from None
    if data.num_rows == 0:
        raise InputError("the table has a header but no data rows", file=name)
    _refuse_nan_text(data, name)
    whole = _whole_roles(roles)
    return Table(data, name, columns, layout.notes, layout.decimal, whole)


STREAM_BLOCK = 1 << 20
"""Bytes of a text table per batch of :meth:`TextStream.batches`: 1 MB read 30M keyword rows in 1.5 s with 89 MB
resident, 4 MB in 1.8 s with 256 MB (fresh memory costs time on first touch)."""


@dataclass(frozen=True)
class TextStream:
    """A UTF-8 text table read a block at a time (:func:`open_text_stream`), for a caller that aggregates it.

    Attributes are those of :class:`Table` (``name``, ``columns``, ``notes``, ``decimal``, ``whole``) with the
    file's ``header`` in place of its data.
    """

    path: Path
    name: str
    columns: Mapping[str, str]
    header: tuple[str, ...]
    notes: tuple[str, ...]
    decimal: str | None
    whole: frozenset
    delimiter: str
    header_row: int

    def has(self, role: str) -> bool:
        """Whether a column was found for ``role``."""
        return role in self.columns

    def error(self, message: str, role: str | None = None, row: int | None = None) -> InputError:
        """An :class:`InputError` naming this file and, given a role, its column."""
        return InputError(message, file=self.name, column=self.columns.get(role) if role else None, row=row)

    def batches(self, roles: Sequence[str], block_size: int | None = None) -> Iterator[tuple[int, Any]]:
        """Yield (data row of the batch's first row, 1-based; Arrow record batch) with the columns of ``roles``
        as text, an empty cell as ``""``; the rules of :func:`read_table` (a quoted cell may hold a line break).
        ``block_size`` bytes of the file per batch (default :data:`STREAM_BLOCK`)."""
        import pyarrow as pa
        import pyarrow.csv as pcsv

        cols = [self.columns[r] for r in roles if r in self.columns]
        convert = pcsv.ConvertOptions(column_types={c: pa.string() for c in cols}, include_columns=cols,
                                      strings_can_be_null=False, null_values=[""])
        try:
            reader = pcsv.open_csv(str(self.path), read_options=pcsv.ReadOptions(skip_rows=self.header_row,
                                                                                  block_size=block_size or STREAM_BLOCK),
                                   parse_options=pcsv.ParseOptions(delimiter=self.delimiter, newlines_in_values=True),
                                   convert_options=convert)
            row = 1
            for batch in reader:
                if batch.num_rows:
                    yield row, batch
                    row += batch.num_rows
        except pa.ArrowInvalid as exc:
            with open(self.path, encoding="utf-8-sig", newline="") as fh:
                bad = _bad_row(fh, self.delimiter, self.header_row, len(self.header))
            raise InputError(f"cannot be read as a table ({str(exc).splitlines()[0]}); check that every row has "
                             f"{len(self.header)} fields and quotes are balanced", file=self.name, row=bad) from None


def open_text_stream(path: str | Path, roles: Mapping[str, Role], *, explicit: Mapping[str, str] | None = None,
                     name: str | None = None, decimal: str | None = None) -> TextStream | None:
    """Open a UTF-8 text table to be read a block at a time, finding the roles' columns as :func:`read_table`
    does; None when ``path`` is not one (Parquet, Excel, or text in another encoding: read those with
    :func:`read_table`)."""
    path = Path(path)
    name = name or str(path)
    if path.suffix.lower() in (".parquet", ".xlsx", ".xlsm", ".xls"):
        return None
    check_regular_file(path, name)
    layout, _ = _layout(path, name)
    if layout.text is not None:  # decoded in memory (not UTF-8 as stored)
        return None
    if decimal not in (None, "comma", "dot"):
        raise InputError(f"decimal must be comma or dot, got {decimal!r}")
    columns = _resolve(layout.header, roles, {k: v for k, v in (explicit or {}).items() if v}, name)
    return TextStream(path, name, columns, tuple(layout.header), layout.notes, decimal or layout.decimal,
                      _whole_roles(roles), layout.delimiter, layout.header_row)


_BASELINE = 800 * 1024**2  # the interpreter, NumPy, Arrow and pandas loaded, with their thread pools


def _memory_limit() -> float:
    """Bytes this process may still use: the address-space limit, if one is set, and the memory available."""
    import resource

    limit = float("inf")
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft not in (resource.RLIM_INFINITY, -1):
        limit = float(soft)
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            info = dict(line.split(":", 1) for line in fh)
        limit = min(limit, float(info["MemAvailable"].split()[0]) * 1024 + _BASELINE)
    except (OSError, KeyError, ValueError):
        pass
    return limit


def _check_memory(path: Path, name: str) -> None:
    """Refuse a text table too large to read in the memory this process has.

    Reading takes about 1.5 bytes of memory per byte of CSV on top of the
    libraries; past the limit Arrow aborts the process (SIGABRT) instead of
    raising, so the check comes first.
    """
    size = path.stat().st_size
    need = 1.5 * size + _BASELINE
    limit = _memory_limit()
    if need > limit:
        gib = 1024**3
        raise InputError(f"is {size / gib:.1f} GiB, and reading it needs about {need / gib:.1f} GiB of memory where "
                         f"{limit / gib:.1f} GiB is available; aggregate it first (one row per keyword), or run where "
                         "there is more memory", file=name)


def _refuse_nan_text(data, name: str) -> None:
    """A CSV cell that says "nan" is text, not a number: Arrow reads it into a float column as NaN, which
    would then pass for a blank cell."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for column in data.column_names:
        col = data.column(column)
        if pa.types.is_floating(col.type):
            nan = pc.fill_null(pc.is_nan(col), False).to_numpy(zero_copy_only=False)
            if nan.any():
                raise InputError("value 'nan' is not a number; write a number, or leave the cell empty where a "
                                 "blank is allowed", file=name, column=column, row=first_row(nan))


def _read_parquet(path: Path, roles, explicit, name) -> Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        data = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"cannot be read as Parquet ({exc})", file=name) from None
    columns = _resolve([str(c) for c in data.column_names], roles, explicit, name)
    if data.num_rows == 0:
        raise InputError("the table has no data rows", file=name)
    return Table(data, name, columns, whole=_whole_roles(roles))


def _read_excel(path: Path, roles, explicit, name) -> Table:
    import pandas as pd
    import pyarrow as pa

    try:
        frame = pd.read_excel(path, dtype=object)
    except ImportError:
        raise InputError("reading Excel files needs openpyxl: pip install openpyxl (or save the sheet as CSV)",
                         file=name) from None
    except Exception as exc:  # noqa: BLE001 - any reader failure is bad input here
        raise InputError(f"cannot be read as an Excel workbook ({exc})", file=name) from None
    columns = _resolve([str(c) for c in frame.columns], roles, explicit, name)
    if frame.empty:
        raise InputError("the sheet has a header but no data rows", file=name)
    # every cell as text: numbers are parsed by role, text roles stay as written
    arrays = {
        str(col): pa.array([None if pd.isna(v) else str(v) for v in frame[col]], pa.string())
        for col in frame.columns
    }
    return Table(pa.table(arrays), name, columns, whole=_whole_roles(roles))


_CURRENCY_RE = re.compile(r"^[A-Za-z]{3}$")


def currency_code(value: str, *, file: str | None = None, column: str | None = None, row: int | None = None) -> str:
    """Validate and upper-case an ISO 4217 currency code."""
    text = str(value).strip()
    if not _CURRENCY_RE.match(text):
        raise InputError(f"'{value}' is not a 3-letter currency code such as EUR or USD",
                         file=file, column=column, row=row)
    return text.upper()


def as_table(
    source: Any,
    roles: Mapping[str, Role],
    *,
    explicit: Mapping[str, str] | None = None,
    name: str | None = None,
    decimal: str | None = None,
) -> Table:
    """Accept a path, a :class:`Table` or a pandas/Arrow table and find the roles.

    DataFrames are named ``name`` (default ``"<DataFrame>"``) in messages.
    """
    import pyarrow as pa

    if isinstance(source, (str, Path)):
        return read_table(source, roles, explicit=explicit, decimal=decimal)  # files are named by their path
    if isinstance(source, Table):
        source, name, decimal = source.data, source.name, decimal or source.decimal
    if not isinstance(source, pa.Table):
        import pandas as pd

        if not isinstance(source, pd.DataFrame):
            raise TypeError(f"expected a path, a pandas DataFrame or a pyarrow Table, got {type(source).__name__}")
        arrays = {}
        for col in source.columns:
            values = source[col]
            if values.dtype == object:  # mixed content: keep as text, numbers are parsed by role
                arrays[str(col)] = pa.array([None if pd.isna(v) else str(v) for v in values], pa.string())
            else:
                arrays[str(col)] = pa.array(values, from_pandas=True)
        source = pa.table(arrays)
    name = name or "<DataFrame>"
    columns = _resolve([str(c) for c in source.column_names], roles, explicit or {}, name)
    if source.num_rows == 0:
        raise InputError("the table has no data rows", file=name)
    return Table(source, name, columns, decimal=decimal,
                 whole=_whole_roles(roles))
