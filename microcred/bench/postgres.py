"""A throwaway PostgreSQL server on loopback for a benchmark, as ``scripts/with-postgres`` starts one for the tests.

The server lives in a temporary directory (owned by ``postgres`` when run as root: PostgreSQL refuses root), with
durability off (it is thrown away), and is stopped and deleted when the block ends.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def server_binaries() -> Path | None:
    """The newest installed PostgreSQL's ``bin`` directory (Debian's layout), or None."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0
    )
    return next((p for p in reversed(found) if (p / "initdb").exists()), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(command: list[str], *, check: bool = True) -> None:
    # Our own fixed command lines: the binaries of the installed server, a temporary directory, a free port.
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=check)  # noqa: S603


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Start a server, yield its database URL, stop it and delete its files."""
    binaries = server_binaries()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql).")
    directory = Path(tempfile.mkdtemp(prefix="microcred-bench-pg-"))
    prefix: list[str] = []
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        shutil.chown(directory, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = directory / "data", _free_port()
    options = f"-h 127.0.0.1 -p {port} -k {directory} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    try:
        initdb = [str(binaries / "initdb"), "-D", str(data), "-U", "microcred", "--auth=trust", "-E", "UTF8"]
        _run([*prefix, *initdb, "--locale=C.UTF-8"])
        log = str(directory / "server.log")
        _run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-l", log, "-w", "-o", options, "start"])
        yield f"postgres://microcred@127.0.0.1:{port}/postgres"
    finally:
        _run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], check=False)
        shutil.rmtree(directory, ignore_errors=True)
