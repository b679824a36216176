"""The entry points ``import socialroi as sr`` gives: run a project, simulate it, write its report.

Each is a thin wrapper over the same functions the command line uses, plus
what a Python user expects: the run's warnings are issued as Python
warnings of their categories (:mod:`socialroi.valuation.run_warnings`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialroi.valuation.run_warnings import emit

REPORT_FORMATS = ("html", "xlsx", "markdown", "pdf")


def run_project(project: Any, *, seed: int | None = None, draws: int | None = None,
                simulate: bool | None = None) -> Any:
    """Run a project (a path to its ``project.toml`` or a loaded :class:`~socialroi.valuation.project.Project`).

    Returns a :class:`~socialroi.valuation.run.ProjectRun`; its warnings are also issued as Python warnings.
    See :func:`socialroi.valuation.run.run_project` for the parameters.
    """
    from socialroi.valuation.run import run_project as _run

    run = _run(project, seed=seed, draws=draws, simulate=simulate)
    emit(run.run_warnings)
    return run


def simulate(project: Any, *, seed: int | None = None, draws: int | None = None) -> Any:
    """The scenario simulation of a project or of a finished run (a
    :class:`~socialroi.valuation.scenarios.SimulationReport`: ROI distribution, break-even, tornado, scenarios,
    NPV and payback)."""
    from socialroi.valuation.run import ProjectRun

    if isinstance(project, ProjectRun) and project.simulation is not None and seed is None and draws is None:
        return project.simulation
    source = project.project if isinstance(project, ProjectRun) else project
    return run_project(source, seed=seed, draws=draws, simulate=True).simulation


def render_report(run: Any, fmt: str) -> str | bytes:
    """The client report of a run in ``fmt`` (``html``, ``xlsx``, ``markdown`` or ``pdf``): text, or bytes.
    The one place a report is rendered, for the command line and for Python."""
    if fmt == "html":
        from socialroi.valuation.report import build_html

        return build_html(run)
    if fmt == "markdown":
        from socialroi.cli.render import render, roi_report

        return render(roi_report(run, full=True), "markdown")
    if fmt == "pdf":
        return pdf_bytes(run)
    if fmt == "xlsx":
        import io

        from socialroi.valuation.workbook import build_workbook

        buffer = io.BytesIO()
        build_workbook(run).save(buffer)
        return buffer.getvalue()
    raise ValueError(f"report format must be one of {', '.join(REPORT_FORMATS)}, got {fmt!r}")


def pdf_bytes(run: Any) -> bytes:
    """The HTML report printed to PDF by WeasyPrint (the optional ``socialroi[pdf]`` extra).

    WeasyPrint rather than a browser: it is a Python package with no browser to install or drive, it honours
    the report's ``@page`` rules (A4, or Letter for US and Canadian locales) and ``break-*`` properties, and its
    output is the same on every machine with the same fonts.
    """
    from socialroi.valuation.errors import InputError
    from socialroi.valuation.report import build_html

    try:
        import arabic_reshaper  # noqa: F401 - Arabic and Persian chart labels (WeasyPrint's SVG text has no bidi)
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the package is there but its Pango library is not
        raise InputError("PDF output needs the pdf extra: python3 -m pip install \"socialroi[pdf]\" "
                         f"(WeasyPrint and its Pango library; {type(exc).__name__}: {exc})") from None
    out: bytes = weasyprint.HTML(string=build_html(run, visual_svg_text=True)).write_pdf()
    return out


def report(run: Any, path: str | Path, *, fmt: str | None = None) -> Path:
    """Write the client report of ``run`` to ``path`` (atomically); the format follows the extension
    (``.html``, ``.xlsx``, ``.md``, ``.pdf``) unless ``fmt`` is given. Returns the path."""
    from socialroi.cli.output import output_format, write_atomic

    path = Path(path)
    kind = output_format(fmt, path, REPORT_FORMATS, "html")
    write_atomic(path, render_report(run, kind))
    return path
