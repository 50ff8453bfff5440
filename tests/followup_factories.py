import datetime

import factory
from django.utils import timezone

from followups.models import Commitment, Reminder

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
