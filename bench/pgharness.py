"""Start and stop a throwaway PostgreSQL server (the project's one implementation).

Used by the benchmarks and by scripts/test.sh / scripts/bench.sh. Standard library only,
so it runs before (or without) the project's virtualenv.

The server lives entirely in one directory (data, unix socket, log, state file), listens
on 127.0.0.1 on a free port with trust authentication and fsync off, and is thrown away
by ``stop``. As root it runs as an unprivileged system user (``netcrm-pg``, else
``nobody``), because PostgreSQL refuses to run as root.

Python::

    from bench.pgharness import throwaway_postgres

    with throwaway_postgres() as url:  # postgres://netcrm@127.0.0.1:PORT/netcrm
        ...

    url = throwaway_database_url()  # started now, stopped when the process exits

Command line (``python bench/pgharness.py ...`` or ``python -m bench.pgharness ...``)::

    start --dir D     start a server in D (created; must not exist or be empty),
                      print its DATABASE_URL on stdout
    stop --dir D      stop that server and delete D
    run -- CMD ARGS   start a server, run CMD with DATABASE_URL set, stop it,
                      exit with CMD's exit code
    bindir            print the directory holding initdb/pg_ctl (exit 1 if none)
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

STATE_FILE = "pgharness.json"
DEFAULT_DB = "netcrm"
DEFAULT_SUPERUSER = "netcrm"
SYSTEM_USER = "netcrm-pg"
START_TIMEOUT = 60

# Tuned for throwaway test/benchmark data: durability off, nothing written twice.
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "log_min_messages": "warning",
    "log_line_prefix": "'%m [%p] '",
}


class PgHarnessError(RuntimeError):
    """The throwaway server could not be found, started or stopped."""


def log(message: str) -> None:
    print(f"pgharness: {message}", file=sys.stderr, flush=True)


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path))


def find_bindir() -> Path:
    """Where initdb and pg_ctl are: $PG_BINDIR, else PATH, else the newest Debian install."""
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    debian = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += [Path(p) for p in sorted(debian, key=_version_key, reverse=True)]
    for bindir in candidates:
        if all((bindir / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    raise PgHarnessError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in "
        "/usr/lib/postgresql/*/bin; install the Debian package 'postgresql' "
        "or set PG_BINDIR."
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ensure_system_user() -> str:
    """The unprivileged account that runs the server when we are root."""
    import pwd

    wanted = os.environ.get("PG_RUN_AS", SYSTEM_USER)
    try:
        pwd.getpwnam(wanted)
        return wanted
    except KeyError:
        pass
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    created = subprocess.run(
        [useradd, "--system", "--no-create-home", "--home-dir", "/nonexistent",
         "--shell", "/usr/sbin/nologin", wanted],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    if created.returncode == 0:
        return wanted
    log(f"could not create user {wanted!r} ({created.stderr.strip()}); using 'nobody'")
    return "nobody"


def _pg_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(LC_ALL="C", LANG="C")
    for name in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGDATA"):
        env.pop(name, None)
    return env


def _run(cmd: list[str], *, run_as: str | None, cwd: Path, check: bool = True):
    if run_as:
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        cmd = [runuser, "-u", run_as, "--", *cmd]
    result = subprocess.run(
        cmd,
        cwd=cwd,
        env=_pg_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise PgHarnessError(f"{' '.join(cmd)} failed ({result.returncode}):\n{output}")
    return result


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def start(
    base_dir: str | os.PathLike | None = None,
    *,
    dbname: str = DEFAULT_DB,
    superuser: str = DEFAULT_SUPERUSER,
    port: int | None = None,
) -> str:
    """Start a throwaway server in base_dir (a new temp dir if None); return its URL."""
    bindir = find_bindir()
    if base_dir is None:
        base = Path(tempfile.mkdtemp(prefix="netcrm-pg-"))
    else:
        base = Path(base_dir).absolute()
        if base.exists() and any(base.iterdir()):
            raise PgHarnessError(f"{base} exists and is not empty")
        base.mkdir(parents=True, exist_ok=True)
    data = base / "data"
    logfile = base / "postgres.log"
    run_as = _ensure_system_user() if os.geteuid() == 0 else None
    state = {
        "base": str(base),
        "bindir": str(bindir),
        "data": str(data),
        "run_as": run_as,
        "port": None,
        "url": None,
    }
    (base / STATE_FILE).write_text(json.dumps(state))
    try:
        if run_as:
            shutil.chown(base, user=run_as)
            base.chmod(0o700)
            reach = _run(["test", "-w", str(base)], run_as=run_as, cwd=Path("/"), check=False)
            if reach.returncode != 0:
                raise PgHarnessError(
                    f"user {run_as!r} cannot reach {base}; use a directory whose parents "
                    "are world-searchable (e.g. under /tmp)"
                )
        _run(
            [str(bindir / "initdb"), "-D", str(data), "-U", superuser, "--auth=trust",
             "--encoding=UTF8", "--no-locale", "--no-sync"],
            run_as=run_as,
            cwd=base,
        )  # fmt: skip
        settings = dict(SERVER_SETTINGS, unix_socket_directories=f"'{base}'")
        with open(data / "postgresql.conf", "a") as conf:
            conf.write("\n# netcrm throwaway server (bench/pgharness.py)\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

        attempts = [port] if port else [free_port() for _ in range(3)]
        for attempt, chosen in enumerate(attempts, 1):
            started = _run(
                [str(bindir / "pg_ctl"), "start", "-w", "-t", str(START_TIMEOUT),
                 "-D", str(data), "-l", str(logfile), "-o", f"-p {chosen}"],
                run_as=run_as,
                cwd=base,
                check=False,
            )  # fmt: skip
            if started.returncode == 0:
                port = chosen
                break
            if attempt == len(attempts) or "already in use" not in _tail(logfile):
                raise PgHarnessError(
                    f"pg_ctl start failed ({started.returncode}):\n"
                    f"{(started.stdout + started.stderr).strip()}\n"
                    f"--- {logfile} ---\n{_tail(logfile)}"
                )
            log(f"port {chosen} was taken, retrying")
        state["port"] = port
        (base / STATE_FILE).write_text(json.dumps(state))

        _wait_ready(bindir, port, superuser, logfile)
        _run(
            [str(bindir / "createdb") if (bindir / "createdb").is_file() else "createdb",
             "-h", "127.0.0.1", "-p", str(port), "-U", superuser, dbname],
            run_as=None,
            cwd=base,
        )  # fmt: skip
    except BaseException:
        stop(base)
        raise
    url = f"postgres://{superuser}@127.0.0.1:{port}/{dbname}"
    state["url"] = url
    (base / STATE_FILE).write_text(json.dumps(state))
    return url


def _wait_ready(bindir: Path, port: int, user: str, logfile: Path) -> None:
    isready = bindir / "pg_isready"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if isready.is_file():
            probe = [str(isready), "-q", "-h", "127.0.0.1", "-p", str(port), "-U", user]
            if subprocess.run(probe, env=_pg_env(), check=False).returncode == 0:
                return
        else:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", port), 1),
            ):
                return
        time.sleep(0.2)
    raise PgHarnessError(f"PostgreSQL on port {port} not ready:\n{_tail(logfile)}")


def _postmaster_pid(data: Path) -> int | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int((data / "postmaster.pid").read_text().splitlines()[0])
    return None


def stop(base_dir: str | os.PathLike, *, remove: bool = True) -> None:
    """Stop the server started in base_dir and (by default) delete base_dir."""
    base = Path(base_dir).absolute()
    state_path = base / STATE_FILE
    if not state_path.is_file():
        if base.exists():
            log(f"{base} holds no throwaway server (no {STATE_FILE}); leaving it alone")
        return
    state = json.loads(state_path.read_text())
    bindir, data, run_as = Path(state["bindir"]), Path(state["data"]), state["run_as"]
    if (data / "postmaster.pid").exists():
        for mode in ("fast", "immediate"):
            stopped = _run(
                [
                    str(bindir / "pg_ctl"),
                    "stop",
                    "-w",
                    "-t",
                    "20",
                    "-m",
                    mode,
                    "-D",
                    str(data),
                ],
                run_as=run_as,
                cwd=Path("/"),
                check=False,
            )
            if stopped.returncode == 0:
                break
        else:
            pid = _postmaster_pid(data)
            if pid:
                log(f"pg_ctl stop failed; killing postmaster {pid}")
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
    if remove:
        shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """Turn SIGTERM into SystemExit so cleanup code runs (main thread only)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    if previous in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        if previous in (signal.SIG_DFL, None):
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def throwaway_postgres(dbname: str = DEFAULT_DB, **kwargs) -> Iterator[str]:
    """Start a throwaway server, yield its DATABASE_URL, stop and delete it afterwards."""
    base = Path(tempfile.mkdtemp(prefix="netcrm-pg-"))
    with _sigterm_as_exit():
        try:
            yield start(base, dbname=dbname, **kwargs)
        finally:
            stop(base)


