"""The project file's schema, declared once: keys, types, defaults, units, allowed values and help text.

Why pydantic (v2) and not msgspec: both validate fast enough for a file of a
few dozen keys; pydantic's errors carry the location, the constraint and
the bad value, which :func:`first_error` turns into socialroi's one-line
messages, and it writes a JSON Schema with descriptions, defaults and
bounds (``socialroi schema``) that editors use to complete and check
``project.toml``. The defaults here are the components' defaults:
``TrafficOptions`` and ``AttributionOptions`` read theirs from these models,
and a test checks ``SegmentSpec`` agrees.

Validation is strict: a number must be a number (``"0.8"`` in quotes is
refused, not converted), a list a list, NaN and infinities are refused, and
an unknown key or section is an error that lists the known ones. Cross-key
rules (``[direct_revenue]`` needs an amount or a file, not both; a run
needs costs and a value component) are model validators here too, so every
rule about the file's shape is in this module. Deeper rules that need the
component's own logic (a traffic option that makes no sense with another)
stay with the component's options class, which :mod:`.project` runs at load
time.

The ``init`` template (:func:`template`) and the README's key tables
(:func:`markdown_tables`) are generated from these models; tests check the
checked-in copies are what the code generates.
"""

from __future__ import annotations

import datetime as _dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Path = Annotated[str, Field(min_length=1, json_schema_extra={"format": "path"})]
Names = list[str]
ColumnMap = dict[str, str]
DateOrder = Literal["day_first", "month_first"]


def _f(description: str, default: Any = ..., *, example: Any = None, unit: str | None = None, **kw: Any) -> Any:
    """A field with its help text, and optionally the example the ``init`` template writes and its unit."""
    extra: dict[str, Any] = {}
    if example is not None:
        extra["example"] = example
    if unit:
        extra["unit"] = unit
    return Field(default, description=description, json_schema_extra=extra or None, **kw)


def _short_name(section: str, example: str) -> Any:
    """The ``name`` of an item of a [[list]] section: the component is ``<kind>_<name>`` and its assumptions are
    ``section.NAME.*``, so it is a short identifier."""
    return _f(f"Short name, used in component and assumption names ({section}.NAME.*): letters, digits, _.",
              pattern=r"^[A-Za-z][A-Za-z0-9_]*$", example=example)


def _label(prefix: str, example: str) -> Any:
    """The ``label`` of an item of a [[list]] section, shown after its kind's prefix (``Lift test: LABEL``)."""
    return _f(f"Name shown in reports after '{prefix}: ' (default: the name).", None, example=example)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class ProjectMeta(_Section):
    """The run itself."""

    name: str = _f("Display name of the project (default: the project folder's name).", None, example="My company")
    currency: str = _f("Reporting currency, an ISO 4217 code; every figure is converted to it.", "USD",
                       example="EUR")
    period: str = _f("Label of the period the data cover.", "", example="2026")
    months: float | None = _f("Length of the period in months, when traffic is given per month or year.", None,
                              ge=0.01, le=1200, unit="months")
    seed: int = _f("Random seed: the same inputs and seed give identical results.", 0, ge=0, example=1)
    draws: int = _f("Monte Carlo draws behind every interval and the simulation.", 10_000, ge=100, le=10_000_000,
                    example=10000)
    locale: str = _f("Number format and language of reports: en, nb, lv, ar, fa, ...", "en")


class CurrencySection(_Section):
    """Exchange rates."""

    rates: dict[str, Annotated[float, Field(gt=0)]] = _f(
        "Units of the reporting currency per one unit of another currency, e.g. { USD = 0.92 }.", {},
        example={"USD": 0.92})


