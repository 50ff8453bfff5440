"""bench digest: build and hand every weekly digest to the mail backend, 10,000 users.

Generates 10,000 users with 24 contacts each (about 20 due: last interaction 1–3 cadences
ago, the rest recent), raises their reminders with the sweep, then times claiming every
user's week and building and sending every digest to Django's locmem backend, on a pool of
worker processes (one per core, as Celery's worker runs by default) that does what the Celery
workers do: the scheduler's batches (``due_batches``, what ``schedule_digests`` queues) are
claimed and built by the claim task's service (``claim_batch_and_queue``), several at once, and
each batch's sends (``send_batch_and_queue``, the batch send task's: a chunk of digests taken,
sent over one connection and recorded together) are queued to the same pool as soon as it has
committed.

In the same run it times a floor: the same number of messages, of the same size, rendered
with the same templates from prebuilt context dicts (real digests, built beforehand: no
database) and handed to the locmem backend by the same pool, chunk for chunk. ``ratio`` is
the total over the floor: what claiming, building, snapshots and the sends' queries cost on
top of rendering and handing over the mail (target: 2 or less).

    make bench-digest
    make bench-digest ARGS="--users 500"
"""

import argparse
import collections
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
    # digests go to verified addresses only (accounts.EmailVerification)
    """INSERT INTO accounts_emailverification (user_id, verified_email, verified_at, pending_email)
       SELECT u.id, u.email, %(now)s, '' FROM auth_user u""",
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
    from django.utils import timezone

    from contacts.cadence import refresh_cadence
    from contacts.models import Contact
    from followups.digest.batch_delivery import deliver_digests
    from followups.digest.schedule import CLAIM_BATCH, claim_due_digests, due_batches
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

    # where the time goes, for one in ten digests (BENCH_PROFILE=1, or a regular expression of the
    # functions to list, e.g. BENCH_PROFILE=followups)
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        FollowupPreferences.objects.filter(owner__username__regex=r"[1-9]$").update(digest_enabled=False)
        deliver_digests(log_ids=[claim.log_id for claim in claim_due_digests(now=now)])
        profiler.disable()
        only = [] if os.environ["BENCH_PROFILE"] == "1" else [os.environ["BENCH_PROFILE"]]
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(*only, 35)
        print("bench digest: profiled=1 (profile run only; rerun without BENCH_PROFILE for figures)")
        return

    # As in production: the scheduler splits everyone due into batches of one slot (one claim
    # task each); the workers (Celery's default concurrency is the number of cores) claim and
    # build them, several at once, and each batch's sends are queued to the same workers as soon
    # as it commits.
    #
    # The floor is timed just before and just after (the machine's load drifts; the mean of the
    # two brackets the run), by the same pool, in the same chunks as the sends: one per batch.
    due_owner_ids = list(
        FollowupPreferences.objects.filter(digest_enabled=True, next_digest_at__lte=now)
        .order_by("pk")
        .values_list("owner_id", flat=True)
    )
    contexts = _prebuilt_contexts(due_owner_ids[:: max(1, len(due_owner_ids) // 50)], now)
    floor_chunks = [(min(CLAIM_BATCH, len(due_owner_ids) - start), contexts)
                    for start in range(0, len(due_owner_ids), CLAIM_BATCH)]  # fmt: skip
    if os.environ.get("BENCH_SHOW_PARTS"):
        _time_parts()
    connections.close_all()  # the workers are forked now; each opens its own connection
    load_before = os.getloadavg()[0]
    from netcrm.celery import freeze_startup_objects  # what Celery's worker processes run as they start

    with multiprocessing.get_context("fork").Pool(args.workers, initializer=freeze_startup_objects) as pool:
        with Timer() as floor_before:
            floor_results_before = pool.map(floor_chunk, floor_chunks)
        with Timer() as total:
            batches = list(due_batches(now=now))  # the scheduler's part (schedule_digests)
            claiming = [pool.apply_async(claim_chunk, (owner_ids, now)) for owner_ids in batches]
            claimed, sending = [], []
            for result in claiming:
                claimed.append(result.get())
                sending.append(pool.apply_async(send_chunk, (claimed[-1][0],)))
            results = [result.get() for result in sending]
        with Timer() as floor_after:
            floor_results = pool.map(floor_chunk, floor_chunks)
    load_after = os.getloadavg()[0]
    floor_seconds = (floor_before.seconds + floor_after.seconds) / 2
    claims = [log_id for log_ids, _, _, _ in claimed for log_id in log_ids]
    claiming_seconds = sum(seconds for _, seconds, _, _ in claimed)
    claim_queries = sum(queries for _, _, queries, _ in claimed)
    per_send = [seconds for timings, _, _, _, _ in results for seconds in timings]
    sent = sum(count for _, count, _, _, _ in results)
    digests = max(1, len(claims))
    send_queries = sum(queries for _, _, queries, _, _ in results)
    sent_bytes = sum(size for _, _, _, size, _ in results) / max(1, sent)
    claim_parts = sum((parts for *_, parts in claimed), collections.Counter())
    send_parts = sum((parts for *_, parts in results), collections.Counter())
    _print_parts("claim", claim_parts, digests)
    _print_parts("send", send_parts, digests)
    floor_sent = sum(count for count, _, _ in floor_results)
    floor_bytes = sum(size for _, size, _ in floor_results) / max(1, floor_sent)
    cpu_ms = (claim_parts[WORKER_CPU] + send_parts[WORKER_CPU]) / digests * 1000
    # both floors, as floor_s
    floor_cpu_ms = sum(cpu for _, _, cpu in floor_results + floor_results_before) / max(1, 2 * floor_sent) * 1000
    queries_per_digest = (claim_queries + send_queries) / digests
    # A digest's cost: its share of the batched claim-and-build, plus its share of its batch's send (median).
    build_share_ms = claiming_seconds / digests * 1000
    median_ms = build_share_ms + statistics.median(per_send) * 1000
    print(
        f"claimed and built {len(claims)} digests in {len(batches)} batches, {claiming_seconds:.1f}s of worker "
        f"time, {claim_queries} queries ({build_share_ms:.2f} ms and {claim_queries / digests:.2f} queries per digest)"
    )
    print(
        f"sent {sent} with {args.workers} worker processes, a task per batch: a digest's share of its batch's "
        f"send median {statistics.median(per_send) * 1000:.2f} ms, "
        f"p95 {statistics.quantiles(per_send, n=20)[-1] * 1000:.2f} ms, "
        f"{send_queries / digests:.2f} queries each"
    )
    print(f"total {total.seconds:.1f}s, sends overlapping the next batch's build (target: under 60 s)")
    print(f"per digest {median_ms:.1f} ms (its share of the claim and build + of the send, median)")
    ratio = total.seconds / floor_seconds
    print(
        f"floor: {floor_sent} messages of {floor_bytes / 1000:.1f} KB (sent: {sent_bytes / 1000:.1f} KB) rendered "
        f"from prebuilt contexts and handed to locmem by the same pool in {floor_before.seconds:.1f}s before "
        f"and {floor_after.seconds:.1f}s after the run; total/floor {ratio:.2f} (target: 2 or less)"
    )
    print(
        f"worker CPU per digest {cpu_ms:.2f} ms (claim, build and send), floor {floor_cpu_ms:.2f} ms "
        f"(before and after the run): {cpu_ms / floor_cpu_ms:.2f}"
    )
    print(f"load average (1 min) {load_before:.1f} before, {load_after:.1f} after, on {os.cpu_count()} cores")
    print(
        f"bench digest: users={sent} total_s={total.seconds:.1f} per_digest_ms={median_ms:.1f} "
        f"queries_per_digest={queries_per_digest:.2f} floor_s={floor_seconds:.1f} ratio={ratio:.2f} "
        f"cpu_ratio={cpu_ms / floor_cpu_ms:.2f} load_1m={load_after:.1f}"
    )


def claim_chunk(owner_ids, now):
    """One worker process: what a ``claim_digest_batch`` task does (``claim_batch_and_queue``),
    its sends queued to this pool by the parent instead of to the broker."""
    from django.db import connection

    from followups.digest import jobs

    queries = 0

    def count_queries(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    jobs.queue_send_batch = lambda log_ids: True  # the parent queues the batch's sends to the pool
    PARTS.clear()
    started, cpu_started = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(count_queries):
        claims = jobs.claim_batch_and_queue(owner_ids=owner_ids, now=now)
    PARTS[WORKER_CPU] = time.process_time() - cpu_started
    return [claim.log_id for claim in claims], time.perf_counter() - started, queries, PARTS.copy()


def send_chunk(log_ids):
    """One worker process: what a ``send_digest_batch`` task does (``send_batch_and_queue``), to
    the locmem backend."""
    from django.core import mail
    from django.db import connection

    from followups.digest import jobs

    mail.outbox = []
    queries = 0

    sql_seconds = collections.Counter()

    def count_queries(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_seconds[sql[:90]] += time.perf_counter() - started

    jobs.queue_retry = jobs.queue_send_batch = lambda *args: True  # no broker here (and nothing to retry)
    PARTS.clear()
    started, cpu_started = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(count_queries):
        jobs.send_batch_and_queue(log_ids=log_ids)
    seconds = time.perf_counter() - started
    PARTS[WORKER_CPU] = time.process_time() - cpu_started
    if log_ids and os.environ.get("BENCH_SHOW_SAMPLE"):
        print(mail.outbox[0].body)
    if log_ids and os.environ.get("BENCH_SHOW_SQL"):  # database time per statement, per digest
        for sql, seconds in sql_seconds.most_common():
            print(f"{seconds / len(log_ids) * 1000:6.2f} ms  {sql}")
    sizes = sum(_message_bytes(message) for message in mail.outbox)
    return [seconds / max(1, len(log_ids))] * len(log_ids), len(mail.outbox), queries, sizes, PARTS.copy()


def _message_bytes(message) -> int:
    return len(message.body.encode()) + sum(len(content.encode()) for content, _ in message.alternatives)


def _prebuilt_contexts(owner_ids, now) -> list[tuple[dict, dict]]:
    """Real digests of a sample of the users, as the floor's template contexts and message headers."""
    import zoneinfo

    from followups.digest.content import build_digests
    from followups.digest.links import unsubscribe_url

    contents = build_digests(owner_ids=owner_ids, zone=zoneinfo.ZoneInfo("UTC"), now=now).values()
    return [
        (
            {"digest": content, "links": content.links()},
            {"subject": content.subject, "unsubscribe": unsubscribe_url(content.owner_id), "zone": content.zone},
        )
        for content in contents
    ]


def floor_chunk(chunk):
    """One worker process: render ``count`` digests from prebuilt contexts with the digest's
    templates and hand them to the locmem backend, as ``deliver_digest`` does, without a database."""
    from django.core import mail
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string
    from django.utils import timezone

    count, contexts = chunk
    mail.outbox = []
    cpu_started = time.process_time()
    for index in range(count):
        context, message_fields = contexts[index % len(contexts)]
        with timezone.override(message_fields["zone"]):
            text = render_to_string("followups/digest/email.txt", context)
            html = render_to_string("followups/digest/email.html", context)
        message = EmailMultiAlternatives(
            subject=message_fields["subject"],
            body=text,
            to=["floor@example.com"],
            headers={"List-Unsubscribe": f"<{message_fields['unsubscribe']}>",
                     "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        )  # fmt: skip
        message.attach_alternative(html, "text/html")
        message.send()
    cpu_seconds = time.process_time() - cpu_started
    return len(mail.outbox), sum(_message_bytes(message) for message in mail.outbox), cpu_seconds


# BENCH_SHOW_PARTS=1: wall time of the stages of a digest, per digest (nested stages overlap);
# always: the worker process's own CPU time (not the database's), steadier than wall time on a
# machine shared with other work.
PARTS = collections.Counter()
WORKER_CPU = "worker process CPU"
STAGES = [
    ("followups.digest.jobs", "claim_batch_and_queue"),
    ("followups.digest.schedule", "build_digests"),
    ("followups.digest.plan", "classifications"),
    ("followups.digest.plan", "top_contacts"),
    ("followups.digest.plan", "due_counts"),
    ("followups.digest.plan", "promises_due"),
    ("followups.digest.plan", "event_followups"),
    ("followups.digest.plan", "week_plan_entries"),
    ("followups.digest.plan", "dates_coming_up"),
    ("followups.digest.content", "unfinished_plan_items"),
    ("followups.digest.content", "_groups_and_counts"),
    ("followups.digest.snapshot", "DigestContent.to_snapshot"),
    ("followups.digest.snapshot", "DigestContent.from_snapshot"),
    ("followups.digest.batch_delivery", "take"),
    ("followups.digest.batch_delivery", "record_sent"),
    ("followups.digest.delivery", "render_digest"),
    ("django.core.mail.message", "EmailMessage.message"),
    ("django.core.mail.message", "EmailMessage.send"),
]


def _time_parts() -> None:
    import importlib

    for module_name, attribute in STAGES:
        owner = importlib.import_module(module_name)
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        original = owner.__dict__[name]
        wrapped = original.__func__ if isinstance(original, classmethod) else original

        def timed(*args, _original=wrapped, _label=attribute, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                PARTS[_label] += time.perf_counter() - started

        setattr(owner, name, classmethod(timed) if isinstance(original, classmethod) else timed)


def _print_parts(phase: str, parts: collections.Counter, digests: int) -> None:
    for name, seconds in parts.items():
        if seconds:
            print(f"  {phase}: {seconds / max(1, digests) * 1000:6.2f} ms  {name}")


if __name__ == "__main__":
    main()
