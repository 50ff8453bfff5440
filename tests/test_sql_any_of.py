"""netcrm.sql.any_of: "one of these ids" as one array parameter on PostgreSQL, the rows ``__in`` picks."""

import pytest
from django.db import connection

from contacts.models import Contact
from netcrm.sql import any_of

from .factories import ContactFactory, UserFactory


@pytest.mark.django_db
def test_any_of_picks_the_same_rows_as_in_for_a_long_list_and_none_for_an_empty_one():
    owners = [UserFactory() for _ in range(3)]
    for owner in owners:
        ContactFactory.create_batch(2, owner=owner)
    wanted = [owners[0].pk, owners[2].pk, *range(10_000_000, 10_005_000)]  # 5,000 ids nobody has

    picked = Contact.objects.filter(any_of("owner_id", wanted)).order_by("pk")

    assert list(picked) == list(Contact.objects.filter(owner_id__in=wanted).order_by("pk"))
    assert {contact.owner_id for contact in picked} == {owners[0].pk, owners[2].pk}
    assert not Contact.objects.filter(any_of("owner_id", [])).exists()
    if connection.vendor == "postgresql":  # one parameter, whatever the number of ids
        sql, params = picked.query.sql_with_params()
        assert "= ANY(%s)" in sql and len(params) == 1
