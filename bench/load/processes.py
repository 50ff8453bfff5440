"""The processes the load bench starts: gunicorn as docker-compose.yml runs it, and the swarm.

Each runs in its own session (process group) and is told to die with the bench (Linux
PR_SET_PDEATHSIG), and ``stop`` ends the whole group: TERM, then KILL after a grace period.
"""

from __future__ import annotations

import contextlib
import ctypes
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
PR_SET_PDEATHSIG = 1


def compose_web_concurrency() -> int:
    """The gunicorn worker count docker-compose.yml gives the web service (its default)."""
    text = COMPOSE_FILE.read_text()
    found = re.search(r"^\s*WEB_CONCURRENCY:\s*\$\{WEB_CONCURRENCY:-(\d+)\}", text, re.MULTILINE)
    if not found:
        raise SystemExit(f"bench load: no WEB_CONCURRENCY: ${{WEB_CONCURRENCY:-N}} in {COMPOSE_FILE}")
    return int(found.group(1))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM when the bench process goes away, however it ends."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start(cmd: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )


def stop(process: subprocess.Popen, *, grace: float = 15) -> None:
    """End the process and everything in its group (gunicorn's workers); never raises."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(grace)
    # Workers left behind by a master that died first are still in its group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(5)


@contextlib.contextmanager
def running(cmd: list[str], *, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    process = start(cmd, env=env, log=log)
    try:
        yield process
    finally:
        stop(process)


def gunicorn_command(*, port: int, workers: int, access_log: Path) -> list[str]:
    # docker-compose.yml's web command, on loopback; WEB_CONCURRENCY is the worker count.
    return [
        sys.executable, "-m", "gunicorn", "netcrm.wsgi",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--access-logfile", str(access_log),
    ]  # fmt: skip


def wait_until_serving(process: subprocess.Popen, port: int, *, log: Path, timeout: float = 60) -> None:
    """Until the login page answers 200 (each worker has imported Django by then, or soon)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench load: gunicorn exited ({process.returncode}); see {log}")
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/accounts/login/")
            if connection.getresponse().status == 200:
                return
        time.sleep(0.3)
    raise SystemExit(f"bench load: gunicorn did not serve /accounts/login/ within {timeout:.0f}s; see {log}")
