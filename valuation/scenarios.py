"""Scenarios for finance: Monte Carlo over every assumption, sensitivity, break-even, NPV.

A project run gives each component's value with its model uncertainty
(draws). Assumptions are *levers* with names such as
``traffic.replacement_share`` or ``costs.Boosted posts``; each lever scales
its components (value x lever / base value) or replaces a cost line. In the
project file any lever can be fixed or given a distribution
(:mod:`socialroi.models.distributions`) in ``[assumptions]``; named
``[scenarios.NAME]`` tables override them; ``[[correlations]]`` give rank
correlations (Gaussian copula). One draw of the blended model takes one
draw of every component's model uncertainty (resampled from its draws)
and one joint draw of the levers.

Outputs: the distribution of blended and hard ROI and net value (mean,
P5, P50, P95, probability of a negative ROI); break-even (the cost at which
blended ROI is zero, and the value each component would need); a tornado
(blended ROI with each lever at its P10 and P90, the others at base) and
rank-correlation importance; one row per scenario; multi-period cash flows
with NPV and payback.

A scenario may also count only some evidence grades (``evidence = [...]``);
the built-in ``hard_evidence`` scenario counts experiments, quasi-experiments,
attribution and accounting only, so finance sees the floor that rests on
hard evidence beside the blended figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from socialroi.models.distributions import Distribution, DistributionError, sample
from socialroi.valuation.costs import line_keys
from socialroi.valuation.errors import InputError
from socialroi.valuation.estimate import DEFAULT_LEVEL, EVIDENCE, rng_for
from socialroi.valuation.finance import annuity, roi_percent
from socialroi.valuation.notebook import Printable

SHARES = {"traffic.replacement_share", "support.deflection.rate"}  # probabilities: support must be in [0, 1]


@dataclass(frozen=True)
class Lever:
    """An assumption that moves one or more components.

    Attributes
    ----------
    name : str
    base : float
        Its value in the project run.
    components : tuple of str
        Components it scales (empty for a cost line).
    factor : callable
        ``factor(values)`` -> multiplier array, given the lever values (dict
        of arrays) of this draw; default ``value / base``.
    """

    name: str
    base: float
    components: tuple[str, ...] = ()
    factor: Callable[[Mapping[str, np.ndarray]], np.ndarray] | None = None
    description: str = ""


def _scale(name: str, base: float):
    return lambda x: x[name] / base if name in x else 1.0


def _factor(declared, bases: Mapping[str, float], shared: dict):
    """The multiplier function of a declared lever (:class:`~socialroi.valuation.estimate.Lever`).

    The two levers of an annuity share one function (kept in ``shared``): the model applies each distinct
    function once, so moving both years and rate multiplies by one annuity ratio, not two."""
    if declared.effect == "annuity":
        ny, nr = declared.annuity
        if declared.annuity not in shared:
            y0, r0 = bases[ny], bases[nr]

            def annuity_factor(x, ny=ny, nr=nr, y0=y0, r0=r0):
                return annuity(x.get(ny, y0), x.get(nr, r0)) / annuity(y0, r0)

            shared[declared.annuity] = annuity_factor
        return shared[declared.annuity]
    return _scale(declared.name, declared.base)


def levers_of(run) -> dict[str, Lever]:
    """Every lever of a project run, by name: the ones each component declares (``ValueEstimate.levers``; a name
    declared by several components scales them all) and the cost ledger's."""
    out: dict[str, Lever] = {}
    declared = [(c.component, lever) for c in run.roi.components for lever in c.levers]
    bases = {lever.name: lever.base for _, lever in declared}
    shared: dict = {}
    for component, lever in declared:
        if lever.name in out:
            out[lever.name] = replace(out[lever.name], components=(*out[lever.name].components, component))
        elif lever.base != 0 or lever.effect != "scale":  # a zero base cannot be scaled
            out[lever.name] = Lever(lever.name, float(lever.base), (component,), _factor(lever, bases, shared),
                                    lever.description)
    out.update(cost_levers(run.costs))
    return out


