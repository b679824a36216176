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


def test_init_never_writes_through_a_symlink(run_cli, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n")
    folder = tmp_path / "proj"
    folder.mkdir()
    (folder / "project.toml").symlink_to(outside)
    for extra in ((), ("--force",)):
        code, _, err = run_cli("init", folder, *extra)
        assert code == 2 and "symbolic link" in err
        assert outside.read_text() == "precious\n"
    dangling = tmp_path / "proj2"
    dangling.mkdir()
    (dangling / "project.toml").symlink_to(tmp_path / "does-not-exist.toml")
    code, _, err = run_cli("init", dangling)
    assert code == 2 and not (tmp_path / "does-not-exist.toml").exists()


def test_init_into_an_unwritable_place_is_one_line_exit_2(run_cli, tmp_path):
    code, _, err = run_cli("init", "/proc/socialroi-init")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