class Traffic(_Section):
    """Organic and social search clicks valued at what the same clicks cost in paid search."""

    keywords: Path | None = _f("Traffic export: search-console, analytics or SEO-tool file with keyword and clicks "
                               "(or give search_console).", None, example="keywords.csv")
    search_console: str | None = _f("Search Console bulk export (searchdata_site_impression) instead of keywords: a "
                                    "file, folder or glob of its Parquet or newline-delimited JSON files, or a "
                                    "connection URL (with search_console_table); summed per query in the query "
                                    "engine.", None)
    search_console_table: str | None = _f("Table at the search_console connection URL.", None)
    cpc: Path | None = _f("CPC export: keyword planner or SEO tool, keyword and CPC or low/high bids.", None,
                          example="cpc.csv")
    replacement_share: float = _f("Share of those clicks you would really have bought.", 1.0, ge=0, le=1,
                                  example=0.8, unit="share 0-1")
    brand_terms: Names = _f("Brand searches would have come anyway: keywords containing these are excluded.", [],
                            example=["mycompany"])
    brand_regex: str | None = _f("A regular expression for brand keywords, instead of or beside brand_terms.", None)
    unmatched: Literal["exclude", "impute"] = _f("Keywords without a CPC: exclude (reported) or impute.", "exclude",
                                                 example="exclude")
    impute_cpc: float | None = _f("CPC for unmatched keywords under impute (default: the average matched CPC).",
                                  None, ge=0, unit="currency per click")
    cpc_point: Literal["low", "mid", "high"] | Annotated[float, Field(ge=0, le=1)] = _f(
        "Where in a low/high bid range the point value sits: low, mid, high or a number from 0 to 1.", "mid",
        example="mid")
    cpc_unit: Literal["currency", "cents", "micros"] = _f("Unit of the CPC column.", "currency")
    cpc_duplicates: Literal["median", "max", "min", "first", "error"] = _f(
        "A keyword listed twice with different CPCs: which one to use.", "median")
    fold_diacritics: bool = _f("Match 'Rīga' with 'Riga' (off: diacritics distinguish words).", False)
    country: str | None = _f("Use only the rows of one country (the files' Country column).", None)
    top: int = _f("Keywords listed in the top-keywords table.", 20, ge=0)
    coverage_warning: float = _f("Warn when fewer non-brand clicks than this share have a CPC.", 0.8, ge=0,
                                 unit="share 0-1")
    columns: ColumnMap = _f("Map traffic columns socialroi does not recognise: role = \"column name\".", {})
    cpc_columns: ColumnMap = _f("Map CPC columns socialroi does not recognise: role = \"column name\".", {})

    @model_validator(mode="after")
    def _one_source(self) -> Traffic:
        if (self.keywords is None) == (self.search_console is None):
            raise ValueError("[traffic] needs exactly one of keywords (a keyword table) and search_console (a Search "
                             "Console bulk export)")
        if self.search_console is not None and self.cpc is None:
            raise ValueError("[traffic] search_console has no CPC column: give cpc = \"file.csv\" beside it")
        if self.search_console is None and self.search_console_table:
            raise ValueError("[traffic] search_console_table goes with search_console")
        if self.search_console is not None and self.columns:
            raise ValueError("[traffic] columns maps a keyword table's columns; a Search Console bulk export has "
                             "fixed ones (query, clicks)")
        return self
    no_market: Literal["exclude", "impute"] = _f("Keywords with CPC 0 (nobody bids): exclude or impute.", "exclude")
    decimal: Literal["auto", "comma", "dot"] = _f("Decimal mark of numbers in the files.", "auto")
    traffic_period: Literal["as_exported", "month", "year"] = _f(
        "What the clicks column covers: the project's period as exported, one month or one year.", "as_exported")


class Social(_Section):
    """Organic social reach and engagement at paid-media rates."""

    metrics: Path = _f("Platform metrics: platform, impressions, clicks, engagements.", example="social_metrics.csv")
    rate_card: Path = _f("Paid rates: platform, cpm, cpc, cpe (optionally *_low and *_high).",
                         example="rate_card.csv")
    basis: Literal["max", "sum", "impressions", "clicks", "engagements"] = _f(
        "max (no double counting), sum (earned-media convention), or one objective.", "max", example="max")


class Costs(_Section):
    """What the effort cost."""

    ledger: Path = _f("Cost ledger: category, amount (or hours x hourly_rate), optional low/high, channel.",
                      example="costs.csv")
    columns: ColumnMap = _f("Map ledger columns socialroi does not recognise: role = \"column name\".", {})


class DirectRevenue(_Section):
    """Revenue attributed to social (hard money): an amount or a file of revenue lines."""

    amount: float | None = _f("Attributed revenue.", None, ge=0, example=5000, unit="currency")
    file: Path | None = _f("A file of revenue lines instead of an amount.", None)
    low: float | None = _f("Low end of the amount's range.", None, ge=0, unit="currency")
    high: float | None = _f("High end of the amount's range.", None, ge=0, unit="currency")
    columns: ColumnMap = _f("Map revenue-file columns: role = \"column name\".", {})

    @model_validator(mode="after")
    def _one_source(self) -> DirectRevenue:
        if (self.amount is None) == (self.file is None):
            raise ValueError("[direct_revenue] needs either amount or file (not both)")
        a = self.amount
        if a is not None and (self.low is not None and self.low > a or self.high is not None and self.high < a):
            raise ValueError(f"direct_revenue low and high must bracket the amount {a:,.2f} (low <= amount <= high)")
        return self


