"""Multi-touch attribution of conversion revenue to channels.

Journeys are sequences of touches (channel codes) ordered by time, each
journey converted or not, with its revenue. Every model below splits each
converted journey's revenue over channels, so a model's credits sum to the
total revenue (efficiency), except ``assists``, which counts journeys.

first_touch / last_touch
    All revenue to the first / last touch.
linear
    Equal shares per touch.
time_decay
    Touch weight ``2^(-(t_last - t) / half_life)``, normalised per journey
    (the last touch stands for the conversion time).
position
    Position-based: ``first`` share to the first touch, ``last`` to the last,
    the rest split over the middle touches (40/20/40 by default); a one-touch
    journey gives all to it, a two-touch journey splits first/last in
    proportion to their shares.
markov
    Removal effect in a Markov chain of order k (default 1) over
    start -> touches -> conversion / null, estimated from all journeys
    (converted and not): the removal effect of a channel is the share of
    the conversion probability lost when its states lead to null; revenue
    is split in proportion to the removal effects.
shapley
    Shapley values of the coalition game ``v(S)`` = revenue of converted
    journeys whose channel set is a subset of S, computed over all 2^n
    coalitions by a subset-sum transform (at most 20 channels).
assists
    Per channel: converted journeys in which the channel appears before the
    last touch, and their revenue (not additive across channels).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

HEURISTICS = ("first_touch", "last_touch", "linear", "time_decay", "position")
MODELS = (*HEURISTICS, "markov", "shapley")
MAX_SHAPLEY_CHANNELS = 20


@dataclass(frozen=True, eq=False)
class Journeys:
    """Touches in compressed form.

    Attributes
    ----------
    channels : numpy.ndarray of int
        Channel code of each touch, journeys one after another, in time order.
    times : numpy.ndarray of float
        Touch times in days (any origin).
    offsets : numpy.ndarray of int
        Journey j's touches are ``channels[offsets[j]:offsets[j + 1]]``.
    converted : numpy.ndarray of bool
    revenue : numpy.ndarray of float
        Revenue of each journey (0 when not converted).
    names : tuple of str
        Channel name of each code.
    weights : numpy.ndarray, optional
        Weight of each journey (bootstrap resampling); 1 when omitted.
    counts : numpy.ndarray of int, optional
        How many identical journeys each row stands for (aggregated paths:
        same channels, conversion, revenue and touch gaps); 1 when omitted.
        Every model weights a row by its count, and the bootstrap draws a
        row's replicate weight as Poisson(count), the sum of ``count``
        independent Poisson(1) journey weights, so an aggregated table gives
        the same bootstrap distribution as the journeys it stands for.
    """

    channels: np.ndarray
    times: np.ndarray
    offsets: np.ndarray
    converted: np.ndarray
    revenue: np.ndarray
    names: tuple[str, ...]
    weights: np.ndarray | None = None
    counts: np.ndarray | None = None

    @property
    def journey_weights(self) -> np.ndarray:
        """Weight of each row in every model: its count times its bootstrap weight."""
        w = np.ones(self.n_journeys) if self.weights is None else self.weights
        return w if self.counts is None else w * self.counts

    @property
    def weighted_revenue(self) -> np.ndarray:
        return self.revenue if self.weights is None and self.counts is None else self.revenue * self.journey_weights

    @property
    def total_journeys(self) -> int:
        """Journeys the rows stand for (the sum of the counts)."""
        return self.n_journeys if self.counts is None else int(self.counts.sum())

    def replicate_weights(self, rng: np.random.Generator) -> np.ndarray:
        """One Poisson-bootstrap replicate's weight of each row: Poisson(1) a journey, Poisson(count) a row."""
        if self.counts is None:
            return rng.poisson(1.0, self.n_journeys).astype(float)
        return rng.poisson(self.counts).astype(float)

    @property
    def n_journeys(self) -> int:
        return len(self.offsets) - 1

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def journey_of_touch(self) -> np.ndarray:
        return np.repeat(np.arange(self.n_journeys), self.lengths)

    def reweighted(self, weights: np.ndarray) -> Journeys:
        """The same journeys with bootstrap weights that replace their counts (a replicate's weight of a row
        already counts its journeys, see :meth:`replicate_weights`)."""
        return Journeys(self.channels, self.times, self.offsets, self.converted, self.revenue, self.names,
                        np.asarray(weights, dtype=float))


