"""The ``socialroi`` command.

A thin layer: each command parses its options, calls :mod:`socialroi.valuation`
and renders the result. Heavy libraries are imported inside the commands so
``socialroi --help`` starts fast. Exit codes: 0 ok, 2 bad input or usage,
1 unexpected failure.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from socialroi.valuation.errors import InputError
from socialroi.valuation.safe_text import one_line  # plain re only: costs nothing at start-up

app = typer.Typer(
    name="socialroi",
    help="Earned-value estimator for the indirect returns of social media and content: traffic value, "
    "costs and a blended ROI with its uncertainty.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Format(str, Enum):
    """Output formats."""

    text = "text"
    json = "json"
    csv = "csv"
    markdown = "markdown"


FormatOpt = Annotated[Optional[Format], typer.Option(
    "--format", "-f", help="Output format (default: from the --output file's extension, else text).")]
OutputOpt = Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file (atomically) "
                                                   "instead of standard output.")]
SeedOpt = Annotated[Optional[int], typer.Option("--seed", help="Random seed (same inputs and seed give identical "
                                                "output).", min=0)]
MAX_DRAWS = 10_000_000  # a few hundred MB per component; 2e9 draws would need terabytes
DateOrderOpt = Annotated[Optional[str], typer.Option("--date-order", help="Order of NN/NN/YYYY dates when the "
                                                    "column cannot show it: day_first or month_first.")]
DrawsOpt = Annotated[Optional[int], typer.Option("--draws", help=f"Number of Monte Carlo draws (1 to {MAX_DRAWS:,}).",
                                                 min=1, max=MAX_DRAWS)]


def _names(text: str | None) -> list[str]:
    """A comma-separated option (``--controls c1,c2``) as its names, blanks dropped."""
    return [c.strip() for c in text.split(",") if c.strip()] if text else []


# options that socialroi lift and socialroi lift plan share
TimeOpt = Annotated[str, typer.Option(help="Time column.")]
UnitOpt = Annotated[Optional[str], typer.Option(help="Unit column of a panel (synthetic control).")]
ControlsOpt = Annotated[Optional[str], typer.Option(help="Control-series columns, comma-separated (structural "
                                                    "model).")]
TrendOpt = Annotated[bool, typer.Option(help="Local linear trend instead of a local level (structural).")]
CurrencyOpt = Annotated[str, typer.Option(help="Currency of --value-per-unit.")]


def _format(fmt: Format | None, output: Path | None) -> Format:
    """``--format``, or the one the ``--output`` extension names (a contradiction is refused)."""
    from socialroi.cli.output import output_format

    return Format(output_format(fmt.value if fmt else None, output, tuple(f.value for f in Format), "text"))


def _emit(report, fmt: Format | None, output: Path | None) -> None:
    """Render and write a report; every command has checked ``output`` before computing."""
    from socialroi.cli.output import write_atomic
    from socialroi.cli.render import render

    fmt = _format(fmt, output)
    text = render(report, fmt.value)
    _clear_progress()
    for w in report.warnings:
        if output is not None or fmt != Format.text:
            print(f"warning: {one_line(w)}", file=sys.stderr)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)
        print(f"wrote {output}", file=sys.stderr)


def _progress():
    """A progress callback that writes one overwritten line on a terminal, and nothing in pipes or logs."""
    if not sys.stderr.isatty():
        return None

    def progress(message: str) -> None:
        print(f"\r\033[K{message}...", end="", file=sys.stderr, flush=True)

    return progress


def _clear_progress() -> None:
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr, flush=True)


def _load(project: Path, output: Path | None):
    """Load and check a project file, and refuse an output path that is one of its inputs."""
    from socialroi.cli.output import check_output
    from socialroi.valuation.project import load_project

    loaded = load_project(project)
    check_output(output, loaded.input_files())
    return loaded


def _rates(values: list[str] | None) -> dict[str, float]:
    rates = {}
    for item in values or []:
        code, sep, number = item.partition("=")
        try:
            rates[code.strip().upper()] = float(number)
        except ValueError:
            sep = ""
        if not sep:
            raise InputError(f"--rate {item!r} must look like USD=0.92 (units of the reporting currency per unit)")
    return rates


class _flags_for_options:
    """Context manager: an option's error names the command-line flag (``--cpc-unit``), not the project key.

    The options classes are shared with the project file, whose messages use
    its keys (``cpc_unit``); on the command line the same rule reads with
    the flag the user typed. ``renamed`` maps keys whose flag is not the key
    with dashes.
    """

    def __init__(self, options_class, renamed: dict[str, str] | None = None) -> None:
        from dataclasses import fields

        self.keys = {f.name for f in fields(options_class)}
        self.renamed = renamed or {}

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> None:
        import re

        if isinstance(exc, InputError) and exc.file is None:
            m = re.match(r"([a-z_]+) ", exc.message)
            if m and m.group(1) in self.keys:
                key = m.group(1)
                flag = self.renamed.get(key, "--" + key.replace("_", "-"))
                raise InputError(flag + exc.message[len(key):]) from None


@app.command()
def traffic(
    keywords: Annotated[Optional[Path], typer.Argument(
        metavar="KEYWORDS", help="Keyword traffic export (query/keyword and clicks columns); with --search-console, "
                                 "the CPC table.")] = None,
    cpc: Annotated[Optional[Path], typer.Argument(metavar="CPC", help="Keyword CPC table (keyword and CPC or low/high bids). "
                                                  "Default: the CPC column of KEYWORDS.")] = None,
    search_console: Annotated[Optional[str], typer.Option(
        help="A Search Console bulk export (searchdata_site_impression) instead of KEYWORDS: a file, folder or glob "
             "of its Parquet or newline-delimited JSON files, or a connection URL (with --search-console-table); "
             "clicks are summed per query in the query engine. Then the one table argument is the CPC table.")] = None,
    search_console_table: Annotated[Optional[str], typer.Option(help="Table at the --search-console URL.")] = None,
    keyword_col: Annotated[Optional[str], typer.Option(help="Keyword column of KEYWORDS.")] = None,
    clicks_col: Annotated[Optional[str], typer.Option(help="Clicks column of KEYWORDS.")] = None,
    cpc_keyword_col: Annotated[Optional[str], typer.Option(help="Keyword column of CPC.")] = None,
    cpc_col: Annotated[Optional[str], typer.Option(help="CPC column of CPC.")] = None,
    cpc_low_col: Annotated[Optional[str], typer.Option(help="Low-bid column of CPC.")] = None,
    cpc_high_col: Annotated[Optional[str], typer.Option(help="High-bid column of CPC.")] = None,
    currency: Annotated[Optional[str], typer.Option(help="Reporting currency (ISO code).")] = None,
    rate: Annotated[Optional[list[str]], typer.Option(help="Exchange rate CODE=RATE, units of the reporting "
                                                      "currency per unit of CODE (repeatable).")] = None,
    replacement_share: Annotated[float, typer.Option(help="Share of clicks one would really have bought (0-1).")]
    = 1.0,
    brand: Annotated[Optional[list[str]], typer.Option(help="Brand term to exclude (repeatable).")] = None,
    brand_regex: Annotated[Optional[str], typer.Option(help="Regular expression of brand keywords to exclude.")]
    = None,
    unmatched: Annotated[str, typer.Option(help="Keywords without a CPC: exclude or impute.")] = "exclude",
    traffic_period: Annotated[str, typer.Option(help="What the clicks cover: as_exported (the period itself), "
                                                "month or year (SEO-tool estimates are per month).")] = "as_exported",
    months: Annotated[Optional[float], typer.Option(help="Length of the period to value, in months (with "
                                                    "--traffic-period month or year).")] = None,
    decimal: Annotated[str, typer.Option(help="Decimal mark of the files' numbers: auto (decided per file), "
                                         "comma or dot.")] = "auto",
    no_market: Annotated[str, typer.Option(help="Keywords whose CPC is 0 (no paid market, as SEO tools write "
                                           "it): exclude (valued at zero) or impute.")] = "exclude",
    impute_cpc: Annotated[Optional[float], typer.Option(help="CPC for imputed keywords (default: average price "
                                                        "of a matched click).")] = None,
    cpc_point: Annotated[str, typer.Option(help="Point inside a bid range: low, mid, high or 0-1.")] = "mid",
    cpc_unit: Annotated[str, typer.Option(help="Unit of the CPC columns: currency, cents or micros.")] = "currency",
    duplicates: Annotated[str, typer.Option(help="Rule for a keyword listed with different CPCs: median, max, "
                                            "min, first or error.")] = "median",
    fold_diacritics: Annotated[bool, typer.Option(help="Match keywords ignoring diacritics (Rīga = Riga).")]
    = False,
    country: Annotated[Optional[str], typer.Option(help="Use only rows of this country.")] = None,
    top: Annotated[int, typer.Option(help="Keywords in the top tables (0: all).", min=0)] = 20,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    seed: SeedOpt = None,
    draws: DrawsOpt = None,
) -> None:
    """Value organic clicks at what the same clicks cost in paid search."""
    _format(fmt, output)  # refuse a contradicting --format/--output before any work
    from socialroi.cli.output import check_output
    from socialroi.cli.render import traffic_report
    from socialroi.valuation.errors import InputError
    from socialroi.valuation.search_console import traffic_input
    from socialroi.valuation.traffic import TrafficOptions, value_traffic

    if search_console is not None:
        if keywords is None or cpc is not None:
            raise InputError("with --search-console give one table, the CPC table: socialroi traffic --search-console "
                             "EXPORT CPC (a bulk export has no CPCs)")
        if keyword_col or clicks_col:
            raise InputError("--keyword-col and --clicks-col name a keyword table's columns; a Search Console bulk "
                             "export has fixed ones (query, clicks)")
        keywords, cpc = None, keywords
    elif keywords is None:
        raise InputError("give the keyword traffic export (KEYWORDS) or a Search Console bulk export "
                         "(--search-console)")
    elif search_console_table:
        raise InputError("--search-console-table goes with --search-console")
    check_output(output, [p for p in (keywords, cpc) if p is not None])
    with _flags_for_options(TrafficOptions, {"cpc_duplicates": "--duplicates"}):
        opts = TrafficOptions(
            replacement_share=replacement_share, brand_terms=tuple(brand or ()), brand_regex=brand_regex,
            unmatched=unmatched, no_market=no_market, decimal=decimal, traffic_period=traffic_period, months=months,
            impute_cpc=impute_cpc, cpc_point=cpc_point, cpc_unit=cpc_unit,
            cpc_duplicates=duplicates, fold_diacritics=fold_diacritics, country=country, currency=currency,
            rates=_rates(rate), top=top,
        )
    traffic_table, traffic_columns, source = traffic_input(
        keywords, search_console, search_console_table,
        columns={k: v for k, v in (("keyword", keyword_col), ("clicks", clicks_col)) if v})
    result = value_traffic(
        traffic_table, cpc, opts, traffic_columns=traffic_columns,
        cpc_columns={k: v for k, v in (("keyword", cpc_keyword_col), ("cpc", cpc_col), ("cpc_low", cpc_low_col),
                                       ("cpc_high", cpc_high_col)) if v},
        seed=seed or 0, n_draws=draws or 10_000, source=source,
    )
    _emit(traffic_report(result), fmt, output)


@app.command()
def roi(
    project: Annotated[Path, typer.Argument(metavar="PROJECT", help="Project file (TOML), as written by 'socialroi init'.")],
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    seed: SeedOpt = None,
    draws: DrawsOpt = None,
) -> None:
    """Blended and hard ROI of a project: every value component against the cost ledger."""
    _format(fmt, output)  # refuse a contradicting --format/--output before any work
    from socialroi.cli.render import roi_report
    from socialroi.valuation.run import run_project

    loaded = _load(project, output)
    run = run_project(loaded, seed=seed, draws=draws, progress=_progress())
    _emit(roi_report(run), fmt, output)


@app.command()
def segments(
    customers: Annotated[Path, typer.Argument(metavar="CUSTOMERS", help="Customer table (CSV, Parquet or Excel), "
                                              "one row per customer.")],
    outcome: Annotated[list[str], typer.Option(help="Outcome as COLUMN:KIND, KIND one of binary, amount, "
                                               "amount_with_zeros, continuous, count; or "
                                               "COLUMN:duration:EVENT_COLUMN (repeatable).")],
    engaged: Annotated[Optional[str], typer.Option(help="Engagement flag column (1/0, yes/no), or COLUMN=VALUE "
                                                   "for a column with several arms.")] = None,
    reference: Annotated[Optional[str], typer.Option(help="With --engaged COLUMN=VALUE: the comparison arm's "
                                                     "value (default: every other value).")] = None,
    score: Annotated[Optional[str], typer.Option(help="Engagement score column (instead of --engaged).")] = None,
    threshold: Annotated[Optional[float], typer.Option(help="Score at or above which a customer is engaged.")]
    = None,
    covariates: Annotated[str, typer.Option(help="Comma-separated covariates; text columns are categorical; "
                                            "log(col) takes the logarithm. None: an unadjusted comparison "
                                            "(right for a randomised test).")] = "",
    categorical: Annotated[str, typer.Option(help="Comma-separated numeric covariates to treat as categories.")]
    = "",
    cluster: Annotated[Optional[str], typer.Option(help="Account column for clustered standard errors.")] = None,
    id_col: Annotated[Optional[str], typer.Option("--id", help="Customer id column (duplicates are refused).")]
    = None,
    trim: Annotated[Optional[float], typer.Option(help="Drop customers with propensity outside [trim, 1-trim].")]
    = None,
    horizon: Annotated[float, typer.Option(help="Horizon for duration outcomes, in --time-unit.")] = 365.0,
    time_unit: Annotated[str, typer.Option(help="Unit of duration columns: days, weeks, months or years.")]
    = "days",
    lower_is_better: Annotated[Optional[list[str]], typer.Option(help="Outcome column where lower is better "
                                                                 "(a churn or cancel flag; repeatable).")] = None,
    drop_incomplete: Annotated[bool, typer.Option(help="Leave out customers with a blank covariate (counted in "
                                                  "a warning) instead of refusing the table.")] = False,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap replicates for amount intervals (0: sandwich "
                                           "interval; else 100 or more).", min=0)] = 0,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Lift of engaged vs non-engaged customers per outcome: naive, regression, weighting, doubly robust."""
    _format(fmt, output)  # refuse a contradicting --format/--output before any work
    from socialroi.cli.output import check_output
    from socialroi.cli.render import segments_report
    from socialroi.valuation.segments import OutcomeSpec, SegmentSpec, analyse_segments

    check_output(output, [customers])
    lower = set(lower_is_better or ())
    specs = []
    for item in outcome:
        parts = item.split(":")
        if len(parts) < 2 or (parts[1] == "duration") != (len(parts) == 3) or len(parts) > 3:
            raise InputError(f"--outcome {item!r} must be COLUMN:KIND or COLUMN:duration:EVENT_COLUMN")
        if parts[1] == "duration" and parts[0] in lower:
            raise InputError(f"--lower-is-better {parts[0]!r}: a duration's direction follows from its event; "
                             "leave it out")
        specs.append(OutcomeSpec(name=parts[0], column=parts[0], kind=parts[1],
                                 event=parts[2] if len(parts) == 3 else None,
                                 horizon=horizon if parts[1] == "duration" else None,
                                 higher_is_better=False if parts[0] in lower else None,
                                 time_unit=time_unit))
    unknown = lower - {s.column for s in specs}
    if unknown:
        raise InputError(f"--lower-is-better {sorted(unknown)[0]!r} names no --outcome column")
    engaged_value = None
    if engaged is not None and "=" in engaged:
        engaged, _, engaged_value = engaged.partition("=")
        engaged = engaged.strip()
    with _flags_for_options(SegmentSpec, {"engaged_value": "--engaged COLUMN=VALUE", "reference_value": "--reference",
                                          "id": "--id"}):
        spec = SegmentSpec(
            covariates=tuple(_names(covariates)), outcomes=tuple(specs),
            engaged=engaged, score=score, threshold=threshold,
            categorical=tuple(_names(categorical)), id=id_col, cluster=cluster,
            trim=trim, engaged_value=engaged_value, reference_value=reference, drop_incomplete=drop_incomplete,
            bootstrap=bootstrap,
        )
    _emit(segments_report(analyse_segments(customers, spec)), fmt, output)


