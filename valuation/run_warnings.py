"""Typed warnings: every warning a run gives is an entry on the result *and* a Python warning category.

A library user filters them the usual way::

    import warnings
    import socialroi as sr
    warnings.simplefilter("ignore", sr.DataQualityWarning)

The command line prints them; the report formats list them. Components
write their warnings as plain sentences; :func:`categorise` gives each its
category from what it is about. The rule table is here and only here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


class SocialRoiWarning(UserWarning):
    """Base class of every socialroi warning."""


class DataQualityWarning(SocialRoiWarning):
    """Something in the input data: rows left out, blanks, unmatched keys, coverage."""


class ModelWarning(SocialRoiWarning):
    """A model's fit or design: overlap, balance, dispersion, convergence, small samples."""


class AssumptionWarning(SocialRoiWarning):
    """A reading of the data that rests on an assumption the user should confirm (direction, units, period)."""


class DoubleCountingWarning(SocialRoiWarning):
    """Two parts of the run may count the same money."""


class ProjectFileWarning(SocialRoiWarning):
    """Something about the project file itself (inputs outside its folder)."""


CATEGORIES: dict[str, type[SocialRoiWarning]] = {
    "data_quality": DataQualityWarning, "model": ModelWarning, "assumption": AssumptionWarning,
    "double_counting": DoubleCountingWarning, "project_file": ProjectFileWarning,
}

# first match wins; anything else is a data-quality warning
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("project_file", re.compile(r"outside its folder|reads files outside|report text is in English", re.I)),
    ("double_counting", re.compile(r"same (tickets|money|customers)|double[- ]count|count(ed)? twice|overlap(s)? "
                                   r"with", re.I)),
    ("assumption", re.compile(r"higher_is_better|looks like (a )?churn|assum|time_unit|period|per month|per year|"
                              r"direction", re.I)),
    ("model", re.compile(r"overlap|balance|converge|separation|dispersion|propensity|effective sample|weight|"
                         r"standardised|E-value|R-squared|autocorrel|too few|small sample|events", re.I)),
)


def categorise(message: str) -> str:
    """The category name (a key of :data:`CATEGORIES`) of a warning sentence."""
    for name, pattern in _RULES:
        if pattern.search(message):
            return name
    return "data_quality"


@dataclass(frozen=True)
class RunWarning:
    """One warning of a run.

    Attributes
    ----------
    category : str
        A key of :data:`CATEGORIES` (``data_quality``, ``model``, ``assumption``,
        ``double_counting``, ``project_file``).
    component : str
        The component or analysis it comes from ("" for the project file).
    message : str
        A plain sentence.
    """

    category: str
    component: str
    message: str

    @classmethod
    def of(cls, component: str, message: str) -> RunWarning:
        return cls(categorise(message), component, message)

    @property
    def python_category(self) -> type[SocialRoiWarning]:
        """The Python warning class, for ``warnings.warn`` and filters."""
        return CATEGORIES[self.category]

    def __str__(self) -> str:
        return f"{self.component}: {self.message}" if self.component else self.message

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.category, "component": self.component, "message": self.message}


def emit(items: tuple[RunWarning, ...] | list[RunWarning], stacklevel: int = 3) -> None:
    """Issue each warning as a Python warning of its category."""
    import warnings

    for w in items:
        warnings.warn(str(w), w.python_category, stacklevel=stacklevel)
