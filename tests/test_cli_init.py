"""`socialroi init`, run as a user would."""

from socialroi.datasets import TEMPLATE_FILES


def test_init_writes_a_project_that_runs(run_cli, tmp_path):
    target = tmp_path / "acme"
    code, out, err = run_cli("init", target)
    assert code == 0 and "socialroi roi" in out
    assert sorted(p.name for p in target.iterdir()) == sorted(TEMPLATE_FILES)
    assert "# " in (target / "project.toml").read_text()  # commented template
    code, out, err = run_cli("roi", target / "project.toml")
    assert code == 0, err


def test_init_refuses_to_overwrite_without_force(run_cli, tmp_path):
    assert run_cli("init", tmp_path)[0] == 0
    (tmp_path / "costs.csv").write_text("mine\n")
    code, _, err = run_cli("init", tmp_path)
    assert code == 2 and "--force" in err
    assert (tmp_path / "costs.csv").read_text() == "mine\n"
    assert run_cli("init", tmp_path, "--force")[0] == 0
    assert (tmp_path / "costs.csv").read_text() != "mine\n"
