"""PPC-equivalent value of organic and social search traffic.

What the clicks a site earned without paying would have cost as paid search
clicks on the same keywords::

    value = replacement_share * sum over matched keywords k of clicks_k * CPC_k

Keywords are matched on their normalised key (:mod:`socialroi.valuation.keywords`).
A CPC given as a low/high bid range is priced at a point inside the range
(the midpoint unless configured); the uncertainty is the position inside
the range, taken as one common position for all keywords (a bidder who pays
near the top of the range for one keyword does so for all), so the value is
uniform between ``sum clicks * low`` and ``sum clicks * high`` (times the
replacement share). This is the conservative (widest) reading of a range.

Unmatched keywords are excluded and reported by default. With
``unmatched="impute"`` their clicks are priced at the average price of a
matched click (or a CPC the user gives); that part is a separate, soft
component whose uncertainty treats the unmatched keywords' prices as drawn
from the matched keywords' click-weighted price distribution.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from socialroi.models.text import Count, Num, Share, Text, Word
from socialroi.valuation.errors import InputError
from socialroi.valuation.estimate import DEFAULT_DRAWS, Lever, ValueEstimate, records, rng_for
from socialroi.valuation.notebook import Printable
from socialroi.valuation.schema import Traffic as _TrafficSchema
from socialroi.valuation.tables import Role, Table, TextStream, as_table, currency_code, first_row, fold_name, open_text_stream

KEYWORD_ALIASES = (
    "Keyword", "Query", "Top queries", "Queries", "Search query", "Search term", "Search terms", "Term",
    "Keyphrase", "Search keyword",
)
TRAFFIC_ROLES: dict[str, Role] = {
    "keyword": Role(KEYWORD_ALIASES, text=True),
    "clicks": Role(("Clicks", "Traffic", "Organic clicks", "Url Clicks", "Organic traffic", "Visits", "Sessions"), whole=True),
    "impressions": Role(("Impressions",), required=False, whole=True),
    "country": Role(("Country", "Location", "Database"), required=False, text=True),
}
CPC_ROLES: dict[str, Role] = {
    "keyword": Role(KEYWORD_ALIASES, text=True),
    "cpc": Role(("CPC", "Avg. CPC", "Average CPC", "Avg CPC", "Cost per click", "CPC (USD)", "Suggested bid"),
                required=False),
    "cpc_low": Role(("Top of page bid (low range)", "Low CPC", "CPC low", "Low bid", "Min CPC"), required=False),
    "cpc_high": Role(("Top of page bid (high range)", "High CPC", "CPC high", "High bid", "Max CPC"), required=False),
    "currency": Role(("Currency", "Currency code"), required=False, text=True),
    "country": Role(("Country", "Location", "Database"), required=False, text=True),
}
PERIODS = ("as_exported", "month", "year")
_SEO_COLUMNS = ("search volume", "keyword difficulty", "position type", "kd", "volume", "traffic (%)")
CPC_UNITS = {"currency": 1.0, "cents": 100.0, "micros": 1_000_000.0}
DUPLICATE_RULES = ("median", "max", "min", "first", "error")
UNMATCHED_POLICIES = ("exclude", "impute")
_POINTS = {"low": 0.0, "mid": 0.5, "high": 1.0}


# defaults are declared once, in the project schema (socialroi.valuation.schema.Traffic)
_DEFAULTS = {k: f.default for k, f in _TrafficSchema.model_fields.items()}


@dataclass(frozen=True)
class TrafficOptions:
    """Assumptions of a traffic valuation.

    Parameters
    ----------
    replacement_share : float, default 1.0
        Share (0-1) of the organic clicks one would really have bought.
    brand_terms : sequence of str
        Brand terms; a keyword containing one as a whole word is excluded
        (people searching for the brand would have come anyway).
    brand_regex : str, optional
        A Python regular expression; keywords whose normalised key matches
        it (``re.search``) are excluded as brand.
    unmatched : {"exclude", "impute"}, default "exclude"
        What to do with keywords that have no CPC.
    impute_cpc : float, optional
        CPC for unmatched keywords under ``"impute"``; default: the average
        price of a matched click.
    cpc_point : {"low", "mid", "high"} or float, default "mid"
        Where inside a low/high range the point value sits (0 = low, 1 = high).
    cpc_unit : {"currency", "cents", "micros"}, default "currency"
        Unit of the CPC columns (Google Ads API exports are in micros).
    cpc_duplicates : {"median", "max", "min", "first", "error"}, default "median"
        Rule for a keyword listed several times in the CPC table with
        different CPCs (after normalisation). Identical repeats are merged
        silently; conflicts are counted and warned about.
    fold_diacritics : bool, default False
        Match ``Rīga`` with ``Riga`` (off: diacritics distinguish words).
    country : str, optional
        Use only rows of this country from tables that have a country column.
    currency : str, optional
        Reporting currency; default the CPC table's currency, else USD.
    rates : mapping, optional
        Exchange rates: units of the reporting currency per one unit of the
        named currency, e.g. ``{"USD": 0.92}`` when reporting in EUR.
    top : int, default 20
        How many keywords the top-value and top-unmatched tables show.
    coverage_warning : float, default 0.8
        Warn when priced clicks are below this share of non-brand clicks.
    traffic_period : {"as_exported", "month", "year"}, default "as_exported"
        What the clicks column covers: the project's period as exported
        (search-console exports for that period), or clicks per month or per
        year (SEO-tool estimates are per month), scaled to the project by
        ``months``. An SEO-tool export (a ``Traffic`` column beside search
        volume, position or keyword difficulty) must say which.
    months : float, optional
        Length of the project period in months, for ``traffic_period``
        "month" (value x months) or "year" (value x months / 12).
    decimal : {"auto", "comma", "dot"}, default "auto"
        Decimal mark of the text files' numbers; "auto" decides it per file
        from every cell (``2,7 %`` and ``8,3`` say comma).
    no_market : {"exclude", "impute"}, default "exclude"
        Keywords whose CPC is 0 (SEO tools write 0 where no advertiser bids:
        no paid market). They are their own class, never counted as
        covered; "exclude" values their clicks at zero, "impute" prices them
        with the unmatched keywords' imputation (a separate soft component).
    """

    replacement_share: float = _DEFAULTS["replacement_share"]
    brand_terms: Sequence[str] = ()
    brand_regex: str | None = None
    unmatched: str = _DEFAULTS["unmatched"]
    impute_cpc: float | None = None
    cpc_point: str | float = _DEFAULTS["cpc_point"]
    cpc_unit: str = _DEFAULTS["cpc_unit"]
    cpc_duplicates: str = _DEFAULTS["cpc_duplicates"]
    fold_diacritics: bool = _DEFAULTS["fold_diacritics"]
    country: str | None = None
    currency: str | None = None
    rates: Mapping[str, float] = field(default_factory=dict)
    top: int = _DEFAULTS["top"]
    coverage_warning: float = _DEFAULTS["coverage_warning"]
    no_market: str = _DEFAULTS["no_market"]
    decimal: str = _DEFAULTS["decimal"]
    traffic_period: str = _DEFAULTS["traffic_period"]
    months: float | None = None

    def __post_init__(self) -> None:
        if self.traffic_period not in PERIODS:
            raise InputError(f"traffic_period must be one of {', '.join(PERIODS)}, got {self.traffic_period!r}")
        if self.months is not None and not (isinstance(self.months, (int, float)) and 0 < self.months <= 1200):
            raise InputError(f"months must be a number of months above 0, got {self.months!r}")
        if self.traffic_period != "as_exported" and self.months is None:
            raise InputError(f"clicks per {self.traffic_period} need the project's length to scale to: give --months "
                             "(command line) or months in [project] (project file)")
        if self.decimal not in ("auto", "comma", "dot"):
            raise InputError(f"decimal must be auto, comma or dot, got {self.decimal!r}")
        if self.no_market not in UNMATCHED_POLICIES:
            raise InputError(f"no_market must be one of {', '.join(UNMATCHED_POLICIES)}, got {self.no_market!r}")
        if not 0.0 <= float(self.replacement_share) <= 1.0:
            raise InputError(f"replacement_share must be between 0 and 1, got {self.replacement_share}")
        if self.unmatched not in UNMATCHED_POLICIES:
            raise InputError(f"unmatched must be one of {', '.join(UNMATCHED_POLICIES)}, got {self.unmatched!r}")
        if self.cpc_unit not in CPC_UNITS:
            raise InputError(f"cpc_unit must be one of {', '.join(CPC_UNITS)}, got {self.cpc_unit!r}")
        if self.cpc_duplicates not in DUPLICATE_RULES:
            raise InputError(f"cpc_duplicates must be one of {', '.join(DUPLICATE_RULES)}, got {self.cpc_duplicates!r}")
        if self.impute_cpc is not None and not float(self.impute_cpc) >= 0:
            raise InputError(f"impute_cpc must be a non-negative number, got {self.impute_cpc}")
        self.point_fraction()  # validates
        if self.brand_regex:
            import pyarrow as pa
            import pyarrow.compute as pc

            try:  # the engine that runs it: RE2, linear time, no look-around or back-references
                pc.match_substring_regex(pa.array(["x"]), self.brand_regex, ignore_case=True)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise InputError(f"brand_regex {self.brand_regex!r} is not a regular expression socialroi can run "
                                 f"({str(exc).splitlines()[0]}); use plain alternatives such as 'acme|acme shop' "
                                 "(no look-around or back-references)") from None
        for code, rate in dict(self.rates).items():
            if not float(rate) > 0:
                raise InputError(f"exchange rate for {code} must be positive, got {rate}")
        if int(self.top) < 0:
            raise InputError("top must be zero or more")

    def point_fraction(self) -> float:
        """The point's position inside a CPC range, 0 (low) to 1 (high)."""
        p = self.cpc_point
        if isinstance(p, str):
            if p in _POINTS:
                return _POINTS[p]
            try:
                p = float(p)
            except ValueError:
                raise InputError(f"cpc_point must be low, mid, high or a number 0-1, got {p!r}") from None
        if not 0.0 <= float(p) <= 1.0:
            raise InputError(f"cpc_point must be between 0 and 1, got {p}")
        return float(p)


