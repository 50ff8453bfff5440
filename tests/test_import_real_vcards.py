"""vCards as real address books write them, uploaded and confirmed through the import pages.

Each fixture in tests/fixtures/import/ was written from its exporter's documented output and
known quirks (see each test's docstring); every test checks what the person ends up with.
"""

import pytest

from contacts.models import Contact, ImportJob

from .import_helpers import contact_fields, fixture_bytes, import_file, left_out_by_name, upload

pytestmark = pytest.mark.django_db


def imported(client, name: str) -> tuple[ImportJob, dict[str, dict]]:
    job = import_file(client, fixture_bytes(name), name)
    assert job.file_format == "vcard"
    return job, {contact.full_name: contact_fields(contact) for contact in Contact.objects.all()}


def test_an_iphone_export(owner_client):
    """iOS: grouped properties (item1.EMAIL + item1.X-ABLabel), type= repeated in lower case,
    http\\:// in URL and X-SOCIALPROFILE, a folded base64 photo, Apple's 1604 "no year" birthday
    (kept in 1604, netcrm's "year unknown" too), an X-ABDATE labelled Anniversary."""
    job, people = imported(owner_client, "ios.vcf")
    assert people["Ada Lovelace"] == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "emails": ["ada@engines.example", "countess@lovelace.example"],
        "phones": ["+44 7700 900123", "+44 20 7946 0123"],
        "company": "Analytical Engines Ltd",
        "job_title": "Mathematician",
        "birthday": "1815-12-10",
        "notes": "Met at the Babbage lecture.\nAsked about the Bernoulli notes, and the engine.",
        "website_url": "http://ada.example.org",
        "linkedin_url": "http://www.linkedin.com/in/ada-lovelace",
        "location": "London, United Kingdom",
        "dates": ["Anniversary 2012-06-06"],
    }
    assert people["Grace Hopper"]["phones"] == ["+1 (202) 555-0100"]
    assert people["Grace Hopper"]["birthday"] == "1604-12-09"
    assert left_out_by_name(job) == {
        "Ada Lovelace": [
            "related person left out: not kept in netcrm (“Spouse: William King”)",
            "social profile left out: not kept in netcrm (“http://twitter.com/ada”)",
            "photo left out: not kept in netcrm",
        ],
    }


def test_a_macos_contacts_export(owner_client):
    """macOS Contacts: the photo's base64 continues on lines with no folding space (vobject refused
    the whole card for it), \\n inside an address, \\; in a note, a group card beside the people."""
    job, people = imported(owner_client, "macos.vcf")
    assert people == {
        "Marie Curie": {
            "first_name": "Marie",
            "last_name": "Curie",
            "emails": ["marie@radium.example"],
            "phones": ["+33 1 55 55 01 02"],
            "company": "Institut du Radium",
            "job_title": "Director",
            "birthday": "1867-11-07",
            "notes": "Two Nobel prizes. Ask about the laboratory in Warsaw; she wants an introduction.",
            "website_url": "http://curie.example.org/labo",
            "location": "Paris, France",
        }
    }
    group = next(entry for entry in job.preview["entries"] if entry["action"] == "error")
    assert (group["line"], group["name"], group["message"]) == (30, "Physicists", "a contact group, not a person")


def test_an_android_export(owner_client):
    """Android: vCard 2.1, every non-ASCII value quoted-printable (CHARSET=UTF-8) with soft line
    breaks, bare TEL;CELL parameters, an indented base64 photo ended by a blank line; a card with
    only an email is named after the address."""
    job, people = imported(owner_client, "android.vcf")
    assert people["Jürgen Müller"] == {
        "first_name": "Jürgen",
        "last_name": "Müller",
        "emails": ["juergen@mueller.example"],
        "phones": ["+49 170 5550100", "+49 89 5550111"],
        "company": "Müller & Söhne GmbH",
        "job_title": "Geschäftsführer",
        "birthday": "1975-03-14",
        "notes": "Getroffen auf der Messe in München, will eine Einführung bei der Stadtwerke.",
        "website_url": "https://mueller.example.de",
    }
    assert people["Info"] == {
        "first_name": "Info",
        "emails": ["info@stadtwerke.example"],
        "phones": ["+49 171 5550199"],
    }
    assert left_out_by_name(job)["Info"] == ["name taken from the email address"]
    assert left_out_by_name(job)["Jürgen Müller"] == [
        "X-ANDROID-CUSTOM left out: not kept in netcrm (“vnd.android.cursor.item/nickname;Jürgi;1;;;;;;;;;;;;;”)",
        "photo left out: not kept in netcrm",
    ]


