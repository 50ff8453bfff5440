"""A search's pages and count, now read with its rows in one query, behave as the list's."""

import pytest
from django.urls import reverse

from contacts.models import Contact

LIST = reverse("contacts:list")


@pytest.fixture
def sixty_founders(owner):
    Contact.objects.bulk_create(
        Contact(owner=owner, first_name=f"Person{n:02d}", last_name="Founder" if n < 60 else "Other") for n in range(70)
    )


def shown(response) -> tuple[int, int, int, list[str]]:
    page = response.context["page"]
    return page.number, page.paginator.num_pages, page.paginator.count, [c.first_name for c in page.object_list]


@pytest.mark.django_db
class TestSearchPages:
    def test_each_page_holds_the_next_matches_and_the_count_of_all(self, owner_client, sixty_founders):
        first = shown(owner_client.get(LIST, {"q": "founder", "sort": "name"}))
        third = shown(owner_client.get(LIST, {"q": "founder", "sort": "name", "page": 3}))
        assert first[:3] == (1, 3, 60) and first[3] == [f"Person{n:02d}" for n in range(25)]
        assert third[:3] == (3, 3, 60) and third[3] == [f"Person{n:02d}" for n in range(50, 60)]
        assert "60" in owner_client.get(LIST, {"q": "founder"}).content.decode()

    @pytest.mark.parametrize(("asked", "number"), [("9", 3), ("0", 3), ("-2", 3), ("abc", 1), ("2.0", 1), ("", 1)])
    def test_a_page_out_of_range_or_not_a_number_is_handled_as_the_list_does(
        self, owner_client, sixty_founders, asked, number
    ):
        response = owner_client.get(LIST, {"q": "founder", "sort": "name", "page": asked})
        assert response.status_code == 200
        assert shown(response)[:3] == (number, 3, 60)

    def test_no_match_is_an_empty_page_counted_zero(self, owner_client, sixty_founders):
        response = owner_client.get(LIST, {"q": "nobody-like-this"})
        assert shown(response) == (1, 1, 0, [])
        assert "No contacts match" in response.content.decode()

    def test_another_users_matches_are_not_counted(self, owner_client, sixty_founders, stranger):
        Contact.objects.create(owner=stranger, first_name="Stranger", last_name="Founder")
        assert shown(owner_client.get(LIST, {"q": "founder"}))[2] == 60
