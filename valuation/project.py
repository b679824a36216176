"""Project files: one TOML file names the inputs and assumptions of a run.

Relative paths in a project file are relative to the file. Every section but
``[project]`` and ``[costs]`` is optional; a run needs at least one value
component. Unknown keys are errors (a misspelt assumption must not be
silently ignored). ``socialroi init DIR`` writes a commented template.
"""

from __future__ import annotations

import math

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialroi.valuation.errors import InputError
from socialroi.valuation.estimate import DEFAULT_DRAWS, DEFAULT_LEVEL, ValueEstimate

SUPPORT_KEYS = {
    "": {"cost_per_ticket", "agent_hourly_cost", "handle_minutes", "count", "deflection", "channel_shift",
         "measured_counts", "measured_series"},
    "deflection": {"views", "rate", "rate_low", "rate_high", "survey_yes", "survey_n"},
    "channel_shift": {"tickets", "channel_costs", "social_channels", "counterfactual"},
    "measured_counts": {"customers", "tickets", "id", "engaged", "covariates", "exposure", "model"},
    "measured_series": {"weekly", "launch", "harmonics", "date_order"},
}
SUPPORT_FILES = {"channel_shift": ("tickets", "channel_costs"), "measured_counts": ("customers", "tickets"),
                 "measured_series": ("weekly",)}
SECTIONS: dict[str, set[str]] = {
    "project": {"name", "currency", "period", "months", "seed", "draws", "locale"},
    "currency": {"rates"},
    "traffic": {"keywords", "cpc", "replacement_share", "brand_terms", "brand_regex", "unmatched", "impute_cpc",
                "cpc_point", "cpc_unit", "cpc_duplicates", "fold_diacritics", "country", "top", "coverage_warning",
                "columns", "cpc_columns", "no_market", "decimal", "traffic_period"},
    "social": {"metrics", "rate_card", "basis"},
    "costs": {"ledger", "columns"},
    "direct_revenue": {"amount", "file", "low", "high", "columns"},
    "segments": {"customers", "id", "engaged", "score", "threshold", "covariates", "categorical", "cluster", "method",
                 "trim", "outcomes", "engaged_value", "reference_value", "drop_incomplete", "bootstrap"},
    "support": SUPPORT_KEYS[""],
    "cashflows": {"years", "frequency", "discount_rate", "upfront_cost", "value_growth"},
    "leads": {"file", "social_channels", "bands", "date_order"},
    "funnel": {"file", "stages", "micro", "actions", "conversion_value", "exposure"},
    "attribution": {"touchpoints", "social_channels", "model", "half_life_days", "first", "last", "order", "bootstrap",
                    "channel_map", "columns", "date_order"},
}
FREE_SECTIONS = {"assumptions", "scenarios"}  # keys are assumption names, checked against the run's levers
OUTCOME_KEYS = {"name", "column", "kind", "value", "event", "horizon", "annual_value", "horizon_years", "discount_rate",
                "value_per_event", "deals", "deal_value", "higher_is_better", "time_unit"}


@dataclass(frozen=True)
class Project:
    """A parsed, checked project file.

    Attributes
    ----------
    path : Path
        The project file.
    name, currency, period : str
        Display name, reporting currency (ISO code) and period label.
    seed, draws : int
        Seed and number of Monte Carlo draws.
    level : float
        Coverage of reported intervals (0.95).
    rates : mapping
        Units of the reporting currency per unit of another currency.
    sections : mapping
        The raw component sections (``traffic``, ``social``, ``costs``,
        ``direct_revenue``), paths already resolved.
    notices : tuple of str
        Things to tell the user about the file itself (inputs outside the
        project folder); every run shows them with its warnings.
    """

    path: Path
    name: str
    currency: str
    period: str
    seed: int
    draws: int
    level: float
    rates: Mapping[str, float]
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    locale: str = "en"
    notices: tuple[str, ...] = ()
    months: float | None = None

    def input_files(self) -> list[Path]:
        """Every file the project reads (for the never-overwrite-an-input check)."""
        files = [self.path]
        for section in self.sections.values():
            for name in ("keywords", "cpc", "metrics", "rate_card", "ledger", "file", "customers", "touchpoints",
                         "micro"):
                if name in section:
                    files.append(Path(section[name]))
            for sub in section.values():  # [support.*] tables
                if isinstance(sub, dict):
                    files += [Path(v) for k, v in sub.items() if isinstance(v, Path)]
        return files


