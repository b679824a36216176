"""Journeys as distinct, counted rows, assembled with NumPy from what a query engine sends.

Two inputs meet here: a warehouse's distinct paths (channel lists with their counts, :func:`from_path_lists`) and
the embedded engine's sessions sorted by user and start (:func:`from_sorted_sessions`). Both become
:class:`PathRows`, whose identical journeys :func:`distinct` folds into one counted row each, in an order that
depends only on the rows' content: the bootstrap draws row by row, so the same export gives the same replicates
whichever engine, plan or user partition produced the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

DAY_US = 86_400_000_000.0
"""Microseconds in a day: session starts are microseconds, gaps are days."""


@dataclass(frozen=True)
class PathRows:
    """Journeys in flat arrays, one row each (possibly standing for several identical journeys).

    Attributes
    ----------
    channels : numpy.ndarray of int64
        Channel code of each touch, rows one after another, in time order.
    gaps : numpy.ndarray of float64
        Days from each touch to its row's last touch; 0 in unconverted rows, where time does not matter.
    lengths : numpy.ndarray of int64
        Touches of each row (at least one).
    converted : numpy.ndarray of bool
    revenue : numpy.ndarray of float64
        Revenue of each row's journey (0 when not converted), in the export's currency.
    counts : numpy.ndarray of int64
        Journeys each row stands for.
    """

    channels: np.ndarray
    gaps: np.ndarray
    lengths: np.ndarray
    converted: np.ndarray
    revenue: np.ndarray
    counts: np.ndarray

    @property
    def starts(self) -> np.ndarray:
        """Offset of each row's first touch, with the total number of touches appended."""
        return np.r_[0, np.cumsum(self.lengths)]

    def take(self, rows: np.ndarray) -> PathRows:
        """The rows ``rows`` (indices), touches kept in order."""
        starts = self.starts
        lengths = self.lengths[rows]
        touches = _touches(starts[:-1][rows], lengths)
        return PathRows(self.channels[touches], self.gaps[touches], lengths, self.converted[rows],
                        self.revenue[rows], self.counts[rows])

    def to_journeys(self, names: Sequence[str]) -> Any:
        """Aggregated :class:`~socialroi.models.attribution.Journeys` (touch times: minus the gaps, in days)."""
        from socialroi.models.attribution import Journeys

        return Journeys(self.channels, -self.gaps, self.starts, self.converted, self.revenue,
                        tuple(str(n) for n in names), counts=self.counts)


