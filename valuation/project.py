"""Project files: one TOML file names the inputs and assumptions of a run.

Relative paths in a project file are relative to the file. Every section but
``[project]`` and ``[costs]`` is optional; a run needs at least one value
component. Unknown keys are errors (a misspelt assumption must not be
silently ignored). ``socialroi init DIR`` writes a commented template.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialroi.models.text import Text
from socialroi.valuation.errors import InputError
from socialroi.valuation.estimate import DEFAULT_LEVEL


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
    sections: Mapping[str, Any] = field(default_factory=dict)
    locale: str = "en"
    notices: tuple[str, ...] = ()
    months: float | None = None

    def input_files(self) -> list[Path]:
        """Every file the project reads (for the never-overwrite-an-input check)."""
        files = [self.path]

        def walk(value: Any) -> None:  # sections, their sub-tables ([support.*]) and lists ([[lift_tests]])
            if isinstance(value, Path):
                files.append(value)
            elif isinstance(value, dict):
                for v in value.values():
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)

        walk(self.sections)
        return files


def _err(path: Path, message: str) -> InputError:
    return InputError(message, file=str(path))


def _read_toml(path: Path) -> tuple[Path, dict[str, Any]]:
    """The project file (``project.toml`` inside a folder) and its parsed TOML."""
    from socialroi.valuation.tables import check_regular_file

    if not path.exists():
        raise _err(path, "project file not found; create one with: socialroi init DIR")
    if path.is_dir():
        if not (path / "project.toml").exists():
            raise _err(path, "is a folder without project.toml; give the project file")
        path = path / "project.toml"
    try:
        check_regular_file(path, str(path))
    except InputError as exc:
        raise _err(path, exc.message) from None
    try:
        return path, tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise _err(path, f"is not valid TOML ({exc})") from None
    except UnicodeDecodeError:
        raise _err(path, "is not UTF-8 text") from None


def _validate(path: Path, data: dict[str, Any]):
    """The file checked against :mod:`socialroi.valuation.schema`; a problem is one line naming the key."""
    from pydantic import ValidationError

    from socialroi.valuation.schema import ProjectFile, first_error

    try:
        return ProjectFile.model_validate(data)
    except ValidationError as exc:
        raise _err(path, first_error(exc.errors())) from None


def _check_options(path: Path, section: str, options, values: Mapping[str, Any], *,
                   exclude: tuple[str, ...] = ()) -> None:
    """Validate a section's options (``options``, the class the run builds from them) once, at load time, so a
    bad value names the project file and the key."""
    try:
        options(**{k: v for k, v in values.items() if k not in exclude})
    except InputError as exc:
        raise _err(path, f"[{section}] {exc.message}") from None


class _Paths:
    """Resolves the file paths of a project file against its folder and remembers the ones outside it."""

    def __init__(self, project_file: Path) -> None:
        self.base = project_file.parent
        self.outside: list[str] = []

    def resolve(self, value: str, where: str) -> Path:
        resolved = (self.base / value).resolve()
        if not resolved.is_relative_to(self.base.resolve()):
            self.outside.append(f"{where} = {value!r}")
        return resolved

    def table(self, values: dict[str, Any], where: str) -> dict[str, Any]:
        """A section's values with every path key (:data:`~socialroi.valuation.schema.PATH_KEYS`) resolved, and
        its sub-tables likewise."""
        from socialroi.valuation.schema import PATH_KEYS, SOURCE_KEYS
        from socialroi.valuation.warehouse import is_url

        out = dict(values)
        for key, value in values.items():
            if key in SOURCE_KEYS and isinstance(value, str) and not is_url(value):
                out[key] = str(self.resolve(value, f"{where}.{key}"))
            elif key in PATH_KEYS and isinstance(value, str):
                out[key] = self.resolve(value, f"{where}.{key}")
            elif isinstance(value, dict) and key not in ("columns", "cpc_columns", "channel_map"):
                out[key] = self.table(value, f"{where}.{key}")
        return out


def _segment_spec(path: Path, seg: dict[str, Any]):
    from socialroi.valuation.segments import OutcomeSpec, SegmentSpec

    try:
        outcomes = tuple(OutcomeSpec(**o) for o in seg["outcomes"])
        options: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in seg.items()
                                   if k not in ("customers", "outcomes")}
        return SegmentSpec(outcomes=outcomes, **options)
    except InputError as exc:
        raise _err(path, exc.message) from None


def _support(sup: dict[str, Any]) -> dict[str, Any]:
    """The [support] section as the support analysis takes it."""
    out = dict(sup)
    if "measured_series" in out:
        out["measured_series"] = {**out["measured_series"], "launch": str(out["measured_series"]["launch"])}
    if "measured_counts" in out:
        out["measured_counts"] = {**out["measured_counts"],
                                  "covariates": tuple(out["measured_counts"].get("covariates", ()))}
    if "channel_shift" in out and "social_channels" in out["channel_shift"]:
        out["channel_shift"] = {**out["channel_shift"], "social_channels": tuple(out["channel_shift"]["social_channels"])}
    return out


def _sections(path: Path, model, paths: _Paths, months: float | None) -> dict[str, dict[str, Any]]:
    """The component sections, paths resolved, each checked by its component's own options."""
    from socialroi.valuation.schema import LIST_MODELS, SECTION_MODELS

    sections: dict[str, Any] = {}
    for name in SECTION_MODELS:
        part = getattr(model, name)
        if name in ("project", "currency", "cashflows") or part is None:
            continue
        sections[name] = paths.table(part.model_dump(exclude_unset=True), name)
    if "traffic" in sections:
        from socialroi.valuation.traffic import TrafficOptions

        _check_options(path, "traffic", TrafficOptions, {**sections["traffic"], "months": months},
                       exclude=("keywords", "cpc", "columns", "cpc_columns", "search_console", "search_console_table"))
    if "attribution" in sections:
        from socialroi.valuation.attribution import GA4_KEYS, AttributionOptions

        _check_options(path, "attribution", AttributionOptions, sections["attribution"],
                       exclude=("touchpoints", "columns", *GA4_KEYS))
    if "segments" in sections:
        sections["segments"]["spec"] = _segment_spec(path, sections["segments"])
    if "support" in sections:
        sections["support"] = _support(sections["support"])
    for name in LIST_MODELS:  # [[lift_tests]], [[incrementality]]
        if getattr(model, name):
            sections[name] = [paths.table(t.model_dump(), f"{name}[{i}]")
                              for i, t in enumerate(getattr(model, name), 1)]
    sections["simulation"] = {
        "assumptions": dict(model.assumptions), "scenarios": dict(model.scenarios),
        "correlations": [c.model_dump() for c in model.correlations],
        "cashflows": model.cashflows.model_dump(exclude_unset=True) if model.cashflows else {}}
    sections["evidence"] = {name: o.model_dump() for name, o in model.evidence.items()}
    return sections


