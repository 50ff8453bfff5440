"""bench load: fifty people at once on gunicorn + PostgreSQL + Redis, as docker-compose.yml runs it.

Generates 50 accounts of 200 contacts each (contacts.demo, set-based), collects the static
files (WhiteNoise), starts gunicorn on loopback with the compose file's worker count
(WEB_CONCURRENCY) and production settings (DEBUG=0, a SECRET_KEY; SSL redirect and secure
cookies off for plain HTTP), then runs the swarm (bench/load/swarm.py, locust headless) in a
subprocess: everyone logs in at once (not measured), then 60 s of the mix (dashboard,
contacts list and search, contact pages, logging an interaction through the contact page's
form, follow-ups, plan), then 30 s of a trivial login-required page (the password change
form) under the same people and think time: the baseline. Prints p50/p95 per endpoint,
checks every interaction whose POST got the success redirect is a row in PostgreSQL, and
ends with the key line. Every process it starts is stopped on the way out, however it ends.

    make bench-load
    make bench-load ARGS="--users 10 --mix-seconds 20"
"""

# bench-needs: redis static
# (scripts/bench.sh starts a throwaway Redis and installs the npm assets collectstatic reads)

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
from pathlib import Path

from bench._django import Timer
from bench.load import processes
from bench.load.report import Figures, alone, print_endpoints

SERVER_ENV = {
    "DEBUG": "0",
    "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback, as the compose file's default
    "SECURE_COOKIES": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "LOG_LEVEL": "WARNING",
}
TARGET_RATIO = 3


def _sigterm_as_exit(signum, frame):
    raise SystemExit(128 + signum)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--contacts", type=int, default=200, help="contacts per account")
    parser.add_argument("--mix-seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=30)
    parser.add_argument("--think-seconds", default="1-3", help="pause between a person's clicks, MIN-MAX")
    parser.add_argument("--workers", type=int, default=processes.compose_web_concurrency())
    args = parser.parse_args()
    think = re.fullmatch(r"(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)", args.think_seconds)
    if not think or float(think.group(1)) > float(think.group(2)):
        parser.error("--think-seconds: MIN-MAX in seconds, e.g. 1-3")
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("bench load needs REDIS_URL: run it with `make bench-load` (it starts a throwaway Redis).")
    signal.signal(signal.SIGTERM, _sigterm_as_exit)  # so the finally blocks stop gunicorn

    data_dir = Path(os.environ["NETCRM_DATA_DIR"])
    out_dir = Path(os.environ.get("NETCRM_BENCH_OUT", data_dir))
    os.environ.update(SERVER_ENV, STATIC_ROOT=str(data_dir / "static"))
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    from bench._django import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection, connections

    from bench.load.people import generate

    with Timer() as generating:
        people = generate(args.users, args.contacts)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    with Timer() as collecting:
        call_command("collectstatic", interactive=False, verbosity=0)
    print(
        f"{args.users} accounts of {args.contacts} contacts in {generating.seconds:.1f}s; "
        f"static files collected in {collecting.seconds:.1f}s"
    )
    costs = alone(people[0])
    connections.close_all()

    port = processes.free_port()
    server_log = out_dir / "load-gunicorn.log"
    server_log.write_bytes(b"")
    (out_dir / "load-access.log").write_bytes(b"")
    env = dict(os.environ)
    command = processes.gunicorn_command(port=port, workers=args.workers, access_log=out_dir / "load-access.log")
    with processes.running(command, env=env, log=server_log) as gunicorn:
        processes.wait_until_serving(gunicorn, port, log=server_log)
        print(f"gunicorn: {args.workers} workers (docker-compose.yml WEB_CONCURRENCY) on 127.0.0.1:{port}")
        result = run_swarm(args, people, port, gunicorn.pid, data_dir, out_dir)
        if gunicorn.poll() is not None:
            raise SystemExit(f"bench load: gunicorn died during the run ({gunicorn.returncode}); see {server_log}")

    figures = Figures.from_result(result, stored_markers=stored_markers(), workers=args.workers)
    print_endpoints(figures, costs)
    print(
        f"p95 ratio mix/baseline: {figures.p95_ratio:.2f} (target <= {TARGET_RATIO}); "
        f"failures {figures.failures} (target 0); lost {figures.lost} (target 0)"
    )
    print(
        f"p95 ratio mix/baseline page taken during the mix (both under the mix's load): "
        f"{figures.mix_baseline_ratio:.2f}"
    )
    print(
        f"bench load: users={args.users} requests={figures.requests} failures={figures.failures} "
        f"lost={figures.lost} p50_ms={figures.p50_ms:.0f} p95_ms={figures.p95_ms:.0f} "
        f"baseline_p95_ms={figures.baseline_p95_ms:.0f} p95_ratio={figures.p95_ratio:.2f} "
        f"mix_baseline_p95_ms={figures.mix_baseline_p95_ms:.0f} mix_baseline_ratio={figures.mix_baseline_ratio:.2f}"
    )


def run_swarm(args, people, port, server_pid, data_dir: Path, out_dir: Path) -> dict:
    plan_path, result_path = data_dir / "swarm-plan.json", out_dir / "load-result.json"
    minimum, maximum = (float(part) for part in args.think_seconds.split("-"))
    login_timeout = 60 + 2 * args.users  # each login hashes a password on a busy worker
    plan = {
        "host": f"http://127.0.0.1:{port}",
        "server_pid": server_pid,
        "postgres_pid": postgres_pid(),
        "people": [vars(person) for person in people],
        "wait_min_s": minimum,
        "wait_max_s": maximum,
        "login_timeout_s": login_timeout,
        "mix_s": args.mix_seconds,
        "baseline_s": args.baseline_seconds,
    }
    plan_path.write_text(json.dumps(plan))
    print(f"swarm: {args.users} people log in at once, then {args.mix_seconds:.0f}s of the mix,")
    print(f"       then {args.baseline_seconds:.0f}s of the baseline page; {args.think_seconds}s between clicks")
    sys.stdout.flush()
    bound = login_timeout + args.mix_seconds + args.baseline_seconds + 60
    command = [sys.executable, "-m", "bench.load.swarm", str(plan_path), str(result_path)]
    with processes.running(command, env=dict(os.environ), log=out_dir / "load-swarm.log") as swarm:
        try:
            swarm.wait(bound)
        except subprocess.TimeoutExpired as error:
            raise SystemExit(f"bench load: the swarm did not finish within {bound:.0f}s") from error
    if swarm.returncode != 0 or not result_path.exists():
        raise SystemExit(f"bench load: the swarm failed ({swarm.returncode}); see {out_dir / 'load-swarm.log'}")
    result = json.loads(result_path.read_text())
    if result["login_failed"] or result["logged_in"] != args.users:
        failed = "; ".join(result["login_failed"][:5]) or "timed out"
        raise SystemExit(f"bench load: {result['logged_in']}/{args.users} people logged in ({failed})")
    print(f"login burst: {args.users} people logged in within {result['login_s']}s (not measured)")
    return result


def postgres_pid() -> int | None:
    """The throwaway server's postmaster, to see how busy PostgreSQL was (None if unreadable)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        data_directory = Path(cursor.fetchone()[0])
    connection.close()
    try:
        return int((data_directory / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def stored_markers() -> set[str]:
    from contacts.models import Interaction

    summaries = Interaction.objects.filter(summary__contains="[load ").values_list("summary", flat=True)
    return {found.group(0) for summary in summaries if (found := re.search(r"\[load [^\]]+\]", summary))}


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # the finally blocks have stopped what was started
        sys.exit("bench load: interrupted")