def _err(path: Path, message: str) -> InputError:
    return InputError(message, file=str(path))


def _number(path: Path, where: str, value: Any, *, low: float | None = None, high: float | None = None,
            integer: bool = False) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _err(path, f"{where} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise _err(path, f"{where} must be a finite number, got {value!r}")
    if integer and not float(value).is_integer():
        raise _err(path, f"{where} must be a whole number, got {value!r}")
    if low is not None and value < low or high is not None and value > high:
        bounds = f"between {low:g} and {high:g}" if low is not None and high is not None else (
            f"at least {low:g}" if low is not None else f"at most {high:g}")
        raise _err(path, f"{where} must be {bounds}, got {value!r}")
    return int(value) if integer else float(value)


def _check_options(path: Path, section: str, options, values: Mapping[str, Any], *,
                   exclude: tuple[str, ...] = ()) -> None:
    """Validate a section's options (``options``, the class the run builds from them) once, at load time, so a
    bad value names the project file and the key."""
    try:
        options(**{k: v for k, v in values.items() if k not in exclude})
    except InputError as exc:
        raise _err(path, f"[{section}] {exc.message}") from None


def _support_config(path: Path, sup: dict[str, Any], resolve_path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in sup.items():
        if key in SUPPORT_KEYS and key:
            if not isinstance(value, dict):
                raise _err(path, f"[support.{key}] must be a table")
            unknown = sorted(set(value) - SUPPORT_KEYS[key])
            if unknown:
                raise _err(path, f"unknown key '{unknown[0]}' in [support.{key}]; known keys: "
                                 + ", ".join(sorted(SUPPORT_KEYS[key])))
            sub = dict(value)
            for f in SUPPORT_FILES.get(key, ()):
                if f not in sub:
                    raise _err(path, f"[support.{key}] needs {f}")
                sub[f] = resolve_path(sub[f], f"support.{key}.{f}")
            for f in ("views", "rate", "rate_low", "rate_high"):
                if f in sub:
                    sub[f] = _number(path, f"support.{key}.{f}", sub[f], low=0)
            for f in ("survey_yes", "survey_n", "harmonics"):
                if f in sub:
                    sub[f] = _number(path, f"support.{key}.{f}", sub[f], low=0, integer=True)
            if key == "deflection" and "views" not in sub:
                raise _err(path, "[support.deflection] needs views (sessions of help content and social answers)")
            if key == "measured_series" and not isinstance(sub.get("launch"), (str,)):
                launch = sub.get("launch")
                if launch is None:
                    raise _err(path, "[support.measured_series] needs launch = \"YYYY-MM-DD\"")
                sub["launch"] = str(launch)  # TOML dates arrive as date objects
            if key == "measured_counts":
                if "engaged" not in sub:
                    raise _err(path, "[support.measured_counts] needs engaged (the engagement flag column)")
                sub["covariates"] = tuple(sub.get("covariates", ()))
            if key == "channel_shift" and "social_channels" in sub:
                sub["social_channels"] = tuple(sub["social_channels"])
            out[key] = sub
        elif key == "count":
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise _err(path, "support.count must be a list of method names")
            out[key] = list(value)
        else:
            out[key] = _number(path, f"support.{key}", value, low=0)
    return out


def _segment_spec(path: Path, seg: dict[str, Any]):
    from socialroi.valuation.segments import OutcomeSpec, SegmentSpec

    if "customers" not in seg:
        raise _err(path, "[segments] needs customers = \"customers.csv\"")
    for key in ("covariates", "categorical"):
        if key in seg and not (isinstance(seg[key], list) and all(isinstance(c, str) for c in seg[key])):
            raise _err(path, f"segments.{key} must be a list of column names")
    outcomes = seg.get("outcomes")
    if not isinstance(outcomes, list) or not outcomes or not all(isinstance(o, dict) for o in outcomes):
        raise _err(path, "[segments] needs at least one [[segments.outcomes]] table")
    specs = []
    for i, o in enumerate(outcomes, 1):
        unknown = sorted(set(o) - OUTCOME_KEYS)
        if unknown:
            raise _err(path, f"unknown key '{unknown[0]}' in outcome {i} of [segments]; known keys: "
                             + ", ".join(sorted(OUTCOME_KEYS)))
        for key in ("name", "column", "kind"):
            if not isinstance(o.get(key), str):
                raise _err(path, f"outcome {i} of [segments] needs {key} (text)")
        for key in ("horizon", "annual_value", "horizon_years", "discount_rate", "value_per_event", "deals",
                    "deal_value"):
            if key in o:
                o[key] = _number(path, f"segments outcome '{o['name']}' {key}", o[key])
        if "higher_is_better" in o and not isinstance(o["higher_is_better"], bool):
            raise _err(path, f"segments outcome '{o['name']}' higher_is_better must be true or false, got "
                             f"{o['higher_is_better']!r}")
        try:
            specs.append(OutcomeSpec(**o))
        except InputError as exc:
            raise _err(path, exc.message) from None
    threshold = seg.get("threshold")
    if threshold is not None:
        threshold = _number(path, "segments.threshold", threshold)
    trim = _number(path, "segments.trim", seg["trim"], low=0, high=0.49) if "trim" in seg else None
    bootstrap = _number(path, "segments.bootstrap", seg["bootstrap"], low=0, high=100_000, integer=True) \
        if "bootstrap" in seg else 0
    if "drop_incomplete" in seg and not isinstance(seg["drop_incomplete"], bool):
        raise _err(path, f"segments.drop_incomplete must be true or false, got {seg['drop_incomplete']!r}")
    for key in ("engaged_value", "reference_value"):
        if key in seg and not isinstance(seg[key], str):
            raise _err(path, f"segments.{key} must be text (the column's value, in quotes), got {seg[key]!r}")
    try:
        return SegmentSpec(covariates=tuple(seg.get("covariates", ())), outcomes=tuple(specs),
                           engaged=seg.get("engaged"), score=seg.get("score"), threshold=threshold,
                           categorical=tuple(seg.get("categorical", ())), id=seg.get("id"),
                           cluster=seg.get("cluster"), method=seg.get("method", "doubly_robust"), trim=trim or None,
                           engaged_value=seg.get("engaged_value"), reference_value=seg.get("reference_value"),
                           drop_incomplete=seg.get("drop_incomplete", False), bootstrap=bootstrap)
    except InputError as exc:
        raise _err(path, exc.message) from None


def load_project(path: str | Path) -> Project:
    """Read and check a project file.

    Raises
    ------
    InputError
        Missing file, invalid TOML, unknown sections or keys, values of the
        wrong type or out of range, no value component, no cost ledger.
    """
    from socialroi.valuation.tables import currency_code

    path = Path(path)
    if not path.exists():
        raise _err(path, "project file not found; create one with: socialroi init DIR")
    if path.is_dir():
        candidate = path / "project.toml"
        if candidate.exists():
            path = candidate
        else:
            raise _err(path, "is a folder without project.toml; give the project file")
    from socialroi.valuation.tables import check_regular_file

    try:
        check_regular_file(path, str(path))
    except InputError as exc:
        raise _err(path, exc.message) from None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise _err(path, f"is not valid TOML ({exc})") from None
    except UnicodeDecodeError:
        raise _err(path, "is not UTF-8 text") from None
    for section, content in data.items():
        if section == "correlations":
            if not isinstance(content, list):
                raise _err(path, "correlations must be [[correlations]] tables with a, b and rank")
            continue
        if section not in SECTIONS and section not in FREE_SECTIONS:
            raise _err(path, f"unknown section [{section}]; known sections: "
                             f"{', '.join([*SECTIONS, *sorted(FREE_SECTIONS), 'correlations'])}")
        if not isinstance(content, dict):
            raise _err(path, f"'{section}' must be a [section], not a value")
        if section in FREE_SECTIONS:
            continue
        unknown = sorted(set(content) - SECTIONS[section])
        if unknown:
            raise _err(path, f"unknown key '{unknown[0]}' in [{section}]; known keys: "
                             + ", ".join(sorted(SECTIONS[section])))
    meta = data.get("project", {})
    months = _number(path, "project.months", meta["months"], low=0.01, high=1200) if "months" in meta else None
    base = path.parent
    outside: list[str] = []

    def resolve_path(value: Any, where: str) -> Path:
        """A path from the file, relative to its folder; one outside that folder (by .., an absolute path or a
        symbolic link) is allowed but announced."""
        if not isinstance(value, str) or not value.strip():
            raise _err(path, f"{where} must be a file path, got {value!r}")
        resolved = (base / value).resolve()
        if not resolved.is_relative_to(base.resolve()):
            outside.append(f"{where} = {value!r}")
        return resolved

    sections: dict[str, dict[str, Any]] = {}
    for section in ("traffic", "social", "costs", "direct_revenue", "segments", "support", "attribution", "leads",
                    "funnel"):
        if section in data:
            sections[section] = dict(data[section])
    for section, keys in (("traffic", ("keywords", "cpc")), ("social", ("metrics", "rate_card")),
                          ("costs", ("ledger",)), ("direct_revenue", ("file",)), ("segments", ("customers",)), ("attribution", ("touchpoints",)), ("leads", ("file",)),
                          ("funnel", ("file", "micro"))):
        for key in keys:
            if section in sections and key in sections[section]:
                sections[section][key] = resolve_path(data[section][key], f"{section}.{key}")
    if "traffic" in sections and "keywords" not in sections["traffic"]:
        raise _err(path, "[traffic] needs keywords = \"your-traffic-export.csv\"")
    if "social" in sections and not {"metrics", "rate_card"} <= set(sections["social"]):
        raise _err(path, "[social] needs both metrics and rate_card files")
    if "costs" not in sections or "ledger" not in sections["costs"]:
        raise _err(path, "[costs] needs ledger = \"costs.csv\": ROI is undefined without the cost of the effort")
    if "support" in sections:
        sections["support"] = _support_config(path, sections["support"], resolve_path)
    if "leads" in sections and not {"file", "social_channels"} <= set(sections["leads"]):
        raise _err(path, "[leads] needs file and social_channels")
    if "funnel" in sections:
        fu = sections["funnel"]
        if "file" not in fu:
            raise _err(path, "[funnel] needs file")
        if "micro" in fu and "conversion_value" not in fu:
            raise _err(path, "[funnel] micro needs conversion_value (the money value of one conversion)")
    if "attribution" in sections:
        at = sections["attribution"]
        if "direct_revenue" in sections:
            raise _err(path, "give direct revenue either as [direct_revenue] or derived by [attribution], not both")
        if "touchpoints" not in at or not isinstance(at.get("social_channels"), list):
            raise _err(path, "[attribution] needs touchpoints (a file) and social_channels (a list of channel names)")
        for key in ("half_life_days", "first", "last"):
            if key in at:
                at[key] = _number(path, f"attribution.{key}", at[key], low=0)
        for key in ("order", "bootstrap"):
            if key in at:
                at[key] = _number(path, f"attribution.{key}", at[key], low=0, integer=True)
        from socialroi.valuation.attribution import AttributionOptions

        _check_options(path, "attribution", AttributionOptions, at, exclude=("touchpoints", "columns"))
    if not ({"traffic", "social", "direct_revenue", "segments", "support", "attribution"} & set(sections)):
        raise _err(path, "no value component: add [traffic], [social], [direct_revenue], [attribution], [segments] "
                         "or [support]")
    if "segments" in sections:
        sections["segments"]["spec"] = _segment_spec(path, sections["segments"])
    if "direct_revenue" in sections:
        dr = sections["direct_revenue"]
        if ("amount" in dr) == ("file" in dr):
            raise _err(path, "[direct_revenue] needs either amount or file (not both)")
        for key in ("amount", "low", "high"):
            if key in dr:
                dr[key] = _number(path, f"direct_revenue.{key}", dr[key], low=0)
    if "traffic" in sections:
        tr = sections["traffic"]
        if "replacement_share" in tr:
            tr["replacement_share"] = _number(path, "traffic.replacement_share", tr["replacement_share"], low=0, high=1)
        if "brand_terms" in tr and not (isinstance(tr["brand_terms"], list)
                                        and all(isinstance(t, str) for t in tr["brand_terms"])):
            raise _err(path, "traffic.brand_terms must be a list of strings, e.g. [\"acme\", \"acme shop\"]")
        for key in ("impute_cpc", "coverage_warning"):
            if key in tr:
                tr[key] = _number(path, f"traffic.{key}", tr[key], low=0)
        if "top" in tr:
            tr["top"] = _number(path, "traffic.top", tr["top"], low=0, integer=True)
        for key in ("brand_regex", "unmatched", "cpc_unit", "cpc_duplicates", "country", "no_market", "decimal",
                    "traffic_period"):
            if key in tr and not isinstance(tr[key], str):
                raise _err(path, f"traffic.{key} must be text, got {tr[key]!r}")
        if "cpc_point" in tr and not isinstance(tr["cpc_point"], (str, int, float)):
            raise _err(path, "traffic.cpc_point must be low, mid, high or a number from 0 to 1")
        if "fold_diacritics" in tr and not isinstance(tr["fold_diacritics"], bool):
            raise _err(path, "traffic.fold_diacritics must be true or false")
        for key in ("columns", "cpc_columns"):
            if key in tr and not (isinstance(tr[key], dict) and all(isinstance(v, str) for v in tr[key].values())):
                raise _err(path, f"traffic.{key} must be a table of role = \"column name\"")
        from socialroi.valuation.traffic import TrafficOptions

        _check_options(path, "traffic", TrafficOptions, {**tr, "months": months},
                       exclude=("keywords", "cpc", "columns", "cpc_columns"))
    if "social" in sections:
        basis = sections["social"].get("basis", "max")
        from socialroi.valuation.social_reach import BASES

        if basis not in BASES:
            raise _err(path, f"social.basis must be one of {', '.join(BASES)}, got {basis!r}")
    if "direct_revenue" in sections:
        dr = sections["direct_revenue"]
        amount = dr.get("amount")
        if amount is not None and ("low" in dr and dr["low"] > amount or "high" in dr and dr["high"] < amount):
            raise _err(path, f"direct_revenue low and high must bracket the amount {amount:,.2f} (low <= amount <= "
                             "high)")
    if not isinstance(meta.get("name", ""), str):
        raise _err(path, f"project.name must be text, got {meta['name']!r}")

    currency = currency_code(meta.get("currency", "USD"), file=str(path), column="project.currency")
    rates_raw = data.get("currency", {}).get("rates", {})
    if not isinstance(rates_raw, dict):
        raise _err(path, "[currency] rates must be a table such as rates = { USD = 0.92 }")
    rates = {currency_code(k, file=str(path)): _number(path, f"currency.rates.{k}", v, low=1e-12)
             for k, v in rates_raw.items()}
    scenario_tables = data.get("scenarios", {})
    for name, table in scenario_tables.items():
        if not isinstance(table, dict):
            raise _err(path, f"[scenarios.{name}] must be a table of assumption = value or distribution")
    cash = dict(data.get("cashflows", {}))
    for key in ("years", "discount_rate", "upfront_cost", "value_growth"):
        if key in cash:
            cash[key] = _number(path, f"cashflows.{key}", cash[key], low=-0.99 if key == "value_growth" else 0)
    sections["simulation"] = {"assumptions": dict(data.get("assumptions", {})), "scenarios": dict(scenario_tables),
                              "correlations": list(data.get("correlations", [])), "cashflows": cash}
    return Project(
        path=path.resolve(),
        name=str(meta.get("name", path.parent.name or "socialroi project")),
        currency=currency,
        period=str(meta.get("period", "")),
        seed=_number(path, "project.seed", meta.get("seed", 0), low=0, integer=True),
        draws=_number(path, "project.draws", meta.get("draws", DEFAULT_DRAWS), low=100, high=10_000_000, integer=True),
        level=DEFAULT_LEVEL,
        rates=rates,
        locale=str(meta.get("locale", "en")),
        sections=sections,
        months=months,
        notices=(f"{path.name} reads files outside its folder ({', '.join(outside)}); check that these are the "
                 "files you mean",) if outside else (),
    )


def __getattr__(name: str) -> Any:
    """``ProjectRun`` and ``run_project`` live in :mod:`socialroi.valuation.run`; importing them from here still
    works."""
    if name in ("ProjectRun", "run_project"):
        from socialroi.valuation import run

        return getattr(run, name)
    raise AttributeError(name)
