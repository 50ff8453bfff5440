from django.db import transaction

from contacts.services import create_starter_classifications


@transaction.atomic
def sign_up(*, form):
    """Create the account and give it the starter classifications, all or nothing."""
    user = form.save()
    create_starter_classifications(owner=user)
    return user
