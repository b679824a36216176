"""Direct revenue from touchpoint paths: what each attribution model credits to social.

Input: one row per touch with a journey (or lead) id, a timestamp, a
channel, and per journey whether it converted and its revenue (repeated on
every row of the journey, as CRM and analytics exports give it).

Rules (documented, and reported in the diagnostics):

- touches are ordered by timestamp within each journey (ties keep file
  order); journeys whose rows were out of order are counted;
- duplicate events (same journey, timestamp and channel) are dropped and counted;
- channel names are compared trimmed and case-folded; a ``channel_map``
  can merge names (``{"fb" = "facebook"}``); a blank channel is an error;
- journeys without a conversion carry no revenue but inform the Markov
  model (they are the paths that ended in null);
- ``converted`` and ``revenue`` must agree on every row of a journey, and a
  non-converted journey cannot have revenue.

Social's attributed revenue under the chosen model is the hard direct
revenue component; its interval comes from a Poisson bootstrap over
journeys (every model is re-estimated on each replicate).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from socialroi.models.attribution import HEURISTICS, MODELS, Journeys, assists, bootstrap_credit, credit, markov_credit
from socialroi.models.text import Count, Text, Word
from socialroi.valuation.dates import parse_dates
from socialroi.valuation.errors import InputError
from socialroi.valuation.estimate import DEFAULT_DRAWS, ValueEstimate, records, rng_for
from socialroi.valuation.notebook import Printable
from socialroi.valuation.schema import Attribution as _AttributionSchema
from socialroi.valuation.tables import Role, as_table, fold_name

TOUCH_ROLES = {
    "journey": Role(("journey_id", "Journey", "Journey ID", "Lead", "Lead ID", "user_id", "Path ID"), text=True),
    "timestamp": Role(("timestamp", "Time", "Touch time", "Date", "Datetime"), text=True),
    "channel": Role(("channel", "Channel", "Source", "Touchpoint"), text=True),
    "converted": Role(("converted", "Conversion", "Won"), text=True),
    "revenue": Role(("revenue", "Revenue", "Value", "Amount")),
}


# defaults are declared once, in the project schema (socialroi.valuation.schema.Attribution)
_DEFAULTS = {k: f.default for k, f in _AttributionSchema.model_fields.items()}


@dataclass(frozen=True)
class AttributionOptions:
    """Options of an attribution run.

    Parameters
    ----------
    social_channels : sequence of str
        Channel names that are social (after ``channel_map``).
    model : str
        Model whose social credit becomes direct revenue (default ``markov``).
    half_life_days : float
        Time-decay half-life.
    first, last : float
        Position-based shares of the first and last touch.
    order : int
        Markov chain order (1 or 2).
    bootstrap : int
        Bootstrap replicates for the interval (0: none).
    channel_map : mapping
        Channel renames applied before anything else.
    date_order : {"day_first", "month_first"}, optional
        Order of NN/NN/YYYY timestamps when the column cannot show it.
    """

    social_channels: Sequence[str] = ()
    model: str = _DEFAULTS["model"]
    half_life_days: float = _DEFAULTS["half_life_days"]
    first: float = _DEFAULTS["first"]
    last: float = _DEFAULTS["last"]
    order: int = _DEFAULTS["order"]
    bootstrap: int = _DEFAULTS["bootstrap"]
    channel_map: Mapping[str, str] = field(default_factory=dict)
    date_order: str | None = None

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise InputError(f"model must be one of {', '.join(MODELS)}, got {self.model!r}")
        if not self.half_life_days > 0:
            raise InputError("half_life_days must be positive")
        if not (0 <= self.first <= 1 and 0 <= self.last <= 1 and self.first + self.last <= 1):
            raise InputError("position-based shares need 0 <= first, last and first + last <= 1")
        if self.order not in (1, 2, 3):
            raise InputError(f"Markov order must be 1, 2 or 3, got {self.order}")
        if self.bootstrap < 0:
            raise InputError("bootstrap must be zero or more")


def read_journeys(source: Any, options: AttributionOptions, columns: Mapping[str, str] | None = None):
    """Read a touchpoint table into :class:`Journeys`, applying the rules of the module docstring.

    Returns
    -------
    (Journeys, dict of diagnostics)
    """
    import pandas as pd
    import pyarrow.compute as pc

    from socialroi.valuation.customers import yes_no

    t = as_table(source, TOUCH_ROLES, explicit=columns, name="touchpoint table")
    n = t.n_rows
    journey = pc.fill_null(t.text("journey"), "").to_numpy(zero_copy_only=False)
    blank = np.flatnonzero(journey == "")
    if blank.size:
        raise t.error("blank journey id; every touch needs its journey", "journey", int(blank[0]) + 1)
    raw_channel = pc.utf8_lower(pc.utf8_trim_whitespace(pc.fill_null(t.text("channel"), "")))
    ch = raw_channel.to_numpy(zero_copy_only=False)
    blank = np.flatnonzero(ch == "")
    if blank.size:
        raise t.error("blank channel; name the channel of every touch", "channel", int(blank[0]) + 1)
    mapping = {fold_name(k): fold_name(v) for k, v in dict(options.channel_map).items()}
    if mapping:
        ch = np.array([mapping.get(c, c) for c in ch], dtype=object)
    times = parse_dates(t.text("timestamp"), file=t.name, column=t.columns["timestamp"], what="a date or time",
                        order=options.date_order)
    days = (times - times.min()).dt.total_seconds().to_numpy() / 86400.0
    converted = yes_no(t, t.columns["converted"], blank_ok=False, what="a yes/no conversion flag") == 1.0
    revenue = t.numbers("revenue", allow_blank=True).values
    revenue = np.where(np.isnan(revenue), 0.0, revenue)

    j_codes, j_uniques = pd.factorize(journey)
    c_codes, c_names = pd.factorize(ch, sort=True)
    # per-journey consistency of converted and revenue
    first_row = np.full(len(j_uniques), -1)
    first_row[j_codes[::-1]] = np.arange(n)[::-1]
    for values, role, what in ((converted, "converted", "conversion flag"), (revenue, "revenue", "revenue")):
        differs = np.flatnonzero(values != values[first_row[j_codes]])
        if differs.size:
            raise t.error(f"journey {j_uniques[j_codes[differs[0]]]!r} has a different {what} on this row than on "
                          f"row {first_row[j_codes[differs[0]]] + 1}; give one value per journey", role,
                          int(differs[0]) + 1)
    stray = np.flatnonzero((~converted) & (revenue != 0))
    if stray.size:
        raise t.error("revenue on a journey that did not convert; set converted or clear the revenue", "revenue",
                      int(stray[0]) + 1)
    order = np.lexsort((np.arange(n), days, j_codes))  # journey, then time, then file order
    sorted_rows = order
    jo, dayso, co = j_codes[order], days[order], c_codes[order]
    within = jo[1:] == jo[:-1]
    moved = within & (sorted_rows[1:] < sorted_rows[:-1])
    journeys_reordered = int(len(np.unique(jo[1:][moved])))
    dup = np.r_[False, within & (dayso[1:] == dayso[:-1]) & (co[1:] == co[:-1])]
    keep = ~dup
    jo, dayso, co = jo[keep], dayso[keep], co[keep]
    counts = np.bincount(jo, minlength=len(j_uniques))
    offsets = np.r_[0, np.cumsum(counts)]
    conv_j = converted[first_row]
    rev_j = np.where(conv_j, revenue[first_row], 0.0)
    names = tuple(str(c) for c in c_names)
    diag = {"touches": int(n), "journeys": int(len(j_uniques)), "converted_journeys": int(conv_j.sum()),
            "revenue": float(rev_j.sum()), "duplicate_touches_dropped": int(dup.sum()),
            "journeys_reordered_by_time": journeys_reordered, "channels": list(names),
            "mean_touches": float(counts.mean())}
    return Journeys(co.astype(np.int64), dayso, offsets, conv_j, rev_j, names), diag


@dataclass(frozen=True, eq=False)
class AttributionResult(Printable):
    """Credit per channel and model, social's attributed revenue, diagnostics.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per channel: revenue credited by each model, assisted
        conversions and assisted revenue, Markov removal effect, and whether
        the channel is social.
    estimate : ValueEstimate
        Social's revenue under the chosen model (component ``"direct_revenue"``, hard).
    diagnostics : dict
    """

    table: Any
    estimate: ValueEstimate
    diagnostics: Mapping[str, Any]
    warnings: tuple[str, ...] = ()

    def to_frame(self):
        """The per-channel table."""
        return self.table.copy()

    def summary(self) -> str:
        """Printable lines: social's revenue under the chosen model, and under every model."""
        by_model = self.estimate.diagnostics.get("social_credit_by_model", {})
        return "\n".join([self.estimate.summary(), "Social revenue by model: " + ", ".join(
            f"{m.replace('_', ' ')} {v:,.2f}" for m, v in by_model.items())] + [f"warning: {w}" for w in self.warnings])

    def by_model(self):
        """Social's revenue under each model: ``model``, ``social_revenue`` (currency), bootstrap ``lower`` and
        ``upper`` at the estimate's level (NaN without a bootstrap), ``share_of_revenue`` of all converted
        revenue (0-1) and ``in_roi`` (the model whose credit is the direct revenue)."""
        import pandas as pd

        e = self.estimate
        intervals = e.diagnostics.get("social_credit_interval_by_model") or {}
        revenue = float(self.diagnostics.get("revenue") or 0.0)
        nan = (float("nan"), float("nan"))
        return pd.DataFrame([{"model": m, "social_revenue": v, "lower": intervals.get(m, nan)[0],
                              "upper": intervals.get(m, nan)[1],
                              "share_of_revenue": v / revenue if revenue else float("nan"),
                              "in_roi": m == e.assumptions.get("model")}
                             for m, v in e.diagnostics["social_credit_by_model"].items()])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {"channels": self.table.to_dict(orient="records"), "estimate": self.estimate.to_dict(),
                "by_model": records(self.by_model()),
                "diagnostics": dict(self.diagnostics), "warnings": list(self.warnings)}