class Outcome(_Section):
    """One outcome of the segment lifts ([[segments.outcomes]])."""

    name: str = _f("Name shown in reports and used in assumption names (segments.NAME.*).")
    column: str = _f("Column of the customer table.")
    kind: str = _f("binary, amount, amount_with_zeros, count or duration.")
    value: str | None = _f("How the effect becomes money: retention, upsell, deal_size or time_to_close.", None)
    event: str | None = _f("Event column of a duration (1 = the event happened).", None)
    horizon: float | None = _f("Time at which durations are compared, in the column's unit.", None)
    annual_value: float | None = _f("Value of a retained customer per year.", None, unit="currency per year")
    horizon_years: float | None = _f("Years a retained customer's value counts.", None, unit="years")
    discount_rate: float | None = _f("Yearly discount rate.", None, unit="rate per year")
    value_per_event: float | None = _f("Value of one upsell.", None, unit="currency")
    deals: float | None = _f("Deals the lift applies to (default: the engaged customers' deals).", None)
    deal_value: float | None = _f("Value of one deal, for time to close.", None, unit="currency")
    higher_is_better: bool | None = _f("Whether a higher value of the column is good (false for churn).", None)
    time_unit: str | None = _f("Unit of a duration column: days, weeks, months or years.", None)


class Segments(_Section):
    """Engaged vs non-engaged customers: lifts in retention, upsell, deal size and time to close."""

    customers: Path = _f("Customer table, one row per customer.")
    id: str | None = _f("Customer id column.", None)
    engaged: str | None = _f("Engagement flag column.", None)
    score: str | None = _f("Engagement score column, with threshold, instead of a flag.", None)
    threshold: float | None = _f("Score at or above which a customer counts as engaged.", None)
    covariates: Names = _f("Covariates of the propensity and outcome models; log(x) allowed.", [])
    categorical: Names = _f("Covariates to treat as categories.", [])
    cluster: str | None = _f("Cluster column (e.g. account) for standard errors.", None)
    method: str = _f("Method whose estimate enters the ROI: doubly_robust, weighting, regression or naive.",
                     "doubly_robust")
    trim: float | None = _f("Trim propensities to [trim, 1 - trim].", None, ge=0, le=0.49)
    outcomes: list[Outcome] = _f("The outcomes, each a [[segments.outcomes]] table.", min_length=1)
    engaged_value: str | None = _f("The engaged flag's value when it is text, e.g. \"yes\".", None)
    reference_value: str | None = _f("The non-engaged flag's value when it is text.", None)
    drop_incomplete: bool = _f("Leave out customers with a blank covariate (and say how many).", False)
    bootstrap: int = _f("Cluster bootstrap replicates for the intervals (0: sandwich standard errors).", 0, ge=0,
                        le=100_000)


class Deflection(_Section):
    """[support.deflection]: tickets avoided by help content and social answers."""

    views: float = _f("Sessions of help content and social answers.", ge=0)
    rate: float | None = _f("Share of views that avoided a ticket.", None, ge=0, unit="share 0-1")
    rate_low: float | None = _f("Low end of the rate.", None, ge=0)
    rate_high: float | None = _f("High end of the rate.", None, ge=0)
    survey_yes: int | None = _f("Survey answers saying the content avoided a ticket.", None, ge=0)
    survey_n: int | None = _f("Survey answers in all.", None, ge=0)


class ChannelShift(_Section):
    """[support.channel_shift]: tickets resolved on social instead of dearer channels."""

    tickets: Path = _f("Ticket log: channel and optional handle time.")
    channel_costs: Path = _f("Cost per ticket by channel.")
    social_channels: Names = _f("Channel names that are social.", ["social"])
    counterfactual: str | None = _f("Where social tickets would have gone: mix (default) or a channel.", None)


class MeasuredCounts(_Section):
    """[support.measured_counts]: ticket counts of engaged vs non-engaged customers."""

    customers: Path = _f("Customer table.")
    tickets: Path = _f("Ticket log with a customer id.")
    id: str | None = _f("Customer id column.", None)
    engaged: str = _f("Engagement flag column.")
    covariates: Names = _f("Covariates of the count model.", [])
    exposure: str | None = _f("Exposure column (e.g. months as customer).", None)
    model: str | None = _f("poisson or negative_binomial (default: chosen by a dispersion test).", None)


class MeasuredSeries(_Section):
    """[support.measured_series]: weekly tickets before and after a launch."""

    weekly: Path = _f("Weekly ticket counts: week, tickets.")
    launch: str | _dt.date = _f("Launch date, YYYY-MM-DD.")
    harmonics: int | None = _f("Fourier pairs for yearly seasonality.", None, ge=0)
    date_order: DateOrder | None = _f("Order of NN/NN/YYYY dates when the column cannot show it.", None)


