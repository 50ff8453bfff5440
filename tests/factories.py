import functools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import EmailVerification
from contacts.cadence import refresh_cadence
from contacts.models import Classification, Contact, ContactEmail, Interaction, Tag

PASSWORD = "correct-horse-battery-staple"


@functools.cache
def password_hash() -> str:
    """PASSWORD hashed once, with the real hasher and its full work factor: every user made here
    stores a real hash that logging in checks as in production, without paying a whole PBKDF2
    round (a third of a second) for each user a test makes."""
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.LazyFunction(password_hash)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """The address counts as verified (digests go to it) unless ``verified=False``."""
        if create and extracted is not False and user.email:
            EmailVerification.objects.update_or_create(
                user=user, defaults={"verified_email": user.email, "verified_at": timezone.now()}
            )


class ClassificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Classification

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    contact_every_days = 30
    message_guidance = "Ask about their project; offer an intro."


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"tag{n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    owner = factory.SubFactory(UserFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    company = factory.Faker("company")
    classification = factory.LazyAttribute(lambda c: ClassificationFactory(owner=c.owner))


class ContactEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactEmail

    contact = factory.SubFactory(ContactFactory)
    address = factory.Sequence(lambda n: f"person{n}@example.org")


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction
        skip_postgeneration_save = True

    contact = factory.SubFactory(ContactFactory)
    owner = factory.LazyAttribute(lambda i: i.contact.owner)
    occurred_at = factory.LazyFunction(timezone.now)
    kind = "meeting"
    summary = "Talked about their new project"
    next_step = "Send the article"

    @factory.post_generation
    def refresh_contact(interaction, create, extracted, **kwargs):
        """As every service that writes an interaction does: the contact's last interaction
        and due moment follow it."""
        if create:
            refresh_cadence(Contact.objects.filter(pk=interaction.contact_id))