@app.command()
def support(
    project: Annotated[Path, typer.Argument(metavar="PROJECT", help="Project file with a [support] section.")],
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    seed: SeedOpt = None,
    draws: DrawsOpt = None,
) -> None:
    """Support-cost savings by deflection, channel shift and measured methods, with diagnostics."""
    _format(fmt, output)  # refuse a contradicting --format/--output before any work
    from socialroi.cli.render import support_report
    from socialroi.valuation.support import analyse_support

    loaded = _load(project, output)
    if "support" not in loaded.sections:
        raise InputError("has no [support] section; see the bundled example (socialroi init writes a template)",
                         file=str(project))
    analysis = analyse_support(loaded.sections["support"], currency=loaded.currency,
                               seed=loaded.seed if seed is None else seed,
                               n_draws=loaded.draws if draws is None else draws, level=loaded.level)
    _emit(support_report(analysis, loaded), fmt, output)


@app.command()
def simulate(
    project: Annotated[Path, typer.Argument(metavar="PROJECT", help="Project file; [assumptions], [scenarios.*], "
                                            "[[correlations]] and [cashflows] set up the simulation.")],
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    seed: SeedOpt = None,
    draws: DrawsOpt = None,
) -> None:
    """Monte Carlo over every assumption: ROI distribution, break-even, tornado, scenarios, NPV and payback."""
    _format(fmt, output)  # refuse a contradicting --format/--output before any work
    from socialroi.cli.render import simulation_report
    from socialroi.valuation.run import run_project

    loaded = _load(project, output)
    run = run_project(loaded, seed=seed, draws=draws, simulate=True, progress=_progress())
    _emit(simulation_report(run), fmt, output)