def throwaway_database_url(dbname: str = DEFAULT_DB, **kwargs) -> str:
    """Start a throwaway server now; it is stopped when this Python process exits."""
    base = Path(tempfile.mkdtemp(prefix="netcrm-pg-"))
    atexit.register(stop, base)
    return start(base, dbname=dbname, **kwargs)


def _cmd_run(command: list[str], dbname: str) -> int:
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        raise PgHarnessError("run needs a command: run -- CMD [ARGS...]")
    with throwaway_postgres(dbname) as url:
        log(f"DATABASE_URL={url}")
        child = subprocess.Popen(command, env=dict(os.environ, DATABASE_URL=url))
        try:
            return child.wait()
        except BaseException:
            child.terminate()
            child.wait()
            raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_start = sub.add_parser("start", help="start a server in DIR, print its DATABASE_URL")
    p_start.add_argument("--dir", required=True)
    p_start.add_argument("--db", default=DEFAULT_DB)
    p_start.add_argument("--port", type=int)
    p_stop = sub.add_parser("stop", help="stop the server in DIR and delete DIR")
    p_stop.add_argument("--dir", required=True)
    p_stop.add_argument("--keep", action="store_true", help="do not delete DIR")
    p_run = sub.add_parser("run", help="run a command with DATABASE_URL set")
    p_run.add_argument("--db", default=DEFAULT_DB)
    p_run.add_argument("cmd", nargs=argparse.REMAINDER)
    sub.add_parser("bindir", help="print where initdb/pg_ctl are")
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            print(start(args.dir, dbname=args.db, port=args.port), flush=True)
        elif args.command == "stop":
            stop(args.dir, remove=not args.keep)
        elif args.command == "run":
            return _cmd_run(args.cmd, args.db)
        elif args.command == "bindir":
            print(find_bindir())
    except PgHarnessError as exc:
        log(f"error: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
