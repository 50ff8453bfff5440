"""bench dashboard: the outreach dashboard for one user with 10,000 contacts, vs a trivial page.

Generates one user with 10,000 contacts over six classifications, two years of interactions
(some with contributions), reminders raised by the sweep, promises, a week plan and events.
Then, in the same run and through Django's test client, times the dashboard and a minimal
login-required view that renders a trivial template, and prints the medians and the ratios.
The dashboard's body is cached (in Redis, as in production) per session and day with the data
version it was rendered from, so a repeat visit is measured, and so is a visit right after a
write (rendered afresh): before each such visit an
interaction is logged with the first person of today's list through followups.services, as
the user would from the dashboard (not timed), so the page renders changed data. The key
line's ``ratio`` is the repeat visit's, ``rendered_ratio`` the other's. ``BENCH_SHOW_PARTS=1``
adds, for the visits after a write, the time of each piece of the dashboard's context and of
each query. The CPU time of each visit (this process and its PostgreSQL backend) is printed
too, with its ratio: on a shared machine it does not hold the waits for a core.

    make bench-dashboard
    make bench-dashboard ARGS="--contacts 1000"
"""

# bench-needs: redis
import argparse
import collections
import datetime
import inspect
import os
import random
import statistics
import time

from bench._django import setup_django

BASELINE_TEMPLATE = "<!doctype html><title>ok</title><p>Hello {{ user.get_username }}</p>"


def baseline(request):
    """The yardstick: login required (by the middleware), a session, a user, a trivial template."""
    from django.http import HttpResponse
    from django.template import engines

    return HttpResponse(engines["django"].from_string(BASELINE_TEMPLATE).render({"user": request.user}, request))


def build_urlconf():
    from django.urls import path

    import netcrm.urls

    return [*netcrm.urls.urlpatterns, path("bench-baseline/", baseline)]


def __getattr__(name):
    # Django imports this module as ROOT_URLCONF (a second copy besides __main__), once set up.
    if name == "urlpatterns":
        return build_urlconf()
    raise AttributeError(name)


def generate(contacts: int, seed: int = 11):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from contacts.cadence import refresh_cadence
    from contacts.models import Contact, Interaction
    from contacts.services import create_starter_classifications
    from followups.models import Commitment, WeekPlanEntry
    from followups.sweep import run_sweep
    from strategy.models import Event, PersonMet

    rng = random.Random(seed)
    now = timezone.now()
    user = get_user_model().objects.create_user("bench", "bench@example.com", "bench-password-1")
    classifications = create_starter_classifications(owner=user)
    people = Contact.objects.bulk_create(
        Contact(
            owner=user,
            first_name=f"First{n}",
            last_name=f"Last{n}",
            company=f"Company {n % 300}",
            classification=classifications[n % len(classifications)],
            created_at=now - datetime.timedelta(days=rng.randint(30, 730)),
        )
        for n in range(contacts)
    )
    interactions = []
    for contact in people:
        for _ in range(rng.choice([1, 2, 3, 4])):
            direction = rng.choice(["", "", "", "given", "received"])
            interactions.append(
                Interaction(
                    owner=user,
                    contact=contact,
                    occurred_at=now - datetime.timedelta(days=rng.randint(0, 400), hours=rng.randint(0, 23)),
                    summary="Talked about their project",
                    next_step="Send the article",
                    contribution_direction=direction,
                    contribution_kind="advice" if direction else "",
                )
            )
    Interaction.objects.bulk_create(interactions, batch_size=5000)
    refresh_cadence(Contact.objects.for_user(user))
    run_sweep(now=now)
    Commitment.objects.bulk_create(
        Commitment(owner=user, contact=c, description="Send the deck", due_on=now.date(), due_at=now)
        for c in people[:40]
    )
    monday = now.date() - datetime.timedelta(days=now.weekday())
    WeekPlanEntry.objects.bulk_create(WeekPlanEntry(owner=user, contact=c, week_starting=monday) for c in people[:8])
    for offset in (-10, -3, 5, 12):
        day = now.date() + datetime.timedelta(days=offset)
        start = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
        event = Event.objects.create(
            owner=user, name=f"Meetup {offset}", held_on=day, starts_at=start,
            follow_up_due_at=start + datetime.timedelta(days=3), attended=offset < 0,
        )  # fmt: skip
        if offset < 0:
            PersonMet.objects.bulk_create(PersonMet(event=event, contact=c) for c in people[100:103])
    run_sweep(now=now)
    return user, len(interactions)


