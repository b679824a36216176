"""socialroi: an earned-value estimator for the indirect returns of social media and content.

Use from Python::

    import socialroi as sr

    run = sr.run_project("my-client/project.toml", seed=1)
    print(run.headline.summary())     # the headline every output leads with
    run.to_frame()                     # one row per component
    sr.report(run, "report.html")      # or .xlsx, .md: the format follows the extension

Everything here is imported on first use, so ``import socialroi`` (and the
``socialroi`` command) start fast. Warnings of a run are Python warnings of
the categories below as well as entries on the result (``run.run_warnings``).

This file is the package ``socialroi`` itself; the repository's folders
``valuation/``, ``models/``, ``cli/`` and ``datasets/`` install as its
subpackages.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.2.0"

# public name -> module that defines it
_EXPORTS = {
    "run_project": "socialroi.valuation.api",
    "simulate": "socialroi.valuation.api",
    "report": "socialroi.valuation.api",
    "load_project": "socialroi.valuation.project",
    "value_traffic": "socialroi.valuation.traffic",
    "TrafficOptions": "socialroi.valuation.traffic",
    "analyse_segments": "socialroi.valuation.segments",
    "SegmentSpec": "socialroi.valuation.segments",
    "OutcomeSpec": "socialroi.valuation.segments",
    "attribute": "socialroi.valuation.attribution",
    "AttributionOptions": "socialroi.valuation.attribution",
    "Project": "socialroi.valuation.project",
    "ProjectRun": "socialroi.valuation.run",
    "Headline": "socialroi.valuation.run",
    "ValueEstimate": "socialroi.valuation.estimate",
    "RoiResult": "socialroi.valuation.blend",
    "CostLedger": "socialroi.valuation.costs",
    "TrafficValuation": "socialroi.valuation.traffic",
    "SegmentAnalysis": "socialroi.valuation.segments",
    "AttributionResult": "socialroi.valuation.attribution",
    "SupportAnalysis": "socialroi.valuation.support",
    "SimulationReport": "socialroi.valuation.scenarios",
    "InputError": "socialroi.valuation.errors",
    "RunWarning": "socialroi.valuation.run_warnings",
    "SocialRoiWarning": "socialroi.valuation.run_warnings",
    "DataQualityWarning": "socialroi.valuation.run_warnings",
    "ModelWarning": "socialroi.valuation.run_warnings",
    "AssumptionWarning": "socialroi.valuation.run_warnings",
    "DoubleCountingWarning": "socialroi.valuation.run_warnings",
    "ProjectFileWarning": "socialroi.valuation.run_warnings",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'socialroi' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
