"""The admin for bulk edits: scoped for staff users, bulk actions, CSV/XLSX import and export."""

import csv
import datetime
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse

from contacts.models import Contact, Interaction

from .factories import ClassificationFactory, ContactEmailFactory, ContactFactory, TagFactory, UserFactory

CHANGELIST = reverse("admin:contacts_contact_changelist")


def make_staff(username):
    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="contacts"))
    return user


@pytest.fixture
def staff(db):
    return make_staff("staffer")


@pytest.fixture
def other_staff(db):
    return make_staff("other-staffer")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.mark.django_db
class TestStaffScoping:
    def test_changelist_shows_only_own_contacts(self, staff_client, staff, other_staff):
        ContactFactory(owner=staff, first_name="Mine")
        ContactFactory(owner=other_staff, first_name="Theirs")
        html = staff_client.get(CHANGELIST).content.decode()
        assert "Mine" in html
        assert "Theirs" not in html

    def test_another_users_contact_cannot_be_opened_or_changed(self, staff_client, other_staff):
        theirs = ContactFactory(owner=other_staff, first_name="Theirs")
        response = staff_client.get(reverse("admin:contacts_contact_change", args=[theirs.pk]))
        assert response.status_code == 302  # the admin's "does not exist" redirect, no data
        staff_client.post(reverse("admin:contacts_contact_delete", args=[theirs.pk]), {"post": "yes"})
        assert Contact.objects.filter(pk=theirs.pk).exists()

    def test_only_own_classifications_and_tags_can_be_picked(self, staff_client, staff, other_staff):
        mine = ClassificationFactory(owner=staff, name="My clients")
        theirs = ClassificationFactory(owner=other_staff, name="Their clients")
        TagFactory(owner=other_staff, name="their-tag")
        form = staff_client.get(reverse("admin:contacts_contact_add")).context["adminform"].form
        assert list(form.fields["classification"].queryset) == [mine]
        assert list(form.fields["tags"].queryset) == []
        autocomplete = staff_client.get(
            reverse("admin:autocomplete"),
            {"app_label": "contacts", "model_name": "contact", "field_name": "classification", "term": "clients"},
        ).json()
        assert [r["text"] for r in autocomplete["results"]] == ["My clients"]
        response = staff_client.post(
            reverse("admin:contacts_contact_add"),
            {"first_name": "Sneaky", "classification": theirs.pk, **empty_inlines()},
        )
        assert "Select a valid choice" in response.content.decode()
        assert not Contact.objects.filter(first_name="Sneaky").exists()

    def test_a_contact_added_in_the_admin_belongs_to_the_staff_user(self, staff_client, staff):
        staff_client.post(reverse("admin:contacts_contact_add"), {"first_name": "Added", **empty_inlines()})
        assert Contact.objects.get(first_name="Added").owner == staff


def empty_inlines():
    return {
        "emails-TOTAL_FORMS": "0",
        "emails-INITIAL_FORMS": "0",
        "phones-TOTAL_FORMS": "0",
        "phones-INITIAL_FORMS": "0",
        "occasions-TOTAL_FORMS": "0",
        "occasions-INITIAL_FORMS": "0",
    }


def run_action(client, action, contacts, **form):
    data = {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in contacts], **form}
    return client.post(CHANGELIST, data)


@pytest.mark.django_db
class TestBulkActions:
    def test_change_classification_shows_a_form_then_moves_them(self, staff_client, staff):
        old, new = ClassificationFactory(owner=staff), ClassificationFactory(owner=staff, name="Target")
        contacts = ContactFactory.create_batch(3, owner=staff, classification=old)
        form_page = run_action(staff_client, "change_classification", contacts[:2])
        assert "Target" in form_page.content.decode()
        run_action(staff_client, "change_classification", contacts[:2], classification=new.pk, apply="Apply")
        assert Contact.objects.filter(classification=new).count() == 2
        assert Contact.objects.filter(classification=old).count() == 1

    def test_change_classification_refuses_another_users_classification(self, staff_client, staff, other_staff):
        contact = ContactFactory(owner=staff)
        theirs = ClassificationFactory(owner=other_staff)
        response = run_action(staff_client, "change_classification", [contact], classification=theirs.pk, apply="1")
        assert "Select a valid choice" in response.content.decode()
        contact.refresh_from_db()
        assert contact.classification != theirs

    def test_set_and_clear_frequency_override(self, staff_client, staff):
        contacts = ContactFactory.create_batch(2, owner=staff)
        run_action(staff_client, "set_frequency_override", contacts, every_days=7, apply="Apply")
        assert set(Contact.objects.values_list("contact_every_days_override", flat=True)) == {7}
        bad = run_action(staff_client, "set_frequency_override", contacts, every_days=-3, apply="Apply")
        assert "at least 1 day" in bad.content.decode()
        run_action(staff_client, "set_frequency_override", contacts, every_days="", apply="Apply")
        assert set(Contact.objects.values_list("contact_every_days_override", flat=True)) == {None}

    def test_add_and_remove_a_tag(self, staff_client, staff):
        tag = TagFactory(owner=staff, name="speaker")
        contacts = ContactFactory.create_batch(2, owner=staff)
        contacts[0].tags.add(tag)
        run_action(staff_client, "add_tag", contacts, tag=tag.pk, apply="Apply")
        assert all(tag in c.tags.all() for c in contacts)
        run_action(staff_client, "remove_tag", contacts[:1], tag=tag.pk, apply="Apply")
        assert list(contacts[0].tags.all()) == []
        assert list(contacts[1].tags.all()) == [tag]

    def test_mark_contacted_today_logs_an_interaction_each(self, staff_client, staff):
        contacts = ContactFactory.create_batch(3, owner=staff)
        run_action(staff_client, "mark_contacted_today", contacts[:2])
        assert Interaction.objects.filter(owner=staff).count() == 2
        assert Contact.objects.filter(last_interaction_at__isnull=False).count() == 2

    def test_export_selected_to_csv_escapes_formulae(self, staff_client, staff):
        contact = ContactFactory(owner=staff, first_name="Eve", company='=HYPERLINK("http://evil")')
        ContactEmailFactory(contact=contact, address="eve@example.com")
        response = run_action(staff_client, "export_csv", [contact])
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert rows[0]["first_name"] == "Eve"
        assert rows[0]["emails"] == "eve@example.com"
        assert rows[0]["company"] == '\'=HYPERLINK("http://evil")'


