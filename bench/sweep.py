"""bench sweep: the reminder sweep over 1,000 users x 1,000 contacts vs one hand-written SQL.

Generates the network in SQL (users, six classifications each, contacts added over two
years, a last interaction for most of them spread over the last 1.5 cadences), brings every
stored due moment up to date with the app's own refresh_cadence, then in the same run times
(a) the hand-written INSERT … SELECT and (b) the app's sweep, alternately and twice each from
an empty reminder table (the best of each is compared), and (c) the app's sweep once more,
which must raise 0.

    make bench-sweep                       # 1,000 x 1,000
    make bench-sweep ARGS="--users 100"    # smaller, for a quick look
"""

import argparse
import datetime

from bench._django import Timer, setup_django

# What a DBA would write by hand. The candidates are gathered completely (sorted) before the
# insert, as in the app: otherwise PostgreSQL's nested-loop anti-join rescans the pages being
# filled (quadratic).
HAND_WRITTEN_SWEEP = """
WITH candidates AS MATERIALIZED (
  SELECT c.owner_id, c.id, c.next_due_at
  FROM contacts_contact c
  WHERE c.next_due_at <= %(now)s
    AND NOT EXISTS (
      SELECT 1 FROM followups_reminder r
      WHERE r.contact_id = c.id AND r.kind = 'cadence' AND r.commitment_id IS NULL
        AND (r.state IN ('open', 'snoozed') OR r.due_at >= c.next_due_at)))
INSERT INTO followups_reminder (owner_id, contact_id, kind, state, due_at, message, commitment_id, created_at)
SELECT owner_id, id, 'cadence', 'open', next_due_at, '', NULL, %(now)s FROM candidates ORDER BY id
ON CONFLICT DO NOTHING
"""

GENERATE = [
    # users
    """INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                              is_active, date_joined)
       SELECT '!', false, 'bench' || u, '', '', 'bench' || u || '@example.com', false, true, %(now)s
       FROM generate_series(1, %(users)s) u""",
    # six classifications per user: 14, 30, 21, 45, 90 days and one with no frequency
    """INSERT INTO contacts_classification (owner_id, name, contact_every_days, message_guidance,
                                            preferred_channel, is_business, display_order)
       SELECT u.id, 'Group ' || g, (ARRAY[14, 30, 21, 45, 90, NULL])[g], 'Say hello', '', g <> 5, g
       FROM auth_user u CROSS JOIN generate_series(1, 6) g WHERE u.username LIKE 'bench%%'""",
    # contacts added over the last two years, spread over the classifications
    """INSERT INTO contacts_contact (owner_id, first_name, last_name, company, job_title, location, linkedin_url,
                                     website_url, how_we_met, where_we_met, notes, classification_id,
                                     created_at, updated_at)
       SELECT u.id, 'First' || n, 'Last' || n, '', '', '', '', '', '', '', '',
              (SELECT c.id FROM contacts_classification c WHERE c.owner_id = u.id
               ORDER BY c.display_order OFFSET (n %% 6) LIMIT 1),
              %(now)s - (random() * interval '730 days'), %(now)s
       FROM auth_user u CROSS JOIN generate_series(1, %(contacts)s) n WHERE u.username LIKE 'bench%%'""",
    # a last interaction for 90%% of contacts, somewhere in the last 1.5 cadences (or year)
    """INSERT INTO contacts_interaction (owner_id, contact_id, occurred_at, kind, summary, notes, next_step,
                                         contribution_direction, contribution_kind, created_at)
       SELECT c.owner_id, c.id,
              GREATEST(c.created_at,
                       %(now)s - random() * 1.5 * COALESCE(cl.contact_every_days, 365) * interval '1 day'),
              'meeting', 'Caught up', '', 'Send the article', '', '', %(now)s
       FROM contacts_contact c JOIN contacts_classification cl ON cl.id = c.classification_id
       WHERE random() < 0.9""",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--contacts", type=int, default=1000, help="contacts per user")
    args = parser.parse_args()
    setup_django()

    from django.db import connection
    from django.utils import timezone

    from contacts.cadence import refresh_cadence
    from contacts.models import Contact
    from followups.models import Reminder
    from followups.sweep import run_sweep

    now = timezone.now()
    params = {"now": now, "users": args.users, "contacts": args.contacts}
    with Timer() as generating, connection.cursor() as cursor:
        for statement in GENERATE:
            cursor.execute(statement, params)
    with Timer() as refreshing:
        refresh_cadence(Contact.objects.all())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    total = Contact.objects.count()
    due = Contact.objects.filter(next_due_at__lte=now).count()
    print(f"generated {total} contacts of {args.users} users in {generating.seconds:.1f}s; {due} due now")
    print(f"refresh_cadence over all contacts (one UPDATE): {refreshing.seconds:.2f}s")

    def clear_reminders():
        Reminder.objects.all()._raw_delete(Reminder.objects.db)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE followups_reminder")

    # Alternate the two, twice, from the same empty start, and keep each one's best time, so
    # neither gains from going second (warm caches) or loses from index pages left behind.
    sql_times, app_times = [], []
    for _ in range(2):
        clear_reminders()
        with Timer() as hand_written, connection.cursor() as cursor:
            cursor.execute(HAND_WRITTEN_SWEEP, {"now": now})
            sql_raised = cursor.rowcount
        sql_times.append(hand_written.seconds)
        clear_reminders()
        with Timer() as app:
            result = run_sweep(now=now)
        app_times.append(app.seconds)
    with Timer() as rerun:
        again = run_sweep(now=now + datetime.timedelta(seconds=1))
    app_s, sql_s = min(app_times), min(sql_times)

    assert result.cadence_raised == sql_raised == due, (result, sql_raised, due)
    ratio = app_s / sql_s
    print(f"hand-written INSERT … SELECT: {', '.join(f'{t:.2f}s' for t in sql_times)} raised {sql_raised}")
    print(f"app sweep (run_sweep):       {', '.join(f'{t:.2f}s' for t in app_times)} raised {result.raised}")
    print(f"  {result}")
    print(f"ratio app/sql: {ratio:.2f}   (target <= 1.5; first sweep target < 10 s)")
    print(f"rerun: {rerun.seconds:.2f}s raised {again.raised}")
    print(
        f"bench sweep: contacts={total} raised={result.raised} app_s={app_s:.2f} "
        f"sql_s={sql_s:.2f} ratio={ratio:.2f} rerun_raised={again.raised}"
    )


if __name__ == "__main__":
    main()
