"""The bundled example company and the templates written by ``socialroi init``.

The example (``example/``) is made by :mod:`socialroi.datasets.generate` from
a fixed seed; ``example/truth.json`` holds the values it planted, so tests
can check that the estimators recover them.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

TEMPLATE_FILES = ("project.toml", "keywords.csv", "cpc.csv", "costs.csv", "social_metrics.csv", "rate_card.csv")


def _package_dir() -> Path:
    return Path(str(resources.files(__name__)))


def example_dir() -> Path:
    """Folder of the bundled example's files (read-only in an installed package)."""
    return _package_dir() / "example"


def example_project() -> Path:
    """Path of the bundled example's project file."""
    return example_dir() / "project.toml"


def example_truth() -> dict[str, Any]:
    """The values the example generator planted (see ``generate.py``)."""
    return json.loads((example_dir() / "truth.json").read_text(encoding="utf-8"))


def write_templates(directory: str | Path, *, force: bool = False) -> list[Path]:
    """Write the template project into ``directory``.

    Parameters
    ----------
    directory : path
        Created if missing.
    force : bool
        Overwrite existing files; otherwise an existing file is an error
        and nothing is written.

    Returns
    -------
    list of Path
        The files written.
    """
    from socialroi.valuation.errors import InputError

    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise InputError("exists and is not a folder", file=str(directory))
    # a symbolic link counts as present, dangling or not, and is never written through: it could point
    # anywhere outside the folder
    links = [directory / name for name in TEMPLATE_FILES if (directory / name).is_symlink()]
    if links:
        raise InputError(f"{links[0].name} is a symbolic link; init never writes through one: remove it or choose "
                         "another folder", file=str(directory))
    existing = [directory / name for name in TEMPLATE_FILES if (directory / name).exists()]
    if existing and not force:
        raise InputError(f"already holds {', '.join(p.name for p in existing)}; use --force to overwrite "
                         "or choose an empty folder", file=str(directory))
    directory.mkdir(parents=True, exist_ok=True)
    source = _package_dir() / "templates"
    written = []
    for name in TEMPLATE_FILES:
        target = directory / name
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o666)
        with os.fdopen(fd, "wb") as fh:
            fh.write((source / name).read_bytes())
        written.append(target)
    return written


def is_example(run: Any) -> bool:
    """Whether ``run`` is a run of the bundled example project (whose planted truth is known)."""
    return Path(run.project.path).resolve() == example_project().resolve()


def planted_vs_recovered(run: Any) -> Any:
    """The example's planted values beside what the run recovered, with the 95 % interval and whether it covers.

    One row per figure (money in EUR, effects in percentage points, the hazard ratio as a ratio): ``figure``,
    ``planted``, ``recovered``, ``lower``, ``upper``, ``covered``. Point-only figures (costs, exact components)
    have their point as both ends. This is the evidence that the estimators find what the generator put in.
    """
    import pandas as pd

    from socialroi.datasets.generate import SUPPORT

    truth = example_truth()
    seg, sup = truth["segments"], truth["support"]
    comps = {c.component: c for c in run.roi.components}
    rows: list[tuple[str, float, float, float, float]] = []

    def component(label: str, name: str, planted: float) -> None:
        if name in comps:
            c = comps[name]
            rows.append((label, planted, c.point, *c.interval))

    component("Traffic value (EUR)", "traffic", truth["traffic_value"])
    component("Social reach value (EUR)", "social_reach", truth["social_reach_value"])
    component("Direct revenue (EUR)", "direct_revenue", truth["direct_revenue"])
    component("Retention value (EUR)", "segment_retention", seg["retention_value"])
    component("Upsell value (EUR)", "segment_upsell", seg["upsell_value"])
    component("Deal-size value (EUR)", "segment_deal_size", seg["deal_size_value"])
    component("Lift test value (EUR)", "lift_test_instagram_holdout", truth["lift_test"]["value"])
    component("Incrementality value (EUR)", "incrementality_vestland_creators", truth["incrementality"]["value"])
    component("Support: channel shift (EUR)", "support_channel_shift", sup["channel_shift_saving"])
    component("Support: measured ticket counts (EUR)", "support_measured_counts",
              sup["count_tickets_avoided_expected"] * SUPPORT["cost_per_ticket"])
    if run.segments is not None:
        eff = run.segments.effects
        method = comps["segment_retention"].assumptions.get("method") if "segment_retention" in comps else None
        for outcome, key in (("retention", "retention_att"), ("upsell", "upsell_att")):
            r = eff[(eff["outcome"] == outcome) & (eff["method"] == method)]
            if len(r):
                r = r.iloc[0]
                rows.append((f"{outcome.capitalize()} effect on the engaged (percentage points)", 100 * seg[key],
                             100 * r["estimate"], 100 * r["lower"], 100 * r["upper"]))
        d = run.segments.durations
        if len(d):
            r = d.iloc[0]
            rows.append(("Time to close: hazard ratio", seg["time_to_close_hazard_ratio"], r["hazard_ratio"],
                         r["hr_lower"], r["hr_upper"]))
    if run.lift_tests is not None:
        for t in run.lift_tests.tests:
            if t.spec.name == "instagram_holdout":
                lt = truth["lift_test"]
                rows.append(("Lift test: revenue per test subscriber (EUR)", lt["effect_per_unit"], t.result.effect,
                             t.result.lower, t.result.upper))
    if run.incrementality is not None:
        for r in run.incrementality.lifts:
            if r.name == "vestland_creators":
                inc = truth["incrementality"]
                rows.append(("Incrementality: extra orders", inc["extra_orders"], r.figures["cumulative_effect"],
                             r.figures.get("cumulative_lower", float("nan")),
                             r.figures.get("cumulative_upper", float("nan"))))
    rows.append(("Total cost (EUR)", truth["costs_total"], run.roi.total_cost, *run.roi.costs.interval))
    rows.append(("Hard ROI (%)", truth["hard_roi_percent"], run.roi.hard_roi, *run.roi.hard_roi_interval))
    rows.append(("Blended ROI, fitted model (%)", truth["blended_roi_percent_planted"], run.roi.blended_roi,
                 *run.roi.blended_roi_interval))
    frame = pd.DataFrame(rows, columns=["figure", "planted", "recovered", "lower", "upper"])
    tol = 1e-6 * frame["planted"].abs().clip(lower=1.0)
    frame["covered"] = (frame["lower"] - tol <= frame["planted"]) & (frame["planted"] <= frame["upper"] + tol)
    return frame