def log_with_first_of_today(user):
    """The write before each rendered visit: "Log…" on the first row of today's list."""
    from django.utils import timezone

    from followups import services
    from followups.dashboard.selectors import Day, todays_outreach

    (first,) = todays_outreach(owner=user, day=Day.of(timezone.now(), timezone.get_current_timezone()), size=1)
    services.log_interaction(contact=first, summary="Caught up on their project", next_step="Send the article")


# CPU time, besides the wall clock: on a machine shared with other work, the wall clock of a
# request holds the time it waited for a core (this process's, and PostgreSQL's for each
# query); the CPU time of this process and of its PostgreSQL backend does not. Read from
# /proc/PID/schedstat (nanoseconds; PostgreSQL runs on this machine).
CPU_MS: dict[str, float] = {}


def _backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _cpu_seconds(backend_pid: int) -> float:
    with open(f"/proc/{backend_pid}/schedstat") as schedstat:
        backend = int(schedstat.read().split()[0]) / 1e9
    return time.process_time() + backend


def median_ms(client, url: str, runs: int, before_each=None, label: str | None = None) -> float:
    for _ in range(3):
        assert client.get(url).status_code == 200
    backend_pid = _backend_pid()
    timings, cpu = [], []
    for _ in range(runs):
        if before_each:
            before_each()
        cpu_started, started = _cpu_seconds(backend_pid), time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        cpu.append(_cpu_seconds(backend_pid) - cpu_started)
        assert response.status_code == 200
    if label:
        CPU_MS[label] = statistics.median(cpu) * 1000
    return statistics.median(timings) * 1000


# BENCH_SHOW_PARTS=1: for the visits right after a write, the wall time of each piece of the
# dashboard's context and of its rendering (nested pieces overlap), and the time of each query
# (its round trip through the driver), per visit.
PARTS = collections.Counter()
IN_REQUEST = False
QUERY_SECONDS = collections.Counter()
QUERY_CALLS = collections.Counter()
EXTRA_PARTS = [
    ("followups.dashboard.views", "home"),
    ("followups.dashboard.views", "render"),
    ("followups.dashboard.views", "stamp_and_get"),
    ("followups.dashboard.views", "_csrf_fingerprint"),
    ("followups.dashboard.views", "_dashboard_context"),
    ("followups.dashboard.views", "render_to_string"),
    ("followups.dashboard.cards", "dashboard_cards"),
    ("followups.dashboard.pg_body", "body"),
    ("followups.dashboard.pg_reads", "classifications_and_counts_of"),
    ("followups.dashboard.pg_reads", "todays_outreach_of"),
    ("followups.dashboard.pg_reads", "plan_summary_of"),
    ("followups.services", "preferences_for"),
    ("followups.templatetags.reminder_health", "job_status"),
]


def _time_parts() -> None:
    """Wrap every function of the dashboard's module, and a few others, to add up their time."""
    import importlib

    dashboard = importlib.import_module("followups.dashboard.selectors")
    targets = [
        (dashboard, name)
        for name, value in vars(dashboard).items()
        if inspect.isfunction(value) and value.__module__ == dashboard.__name__
    ]
    for module_name, name in EXTRA_PARTS:
        module = importlib.import_module(module_name)
        if name in vars(module):
            targets.append((module, name))
    for module, name in targets:
        original = getattr(module, name)
        label = f"{module.__name__.rsplit('.', 1)[-1]}.{name}"

        def timed(*args, _original=original, _label=label, **kwargs):
            if not IN_REQUEST:  # the write before the visit reads today's list too
                return _original(*args, **kwargs)
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                PARTS[_label] += time.perf_counter() - started

        setattr(module, name, timed)


