"""What follow-ups adds to the contacts list's bulk actions (registered in FollowupsConfig.ready;
contacts offers it without importing followups: contacts/bulk_actions.py)."""

from django.utils import timezone

from contacts.bulk_actions import BulkAction, contacts_count
from netcrm.dates import week_starting

from .. import services


def _add_to_week_plan(*, owner, contacts, options) -> str:
    week = week_starting(timezone.now(), timezone.get_current_timezone())
    added = services.add_selection_to_week_plan(owner=owner, contacts=contacts, week_starting=week)
    if not added:
        return "They were all in this week's plan already."
    return f"Added {contacts_count(added)} to this week's plan."


ADD_TO_WEEK_PLAN = BulkAction("add_to_week_plan", "Add to this week's plan", _add_to_week_plan)