@dataclass(frozen=True, eq=False)
class TrafficValuation(Printable):
    """Result of :func:`value_traffic`.

    Attributes
    ----------
    estimate : ValueEstimate
        Value of the matched, non-brand clicks (component ``"traffic"``).
    imputed : ValueEstimate or None
        Value imputed for unmatched clicks (component ``"traffic_imputed"``),
        only with ``unmatched="impute"``.
    top_keywords : pandas.DataFrame
        The keywords contributing most value: keyword (the most-clicked
        spelling), key, clicks, cpc, cpc_low, cpc_high, value.
    top_unmatched : pandas.DataFrame
        The unmatched keywords with most clicks: keyword, key, clicks, share.
    """

    estimate: ValueEstimate
    imputed: ValueEstimate | None
    top_keywords: Any
    top_unmatched: Any

    @property
    def estimates(self) -> tuple[ValueEstimate, ...]:
        """The value components this valuation adds to a blend."""
        return (self.estimate,) + ((self.imputed,) if self.imputed is not None else ())

    @property
    def diagnostics(self) -> Mapping[str, Any]:
        """Coverage figures (shared by both components)."""
        return self.estimate.diagnostics

    def to_frame(self):
        """The top-keywords table (one row per keyword)."""
        return self.top_keywords.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary of the estimates and tables."""
        return {
            "estimates": [e.to_dict() for e in self.estimates],
            "top_keywords": records(self.top_keywords),
            "top_unmatched": records(self.top_unmatched),
        }

    def summary(self) -> str:
        """Readable lines: the value, coverage and warnings."""
        d = self.diagnostics
        lines = [e.summary() for e in self.estimates]
        lines.append(
            f"  coverage: {100 * d['click_coverage']:.1f}% of non-brand clicks and "
            f"{100 * d['keyword_coverage']:.1f}% of non-brand keywords have a CPC"
        )
        return "\n".join(lines)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def _keys(table: Table, opts: TrafficOptions, by_country: bool = False):
    """(raw keywords, normalised keywords, join keys) of a table.

    The join key is the normalised keyword, followed by NUL and the
    lower-cased country when the tables are joined by country.
    """
    import pyarrow.compute as pc

    raw = pc.fill_null(table.text("keyword"), "")
    return (raw, *_join_keys(raw, _country_keys(table) if by_country else None, opts))


def _join_keys(raw, countries, opts: TrafficOptions):
    """(normalised keywords, join keys) of raw keywords and, when joining by country, their countries."""
    import pyarrow.compute as pc

    from socialroi.valuation.keywords import normalize_keys

    norm = normalize_keys(raw, fold_diacritics=opts.fold_diacritics)
    keys = pc.binary_join_element_wise(norm, countries, "\x00") if countries is not None else norm
    return norm, keys


def _spelling_clicks(table: Table, clicks: np.ndarray, by_country: bool):
    """(raw spelling, country or None, clicks) summed per distinct spelling (and country), in order of first
    appearance.

    A keyword export repeats each spelling on many rows (one per day, page, device or country), so the
    normalisation and the key grouping run on the distinct spellings, not on every row. Dictionary encoding keeps
    first appearance, and ``bincount`` adds each spelling's clicks in row order, so the keys, their order and
    their sums (whole numbers, exact) are those of the rows themselves."""
    import pyarrow.compute as pc

    raw = pc.fill_null(table.text("keyword"), "")
    codes, spellings = _factorize(raw)
    countries = None
    if by_country:
        c_codes, c_names = _factorize(_country_keys(table))
        pair, _ = _factorize(_pa_int64(codes * len(c_names) + c_codes))
        # codes come in order of first appearance, so a row is the first of its (spelling, country) exactly when
        # its code is above every earlier one; those rows, in order, are the pairs 0, 1, 2, ...
        first = np.flatnonzero(np.diff(np.maximum.accumulate(pair), prepend=-1) > 0)
        spellings, countries = spellings.take(_pa_int64(codes[first])), c_names.take(_pa_int64(c_codes[first]))
        codes = pair
    return spellings, countries, np.bincount(codes, weights=clicks, minlength=len(spellings))


_PLAIN_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")  # what Arrow reads as a number, without exponents


def _stream_spelling_clicks(stream: TextStream, opts: TrafficOptions, by_country: bool):
    """(raw spelling, country or None, clicks, data rows kept) as :func:`_spelling_clicks` gives them for the
    whole table (after :func:`_country_filter`), from a text table read a block at a time, so that memory holds
    the distinct spellings, not the rows.

    Each block's spellings are hashed by the embedded engine (two independent 64-bit hashes); a spelling's
    clicks are summed under its hash, and its text kept from its first row, so the spellings come out in order of
    first appearance as :func:`_spelling_clicks` gives them. Two spellings with one first hash and different
    second hashes raise :class:`_HashCollision` (the caller then reads the table whole); equal 128-bit hashes of
    different spellings are not checked (about 1e-26 for three million spellings).

    The clicks column is parsed as a whole column would be (:func:`~socialroi.valuation.numbers.parse_numbers`):
    its decimal style is decided from all its distinct cells, so each block's cells are summed under both styles
    and the style chosen at the end picks one of the two sums (exact: counts are whole). The distinct cells, in
    order of their first row, are then checked by ``parse_numbers`` itself, and a refusal names the file's row.
    """
    import duckdb
    import pyarrow as pa
    import pyarrow.compute as pc

    from socialroi.valuation.numbers import cell_values, column_style, parse_numbers
    from socialroi.valuation.prefetch import prefetch

    has_country = stream.has("country")
    wanted = opts.country.strip().lower() if opts.country else None
    countries_seen: set[str] = set()
    first: dict[str | None, int] = {}  # each distinct clicks cell but plain digits (None: blank) -> its first row
    values: dict[str, tuple[float, float]] = {}  # cell -> (number under a decimal dot, under a decimal comma)
    sums = _HashSums(max(1 << 16, stream.path.stat().st_size // 64))  # rows of 64 bytes, all distinct
    n_rows = 0

    def blocks():
        """Each block's (two hashes of its keys, clicks under both styles, take): read, parsed and hashed on the
        prefetch thread while the hash table takes the block before."""
        nonlocal n_rows
        con = duckdb.connect()
        try:
            for row0, b in stream.batches(["keyword", "clicks", "country"]):
                rows = pa.array(np.arange(row0, row0 + b.num_rows, dtype=np.int64))
                kw = pc.fill_null(b.column(stream.columns["keyword"]), "")
                cl = b.column(stream.columns["clicks"])
                country = None
                if has_country:
                    country = pc.utf8_lower(pc.utf8_trim_whitespace(
                        pc.fill_null(b.column(stream.columns["country"]), "")))
                    if wanted is not None:
                        countries_seen.update(pc.unique(country).to_pylist())
                        keep = pc.equal(country, wanted)
                        kw, cl, country, rows = (pc.filter(a, keep) for a in (kw, cl, country, rows))
                if len(rows) == 0:
                    continue
                n_rows += len(rows)
                dot = comma = _plain_counts(cl)
                if dot is None:
                    trimmed = pc.utf8_trim_whitespace(cl)
                    trimmed = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)
                    enc = pc.dictionary_encode(trimmed, null_encoding="encode")
                    codes = enc.indices.to_numpy(zero_copy_only=False)
                    cells = enc.dictionary.to_pylist()
                    _, at = np.unique(codes, return_index=True)  # every entry occurs: its first position
                    row_of = rows.to_numpy(zero_copy_only=False)
                    for cell, i in zip(cells, at):
                        first.setdefault(cell, int(row_of[i]))
                    new = [c for c in cells if c is not None and c not in values]
                    if new:
                        values.update(zip(new, zip(cell_values(new, "dot"), cell_values(new, "comma"))))
                    dot = np.array([values[c][0] if c is not None else np.nan for c in cells])[codes]
                    comma = np.array([values[c][1] if c is not None else np.nan for c in cells])[codes]
                key = pc.binary_join_element_wise(kw, country, "\x00") if by_country else kw
                h1, h2 = _text_hashes(con, key)
                yield (h1, h2, np.asarray(dot, dtype=float), np.asarray(comma, dtype=float),
                       lambda at, kw=kw, country=country: (kw.take(pa.array(at)),
                                                           country.take(pa.array(at)) if by_country else None))
        finally:
            con.close()

    for block in prefetch(blocks()):
        sums.add(*block)
    if n_rows == 0:
        if wanted is not None and countries_seen:
            raise stream.error(f"no rows for country '{opts.country}' (the file has: "
                               f"{', '.join(sorted(countries_seen)[:10])})", "country")
        raise stream.error("the table has a header but no data rows")
    cells = sorted(first, key=first.__getitem__)  # distinct cells (other than plain digits) in file order
    # read_table lets Arrow type a column of plain numbers (1.234 is then a fraction, refused in a count) unless
    # the file is decimal-comma; the same cells get the same reading here
    typed = stream.decimal != "comma" and all(c is None or _PLAIN_NUMBER.match(c) for c in cells)
    column = pa.array([None if c is None else float(c) for c in cells], pa.float64()) if typed else \
        pa.array(cells, pa.string())
    try:
        if cells:
            parse_numbers(column, file=stream.name, column=stream.columns["clicks"], decimal=stream.decimal,
                          whole="clicks" in stream.whole)
    except InputError as exc:
        raise InputError(exc.message, file=exc.file, column=exc.column,
                         row=first[cells[exc.row - 1]] if exc.row else None) from None
    style = "dot" if typed else column_style([c for c in cells if c is not None], decimal=stream.decimal,
                                             whole="clicks" in stream.whole)
    spellings, countries, dot_sums, comma_sums = sums.result()
    return spellings, countries if by_country else None, dot_sums if style == "dot" else comma_sums, n_rows


class _HashCollision(Exception):
    """Two different spellings share a 64-bit hash (about 3e-7 for three million spellings)."""


class _HashSums:
    """Sums per key hash in order of first appearance, with the first row's text of each key.

    The hashes are already uniform 64-bit numbers, so they index an open-addressing table (linear probing, at most
    five-eighths full) directly; a block's keys are looked up and inserted with vectorised probes, about two
    memory reads per key (a sorted array took a binary search of twenty-odd, 3x slower on 30M rows). The table
    holds a key's first hash and its id (12 bytes a slot); the second hash and the sums are kept per id, in
    arrays allocated for ``capacity`` keys but touched only as keys arrive (zeroed pages cost no memory until
    written), so that growing them copies nothing in the usual case."""

    def __init__(self, capacity: int = 1 << 20) -> None:
        self.slot_h = np.zeros(1 << 16, np.uint64)
        self.slot_id = np.zeros(1 << 16, np.int32)  # id + 1; 0 is an empty slot
        self.h2 = np.zeros(capacity, np.uint64)
        self.dot = np.zeros(capacity)
        self.comma = np.zeros(capacity)
        self.n = 0
        self.texts: list[Any] = []
        self.countries: list[Any] = []

    def _find(self, u: np.ndarray) -> np.ndarray:
        """The key id of each (distinct) hash in ``u``; -1 where it is new."""
        mask = np.uint64(len(self.slot_h) - 1)
        slot = (u & mask).astype(np.int64)
        g = np.full(len(u), -1, np.int64)
        pending = np.arange(len(u))
        while pending.size:
            s = slot[pending]
            sid = self.slot_id[s]
            hit = (sid > 0) & (self.slot_h[s] == u[pending])
            g[pending[hit]] = sid[hit] - 1
            pending = pending[(sid > 0) & ~hit]  # an occupied slot of another key: probe the next one
            slot[pending] = (slot[pending] + 1) & int(mask)
        return g

    def _insert(self, keys: np.ndarray, ids: np.ndarray) -> None:
        """Place new distinct hashes ``keys`` with their ids (the first of several keys seeking a slot wins it)."""
        mask = len(self.slot_h) - 1
        slot = (keys & np.uint64(mask)).astype(np.int64)
        marks = (ids + 1).astype(np.int32)
        pending = np.arange(len(keys))
        while pending.size:
            free = pending[self.slot_id[slot[pending]] == 0]
            if free.size:
                _, first = np.unique(slot[free], return_index=True)
                won = free[first]
                self.slot_id[slot[won]] = marks[won]
                self.slot_h[slot[won]] = keys[won]
            pending = pending[self.slot_id[slot[pending]] != marks[pending]]
            slot[pending] = (slot[pending] + 1) & mask

    def add(self, h1: np.ndarray, h2: np.ndarray, dot: np.ndarray, comma: np.ndarray, take: Any) -> None:
        """Add a block: its rows' two hashes and values under both styles; ``take(positions)`` gives the
        (text, country) arrays of the block's rows at those positions."""
        inv, at = _hash_groups(h1, h2)
        u = h1[at]
        g = self._find(u)
        new = np.flatnonzero(g < 0)  # in order of their first row, as ``u`` is
        if new.size:
            g[new] = self.n + np.arange(new.size)
            size = self.n + new.size
            if size > len(self.dot):
                cap = 2 * size
                self.h2, self.dot, self.comma = (np.concatenate([a[:self.n], np.zeros(cap - self.n, a.dtype)])
                                                 for a in (self.h2, self.dot, self.comma))
            self.h2[self.n:size] = h2[at[new]]
            if 8 * size > 5 * len(self.slot_h):  # at most five-eighths full: rebuild it twice as large (or more)
                old_h = self.slot_h[self.slot_id > 0]
                old_id = self.slot_id[self.slot_id > 0] - 1
                cap = 2 * len(self.slot_h)
                while 8 * size > 5 * cap:
                    cap *= 2
                self.slot_h, self.slot_id = np.zeros(cap, np.uint64), np.zeros(cap, np.int32)
                self._insert(np.concatenate([old_h, u[new]]), np.concatenate([old_id, g[new]]))
            else:
                self._insert(u[new], g[new])
            self.n = size
            text, country = take(at[new])
            self.texts.append(text)
            self.countries.append(country)
        if (self.h2[g] != h2[at]).any():
            raise _HashCollision
        self.dot[g] += np.bincount(inv, weights=dot, minlength=len(u))
        self.comma[g] += np.bincount(inv, weights=comma, minlength=len(u))

    def result(self) -> tuple[Any, Any, np.ndarray, np.ndarray]:
        """(texts, countries or None, sums under a decimal dot, sums under a decimal comma), in order of first
        appearance; the texts as one chunk per block (no copy)."""
        import pyarrow as pa

        texts = pa.chunked_array(self.texts, pa.string())
        countries = pa.chunked_array(self.countries, pa.string()) if self.countries and \
            self.countries[0] is not None else None
        return texts, countries, self.dot[:self.n], self.comma[:self.n]