@pytest.mark.django_db
class TestImport:
    def upload(self, client, text):
        return client.post(
            reverse("admin:contacts_contact_import"),
            {"import_file": io.BytesIO(text.encode()) | NamedFile("contacts.csv"), "format": 0, "resource": 0},
        )

    def test_xlsx_import_and_export(self, staff_client, staff):
        import openpyxl

        book = openpyxl.Workbook()
        book.active.append(["first_name", "last_name", "emails"])
        book.active.append(["Grace", "Hopper", "grace@navy.example"])
        upload = io.BytesIO()
        book.save(upload)
        upload.seek(0)
        preview = staff_client.post(
            reverse("admin:contacts_contact_import"),
            {"import_file": upload | NamedFile("contacts.xlsx"), "format": 1, "resource": 0},
        )
        assert "Hopper" in preview.content.decode()
        staff_client.post(reverse("admin:contacts_contact_process_import"), preview.context["confirm_form"].initial)
        grace = Contact.objects.get(first_name="Grace")
        assert (grace.owner, [e.address for e in grace.emails.all()]) == (staff, ["grace@navy.example"])
        chosen = {f"contactresource_{name}": "on" for name in ("id", "first_name", "last_name", "emails")}
        export = staff_client.post(reverse("admin:contacts_contact_export"), {"format": 1, "resource": 0, **chosen})
        sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
        assert [cell.value for cell in sheet[2]][1:3] == ["Grace", "Hopper"]

    def test_csv_import_previews_then_writes_for_the_owner(self, staff_client, staff, other_staff):
        ClassificationFactory(owner=staff, name="Clients")
        ClassificationFactory(owner=other_staff, name="Others")
        text = "first_name,last_name,emails,classification,tags\nAda,Lovelace,ada@example.com,Clients,math; pioneers\n"
        preview = self.upload(staff_client, text)
        assert preview.status_code == 200
        assert "Lovelace" in preview.content.decode()
        assert not Contact.objects.exists()  # nothing is written by the preview
        confirm = preview.context["confirm_form"]
        staff_client.post(reverse("admin:contacts_contact_process_import"), confirm.initial)
        ada = Contact.objects.get(first_name="Ada")
        assert ada.owner == staff
        assert ada.classification.name == "Clients"
        assert [e.address for e in ada.emails.all()] == ["ada@example.com"]
        assert sorted(t.name for t in ada.tags.all()) == ["math", "pioneers"]

    def test_a_bad_row_is_named_and_nothing_is_written(self, staff_client, staff, other_staff):
        ClassificationFactory(owner=other_staff, name="Others")
        text = "first_name,emails,classification\nGood,good@example.com,\nBad,not-an-email,\nWrong,,Others\n"
        preview = self.upload(staff_client, text).content.decode()
        assert "“not-an-email” is not a valid email address" in preview
        assert "there is no classification called “Others”" in preview
        assert not Contact.objects.exists()

    def test_another_users_id_does_not_overwrite_their_contact(self, staff_client, staff, other_staff):
        theirs = ContactFactory(owner=other_staff, first_name="Theirs")
        preview = self.upload(staff_client, f"id,first_name\n{theirs.pk},Overwritten\n")
        staff_client.post(reverse("admin:contacts_contact_process_import"), preview.context["confirm_form"].initial)
        theirs.refresh_from_db()
        assert theirs.first_name == "Theirs"
        assert Contact.objects.get(first_name="Overwritten").owner == staff


class NamedFile:
    """Gives an in-memory upload a file name: ``BytesIO(...) | NamedFile("x.csv")``."""

    def __init__(self, name):
        self.name = name

    def __ror__(self, buffer):
        buffer.name = self.name
        return buffer


@pytest.mark.django_db
class TestClassificationMaximum:
    def test_the_admin_sets_the_maximum_and_refuses_one_below_the_frequency(self, staff_client, staff):
        clients = ClassificationFactory(owner=staff, name="Clients", contact_every_days=30)
        contact = ContactFactory(owner=staff, classification=clients)
        url = reverse("admin:contacts_classification_change", args=[clients.pk])
        form = {"name": "Clients", "contact_every_days": "30", "display_order": "0", "is_business": "on"}
        refused = staff_client.post(url, {**form, "contact_at_most_days": "20"})
        assert refused.status_code == 200
        assert "“At most” cannot be shorter than the frequency (30 days)." in refused.content.decode()
        assert staff_client.post(url, {**form, "contact_at_most_days": "60"}).status_code == 302
        contact.refresh_from_db()
        assert contact.overdue_at - contact.created_at == datetime.timedelta(days=60)
