"""Randomised lift tests (holdout or split tests) as value estimates: the strongest evidence a project can have.

A lift test assigns people (or accounts, stores, regions) at random to a
test group that gets the social effort and a control group that does not,
and records one outcome per unit. The difference in the groups' mean
outcome is the effect of the effort (intent to treat; see
:mod:`socialroi.models.experiment`), and its value is::

    value = effect per unit x units x value per unit

``units`` defaults to the test group's size (the value the test itself
produced); set it to the audience a rollout reaches to value the rollout.
For a binary outcome (converted or not) the value per unit is the value of
one conversion (``value_per_conversion``); for an amount it is
``value_per_unit`` (1 when the outcome is money in the project currency).
Every lift test is a soft value with evidence grade ``experiment``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from socialroi.models.text import Count, Num, Share, Text, Word
from socialroi.valuation.errors import InputError
from socialroi.valuation.estimate import DEFAULT_DRAWS, DEFAULT_LEVEL, Lever, ValueEstimate, rng_for
from socialroi.valuation.notebook import Printable
from socialroi.valuation.tables import Role, as_table, fold_name

SRM_ALPHA = 0.001  # sample-ratio mismatch: the usual threshold of experimentation platforms
SMALL_GROUP = 100  # fewer units in a group: the interval's coverage rests on few observations


@dataclass(frozen=True)
class LiftTestSpec:
    """One ``[[lift_tests]]`` table of a project (see :mod:`socialroi.valuation.schema` for each key's help)."""

    name: str
    file: Any
    outcome: str
    kind: str = "binary"
    group: str = "group"
    test: str = "test"
    control: str = "control"
    label: str | None = None
    value_per_conversion: float | None = None
    value_per_unit: float = 1.0
    units: float | None = None
    split: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("binary", "amount"):
            raise InputError(f"lift test '{self.name}': kind must be binary or amount, got {self.kind!r}")
        if self.kind == "binary" and self.value_per_conversion is None:
            raise InputError(f"lift test '{self.name}': a binary outcome needs value_per_conversion (the money "
                             "value of one conversion)")
        if fold_name(self.test) == fold_name(self.control):
            raise InputError(f"lift test '{self.name}': test and control must be different group values")

    @property
    def per_unit(self) -> float:
        """Money per unit of the outcome (per conversion for a binary outcome)."""
        if self.kind == "binary" and self.value_per_conversion is not None:
            return float(self.value_per_conversion)
        return float(self.value_per_unit)


@dataclass(frozen=True, eq=False)
class LiftTest(Printable):
    """One lift test's effect (``result``) and its value (``estimate``)."""

    spec: LiftTestSpec
    result: Any  # socialroi.models.experiment.TwoGroupResult
    estimate: ValueEstimate
    file: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the test's effect (outcome units; proportions for binary outcomes) and its value."""
        return {"name": self.spec.name, "label": self.estimate.label, "file": Path(self.file).name, "kind": self.spec.kind,
                "units": self.estimate.assumptions["units"], "value_per_unit": self.spec.per_unit,
                **self.result.to_dict(), "value": self.estimate.point, "value_interval": list(self.estimate.interval)}

    def summary(self) -> str:
        r = self.result
        scale = 100 if r.kind == "binary" else 1
        unit = " percentage points" if r.kind == "binary" else ""
        return (f"{self.estimate.label}: effect {scale * r.effect:,.3f}{unit} [{scale * r.lower:,.3f}, "
                f"{scale * r.upper:,.3f}], {r.n_test:,} test and {r.n_control:,} control units; value "
                f"{self.estimate.point:,.2f} {self.estimate.currency}")


@dataclass(frozen=True, eq=False)
class LiftTestReport(Printable):
    """Every lift test of a project."""

    tests: tuple[LiftTest, ...]

    @property
    def estimates(self) -> tuple[ValueEstimate, ...]:
        return tuple(t.estimate for t in self.tests)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(f"{t.estimate.label}: {w}" for t in self.tests for w in t.estimate.warnings)

    def to_frame(self):
        """One row per test: effect in the outcome's unit (percentage points for binary outcomes), interval,
        p-value, group sizes and the value."""
        import pandas as pd

        rows = []
        for t in self.tests:
            r, scale = t.result, (100.0 if t.result.kind == "binary" else 1.0)
            rows.append({"test": t.spec.name, "label": t.estimate.label, "kind": r.kind,
                         "unit": "percentage points" if r.kind == "binary" else
                         "currency per unit" if t.spec.value_per_unit == 1 else "outcome unit",
                         "effect": scale * r.effect, "lower": scale * r.lower, "upper": scale * r.upper,
                         "p_value": r.p_value, "n_test": r.n_test, "n_control": r.n_control,
                         "mean_test": scale * r.mean_test, "mean_control": scale * r.mean_control,
                         "value": t.estimate.point, "value_lower": t.estimate.interval[0],
                         "value_upper": t.estimate.interval[1]})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        return {"tests": [t.to_dict() for t in self.tests], "warnings": list(self.warnings)}

    def summary(self) -> str:
        return "\n".join(t.summary() for t in self.tests)


_GROUP_ALIASES = ("group", "arm", "variant", "assignment", "cell")


def lift_test(spec: LiftTestSpec, *, currency: str = "USD", seed: int = 0, n_draws: int = DEFAULT_DRAWS,
              level: float = DEFAULT_LEVEL) -> LiftTest:
    """Value one randomised lift test.

    Parameters
    ----------
    spec : LiftTestSpec
        The test: file (one row per unit), group and outcome columns, kind, value per conversion or unit.
    currency : str
        Currency of the value (the project's); ``value_per_conversion`` and ``value_per_unit`` are in it.
    seed, n_draws : int
        The run's seed and number of draws.
    level : float
        Coverage of the intervals.

    Returns
    -------
    LiftTest
        ``estimate`` is component ``lift_test_<name>``, kind ``soft``, evidence ``experiment``.
    """
    from socialroi.models.experiment import two_group
    from socialroi.valuation.customers import yes_no

    roles = {"group": Role((spec.group, *_GROUP_ALIASES), text=True), "outcome": Role((spec.outcome,))}
    table = as_table(spec.file, roles, explicit={"group": spec.group, "outcome": spec.outcome},
                     name=f"lift test '{spec.name}'")
    group_col = table.columns["group"]
    groups = np.array(table.folded("group"))
    is_test, is_control = groups == fold_name(spec.test), groups == fold_name(spec.control)
    bad = np.flatnonzero(~(is_test | is_control))
    if bad.size:
        value = table.text("group")[int(bad[0])].as_py()
        raise InputError(f"group {value!r} is neither the test group {spec.test!r} nor the control group "
                         f"{spec.control!r}; set test and control in [[lift_tests]] '{spec.name}' to the file's "
                         "group names", file=table.name, column=group_col, row=int(bad[0]) + 1)
    if spec.kind == "binary":
        y = yes_no(table, table.columns["outcome"], blank_ok=False,
                   what="0/1 (a binary outcome); use 1/0, true/false or yes/no, or declare kind = \"amount\"")
    else:
        y = table.numbers("outcome", allow_blank=True, allow_negative=True).values
        blank = np.flatnonzero(np.isnan(y))
        if blank.size:
            raise InputError("blank outcome: a randomised test counts every unit (write 0 for a unit with no "
                             "outcome)", file=table.name, column=table.columns["outcome"], row=int(blank[0]) + 1)
    try:
        result = two_group(y, is_test, spec.kind, level=level, split=spec.split)
    except ValueError as exc:
        raise InputError(str(exc), file=table.name, column=group_col) from None
    units = float(spec.units) if spec.units is not None else float(result.n_test)
    scale = units * spec.per_unit
    warnings = []
    if result.srm_p_value is not None and result.srm_p_value < SRM_ALPHA:
        share = result.n_test / (result.n_test + result.n_control)
        warnings.append(Text("sample ratio mismatch: {share} of units are in the test group where {planned} were "
                             "planned (p = {p}); the assignment or the tracking may be broken, so the effect may be "
                             "biased", share=Share(share), planned=Share(float(spec.split or 0)),
                             p=Num(float(f"{result.srm_p_value:.2g}"), None)))
    if min(result.n_test, result.n_control) < SMALL_GROUP:
        warnings.append(Text("small groups ({test} test, {control} control units): the interval rests on few "
                             "observations", test=Count(result.n_test), control=Count(result.n_control)))
    if result.lower <= 0 <= result.upper:
        warnings.append(Text("the test cannot tell its effect from zero: the {level} interval spans zero",
                             level=Share(level)))
    label = f"Lift test: {spec.label or spec.name}"
    if spec.kind == "binary":
        method = Text("randomised test: difference in conversion rate between {test} test and {control} control "
                      "units (Agresti-Caffo interval), x {units} units x value of one conversion",
                      test=Count(result.n_test), control=Count(result.n_control), units=Count(units))
        per_unit_lever = Lever(f"lift_tests.{spec.name}.value_per_conversion", spec.per_unit,
                               "value of one conversion")
    else:
        method = Text("randomised test: difference in mean outcome between {test} test and {control} control units "
                      "(Welch interval), x {units} units{per_unit}", test=Count(result.n_test),
                      control=Count(result.n_control), units=Count(units),
                      per_unit=Word(" x value per unit of the outcome" if spec.value_per_unit != 1 else ""))
        per_unit_lever = Lever(f"lift_tests.{spec.name}.value_per_unit", spec.per_unit, "value per unit of outcome")
    component = f"lift_test_{spec.name}"
    draws = result.draws(rng_for(seed, component), n_draws) * scale
    estimate = ValueEstimate(
        component, "soft", currency, result.effect * scale, draws, (result.lower * scale, result.upper * scale),
        level, method=method, label=label,
        assumptions={"units": units, "value_per_unit": spec.per_unit, "test_group": spec.test,
                     "control_group": spec.control},
        diagnostics={"effect": result.effect, "effect_lower": result.lower, "effect_upper": result.upper,
                     "p_value": result.p_value, "n_test": result.n_test, "n_control": result.n_control,
                     "srm_p_value": result.srm_p_value},
        warnings=tuple(warnings), evidence="experiment",
        levers=(Lever(f"lift_tests.{spec.name}.units", units, "units the effect applies to"), per_unit_lever))
    return LiftTest(spec, result, estimate, table.name)


def analyse_lift_tests(specs: Sequence[LiftTestSpec | Mapping[str, Any]], *, currency: str = "USD", seed: int = 0,
                       n_draws: int = DEFAULT_DRAWS, level: float = DEFAULT_LEVEL) -> LiftTestReport:
    """Value every lift test of a project (``[[lift_tests]]``); names must be unique."""
    tests = []
    seen: set[str] = set()
    for s in specs:
        spec = s if isinstance(s, LiftTestSpec) else LiftTestSpec(**s)
        if spec.name in seen:
            raise InputError(f"two lift tests are named '{spec.name}'; give each [[lift_tests]] its own name")
        seen.add(spec.name)
        tests.append(lift_test(spec, currency=currency, seed=seed, n_draws=n_draws, level=level))
    return LiftTestReport(tuple(tests))