def model_words(model: str) -> str:
    """An attribution model's name in words (``position`` -> ``position based``, ``first_touch`` -> ``first
    touch``)."""
    return {"position": "position based"}.get(model, model.replace("_", " "))


def attribute(source: Any, options: AttributionOptions, *, columns: Mapping[str, str] | None = None,
              currency: str = "USD", seed: int = 0, n_draws: int = DEFAULT_DRAWS,
              level: float = 0.95) -> AttributionResult:
    """Run every attribution model and value social's share under the chosen one.

    Raises
    ------
    InputError
        Missing columns, blank ids or channels, unparseable timestamps,
        inconsistent conversion or revenue within a journey, revenue on a
        non-converted journey, no conversions at all.
    """
    j, diag = read_journeys(source, options, columns)
    return attribute_journeys(j, diag, options, currency=currency, seed=seed, n_draws=n_draws, level=level)


GA4_KEYS = ("ga4", "ga4_table", "conversion_events", "channel_rules")
"""Keys of ``[attribution]`` that say how a GA4 export is read (not :class:`AttributionOptions`)."""


def ga4_options(values: Mapping[str, Any], *, rules_flag: str = "[attribution] channel_rules") -> Any:
    """:class:`~socialroi.valuation.ga4.GA4Options` from ``[attribution]`` keys or command-line flags
    (``ga4_table``, ``conversion_events``, ``channel_rules``: a CSV path)."""
    from socialroi.valuation.ga4 import DEFAULT_CHANNEL_RULES, GA4Options, read_channel_rules

    events = tuple(values.get("conversion_events") or ("purchase",))
    rules_path = values.get("channel_rules")
    rules = read_channel_rules(rules_path, flag=rules_flag) if rules_path else DEFAULT_CHANNEL_RULES
    return GA4Options(table=values.get("ga4_table"), conversion_events=events, channel_rules=rules)


