"""The wheel installs under one `socialroi` namespace and works from anywhere."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(REPO)],
                   check=True)
    (path,) = out.glob("socialroi-*.whl")
    return path


def test_wheel_installs_only_the_socialroi_namespace(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert all(t == "socialroi" or t.endswith(".dist-info") for t in tops), tops
    for generic in ("models", "cli", "valuation", "datasets", "tests"):
        assert generic not in tops
    for needed in ("socialroi/valuation/traffic.py", "socialroi/models/__init__.py", "socialroi/cli/app.py",
                   "socialroi/datasets/example/keywords.csv", "socialroi/datasets/example/truth.json",
                   "socialroi/datasets/templates/project.toml"):
        assert needed in names, needed
    assert not any(n.startswith("socialroi/tests") for n in names)


def test_fresh_venv_non_editable_install_runs_demo_anywhere(wheel, tmp_path):
    # dependencies come from the running interpreter's site-packages, whether that interpreter is a venv or
    # not (--system-site-packages would reach the base interpreter's, which a fresh venv leaves empty): a .pth
    # file in the new venv lists them after its own; socialroi itself is installed fresh, non-editable
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    own = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    deps = [p for p in sys.path if p.endswith(("site-packages", "dist-packages")) and Path(p).is_dir()]
    (Path(own) / "running_interpreter_packages.pth").write_text("\n".join(deps) + "\n")
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", str(wheel)],
                   check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([str(py), "-c", "import socialroi.valuation as v; print(v.__file__)"], cwd=elsewhere,
                           capture_output=True, text=True, check=True).stdout
    assert str(venv) in where
    result = subprocess.run([str(venv / "bin" / "socialroi"), "demo"], cwd=elsewhere, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert "Blended ROI" in result.stdout


def test_users_own_models_py_does_not_break_socialroi(tmp_path):
    for name in ("models", "cli", "valuation", "datasets"):
        (tmp_path / f"{name}.py").write_text("raise ImportError('this is the user\\'s own module')\n")
    code = ("import socialroi.models, socialroi.cli.app\n"
            "from socialroi.valuation.project import run_project\n"
            "from socialroi.datasets import example_project\n"
            "print(round(run_project(example_project(), draws=200).roi.blended_roi, 3))")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    result = subprocess.run([sys.executable, "-m", "socialroi.cli.app", "--help"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 0 and "traffic" in result.stdout, result.stderr