class Support(_Section):
    """Support-cost savings."""

    cost_per_ticket: float | None = _f("Fully loaded cost of one ticket.", None, ge=0, unit="currency")
    agent_hourly_cost: float | None = _f("Agent cost per hour, with handle_minutes instead of cost_per_ticket.",
                                         None, ge=0, unit="currency per hour")
    handle_minutes: float | None = _f("Minutes an agent spends on a ticket.", None, ge=0, unit="minutes")
    count: Names | None = _f("Methods counted in the ROI (the others are reported only).", None)
    deflection: Deflection | None = None
    channel_shift: ChannelShift | None = None
    measured_counts: MeasuredCounts | None = None
    measured_series: MeasuredSeries | None = None


class Cashflows(_Section):
    """Multi-period cash flows, NPV and payback of the simulation."""

    years: float = _f("Years of cash flows.", 3, gt=0, le=50, example=3, unit="years")
    frequency: Literal["month", "quarter", "year"] = _f("Period of the cash-flow table.", "month", example="month")
    discount_rate: float = _f("Yearly discount rate of the NPV.", 0.0, ge=0, example=0.08, unit="rate per year")
    upfront_cost: float = _f("Cost paid at time zero.", 0.0, ge=0, example=2000, unit="currency")
    value_growth: float = _f("Yearly growth of the value.", 0.0, ge=-0.99, example=0.05, unit="rate per year")


class Leads(_Section):
    """Lead score bands and the lead cycle."""

    file: Path = _f("One row per lead: score, channel, created, converted_at, revenue.")
    social_channels: Names = _f("Channel names that are social.")
    bands: str | list[float] | None = _f("Band edges on the score: \"40,70\" or \"slow:40,medium:70,fast\".", None)
    date_order: DateOrder | None = _f("Order of NN/NN/YYYY dates when the column cannot show it.", None)


class Funnel(_Section):
    """Funnel conversion and the money value of micro actions."""

    file: Path = _f("One row per period and channel with stage counts.")
    stages: Names | None = _f("Stage columns in funnel order (default: the file's order).", None)
    micro: Path | None = _f("Posts or periods with conversions and micro-action counts.", None)
    actions: Names = _f("Micro-action columns.", ["likes", "shares", "comments", "clicks"])
    conversion_value: float | None = _f("Money value of one conversion (needed with micro).", None, ge=0,
                                        unit="currency")
    exposure: str | None = _f("Exposure column (e.g. impressions) as offset.", None)

    @model_validator(mode="after")
    def _micro_needs_value(self) -> Funnel:
        if self.micro is not None and self.conversion_value is None:
            raise ValueError("[funnel] micro needs conversion_value (the money value of one conversion)")
        return self


class Attribution(_Section):
    """Revenue credited to channels from touchpoint paths; social's credit becomes direct revenue."""

    touchpoints: Path | None = _f("Touchpoint table: journey, channel, timestamp, conversion value (or give ga4).",
                                  None, example="touchpoints.csv")
    ga4: str | None = _f("GA4 export instead of a touch table: a file, folder or glob of its daily Parquet or "
                         "newline-delimited JSON files, or a connection URL (with ga4_table).", None)
    ga4_table: str | None = _f("Table at the ga4 connection URL; events_* reads every daily table.", None)
    conversion_events: Names = _f("GA4 event names that end a journey as a conversion.", ["purchase"])
    channel_rules: Path | None = _f("CSV of GA4 channel rules (channel, source, medium, match) replacing the "
                                    "default channel groups.", None)
    social_channels: Names = _f("Channel names that are social (after channel_map).")
    model: str = _f("Model whose social credit counts: first_touch, last_touch, linear, time_decay, "
                    "position_based, markov or shapley.", "markov")
    half_life_days: float = _f("Time-decay half-life.", 7.0, ge=0, unit="days")
    first: float = _f("Position-based share of the first touch.", 0.4, ge=0, unit="share 0-1")
    last: float = _f("Position-based share of the last touch.", 0.4, ge=0, unit="share 0-1")
    order: int = _f("Markov chain order (1 or 2).", 1, ge=0)
    bootstrap: int = _f("Bootstrap replicates of journeys for the interval (0: none).", 200, ge=0)
    channel_map: ColumnMap = _f("Channel renames applied first: old = \"new\".", {})
    columns: ColumnMap = _f("Map touchpoint columns: role = \"column name\".", {})
    date_order: DateOrder | None = _f("Order of NN/NN/YYYY timestamps when the column cannot show it.", None)

    @model_validator(mode="after")
    def _one_source(self) -> Attribution:
        if (self.touchpoints is None) == (self.ga4 is None):
            raise ValueError("[attribution] needs exactly one of touchpoints (a touch table) and ga4 (a GA4 export)")
        if self.ga4 is None and (self.ga4_table or self.channel_rules):
            raise ValueError("[attribution] ga4_table and channel_rules go with ga4")
        return self