def attribute_ga4(source: Any, options: AttributionOptions, ga4: Any = None, *, currency: str = "USD", seed: int = 0,
                  n_draws: int = DEFAULT_DRAWS, level: float = 0.95, flag: str = "--ga4",
                  table_flag: str = "--ga4-table") -> AttributionResult:
    """:func:`attribute` on the journeys of a GA4 export, built in the query engine
    (:func:`socialroi.valuation.ga4.read_ga4`); ``ga4`` is a :class:`~socialroi.valuation.ga4.GA4Options`."""
    from socialroi.valuation.ga4 import GA4Options, read_ga4

    j, diag = read_ga4(source, ga4 or GA4Options(), flag=flag, table_flag=table_flag)
    if options.channel_map:
        j = _renamed(j, options.channel_map)
        diag["channels"] = list(j.names)
    return attribute_journeys(j, diag, options, currency=currency, seed=seed, n_draws=n_draws, level=level)


def _renamed(j: Journeys, channel_map: Mapping[str, str]) -> Journeys:
    """``j`` with channels renamed by ``channel_map`` (folded names; merged names share one code)."""
    mapping = {fold_name(k): fold_name(v) for k, v in dict(channel_map).items()}
    new = np.array([mapping.get(n, n) for n in j.names], dtype=object)
    names, code = np.unique(new, return_inverse=True)
    return replace(j, channels=code.ravel()[j.channels].astype(np.int64), names=tuple(str(n) for n in names))


