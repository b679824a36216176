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