class LiftTestSection(_Section):
    """A randomised lift test (holdout or split test) valued as evidence grade experiment ([[lift_tests]])."""

    name: str = _short_name("lift_tests", "instagram_holdout")
    label: str | None = _label("Lift test", "Instagram creator series")
    file: Path = _f("One row per randomised unit (person, account, store): its group and its outcome.",
                    example="lift_test.csv")
    outcome: str = _f("Outcome column: 0/1 for kind binary, a number for kind amount.", example="revenue_28d")
    kind: Literal["binary", "amount"] = _f("binary (converted or not) or amount (revenue, orders, minutes).",
                                           "binary", example="amount")
    group: str = _f("Group column.", "group")
    test: str = _f("The group column's value for the test group (got the social effort).", "test")
    control: str = _f("The group column's value for the control (holdout) group.", "control")
    value_per_conversion: float | None = _f("Value of one conversion (needed with kind binary).", None, ge=0,
                                            unit="currency")
    value_per_unit: float = _f("Value of one unit of an amount outcome (1 when the outcome is money in the project "
                               "currency).", 1.0, ge=0, unit="currency per outcome unit")
    units: float | None = _f("Units the effect applies to (default: the test group's size; a rollout's audience "
                             "to value the rollout).", None, gt=0)
    split: float | None = _f("Planned share of units in the test group, for the sample-ratio check.", None, gt=0,
                             lt=1, unit="share 0-1")

    @model_validator(mode="after")
    def _binary_needs_value(self) -> LiftTestSection:
        if self.kind == "binary" and self.value_per_conversion is None:
            raise ValueError(f"[[lift_tests]] '{self.name}': kind binary needs value_per_conversion (the money value "
                             "of one conversion)")
        return self


class IncrementalitySection(_Section):
    """What a campaign added, from time series (synthetic control or structural model), graded quasi_experiment."""

    name: str = _short_name("incrementality", "creator_campaign")
    label: str | None = _label("Incrementality", "Creator campaign")
    file: Path = _f("One row per period (one series) or per unit and period (a panel, long format).",
                    example="weekly_signups.csv")
    outcome: str = _f("Outcome column: what the launch should move, per period.", example="signups")
    time: str = _f("Period column: years, period numbers or ISO dates (YYYY-MM-DD).", example="week")
    launch: str | int | float | _dt.date = _f("First period of the launch, as the period column writes it.",
                                              example="2026-03-02")
    controls: Names = _f("Control series columns (one series): series the launch did not touch.", [])
    unit: str | None = _f("Unit column of a panel (synthetic control; with treated).", None)
    treated: str | None = _f("The unit the launch reached (synthetic control; with unit).", None)
    value_per_unit: float = _f("Value of one unit of the outcome (1 when the outcome is money in the project "
                               "currency).", ge=0, unit="currency per outcome unit", example=40.0)
    covariates: Names = _f("Synthetic control: columns matched by their pre-launch means (with the outcome's), "
                           "weighted to reproduce the pre-launch outcome path; default: the outcome path itself.", [])
    trend: bool = _f("Structural model: a local linear trend instead of a local level.", False)
    seasonal: int | None = _f("Structural model: season length in periods (52 for weekly data with a yearly cycle).",
                              None, ge=2)
    placebos: bool = _f("Synthetic control: run the placebo tests (in space, in time, leave one donor out).", True)

    @model_validator(mode="after")
    def _one_design(self) -> IncrementalitySection:
        if (self.unit is None) != (self.treated is None):
            raise ValueError(f"[[incrementality]] '{self.name}': give both unit and treated (synthetic control over a "
                             "panel), or neither (one series with controls)")
        if self.unit is None and self.covariates:
            raise ValueError(f"[[incrementality]] '{self.name}': covariates are for a synthetic control (with unit and "
                             "treated); one series takes controls")
        if self.unit is not None and self.controls:
            raise ValueError(f"[[incrementality]] '{self.name}': controls are for one series; a panel's donors are "
                             "its other units (remove controls, or unit and treated)")
        return self


class EvidenceOverride(_Section):
    """A component's evidence grade set by the project, with the reason ([evidence] COMPONENT = {...})."""

    grade: Literal["experiment", "quasi_experiment", "observational", "attribution", "market_price", "assumption",
                   "accounting"] = _f("The grade: experiment, quasi_experiment, observational, attribution, "
                                      "market_price, assumption or accounting.")
    reason: str = _f("Why, in a sentence a client can read (e.g. 'a randomised holdout test in March').",
                     min_length=1)