def _time_query(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        QUERY_SECONDS[sql] += time.perf_counter() - started
        QUERY_CALLS[sql] += 1


def _print_parts(visits: int) -> None:
    print(f"per visit right after a write (mean of {visits}):")
    for label, seconds in PARTS.most_common():
        print(f"  {seconds / visits * 1000:6.2f} ms  {label}")
    queries = sum(QUERY_CALLS.values()) / visits
    print(f"  {sum(QUERY_SECONDS.values()) / visits * 1000:6.2f} ms  all {queries:.0f} queries, each:")
    for sql, seconds in QUERY_SECONDS.most_common():
        print(f"  {seconds / QUERY_CALLS[sql] * 1000:6.2f} ms  {' '.join(sql.split())[:150]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    setup_django()

    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    user, interaction_count = generate(args.contacts)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"one user with {args.contacts} contacts and {interaction_count} interactions")

    plain_static = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # HTTPS as in production (DEBUG is off, so plain HTTP would be redirected).
    with override_settings(ROOT_URLCONF="bench.dashboard", STORAGES=plain_static, SECURE_SSL_REDIRECT=False):
        client = Client()
        client.force_login(user)
        dashboard_ms = median_ms(client, "/", args.runs)
        baseline_ms = median_ms(client, "/bench-baseline/", args.runs, label="baseline")
        dashboard_ms = min(dashboard_ms, median_ms(client, "/", args.runs))  # same warm state for both
        # Every visit after a write renders afresh: time that too (an interaction logged before each).
        # (Not taking turns with the baseline: a trivial request right after a heavy one runs
        # slower, which would flatter the ratio.)
        uncached_ms = median_ms(
            client, "/", args.runs, before_each=lambda: log_with_first_of_today(user), label="rendered"
        )
        if os.environ.get("BENCH_SHOW_PARTS"):  # after the timed runs: the wrappers cost time too
            _time_parts()
            global IN_REQUEST
            for _ in range(args.runs):
                log_with_first_of_today(user)
                IN_REQUEST = True
                with connection.execute_wrapper(_time_query):
                    client.get("/")
                IN_REQUEST = False
            _print_parts(args.runs)
        log_with_first_of_today(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/")
        with CaptureQueriesContext(connection) as cached_queries:
            client.get("/")
    today = response.content.decode().count('id="outreach-')
    if os.environ.get("BENCH_SHOW_QUERIES"):  # the rendered visit's queries, slowest first
        for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"])):
            print(f"{float(query['time']) * 1000:7.1f} ms  {query['sql'][:150]}")
    if os.environ.get("BENCH_SHOW_PAGE"):
        print(response.status_code, response.content.decode()[:3000])
    ratio = dashboard_ms / baseline_ms
    print(f"dashboard, repeat visit (cached body): median {dashboard_ms:.1f} ms, {len(cached_queries)} queries")
    print(f"dashboard right after a write (rendered): median {uncached_ms:.1f} ms, {len(queries)} queries")
    print(f"  ({today} people in today's outreach; {args.runs} requests each)")
    print(f"baseline (login-required trivial template): median {baseline_ms:.1f} ms")
    cpu_ratio = CPU_MS["rendered"] / CPU_MS["baseline"]
    print(
        f"CPU time (this process and its PostgreSQL backend), median: right after a write "
        f"{CPU_MS['rendered']:.1f} ms, baseline {CPU_MS['baseline']:.1f} ms, ratio {cpu_ratio:.2f}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"ratio dashboard/baseline: {ratio:.2f} repeat visit (target: <= 3), "
        f"{uncached_ms / baseline_ms:.2f} rendered (target: <= 10)"
    )
    print(
        f"bench dashboard: contacts={args.contacts} dashboard_ms={dashboard_ms:.1f} "
        f"baseline_ms={baseline_ms:.1f} ratio={ratio:.2f} queries={len(cached_queries)} "
        f"rendered_queries={len(queries)} "
        f"rendered_ms={uncached_ms:.1f} rendered_ratio={uncached_ms / baseline_ms:.2f} "
        f"rendered_cpu_ms={CPU_MS['rendered']:.1f} baseline_cpu_ms={CPU_MS['baseline']:.1f} "
        f"rendered_cpu_ratio={cpu_ratio:.2f} load_1m={os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