def cost_levers(ledger) -> dict[str, Lever]:
    """The cost ledger's levers: each line (``costs.lineN`` and, when unique, ``costs.<item>``), staff hourly
    rates and all costs together."""
    out: dict[str, Lever] = {}
    for i, row in enumerate(ledger.lines.itertuples(), 1):
        out[f"costs.line{i}"] = Lever(f"costs.line{i}", float(row.amount), (), None, f"{row.category}: {row.item}")
    items = [str(x) for x in ledger.lines["item"]]
    for i, item in enumerate(items, 1):
        if item and items.count(item) == 1 and f"costs.{item}" not in out:
            out[f"costs.{item}"] = Lever(f"costs.{item}", out[f"costs.line{i}"].base, (), None, f"alias of costs.line{i}")
    out["costs.hourly_rate_multiplier"] = Lever("costs.hourly_rate_multiplier", 1.0, (), None,
                                                "multiplier on staff hourly rates")
    out["costs.multiplier"] = Lever("costs.multiplier", 1.0, (), None, "multiplier on every cost line")
    return out



@dataclass(frozen=True)
class Spec:
    """Assumption distributions and overrides of one scenario."""

    fixed: Mapping[str, float] = field(default_factory=dict)
    uncertain: Mapping[str, Distribution] = field(default_factory=dict)


def parse_assumptions(table: Mapping[str, Any], levers: Mapping[str, Lever], where: str) -> Spec:
    """Turn an ``[assumptions]`` or ``[scenarios.NAME]`` table into fixed values and distributions."""
    fixed: dict[str, float] = {}
    uncertain: dict[str, Distribution] = {}
    for name, value in table.items():
        _check_name(name, levers, where)
        if isinstance(value, bool):
            raise InputError(f"{where}: {name} must be a number or a distribution table, got {value!r}")
        if isinstance(value, (int, float)):
            _check_value(name, float(value), float(value), where)
            fixed[name] = float(value)
            continue
        if value == "model":
            continue  # the estimator's own sampling distribution: the default
        if not isinstance(value, Mapping) or "dist" not in value:
            raise InputError(f"{where}: {name} must be a number, \"model\", or a table such as "
                             "{ dist = \"triangular\", low = 0.6, mode = 0.8, high = 0.95 }")
        params = {k: v for k, v in value.items() if k != "dist"}
        try:
            d = Distribution(str(value["dist"]), params)
        except DistributionError as exc:
            raise InputError(f"{where}: {name}: {exc}") from None
        lo, hi = d.support
        if name in SHARES:
            _check_value(name, lo, hi, where)
        elif not name.endswith("discount_rate") and d.probability_below(0.0) > 1e-6:
            raise InputError(f"{where}: {name} cannot be negative, but its {d.kind} distribution gives a "
                             f"{100 * d.probability_below(0.0):.2g}% chance of a negative value; truncate it with "
                             "low = 0 or narrow it")
        uncertain[name] = d
    return Spec(fixed, uncertain)


def _check_name(name: str, levers: Mapping[str, Lever], where: str) -> None:
    if name not in levers:
        close = [k for k in levers if k.split(".")[0] == name.split(".")[0]][:8]
        raise InputError(f"{where}: unknown assumption '{name}'; "
                         + (f"did you mean one of: {', '.join(close)}" if close else
                            f"known assumptions start with: {', '.join(sorted({k.split('.')[0] for k in levers}))}"))


def _check_value(name: str, lo: float, hi: float, where: str) -> None:
    if name in SHARES and not (0 <= lo and hi <= 1):
        raise InputError(f"{where}: {name} is a probability, but its values reach {lo:g} to {hi:g}; keep them "
                         "between 0 and 1 (truncate a normal with low and high)")
    if name not in SHARES and lo < 0 and not name.endswith("discount_rate"):
        raise InputError(f"{where}: {name} cannot be negative, but its values reach {lo:g}; truncate it with low = 0")