def _position_in_journey(j: Journeys) -> tuple[np.ndarray, np.ndarray]:
    """(index of each touch within its journey, length of its journey)."""
    jt = j.journey_of_touch()
    pos = np.arange(len(j.channels)) - j.offsets[jt]
    return pos, j.lengths[jt]


def touch_weights(j: Journeys, model: str, *, half_life: float = 7.0, first: float = 0.4,
                  last: float = 0.4) -> np.ndarray:
    """Each touch's share of its journey's revenue under a heuristic model (shares sum to 1 per journey)."""
    pos, length = _position_in_journey(j)
    if model == "first_touch":
        return np.asarray(pos == 0, dtype=float)
    if model == "last_touch":
        return np.asarray(pos == length - 1, dtype=float)
    if model == "linear":
        return 1.0 / length
    if model == "time_decay":
        jt = j.journey_of_touch()
        t_last = j.times[j.offsets[1:] - 1][jt]
        w = np.power(2.0, -(t_last - j.times) / half_life)
        return np.asarray(w / np.bincount(jt, weights=w, minlength=j.n_journeys)[jt], dtype=float)
    if model == "position":
        middle = 1.0 - first - last
        w = np.where(pos == 0, first, np.where(pos == length - 1, last, middle / np.maximum(length - 2, 1)))
        w = np.where(length == 1, 1.0, w)
        w = np.where(length == 2, np.where(pos == 0, first, last) / (first + last), w)
        return w
    raise ValueError(f"unknown heuristic model {model!r}")


def heuristic_credit(j: Journeys, model: str, **kw: float) -> np.ndarray:
    """Revenue credited to each channel (array by channel code)."""
    jt = j.journey_of_touch()
    w = touch_weights(j, model, **kw) * j.weighted_revenue[jt]
    return np.bincount(j.channels, weights=w, minlength=len(j.names))


def assists(j: Journeys) -> tuple[np.ndarray, np.ndarray]:
    """(converted journeys assisted, their revenue) per channel: the channel appears before the last touch."""
    pos, length = _position_in_journey(j)
    jt = j.journey_of_touch()
    before = (pos < length - 1) & j.converted[jt]
    k = len(j.names)
    pair = np.unique(jt[before] * k + j.channels[before])  # each journey counts once per channel
    journeys, channels = pair // k, pair % k
    return (np.bincount(channels, weights=j.journey_weights[journeys], minlength=k),
            np.bincount(channels, weights=j.weighted_revenue[journeys], minlength=k))


def _states(j: Journeys, order: int) -> tuple[np.ndarray, int]:
    """State code of each touch: the last ``order`` channels (shorter at a journey's start)."""
    k = len(j.names)
    if order == 1:
        return j.channels.astype(np.int64), k
    pos, _ = _position_in_journey(j)
    code = np.zeros(len(j.channels), dtype=np.int64)
    base = k + 1  # digit 0 = "before the journey"
    for lag in range(order):
        shifted = np.roll(j.channels, lag) + 1
        valid = pos >= lag
        code = code * base + np.where(valid, shifted, 0)
    uniq, inv = np.unique(code, return_inverse=True)
    return inv.astype(np.int64), len(uniq)