def test_a_google_contacts_export(owner_client):
    """Google Contacts: http\\:// and https\\:// escapes, item1.X-ABLabel, Google's own
    myContacts/starred categories, the photo as a URL, a birthday without a year (--06-23)."""
    job, people = imported(owner_client, "google.vcf")
    assert people["Margaret Hamilton"] == {
        "first_name": "Margaret",
        "last_name": "Hamilton",
        "emails": ["margaret@mit.example", "mh@hamilton.example"],
        "phones": ["+1 617-555-0101"],
        "company": "Hamilton Technologies",
        "job_title": "CEO",
        "birthday": "1936-08-17",
        "notes": "Wrote the Apollo guidance software.\nWants the article on software engineering.",
        "website_url": "http://www.hamilton.example/apollo",
        "linkedin_url": "https://www.linkedin.com/in/margaret-hamilton",
        "location": "Cambridge, US",
        "tags": ["Mentors"],
    }
    assert people["Alan Turing"] == {
        "first_name": "Alan",
        "last_name": "Turing",
        "emails": ["alan@bletchley.example"],
        "birthday": "1604-06-23",  # --06-23: the year unknown
    }
    assert "Alan Turing" not in left_out_by_name(job)


def test_an_outlook_2003_export(owner_client):
    """Outlook 2003: vCard 2.1 with N of two parts, WORK;VOICE bare types, a quoted-printable note
    with =0D=0A, EMAIL;PREF;INTERNET, a LABEL beside the ADR."""
    job, people = imported(owner_client, "outlook_2003.vcf")
    assert people == {
        "Alan Turing": {
            "first_name": "Alan",
            "last_name": "Turing",
            "emails": ["alan@npl.example"],
            "phones": ["+44 20 8977 3222", "+44 20 8977 0001"],
            "company": "National Physical Laboratory",
            "job_title": "Principal Scientific Officer",
            "birthday": "1912-06-23",
            "notes": "Working on the ACE design.\nAsk about the paper on morphogenesis.",
            "website_url": "http://www.npl.example",
            "location": "Teddington, England",
        }
    }
    assert left_out_by_name(job) == {}


def test_an_outlook_365_export(owner_client):
    """Outlook 2007 to 365 for Windows: vCard 2.1 in Windows-1252 (CHARSET=Windows-1252), soft
    breaks in quoted-printable, X-MS-OL-DESIGN, the photo twice (PHOTO and X-MS-CARDPICTURE), each
    an indented base64 block ended by a blank line."""
    job, people = imported(owner_client, "outlook_365.vcf")
    assert job.encoding == "cp1252"
    assert people == {
        "Hedy Lamarr": {
            "first_name": "Hedy",
            "last_name": "Lamarr",
            "emails": ["hedy@mgm.example"],
            "phones": ["+43 1 555 0142", "+43 664 555 0142"],
            "company": "Métro-Goldwyn-Mayer",
            "job_title": "Schauspielerin & Erfinderin",
            "birthday": "1914-11-09",
            "notes": "Frequenzsprungverfahren – Patent 2.292.387.\nFragen, ob sie 2025 nach Wien kommt.",
            "website_url": "https://hedy.example.at",
            "location": "Wien, Österreich",
        }
    }
    assert left_out_by_name(job) == {"Hedy Lamarr": ["photo left out: not kept in netcrm"]}


def test_a_thunderbird_export(owner_client):
    """Thunderbird: the old export in lower case with VERSION last, and 115's vCard 4.0
    (PREF=1, VALUE=TEXT on TEL, VALUE=DATE on BDAY, VALUE=URL on URL)."""
    _job, people = imported(owner_client, "thunderbird.vcf")
    assert people["Katherine Johnson"] == {
        "first_name": "Katherine",
        "last_name": "Johnson",
        "emails": ["katherine@nasa.example"],
        "phones": ["+1 757 555 0199", "+1 757 555 0100"],
        "company": "NASA",
        "job_title": "Mathematician",
        "notes": "Computed the trajectory for Freedom 7.",
        "website_url": "https://nasa.example/katherine",
    }
    assert people["Barbara Liskov"] == {
        "first_name": "Barbara",
        "last_name": "Liskov",
        "emails": ["barbara@mit.example", "liskov@csail.example"],
        "phones": ["+1 617 555 0107"],
        "company": "MIT",
        "job_title": "Institute Professor",
        "birthday": "1939-11-07",
        "notes": "Substitution principle; ask about the CLU retrospective.",
        "website_url": "https://csail.example/liskov",
    }


def test_an_evolution_export(owner_client):
    """Evolution: X-EVOLUTION-FILE-AS with \\, (bookkeeping), X-EVOLUTION-UI-SLOT parameters,
    ROLE and no TITLE, the blog URL as the only website, an empty X-EVOLUTION-SPOUSE."""
    job, people = imported(owner_client, "evolution.vcf")
    assert people == {
        "Lise Meitner": {
            "first_name": "Lise",
            "last_name": "Meitner",
            "emails": ["lise@kwi.example", "lise.meitner@example.org"],
            "phones": ["+49 30 555 0178"],
            "company": "Kaiser-Wilhelm-Institut",
            "job_title": "Physicist",
            "birthday": "1878-11-07",
            "notes": "Nuclear fission.\nSend the Hahn correspondence.",
            "website_url": "https://lise.example.org/blog",
            "tags": ["Mentors", "Physics"],
        }
    }
    assert left_out_by_name(job) == {}  # an empty property loses nothing