def correlation_matrix(entries, names: list[str], where: str) -> np.ndarray | None:
    """Rank correlation matrix over the uncertain levers ``names`` from ``[[correlations]]`` entries."""
    if not entries:
        return None
    k = len(names)
    corr = np.eye(k)
    for e in entries:
        if not isinstance(e, Mapping) or not {"a", "b", "rank"} <= set(e):
            raise InputError(f"{where}: each [[correlations]] entry needs a, b and rank")
        a, b, rho = e["a"], e["b"], e["rank"]
        for n in (a, b):
            if n not in names:
                raise InputError(f"{where}: correlation names '{n}', which has no distribution in this scenario")
        if not isinstance(rho, (int, float)) or not -1 <= rho <= 1:
            raise InputError(f"{where}: rank correlation must be between -1 and 1, got {rho!r}")
        i, j = names.index(a), names.index(b)
        corr[i, j] = corr[j, i] = float(rho)
    return corr


@dataclass(frozen=True, eq=False)
class Simulation:
    """Draws of one scenario's blended model (all in the project currency)."""

    value_hard: np.ndarray
    value_total: np.ndarray
    cost: np.ndarray
    levers: Mapping[str, np.ndarray]

    @property
    def net(self) -> np.ndarray:
        return self.value_total - self.cost

    @property
    def blended_roi(self) -> np.ndarray:
        return roi_percent(self.value_total, self.cost)

    @property
    def hard_roi(self) -> np.ndarray:
        return roi_percent(self.value_hard, self.cost)

    def figures(self, level: float = DEFAULT_LEVEL) -> dict[str, Any]:
        """Mean, P5, P50, P95 and the equal-tailed interval at ``level`` (``lower``, ``upper``) of blended and
        hard ROI (percent) and net value; probability of loss."""
        out: dict[str, Any] = {}
        tail = (1 - level) / 2
        for key, x in (("blended_roi", self.blended_roi), ("hard_roi", self.hard_roi), ("net_value", self.net)):
            q = np.quantile(x, [0.05, 0.5, 0.95, tail, 1 - tail])
            out[key] = {"mean": float(x.mean()), "p5": float(q[0]), "p50": float(q[1]), "p95": float(q[2]),
                        "lower": float(q[3]), "upper": float(q[4])}
        out["probability_roi_below_zero"] = float(np.mean(self.blended_roi < 0))
        out["probability_hard_roi_below_zero"] = float(np.mean(self.hard_roi < 0))
        return out