@dataclass(frozen=True, eq=False)
class MarkovChain:
    """The transitions of an order-k Markov chain over journeys, counted once so that any journey weights
    (a bootstrap replicate) give the chain's counts by one sparse product.

    Attributes
    ----------
    incidence : scipy.sparse.csr_matrix
        Rows x distinct transitions: how often each row's journey makes each transition.
    src, dst : numpy.ndarray of int
        Source and destination state of each distinct transition; states are ``0..n_states-1``, then start,
        conversion and null.
    n_states : int
    state_channel : numpy.ndarray of int
        The channel of each state (its most recent channel).
    n_channels : int
    """

    incidence: Any
    src: np.ndarray
    dst: np.ndarray
    n_states: int
    state_channel: np.ndarray
    n_channels: int

    def counts(self, weights: np.ndarray) -> np.ndarray:
        """Weighted count of each distinct transition."""
        return np.asarray(self.incidence.T @ weights, dtype=float)

    def removal(self, weights: np.ndarray) -> tuple[float, np.ndarray]:
        """(conversion probability, removal effect per channel) with journey weights ``weights``."""
        from scipy.sparse import csr_matrix, identity
        from scipy.sparse.linalg import spsolve

        n_states = self.n_states
        start, conv = n_states, n_states + 1
        size = n_states + 3
        counts = csr_matrix((self.counts(weights), (self.src, self.dst)), shape=(size, size))
        out = np.asarray(counts.sum(axis=1)).ravel()
        transient = np.arange(n_states + 1)  # states and start
        denom = np.where(out[transient] > 0, out[transient], 1.0)
        q_all = csr_matrix(counts[transient][:, transient].multiply(1.0 / denom[:, None]))
        r_all = np.asarray(counts[transient][:, [conv]].todense()).ravel() / denom
        eye = identity(len(transient), format="csc")

        def p_conversion(removed: np.ndarray | None) -> float:
            q, r = q_all, r_all
            if removed is not None:  # transitions into removed states go to null instead
                keep = np.ones(len(transient))
                keep[removed] = 0.0
                q = csr_matrix(q_all.multiply(keep[None, :]))
                r = r_all.copy()
                r[removed] = 0.0
            absorb = spsolve((eye - q).tocsc(), r)
            return float(absorb[start])  # from start

        base = p_conversion(None)
        effects = np.zeros(self.n_channels)
        if base <= 0:
            return base, effects
        for c in range(self.n_channels):
            removed = np.flatnonzero(self.state_channel == c)
            if removed.size:
                effects[c] = 1.0 - p_conversion(removed) / base
        return base, effects