def _locale(path: Path, locale: str) -> tuple[str, tuple[str, ...]]:
    """The project's locale as Babel names it (an unknown one is refused), and a notice when reports cannot be
    written in its language."""
    from socialroi.valuation.i18n import LANGUAGES, check_locale, language_of

    try:
        name = check_locale(locale)
    except ValueError as exc:
        raise _err(path, f"project.locale: {exc}") from None
    if language_of(name) not in LANGUAGES:
        return name, (f"locale {name}: numbers follow it, but report text is in English (translations: "
                      f"{', '.join(LANGUAGES[1:])})",)
    return name, ()


def load_project(path: str | Path) -> Project:
    """Read and check a project file against the declared schema (:mod:`socialroi.valuation.schema`).

    Raises
    ------
    InputError
        Missing file, invalid TOML, unknown sections or keys, values of the
        wrong type or out of range, no value component, no cost ledger:
        one line that names the file and the key.
    """
    from socialroi.valuation.tables import currency_code

    path, data = _read_toml(Path(path))
    model = _validate(path, data)
    meta = model.project
    paths = _Paths(path)
    sections = _sections(path, model, paths, meta.months)
    currency = currency_code(meta.currency, file=str(path), column="project.currency")
    locale, language_notice = _locale(path, meta.locale)
    rates = {currency_code(k, file=str(path)): v for k, v in model.currency.rates.items()}
    return Project(
        path=path.resolve(),
        name=meta.name if meta.name is not None else (path.parent.name or "socialroi project"),
        currency=currency, period=meta.period, seed=meta.seed, draws=meta.draws, level=DEFAULT_LEVEL, rates=rates,
        locale=locale, sections=sections, months=meta.months,
        notices=((Text("{file} reads files outside its folder ({files}); check that these are the files you mean",
                       file=path.name, files=", ".join(paths.outside)),) if paths.outside else ()) + language_notice,
    )


def __getattr__(name: str) -> Any:
    """``ProjectRun`` and ``run_project`` live in :mod:`socialroi.valuation.run`; importing them from here still
    works."""
    if name in ("ProjectRun", "run_project"):
        from socialroi.valuation import run

        return getattr(run, name)
    raise AttributeError(name)