@app.command()
def attribution(
    social: Annotated[list[str], typer.Option(help="A social channel name (repeatable); with --ga4 a channel "
                                              "group such as 'Organic Social'.")],
    touchpoints: Annotated[Optional[Path], typer.Argument(metavar="[TOUCHPOINTS]", help="One row per touch: "
                                                          "journey id, timestamp, channel, converted, revenue "
                                                          "(or give --ga4).")] = None,
    ga4: Annotated[Optional[str], typer.Option(help="A GA4 export instead of a touch table: a file, folder or "
                                               "glob of its daily Parquet or newline-delimited JSON files, or a "
                                               "connection URL (with --ga4-table).")] = None,
    ga4_table: Annotated[Optional[str], typer.Option(help="Table at the --ga4 URL; events_* reads every daily "
                                                     "table.")] = None,
    conversion_event: Annotated[Optional[list[str]], typer.Option(help="GA4 event that ends a journey as a "
                                                                  "conversion (repeatable; default purchase).")]
    = None,
    channel_rules: Annotated[Optional[Path], typer.Option(help="CSV of GA4 channel rules (channel, source, medium, "
                                                          "match) replacing the default channel groups.")] = None,
    model: Annotated[str, typer.Option(help="Model valued as social's direct revenue: first_touch, last_touch, "
                                       "linear, time_decay, position, markov, shapley.")] = "markov",
    half_life: Annotated[float, typer.Option(help="Time-decay half-life in days.")] = 7.0,
    first: Annotated[float, typer.Option(help="Position-based share of the first touch.")] = 0.4,
    last: Annotated[float, typer.Option(help="Position-based share of the last touch.")] = 0.4,
    order: Annotated[int, typer.Option(help="Markov chain order (1-3).")] = 1,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap replicates for the interval (0: none).", min=0)] = 200,
    currency: Annotated[str, typer.Option(help="Currency of the revenue column.")] = "USD",
    date_order: DateOrderOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    seed: SeedOpt = None,
) -> None:
    """Credit revenue to channels by seven attribution models side by side; social's share as direct revenue."""
    _format(fmt, output)  # refuse a contradicting --format/--output before any work
    from socialroi.cli.output import check_output
    from socialroi.cli.render import attribution_report
    from socialroi.valuation.attribution import AttributionOptions, attribute, attribute_ga4, ga4_options
    from socialroi.valuation.errors import InputError
    from socialroi.valuation.tables import currency_code

    if (touchpoints is None) == (ga4 is None):
        raise InputError("give a touch table (TOUCHPOINTS) or a GA4 export (--ga4), one of the two")
    if ga4 is None and (ga4_table or conversion_event or channel_rules):
        raise InputError("--ga4-table, --conversion-event and --channel-rules go with --ga4")
    check_output(output, [p for p in (touchpoints, channel_rules) if p is not None])
    with _flags_for_options(AttributionOptions, {"half_life_days": "--half-life"}):
        opts = AttributionOptions(social_channels=tuple(social), model=model, half_life_days=half_life, first=first,
                                  last=last, order=order, bootstrap=bootstrap, date_order=date_order)
    if ga4 is not None:
        g = ga4_options({"ga4_table": ga4_table, "conversion_events": conversion_event, "channel_rules": channel_rules},
                        rules_flag="--channel-rules")
        result = attribute_ga4(ga4, opts, g, currency=currency_code(currency), seed=seed or 0)
    else:
        result = attribute(touchpoints, opts, currency=currency_code(currency), seed=seed or 0)
    _emit(attribution_report(result), fmt, output)