def test_a_lotus_notes_export(owner_client):
    """Lotus Notes: PROFILE:VCARD, SOURCE and NAME lines (vobject refused the card for PROFILE),
    TYPE=INTERNET,PREF comma lists."""
    job, people = imported(owner_client, "lotus_notes.vcf")
    assert people == {
        "Frank Dawson": {
            "first_name": "Frank",
            "last_name": "Dawson",
            "emails": ["Frank_Dawson@Lotus.example"],
            "phones": ["+1-919-676-9515", "+1-919-676-9564"],
            "company": "Lotus Development Corporation",
            "job_title": "Senior Architect",
            "notes": "Co-author of the vCard specification.",
            "website_url": "http://home.earthlink.example/~fdawson",
        }
    }
    assert left_out_by_name(job) == {}  # PROFILE, SOURCE, NAME and CLASS are about the card, not him


def test_a_blackberry_export(owner_client):
    """BlackBerry: vCard 2.1 with TYPE= repeated, a note in ISO-8859-1 quoted-printable with a
    soft break, and a property of its own (X-BB-PIN)."""
    job, people = imported(owner_client, "blackberry.vcf")
    assert people == {
        "Mae Johnson": {
            "first_name": "Mae",
            "last_name": "Johnson",
            "emails": ["mae@astro.example"],
            "phones": ["+1 713 555 0192", "+1 713 555 0190"],
            "company": "Jemison Group",
            "job_title": "Founder",
            "birthday": "1956-10-17",
            "notes": "Première astronaute. Café à Houston la semaine prochaine.",
            "website_url": "http://jemison.example",
        }
    }
    assert left_out_by_name(job) == {"Mae Johnson": ["X-BB-PIN left out: not kept in netcrm (“2100000A”)"]}


def test_the_examples_of_rfc_2426(owner_client):
    """RFC 2426's examples as printed: BEGIN:vCard, no N (the name from FN), folded ADR, \\, in
    TITLE/ORG/FN, SOURCE/NAME/PROFILE, a photo by URI and a KEY whose base64 does not decode."""
    job, people = imported(owner_client, "rfc2426.vcf")
    assert people["Frank Dawson"] == {
        "first_name": "Frank",
        "last_name": "Dawson",
        "emails": ["Frank_Dawson@Lotus.com", "fdawson@earthlink.net"],
        "phones": ["+1-919-676-9515", "+1-919-676-9564"],
        "company": "Lotus Development Corporation",
        "website_url": "http://home.earthlink.net/~fdawson",
        "location": "Raleigh, U.S.A.",
    }
    assert people["Tim Howes"]["location"] == "Mountain View, U.S.A."
    assert people["John Public"] == {
        "first_name": "John",
        "last_name": "Public",
        "emails": ["jane_doe@abc.com"],
        "phones": ["+1-213-555-1234"],
        "company": "ABC, Inc.",
        "job_title": "Director, Research and Development",
        "birthday": "1996-04-15",
        "notes": "This fax number is operational 0800 to 1715 EST, Mon-Fri.",
        "website_url": "http://www.swbyps.restaurant.french/~chezchic.html",
        "tags": ["TRAVEL AGENT"],
    }
    assert left_out_by_name(job)["John Public"] == [
        "photo left out: not kept in netcrm",
        "key left out: cannot be decoded (line 43)",
        "nickname left out: not kept in netcrm (“Robbie”)",
    ]


def test_the_example_of_rfc_6350(owner_client):
    """RFC 6350's example as printed: tel: URIs with ;ext=, TYPE="work,voice" quoted, PREF=1, a
    birthday without a year (--0203), ANNIVERSARY, GENDER, LANG, GEO, TZ and a KEY by URI."""
    job, people = imported(owner_client, "rfc6350.vcf")
    assert people == {
        "Simon Perreault": {
            "first_name": "Simon",
            "last_name": "Perreault",
            "emails": ["simon.perreault@viagenie.ca"],
            "phones": ["+1-418-656-9254 ext. 102", "+1-418-262-6501"],
            "company": "Viagenie",
            "website_url": "http://nomis80.org",
            "location": "Quebec, Canada",
            "birthday": "1604-02-03",
            "dates": ["Anniversary 2009-08-08"],
        }
    }
    assert left_out_by_name(job)["Simon Perreault"] == [
        "gender left out: not kept in netcrm (“M”)",
        "language left out: not kept in netcrm (“fr”)",
        "language left out: not kept in netcrm (“en”)",
        "map position left out: not kept in netcrm (“geo:46.772673,-71.282945”)",
        "key left out: not kept in netcrm",
        "time zone left out: not kept in netcrm (“-0500”)",
    ]


def test_the_same_export_twice_creates_nothing_the_second_time(owner_client):
    import_file(owner_client, fixture_bytes("ios.vcf"), "ios.vcf")
    _response, again = upload(owner_client, fixture_bytes("ios.vcf"), "ios.vcf")
    assert again.preview["counts"]["unchanged"] == 2 and again.preview["counts"]["new"] == 0
