"""The one result type every kind of return produces: :class:`ValueEstimate`.

Every component (traffic value, support savings, segment lifts, direct
revenue, costs) is a point value in one currency plus a vector of Monte Carlo
draws that carries its uncertainty. Blending and scenarios add draws element
by element, so intervals propagate instead of being added by hand. Draws of
different components come from independent random streams (see
:func:`rng_for`), which makes summing them the independent-sum of the
components.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from socialroi.valuation.notebook import Printable

KINDS = ("hard", "soft")
DEFAULT_DRAWS = 10_000
DEFAULT_LEVEL = 0.95


def rng_for(seed: int, component: str) -> np.random.Generator:
    """Return a random generator for one component of one run.

    The stream depends on the run's seed and the component's name only, so a
    component's draws do not change when other components are added or the
    order of evaluation changes.

    Parameters
    ----------
    seed : int
        The run's seed (a non-negative integer).
    component : str
        The component's name.
    """
    tag = zlib.crc32(component.encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence([int(seed), tag]))


def normal_draws(estimate: float, se: float, component: str, seed: int, n_draws: int) -> np.ndarray:
    """Draws of an estimator's normal sampling distribution, from the component's own stream."""
    return estimate + se * rng_for(seed, component).standard_normal(int(n_draws))


def student_t_draws(estimate: float, se: float, df: float, component: str, seed: int, n_draws: int) -> np.ndarray:
    """Draws of an estimator's Student-t sampling distribution (``df`` degrees of freedom), from the component's
    own stream."""
    return estimate + se * rng_for(seed, component).standard_t(df, int(n_draws))


def constant_draws(value: float, n_draws: int) -> np.ndarray:
    """Draws of a value known without uncertainty (all equal)."""
    return np.full(int(n_draws), float(value))


def interval_from_draws(draws: np.ndarray, level: float = DEFAULT_LEVEL) -> tuple[float, float]:
    """Equal-tailed interval of the draws at ``level`` (e.g. 0.95: P2.5-P97.5)."""
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(draws, [tail, 1.0 - tail])
    return float(lo), float(hi)


def _freeze(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


def plain(value: Any) -> Any:
    """JSON-ready values: mappings, sequences and arrays recursively; NumPy scalars as Python ones;
    NaN and infinities as None."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def records(frame: Any) -> list[dict[str, Any]]:
    """A DataFrame as a list of JSON-ready row dictionaries (see :func:`plain`)."""
    out: list[dict[str, Any]] = plain(frame.to_dict(orient="records"))
    return out


# How strong the evidence behind a value is, strongest first (set by the method; a project may override it
# with a reason in [evidence])
EVIDENCE = ("experiment", "quasi_experiment", "observational", "attribution", "market_price", "assumption",
            "accounting")


@dataclass(frozen=True)
class Lever:
    """An assumption of a component that a scenario may move: declared by the component that used it.

    Attributes
    ----------
    name : str
        The name in ``[assumptions]`` and ``[scenarios.*]``, e.g. ``traffic.replacement_share``.
    base : float
        Its value in this run.
    description : str
        What it is, in a sentence fragment (shown beside the tornado).
    effect : {"scale", "annuity"}
        ``scale``: the component's value moves in proportion (value x lever / base). ``annuity``: the value moves
        with the annuity factor of the pair ``annuity`` (years lever, rate lever).
    annuity : (str, str)
        For ``effect="annuity"``: the names of the years and the rate levers.
    """

    name: str
    base: float
    description: str = ""
    effect: str = "scale"
    annuity: tuple[str, str] | tuple[()] = ()


