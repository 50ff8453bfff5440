import datetime

import factory
from django.utils import timezone

from contacts.cadence import at_most_days, refresh_cadence
from contacts.models import Contact, Interaction
from followups.models import Commitment, Reminder

from .bulk_rows import Sql, analyze, insert_select
from .factories import ContactFactory


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reminder

    contact = factory.SubFactory(ContactFactory)
    owner = factory.LazyAttribute(lambda r: r.contact.owner)
    kind = Reminder.Kind.CADENCE
    due_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=2))


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    contact = factory.SubFactory(ContactFactory)
    owner = factory.LazyAttribute(lambda c: c.contact.owner)
    description = "Send the article on hiring"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=3))
    due_at = factory.LazyAttribute(
        lambda c: datetime.datetime.combine(c.due_on, datetime.time.min, tzinfo=datetime.UTC)
    )


def bulk_due_contacts(owner, *, classification, due_at, first_name="Due", company="", summary="", next_step=""):
    """Contacts of ``owner`` in ``classification`` whose next due moments are ``due_at`` (a list),
    set-based: one bulk_create (and, with ``summary``, one INSERT … SELECT for their last
    interactions and one cadence UPDATE), so a test can stand up a network of 50,000 people due in seconds."""
    every = datetime.timedelta(days=classification.contact_every_days)
    at_most = datetime.timedelta(days=at_most_days(every_days_override=None, at_most_days_override=None,
                                                   classification=classification))  # fmt: skip
    contacts = Contact.objects.bulk_create(
        [
            Contact(owner=owner, classification=classification, first_name=f"{first_name}{index:05d}",
                    last_name="Bulk", company=company, created_at=moment - every, next_due_at=moment,
                    overdue_at=moment - every + at_most)
            for index, moment in enumerate(due_at)
        ],
        batch_size=2000,
    )  # fmt: skip
    if summary:
        # Each last seen a cadence before due, which is when it was added: one INSERT … SELECT.
        ours = "contacts_contact c WHERE c.owner_id = %s AND c.classification_id = %s AND c.id BETWEEN %s AND %s"
        if contacts:
            just_added = [owner.pk, classification.pk, min(c.pk for c in contacts), max(c.pk for c in contacts)]
            insert_select(Interaction, source=f"{ours} ORDER BY c.id", params=just_added, owner=owner,
                          contact=Sql("c.id"), occurred_at=Sql("c.created_at"), summary=summary,
                          next_step=next_step)  # fmt: skip
        refresh_cadence(Contact.objects.filter(owner=owner, classification=classification))
    analyze(Contact, Interaction)  # 50,000 rows the planner would otherwise take for a handful
    return contacts
