"""Shared fixtures: running the CLI as a user would, reference data, the example."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests on a fixed set of examples, so a landing never depends on luck;
# local runs keep exploring new examples.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

RESULTS = Path(__file__).parent / "results"
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference-data"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def run_cli(capsys):
    """Run ``socialroi ARGS`` in-process; return (exit code, stdout, stderr)."""
    from socialroi.cli.app import main

    def run(*args: str):
        with pytest.raises(SystemExit) as exc:
            main([str(a) for a in args])
        out, err = capsys.readouterr()
        return exc.value.code, out, err

    return run


@pytest.fixture(scope="session")
def pg_server():
    """A throw-away PostgreSQL server (initdb, pg_ctl) for the whole session; skipped where it cannot start."""
    from pg_server import postgres_server

    with postgres_server() as s:
        if isinstance(s, str):
            pytest.skip(s)
        yield s


@pytest.fixture
def reference_data() -> Path:
    """The shared reference-data folder; tests using it skip when it is absent."""
    if not REFERENCE.is_dir():
        pytest.skip("../shared/reference-data is not present (only in the team's checkouts and CI)")
    return REFERENCE


def load_result(name: str) -> dict:
    """A reference result kept under tests/results (see its README for origins)."""
    return json.loads((RESULTS / name).read_text(encoding="utf-8"))


def digest(path: Path) -> str:
    """SHA-256 of a file, to prove inputs are not modified."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write a small CSV for a test and return its path."""
    path.write_bytes(text.encode(encoding))
    return path