@app.command()
def lift(
    data: Annotated[Path, typer.Argument(metavar="DATA", help="A panel (one row per unit and period) for synthetic "
                                         "control, or one row per period with control-series columns.")],
    outcome: Annotated[str, typer.Option(help="Outcome column.")],
    launch: Annotated[str, typer.Option(help="First period of the launch: a number (year, week number) or "
                                        "YYYY-MM-DD, as the time column writes it.")],
    time: TimeOpt = "period",
    unit: UnitOpt = None,
    treated: Annotated[Optional[str], typer.Option(help="The treated unit (synthetic control).")] = None,
    controls: ControlsOpt = None,
    trend: TrendOpt = False,
    seasonal: Annotated[Optional[int], typer.Option(help="Season length in periods, e.g. 52 for weekly data "
                                                    "(structural).", min=2)] = None,
    value_per_unit: Annotated[Optional[float], typer.Option(help="Money per outcome unit: values the cumulative "
                                                            "effect.", min=0)] = None,
    currency: CurrencyOpt = "USD",
    placebos: Annotated[bool, typer.Option(help="In-space placebos (synthetic control).")] = True,
    covariates: Annotated[Optional[str], typer.Option(help="Covariate columns, comma-separated (synthetic control): "
                                                      "matched by their pre-launch means with weights chosen to fit "
                                                      "the outcome path.")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    seed: SeedOpt = None,
    draws: DrawsOpt = None,
) -> None:
    """What a launch or campaign added: synthetic control over a panel, or a structural counterfactual of one series
    on control series."""
    _format(fmt, output)
    from socialroi.cli.output import check_output
    from socialroi.cli.render import lift_report
    from socialroi.valuation.incrementality import lift as run_lift
    from socialroi.valuation.tables import currency_code

    check_output(output, [data])
    result = run_lift(data, outcome=outcome, launch=launch, time=time, unit=unit, treated=treated,
                      controls=_names(controls),
                      value_per_unit=value_per_unit, trend=trend, seasonal=seasonal, placebos=placebos,
                      covariates=_names(covariates),
                      currency=currency_code(currency), seed=seed or 0, n_draws=draws or 10_000)
    _emit(lift_report(result), fmt, output)


@app.command("lift plan")
def lift_plan(
    data: Annotated[Path, typer.Argument(metavar="DATA", help="The history before the planned launch: a panel (one "
                                         "row per unit and period) or one row per period with control series.")],
    outcome: Annotated[str, typer.Option(help="Outcome column.")],
    launch: Annotated[str, typer.Option(help="Planned first period of the launch: a number or YYYY-MM-DD, as the "
                                        "time column writes it; rows from it on are ignored.")],
    duration: Annotated[int, typer.Option(help="Planned length of the launch, in periods.", min=1)],
    time: TimeOpt = "period",
    unit: UnitOpt = None,
    treated: Annotated[Optional[str], typer.Option(help="The unit the launch will reach (synthetic control).")]
    = None,
    controls: ControlsOpt = None,
    power: Annotated[float, typer.Option(help="Power the minimum detectable effect is computed for.", min=0.05,
                                         max=0.99)] = 0.8,
    placebo_launches: Annotated[int, typer.Option(help="Fake launches to rehearse the analysis on (at most).",
                                                  min=3, max=200)] = 10,
    trend: TrendOpt = False,
    seasonal: Annotated[Optional[int], typer.Option(help="Season length in periods (structural).", min=2)] = None,
    value_per_unit: Annotated[Optional[float], typer.Option(help="Money per outcome unit: the MDE in money.",
                                                            min=0)] = None,
    currency: CurrencyOpt = "USD",
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    seed: SeedOpt = None,
) -> None:
    """Before a launch: the minimum detectable effect and the power of the planned design, by placebo launches in
    the history (socialroi lift plan DATA ...)."""
    _format(fmt, output)
    from socialroi.cli.output import check_output
    from socialroi.cli.render import plan_report
    from socialroi.valuation.incrementality import plan
    from socialroi.valuation.tables import currency_code

    check_output(output, [data])
    result = plan(data, outcome=outcome, launch=launch, duration=duration, time=time, unit=unit, treated=treated,
                  controls=_names(controls), power=power, placebo_launches=placebo_launches, value_per_unit=value_per_unit,
                  trend=trend, seasonal=seasonal, currency=currency_code(currency), seed=seed or 0)
    _emit(plan_report(result), fmt, output)


@app.command()
def leads(
    leads_file: Annotated[Path, typer.Argument(metavar="LEADS", help="One row per lead: score, channel, created, "
                                               "converted_at, revenue.")],
    social: Annotated[list[str], typer.Option(help="A social source channel (repeatable).")],
    bands: Annotated[str, typer.Option(help="Band edges on the score: 40,70 or slow:40,medium:70,fast.")] = "",
    costs: Annotated[Optional[Path], typer.Option(help="Cost ledger with a channel column, for cost per lead.")]
    = None,
    date_order: DateOrderOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Lead score bands: counts, growth, conversion, days to convert, revenue, value per lead, cost per lead."""
    _format(fmt, output)  # refuse a contradicting --format/--output before any work
    from socialroi.cli.output import check_output
    from socialroi.cli.render import leads_report
    from socialroi.valuation.costs import read_ledger
    from socialroi.valuation.leads import lead_cycle, parse_bands

    check_output(output, [leads_file, costs])
    channel_costs = read_ledger(costs, n_draws=1).by_channel() if costs else None
    rep = lead_cycle(leads_file, social_channels=social, bands=parse_bands(bands), channel_costs=channel_costs,
                     date_order=date_order)
    _emit(leads_report(rep), fmt, output)


@app.command()
def funnel(
    funnel_file: Annotated[Path, typer.Argument(metavar="FUNNEL", help="One row per period and channel with stage "
                                                "counts.")],
    stages: Annotated[str, typer.Option(help="Comma-separated stage columns in funnel order (default: the "
                                        "file's order).")] = "",
    micro: Annotated[Optional[Path], typer.Option(help="Posts or periods with conversions and micro-action "
                                                  "counts.")] = None,
    actions: Annotated[str, typer.Option(help="Comma-separated micro-action columns.")] = "likes,shares,comments,clicks",
    conversion_value: Annotated[Optional[float], typer.Option(help="Value of one conversion (for micro-action "
                                                              "values).")] = None,
    exposure: Annotated[Optional[str], typer.Option(help="Exposure column (e.g. impressions) as offset.")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Funnel conversion by stage, channel and period, the bottleneck, and the money value of micro actions."""
    _format(fmt, output)  # refuse a contradicting --format/--output before any work
    from dataclasses import replace

    from socialroi.cli.output import check_output
    from socialroi.cli.render import funnel_report
    from socialroi.valuation.funnel import funnel as run_funnel
    from socialroi.valuation.funnel import micro_action_values

    check_output(output, [funnel_file, micro])
    rep = run_funnel(funnel_file, _names(stages) or None)
    if micro is not None:
        if conversion_value is None:
            raise InputError("--micro needs --conversion-value (the money value of one conversion)")
        rep = replace(rep, micro=micro_action_values(micro, _names(actions),
                                                     value_per_conversion=conversion_value, exposure=exposure))
    _emit(funnel_report(rep), fmt, output)


@app.command()
def selling(
    activity: Annotated[Path, typer.Argument(metavar="ACTIVITY", help="One row per rep and period.")],
    messages: Annotated[Optional[Path], typer.Option(help="Message log: rep, received, replied.")] = None,
    date_order: DateOrderOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Social-selling metrics per rep and team: SSI trend, network growth, engagement, referrals, responses."""
    _format(fmt, output)  # refuse a contradicting --format/--output before any work
    from socialroi.cli.output import check_output
    from socialroi.cli.render import selling_report
    from socialroi.valuation.selling import selling_metrics

    check_output(output, [activity, messages])
    _emit(selling_report(selling_metrics(activity, messages, date_order=date_order)), fmt, output)


class ReportFormat(str, Enum):
    """Report formats."""

    html = "html"
    xlsx = "xlsx"
    markdown = "markdown"
    pdf = "pdf"


@app.command()
def report(
    project: Annotated[Path, typer.Argument(metavar="PROJECT", help="Project file (TOML).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Report file to write (atomically); its extension "
                                         "(.html, .xlsx, .md) sets the format.")],
    fmt: Annotated[Optional[ReportFormat], typer.Option("--format", "-f", help="html (self-contained), xlsx, "
                                                        "markdown or pdf (needs socialroi[pdf]); default from the "
                                                        "--output extension, else html.")]
    = None,
    seed: SeedOpt = None,
    draws: DrawsOpt = None,
) -> None:
    """Client-ready report of a project: HTML with charts, PDF, an Excel workbook, or Markdown (the same content)."""
    from socialroi.cli.output import output_format, write_atomic
    from socialroi.valuation.api import render_report
    from socialroi.valuation.run import run_project

    loaded = _load(project, output)
    kind = output_format(fmt.value if fmt else None, output, tuple(f.value for f in ReportFormat), "html")
    run = run_project(loaded, seed=seed, draws=draws, progress=_progress())
    data = render_report(run, kind)
    _clear_progress()
    for w in run.warnings:
        print(f"warning: {one_line(w)}", file=sys.stderr)
    write_atomic(output, data)
    print(f"wrote {output}", file=sys.stderr)


class SchemaFormat(str, Enum):
    """What ``socialroi schema`` prints."""

    json = "json"
    markdown = "markdown"
    template = "template"


@app.command()
def schema(
    fmt: Annotated[SchemaFormat, typer.Option("--format", "-f", help="json: the JSON Schema of project.toml (for "
                                              "editors); markdown: the key tables of the README; template: the "
                                              "project.toml that init writes.")] = SchemaFormat.json,
    output: OutputOpt = None,
) -> None:
    """The project file's schema: every section and key, its type, default, unit, allowed values and meaning."""
    import json

    from socialroi.cli.output import write_atomic
    from socialroi.valuation import schema as project_schema

    if fmt == SchemaFormat.json:
        text = json.dumps(project_schema.json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    elif fmt == SchemaFormat.markdown:
        text = project_schema.markdown_tables()
    else:
        text = project_schema.template()
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)
        print(f"wrote {output}", file=sys.stderr)


def _version(value: bool) -> None:
    if value:
        from socialroi import __version__

        print(f"socialroi {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.", callback=_version,
                                          is_eager=True)] = False,
) -> None:
    """Earned-value estimator for the indirect returns of social media and content."""


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(metavar="DIRECTORY", help="Folder to write the template project into (created if "
                                              "missing).")],
    force: Annotated[bool, typer.Option(help="Overwrite template files that already exist.")] = False,
) -> None:
    """Write a commented template project (project.toml and CSV templates) into DIRECTORY."""
    from socialroi.datasets import write_templates

    written = write_templates(directory, force=force)
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    print(f"Edit the files, then run: socialroi roi {Path(directory) / 'project.toml'}")


