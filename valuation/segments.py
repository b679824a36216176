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

from socialroi.valuation.errors import InputError
from socialroi.valuation.estimate import DEFAULT_DRAWS, ValueEstimate, normal_draws, records
from socialroi.valuation.tables import as_table, fold_name

KINDS = ("binary", "amount", "continuous", "count", "duration")
VALUES = ("retention", "upsell", "deal_size", "time_to_close", "none")
_TRUE = {"1", "1.0", "true", "yes", "y", "t", "engaged"}
_FALSE = {"0", "0.0", "false", "no", "n", "f", "not engaged", ""}
TINY_GROUP = 30
_LOG = re.compile(r"log\((.+)\)")


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
        allowed = {"retention": ("binary", "duration"), "upsell": ("binary",), "deal_size": ("amount", "continuous"),
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

    def __post_init__(self) -> None:
        from socialroi.models.att import METHODS

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
class SegmentAnalysis:
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
        """Readable lines: the valued components and warnings."""
        lines = [e.summary() for e in self.estimates]
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def annuity(years: float, rate: float) -> float:
    """Present value of 1 per year for ``years`` years at ``rate`` (end of year; fractional last year)."""
    if years <= 0:
        return 0.0
    if rate == 0:
        return float(years)
    return float((1 - (1 + rate) ** (-years)) / rate)


def _yes_no(table, column: str, *, blank_ok: bool, what: str) -> np.ndarray:
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
    return _yes_no(table, column, blank_ok=False, what="a yes/no flag; use 1/0, true/false or yes/no") == 1.0


def _frame(table, spec: SegmentSpec):
    """Read and check every column the analysis uses; return a DataFrame and flags."""
    import pandas as pd

    needed = list(dict.fromkeys([
        *(_LOG.sub(r"\1", c) for c in spec.covariates), *([spec.engaged] if spec.engaged else []), *([spec.score] if spec.score else []),
        *([spec.id] if spec.id else []), *([spec.cluster] if spec.cluster else []),
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
    data: dict[str, Any] = {}
    if spec.engaged:
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
    for cov in spec.covariates:
        logged = _LOG.fullmatch(cov)
        source = logged.group(1) if logged else cov
        col = t.data.column(resolved[source])
        series = col.to_pandas()
        if series.isna().any():
            row = int(np.flatnonzero(series.isna().to_numpy())[0]) + 1
            raise InputError("blank covariate; fill it in or drop the row (covariates must be complete)",
                             file=t.name, column=resolved[source], row=row)
        if logged:
            from socialroi.valuation.numbers import parse_numbers

            values = parse_numbers(col, file=t.name, column=resolved[source], allow_negative=True).values
            bad = np.flatnonzero(values <= 0)
            if bad.size:
                raise InputError(f"{cov} needs positive values, found {values[bad[0]]:g}", file=t.name,
                                 column=resolved[source], row=int(bad[0]) + 1)
            data[cov] = np.log(values)
        elif pd.api.types.is_numeric_dtype(series) or cov in spec.categorical:
            data[cov] = series
        else:
            data[cov] = _text_covariate(t, resolved[source], col, series)
    if spec.cluster:
        data["__cluster__"] = t.data.column(resolved[spec.cluster]).to_pandas().astype(str)
    frame = pd.DataFrame(data)
    return frame, engaged, resolved


MAX_LEVELS = 100


def _text_covariate(table, column: str, col, series):
    """A text covariate: numbers written as text become numbers; otherwise a categorical.

    Blank cells are refused (row named); a column that is numeric but for a
    few bad cells gets the number error; a categorical with more than
    MAX_LEVELS levels is refused (an id, or numbers with bad cells).
    """
    from socialroi.valuation.numbers import parse_numbers

    text = series.astype(str).str.strip()
    blank = np.flatnonzero((text == "").to_numpy())
    if blank.size:
        raise InputError("blank covariate; fill it in or drop the row (covariates must be complete)",
                         file=table.name, column=column, row=int(blank[0]) + 1)
    try:
        return parse_numbers(col, file=table.name, column=column, allow_negative=True).values
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
                raise InputError("an amount of zero; leave the cell blank for customers without a deal "
                                 "(amounts must be positive)", file=table.name, column=col, row=int(zero[0]) + 1)
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
    return _yes_no(table, col, blank_ok=True, what="0/1 (a binary outcome); use 1/0, true/false or yes/no, or "
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
    frame, engaged, resolved = _frame(table, spec)
    n1, n0 = int(engaged.sum()), int((~engaged).sum())
    if n1 == 0 or n0 == 0:
        group = "engaged" if n1 == 0 else "non-engaged"
        raise InputError(f"no {group} customers, so there is nothing to compare; check the engagement column "
                         "or threshold", file=table.name)
    warnings: list[str] = []
    if min(n1, n0) < TINY_GROUP:
        warnings.append(f"tiny segment: {n1} engaged and {n0} non-engaged customers; estimates are fragile "
                        f"(fewer than {TINY_GROUP} in a group)")
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
            warnings.append(f"after weighting, {len(bad)} covariate column(s) still differ by more than 0.1 "
                            f"standardised mean difference ({worst}); the engagement model may be misspecified "
                            "(try log(column) for skewed sizes, or trim)")
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
        present = ~np.isnan(y) if event is None else ~np.isnan(y) & ~np.isnan(event)
        sub_engaged = engaged[present]
        m1, m0 = int(sub_engaged.sum()), int((~sub_engaged).sum())
        if m1 == 0 or m0 == 0:
            warnings.append(f"{o.name}: no {'engaged' if m1 == 0 else 'non-engaged'} customer has a value; "
                            "the lift cannot be estimated")
            continue
        if min(m1, m0) < TINY_GROUP:
            warnings.append(f"{o.name}: tiny segment ({m1} engaged, {m0} non-engaged with a value)")
        sub_design = _subset(design, present)
        sub_cl = None if clusters is None else clusters[present]
        if o.kind == "duration":
            try:
                h = cox_att(y[present], event[present].astype(bool), sub_engaged, sub_design, horizon=float(o.horizon),
                            outcome=o.name, clusters=sub_cl, level=level)
            except EstimationError as exc:
                warnings.append(f"{o.name}: {exc}")
                continue
            duration_rows.append(h.to_dict())
            engaged_events = int(event[present][sub_engaged].sum())
            est = _value_duration(o, h, m1, engaged_events, deal_means, currency, seed, n_draws, level)
        else:
            sub_ps = _subset_ps(ps, present, sub_engaged, sub_design, spec.trim) if ps is not None else None
            methods = ("naive", "regression", "weighting", "doubly_robust") if sub_ps is not None else \
                ("naive", "regression")
            if sub_ps is None:  # naive and regression need no propensity: give them a trivial one
                from socialroi.models.weighting import PropensityFit

                sub_ps = PropensityFit(np.zeros(1), np.full(present.sum(), 0.5), np.ones(present.sum()),
                                       np.ones(present.sum(), bool), {})
            try:
                effects = estimate_att(y[present], sub_engaged, sub_design, sub_ps, outcome=o.name, kind=o.kind,
                                       methods=methods, clusters=sub_cl, level=level)
            except EstimationError as exc:
                warnings.append(f"{o.name}: {exc}")
                continue
            for e in effects:
                row = e.to_dict()
                row["kind"] = o.kind
                effect_rows.append(row)
                if not e.available:
                    warnings.append(f"{o.name} ({e.method}): {e.reason}")
            if o.kind == "amount":
                deal_means[o.name] = float(np.nanmean(y[present][sub_engaged]))
            chosen = next((e for e in effects if e.method == spec.method), None)
            if chosen is None or not chosen.available:
                if o.value != "none":
                    warnings.append(f"{o.name}: the {spec.method} estimate is not available, so the lift is not "
                                    "valued")
                continue
            est = _value_effect(o, chosen, m1, currency, seed, n_draws, level, spec.method)
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


def _value_effect(o: OutcomeSpec, e, n_engaged: int, currency, seed, n_draws, level, method) -> ValueEstimate | None:
    if o.value == "none":
        return None
    component = f"segment_{o.name}"
    draws = normal_draws(e.estimate, e.se, component, seed, n_draws)
    if o.value == "retention":
        factor = n_engaged * o.annual_value * annuity(o.horizon_years, o.discount_rate)
        how = (f"extra retained customers (effect on the engaged x {n_engaged} engaged) x annual value "
               f"{o.annual_value:,.2f} x {o.horizon_years:g}-year annuity at {o.discount_rate:.1%}")
        assumptions = {"annual_value": o.annual_value, "horizon_years": o.horizon_years,
                       "discount_rate": o.discount_rate, "engaged_customers": n_engaged}
    elif o.value == "upsell":
        factor = n_engaged * o.value_per_event
        how = f"extra upsells (effect x {n_engaged} engaged) x value per upsell {o.value_per_event:,.2f}"
        assumptions = {"value_per_event": o.value_per_event, "engaged_customers": n_engaged}
    else:  # deal_size
        deals = o.deals if o.deals is not None else n_engaged
        factor = deals
        how = f"difference per deal x {deals:,.0f} engaged deals"
        assumptions = {"deals": deals}
    return ValueEstimate.from_draws(
        component, "soft", currency, e.estimate * factor, draws * factor, level=level,
        label=f"Segment lift: {o.name}",
        method=f"{method.replace('_', ' ')} estimate of the effect on the engaged; {how}",
        assumptions={**assumptions, "method": method, "outcome_column": o.column},
        diagnostics={"effect": e.estimate, "effect_se": e.se, "effect_interval": [e.lower, e.upper],
                     "p_value": e.p_value, "evalue": e.evalue, "evalue_ci": e.evalue_ci,
                     "n_engaged": e.n_engaged, "n_not_engaged": e.n_not_engaged},
        warnings=(() if e.p_value < 0.05 else
                  (f"the {o.name} effect is not statistically distinguishable from zero (p = {e.p_value:.2f})",)),
    )


def _value_duration(o: OutcomeSpec, h, n_engaged, engaged_events, deal_means, currency, seed, n_draws,
                    level) -> ValueEstimate | None:
    if o.value == "none":
        return None
    component = f"segment_{o.name}"
    note = "the interval treats the baseline hazard as known"
    if o.value == "retention":
        draws = normal_draws(h.survival_difference, h.survival_difference_se, component, seed, n_draws)
        factor = n_engaged * o.annual_value * annuity(o.horizon_years, o.discount_rate)
        point = h.survival_difference * factor
        money = draws * factor
        how = (f"extra customers retained at {o.horizon:g} (Cox model) x {n_engaged} engaged x annual value "
               f"{o.annual_value:,.2f} x {o.horizon_years:g}-year annuity")
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

        def value(d):
            return deals * deal_value * (1 - (1 + o.discount_rate) ** (-np.asarray(d) / 365.0))

        point = float(value(h.time_saved))
        money = value(days)
        how = (f"days to close saved per deal (restricted mean up to {o.horizon:g} days, Cox model) valued as "
               f"earlier cash: {deals:,.0f} deals x {deal_value:,.2f} x (1 - (1 + {o.discount_rate:g})^(-days/365))")
        assumptions = {"deal_value": deal_value, "deals": deals, "discount_rate": o.discount_rate,
                       "horizon_days": o.horizon}
    return ValueEstimate.from_draws(
        component, "soft", currency, point, money, level=level, label=f"Segment lift: {o.name}",
        method=how, assumptions=assumptions,
        diagnostics={"hazard_ratio": h.hazard_ratio, "hr_interval": [h.hr_lower, h.hr_upper], "p_value": h.p_value,
                     "survival_difference": h.survival_difference, "time_saved": h.time_saved,
                     "evalue": h.evalue, "evalue_ci": h.evalue_ci},
        warnings=(note,),
    )
