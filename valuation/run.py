"""One run of a project: every component, the blend, the simulation, the headline and every warning.

Every output (terminal text, JSON, CSV, Markdown, HTML, the workbook)
renders a :class:`ProjectRun` and nothing else, so they cannot disagree.

The headline is defined here and only here:

* a project with a simulation (``[assumptions]``, ``[scenarios.*]`` or
  ``[cashflows]``, or ``socialroi simulate``) headlines the **scenario
  simulation**: the mean of its draws, the equal-tailed interval at the
  run's level, and the share of draws with a negative blended ROI;
* otherwise the **fitted model**: the sum of the components' point values
  against the cost point, intervals and probability of loss from the
  components' own draws.

Both are always available (:attr:`ProjectRun.fitted`,
:attr:`ProjectRun.scenario`) and shown side by side, each with its name.
ROI is in percent points throughout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from socialroi.models.text import Label, Text, Word
from socialroi.valuation.errors import InputError
from socialroi.valuation.estimate import ValueEstimate
from socialroi.valuation.notebook import Printable
from socialroi.valuation.project import Project, load_project
from socialroi.valuation.run_warnings import RunWarning

FITTED = "fitted model"
SCENARIO = "scenario simulation"


@dataclass(frozen=True)
class Headline:
    """The figures a report leads with, from one model.

    Attributes
    ----------
    model : str
        ``"scenario simulation"`` or ``"fitted model"``.
    currency : str
        Currency of ``net_value``.
    level : float
        Coverage of the intervals (0.95).
    n_draws : int
        Draws behind the intervals and ``probability_of_loss``.
    blended_roi, hard_roi : float
        ROI in percent points: the point (fitted model) or the mean of the draws (scenario simulation).
    blended_roi_interval, hard_roi_interval : (float, float)
        Equal-tailed intervals in percent points.
    net_value : float
        Value minus cost, in ``currency``.
    net_value_interval : (float, float)
    probability_of_loss : float
        Share of draws with a negative blended ROI (0 to 1).
    blended_roi_point : float
        The fitted model's point blended ROI (percent): what the workbook recomputes from the components.
    conservative_blended_roi : float
        The fitted model's point blended ROI with every overlapping pair of components counted once (percent;
        :mod:`socialroi.valuation.overlaps`).
    """

    model: str
    currency: str
    level: float
    n_draws: int
    blended_roi: float
    blended_roi_interval: tuple[float, float]
    hard_roi: float
    hard_roi_interval: tuple[float, float]
    net_value: float
    net_value_interval: tuple[float, float]
    probability_of_loss: float
    blended_roi_point: float
    conservative_blended_roi: float = float("nan")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (ROI in percent points)."""
        return {"model": self.model, "currency": self.currency, "level": self.level, "n_draws": self.n_draws,
                "blended_roi": self.blended_roi, "blended_roi_interval": list(self.blended_roi_interval),
                "hard_roi": self.hard_roi, "hard_roi_interval": list(self.hard_roi_interval),
                "net_value": self.net_value, "net_value_interval": list(self.net_value_interval),
                "probability_of_loss": self.probability_of_loss, "blended_roi_point": self.blended_roi_point,
                "conservative_blended_roi": self.conservative_blended_roi}

    @property
    def statistic(self) -> str:
        """What the central figures are: ``point`` or ``mean of N draws``."""
        return "point" if self.model == FITTED else f"mean of {self.n_draws:,} draws"

    def summary(self) -> str:
        """Printable lines."""
        pct = f"{100 * self.level:g}%"
        (bl, bh), (hl, hh), (nl, nh) = self.blended_roi_interval, self.hard_roi_interval, self.net_value_interval
        return "\n".join([
            f"Headline from the {self.model} ({self.statistic})",
            f"Blended ROI {self.blended_roi:,.1f}%  [{pct} interval {bl:,.1f}% to {bh:,.1f}%]",
            f"Hard ROI    {self.hard_roi:,.1f}%  [{pct} interval {hl:,.1f}% to {hh:,.1f}%]",
            f"Net value   {self.net_value:,.2f} {self.currency}  [{pct} interval {nl:,.2f} to {nh:,.2f}]",
            f"Probability the blended ROI is negative: {100 * self.probability_of_loss:.1f}%",
        ])