class Model:
    """The blended model of a project run as a vectorised function of its levers."""

    def __init__(self, run) -> None:
        self.run = run
        self.levers = levers_of(run)
        self.components = tuple(run.roi.components)
        self.lines = run.costs.lines.reset_index(drop=True)
        self.staff = (self.lines["category"] == "staff time").to_numpy()
        self.keys = line_keys(self.lines)
        self.order = sorted(range(len(self.lines)), key=self.keys.__getitem__)  # summing order: by name

    def point_values(self) -> dict[str, float]:
        """Every lever at its base value."""
        return {k: v.base for k, v in self.levers.items()}

    def evaluate(self, x: Mapping[str, np.ndarray], comp_draws: Mapping[str, np.ndarray],
                 line_draws: np.ndarray, parts: dict | None = None,
                 grades: frozenset[str] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(hard value, total value, cost) for lever values ``x`` and model draws.

        When ``parts`` is a dict, each component's value is stored in it. With ``grades``, only the components
        whose evidence grade is among them count (the others are worth zero in this scenario).
        """
        hard: Any = 0.0
        total: Any = 0.0
        scaling: dict[str, list[Lever]] = {}
        for lever in self.levers.values():
            for c in lever.components:
                scaling.setdefault(c, []).append(lever)
        for comp in self.components:
            if grades is not None and comp.evidence not in grades:
                continue
            v = comp_draws[comp.component]
            done = set()
            for lever in scaling.get(comp.component, ()):
                if lever.name in x and lever.factor is not None and id(lever.factor) not in done:
                    v = v * lever.factor(x)
                    done.add(id(lever.factor))
            total = total + v
            if parts is not None:
                parts[comp.component] = v
            if comp.kind == "hard":
                hard = hard + v
        cost: Any = 0.0
        for i in self.order:
            line = x.get(f"costs.line{i + 1}", line_draws[i])
            if self.staff[i] and "costs.hourly_rate_multiplier" in x:
                line = line * x["costs.hourly_rate_multiplier"]
            cost = cost + line
        if "costs.multiplier" in x:
            cost = cost * x["costs.multiplier"]
        return np.asarray(hard), np.asarray(total), np.asarray(cost)

    def canon(self, name: str) -> str:
        """The canonical lever name (``costs.<item>`` aliases become ``costs.lineN``)."""
        lever = self.levers.get(name)
        m = re.fullmatch(r"alias of (costs\.line\d+)", lever.description) if lever else None
        return m.group(1) if m else name

    def _aliases(self, spec: Spec) -> Spec:
        """Map ``costs.<item>`` aliases to ``costs.lineN``."""
        return Spec({self.canon(k): v for k, v in spec.fixed.items()},
                    {self.canon(k): v for k, v in spec.uncertain.items()})

    def simulate(self, spec: Spec, n: int, seed: int, correlations=None, where: str = "",
                 grades: frozenset[str] | None = None) -> Simulation:
        """``n`` draws of the blended model under ``spec`` (counting only the components of ``grades``, when
        given)."""
        spec = self._aliases(spec)
        names = sorted(spec.uncertain)
        rng = rng_for(seed, "scenario:" + where)
        if correlations:
            correlations = [{**c, "a": self.canon(str(c.get("a"))), "b": self.canon(str(c.get("b")))}
                            if isinstance(c, Mapping) else c for c in correlations]
        corr = correlation_matrix(correlations, names, where) if correlations else None
        try:
            joint = sample([spec.uncertain[k] for k in names], n, rng, corr) if names else np.zeros((n, 0))
        except DistributionError as exc:
            raise InputError(f"{where}: {exc}") from None
        x: dict[str, np.ndarray] = {k: np.full(n, v) for k, v in spec.fixed.items()}
        x.update({k: joint[:, j] for j, k in enumerate(names)})
        comp_draws = {}
        for c in self.components:
            idx = rng_for(seed, "resample:" + c.component).integers(0, c.n_draws, n)
            comp_draws[c.component] = c.draws[idx]
        line_draws = self._line_draws(n, seed)
        hard, total, cost = self.evaluate(x, comp_draws, line_draws, grades=grades)
        hard = np.broadcast_to(hard, (n,)).astype(float)
        if np.any(cost <= 0):
            raise InputError(f"{where}: some draws give a total cost of zero or less, so ROI is undefined; "
                             "narrow the cost distributions")
        return Simulation(hard, np.broadcast_to(total, (n,)).astype(float), np.broadcast_to(cost, (n,)).astype(float),
                          {k: x[k] for k in names})

    def _line_draws(self, n: int, seed: int) -> np.ndarray:
        out = np.empty((len(self.lines), n))
        for i, row in enumerate(self.lines.itertuples()):
            if row.high > row.low:  # the line's own stream, as in the ledger: row order changes nothing
                out[i] = rng_for(seed, f"costs:{self.keys[i]}").triangular(row.low, row.amount, row.high, n)
            else:
                out[i] = row.amount
        return out

    def point(self, x: Mapping[str, float], parts: dict | None = None) -> tuple[float, float, float]:
        """(hard, total, cost) at point values: model components at their points, levers at ``x``."""
        arr = {k: np.asarray([v], dtype=float) for k, v in x.items()}
        comp = {c.component: np.asarray([c.point]) for c in self.components}
        lines = self.lines["amount"].to_numpy()[:, None]
        hard, total, cost = self.evaluate(arr, comp, lines, parts)
        if parts is not None:
            for k in parts:
                parts[k] = float(np.sum(parts[k]))
        return float(np.sum(hard)), float(np.sum(total)), float(np.sum(cost))


def tornado(model: Model, spec: Spec):
    """Blended ROI with each uncertain lever at its P10 and P90, the others at base (percent)."""
    import pandas as pd

    spec = model._aliases(spec)
    base = dict(spec.fixed)
    _, total0, cost0 = model.point(base)
    roi0 = float(roi_percent(total0, cost0))
    rows = []
    for name, d in spec.uncertain.items():
        p10, p90 = (float(v) for v in d.ppf(np.array([0.1, 0.9])))
        out = []
        for v in (p10, p90):
            _, t, c = model.point({**base, name: v})
            out.append(float(roi_percent(t, c)))
        rows.append({"assumption": name, "base": model.levers[name].base, "p10": p10, "p90": p90,
                     "roi_at_p10": out[0], "roi_at_p90": out[1], "swing": abs(out[1] - out[0])})
    frame = pd.DataFrame(rows, columns=["assumption", "base", "p10", "p90", "roi_at_p10", "roi_at_p90", "swing"])
    return frame.sort_values(["swing", "assumption"], ascending=[False, True], kind="stable").reset_index(drop=True), roi0


IMPORTANCE_DRAWS = 200_000


def importance(sim: Simulation):
    """Spearman rank correlation of each uncertain lever with the blended ROI.

    Computed on the first 200,000 draws (its sampling error is then about
    0.002, far below what separates important assumptions from the rest).
    """
    import pandas as pd

    k = IMPORTANCE_DRAWS
    roi_rank = _ranks(sim.blended_roi[:k])
    rows = [{"assumption": name, "rank_correlation": float(np.corrcoef(_ranks(v[:k]), roi_rank)[0, 1])}
            for name, v in sim.levers.items()]
    frame = pd.DataFrame(rows, columns=["assumption", "rank_correlation"])
    return frame.reindex(frame["rank_correlation"].abs().sort_values(ascending=False, kind="stable").index) \
        .reset_index(drop=True)


def _ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(len(x))
    return ranks


def break_even(model: Model, spec: Spec) -> dict[str, Any]:
    """The cost at which blended ROI is zero, and the value each component would need (others at base)."""
    spec = model._aliases(spec)
    parts: dict[str, float] = {}
    hard, total, cost = model.point(dict(spec.fixed), parts)
    per = {name: {"value": v, "needed": cost - (total - v)} for name, v in parts.items()}
    return {"total_value": total, "total_cost": cost, "break_even_cost": total, "hard_break_even_cost": hard,
            "components": per}


def cashflows(sim: Simulation, *, years: float, frequency: str, discount_rate: float, upfront_cost: float = 0.0,
              value_growth: float = 0.0):
    """Per-period cash flows of the project's yearly value and cost over ``years``, NPV and payback.

    The project's figures are taken as one year's value and cost, spread
    evenly over the year's periods; value grows by ``value_growth`` a year;
    ``upfront_cost`` is paid at time zero. NPV discounts each period's net at
    ``discount_rate`` a year. Payback is the first period in which the
    cumulative undiscounted net of the mean draws turns positive.
    """
    import pandas as pd

    per_year = {"month": 12, "quarter": 4, "year": 1}.get(frequency)
    if per_year is None:
        raise InputError(f"cashflows frequency must be month, quarter or year, got {frequency!r}")
    if years <= 0 or years > 50:
        raise InputError(f"cashflows years must be between 0 and 50, got {years}")
    n_periods = int(round(years * per_year))
    t = np.arange(1, n_periods + 1)
    growth = (1 + value_growth) ** ((t - 1) // per_year)
    disc = (1 + discount_rate) ** (-t / per_year)
    value_scale = growth / per_year
    cost_scale = 1.0 / per_year
    npv = sim.value_total * float(np.sum(value_scale * disc)) - sim.cost * float(np.sum(disc)) * cost_scale \
        - upfront_cost
    mean_value, mean_cost = float(sim.value_total.mean()), float(sim.cost.mean())
    net = mean_value * value_scale - mean_cost * cost_scale
    cum = np.cumsum(net) - upfront_cost
    payback = int(t[np.argmax(cum >= 0)]) if np.any(cum >= 0) else None
    table = pd.DataFrame({"period": t, "value": mean_value * value_scale, "cost": np.full(n_periods, mean_cost * cost_scale),
                          "net": net, "discounted_net": net * disc, "cumulative_net": cum})
    q = np.quantile(npv, [0.05, 0.5, 0.95])
    return table, {"npv_mean": float(npv.mean()), "npv_p5": float(q[0]), "npv_p50": float(q[1]),
                   "npv_p95": float(q[2]), "probability_npv_below_zero": float(np.mean(npv < 0)),
                   "payback_period": payback, "periods": n_periods, "frequency": frequency,
                   # the inputs of the table, so a workbook can rebuild it with formulas
                   "mean_value": mean_value, "mean_cost": mean_cost, "discount_rate": float(discount_rate),
                   "upfront_cost": float(upfront_cost), "value_growth": float(value_growth),
                   "periods_per_year": per_year}


@dataclass(frozen=True, eq=False)
class SimulationReport(Printable):
    """Everything ``socialroi simulate`` reports (see the module docstring)."""

    figures: Mapping[str, Any]
    break_even: Mapping[str, Any]
    tornado: Any
    base_roi: float
    importance: Any
    scenarios: Any
    cashflow_table: Any
    cashflow_summary: Mapping[str, Any] | None
    n_draws: int
    seed: int
    currency: str
    levers: Any
    roi_sample: Any = None  # blended ROI of the first 100,000 base-case draws (for histograms)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        out = {"draws": self.n_draws, "seed": self.seed, "currency": self.currency, "summary": dict(self.figures),
               "break_even": dict(self.break_even), "base_blended_roi_percent": self.base_roi,
               "tornado": self.tornado.to_dict(orient="records"),
               "importance": self.importance.to_dict(orient="records"),
               "scenarios": self.scenarios.to_dict(orient="records"),
               "assumptions": self.levers.to_dict(orient="records")}
        if self.cashflow_summary is not None:
            out["cashflows"] = {**self.cashflow_summary, "table": self.cashflow_table.to_dict(orient="records")}
        return out

    def to_frame(self):
        """One row per scenario (the base case first): mean, P5, P50, P95 of blended ROI (percent), probability of
        loss, mean net value and mean hard ROI."""
        return self.scenarios.copy()

    def summary(self) -> str:
        """Printable lines: the blended ROI distribution, probability of loss, break-even and NPV."""
        b, cur = self.figures["blended_roi"], self.currency
        lines = [f"{self.n_draws:,} draws (seed {self.seed}): blended ROI mean {b['mean']:,.1f}%, P5 {b['p5']:,.1f}%, "
                 f"P50 {b['p50']:,.1f}%, P95 {b['p95']:,.1f}%",
                 f"Probability the blended ROI is negative: {100 * self.figures['probability_roi_below_zero']:.1f}%",
                 f"Break-even cost {self.break_even['break_even_cost']:,.2f} {cur} (cost now "
                 f"{self.break_even['total_cost']:,.2f} {cur})"]
        if self.cashflow_summary:
            c = self.cashflow_summary
            lines.append(f"NPV mean {c['npv_mean']:,.2f} {cur}; P5 {c['npv_p5']:,.2f}, P95 {c['npv_p95']:,.2f}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from socialroi.valuation.notebook import html_block

        return html_block("Scenario simulation", self.summary(), self.to_frame())


def simulate_project(run, *, n_draws: int, seed: int, progress: Callable[[str], None] | None = None,
                     level: float = DEFAULT_LEVEL) -> SimulationReport:
    """Run the project's simulation: base assumptions, each named scenario, sensitivity and cash flows."""
    import pandas as pd

    cfg = run.project.sections.get("simulation", {})
    where = str(run.project.path)
    model = Model(run)
    base = parse_assumptions(cfg.get("assumptions", {}), model.levers, f"{where} [assumptions]")
    correlations = cfg.get("correlations") or None
    if progress:
        progress(f"simulating {n_draws:,} draws of the base case")
    sim = model.simulate(base, n_draws, seed, correlations, where=f"{where} [assumptions]")
    torn, roi0 = tornado(model, base)
    rows = [{"scenario": "base", "evidence": "all", **_row(sim)}]
    declared = dict(cfg.get("scenarios", {}))
    declared.setdefault(HARD_EVIDENCE_SCENARIO, {"evidence": list(HARD_EVIDENCE)})
    for i, (name, table) in enumerate(declared.items(), 1):
        if progress:
            progress(f"scenario {i} of {len(declared)}: {name}")
        table = dict(table)
        grades = _grades(table.pop("evidence", None), f"{where} [scenarios.{name}]")
        over = parse_assumptions(table, model.levers, f"{where} [scenarios.{name}]")
        merged = Spec({**{k: v for k, v in base.fixed.items() if k not in over.uncertain}, **over.fixed},
                      {**{k: v for k, v in base.uncertain.items() if k not in over.fixed}, **over.uncertain})
        names = set(merged.uncertain)
        corr = [c for c in (correlations or []) if isinstance(c, Mapping) and {c.get("a"), c.get("b")} <= names] or None
        rows.append({"scenario": name, "evidence": "all" if grades is None else ", ".join(sorted(grades, key=EVIDENCE.index)),
                     **_row(model.simulate(merged, n_draws, seed, corr, where=f"{where} [scenarios.{name}]",
                                           grades=grades))})
    cash = cfg.get("cashflows") or {}
    table = summary = None
    if cash:
        table, summary = cashflows(sim, years=cash.get("years", 3), frequency=cash.get("frequency", "month"),
                                   discount_rate=cash.get("discount_rate", 0.0),
                                   upfront_cost=cash.get("upfront_cost", 0.0),
                                   value_growth=cash.get("value_growth", 0.0))
    canon = model._aliases(base)
    written = {model.canon(k): k for k in [*base.fixed, *base.uncertain]}  # show the name the user wrote
    levers = pd.DataFrame([{"assumption": written.get(k, k), "base": v.base,
                            "distribution": canon.uncertain[k].kind if k in canon.uncertain else
                            ("fixed" if k in canon.fixed else "base"),
                            "value": canon.fixed.get(k, v.base), "description": v.description}
                           for k, v in model.levers.items() if not v.description.startswith("alias of")])
    torn["assumption"] = [written.get(k, k) for k in torn["assumption"]]  # the user's names, not costs.lineN
    ranked = importance(sim)
    ranked["assumption"] = [written.get(k, k) for k in ranked["assumption"]]
    return SimulationReport(sim.figures(level), break_even(model, base), torn, roi0, ranked,
                            pd.DataFrame(rows), table, summary, n_draws, seed, run.roi.currency, levers,
                            sim.blended_roi[:100_000].copy())


# The built-in scenario finance asks for first: only the value resting on experiments, quasi-experiments, tracked
# money and attribution of tracked revenue (no observational lifts, market-price equivalents or typed assumptions)
HARD_EVIDENCE_SCENARIO = "hard_evidence"
HARD_EVIDENCE = ("experiment", "quasi_experiment", "attribution", "accounting")


def _grades(value: Any, where: str) -> frozenset[str] | None:
    """A scenario's ``evidence`` list (the grades it counts), checked; None when the scenario counts every grade."""
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(g, str) for g in value):
        raise InputError(f"{where}: evidence must be a list of grades, e.g. [\"experiment\", \"accounting\"]")
    unknown = [g for g in value if g not in EVIDENCE]
    if unknown:
        raise InputError(f"{where}: evidence grade '{unknown[0]}' is not one of {', '.join(EVIDENCE)}")
    return frozenset(value)


def _row(sim: Simulation) -> dict[str, float]:
    s = sim.figures()
    return {"roi_mean": s["blended_roi"]["mean"], "roi_p5": s["blended_roi"]["p5"], "roi_p50": s["blended_roi"]["p50"],
            "roi_p95": s["blended_roi"]["p95"], "probability_of_loss": s["probability_roi_below_zero"],
            "net_value_mean": s["net_value"]["mean"], "hard_roi_mean": s["hard_roi"]["mean"]}
