"""Segment lifts in money: what engaged customers produced beyond what they would have without engagement.

For each outcome, :mod:`socialroi.models.att` (or :mod:`socialroi.models.survival`
for durations) estimates the effect on the engaged by every method; the
chosen method's effect (doubly robust by default) becomes money, with draws
from its normal sampling distribution:

retention (binary retained flag)
    extra retained customers = effect x engaged customers; value =
    extra x annual value x annuity(horizon years, discount rate), where
    annuity = sum over years k = 1..H of 1 / (1 + r)^k (H may be fractional).
retention (duration: tenure and churn event)
    the same, with the effect on survival at the horizon.
upsell (binary)
    extra upsells = effect x engaged customers; value = extra x value per upsell.
deal_size (amount)
    per-deal difference x engaged deals in the period (default: engaged
    customers with a deal).
time_to_close (duration: days to a won deal, open deals censored)
    days saved per deal d (restricted mean up to the horizon); value of
    earlier cash per deal = deal value x (1 - (1 + r)^(-d / 365)); times
    engaged deals.

All segment components are soft: inferred, not money that changed hands.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from socialroi.models.text import Count, Num, Share, Text, Word
from socialroi.valuation.customers import read_customers, yes_no
from socialroi.valuation.errors import InputError
from socialroi.valuation.estimate import DEFAULT_DRAWS, Lever, ValueEstimate, normal_draws, records
from socialroi.valuation.finance import annuity
from socialroi.valuation.notebook import Printable
from socialroi.valuation.tables import as_table

KINDS = ("binary", "amount", "amount_with_zeros", "continuous", "count", "duration")
TIME_UNITS = {"days": 365.25, "weeks": 365.25 / 7, "months": 12.0, "years": 1.0}  # units per year
# names of binary columns that usually count a loss: valuing them as retention needs the direction said
_LOSS_NAME = re.compile(r"churn|cancel|attrition|lapse|lost|quit|unsubscrib|defect|closed_account", re.IGNORECASE)
SMALL_SKEWED = 50  # engaged customers below which a skewed amount's normal interval is doubtful
VALUES = ("retention", "upsell", "deal_size", "time_to_close", "none")
TINY_GROUP = 30


@dataclass(frozen=True)
class OutcomeSpec:
    """One outcome and how its lift becomes money.

    Parameters
    ----------
    name : str
        Label (e.g. ``"retention"``).
    column : str
        Outcome column (the time column for ``kind="duration"``).
    kind : {"binary", "amount", "continuous", "count", "duration"}
    value : {"retention", "upsell", "deal_size", "time_to_close", "none"}
        How the lift is valued (``"none"``: reported, not valued).
    event : str, optional
        Event column for durations (1/true = churned or deal won; else censored).
    horizon : float, optional
        Durations: time at which effects are compared, in the column's units.
    annual_value : float, optional
        Retention: value of one retained customer per year (currency).
    horizon_years : float
        Retention: years of value counted (default 1).
    discount_rate : float
        Annual discount rate (retention annuity, value of earlier cash).
    value_per_event : float, optional
        Upsell: value of one upsell (currency).
    deals : float, optional
        Deal size and time to close: engaged deals in the period.
    deal_value : float, optional
        Time to close: value of one deal (default: mean deal size of the
        engaged, when a deal-size outcome exists, else required).
    higher_is_better : bool, optional
        Direction of the outcome. ``False`` for a churn or cancellation flag
        (1 = lost): the lift is then valued with its sign turned, so fewer
        churned customers count as a gain. Not given: higher is better, with
        a warning when a binary column valued as retention or upsell is
        named like churn, cancel or attrition.
    time_unit : {"days", "weeks", "months", "years"}
        Unit of a duration column and its horizon; the value of earlier cash
        (time to close) converts with it. Default days.

    Notes
    -----
    ``kind = "amount"`` needs positive amounts (a log-link gamma model: ratio
    of means); ``"amount_with_zeros"`` takes zeros as real amounts (customers
    who spent nothing) and uses a log-link quasi-Poisson model, whose ratio
    of means needs no distributional assumption.
    """

    name: str
    column: str
    kind: str
    value: str = "none"
    event: str | None = None
    horizon: float | None = None
    annual_value: float | None = None
    horizon_years: float = 1.0
    discount_rate: float = 0.0
    value_per_event: float | None = None
    deals: float | None = None
    deal_value: float | None = None
    higher_is_better: bool | None = None
    time_unit: str = "days"

    @property
    def sign(self) -> float:
        """+1 when a higher outcome is better, -1 when lower is better."""
        return -1.0 if self.higher_is_better is False else 1.0

    def __post_init__(self) -> None:
        where = f"outcome '{self.name}'"
        if self.kind not in KINDS:
            raise InputError(f"{where}: kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.value not in VALUES:
            raise InputError(f"{where}: value must be one of {', '.join(VALUES)}, got {self.value!r}")
        if self.kind == "duration" and (not self.event or self.horizon is None or not self.horizon > 0):
            raise InputError(f"{where}: a duration needs an event column and a positive horizon")
        needs = {"retention": "annual_value", "upsell": "value_per_event"}
        if self.value in needs and getattr(self, needs[self.value]) is None:
            raise InputError(f"{where}: value '{self.value}' needs {needs[self.value]}")
        if self.time_unit not in TIME_UNITS:
            raise InputError(f"{where}: time_unit must be one of {', '.join(TIME_UNITS)}, got {self.time_unit!r}")
        if self.higher_is_better is not None and not isinstance(self.higher_is_better, bool):
            raise InputError(f"{where}: higher_is_better must be true or false, got {self.higher_is_better!r}")
        if self.kind == "duration" and self.higher_is_better is not None:
            raise InputError(f"{where}: a duration's direction follows from its value (retention: the event is "
                             "churn; time_to_close: the event is a won deal); drop higher_is_better")
        allowed = {"retention": ("binary", "duration"), "upsell": ("binary",),
                   "deal_size": ("amount", "amount_with_zeros", "continuous"),
                   "time_to_close": ("duration",), "none": KINDS}
        if self.kind not in allowed[self.value]:
            raise InputError(f"{where}: value '{self.value}' needs an outcome of kind "
                             f"{' or '.join(allowed[self.value])}, not {self.kind}")
        for name in ("annual_value", "value_per_event", "deals", "deal_value", "horizon_years"):
            v = getattr(self, name)
            if v is not None and not (isinstance(v, (int, float)) and v >= 0 and math.isfinite(v)):
                raise InputError(f"{where}: {name} must be a non-negative number, got {v!r}")
        if not -0.99 < self.discount_rate < 10:
            raise InputError(f"{where}: discount_rate must be a yearly rate such as 0.08, got {self.discount_rate}")


@dataclass(frozen=True)
class SegmentSpec:
    """Columns and options of a segment analysis.

    Parameters
    ----------
    engaged : str, optional
        Engagement flag column (1/0, true/false, yes/no).
    score, threshold : str, float, optional
        Or: an engagement score column and the threshold at or above which a
        customer counts as engaged.
    covariates : sequence of str
        Adjustment covariates; text columns are categorical; ``log(column)``
        uses the logarithm of a positive column.
    categorical : sequence of str
        Numeric covariates to treat as categorical.
    outcomes : sequence of OutcomeSpec
    id : str, optional
        Customer id column (duplicates are an error).
    cluster : str, optional
        Account column for clustered standard errors.
    method : str
        Method whose effect is valued: naive, regression, weighting or
        doubly_robust (default).
    trim : float, optional
        Propensity trimming bound (e.g. 0.01).
    engaged_value : str, optional
        With ``engaged``: the value of that column that marks an engaged
        customer (for a column with several arms, e.g. a segment column of an
        e-mail experiment); otherwise the column is a yes/no flag.
    reference_value : str, optional
        With ``engaged_value``: the value of the comparison group; rows with
        any other value are left out (and counted in a warning). Default:
        every other value.
    drop_incomplete : bool
        Leave out customers with a blank covariate (counted in a warning)
        instead of refusing the table.
    bootstrap : int
        Bootstrap replicates (resampling customers, or accounts when
        ``cluster`` is given) for the intervals of amount and continuous
        outcomes; 0 uses the sandwich's normal interval.
    """

    covariates: Sequence[str]
    outcomes: Sequence[OutcomeSpec]
    engaged: str | None = None
    score: str | None = None
    threshold: float | None = None
    categorical: Sequence[str] = ()
    id: str | None = None
    cluster: str | None = None
    method: str = "doubly_robust"
    trim: float | None = None
    engaged_value: str | None = None
    reference_value: str | None = None
    drop_incomplete: bool = False
    bootstrap: int = 0

    def __post_init__(self) -> None:
        from socialroi.models.att import METHODS

        if self.engaged_value is not None and self.engaged is None:
            raise InputError("an engaged value needs the engaged column it belongs to")
        if self.reference_value is not None and self.engaged_value is None:
            raise InputError("a reference value needs an engaged value (COLUMN=VALUE)")
        if self.reference_value is not None and self.reference_value == self.engaged_value:
            raise InputError("the engaged and reference values must differ")
        if not (isinstance(self.bootstrap, int) and 0 <= self.bootstrap <= 100_000) or 0 < self.bootstrap < 100:
            raise InputError(f"bootstrap must be 0 (off) or a number of replicates from 100 to 100,000, got "
                             f"{self.bootstrap!r}")
        if (self.engaged is None) == (self.score is None):
            raise InputError("give either an engaged flag column or an engagement score column with a threshold")
        if self.score is not None and self.threshold is None:
            raise InputError("an engagement score needs a threshold")
        if self.method not in METHODS:
            raise InputError(f"method must be one of {', '.join(METHODS)}, got {self.method!r}")
        if self.trim is not None and not 0 <= self.trim < 0.5:
            raise InputError(f"trim must be between 0 and 0.5, got {self.trim}")
        if not self.outcomes:
            raise InputError("give at least one outcome")
        names = [o.name for o in self.outcomes]
        if len(set(names)) != len(names):
            raise InputError("outcome names must be different from each other")


@dataclass(frozen=True, eq=False)
class SegmentAnalysis(Printable):
    """Result of :func:`analyse_segments`.

    Attributes
    ----------
    effects : pandas.DataFrame
        The lift table: one row per outcome and method (estimate, interval,
        p-value, ratio, n per group, E-values, availability and reason).
    durations : pandas.DataFrame
        Cox results per duration outcome (hazard ratio, survival and time
        differences at the horizon).
    balance : pandas.DataFrame
        Standardised mean differences before and after weighting.
    overlap : dict
        Propensity summaries, effective sample size, extreme weights.
    estimates : tuple of ValueEstimate
        Money components (soft), one per valued outcome.
    warnings : tuple of str
    """

    effects: Any
    durations: Any
    balance: Any
    overlap: Mapping[str, Any]
    estimates: tuple[ValueEstimate, ...]
    warnings: tuple[str, ...] = field(default=())

    def to_frame(self):
        """The lift table."""
        return self.effects.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "effects": records(self.effects),
            "durations": records(self.durations),
            "balance": records(self.balance),
            "overlap": self.overlap,
            "estimates": [e.to_dict() for e in self.estimates],
            "warnings": list(self.warnings),
        }

    def summary(self) -> str:
        """Readable lines: every lift (outcome, method, effect and interval), the valued components and warnings."""
        lines = [f"{r.outcome} ({r.method.replace('_', ' ')}): {r.estimate:,.4f} [{r.lower:,.4f}, {r.upper:,.4f}], "
                 f"p = {r.p_value:.3g}" for r in self.effects.itertuples() if r.available]
        lines += [f"{r.outcome} (Cox): hazard ratio {r.hazard_ratio:.3f} [{r.hr_lower:.3f}, {r.hr_upper:.3f}]"
                  for r in self.durations.itertuples() if getattr(r, "available", True)]
        lines += [e.summary() for e in self.estimates]
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)



def _outcome_values(table, o: OutcomeSpec, resolved) -> tuple[np.ndarray, np.ndarray | None]:
    from socialroi.valuation.numbers import parse_numbers

    col = resolved[o.column]
    if o.kind == "binary":
        values = _flag_or_number(table, col)
    else:
        values = parse_numbers(table.data.column(col), file=table.name, column=col, allow_blank=True,
                               allow_negative=o.kind == "continuous").values
        if o.kind == "amount":
            zero = np.flatnonzero(values == 0)
            if zero.size:
                raise InputError("an amount of zero; leave the cell blank for customers without a deal, or, if "
                                 "zeros are real amounts (customers who spent nothing), declare the outcome as "
                                 "amount_with_zeros (a ratio-of-means model that takes zeros)", file=table.name,
                                 column=col, row=int(zero[0]) + 1)
        if o.kind == "duration":
            bad = np.flatnonzero(values <= 0)
            if bad.size:
                raise InputError("durations must be positive", file=table.name, column=col, row=int(bad[0]) + 1)
    event = None
    if o.kind == "duration":
        event = _flag_or_number(table, resolved[o.event])
    return values, event


def _flag_or_number(table, col) -> np.ndarray:
    """A 0/1 outcome with blanks as NaN; anything else is an error naming the row."""
    return yes_no(table, col, blank_ok=True, what="0/1 (a binary outcome); use 1/0, true/false or yes/no, or "
                                                  "declare the outcome as amount or continuous")


def analyse_segments(
    customers: Any,
    spec: SegmentSpec,
    *,
    currency: str = "USD",
    seed: int = 0,
    n_draws: int = DEFAULT_DRAWS,
    level: float = 0.95,
) -> SegmentAnalysis:
    """Estimate each outcome's lift among engaged customers and value it.

    Parameters
    ----------
    customers : path or DataFrame
        One row per customer.
    spec : SegmentSpec
        Columns, outcomes and options.
    currency : str
        Currency of the money parameters (annual value, deal values); the
        components are in it.
    seed, n_draws : int
        Seed of the run and number of draws.

    Raises
    ------
    InputError
        Missing columns, a non-binary value in a binary outcome, negative
        amounts, blank covariates, duplicate ids, or an empty group.
    """
    import pandas as pd

    from socialroi.models.att import estimate_att
    from socialroi.models.design import build_design
    from socialroi.models.glm import EstimationError
    from socialroi.models.survival import cox_att
    from socialroi.models.weighting import balance_table, fit_propensity

    table = as_table(customers, {}, name="customer table")
    frame, engaged, resolved, rows, notes = read_customers(table, spec)
    n1, n0 = int(engaged.sum()), int((~engaged).sum())
    if n1 == 0 or n0 == 0:
        group = "engaged" if n1 == 0 else "non-engaged"
        raise InputError(f"no {group} customers, so there is nothing to compare; check the engagement column "
                         "or threshold", file=table.name)
    warnings: list[str] = list(notes)
    if min(n1, n0) < TINY_GROUP:
        warnings.append(Text("tiny segment: {engaged} engaged and {other} non-engaged customers; estimates are "
                             "fragile (fewer than {tiny} in a group)", engaged=Count(n1), other=Count(n0),
                             tiny=Count(TINY_GROUP)))
    try:
        design = build_design(frame, list(spec.covariates), categorical=spec.categorical)
    except ValueError as exc:
        raise InputError(str(exc), file=table.name) from None
    warnings.extend(design.warnings)
    clusters = frame["__cluster__"].to_numpy() if spec.cluster else None
    ps = None
    try:
        ps = fit_propensity(engaged, design, trim=spec.trim)
        warnings.extend(ps.warnings)
        balance = balance_table(_subset(design, ps.keep), engaged[ps.keep], ps.weights[ps.keep])
        bad = balance[balance["imbalanced"]]
        if len(bad):
            worst = ", ".join(f"{r.covariate} {r.smd_after:+.2f}" for r in bad.head(3).itertuples())
            warnings.append(Text("after weighting, {n} covariate column(s) still differ by more than 0.1 standardised "
                                 "mean difference ({worst}); the engagement model may be misspecified (try "
                                 "log(column) for skewed sizes, or trim)", n=Count(len(bad)), worst=worst))
    except EstimationError as exc:
        warnings.append(f"the engagement (propensity) model cannot be fitted: {exc}; weighting and doubly robust "
                        "estimates are not available")
        balance = pd.DataFrame()

    effect_rows: list[dict] = []
    duration_rows: list[dict] = []
    estimates: list[ValueEstimate] = []
    deal_means: dict[str, float] = {}
    for o in spec.outcomes:
        y, event = _outcome_values(table, o, resolved)
        y = y[rows]
        event = None if event is None else event[rows]
        if o.kind == "binary" and o.value in ("retention", "upsell") and o.higher_is_better is None \
                and _LOSS_NAME.search(o.column):
            warnings.append(Text("{outcome}: column '{column}' is valued as {value} with 1 counted as the good outcome, "
                                 "but its name suggests 1 means a loss; if 1 means the customer left, say so with "
                                 "--lower-is-better (command line) or higher_is_better = false (project file)",
                                 outcome=o.name, column=o.column, value=Word(str(o.value).replace("_", " "))))
        present = ~np.isnan(y) if event is None else ~np.isnan(y) & ~np.isnan(event)
        sub_engaged = engaged[present]
        m1, m0 = int(sub_engaged.sum()), int((~sub_engaged).sum())
        if m1 == 0 or m0 == 0:
            warnings.append(Text("{outcome}: no {group} customer has a value; the lift cannot be estimated",
                                 outcome=o.name, group=Word("engaged" if m1 == 0 else "non-engaged")))
            continue
        if min(m1, m0) < TINY_GROUP:
            warnings.append(Text("{outcome}: tiny segment ({engaged} engaged, {other} non-engaged with a value)",
                                 outcome=o.name, engaged=Count(m1), other=Count(m0)))
        sub_design = _subset(design, present)
        sub_cl = None if clusters is None else clusters[present]
        if o.kind == "duration":
            assert o.horizon is not None and event is not None  # OutcomeSpec requires them for durations
            try:
                h = cox_att(y[present], event[present].astype(bool), sub_engaged, sub_design, horizon=float(o.horizon),
                            outcome=o.name, clusters=sub_cl, level=level)
            except EstimationError as exc:
                warnings.append(Text("{outcome}: {reason}", outcome=o.name, reason=exc.args[0]))
                continue
            duration_rows.append(h.to_dict())
            engaged_events = int(event[present][sub_engaged].sum())
            est = _value_duration(o, h, m1, engaged_events, deal_means, currency, seed, n_draws, level)
        else:
            sub_ps = _subset_ps(ps, present, sub_engaged, sub_design, spec.trim) if ps is not None else None
            methods = ("naive", "regression", "weighting", "doubly_robust") if sub_ps is not None else \
                ("naive", "regression")
            if sub_ps is None:  # naive and regression need no propensity
                from socialroi.models.weighting import PropensityFit

                sub_ps = PropensityFit.unused(int(present.sum()))
            try:
                effects = estimate_att(y[present], sub_engaged, sub_design, sub_ps, outcome=o.name, kind=o.kind,
                                       methods=methods, clusters=sub_cl, level=level)
            except EstimationError as exc:
                warnings.append(Text("{outcome}: {reason}", outcome=o.name, reason=exc.args[0]))
                continue
            replicates = None
            if o.kind in ("amount", "amount_with_zeros", "continuous"):
                if o.kind != "continuous":
                    deal_means[o.name] = float(np.nanmean(y[present][sub_engaged]))
                skew = _skewness(y[present][sub_engaged])
                if m1 < SMALL_SKEWED and skew > 2 and not spec.bootstrap:
                    warnings.append(Text("{outcome}: only {n} engaged customers with a skewed amount (skewness "
                                         "{skew}); the normal interval may be too narrow, use --bootstrap 2000 "
                                         "(command line) or bootstrap = 2000 in [segments] (project file)",
                                         outcome=o.name, n=Count(m1), skew=Num(skew, 1)))
                chosen = next((e for e in effects if e.method == spec.method), None)
                if spec.bootstrap and chosen is not None and chosen.available:
                    boot, replicates = _bootstrapped(chosen, y[present], sub_engaged, sub_design, o.kind, spec,
                                                     sub_cl, seed, level)
                    effects = [boot if e is chosen else e for e in effects]
            for e in effects:
                row = e.to_dict()
                row["kind"] = o.kind
                effect_rows.append(row)
                if not e.available:
                    warnings.append(Text("{outcome} ({method}): {reason}", outcome=o.name,
                                         method=Word(e.method.replace("_", " ")), reason=e.reason))
            chosen = next((e for e in effects if e.method == spec.method), None)
            if chosen is None or not chosen.available:
                if o.value != "none":
                    warnings.append(Text("{outcome}: the {method} estimate is not available, so the lift is not "
                                         "valued", outcome=o.name, method=Word(spec.method.replace("_", " "))))
                continue
            est = _value_effect(o, chosen, m1, currency, seed, n_draws, level, spec.method, replicates)
        if est is not None:
            estimates.append(est)
    effects_frame = pd.DataFrame(effect_rows)
    if not effects_frame.empty:
        effects_frame = effects_frame[["outcome", "kind", "method", "estimate", "lower", "upper", "p_value", "se",
                                       "treated_mean", "counterfactual_mean", "ratio", "ratio_lower", "ratio_upper",
                                       "n_engaged", "n_not_engaged", "evalue", "evalue_ci", "available", "reason"]]
    return SegmentAnalysis(effects_frame, pd.DataFrame(duration_rows), balance, ps.overlap if ps else {},
                           tuple(estimates), tuple(dict.fromkeys(warnings)))


def _subset(design, mask):
    from socialroi.models.design import Design

    if mask.all():
        return design
    return Design(design.matrix[mask], design.names, design.sources, design.dropped, design.warnings)


def _subset_ps(ps, mask, sub_engaged, sub_design, trim):
    """Propensity for the rows that have the outcome: refit when rows are missing (the covariate
    distribution of those customers differs), reuse otherwise."""
    from socialroi.models.glm import EstimationError
    from socialroi.models.weighting import fit_propensity

    if mask.all():
        return ps
    try:
        return fit_propensity(sub_engaged, sub_design, trim=trim)
    except EstimationError:
        return None


def _skewness(values: np.ndarray) -> float:
    """Sample skewness (0 for fewer than three values or no spread)."""
    v = values[~np.isnan(values)]
    if v.size < 3 or v.std() == 0:
        return 0.0
    return float(np.mean((v - v.mean()) ** 3) / v.std() ** 3)


def _bootstrapped(e, y, engaged, design, kind, spec: SegmentSpec, clusters, seed, level):
    """The chosen method's effect with a percentile bootstrap interval.

    Customers (or, with ``cluster``, whole accounts) are resampled with
    replacement and the whole estimate refitted, propensity model included,
    ``spec.bootstrap`` times; replicates whose models cannot be fitted are
    dropped and counted in ``reason``. The point estimate stays the full-data
    one; ``se`` is the replicates' standard deviation.

    Returns the updated Effect and the replicate effects.
    """
    from dataclasses import replace

    from socialroi.models.att import estimate_att
    from socialroi.models.design import Design
    from socialroi.models.glm import EstimationError
    from socialroi.models.weighting import PropensityFit, fit_propensity
    from socialroi.valuation.estimate import rng_for

    rng = rng_for(seed, f"bootstrap:{e.outcome}")
    n = len(y)
    if clusters is not None:
        _, cl_index = np.unique(clusters, return_inverse=True)
        members = [np.flatnonzero(cl_index == g) for g in range(int(cl_index.max()) + 1)]
    reps: list[float] = []
    failed = 0
    for _ in range(spec.bootstrap):
        if clusters is None:
            idx = rng.integers(0, n, n)
        else:
            idx = np.concatenate([members[g] for g in rng.integers(0, len(members), len(members))])
        t = engaged[idx]
        if t.all() or not t.any():
            failed += 1
            continue
        d = Design(design.matrix[idx], design.names, design.sources)
        try:
            if spec.method in ("weighting", "doubly_robust"):
                ps = fit_propensity(t, d, trim=spec.trim)
            else:
                ps = PropensityFit.unused(len(idx))
            (b,) = estimate_att(y[idx], t, d, ps, kind=kind, methods=[spec.method], level=level)
        except EstimationError:
            failed += 1
            continue
        if b.available and np.isfinite(b.estimate):
            reps.append(b.estimate)
        else:
            failed += 1
    values = np.asarray(reps)
    if values.size < 0.9 * spec.bootstrap:
        return replace(e, reason=Text("bootstrap: only {n} of {total} replicates could be fitted; the sandwich interval "
                                      "is kept", n=Count(values.size), total=Count(spec.bootstrap))), None
    tail = (1 - level) / 2
    lo, hi = np.quantile(values, [tail, 1 - tail])
    note = (Text("percentile bootstrap interval, {n} replicates ({failed} failed)", n=Count(values.size),
                 failed=Count(failed)) if failed else Text("percentile bootstrap interval, {n} replicates",
                                                          n=Count(values.size)))
    return replace(e, lower=float(lo), upper=float(hi), se=float(values.std(ddof=1)), reason=note), values


def _value_effect(o: OutcomeSpec, e, n_engaged: int, currency, seed, n_draws, level, method,
                  replicates: np.ndarray | None = None) -> ValueEstimate | None:
    if o.value == "none":
        return None
    component = f"segment_{o.name}"
    if replicates is not None:  # bootstrap: resample the replicate effects on the component's own stream
        from socialroi.valuation.estimate import rng_for

        draws = rng_for(seed, component).choice(replicates, size=int(n_draws), replace=True)
    else:
        draws = normal_draws(e.estimate, e.se, component, seed, n_draws)
    sign = o.sign  # a lower outcome is the gain when lower is better (churn flags)
    direction = Word("" if sign > 0 else " (lower is better: the fall in the outcome is the gain)")
    assumptions: dict[str, Any]
    if o.value == "retention":
        assert o.annual_value is not None  # OutcomeSpec requires it for retention
        factor = n_engaged * o.annual_value * annuity(o.horizon_years, o.discount_rate)
        how = Text("extra retained customers (effect on the engaged x {n} engaged) x annual value {value} x "
                   "{years}-year annuity at {rate}", n=Count(n_engaged), value=Num(o.annual_value),
                   years=Num(o.horizon_years, None), rate=Share(o.discount_rate))
        assumptions = {"annual_value": o.annual_value, "horizon_years": o.horizon_years,
                       "discount_rate": o.discount_rate, "engaged_customers": n_engaged}
    elif o.value == "upsell":
        assert o.value_per_event is not None  # OutcomeSpec requires it for upsell
        factor = n_engaged * o.value_per_event
        how = Text("extra upsells (effect x {n} engaged) x value per upsell {value}", n=Count(n_engaged),
                   value=Num(o.value_per_event))
        assumptions = {"value_per_event": o.value_per_event, "engaged_customers": n_engaged}
    else:  # deal_size
        deals = o.deals if o.deals is not None else n_engaged
        factor = deals
        how = Text("difference per deal x {deals} engaged deals", deals=Count(deals))
        assumptions = {"deals": deals}
    return ValueEstimate.from_draws(
        component, "soft", currency, sign * e.estimate * factor, sign * draws * factor, level=level,
        label=f"Segment lift: {o.name}",
        method=Text("{method} estimate of the effect on the engaged{direction}; {how}",
                    method=Word(method.replace("_", " ")), direction=direction, how=how),
        assumptions={**assumptions, "method": method, "outcome_column": o.column,
                     "higher_is_better": o.higher_is_better is not False},
        diagnostics={"effect": e.estimate, "effect_se": e.se, "effect_interval": [e.lower, e.upper],
                     "p_value": e.p_value, "evalue": e.evalue, "evalue_ci": e.evalue_ci,
                     "n_engaged": e.n_engaged, "n_not_engaged": e.n_not_engaged},
        warnings=(() if e.p_value < 0.05 else
                  (Text("the {outcome} effect is not statistically distinguishable from zero (p = {p})",
                        outcome=o.name, p=Num(e.p_value, 2)),)),
        levers=segment_levers(o.name, assumptions), evidence="observational",
    )


def segment_levers(name: str, assumptions: Mapping[str, Any]) -> tuple[Lever, ...]:
    """The scenario levers of a segment-lift component: the effect, and each money assumption it used."""
    out = [Lever(f"segments.{name}.effect_multiplier", 1.0, "multiplier on the estimated effect")]
    out += [Lever(f"segments.{name}.{key}", float(assumptions[key]), key.replace("_", " "))
            for key in ("annual_value", "value_per_event", "deals", "deal_value") if assumptions.get(key)]
    if "annual_value" in assumptions:
        pair = (f"segments.{name}.horizon_years", f"segments.{name}.discount_rate")
        out += [Lever(pair[0], float(assumptions["horizon_years"]), "years a retained customer's value counts",
                      "annuity", pair),
                Lever(pair[1], float(assumptions["discount_rate"]), "yearly discount rate", "annuity", pair)]
    return tuple(out)


def _value_duration(o: OutcomeSpec, h, n_engaged, engaged_events, deal_means, currency, seed, n_draws,
                    level) -> ValueEstimate | None:
    if o.value == "none":
        return None
    component = f"segment_{o.name}"
    assumptions: dict[str, Any]
    if o.value == "retention":
        draws = normal_draws(h.survival_difference, h.survival_difference_se, component, seed, n_draws)
        factor = n_engaged * o.annual_value * annuity(o.horizon_years, o.discount_rate)
        point = h.survival_difference * factor
        money = draws * factor
        how = Text("extra customers retained at {horizon} {unit} (Cox model) x {n} engaged x annual value {value} x "
                   "{years}-year annuity", horizon=Num(float(o.horizon or 0), None), unit=Word(o.time_unit),
                   n=Count(n_engaged), value=Num(float(o.annual_value or 0)), years=Num(o.horizon_years, None))
        assumptions = {"annual_value": o.annual_value, "horizon_years": o.horizon_years,
                       "discount_rate": o.discount_rate, "horizon": o.horizon}
    else:  # time to close
        deal_value = o.deal_value
        if deal_value is None:
            if not deal_means:
                raise InputError(f"outcome '{o.name}': give deal_value (or a deal-size outcome to take it from)")
            deal_value = next(iter(deal_means.values()))
        deals = o.deals if o.deals is not None else engaged_events  # default: deals the engaged won
        days = normal_draws(h.time_saved, h.time_saved_se, component, seed, n_draws)  # positive = closes faster

        per_year = TIME_UNITS[o.time_unit]

        def value(d):
            return deals * deal_value * (1 - (1 + o.discount_rate) ** (-np.asarray(d) / per_year))

        point = float(value(h.time_saved))
        money = value(days)
        how = Text("{unit} to close saved per deal (restricted mean up to {horizon} {unit}, Cox model) valued as "
                   "earlier cash: {deals} deals x {value} x (1 - (1 + {rate})^(-{unit}/{per_year}))",
                   unit=Word(o.time_unit), horizon=Num(float(o.horizon or 0), None), deals=Count(deals), value=Num(deal_value),
                   rate=Num(o.discount_rate, None), per_year=Num(per_year, None))
        assumptions = {"deal_value": deal_value, "deals": deals, "discount_rate": o.discount_rate,
                       "horizon": o.horizon, "time_unit": o.time_unit}
    return ValueEstimate.from_draws(
        component, "soft", currency, point, money, level=level, label=f"Segment lift: {o.name}",
        method=how, assumptions=assumptions, levers=segment_levers(o.name, assumptions), evidence="observational",
        diagnostics={"hazard_ratio": h.hazard_ratio, "hr_interval": [h.hr_lower, h.hr_upper], "p_value": h.p_value,
                     "survival_difference": h.survival_difference, "time_saved": h.time_saved,
                     "evalue": h.evalue, "evalue_ci": h.evalue_ci},
    )