def _touches(first: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``first[i], first[i] + 1, ..., first[i] + lengths[i] - 1`` for each row i, one row after another (every
    length at least 1): one array and a running sum, where ``repeat`` plus ``arange`` take three."""
    total = int(lengths.sum())
    out = np.ones(total, dtype=np.int64)
    if total:
        heads = np.cumsum(lengths) - lengths
        out[0] = first[0]
        out[heads[1:]] = first[1:] - first[:-1] - lengths[:-1] + 1
        np.cumsum(out, out=out)
    return out


def _within(lengths: np.ndarray) -> np.ndarray:
    """Position of each touch in its row (0, 1, ... per row)."""
    return _touches(np.zeros(len(lengths), dtype=np.int64), lengths)


def concat(parts: Sequence[PathRows]) -> PathRows:
    """The rows of several :class:`PathRows` (coded with one channel table) one after another."""
    return PathRows(*(np.concatenate([getattr(p, f) for p in parts]) for f in
                      ("channels", "gaps", "lengths", "converted", "revenue", "counts")))


def from_sorted_sessions(new_user: np.ndarray, start: np.ndarray, channel: np.ndarray, converted: np.ndarray,
                         revenue: np.ndarray) -> PathRows:
    """One row per journey from sessions sorted by (user, start, session).

    Parameters
    ----------
    new_user : numpy.ndarray of bool
        True where a session is its user's first.
    start : numpy.ndarray of int64
        Session start, microseconds.
    channel : numpy.ndarray of int
        Channel code of each session.
    converted : numpy.ndarray of bool
    revenue : numpy.ndarray of float64
        The session's conversion revenue (0 when it did not convert).

    A journey is a user's sessions up to and including a converting one; the sessions after a user's last
    conversion form an unconverted journey (what the portable query's running count of conversions gives).
    """
    n = len(start)
    if n == 0:
        return _empty()
    new = new_user.copy()
    new[1:] |= converted[:-1]
    heads = np.flatnonzero(new)
    lengths = np.diff(np.r_[heads, n]).astype(np.int64)
    last = heads + lengths - 1
    conv = converted[last].astype(bool)
    # only a journey's last session can convert, so its sum is that session's revenue (the others add zeros)
    rev = np.where(conv, np.add.reduceat(revenue.astype(np.float64), heads), 0.0)
    gaps = (np.repeat(start[last], lengths) - start).astype(np.float64) / DAY_US
    gaps[~np.repeat(conv, lengths)] = 0.0
    return PathRows(channel.astype(np.int64), gaps, lengths, conv, rev, np.ones(len(heads), dtype=np.int64))


def code_names(raw: Sequence[Any]) -> tuple[tuple[str, ...], np.ndarray]:
    """(channel names, code of each of ``raw``): names folded (trimmed, lower-case) and coded in sorted order, so
    names that fold alike share a code."""
    from socialroi.valuation.tables import fold_name

    folded = np.array([fold_name(str(c)) for c in raw], dtype=object)
    if len(folded) == 0:
        return (), np.zeros(0, dtype=np.int64)
    names, code = np.unique(folded, return_inverse=True)
    return tuple(str(n) for n in names), code.ravel().astype(np.int64)


def from_path_lists(path: Any, gaps: Any, converted: np.ndarray, revenue: np.ndarray,
                    counts: np.ndarray) -> tuple[PathRows, tuple[str, ...]]:
    """:class:`PathRows` and channel names from a warehouse's path rows.

    ``path`` is a pyarrow list array of channel names per row, ``gaps`` a list array of days from each touch to
    the row's last (null where time does not matter). Names are coded by :func:`code_names`.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    lengths = pc.list_value_length(path).to_numpy(zero_copy_only=False).astype(np.int64)
    flat = pc.list_flatten(path).to_numpy(zero_copy_only=False)
    raw_codes, raw_names = pd.factorize(flat)
    names, code_of = code_names(raw_names)
    gap_flat = np.zeros(len(flat))
    has_gaps = ~pc.is_null(gaps).to_numpy(zero_copy_only=False)
    if has_gaps.any():
        touched = np.repeat(has_gaps, lengths)
        gap_flat[touched] = pc.list_flatten(gaps.filter(pa.array(has_gaps, type=pa.bool_()))).to_numpy(
            zero_copy_only=False)
    rows = PathRows(code_of[raw_codes], gap_flat, lengths, converted.astype(bool),
                    np.where(converted, revenue, 0.0).astype(np.float64), counts.astype(np.int64))
    return rows, names


def distinct(rows: PathRows, *, _hash: Any = None) -> PathRows:
    """Identical journeys (channels, gaps, conversion, revenue) folded into one row, counts summed, rows sorted
    by (converted, revenue, a 64-bit hash of channels and gaps).

    The hash only proposes groups: each row is compared touch by touch with its group's first, and should two
    different journeys ever share (converted, revenue, hash) the rows are grouped and ordered by their full
    content instead (exact, in Python, slower). ``_hash`` replaces the hash function (tests force collisions).
    """
    if len(rows.lengths) == 0:
        return rows
    key = _row_hash(rows, _hash or _mix)
    order = np.lexsort((key, rows.revenue, rows.converted))
    k, r, c = key[order], rows.revenue[order], rows.converted[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (k[1:] != k[:-1]) | (r[1:] != r[:-1]) | (c[1:] != c[:-1])
    heads = np.flatnonzero(new)
    if not _same_as_group_head(rows, order, new, heads):
        return _distinct_exactly(rows, key)
    out = rows.take(order[heads])
    return PathRows(out.channels, out.gaps, out.lengths, out.converted, out.revenue,
                    np.add.reduceat(rows.counts[order], heads).astype(np.int64))


_BLOCK = 1 << 16
"""Touches hashed at a time: the mixing's temporaries stay in the cache and are reused."""


def _row_hash(rows: PathRows, mix: Any) -> np.ndarray:
    """A 64-bit hash of each row's (channel, position, gap) touches, summed over the row's touches (in place on
    one touch-sized array, a block at a time: this machine pays more for fresh memory than for arithmetic)."""
    touch = _within(rows.lengths).view(np.uint64)  # positions are non-negative: the view is the value
    channels = rows.channels.astype(np.int64, copy=False).view(np.uint64)
    gaps = rows.gaps.astype(np.float64, copy=False).view(np.uint64)
    for a in range(0, len(touch), _BLOCK):
        t = touch[a:a + _BLOCK]
        t <<= np.uint64(32)
        t += channels[a:a + _BLOCK]
        t[:] = mix(t)
        t ^= gaps[a:a + _BLOCK]
        t[:] = mix(t)
    with np.errstate(over="ignore"):
        return np.add.reduceat(touch, rows.starts[:-1]).astype(np.uint64, copy=False)


def _same_as_group_head(rows: PathRows, order: np.ndarray, new: np.ndarray, heads: np.ndarray) -> bool:
    """Whether every row equals, touch by touch, the first row of its proposed group."""
    members = ~new
    if not members.any():
        return True
    head_of = order[heads][np.cumsum(new) - 1]
    m, h = order[members], head_of[members]
    if not np.array_equal(rows.lengths[m], rows.lengths[h]):
        return False
    starts, lengths = rows.starts, rows.lengths[m]
    tm, th = _touches(starts[:-1][m], lengths), _touches(starts[:-1][h], lengths)
    return bool(np.array_equal(rows.channels[tm], rows.channels[th])
                and np.array_equal(rows.gaps[tm].view(np.uint64), rows.gaps[th].view(np.uint64)))


def _distinct_exactly(rows: PathRows, key: np.ndarray) -> PathRows:
    """:func:`distinct` by each row's full content (the fallback when two different journeys share a hash)."""
    starts = rows.starts
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i in range(len(rows.lengths)):
        a, b = starts[i], starts[i + 1]
        content = (bool(rows.converted[i]), float(rows.revenue[i]), int(key[i]),
                   tuple(rows.channels[a:b].tolist()), tuple(rows.gaps[a:b].view(np.uint64).tolist()))
        groups.setdefault(content, []).append(i)
    ordered = sorted(groups)
    heads = np.array([groups[g][0] for g in ordered], dtype=np.int64)
    out = rows.take(heads)
    counts = np.array([int(rows.counts[groups[g]].sum()) for g in ordered], dtype=np.int64)
    return PathRows(out.channels, out.gaps, out.lengths, out.converted, out.revenue, counts)


def _empty() -> PathRows:
    return PathRows(np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64), np.zeros(0, bool), np.zeros(0),
                    np.zeros(0, np.int64))


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, a well-spread 64-bit hash of each value, computed in place in ``x`` (uint64)."""
    tmp = np.empty_like(x)
    with np.errstate(over="ignore"):
        for shift, factor in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):
            np.right_shift(x, np.uint64(shift), out=tmp)
            x ^= tmp
            x *= np.uint64(factor)
        np.right_shift(x, np.uint64(31), out=tmp)
        x ^= tmp
    return x