def _plain_counts(cells: Any) -> Any:
    """The cells as float64 when every one is plain digits (the usual clicks column), else None."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pc.all(pc.match_substring_regex(cells, r"^[0-9]{1,15}$")).as_py():
        return None
    return pc.cast(pc.cast(cells, pa.int64()), pa.float64())


def _pa_int64(values: np.ndarray):
    import pyarrow as pa

    return pa.array(values, type=pa.int64())


def _country_keys(table: Table):
    import pyarrow.compute as pc

    return pc.utf8_lower(pc.utf8_trim_whitespace(pc.fill_null(table.text("country"), "")))


def _country_filter(table: Table, opts: TrafficOptions) -> Table:
    import pyarrow.compute as pc

    if not table.has("country"):
        return table
    countries = _country_keys(table)
    distinct = sorted(set(countries.to_pylist()))
    if opts.country:
        wanted = opts.country.strip().lower()
        mask = pc.equal(countries, wanted)
        kept = table.data.filter(mask)
        if kept.num_rows == 0:
            raise table.error(f"no rows for country '{opts.country}' (the file has: {', '.join(distinct[:10])})",
                              "country")
        return Table(kept, table.name, table.columns, table.notes)
    return table


def _text_hashes(con: Any, texts: Any) -> tuple[np.ndarray, np.ndarray]:
    """Two independent 64-bit hashes (uint64) of each text, computed by the embedded engine's ``hash``."""
    import pyarrow as pa

    out = con.from_arrow(pa.table({"k": texts})).project("hash(k) AS h1, hash(k || chr(1)) AS h2").fetchnumpy()
    return np.asarray(out["h1"], np.uint64), np.asarray(out["h2"], np.uint64)


