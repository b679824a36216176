"""Text from data never becomes a formula, markup, a link or a terminal escape, in any output format."""

import csv
import io
from pathlib import Path

import pytest

from socialroi.valuation.safe_text import markdown, one_line, spreadsheet

HOSTILE = ["=HYPERLINK(\"http://x\",\"click\")", "@SUM(A1)", "+1+1", "-2+3", "\tx", "ok\r=1+1",
           "<script>alert(1)</script>", "[win](javascript:alert(1))", "a|b", "\x1b]0;pwned\x07title\x1b[31m"]


@pytest.mark.parametrize("value", HOSTILE)
def test_spreadsheet_cells(value):
    out = spreadsheet(value)
    assert not out.lstrip().startswith(("=", "+", "-", "@")) or out.startswith("'")
    assert "\r" not in out and "\x1b" not in out and "\t" not in out


@pytest.mark.parametrize("value", HOSTILE)
def test_markdown_and_terminal(value):
    md = markdown(value)
    assert "<script" not in md and "](" not in md.replace("\\](", "") and "\x1b" not in md
    assert "|" not in md.replace("\\|", "")
    t = one_line(value)
    assert all(ord(c) >= 32 and not 0x7f <= ord(c) <= 0x9f for c in t)


def _leads_file(tmp_path):
    path = tmp_path / "leads.csv"
    rows = ["lead_id,score,channel,created,converted_at,revenue"]
    channels = ["=cmd|' /C calc'!A0", "@evil", "linkedin", "<script>x</script>", "\x1b[2Jclear"]
    for i in range(30):
        ch = channels[i % len(channels)]
        rows.append(f"L{i},{10 + 3 * i},\"{ch}\",2026-01-{1 + i % 28:02d},,")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_leads_in_every_format(run_cli, tmp_path):
    path = _leads_file(tmp_path)
    bands = "=SUM(1):40,@hot:70,<b>fast</b>"
    code, out, err = run_cli("leads", path, "--social", "linkedin", "--bands", bands, "-f", "csv")
    assert code == 0, err
    for row in csv.reader(io.StringIO(out)):
        for cell in row:
            assert not cell.startswith(("=", "@", "+")), cell
    code, out, err = run_cli("leads", path, "--social", "linkedin", "--bands", bands, "-f", "markdown")
    assert code == 0, err
    assert "<script>" not in out and "<b>" not in out and "\x1b" not in out
    code, out, err = run_cli("leads", path, "--social", "linkedin", "--bands", bands)
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out


def test_selling_csv_neutralises_rep_names(run_cli, tmp_path):
    from socialroi.datasets import example_dir

    src = (example_dir() / "selling_activity.csv").read_text(encoding="utf-8")
    path = tmp_path / "selling.csv"
    path.write_text(src.replace("Ingrid,", "\"=1+2\",").replace("Oslo,", "\"@team\","), encoding="utf-8")
    code, out, err = run_cli("selling", path, "-f", "csv")
    assert code == 0, err
    cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
    assert "'=1+2" in cells and not any(c.startswith(("=", "@")) for c in cells)


def test_error_messages_strip_terminal_escapes_from_file_names(run_cli, tmp_path):
    path = tmp_path / "bad\x1b[31mname.csv"
    path.write_text("Query,Clicks\nboots,abc\n")
    code, _, err = run_cli("traffic", path)
    assert code == 2 and "\x1b" not in err and len(err.strip().splitlines()) == 1


def test_workbook_takes_control_characters_and_formulas(tmp_path):
    import openpyxl
    import pandas as pd

    from socialroi.valuation.document import Table
    from socialroi.valuation.workbook import _write_table

    wb = openpyxl.Workbook()
    _write_table(wb.create_sheet("t"), Table("t", pd.DataFrame({"keyword": ["a\x01b", "=1+1", "ok\x1b"],
                                                                 "v": [1.0, 2.0, 3.0]})))
    path = tmp_path / "w.xlsx"
    wb.save(path)  # openpyxl refuses control characters: this would raise IllegalCharacterError
    values = [c.value for c in openpyxl.load_workbook(path)["t"]["A"]]
    assert values == ["keyword", "a b", "'=1+1", "ok "]


def test_write_failure_is_one_line_exit_2_naming_the_output(run_cli, tmp_path):
    import os

    from socialroi.datasets import example_dir

    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    target = locked / "out.txt"
    if os.access(locked, os.W_OK):  # root ignores folder permissions; sysfs refuses new files to everyone
        target = Path("/sys/socialroi-out.txt")
    try:
        code, _, err = run_cli("traffic", example_dir() / "keywords.csv", example_dir() / "cpc.csv", "-o", target)
        error = [line for line in err.splitlines() if line.startswith("socialroi:")]
        assert code == 2 and len(error) == 1 and "Traceback" not in err
        assert error[0].startswith(f"socialroi: error: {target}: cannot be written")
        assert not list(locked.iterdir())  # no temporary file left behind
    finally:
        locked.chmod(0o700)


def test_a_temporary_file_left_by_a_killed_writer_is_removed_by_the_next_write(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    from socialroi.cli.output import write_atomic

    # the child stops for good between writing its temporary file and renaming it, and is then killed outright
    code = ("import os, time\nfrom pathlib import Path\nfrom socialroi.cli import output\n"
            "os.replace = lambda *a: time.sleep(3600)\n"
            f"output.write_atomic(Path({str(tmp_path)!r}) / 'report.md', b'partial')\n")
    child = subprocess.Popen([sys.executable, "-c", code])
    try:
        for _ in range(500):
            if any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
                break
            time.sleep(0.02)
        assert any(p.name.endswith(".tmp") for p in tmp_path.iterdir())
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    write_atomic(tmp_path / "report.md", b"complete")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]
    assert (tmp_path / "report.md").read_bytes() == b"complete"