class Correlation(_Section):
    """A rank correlation between two uncertain assumptions ([[correlations]])."""

    a: str = _f("An assumption with a distribution.")
    b: str = _f("Another assumption with a distribution.")
    rank: float = _f("Spearman rank correlation.", ge=-1, le=1)


AssumptionValue = float | Literal["model"] | dict[str, Any]


class ProjectFile(_Section):
    """A socialroi project file (project.toml)."""

    project: ProjectMeta = Field(default_factory=ProjectMeta, description="The run itself.")
    currency: CurrencySection = Field(default_factory=CurrencySection, description="Exchange rates.")
    traffic: Traffic | None = Field(None, description=Traffic.__doc__)
    social: Social | None = Field(None, description=Social.__doc__)
    direct_revenue: DirectRevenue | None = Field(None, description=DirectRevenue.__doc__)
    attribution: Attribution | None = Field(None, description=Attribution.__doc__)
    segments: Segments | None = Field(None, description=Segments.__doc__)
    support: Support | None = Field(None, description=Support.__doc__)
    costs: Costs | None = Field(None, description=Costs.__doc__)
    lift_tests: list[LiftTestSection] = Field([], description=LiftTestSection.__doc__)
    incrementality: list[IncrementalitySection] = Field([], description=IncrementalitySection.__doc__)
    leads: Leads | None = Field(None, description=Leads.__doc__)
    funnel: Funnel | None = Field(None, description=Funnel.__doc__)
    assumptions: dict[str, AssumptionValue] = Field(
        {}, description="Assumptions of the simulation: lever name = a number, \"model\", or a distribution "
                        "table { dist = \"triangular\", low = ..., mode = ..., high = ... }; `socialroi simulate` "
                        "lists the levers of a project.")
    scenarios: dict[str, dict[str, AssumptionValue | list[str]]] = Field(
        {}, description="Named scenarios ([scenarios.NAME]) overriding assumptions; evidence = [\"experiment\", ...] "
                        "counts only the components of those grades. A hard_evidence scenario (experiment, "
                        "quasi_experiment, attribution and accounting grades only) is always added.")
    correlations: list[Correlation] = Field([], description="Rank correlations between uncertain assumptions.")
    cashflows: Cashflows | None = Field(None, description=Cashflows.__doc__)
    evidence: dict[str, EvidenceOverride] = Field(
        {}, description="Evidence grades set by the project: component name = { grade = \"experiment\", reason = "
                        "\"...\" } (component names as in roi --format json).")

    @model_validator(mode="after")
    def _whole_file(self) -> ProjectFile:
        if self.costs is None:
            raise ValueError("[costs] needs ledger = \"costs.csv\": ROI is undefined without the cost of the effort")
        if self.attribution is not None and self.direct_revenue is not None:
            raise ValueError("give direct revenue either as [direct_revenue] or derived by [attribution], not both")
        if not any(getattr(self, s) not in (None, []) for s in VALUE_SECTIONS):
            raise ValueError("no value component: add [traffic], [social], [direct_revenue], [attribution], "
                             "[segments], [support], [[lift_tests]] or [[incrementality]]")
        for section in ("lift_tests", "incrementality"):
            names = [t.name for t in getattr(self, section)]
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:
                raise ValueError(f"two [[{section}]] are named '{twice[0]}'; give each its own name")
        return self


VALUE_SECTIONS = ("traffic", "social", "direct_revenue", "attribution", "segments", "support", "lift_tests",
                  "incrementality")
LIST_MODELS: dict[str, type[_Section]] = {"lift_tests": LiftTestSection, "incrementality": IncrementalitySection}
SECTION_MODELS: dict[str, type[_Section]] = {
    "project": ProjectMeta, "currency": CurrencySection, "traffic": Traffic, "social": Social,
    "direct_revenue": DirectRevenue, "attribution": Attribution, "segments": Segments, "support": Support,
    "costs": Costs, "leads": Leads, "funnel": Funnel, "cashflows": Cashflows,
}
SUBSECTION_MODELS: dict[str, type[_Section]] = {
    "deflection": Deflection, "channel_shift": ChannelShift, "measured_counts": MeasuredCounts,
    "measured_series": MeasuredSeries,
}
# keys that name a file, in any section: read relative to the project file
PATH_KEYS = frozenset({"keywords", "cpc", "metrics", "rate_card", "ledger", "file", "customers", "touchpoints",
                       "micro", "tickets", "channel_costs", "weekly", "channel_rules"})
# keys that name files or a connection URL: a path is read relative to the project file, a URL as it is
SOURCE_KEYS = frozenset({"ga4", "search_console"})
_TYPE_TAGS = frozenset({"float", "int", "str", "bool", "date", "list", "dict", "none", "literal"})


