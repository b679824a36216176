"""A throw-away PostgreSQL server for tests: ``initdb`` and ``pg_ctl`` in a temporary folder, a Unix socket only.

Debian's ``postgresql`` package provides the binaries (``.ci/run`` installs it). Tests that need the server
skip, saying why, when the binaries are missing or the server does not start. PostgreSQL refuses to run as
root, so under root the server runs as the ``postgres`` user the package creates.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Server:
    host: str  # the socket folder
    port: int
    user: str
    database: str = "postgres"

    @property
    def url(self) -> str:
        return f"postgres://{self.user}@/{self.database}?host={self.host}&port={self.port}"


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres_server() -> Iterator[Server | str]:
    """Yield a running :class:`Server`, or a string saying why there is none (the caller skips with it)."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not (initdb and pg_ctl):
        yield "PostgreSQL is not installed (apt-get install postgresql; .ci/run does it)"
        return
    as_user: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            yield "running as root without runuser: PostgreSQL refuses to start as root"
            return
        as_user = ["runuser", "-u", "postgres", "--"]
    folder = Path(tempfile.mkdtemp(prefix="socialroi-pg-"))
    if as_user:
        shutil.chown(folder, "postgres")
    data, port, user = folder / "data", _free_port(), "socialroi"
    try:
        subprocess.run([*as_user, initdb, "-D", str(data), "-A", "trust", "-U", user, "-E", "UTF8"], check=True,
                       capture_output=True, timeout=120)
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60", "-o",
                        f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off", "start"], check=True,
                       capture_output=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        log = (folder / "log").read_text() if (folder / "log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        yield f"PostgreSQL did not start: {exc} {log[-300:]}"
        return
    try:
        yield Server(str(folder), port, user)
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True,
                       timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
