"""Writing results: atomically, and never over an input file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from socialroi.valuation.errors import InputError


def check_output(output: Path | None, inputs: Iterable[Path | str | None]) -> None:
    """Refuse an output path that is one of the inputs or a folder."""
    if output is None:
        return
    out = Path(output)
    if out.is_dir():
        raise InputError("is a folder; give a file name for --output", file=str(output))
    for p in inputs:
        if p is None:
            continue
        p = Path(p)
        try:
            same = out.exists() and p.exists() and os.path.samefile(out, p)
        except OSError:
            same = False
        if same or out.resolve() == p.resolve():
            raise InputError("is an input of this run; choose another --output so the input is not overwritten",
                             file=str(output))
    if not out.resolve().parent.exists():
        raise InputError("the folder for --output does not exist; create it first", file=str(output))


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` via a temporary file and a rename.

    A reader never sees a half-written file, and a failure leaves any
    previous file as it was. A path that exists and is not a regular file
    (``/dev/null``, ``/dev/stdout``, a named pipe) is written in place:
    renaming over it would replace the device or pipe with a file.
    """
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        _write(path, raw, mode)
    except OSError as exc:  # a full disk, a read-only folder, no permission: one line naming the output
        raise InputError(f"cannot be written ({exc.strerror or exc}); check the folder's permissions and free "
                         "space, or choose another --output", file=str(path)) from None


def _write(path: Path, raw: bytes, mode: int | None) -> None:
    """Write through a temporary file named ``.NAME.PID.XXXX.tmp`` beside ``path``, then rename it over.

    A temporary file is removed on any exception; one left by a process that
    was killed outright (SIGKILL, which no handler sees) is removed by the
    next write of the same output, once its process is gone.
    """
    import stat

    if mode is not None and not stat.S_ISREG(mode):
        with open(path, "wb") as fh:
            fh.write(raw)
        return
    folder = path.resolve().parent
    _remove_orphans(folder, path.name)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        umask = os.umask(0)
        os.umask(umask)
        # mkstemp makes the file private; give it the permissions a normally created file gets
        os.chmod(tmp, (mode & 0o777) if mode is not None else 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _remove_orphans(folder: Path, name: str) -> None:
    """Remove ``.NAME.PID.*.tmp`` files whose writing process no longer exists (killed mid-write)."""
    import re

    pattern = re.compile(rf"^\.{re.escape(name)}\.(\d+)\.[^.]+\.tmp$")
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        m = pattern.match(entry.name)
        if not m or not entry.is_file(follow_symlinks=False):
            continue
        try:
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:  # the writer is gone: its temporary file is an orphan
            try:
                os.unlink(entry.path)
            except OSError:
                pass
        except (PermissionError, OverflowError, ValueError):
            continue


EXTENSIONS = {".txt": "text", ".text": "text", ".json": "json", ".csv": "csv", ".md": "markdown",
              ".markdown": "markdown", ".html": "html", ".htm": "html", ".xlsx": "xlsx",
              ".pdf": "pdf"}


def output_format(fmt: str | None, output: Path | None, allowed: tuple[str, ...], default: str) -> str:
    """The format to write: ``--format`` when given, else the extension of ``--output``, else ``default``.

    A ``--format`` that contradicts the file's extension (``-f html -o r.xlsx``) is refused, as is an extension
    of a format this command does not write; an unknown extension (or none) takes the default.
    """
    ext = Path(output).suffix.lower() if output is not None else ""
    implied = EXTENSIONS.get(ext)
    if fmt is not None:
        if implied is not None and implied != fmt:
            raise InputError(f"--format {fmt} contradicts the file name (a {ext} file is {implied}); drop --format "
                             "or change the --output name", file=str(output))
        return fmt
    if implied is None:
        return default
    if implied not in allowed:
        raise InputError(f"this command does not write {implied} ({ext} file); give --format "
                         f"{' or '.join(allowed)} or another --output name", file=str(output))
    return implied