def fitted_headline(roi, conservative_roi: float) -> Headline:
    """The headline of the fitted model (:class:`~socialroi.valuation.blend.RoiResult`)."""
    return Headline(FITTED, roi.currency, roi.level, roi.costs.n_draws, roi.blended_roi, roi.blended_roi_interval,
                    roi.hard_roi, roi.hard_roi_interval, roi.net_value, roi.net_value_interval,
                    roi.probability_of_loss, roi.blended_roi, conservative_roi)


def scenario_headline(simulation, roi, conservative_roi: float) -> Headline:
    """The headline of the scenario simulation's base case."""
    f = simulation.figures
    b, h, n = f["blended_roi"], f["hard_roi"], f["net_value"]
    return Headline(SCENARIO, simulation.currency, roi.level, simulation.n_draws, b["mean"], (b["lower"], b["upper"]),
                    h["mean"], (h["lower"], h["upper"]), n["mean"], (n["lower"], n["upper"]),
                    f["probability_roi_below_zero"], roi.blended_roi, conservative_roi)


@dataclass(frozen=True, eq=False)
class ProjectRun(Printable):
    """Everything a project run produced.

    Attributes
    ----------
    project : Project
    roi : RoiResult
        The fitted model: hard and blended ROI from the components' points and draws.
    traffic, segments, support, attribution, lift_tests, incrementality : result or None
        Each component's full analysis, when the project has it.
    costs : CostLedger
    leads : LeadReport or None
    funnel : FunnelReport or None
    simulation : SimulationReport or None
        The scenario simulation, when the project declares one.
    """

    project: Project
    roi: Any
    traffic: Any
    costs: Any
    segments: Any = None
    support: Any = None
    attribution: Any = None
    lift_tests: Any = None
    incrementality: Any = None
    leads: Any = None
    funnel: Any = None
    simulation: Any = None

    @property
    def components(self) -> tuple[ValueEstimate, ...]:
        """The value components in the blend."""
        return tuple(self.roi.components)

    # Derived figures are computed once per run (a run is immutable) and shared by every output.
    @cached_property
    def fitted(self) -> Headline:
        """The fitted model's headline."""
        return fitted_headline(self.roi, self.conservative.blended_roi)

    @cached_property
    def scenario(self) -> Headline | None:
        """The scenario simulation's headline, when the run has a simulation."""
        if self.simulation is None:
            return None
        return scenario_headline(self.simulation, self.roi, self.conservative.blended_roi)

    @property
    def headline(self) -> Headline:
        """The headline every output leads with (see the module docstring)."""
        return self.scenario or self.fitted

    @property
    def headlines(self) -> tuple[Headline, ...]:
        """Every model's headline, the leading one first."""
        return (self.headline, self.fitted) if self.simulation is not None else (self.fitted,)

    @cached_property
    def overlaps(self) -> list[Any]:
        """The pairs of components that may count the same money (:mod:`socialroi.valuation.overlaps`)."""
        from socialroi.valuation.overlaps import find_overlaps

        return find_overlaps(self.roi.components)

    @cached_property
    def conservative(self) -> Any:
        """The blended ROI with each overlapping pair counted once (fitted model, point and interval)."""
        from socialroi.valuation.overlaps import conservative

        return conservative(self.roi, self.overlaps)

    @cached_property
    def confounding(self) -> Any:
        """The observational components' value under unmeasured confounding, and the tipping points
        (:mod:`socialroi.valuation.confounding`)."""
        from socialroi.valuation.confounding import sensitivity

        return sensitivity(self)

    @cached_property
    def hard_evidence_roi(self) -> float:
        """The fitted model's point blended ROI (percent) counting only the components graded experiment,
        quasi_experiment, attribution or accounting: the floor that rests on hard evidence (the point of the
        ``hard_evidence`` scenario)."""
        from socialroi.valuation.finance import roi_percent
        from socialroi.valuation.scenarios import HARD_EVIDENCE

        value = sum(g["value"] for g in self.roi.value_by_evidence() if g["grade"] in HARD_EVIDENCE)
        return float(roi_percent(value, self.roi.total_cost))

    @cached_property
    def run_warnings(self) -> tuple[RunWarning, ...]:
        """Every warning of the run, once, typed: the project file's notices, each component's and each
        analysis's own (such as two support methods counting the same tickets)."""
        local = self._local_names()
        out = [RunWarning.of("", local(n)) for n in self.project.notices]
        for c in (*self.roi.components, self.roi.costs):
            out += [RunWarning.of(c.component, local(w)) for w in c.warnings]
        for name in ("segments", "support", "attribution", "leads", "funnel"):
            part = getattr(self, name)
            if part is not None:
                out += [RunWarning.of(name, local(w)) for w in part.warnings]
        labels = {c.component: c.label for c in self.roi.components}
        out += [RunWarning("double_counting", "overlaps", Text(
            "{first} and {second} may count the same money ({reason}); {treatment}",
            first=Label(labels.get(o.first, o.first)), second=Label(labels.get(o.second, o.second)),
            reason=Word(o.reason), treatment=Word(o.treatment))) for o in self.overlaps]
        seen: dict[str, RunWarning] = {}
        for w in out:
            seen.setdefault(str(w), w)
        return tuple(seen.values())

    def _local_names(self) -> Callable[[str], str]:
        """Rewrites the input files' absolute paths in a sentence as the user wrote them: relative to the project
        folder, or the bare file name for a file outside it. A report for a client shows no local folders."""
        folder = self.project.path.parent
        names: dict[str, str] = {}
        for f in self.project.input_files():
            f = Path(f)
            absolute = str(f.resolve())
            names[absolute] = str(f.resolve().relative_to(folder)) if f.resolve().is_relative_to(folder) else f.name
        ordered = sorted(names, key=len, reverse=True)  # longest first: no path is cut inside a longer one

        def local(text: str) -> str:
            if isinstance(text, Text):  # keep the template: rewrite its values
                return text.mapped(local)
            for absolute in ordered:
                text = text.replace(absolute, names[absolute])
            return text

        return local

    @property
    def warnings(self) -> tuple[str, ...]:
        """Every warning of the run as a sentence (``component: message``)."""
        return tuple(str(w) for w in self.run_warnings)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary of the whole run (ROI in percent points)."""
        p = self.project
        out: dict[str, Any] = {
            "headline": self.headline.to_dict(),
            "headlines": [h.to_dict() for h in self.headlines],
            "project": {"name": p.name, "currency": p.currency, "period": p.period, "seed": p.seed,
                        "draws": self.roi.costs.n_draws, "level": p.level},
            **self.roi.to_dict(),
            "warnings": list(self.warnings),
            "warning_details": [w.to_dict() for w in self.run_warnings],
            "overlaps": [o.to_dict() for o in self.overlaps],
            "conservative_blended_roi": self.conservative.blended_roi,
            "conservative": self.conservative.to_dict(),
            "confounding": self.confounding.to_dict(),
            "confounding_tipping_point": self.confounding.tipping_point,
            "hard_evidence_roi": self.hard_evidence_roi,
            "costs_by_category": self.costs.by_category().to_dict(orient="records"),
        }
        out["roi"]["model"] = FITTED
        from socialroi.datasets import is_example, planted_vs_recovered

        if is_example(self):
            out["planted_vs_recovered"] = planted_vs_recovered(self).to_dict(orient="records")
        for name, drop in (("traffic", "estimates"), ("segments", "estimates"), ("attribution", "estimate"),
                           ("support", None), ("lift_tests", None), ("incrementality", None), ("leads", None),
                           ("funnel", None), ("simulation", None)):
            part = getattr(self, name)
            if part is not None:
                out[name] = {k: v for k, v in part.to_dict().items() if k != drop}
        return out

    def to_frame(self):
        """One row per component and one for costs (the fitted model)."""
        return self.roi.to_frame()

    def summary(self) -> str:
        """Printable lines: every headline, then the components."""
        lines = [f"Social ROI: {self.project.name}" + (f" ({self.project.period})" if self.project.period else "")]
        for h in self.headlines:
            lines += ["", h.summary()]
        lines += ["", "Components (fitted model):"]
        lines += [f"  {c.label}: {c.point:,.2f} {c.currency} ({c.kind})" for c in self.roi.components]
        lines.append(f"  Costs: {self.roi.total_cost:,.2f} {self.roi.currency}")
        if self.warnings:
            lines += ["", f"{len(self.warnings)} warning(s); see .warnings"]
        return "\n".join(lines)

    def print_summary(self) -> None:
        """Print :meth:`summary`."""
        print(self.summary())

    def _repr_html_(self) -> str:
        from socialroi.valuation.notebook import html_block

        return html_block(f"Social ROI: {self.project.name}", self.summary(), self.to_frame())


def wants_simulation(project: Project) -> bool:
    """Whether the project declares a simulation (``[assumptions]``, ``[scenarios.*]`` or ``[cashflows]``)."""
    sim = project.sections.get("simulation", {})
    return bool(sim.get("assumptions") or sim.get("scenarios") or sim.get("cashflows"))


def _components(project: Project, seed: int, n: int) -> dict[str, Any]:
    """Fit every value component of the project; the analyses by name and the estimates in blend order."""
    from socialroi.valuation.direct import direct_revenue
    from socialroi.valuation.social_reach import value_social_reach
    from socialroi.valuation.traffic import TrafficOptions, value_traffic

    s, cur, rates, level = project.sections, project.currency, project.rates, project.level
    out: dict[str, Any] = {"estimates": []}
    estimates: list[ValueEstimate] = out["estimates"]
    if "traffic" in s:
        from socialroi.valuation.search_console import traffic_input

        t = dict(s["traffic"])
        keywords, cpc = t.pop("keywords", None), t.pop("cpc", None)
        columns, cpc_columns = t.pop("columns", None), t.pop("cpc_columns", None)
        traffic, columns, source = traffic_input(keywords, t.pop("search_console", None),
                                                 t.pop("search_console_table", None), columns=columns,
                                                 flag="[traffic] search_console",
                                                 table_flag="[traffic] search_console_table")
        opts = TrafficOptions(currency=cur, rates=rates, months=project.months, **t)
        out["traffic"] = value_traffic(traffic, cpc, opts, traffic_columns=columns, cpc_columns=cpc_columns,
                                       seed=seed, n_draws=n, source=source)
        estimates.extend(out["traffic"].estimates)
    if "social" in s:
        so = s["social"]
        estimates.append(value_social_reach(so["metrics"], so["rate_card"], basis=so.get("basis", "max"),
                                            currency=cur, rates=rates, seed=seed, n_draws=n))
    if "direct_revenue" in s:
        dr = s["direct_revenue"]
        estimates.append(direct_revenue(dr.get("amount"), table=dr.get("file"), currency=cur, low=dr.get("low"),
                                        high=dr.get("high"), rates=rates, columns=dr.get("columns"), seed=seed,
                                        n_draws=n))
    if "attribution" in s:
        from socialroi.valuation.attribution import GA4_KEYS, AttributionOptions, attribute, attribute_ga4, ga4_options

        at = dict(s["attribution"])
        source, columns = at.pop("touchpoints", None), at.pop("columns", None)
        ga4 = {k: at.pop(k) for k in GA4_KEYS if k in at}
        if ga4.get("ga4"):
            out["attribution"] = attribute_ga4(ga4["ga4"], AttributionOptions(**at), ga4_options(ga4), currency=cur,
                                               seed=seed, n_draws=n, level=level, flag="[attribution] ga4",
                                               table_flag="[attribution] ga4_table")
        else:
            out["attribution"] = attribute(source, AttributionOptions(**at), columns=columns, currency=cur,
                                           seed=seed, n_draws=n, level=level)
        estimates.append(out["attribution"].estimate)
    if "segments" in s:
        from socialroi.valuation.segments import analyse_segments

        out["segments"] = analyse_segments(s["segments"]["customers"], s["segments"]["spec"], currency=cur,
                                           seed=seed, n_draws=n, level=level)
        estimates.extend(out["segments"].estimates)
    if "lift_tests" in s:
        from socialroi.valuation.lift_tests import analyse_lift_tests

        out["lift_tests"] = analyse_lift_tests(s["lift_tests"], currency=cur, seed=seed, n_draws=n, level=level)
        estimates.extend(out["lift_tests"].estimates)
    if "incrementality" in s:
        from socialroi.valuation.incrementality import analyse_incrementality

        out["incrementality"] = analyse_incrementality(s["incrementality"], currency=cur, seed=seed, n_draws=n,
                                                       level=level)
        estimates.extend(out["incrementality"].estimates)
    if "support" in s:
        from socialroi.valuation.support import analyse_support

        out["support"] = analyse_support(s["support"], currency=cur, seed=seed, n_draws=n, level=level)
        estimates.extend(out["support"].counted_estimates)
    return out


def _leads_and_funnel(project: Project, ledger) -> dict[str, Any]:
    """The lead-cycle and funnel analyses of the project (no money in the blend; shown in every report)."""
    s = project.sections
    out: dict[str, Any] = {}
    if "leads" in s:
        from socialroi.valuation.leads import lead_cycle, parse_bands

        le = s["leads"]
        out["leads"] = lead_cycle(le["file"], social_channels=le["social_channels"],
                                  bands=parse_bands(le.get("bands")), channel_costs=ledger.by_channel(),
                                  date_order=le.get("date_order"))
    if "funnel" in s:
        from socialroi.valuation.funnel import funnel, micro_action_values

        fu = s["funnel"]
        rep = funnel(fu["file"], fu.get("stages"))
        if "micro" in fu:
            rep = replace(rep, micro=micro_action_values(
                fu["micro"], fu.get("actions", ["likes", "shares", "comments", "clicks"]),
                value_per_conversion=float(fu["conversion_value"]), exposure=fu.get("exposure")))
        out["funnel"] = rep
    return out


def graded(estimates: list[ValueEstimate], project: Project) -> list[ValueEstimate]:
    """The estimates with the project's ``[evidence]`` grades (and reasons) applied; a name that is not a
    component of the run is refused with the names that are."""
    overrides = project.sections.get("evidence", {})
    names = [e.component for e in estimates]
    for name in overrides:
        if name not in names:
            raise InputError(f"[evidence] names '{name}', which is not a component of this run; components: "
                             f"{', '.join(names)}", file=str(project.path))
    return [replace(e, evidence=overrides[e.component]["grade"], evidence_reason=overrides[e.component]["reason"])
            if e.component in overrides else e for e in estimates]


def run_project(project: Project | str | Path, *, seed: int | None = None, draws: int | None = None,
                simulate: bool | None = None, progress: Callable[[str], None] | None = None) -> ProjectRun:
    """Run every part of a project: components, blend, lead cycle, funnel and (when declared) the simulation.

    Parameters
    ----------
    project : Project or path
        A loaded project or the path of its TOML file.
    seed, draws : int, optional
        Override the project's seed and number of Monte Carlo draws (used by the components and the simulation
        alike).
    simulate : bool, optional
        Run the scenario simulation; default: when the project declares one (:func:`wants_simulation`).
    progress : callable, optional
        Called with a short message before each slow step.

    Returns
    -------
    ProjectRun
    """
    from socialroi.valuation.blend import blend
    from socialroi.valuation.costs import read_ledger

    if not isinstance(project, Project):
        project = load_project(project)
    seed = project.seed if seed is None else int(seed)
    n = project.draws if draws is None else int(draws)
    if seed < 0:
        raise InputError(f"seed must be zero or more, got {seed}")
    if n < 1:
        raise InputError(f"draws must be at least 1, got {n}")
    if progress:
        progress("fitting the project's models")
    parts = _components(project, seed, n)
    s = project.sections
    ledger = read_ledger(s["costs"]["ledger"], currency=project.currency, rates=project.rates,
                         columns=s["costs"].get("columns"), seed=seed, n_draws=n)
    estimates = graded(parts.pop("estimates"), project)
    roi = blend(estimates, ledger.total, level=project.level)
    run = ProjectRun(project, roi, parts.pop("traffic", None), ledger, **parts, **_leads_and_funnel(project, ledger))
    if simulate if simulate is not None else wants_simulation(project):
        from socialroi.valuation.scenarios import simulate_project

        run = replace(run, simulation=simulate_project(run, n_draws=n, seed=seed, progress=progress,
                                                       level=project.level))
    return run
