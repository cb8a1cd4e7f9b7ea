"""Where the CPU went during a phase of ``microcred bench load``: cores used by each part, read from Linux's ``/proc``.

A part is a set of processes and their descendants (the app servers, the task workers, the PostgreSQL server); the
load generator is this process; "rest of the machine" is what the machine was busy with beside them. Elsewhere than
Linux nothing is measured and nothing is printed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import urlsplit

PROC = Path("/proc")


def _ticks_by_process() -> dict[int, tuple[int, int]]:
    """pid → (parent pid, clock ticks used by it and its ended children) for every process we may read."""
    found = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        # Its own user + system ticks and those of its children that ended (PostgreSQL's backends of closed
        # connections, say), so that the CPU of a process that ended during the window is not lost.
        found[int(entry.name)] = (int(fields[1]), sum(int(value) for value in fields[11:15]))
    return found


def _tree_ticks(processes: dict[int, tuple[int, int]], roots: set[int]) -> int:
    members, grew = set(roots), True
    while grew:
        grew = False
        for pid, (parent, _) in processes.items():
            if parent in members and pid not in members:
                members.add(pid)
                grew = True
    return sum(processes[pid][1] for pid in members if pid in processes)


def postgres_pid(database_url: str) -> int | None:
    """The PostgreSQL server listening on the URL's port on this machine (its command line names the port), or None."""
    parts = urlsplit(database_url)
    if not PROC.exists() or parts.hostname not in ("127.0.0.1", "localhost", "::1") or parts.port is None:
        return None
    wanted = f"-p\0{parts.port}\0".encode()
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"postgres" in command.split(b"\0", 1)[0] and wanted in command:
            return int(entry.name)
    return None


def sample(parts: dict[str, set[int]]) -> dict[str, float] | None:
    """Clock ticks used so far by each part, by this process and by the whole machine; None without /proc."""
    if not (PROC / "stat").exists():
        return None
    processes = _ticks_by_process()
    with (PROC / "stat").open() as stat:
        total = [int(value) for value in stat.readline().split()[1:]]
    busy = sum(total) - total[3] - (total[4] if len(total) > 4 else 0)  # all but idle and iowait
    ticks: dict[str, float] = {name: _tree_ticks(processes, roots) for name, roots in parts.items()}
    ticks["load generator"] = sum(os.times()[:2]) * os.sysconf("SC_CLK_TCK")
    return {**ticks, "machine": busy, "time": time.monotonic()}


def cores_used(before: dict[str, float] | None, after: dict[str, float] | None) -> dict[str, float]:
    """Cores used by each part between two samples, "rest of the machine" last, and "machine" (all of it)."""
    if before is None or after is None:
        return {}
    hertz, seconds = os.sysconf("SC_CLK_TCK"), after["time"] - before["time"]
    # A process whose parent is not ours and ended during the window takes its ticks with it: never below 0.
    used = {part: max(0.0, after[part] - before[part]) / hertz / seconds for part in after if part != "time"}
    machine = used.pop("machine")
    used["rest of the machine"] = max(0.0, machine - sum(used.values()))
    used["machine"] = machine
    return used