@dataclass(frozen=True, eq=False)
class ValueEstimate(Printable):
    """A money value with its method, assumptions and uncertainty.

    Parameters
    ----------
    component : str
        Short machine name of the component, e.g. ``"traffic"``.
    kind : {"hard", "soft"}
        ``"hard"``: money that changed hands (direct revenue, costs);
        ``"soft"``: value inferred from a model or a price assumption.
    currency : str
        ISO 4217 code of every money figure in this estimate.
    point : float
        The point value, in ``currency``.
    draws : numpy.ndarray
        Monte Carlo draws of the value, in ``currency``; all components of
        one run have the same number of draws. A value known exactly has
        constant draws.
    interval : tuple of float
        Summary interval at ``level`` (equal-tailed, from the draws unless
        the estimator has an analytic interval).
    level : float
        Coverage of ``interval``, e.g. 0.95.
    method : str
        One sentence saying how the value was computed.
    assumptions : mapping
        The assumptions used, by name (e.g. ``{"replacement_share": 0.8}``).
    diagnostics : mapping
        Coverage and diagnostic figures (e.g. share of clicks matched).
    warnings : tuple of str
        Warnings a reader of the figure must see.
    label : str
        Human-readable name; defaults to ``component``.
    levers : tuple of Lever
        The assumptions scenarios may move, declared by the component (see :mod:`socialroi.valuation.scenarios`).
    evidence : str
        What the value rests on, one of :data:`EVIDENCE`: ``experiment`` (randomised), ``quasi_experiment``,
        ``observational`` (adjusted comparisons, count regressions), ``attribution`` (credit of tracked revenue),
        ``market_price`` (paid-media equivalents), ``assumption`` (a rate or share someone typed), ``accounting``
        (ledger lines, tracked money). Empty when not graded.
    evidence_reason : str
        Why the grade was overridden in the project (empty when the method set it).
    """

    component: str
    kind: str
    currency: str
    point: float
    draws: np.ndarray
    interval: tuple[float, float]
    level: float = DEFAULT_LEVEL
    method: str = ""
    assumptions: Mapping[str, Any] = field(default_factory=dict)
    diagnostics: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    label: str = ""
    levers: tuple[Lever, ...] = ()
    evidence: str = ""
    evidence_reason: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if not (isinstance(self.currency, str) and len(self.currency) == 3 and self.currency.isalpha()):
            raise ValueError(f"currency must be a 3-letter ISO code, got {self.currency!r}")
        if not math.isfinite(float(self.point)):
            raise ValueError(f"{self.component}: point value must be finite, got {self.point!r}")
        draws = np.array(self.draws, dtype=float)  # a private copy
        if draws.ndim != 1 or draws.size == 0:
            raise ValueError(f"{self.component}: draws must be a non-empty 1-D array")
        if not np.all(np.isfinite(draws)):
            raise ValueError(f"{self.component}: draws must be finite")
        draws.flags.writeable = False
        lo, hi = (float(x) for x in self.interval)
        if not lo <= hi:
            raise ValueError(f"{self.component}: interval lower bound above upper bound")
        if not 0.0 < self.level < 1.0:
            raise ValueError(f"level must be in (0, 1), got {self.level!r}")
        object.__setattr__(self, "currency", self.currency.upper())
        object.__setattr__(self, "point", float(self.point))
        object.__setattr__(self, "draws", draws)
        object.__setattr__(self, "interval", (lo, hi))
        object.__setattr__(self, "assumptions", _freeze(self.assumptions))
        object.__setattr__(self, "diagnostics", _freeze(self.diagnostics))
        # a str (or a translatable Text, see socialroi.models.text) stays what it is
        object.__setattr__(self, "warnings", tuple(w if isinstance(w, str) else str(w) for w in self.warnings))
        object.__setattr__(self, "label", self.label or self.component)
        object.__setattr__(self, "levers", tuple(self.levers))
        if self.evidence and self.evidence not in EVIDENCE:
            raise ValueError(f"{self.component}: evidence must be one of {', '.join(EVIDENCE)}, got {self.evidence!r}")

    # -- constructors -------------------------------------------------------
    @classmethod
    def from_draws(
        cls,
        component: str,
        kind: str,
        currency: str,
        point: float,
        draws: np.ndarray,
        *,
        level: float = DEFAULT_LEVEL,
        **fields: Any,
    ) -> ValueEstimate:
        """Build an estimate whose interval is the equal-tailed interval of ``draws``."""
        draws = np.asarray(draws, dtype=float)
        return cls(component, kind, currency, point, draws, interval_from_draws(draws, level), level, **fields)

    @classmethod
    def exact(
        cls, component: str, kind: str, currency: str, value: float, n_draws: int = DEFAULT_DRAWS, **fields: Any
    ) -> ValueEstimate:
        """Build an estimate known without uncertainty (constant draws)."""
        return cls(component, kind, currency, value, constant_draws(value, n_draws), (float(value), float(value)), **fields)

    # -- derived figures ----------------------------------------------------
    @property
    def n_draws(self) -> int:
        """Number of Monte Carlo draws."""
        return int(self.draws.size)

    @property
    def mean(self) -> float:
        """Mean of the draws, in ``currency``."""
        return float(self.draws.mean())

    @property
    def std(self) -> float:
        """Standard deviation of the draws, in ``currency``."""
        return float(self.draws.std(ddof=1)) if self.draws.size > 1 else 0.0

    def quantiles(self, qs: Iterable[float] = (0.05, 0.5, 0.95)) -> dict[str, float]:
        """Quantiles of the draws keyed ``"p5"``, ``"p50"``, ... (in ``currency``)."""
        qs = list(qs)
        values = np.quantile(self.draws, qs)
        return {f"p{100 * q:g}": float(v) for q, v in zip(qs, values)}

    # -- presentation -------------------------------------------------------
    def to_dict(self, *, include_draws: bool = False) -> dict[str, Any]:
        """A JSON-ready dictionary (draws summarised unless ``include_draws``)."""
        out = {
            "component": self.component,
            "label": self.label,
            "kind": self.kind,
            "currency": self.currency,
            "point": self.point,
            "interval": list(self.interval),
            "level": self.level,
            "mean": self.mean,
            "std": self.std,
            "n_draws": self.n_draws,
            "method": self.method,
            "assumptions": plain(self.assumptions),
            "diagnostics": plain(self.diagnostics),
            "warnings": list(self.warnings),
            "evidence": self.evidence,
        }
        if self.evidence_reason:
            out["evidence_reason"] = self.evidence_reason
        if include_draws:
            out["draws"] = self.draws.tolist()
        return out

    def to_frame(self) -> Any:
        """One-row :class:`pandas.DataFrame` with the headline figures."""
        import pandas as pd

        lo, hi = self.interval
        return pd.DataFrame(
            [
                {
                    "component": self.component,
                    "kind": self.kind,
                    "currency": self.currency,
                    "point": self.point,
                    "lower": lo,
                    "upper": hi,
                    "level": self.level,
                    "method": self.method,
                }
            ]
        )

    def summary(self) -> str:
        """A few readable lines: value, interval, method, assumptions, warnings."""
        lo, hi = self.interval
        lines = [
            f"{self.label} ({self.kind}): {self.point:,.2f} {self.currency}"
            f"  [{100 * self.level:g}% interval {lo:,.2f} to {hi:,.2f}]",
            f"  method: {self.method}",
        ]
        for name, value in self.assumptions.items():
            lines.append(f"  assumption {name}: {value}")
        lines.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(lines)

    def __repr__(self) -> str:
        lo, hi = self.interval
        return (
            f"ValueEstimate({self.component!r}, {self.kind}, {self.point:,.2f} {self.currency}, "
            f"{100 * self.level:g}% [{lo:,.2f}, {hi:,.2f}])"
        )


def check_same_run(estimates: Iterable[ValueEstimate]) -> tuple[str, int]:
    """Check estimates share one currency and one number of draws.

    Returns
    -------
    (currency, n_draws)

    Raises
    ------
    InputError
        When currencies or draw counts differ (convert first).
    """
    from socialroi.valuation.errors import InputError

    estimates = list(estimates)
    if not estimates:
        raise InputError("no value components to combine")
    currencies = sorted({e.currency for e in estimates})
    if len(currencies) > 1:
        detail = ", ".join(f"{e.component}={e.currency}" for e in estimates)
        raise InputError(
            f"components are in different currencies ({detail}); give exchange rates in the project's "
            "[currency] section so everything is converted to one reporting currency"
        )
    sizes = {e.n_draws for e in estimates}
    if len(sizes) > 1:
        raise InputError(f"components have different numbers of draws ({sorted(sizes)}); use one --draws for the run")
    return currencies[0], sizes.pop()