_HASHED_FACTORIZE = 1 << 18  # from this many keys, factorize their hashes, not their text


def _factorize(keys):
    """(codes, uniques) of an Arrow array in order of first appearance, codes as int64 NumPy.

    pandas' hash table on Python strings, not Arrow's ``dictionary_encode``: measured 8x faster on a million
    distinct keywords (0.25 s against 2.1 s with pyarrow 26). pandas' string hash table ends a string at its
    first NUL character (pandas 2.3: ``"a\\x00no"`` and ``"a\\x00lv"`` are one key), so text containing one (the
    keyword-country join keys, or a NUL in the data) is encoded by Arrow, which compares every byte."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_string(keys.type) or pa.types.is_large_string(keys.type):
        if len(keys) >= _HASHED_FACTORIZE and keys.null_count == 0:
            found = _factorize_hashed(keys)
            if found is not None:
                return found
        if pc.any(pc.match_substring(keys, "\x00")).as_py():
            enc = pc.dictionary_encode(keys, null_encoding="encode")
            if isinstance(enc, pa.ChunkedArray):
                enc = enc.combine_chunks()
            return enc.indices.to_numpy(zero_copy_only=False).astype(np.int64), enc.dictionary
    codes, uniques = pd.factorize(keys.to_numpy(zero_copy_only=False), use_na_sentinel=False)
    return codes.astype(np.int64, copy=False), pa.array(uniques, keys.type)


def _factorize_hashed(keys):
    """:func:`_factorize` of many texts through their hashes: the texts are turned into Python strings for pandas'
    hash table otherwise, which takes 1.3 GB and 2.7 s for 3.5M keywords; two 64-bit hashes take 56 MB and 0.5 s.
    None when two texts share a first hash but not the second (the caller then factorizes the texts)."""
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    try:
        h1, h2 = _text_hashes(con, keys)
    finally:
        con.close()
    try:
        codes, first = _hash_groups(h1, h2)
    except _HashCollision:
        return None
    if isinstance(keys, pa.ChunkedArray):
        keys = keys.combine_chunks()  # a take across a thousand chunks is 3x slower than joining them first
    return codes, keys.take(_pa_int64(first))


def _hash_groups(h1: np.ndarray, h2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(code of each row, first row of each code) grouping rows by their first hash, codes in order of first
    appearance; :class:`_HashCollision` when rows of one first hash differ in the second.

    pandas' hash table on the 64-bit hashes (``np.unique`` sorts them: 5x slower on 30M rows)."""
    import pandas as pd

    codes, u = pd.factorize(h1)
    codes = codes.astype(np.int64, copy=False)
    first = np.empty(len(u), np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write for a code is its first position
    if (h2 != h2[first][codes]).any():
        raise _HashCollision
    return codes, first


def _collapse(codes: np.ndarray, n: int, low: np.ndarray, high: np.ndarray, rule: str):
    """One (low, high) per code under ``rule``; also counts and which codes conflict.

    ``median`` takes the median of the lows and of the highs separately;
    ``first`` the first row in file order.
    """
    counts = np.bincount(codes, minlength=n)
    out = []
    spread = np.zeros(n)
    for values in (low, high):
        order = np.lexsort((values, codes))  # by code, then value
        v = values[order]
        starts = np.r_[0, np.cumsum(counts)[:-1]]
        ends = starts + counts - 1
        spread = np.maximum(spread, v[ends] - v[starts])
        if rule == "min":
            out.append(v[starts])
        elif rule == "max":
            out.append(v[ends])
        elif rule == "median":
            out.append((v[starts + (counts - 1) // 2] + v[starts + counts // 2]) / 2.0)
        else:  # first in file order
            first = np.full(n, codes.size, dtype=np.int64)
            np.minimum.at(first, codes, np.arange(codes.size))
            out.append(values[first])
    return out[0], out[1], counts, spread > 1e-12


def _cpc_table(cpc: Table, opts: TrafficOptions, by_country: bool = False):
    """Per normalised key: low, high CPC (reporting currency); plus notes."""
    import pyarrow as pa

    warnings: list[str] = []
    if not (cpc.has("cpc") or (cpc.has("cpc_low") and cpc.has("cpc_high"))):
        raise cpc.error(
            "no CPC column: expected 'CPC' (one number) or both 'Top of page bid (low range)' and "
            "'Top of page bid (high range)'; rename the columns or map them explicitly"
        )
    cpc = _country_filter(cpc, opts)
    if cpc.has("country") and not opts.country and not by_country:
        n_countries = len(set(_country_keys(cpc).to_pylist()))
        if n_countries > 1:
            raise cpc.error(
                f"holds CPCs for {n_countries} countries; choose one with --country (or the project's "
                "traffic.country), or give a traffic table with a country column too", "country")
    symbols: dict[str, str | None] = {}
    if cpc.has("cpc_low") and cpc.has("cpc_high"):
        low_col = cpc.numbers("cpc_low", allow_blank=True)
        high_col = cpc.numbers("cpc_high", allow_blank=True)
        low, high = low_col.values, high_col.values
        symbols = {"cpc_low": low_col.currency, "cpc_high": high_col.currency}
        roles: tuple[str, ...] = ("cpc_low", "cpc_high")
        if cpc.has("cpc"):  # a point CPC beside the range fills in rows where the range is blank
            point_col = cpc.numbers("cpc", allow_blank=True)
            symbols["cpc"] = point_col.currency
            low = np.where(np.isnan(low), point_col.values, low)
            high = np.where(np.isnan(high), point_col.values, high)
    else:
        point_col = cpc.numbers("cpc", allow_blank=True)
        low = high = point_col.values
        symbols = {"cpc": point_col.currency}
        roles = ("cpc",)
    low = np.asarray(low, float)
    high = np.asarray(high, float)
    both = ~np.isnan(low) & ~np.isnan(high)
    one_blank = np.isnan(low) != np.isnan(high)
    if one_blank.any():
        row = first_row(one_blank)
        raise cpc.error("one end of the bid range is blank; fill in both ends or neither", roles[0], row)
    inverted = both & (low > high)
    if inverted.any():
        row = first_row(inverted)
        raise cpc.error(f"low bid {low[row - 1]:g} is above high bid {high[row - 1]:g}; swap the columns or fix the row",
                        roles[0], row)
    _check_units(cpc, roles[-1], high[both], opts)
    scale = CPC_UNITS[opts.cpc_unit]
    low, high = low / scale, high / scale

    # currency: per-row column, else the symbol in the values, else the option
    reporting = currency_code(opts.currency) if opts.currency else None
    factor, reporting = cpc.currency_factors(reporting, opts.rates, symbols=symbols)
    low, high = low * factor, high * factor
    reporting = reporting or "USD"

    _, _, keys = _keys(cpc, opts, by_country)
    keep = ~np.isnan(low)
    n_blank = int((~keep).sum())
    if n_blank:
        warnings.append(Text("{file}: {n} keyword row(s) have no CPC and were ignored", file=cpc.name, n=Count(n_blank)))
    keys = keys.filter(pa.array(keep))
    low, high = low[keep], high[keep]
    codes, uniques = _factorize(keys)
    rule = "first" if opts.cpc_duplicates == "error" else opts.cpc_duplicates
    k_low, k_high, counts, conflict = _collapse(codes, len(uniques), low, high, rule)
    n_conflicts = int(conflict.sum())
    if n_conflicts:
        code = int(np.flatnonzero(conflict)[0])
        example = uniques[code].as_py().split("\x00")[0]
        if opts.cpc_duplicates == "error":
            row = int(np.flatnonzero(codes == code)[1])
            row = int(np.flatnonzero(keep)[row]) + 1
            raise cpc.error(f"keyword {example!r} is listed again with a different CPC; keep one row per keyword "
                            "or choose a rule for duplicates (median, max, min, first)", roles[0], row)
        warnings.append(Text("{file}: {n} keyword(s) are listed more than once with different CPCs (e.g. '{example}'); "
                             "used the {rule} of their CPCs", file=cpc.name, n=Count(n_conflicts), example=example,
                             rule=Word(rule)))
    info = {
        "cpc_rows": int(cpc.n_rows),
        "cpc_keywords": int(len(uniques)),
        "cpc_blank_rows": n_blank,
        "cpc_duplicate_keywords": int((counts > 1).sum()),
        "cpc_conflicting_keywords": n_conflicts,
        "cpc_is_range": bool(len(roles) == 2),
    }
    return uniques, k_low, k_high, reporting, warnings, info


def _check_units(cpc: Table, role: str, values: np.ndarray, opts: TrafficOptions) -> None:
    """Refuse a CPC column that looks like cents or micros when read as money."""
    positive = values[values > 0]
    if opts.cpc_unit != "currency" or positive.size == 0:
        return
    whole = np.all(np.abs(positive - np.round(positive)) < 1e-9)
    median = float(np.median(positive))
    if not (whole and median >= 50):
        return
    # the same rule at any row count; but a comma before three digits (1,250) may be a decimal comma that the
    # file did not show elsewhere, and then the advice is the decimal mark, not the unit
    import pyarrow as pa
    import pyarrow.compute as pc

    col = cpc.column(role)
    if pa.types.is_string(col.type) and cpc.decimal is None:
        sample = pc.utf8_trim_whitespace(col.drop_null()).to_pylist()[:1000]
        if any(re.search(r"\d,\d{3}(?!\d)", v) for v in sample) and not any("." in v for v in sample):
            example = next(v for v in sample if re.search(r"\d,\d{3}(?!\d)", v))
            raise cpc.error(f"CPCs such as {example!r} were read with ',' as a thousands mark (median "
                            f"{median:,.0f}); if ',' is the decimal mark, say so with --decimal comma (project: "
                            "decimal = \"comma\" in [traffic]); if they are cents, --cpc-unit cents", role)
    unit = "micros" if median >= 10_000 else "cents"
    raise cpc.error(f"CPCs look like {unit} (all whole numbers, median {median:,.0f}); pass --cpc-unit {unit} "
                    f"(project: cpc_unit = \"{unit}\" in [traffic]) or convert them", role)


def _period_factor(table: Table | TextStream, opts: TrafficOptions) -> tuple[float, str, bool]:
    """How the clicks scale to the project's period, and the words the method says about it.

    An SEO tool's ``Traffic`` column is an estimate of clicks per month, not
    measured clicks: such a table must say its period (no guess), and the
    method says the value rests on an estimate.
    """
    headers = {fold_name(c) for c in table.header}
    seo = fold_name(table.columns.get("clicks", "")) in ("traffic", "organic traffic") and bool(
        headers & set(_SEO_COLUMNS))
    if seo and opts.traffic_period == "as_exported":
        raise table.error("looks like an SEO tool's export: its Traffic column estimates clicks per month, so say the "
                          "period: --traffic-period month with --months N (command line), or traffic_period = "
                          "\"month\" in [traffic] and months = N in [project] (project file)", "clicks")
    note = Text("; clicks are an SEO tool's estimate, not measured clicks") if seo else Text("")
    if opts.traffic_period == "month":
        return float(opts.months or 0), Text("{note}; clicks per month x {months} months", note=note,
                                             months=Num(float(opts.months or 0), None)), seo
    if opts.traffic_period == "year":
        return float(opts.months or 0) / 12.0, Text("{note}; clicks per year x {months}/12", note=note,
                                                    months=Num(float(opts.months or 0), None)), seo
    return 1.0, note, seo


def _brand_mask(keys: list[str] | Any, opts: TrafficOptions) -> np.ndarray:
    import pyarrow.compute as pc

    from socialroi.valuation.keywords import normalize_keyword

    mask = np.zeros(len(keys), dtype=bool)
    terms = [normalize_keyword(t, fold_diacritics=opts.fold_diacritics) for t in opts.brand_terms]
    terms = [t for t in terms if t]
    if terms:
        pattern = "(?:^| )(?:" + "|".join(re.escape(t) for t in terms) + ")(?: |$)"
        mask |= pc.fill_null(pc.match_substring_regex(keys, pattern), False).to_numpy(zero_copy_only=False)
    if opts.brand_regex:  # RE2 (Arrow's engine) runs in linear time: no pattern can hang the run
        mask |= pc.fill_null(pc.match_substring_regex(keys, opts.brand_regex, ignore_case=True),
                             False).to_numpy(zero_copy_only=False)
    return mask


# --------------------------------------------------------------------------
# the valuation
# --------------------------------------------------------------------------
def value_traffic(
    traffic: Any,
    cpc: Any = None,
    options: TrafficOptions | None = None,
    *,
    traffic_columns: Mapping[str, str] | None = None,
    cpc_columns: Mapping[str, str] | None = None,
    seed: int = 0,
    n_draws: int = DEFAULT_DRAWS,
    source: Any = None,
) -> TrafficValuation:
    """Value organic clicks at the price of the same clicks in paid search.

    Parameters
    ----------
    traffic : path, pandas.DataFrame or pyarrow.Table
        Keyword traffic: a keyword/query column and a clicks column
        (search-console, analytics and SEO-tool names are recognised).
    cpc : path, DataFrame or Table, optional
        Keyword CPCs: a keyword column and a CPC column, or low/high bid
        columns; optionally currency and country. Default: ``traffic``
        itself (SEO-tool exports carry CPC beside traffic).
    options : TrafficOptions, optional
        Assumptions (replacement share, brand terms, unmatched policy, ...).
    traffic_columns, cpc_columns : mapping, optional
        Explicit column names by role, e.g. ``{"clicks": "Organic Clicks"}``.
    seed : int
        Seed of the run (draws depend on it and the component name only).
    n_draws : int
        Number of Monte Carlo draws.
    source : SourceReading, optional
        What reading ``traffic`` found when a query engine prepared it (a Search Console bulk export,
        :func:`socialroi.valuation.search_console.read_search_console`): its phrase joins the method, its notes
        the warnings, its figures the diagnostics (key ``"source"``).

    Returns
    -------
    TrafficValuation
        Money figures are in the reporting currency per the period the
        traffic table covers.

    Raises
    ------
    InputError
        Missing files or columns, non-numeric or negative clicks or CPCs,
        mixed currencies without rates, CPCs that look like cents, no
        keyword matched at all.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    opts = options or TrafficOptions()
    n_draws = int(n_draws)
    if n_draws < 1:
        raise InputError("the number of draws must be at least 1")
    decimal = None if opts.decimal == "auto" else opts.decimal
    # a keyword export as a UTF-8 text file is read a block at a time and summed per spelling in the query engine
    # (30M rows would need gigabytes held whole); other inputs are read whole
    stream = (open_text_stream(traffic, TRAFFIC_ROLES, explicit=traffic_columns, decimal=decimal)
              if cpc is not None and isinstance(traffic, (str, Path)) else None)
    t_table: Table | TextStream = stream if stream is not None else as_table(
        traffic, TRAFFIC_ROLES, explicit=traffic_columns, name="traffic table", decimal=decimal)
    c_table = as_table(t_table if cpc is None else cpc, CPC_ROLES, explicit=cpc_columns, name="CPC table",
                       decimal=decimal)
    if cpc is None and not (c_table.has("cpc") or (c_table.has("cpc_low") and c_table.has("cpc_high"))):
        raise t_table.error("has no CPC column, and no CPC table was given: give the CPC table as the second "
                            "argument (socialroi traffic KEYWORDS CPC) or cpc = \"file.csv\" in [traffic] (project "
                            "file); an SEO-tool export with a CPC column needs no second file")
    if opts.country and not (t_table.has("country") or c_table.has("country")):
        raise InputError(f"a country ({opts.country!r}) was given, but neither {t_table.name} nor {c_table.name} has a "
                         "country column (Country, Location or Database); leave out --country (command line) or "
                         "country (project file)")
    by_country = t_table.has("country") and c_table.has("country") and not opts.country
    # the CPC table is prepared on a second thread while the traffic table is aggregated
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        cpc_job = pool.submit(_cpc_table, c_table, opts, by_country)
        if stream is not None:
            try:
                raw, countries, clicks, n_rows = _stream_spelling_clicks(stream, opts, by_country)
            except _HashCollision:  # two spellings share a hash: read the table whole instead
                stream = None
        if stream is None:
            whole = _country_filter(t_table if isinstance(t_table, Table) else as_table(
                traffic, TRAFFIC_ROLES, explicit=traffic_columns, name="traffic table", decimal=decimal), opts)
            raw, countries, clicks = _spelling_clicks(whole, whole.numbers("clicks").values, by_country)
            n_rows = whole.n_rows
        norm, keys = _join_keys(raw, countries, opts)
        key_codes, uniques = _factorize(keys)  # keys in order of first appearance; sums in row order
        grouped = pa.table({"k": uniques, "c_sum": np.bincount(key_codes, weights=clicks, minlength=len(uniques))})
        cpc_keys, k_low, k_high, currency, cpc_warnings, info = cpc_job.result()
    warnings = list(dict.fromkeys([*(source.notes if source is not None else ()), *cpc_warnings]))
    notes = list(dict.fromkeys([*t_table.notes, *c_table.notes]))

    # 1. one row per join key (normalised keyword, and country when joined by country)
    uniques = grouped.column("k").combine_chunks()
    key_clicks = grouped.column("c_sum").to_numpy()
    n_keys = len(uniques)
    if by_country:
        parts = pc.split_pattern(uniques, "\x00", max_splits=1)
        norm_u = pc.list_element(parts, 0)
        country_u = pc.list_element(parts, 1)
    else:
        norm_u = uniques

    # 2. brand, match
    brand = _brand_mask(norm_u, opts)
    idx = pc.fill_null(pc.index_in(uniques, value_set=cpc_keys), -1).to_numpy(zero_copy_only=False)
    matched = (idx >= 0) & ~brand
    unmatched = (idx < 0) & ~brand
    period_factor, period_note, seo = _period_factor(t_table, opts)
    if source is not None:
        period_note = Text("{note}{source}", note=period_note, source=source.method)
    if seo:
        warnings.append(Text("the clicks are an SEO tool's traffic estimate (modelled from rankings and search volume), "
                             "not measured clicks; read the value as an estimate of an estimate"))
    share = float(opts.replacement_share) * period_factor  # the replacement share, times the period scaling
    p = opts.point_fraction()
    low = np.where(matched, k_low[np.where(idx >= 0, idx, 0)], 0.0)
    high = np.where(matched, k_high[np.where(idx >= 0, idx, 0)], 0.0)
    # a CPC of 0 (low and high) is an SEO tool's "no paid market", not a price: its own class, not covered
    no_market = matched & (high == 0)
    priced = matched & ~no_market
    point_cpc = low + p * (high - low)
    c_matched = np.where(matched, key_clicks, 0.0)
    value_keys = share * c_matched * point_cpc

    clicks_total = float(key_clicks.sum())
    clicks_brand = float(key_clicks[brand].sum())
    clicks_matched = float(c_matched.sum())
    clicks_unmatched = float(key_clicks[unmatched].sum())
    clicks_no_market = float(key_clicks[no_market].sum())
    clicks_priced = clicks_matched - clicks_no_market
    nonbrand_clicks = clicks_total - clicks_brand
    nonbrand_keys = int((~brand).sum())
    if matched.sum() == 0:
        raise InputError(
            f"no keyword of {t_table.name} has a CPC in {c_table.name}"
            + (" (all matched keywords are brand terms)" if (idx >= 0).any() else "")
            + "; check that both files hold the same keywords (and the same country)"
        )
    click_cov = clicks_priced / nonbrand_clicks if nonbrand_clicks > 0 else 0.0
    key_cov = float(priced.sum()) / nonbrand_keys if nonbrand_keys else 0.0
    if clicks_no_market > 0:
        warnings.append(Text(
            "{clicks} non-brand clicks ({share}) on {keywords} keywords have a CPC of 0 in {file} (no paid market: "
            "nobody bids); they are {treatment}", clicks=Count(clicks_no_market),
            share=Share(clicks_no_market / nonbrand_clicks), keywords=Count(int(no_market.sum())), file=c_table.name,
            treatment=Word("imputed" if opts.no_market == "impute" else
                           "valued at zero and not counted as covered (--no-market impute on the command line, "
                           "no_market = \"impute\" in [traffic] to price them like other keywords)")))
    if click_cov < opts.coverage_warning:
        warnings.append(Text(
            "only {share} of non-brand clicks have a CPC; the value leaves out {clicks} clicks (see the unmatched "
            "keywords, or use --unmatched impute on the command line, unmatched = \"impute\" in [traffic])",
            share=Share(click_cov), clicks=Count(clicks_unmatched + clicks_no_market)))
    diagnostics = {
        "traffic_rows": int(n_rows),
        "keywords": int(n_keys),
        "clicks_total": clicks_total,
        "clicks_brand": clicks_brand,
        "clicks_matched": clicks_matched,
        "clicks_unmatched": clicks_unmatched,
        "clicks_priced": clicks_priced,
        "clicks_no_market": clicks_no_market,
        "no_market_share": clicks_no_market / nonbrand_clicks if nonbrand_clicks > 0 else 0.0,
        "keywords_no_market": int(no_market.sum()),
        "keywords_matched": int(matched.sum()),
        "keywords_unmatched": int(unmatched.sum()),
        "keywords_brand": int(brand.sum()),
        "click_coverage": click_cov,
        "keyword_coverage": key_cov,
        **info,
        "reading_notes": notes,
        **({"source": dict(source.diagnostics)} if source is not None else {}),
    }
    assumptions = {
        "replacement_share": float(opts.replacement_share),
        "traffic_period": opts.traffic_period,
        "months": opts.months,
        "cpc_point": opts.cpc_point,
        "cpc_unit": opts.cpc_unit,
        "brand_terms": list(opts.brand_terms),
        "brand_regex": opts.brand_regex,
        "unmatched": opts.unmatched,
        "cpc_duplicates": opts.cpc_duplicates,
        "fold_diacritics": opts.fold_diacritics,
        "country": opts.country,
        "rates": dict(opts.rates),
        "no_market": opts.no_market,
    }

    total_low = share * float(np.dot(c_matched, low))
    total_high = share * float(np.dot(c_matched, high))
    point = float(value_keys.sum())
    rng = rng_for(seed, "traffic")
    draws = total_low + rng.random(n_draws) * (total_high - total_low)
    estimate = ValueEstimate.from_draws(
        "traffic", "soft", currency, point, draws,
        label="Traffic value (PPC equivalent)",
        method=Text("sum over matched non-brand keywords of clicks x CPC x replacement share; a bid range is priced "
                    "at its point, with the position inside the ranges drawn once for all keywords{note}",
                    note=period_note),
        assumptions=assumptions, diagnostics=diagnostics, warnings=tuple(warnings), levers=_levers(share),
        evidence="market_price",
    )

    imputed = None
    to_impute = (unmatched if opts.unmatched == "impute" else np.zeros_like(unmatched)) | \
        (no_market if opts.no_market == "impute" else np.zeros_like(no_market))
    if to_impute.any() and priced.any():
        imputed = _impute(float(key_clicks[to_impute].sum()), key_clicks[to_impute], c_matched[priced],
                          point_cpc[priced], opts, share, currency, seed, n_draws, assumptions, diagnostics)

    top = int(opts.top)
    top_idx = _top(value_keys, matched, top)
    un_idx = _top(key_clicks, unmatched, top)
    display = _spellings(uniques, np.concatenate([top_idx, un_idx]), keys, raw, clicks)
    top_keywords = pd.DataFrame({
        "keyword": [display[i] for i in top_idx],
        "key": norm_u.take(pa.array(top_idx, pa.int64())).to_pylist(),
        "clicks": key_clicks[top_idx],
        "cpc": point_cpc[top_idx],
        "cpc_low": low[top_idx],
        "cpc_high": high[top_idx],
        "value": value_keys[top_idx],
    })
    top_unmatched = pd.DataFrame({
        "keyword": [display[i] for i in un_idx],
        "key": norm_u.take(pa.array(un_idx, pa.int64())).to_pylist(),
        "clicks": key_clicks[un_idx],
        "share_of_clicks": key_clicks[un_idx] / nonbrand_clicks if nonbrand_clicks else key_clicks[un_idx] * 0,
    })
    if by_country:
        top_keywords.insert(2, "country", country_u.take(pa.array(top_idx, pa.int64())).to_pylist())
        top_unmatched.insert(2, "country", country_u.take(pa.array(un_idx, pa.int64())).to_pylist())
    return TrafficValuation(estimate, imputed, top_keywords, top_unmatched)


def _spellings(uniques, wanted: np.ndarray, keys, raw, clicks: np.ndarray) -> dict[int, str]:
    """The most-clicked spelling of each wanted key (ties: the first in the file)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if wanted.size == 0:
        return {}
    wanted = np.unique(wanted)
    want_keys = uniques.take(pa.array(wanted, pa.int64()))
    rows = np.flatnonzero(pc.is_in(keys, value_set=want_keys).to_numpy(zero_copy_only=False))
    row_keys = pc.index_in(pa.chunked_array(keys).take(pa.array(rows)), value_set=want_keys).to_numpy(
        zero_copy_only=False)
    row_raw = pa.chunked_array(raw).take(pa.array(rows)).to_pylist()
    totals: dict[tuple[int, str], list[float]] = {}
    for r, k, s in zip(rows.tolist(), row_keys.tolist(), row_raw):
        entry = totals.setdefault((k, s), [0.0, r])
        entry[0] += clicks[r]
    best: dict[int, tuple[float, int, str]] = {}
    for (k, s), (total_clicks, first_seen) in totals.items():
        if k not in best or (total_clicks, -first_seen) > (best[k][0], -best[k][1]):
            best[k] = (total_clicks, int(first_seen), s)
    return {int(wanted[k]): v[2] for k, v in best.items()}


def _top(values: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` largest ``values`` where ``mask`` (ties: lower index first)."""
    cand = np.flatnonzero(mask)
    if n == 0 or cand.size <= n:
        chosen = cand
    else:
        part = np.argpartition(-values[cand], n - 1)[:n]
        threshold = values[cand][part].min()
        chosen = cand[values[cand] >= threshold]
    order = np.lexsort((chosen, -values[chosen]))
    chosen = chosen[order]
    return chosen[:n] if n else chosen


def _levers(share: float) -> tuple[Lever, ...]:
    """The scenario levers of the traffic value (measured and imputed alike)."""
    return (Lever("traffic.replacement_share", share, "share of organic clicks one would have bought"),
            Lever("traffic.cpc_multiplier", 1.0, "multiplier on every CPC"))


def _impute(clicks_unmatched, unmatched_clicks, m_clicks, m_cpc, opts, share, currency, seed, n_draws,
            assumptions, diagnostics) -> ValueEstimate:
    rng = rng_for(seed, "traffic_imputed")
    if opts.impute_cpc is not None:
        rate = float(opts.impute_cpc)
        point = share * clicks_unmatched * rate
        draws = np.full(n_draws, point)
        how = Text("a fixed CPC of {rate}", rate=Num(rate, None))
    else:
        weight = m_clicks / m_clicks.sum()
        rate = float(np.dot(weight, m_cpc))  # average price of a matched click
        spread2 = float(np.dot(weight, (m_cpc - rate) ** 2))  # click-weighted price variance
        se_rate2 = float(np.sum((m_clicks * (m_cpc - rate)) ** 2)) / float(m_clicks.sum()) ** 2
        var = float(np.sum(unmatched_clicks**2)) * spread2 + clicks_unmatched**2 * se_rate2
        point = share * clicks_unmatched * rate
        draws = np.maximum(point + share * np.sqrt(var) * rng.standard_normal(n_draws), 0.0)
        how = Text("the average price of a matched click ({rate})", rate=Num(float(f"{rate:.4g}"), None))
    return ValueEstimate.from_draws(
        "traffic_imputed", "soft", currency, point, draws,
        label="Traffic value, imputed for keywords without a price",
        method=Text("clicks of keywords without a CPC (unmatched, or 0: no paid market, as asked) x {how} x "
                    "replacement share", how=how),
        assumptions={**assumptions, "impute_cpc": rate,
                     "missing_at_random": "unmatched keywords are priced like matched ones"},
        diagnostics={"clicks_imputed": clicks_unmatched, "keywords_imputed": int(unmatched_clicks.size)},
        warnings=(Text("imputed value rests on the assumption that keywords without a CPC cost what matched ones do"),),
        levers=_levers(share), evidence="assumption",  # rests on unpriced keywords costing what priced ones do
    )


