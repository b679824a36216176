"""Journeys cut from sorted sessions and folded into counted rows (socialroi.valuation.path_rows), against a hand
calculation and against a plain-Python grouping by full content."""

import numpy as np
import pytest

from socialroi.valuation.path_rows import DAY_US, PathRows, _touches, concat, distinct, from_sorted_sessions


def test_sessions_are_cut_into_journeys_as_written_by_hand():
    # user a: s1, s2 (buys 50), s3 (no purchase after: unconverted tail); user b: s1 (buys 20); user c: s1, s2
    new_user = np.array([1, 0, 0, 1, 1, 0], bool)
    start = np.array([0, 2, 5, 1, 3, 4], np.int64) * int(DAY_US)
    channel = np.array([0, 1, 2, 1, 0, 0])
    converted = np.array([0, 1, 0, 1, 0, 0], bool)
    revenue = np.array([0, 50, 0, 20, 0, 0], float)
    rows = from_sorted_sessions(new_user, start, channel, converted, revenue)
    np.testing.assert_array_equal(rows.lengths, [2, 1, 1, 2])
    np.testing.assert_array_equal(rows.channels, [0, 1, 2, 1, 0, 0])
    np.testing.assert_array_equal(rows.converted, [True, False, True, False])
    np.testing.assert_array_equal(rows.revenue, [50, 0, 20, 0])
    np.testing.assert_array_equal(rows.gaps, [2.0, 0.0, 0.0, 0.0, 0.0, 0.0])  # days to the purchase; 0 unconverted
    np.testing.assert_array_equal(rows.counts, [1, 1, 1, 1])


def _by_content(rows: PathRows) -> dict:
    out: dict = {}
    s = rows.starts
    for i in range(len(rows.lengths)):
        key = (bool(rows.converted[i]), float(rows.revenue[i]), tuple(rows.channels[s[i]:s[i + 1]]),
               tuple(rows.gaps[s[i]:s[i + 1]]))
        out[key] = out.get(key, 0) + int(rows.counts[i])
    return out


def _random_rows(rng, n):
    lengths = rng.integers(1, 4, n)
    channels = rng.integers(0, 3, lengths.sum())
    converted = rng.random(n) < 0.3
    gaps = np.where(np.repeat(converted, lengths), rng.integers(0, 2, lengths.sum()).astype(float), 0.0)
    revenue = np.where(converted, rng.choice([10.0, 25.0], n), 0.0)
    return PathRows(channels.astype(np.int64), gaps, lengths.astype(np.int64), converted, revenue,
                    rng.integers(1, 3, n).astype(np.int64))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_identical_journeys_fold_into_one_counted_row_in_an_order_of_content_alone(seed):
    rng = np.random.default_rng(seed)
    rows = _random_rows(rng, 2000)  # few channels and short paths: many identical journeys
    d = distinct(rows)
    assert _by_content(d) == _by_content(rows)
    assert len(d.lengths) == len(_by_content(rows)) < len(rows.lengths)
    shuffled = rows.take(rng.permutation(len(rows.lengths)))
    e = distinct(shuffled)
    for f in ("channels", "gaps", "lengths", "converted", "revenue", "counts"):
        np.testing.assert_array_equal(getattr(d, f), getattr(e, f), err_msg=f)
    # folding twice, or folding pieces and then the whole, changes nothing
    half = len(rows.lengths) // 2
    pieces = concat([distinct(rows.take(np.arange(half))), distinct(rows.take(np.arange(half, len(rows.lengths))))])
    twice = distinct(pieces)
    for f in ("channels", "gaps", "lengths", "converted", "revenue", "counts"):
        np.testing.assert_array_equal(getattr(d, f), getattr(twice, f), err_msg=f)


def test_a_hash_shared_by_different_journeys_is_caught_and_grouped_exactly():
    rows = _random_rows(np.random.default_rng(5), 400)
    collide = distinct(rows, _hash=lambda x: np.zeros_like(x))  # every journey the same hash
    assert _by_content(collide) == _by_content(rows)
    assert len(collide.lengths) == len(_by_content(rows))


def test_touch_indices_match_repeat_and_arange():
    rng = np.random.default_rng(3)
    lengths = rng.integers(1, 7, 500)
    first = rng.integers(0, 10**6, 500)
    want = np.repeat(first, lengths) + (np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths))
    np.testing.assert_array_equal(_touches(first, lengths), want)
