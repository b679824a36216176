"""Every command has help text and appears in the README; the CLI starts without heavy imports."""

import re
import subprocess
import sys

import pytest
from conftest import REPO

from socialroi.cli.app import app

COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)


def test_commands_are_the_expected_set():
    assert COMMANDS == ["attribution", "demo", "funnel", "init", "leads", "lift", "lift plan", "report", "roi", "schema",
                        "segments", "selling", "simulate", "support", "traffic"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(run_cli, command):
    code, out, _ = run_cli(command, "--help")
    assert code == 0 and "Usage:" in out
    docs = [c for c in app.registered_commands if (c.name or c.callback.__name__) == command][0].callback.__doc__
    assert docs and docs.strip()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"socialroi {command}\b", readme), f"README does not show 'socialroi {command}'"


def test_help_imports_no_heavy_library():
    code = ("import sys; sys.argv = ['socialroi', '--help']\n"
            "from socialroi.cli.app import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('pandas', 'numpy', 'pyarrow', 'scipy', 'statsmodels') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out


def test_usage_errors_exit_2_without_traceback(run_cli):
    code, out, err = run_cli("traffic", "--format", "xml", "x.csv")
    assert code == 2 and "Traceback" not in err and "Invalid value" in err
    code, _, err = run_cli("nonsense")
    assert code == 2
