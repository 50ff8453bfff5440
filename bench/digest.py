"""bench digest: build and hand every weekly digest to the mail backend, 10,000 users.

Generates 10,000 users with 24 contacts each (about 20 due: last interaction 1–3 cadences
ago, the rest recent), raises their reminders with the sweep, then times claiming every
user's week and building and sending every digest to Django's locmem backend, shared by a
pool of worker processes (one per core, as Celery's worker runs by default).

    make bench-digest
    make bench-digest ARGS="--users 500"
"""

import argparse
import multiprocessing
import os
import statistics
import time

from bench._django import Timer, setup_django

GENERATE = [
    """INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                              is_active, date_joined)
       SELECT '!', false, 'bench' || u, '', '', 'bench' || u || '@example.com', false, true, %(now)s
       FROM generate_series(1, %(users)s) u""",
    """INSERT INTO contacts_classification (owner_id, name, contact_every_days, message_guidance,
                                            preferred_channel, is_business, display_order)
       SELECT u.id, (ARRAY['Inner circle', 'Clients', 'Prospects', 'Collaborators'])[g],
              (ARRAY[14, 30, 21, 45])[g], 'Ask about their project; offer an intro.', '', true, g
       FROM auth_user u CROSS JOIN generate_series(1, 4) g""",
    """INSERT INTO contacts_contact (owner_id, first_name, last_name, company, job_title, location, linkedin_url,
                                     website_url, how_we_met, where_we_met, notes, classification_id,
                                     created_at, updated_at)
       SELECT u.id, 'First' || n, 'Last' || n, 'Company ' || n, '', '', '', '', '', '', '',
              (SELECT c.id FROM contacts_classification c WHERE c.owner_id = u.id
               ORDER BY c.display_order OFFSET (n %% 4) LIMIT 1),
              %(now)s - interval '400 days', %(now)s
       FROM auth_user u CROSS JOIN generate_series(1, %(contacts)s) n""",
    # most contacts were last seen 1–3 cadences ago (due), every sixth one last week
    """INSERT INTO contacts_interaction (owner_id, contact_id, occurred_at, kind, summary, notes, next_step,
                                         contribution_direction, contribution_kind, created_at)
       SELECT c.owner_id, c.id,
              CASE WHEN random() < 1.0 / 6 THEN %(now)s - interval '3 days'
                   ELSE %(now)s - (1 + 2 * random()) * cl.contact_every_days * interval '1 day' END,
              'meeting', 'Talked about their new project', '', 'Send the article on hiring',
              CASE WHEN c.id %% 9 = 0 THEN 'given' ELSE '' END,
              CASE WHEN c.id %% 9 = 0 THEN 'advice' ELSE '' END, %(now)s
       FROM contacts_contact c JOIN contacts_classification cl ON cl.id = c.classification_id""",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--contacts", type=int, default=24, help="contacts per user")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="sending processes")
    args = parser.parse_args()
    setup_django()

    from django.conf import settings
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from contacts.cadence import refresh_cadence
    from contacts.models import Contact
    from followups.digest.delivery import deliver_digest
    from followups.digest.schedule import claim_due_digests
    from followups.models import FollowupPreferences
    from followups.services import create_missing_preferences
    from followups.sweep import run_sweep

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    now = timezone.now()
    with Timer() as generating, connection.cursor() as cursor:
        for statement in GENERATE:
            cursor.execute(statement, {"now": now, "users": args.users, "contacts": args.contacts})
    refresh_cadence(Contact.objects.all())
    run_sweep(now=now)
    create_missing_preferences()
    FollowupPreferences.objects.update(next_digest_at=now)  # everyone's slot has just passed
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    due = Contact.objects.filter(next_due_at__lte=now).count()
    print(f"generated {args.users} users, {due / args.users:.1f} due contacts each, in {generating.seconds:.1f}s")

    if os.environ.get("BENCH_PROFILE"):  # where the time goes, for one in ten digests
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for claim in claim_due_digests(now=now)[: max(1, args.users // 10)]:
            deliver_digest(log_id=claim.log_id)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
        print("bench digest: profiled=1 (profile run only; rerun without BENCH_PROFILE for figures)")
        return

    # As in production, the claims are made once and the sends are shared by a pool of worker
    # processes (Celery's default concurrency is the number of cores).
    with Timer() as total:
        with CaptureQueriesContext(connection) as claim_queries:  # a few per group of users
            claims = claim_due_digests(now=now)
        connections.close_all()  # each worker process opens its own connection
        chunks = [[c.log_id for c in claims[i :: args.workers]] for i in range(args.workers)]
        with multiprocessing.get_context("fork").Pool(args.workers) as pool:
            results = pool.map(send_chunk, chunks)
    per_digest = [seconds for timings, _, _ in results for seconds in timings]
    sent = sum(count for _, count, _ in results)
    queries_per_digest = sum(queries for _, _, queries in results) / max(1, len(claims))
    median_ms = statistics.median(per_digest) * 1000
    print(f"claimed {len(claims)} weeks in {len(claim_queries)} queries; {args.workers} worker processes")
    print(f"sent {sent} digests in {total.seconds:.1f}s (claims included)")
    print(f"per digest: median {median_ms:.1f} ms, p95 {statistics.quantiles(per_digest, n=20)[-1] * 1000:.1f} ms")
    print(f"queries per digest (claim excluded): {queries_per_digest:.1f}   (target: total under 60 s)")
    print(
        f"bench digest: users={sent} total_s={total.seconds:.1f} per_digest_ms={median_ms:.1f} "
        f"queries_per_digest={queries_per_digest:.0f}"
    )


def send_chunk(log_ids):
    """One worker process: deliver these claimed digests to the locmem backend."""
    from django.core import mail
    from django.db import connection

    from followups.digest.delivery import deliver_digest

    mail.outbox = []
    timings = []
    queries = 0

    def count_queries(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count_queries):
        for log_id in log_ids:
            started = time.perf_counter()
            deliver_digest(log_id=log_id)
            timings.append(time.perf_counter() - started)
    if log_ids and os.environ.get("BENCH_SHOW_SAMPLE"):
        print(mail.outbox[0].body)
    return timings, len(mail.outbox), queries


if __name__ == "__main__":
    main()