@app.command()
def demo(
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    seed: SeedOpt = None,
    draws: DrawsOpt = None,
) -> None:
    """Run the bundled example company's project (known planted values) and show its ROI."""
    _format(fmt, output)  # refuse a contradicting --format/--output before any work
    from socialroi.cli.render import roi_report
    from socialroi.datasets import example_project
    from socialroi.valuation.run import run_project

    loaded = _load(example_project(), output)
    run = run_project(loaded, seed=seed, draws=draws, progress=_progress())
    _emit(roi_report(run), fmt, output)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: runs the app and turns errors into exit codes."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:2] == ["lift", "plan"]:  # "lift plan" is a command of its own (its own options and help)
        args = ["lift plan", *args[2:]]
    try:
        code = app(args=args, prog_name="socialroi", standalone_mode=False)
    except InputError as exc:
        print(f"socialroi: error: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        code = 130
    except OSError as exc:  # a full disk, a read-only folder, a permission: the user's to fix, in one line

        where = f"{one_line(exc.filename)}: " if exc.filename else ""
        print(f"socialroi: error: {where}{one_line(exc.strerror or exc)}; check the path, its permissions and the "
              "free space, or choose another --output", file=sys.stderr)
        code = 2
    except Exception as exc:  # noqa: BLE001 - last line of defence: one line, exit 1
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            # click's usage errors (typer may vendor click, so match the protocol, not the class)
            exc.show()
            code = exc.exit_code
        elif type(exc).__name__ == "Abort":
            print("aborted", file=sys.stderr)
            code = 1
        elif os.environ.get("SOCIALROI_DEBUG"):
            raise
        else:

            print(f"socialroi: unexpected error: {type(exc).__name__}: {one_line(exc)} "
                  "(set SOCIALROI_DEBUG=1 to see the traceback, and please report it)", file=sys.stderr)
            code = 1
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
