"""The bad-input corpus (tests/bad_inputs.py): exit 2, one line naming the file, nothing written, inputs unchanged."""

import hashlib

import pytest
from bad_inputs import cases

CASES = cases()


def test_the_corpus_is_large():
    assert len(CASES) >= 500


@pytest.mark.parametrize("case_id, files, argv", CASES, ids=[c[0] for c in CASES])
def test_bad_input(run_cli, tmp_path, case_id, files, argv):
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    out_file = tmp_path / "out" / "result.txt"
    out_file.parent.mkdir()
    args = [a.replace("{dir}", str(tmp_path)) for a in argv] + ["-o", str(out_file)]
    code, out, err = run_cli(*args)
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("warning:")]
    assert code == 2, (code, err)
    assert len(lines) == 1 or (lines and lines[0].startswith("Usage:")), err
    assert "Traceback" not in err
    message = lines[-1]
    if not message.startswith("Error:"):  # a usage error names the option, not a file
        assert str(tmp_path) in message or "project.toml" in message or ".csv" in message, message
    assert not out_file.exists() and not list(out_file.parent.iterdir())  # nothing written, no temporary file
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir() if p.is_file()}
    assert after == {k: v for k, v in before.items() if (tmp_path / k).is_file()}  # inputs unchanged