def attribute_journeys(j: Journeys, diag: dict[str, Any], options: AttributionOptions, *, currency: str = "USD",
                       seed: int = 0, n_draws: int = DEFAULT_DRAWS, level: float = 0.95) -> AttributionResult:
    """:func:`attribute` on journeys already read (a touch table, a GA4 export or aggregated paths)."""
    import pandas as pd

    if diag["converted_journeys"] == 0:
        raise InputError("no journey converted, so there is no revenue to attribute")
    names = list(j.names)
    social = {fold_name(s) for s in options.social_channels}
    warnings = []
    unknown = sorted(social - set(names))
    if unknown:
        warnings.append(Text("social channel(s) not found in the touchpoints: {channels}", channels=", ".join(unknown)))
    if not social & set(names):
        raise InputError("none of the social channels appears in the touchpoints; name them with social_channels "
                         f"(channels found: {', '.join(names)})")
    kw: dict[str, Any] = {"half_life": options.half_life_days, "first": options.first, "last": options.last,
                          "order": options.order}
    table = pd.DataFrame({"channel": names, "social": [n in social for n in names]})
    for model in HEURISTICS:
        table[model] = credit(j, model, half_life=kw["half_life"], first=kw["first"], last=kw["last"])
    markov, effects = markov_credit(j, options.order)
    table["markov"] = markov
    table["markov_removal_effect"] = effects
    if len(names) <= 20:
        table["shapley"] = credit(j, "shapley")
    else:
        warnings.append(Text("{n} channels: Shapley attribution needs 20 or fewer; group rare channels",
                             n=Count(len(names))))
    n_assist, r_assist = assists(j)
    table["assisted_conversions"] = n_assist.astype(int)
    table["assisted_revenue"] = r_assist
    if options.model not in table:
        raise InputError(f"model {options.model} is not available for these data (see the warnings)")
    is_social = table["social"].to_numpy()
    point = float(table.loc[is_social, options.model].sum())
    n = int(n_draws)
    models = tuple(m for m in (*HEURISTICS, "markov", "shapley") if m in table)
    by_model = {m: float(table.loc[is_social, m].sum()) for m in models}
    intervals: dict[str, list[float]] = {}
    if options.bootstrap > 0:
        reps = bootstrap_credit(j, models, is_social, options.bootstrap, rng_for(seed, "attribution_bootstrap"), **kw)
        tail = (1 - level) / 2
        intervals = {m: [float(x) for x in np.quantile(r, [tail, 1 - tail])] for m, r in reps.items()}
        draws = reps[options.model][rng_for(seed, "direct_revenue").integers(0, options.bootstrap, n)]
        how = Text("; interval from a {n}-replicate Poisson bootstrap over journeys", n=Count(options.bootstrap))
    else:
        draws = np.full(n, point)
        how = Text("")
    estimate = ValueEstimate.from_draws(
        "direct_revenue", "hard", currency, point, draws, level=level, label="Direct revenue (attributed to social)",
        method=Text("revenue of converted journeys credited to social channels by the {model} model{how}",
                    model=Word(model_words(options.model)), how=how),
        assumptions={"model": options.model, "social_channels": sorted(social), "half_life_days":
                     options.half_life_days, "position_first": options.first, "position_last": options.last,
                     "markov_order": options.order},
        diagnostics={**diag, "social_credit_by_model": by_model, "social_credit_interval_by_model": intervals},
        warnings=tuple(warnings), evidence="attribution",
    )
    if intervals:  # the interval is the replicates' own percentiles, as in by_model; the draws resample them
        estimate = replace(estimate, interval=(intervals[options.model][0], intervals[options.model][1]))
    return AttributionResult(table, estimate, diag, tuple(warnings))