def _model_at(loc: tuple[Any, ...]) -> tuple[Any, list[str]]:
    """The model (or None) that holds the last key of ``loc``, and the readable path to it."""
    model: Any = ProjectFile
    where: list[str] = []
    for part in loc[:-1]:
        if isinstance(part, int):
            where[-1] = f"{where[-1]}[{part + 1}]"
            continue
        fields = getattr(model, "model_fields", {})
        if part not in fields:
            model = None
            where.append(str(part))
            continue
        where.append(part)
        model = SECTION_MODELS.get(part) or SUBSECTION_MODELS.get(part) or (
            Outcome if part == "outcomes" else Correlation if part == "correlations" else LIST_MODELS.get(part))
    return model, where


def _clean(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """``loc`` without pydantic's union and validator tags (``float``, ``literal['a']``, ``function-after[...]``)."""
    return tuple(p for p in loc if isinstance(p, int) or not (p in _TYPE_TAGS or "[" in p or "-" in p))


def _bounds(model: Any, key: str) -> str:
    """``between 0 and 1``, ``at least 0`` or ``at most 1`` from a field's declared constraints."""
    info = getattr(model, "model_fields", {}).get(key)
    low = high = ""
    for m in getattr(info, "metadata", ()):
        for attr, words in (("ge", "at least"), ("gt", "more than"), ("le", "at most"), ("lt", "less than")):
            v = getattr(m, attr, None)
            if v is not None and attr in ("ge", "gt"):
                low = f"{words} {v:g}"
            elif v is not None:
                high = f"{words} {v:g}"
    if low.startswith("at least") and high.startswith("at most"):
        return f"between {low.split()[-1]} and {high.split()[-1]}"
    return " and ".join(x for x in (low, high) if x) or "in range"


_TYPE_WORDS = {"float_type": "a number", "int_type": "a whole number", "int_from_float": "a whole number",
               "string_type": "text (in quotes)", "bool_type": "true or false", "finite_number": "a finite number",
               "dict_type": "a table", "model_type": "a table", "model_attributes_type": "a table",
               "string_too_short": "a file path (not empty)",
               "string_pattern_mismatch": "a short name of letters, digits and _ that starts with a letter",
               "date_type": "a date (YYYY-MM-DD)"}


def _structural(kind: str, key: str, model: Any, parents: list[str]) -> str | None:
    """Messages for the file's shape: unknown and missing keys, empty outcome lists."""
    fields = getattr(model, "model_fields", {})
    section = ".".join(parents)
    if kind == "extra_forbidden":
        known = ", ".join(fields)
        if not parents:
            return f"unknown section [{key}]; known sections: {known}"
        return f"unknown key '{key}' in [{section}]; known keys: {known}"
    if kind == "missing":
        info = fields.get(key)
        help_text = f" ({info.description.rstrip('.')})" if info is not None and info.description else ""
        return f"[{section}] needs {key}{help_text}" if section else f"[{key}] is missing"
    if kind in ("too_short", "list_type") and key == "outcomes":
        return "[segments] needs at least one [[segments.outcomes]] table"
    if kind in ("dict_type", "model_type", "model_attributes_type") and not parents:
        return f"'{key}' must be a [section], not a value"
    return None


def first_error(errors: Any) -> str:
    """socialroi's one-line message for the first problem pydantic found (see the module docstring)."""
    e = errors[0]
    loc = _clean(tuple(e["loc"]))
    if loc and isinstance(loc[-1], int):  # an item of a list: name it by its position
        loc = (*loc[:-2], f"{loc[-2]}[{loc[-1] + 1}]")
    model, parents = _model_at(loc)
    key = str(loc[-1]) if loc else ""
    where = ".".join([*parents, key]) if parents else key
    kind, got = e["type"], e.get("input")
    if kind == "value_error":
        return str(e["msg"]).removeprefix("Value error, ")
    shape = _structural(kind, key, model, parents)
    if shape:
        return shape
    if sum(_clean(tuple(x["loc"]))[:len(loc)] == loc for x in errors) > 1:  # a union: no allowed form fits
        info = getattr(model, "model_fields", {}).get(key)
        expected = info.description.rstrip(".") if info is not None and info.description else "another value"
        return f"{where} must be: {expected[:1].lower() + expected[1:]}; got {got!r}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return f"{where} must be {_bounds(model, key)}, got {got!r}"
    if kind == "literal_error":
        return f"{where} must be one of {e['ctx']['expected']}, got {got!r}"
    if kind == "list_type":
        return f"{where} must be a list of strings, e.g. [\"a\", \"b\"], got {got!r}"
    word = _TYPE_WORDS.get(kind)
    return f"{where} must be {word}, got {got!r}" if word else f"{where}: {e['msg']}, got {got!r}"


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a project file (what ``socialroi schema`` prints)."""
    schema = ProjectFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "socialroi project file"
    return schema


def _toml(value: Any) -> str:
    """A value written as TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    return repr(value)


TEMPLATE_HEAD = """# socialroi project file: the inputs and assumptions of one ROI run.
# Paths are relative to this file. Run it with:  socialroi roi project.toml
# Remove a section you have no data for; [project] and [costs] are required,
# and at least one value component ([traffic], [social], [direct_revenue], ...).
# Every key, its default and its meaning: socialroi schema (JSON Schema for editors).
# Generated from socialroi.valuation.schema: edit the schema, not this file.
"""
TEMPLATE_SECTIONS = ("project", "currency", "traffic", "social", "direct_revenue", "costs")
TEMPLATE_SIMULATION = """
# --- Scenarios for finance (socialroi simulate project.toml) -------------------------------------
# Any assumption can be fixed or uncertain: uniform, triangular, pert, normal (low/high truncate it),
# lognormal (mean and sd of the value). Estimated components keep their own model uncertainty.
# `socialroi simulate` lists every assumption name this project has.
[assumptions]
"traffic.replacement_share" = { dist = "triangular", low = 0.6, mode = 0.8, high = 0.95 }
"traffic.cpc_multiplier" = { dist = "pert", low = 0.8, mode = 1.0, high = 1.3 }
"costs.hourly_rate_multiplier" = { dist = "normal", mean = 1.0, sd = 0.05, low = 0.85, high = 1.2 }

[scenarios.pessimistic]
"traffic.replacement_share" = 0.5
"social.rate_multiplier" = 0.7

[scenarios.optimistic]
"traffic.replacement_share" = 0.95

# Rank correlation between two uncertain assumptions (Gaussian copula)
[[correlations]]
a = "traffic.replacement_share"
b = "traffic.cpc_multiplier"
rank = -0.3
"""


def _example(info: Any) -> Any:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    return extra.get("example")


def _section_lines(name: str, model: type[BaseModel]) -> list[str]:
    lines = [f"[{name}]", f"# {(model.__doc__ or '').strip()}"]
    for key, info in model.model_fields.items():
        example = _example(info)
        if example is not None:
            lines.append(f"{key} = {_toml(example)}  # {info.description}")
        elif not info.is_required() and info.default not in (None, {}, []) and not isinstance(info.default, dict):
            lines.append(f"# {key} = {_toml(info.default)}  # {info.description}")
    return lines


def template() -> str:
    """The ``project.toml`` that ``socialroi init`` writes, generated from the schema."""
    parts = [TEMPLATE_HEAD]
    for name in TEMPLATE_SECTIONS:
        parts += ["\n".join(_section_lines(name, SECTION_MODELS[name])), ""]
    parts.append(TEMPLATE_SIMULATION)
    parts.append("\n".join(_section_lines("cashflows", Cashflows)))
    return "\n".join(parts) + "\n"


def _type_name(info: Any) -> str:
    text = repr(info.annotation).replace("typing.", "").replace("NoneType", "none")
    text = text.replace("Annotated[str, FieldInfo(annotation=NoneType, required=True, metadata=[MinLen(min_length=1)]"
                        ", json_schema_extra={'format': 'path'})]", "path")
    for old, new in (("<class '", ""), ("'>", ""), ("datetime.date", "date"), ("Literal", "one of ")):
        text = text.replace(old, new)
    return text


def markdown_tables() -> str:
    """The README's tables of every project-file key (key, default, unit, meaning), generated from the schema."""
    out = []
    models: list[tuple[str, type[BaseModel]]] = [*SECTION_MODELS.items(), ("segments.outcomes", Outcome),
                                                 *LIST_MODELS.items(),
                                                 *((f"support.{k}", m) for k, m in SUBSECTION_MODELS.items()),
                                                 ("correlations", Correlation), ("evidence.COMPONENT", EvidenceOverride)]
    for name, model in models:
        out += [f"**[{name}]** {(model.__doc__ or '').strip()}", "", "| key | default | unit | meaning |",
                "|---|---|---|---|"]
        for key, info in model.model_fields.items():
            if key in SUBSECTION_MODELS or key == "outcomes":
                continue
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            default = "required" if info.is_required() else ("" if info.default in (None, {}, [])
                                                              else f"`{_toml(info.default)}`")
            meaning = (info.description or "").replace("|", "\\|")
            out.append(f"| `{key}` | {default} | {extra.get('unit', '')} | {meaning} |")
        out.append("")
    return "\n".join(out)