def markov_chain(j: Journeys, order: int = 1) -> MarkovChain:
    """Count the transitions of each row: start -> first state, state -> next state, last state -> conversion
    (converted journeys) or null."""
    from scipy.sparse import csr_matrix

    states, n_states = _states(j, order)
    state_channel = np.zeros(n_states, dtype=np.int64)
    state_channel[states] = j.channels  # the channel of each state: the most recent channel of its touch
    start, conv, null = n_states, n_states + 1, n_states + 2
    jt = j.journey_of_touch()
    nonempty = np.flatnonzero(j.lengths > 0)
    same = np.flatnonzero(np.diff(jt) == 0)
    rows = np.concatenate([nonempty, jt[same], nonempty])
    src = np.concatenate([np.full(len(nonempty), start), states[same], states[j.offsets[1:][nonempty] - 1]])
    dst = np.concatenate([states[j.offsets[:-1][nonempty]], states[same + 1],
                          np.where(j.converted[nonempty], conv, null)])
    size = n_states + 3
    pair, col = np.unique(src.astype(np.int64) * size + dst, return_inverse=True)
    incidence = csr_matrix((np.ones(len(rows)), (rows, col.ravel())), shape=(j.n_journeys, len(pair)))
    return MarkovChain(incidence, pair // size, pair % size, n_states, state_channel, len(j.names))


def markov_removal(j: Journeys, order: int = 1) -> tuple[float, np.ndarray]:
    """(conversion probability, removal effect per channel) of the order-k Markov chain.

    Transitions counted from all journeys (each weighted by :attr:`Journeys.journey_weights`): start -> first
    state, state -> next state, last state -> conversion (converted journeys) or null. The removal effect of a
    channel is the share of the conversion probability lost when its states lead to null.
    """
    return markov_chain(j, order).removal(j.journey_weights)


def markov_credit(j: Journeys, order: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(revenue per channel, removal effects) under the Markov model."""
    _, effects = markov_removal(j, order)
    return _split_by_effects(float(j.weighted_revenue[j.converted].sum()), effects), effects


def _split_by_effects(total: float, effects: np.ndarray) -> np.ndarray:
    """Revenue ``total`` split over channels in proportion to their removal effects (none when all are zero)."""
    if effects.sum() <= 0:
        return np.zeros_like(effects)
    return np.asarray(total * effects / effects.sum(), dtype=float)


def shapley_credit(j: Journeys) -> np.ndarray:
    """Shapley value of each channel in the game v(S) = revenue of converted journeys with channels in S."""
    from math import factorial

    k = len(j.names)
    if k > MAX_SHAPLEY_CHANNELS:
        raise ValueError(f"Shapley attribution handles at most {MAX_SHAPLEY_CHANNELS} channels (found {k}); "
                         "group rare channels first")
    jt = j.journey_of_touch()
    masks = np.zeros(j.n_journeys, dtype=np.int64)
    np.bitwise_or.at(masks, jt, np.left_shift(1, j.channels.astype(np.int64)))
    conv = j.converted & (masks > 0)
    value = np.bincount(masks[conv], weights=j.weighted_revenue[conv], minlength=1 << k).astype(float)
    for bit in range(k):  # zeta transform: v(S) = sum over T subset of S of r(T)
        step = 1 << bit
        view = value.reshape(-1, 2 * step)
        view[:, step:] += view[:, :step]
    sizes = np.array([bin(m).count("1") for m in range(1 << k)])
    weight = np.array([factorial(s) * factorial(k - s - 1) / factorial(k) if s < k else 0.0 for s in range(k + 1)])
    credit = np.zeros(k)
    all_masks = np.arange(1 << k)
    for c in range(k):
        without = all_masks[(all_masks >> c) & 1 == 0]
        credit[c] = float(np.sum(weight[sizes[without]] * (value[without | (1 << c)] - value[without])))
    return credit


def journey_credit(j: Journeys, model: str, channels: np.ndarray, *, half_life: float = 7.0, first: float = 0.4,
                   last: float = 0.4) -> np.ndarray:
    """Revenue of each journey credited to the channels in ``channels`` (a boolean mask by channel code) under a
    model that is linear in the journeys: the heuristics and Shapley.

    The Shapley value of the game ``v(S) = revenue of converted journeys whose channels all lie in S`` splits
    each journey's revenue equally over its distinct channels (the game is a sum of unanimity games), so a
    channel set's credit is a weighted sum over journeys and a bootstrap replicate is one dot product.
    Markov credit is not linear in the journeys (see :func:`markov_credit`). An aggregated row gives the
    credit of one of its journeys (weight it by its count).
    """
    jt = j.journey_of_touch()
    if model == "shapley":
        codes = j.channels.astype(np.int64)
        _, idx = np.unique(jt.astype(np.int64) * len(j.names) + codes, return_index=True)
        first_seen = np.zeros(len(codes), dtype=bool)  # each distinct channel of a journey once
        first_seen[idx] = True
        distinct = np.bincount(jt, weights=first_seen, minlength=j.n_journeys)
        chosen = np.bincount(jt, weights=first_seen & channels[codes], minlength=j.n_journeys)
        return np.where(j.converted & (distinct > 0), j.revenue * chosen / np.maximum(distinct, 1), 0.0)
    share = np.bincount(jt, weights=touch_weights(j, model, half_life=half_life, first=first, last=last)
                        * channels[j.channels], minlength=j.n_journeys)
    return np.asarray(j.revenue * share, dtype=float)


def bootstrap_credit(j: Journeys, models: tuple[str, ...], channels: np.ndarray, replicates: int,
                     rng: np.random.Generator, *, half_life: float = 7.0, first: float = 0.4, last: float = 0.4,
                     order: int = 1) -> dict[str, np.ndarray]:
    """Revenue credited to the channels in ``channels`` under each model, in ``replicates`` Poisson-bootstrap
    replicates over journeys (each journey weighted by a Poisson(1) count, each aggregated row by a
    Poisson(count) one; the same weights for every model).

    Linear models (:func:`journey_credit`) cost one dot product a replicate; Markov is refitted on each from
    transition counts that are one sparse product of the weights (:class:`MarkovChain`)."""
    linear = {m: journey_credit(j, m, channels, half_life=half_life, first=first, last=last)
              for m in models if m != "markov"}
    out = {m: np.empty(replicates) for m in models}
    chain = markov_chain(j, order) if "markov" in out else None
    converted_revenue = np.where(j.converted, j.revenue, 0.0)
    for b in range(replicates):
        w = j.replicate_weights(rng)
        for m, v in linear.items():
            out[m][b] = float(w @ v)
        if chain is not None:
            _, effects = chain.removal(w)
            out["markov"][b] = float(_split_by_effects(float(w @ converted_revenue), effects)[channels].sum())
    return out


def credit(j: Journeys, model: str, *, half_life: float = 7.0, first: float = 0.4, last: float = 0.4,
           order: int = 1) -> np.ndarray:
    """Revenue per channel (by code) under ``model``."""
    if model in HEURISTICS:
        return heuristic_credit(j, model, half_life=half_life, first=first, last=last)
    if model == "markov":
        return markov_credit(j, order)[0]
    if model == "shapley":
        return shapley_credit(j)
    raise ValueError(f"unknown model {model!r}; use one of {', '.join(MODELS)}")
