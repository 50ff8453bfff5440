"""vCard files (2.1, 3.0, 4.0) → rows: what each property means for a contact, and what is left out.

The cards come from ``vcard_reader`` (a tolerant line-based reader; see there why not vobject).
Each card is one row; each property either fills a field, is bookkeeping of the card itself
(``VERSION``, ``PRODID``, ``PROFILE``…, ignored), or is left out of the contact and named
("photo left out: not kept in netcrm"). Only a card with neither a name nor an email, a card
that never ends, or one over ``MAX_CARD_CHARS`` is an error row.
"""

from __future__ import annotations

import re

from ..occasions import Occasion
from .dates import BirthdayProblem, read_birthday, read_yearly_date
from .decoding import ImportFileError
from .leftout import NOT_KEPT, OTHER_PROPERTY
from .rows import ImportRow, ParsedFile, RowError, clean_row, is_url
from .vcard_reader import (
    MAX_PROPERTY_CHARS,
    Card,
    Property,
    UndecodableValue,
    components,
    list_items,
    read_cards,
    unescape,
)

IGNORED_LABELS = {"mycontacts", "starred"}  # Google's own groups, not the person's

# Properties about the card rather than the person: nothing is lost by not keeping them.
BOOKKEEPING = {
    "BEGIN", "END", "VERSION", "PRODID", "REV", "UID", "PROFILE", "SOURCE", "NAME", "CLASS", "SORT-STRING",
    "MAILER", "LABEL", "CLIENTPIDMAP", "XML", "X-ABUID", "X-ABSHOWAS", "X-ABLABEL", "X-ABADR", "X-MS-OL-DESIGN",
    "X-MS-OL-DEFAULT-POSTAL-ADDRESS", "X-MOZILLA-HTML", "X-MOZILLA-PROPERTY", "X-EVOLUTION-FILE-AS",
    "X-EVOLUTION-WEBDAV-ETAG", "X-EVOLUTION-LIST", "X-EVOLUTION-LIST-SHOW-ADDRESSES", "X-IRMC-LUID",
    "X-RADICALE-NAME", "X-PHONETIC-FIRST-NAME", "X-PHONETIC-MIDDLE-NAME", "X-PHONETIC-LAST-NAME", "X-PHONETIC-ORG",
}  # fmt: skip
# What the person's card says that netcrm has no field for, named as a person would.
NOT_KEPT_LABELS = {
    "PHOTO": "photo", "X-MS-CARDPICTURE": "photo", "LOGO": "logo", "SOUND": "sound", "KEY": "key",
    "NICKNAME": "nickname", "X-MAIDENNAME": "maiden name", "GENDER": "gender", "X-GENDER": "gender",
    "X-WAB-GENDER": "gender", "X-ABRELATEDNAMES": "related person", "RELATED": "related person",
    "X-SPOUSE": "related person",
    "X-MS-SPOUSE": "related person", "X-EVOLUTION-SPOUSE": "related person", "X-ASSISTANT": "related person",
    "X-MS-ASSISTANT": "related person", "X-EVOLUTION-ASSISTANT": "related person", "X-MANAGER": "related person",
    "X-MS-MANAGER": "related person", "X-EVOLUTION-MANAGER": "related person", "AGENT": "related person",
    "IMPP": "instant messaging address", "X-AIM": "instant messaging address", "X-ICQ": "instant messaging address",
    "X-JABBER": "instant messaging address", "X-MSN": "instant messaging address",
    "X-YAHOO": "instant messaging address", "X-SKYPE": "instant messaging address",
    "X-SKYPE-USERNAME": "instant messaging address", "X-GOOGLE-TALK": "instant messaging address",
    "X-GTALK": "instant messaging address", "X-QQ": "instant messaging address",
    "X-GADUGADU": "instant messaging address", "X-MS-IMADDRESS": "instant messaging address",
    "X-SOCIALPROFILE": "social profile", "TZ": "time zone", "GEO": "map position", "LANG": "language",
    "MEMBER": "group member", "CALURI": "calendar address", "CALADRURI": "calendar address",
    "FBURL": "calendar address",
}  # fmt: skip
BINARY = {"PHOTO", "X-MS-CARDPICTURE", "LOGO", "SOUND", "KEY"}
FIELD_LABELS = {
    "N": "name", "FN": "name", "EMAIL": "email address", "TEL": "phone number", "ORG": "company",
    "TITLE": "job title", "ROLE": "job title", "NOTE": "notes", "URL": "website", "X-EVOLUTION-BLOG-URL": "website",
    "ADR": "location", "CATEGORIES": "tags", "BDAY": "birthday", "ANNIVERSARY": "anniversary",
    "X-ANNIVERSARY": "anniversary", "X-MS-ANNIVERSARY": "anniversary", "X-EVOLUTION-ANNIVERSARY": "anniversary",
    "X-ABDATE": "date",
}  # fmt: skip
# Apple's labels for an X-ABDATE that are an anniversary (any other label is the user's own).
ANNIVERSARY_LABELS = {"anniversary", "jahrestag", "anniversaire", "aniversario"}
GROUP_KINDS = {"group", "org-group"}


def is_vcard(text: str) -> bool:
    return text.lstrip()[:11].upper() == "BEGIN:VCARD"


def parse_vcards(text: str, *, max_rows: int) -> ParsedFile:
    rows, errors = [], []
    for card in read_cards(text):
        if len(rows) + len(errors) >= max_rows:
            raise ImportFileError(f"The file has more than {max_rows:,} cards; split it into smaller files.")
        if card.too_big:
            errors.append(RowError(card.line, f"the card starting on line {card.line} is {card.too_big}"))
            continue
        if not card.end_line:
            errors.append(RowError(card.line, "the card has no END:VCARD"))
            continue
        if _is_group(card):
            errors.append(RowError(card.line, "a contact group, not a person", name=_group_name(card)))
            continue
        result = clean_row(row_from_card(card), leave_out_bad_values=True)
        (errors if isinstance(result, RowError) else rows).append(result)
    if not rows and not errors:
        raise ImportFileError("No contact cards found in this vCard file.")
    return ParsedFile(format="vcard", rows=rows, errors=errors)


def _is_group(card: Card) -> bool:
    kinds = {prop.raw.strip().lower() for prop in card.properties if prop.name in ("KIND", "X-ADDRESSBOOKSERVER-KIND")}
    return bool(kinds & GROUP_KINDS)


def _group_name(card: Card) -> str:
    return next((unescape(prop.decoded_text()).strip()[:200] for prop in card.named("FN")), "")


def _label(prop: Property) -> str:
    return FIELD_LABELS.get(prop.name) or NOT_KEPT_LABELS.get(prop.name) or prop.name


class _CardReader:
    """Fills one row from one card's properties, noting what it leaves out."""

    def __init__(self, card: Card):
        self.card = card
        self.row = ImportRow(line=card.line)
        self.full_name = ""
        self.nicknames: list[str] = []
        self.titles: list[str] = []
        self.roles: list[str] = []
        self.websites: list[str] = []
        self.linkedin: list[str] = []
        self.notes: list[str] = []

    def read(self) -> ImportRow:
        for number in self.card.unreadable_lines:
            self.row.leave_out(f"line {number}", "not a vCard property", group="line")
        for prop in self.card.properties:
            if prop.too_big:
                megabytes = MAX_PROPERTY_CHARS // (1024 * 1024)
                self.row.leave_out(_label(prop), f"over {megabytes} MB (line {prop.line})")
            elif prop.name in BOOKKEEPING:
                continue
            else:
                try:
                    self.property(prop)
                except UndecodableValue:
                    self.row.leave_out(_label(prop), "cannot be decoded", where=f"line {prop.line}")
        return self.finish()

    def text(self, prop: Property) -> str:
        return unescape(prop.decoded_text()).strip()

    def property(self, prop: Property) -> None:
        handler = self.HANDLERS.get(prop.name)
        if handler is not None:
            handler(self, prop)
        elif not prop.raw.strip():
            return  # an empty property: nothing to keep, nothing lost
        elif prop.name in BINARY:
            prop.decoded_bytes()  # raises UndecodableValue for a photo or key that cannot be decoded
            self.row.leave_out(_label(prop), NOT_KEPT)
        elif prop.name in NOT_KEPT_LABELS:
            label = self.card.group_label(prop)  # Apple's "Anniversary" for an X-ABDATE
            detail = f"{label}: {self.text(prop)}" if label else self.text(prop)
            self.row.leave_out(NOT_KEPT_LABELS[prop.name], NOT_KEPT, detail)
        else:
            self.row.leave_out(prop.name, NOT_KEPT, self.text(prop), group=OTHER_PROPERTY)

    def name(self, prop: Property) -> None:
        family, given = [*components(prop.decoded_text(), lists_joined_by=" "), "", ""][:2]
        if given and not self.row.first_name:
            self.row.first_name, self.row.last_name = given, family
        elif family and not self.row.last_name:
            self.row.last_name = family

    def formatted_name(self, prop: Property) -> None:
        self.full_name = self.full_name or self.text(prop)

    def nickname(self, prop: Property) -> None:
        self.nicknames += list_items(prop.decoded_text())

    def email(self, prop: Property) -> None:
        self.row.emails.append(re.sub(r"^mailto:", "", self.text(prop), flags=re.IGNORECASE))

    def phone(self, prop: Property) -> None:
        self.row.phones.append(_phone(self.text(prop)))

    def organisation(self, prop: Property) -> None:
        self.row.company = self.row.company or components(prop.decoded_text())[0]

    def address(self, prop: Property) -> None:
        parts = [*components(prop.decoded_text(), lists_joined_by=" "), *[""] * 7]
        city, country = parts[3], parts[6]
        if not self.row.location and (city or country):
            self.row.location = ", ".join(filter(None, (city, country)))

    def categories(self, prop: Property) -> None:
        items = (item.lstrip("* ") for item in list_items(prop.decoded_text()))
        self.row.tags += [item for item in items if item and item.lower() not in IGNORED_LABELS]

    def social_profile(self, prop: Property) -> None:
        """Apple's ``X-SOCIALPROFILE;type=linkedin`` is the person's LinkedIn page; others are left out."""
        value = self.text(prop)
        if "linkedin" not in prop.types and "linkedin.com/" not in value.lower():
            self.row.leave_out("social profile", NOT_KEPT, value)
            return
        user = prop.param("X-USER")
        if not value.lower().startswith(("http://", "https://")) and user:
            value = f"https://www.linkedin.com/in/{user}"
        self.linkedin.append(value)

    def birthday(self, prop: Property) -> None:
        try:
            self.row.birthday = read_birthday(self.text(prop), omit_year=prop.param("X-APPLE-OMIT-YEAR"))
        except BirthdayProblem as problem:
            self.row.leave_out("birthday", problem.reason, problem.text)

    def anniversary(self, prop: Property) -> None:
        """``ANNIVERSARY`` (vCard 4) and the X- spellings of Outlook, Evolution and others; Apple's
        ``X-ABDATE`` with its label (an anniversary, or a date the user named)."""
        label = self.card.group_label(prop) if prop.name == "X-ABDATE" else ""
        is_anniversary = prop.name != "X-ABDATE" or label.lower() in ANNIVERSARY_LABELS
        try:
            day = read_yearly_date(self.text(prop), omit_year=prop.param("X-APPLE-OMIT-YEAR"))
        except BirthdayProblem as problem:
            self.row.leave_out(_label(prop), problem.reason, problem.text)
            return
        if day is None:
            return
        if is_anniversary:
            self.row.add_occasion(Occasion.Kind.ANNIVERSARY, day)
        else:
            self.row.add_occasion(Occasion.Kind.OTHER, day, label or "Date")

    HANDLERS = {
        "N": name,
        "FN": formatted_name,
        "NICKNAME": nickname,
        "EMAIL": email,
        "TEL": phone,
        "ORG": organisation,
        "TITLE": lambda self, prop: self.titles.append(self.text(prop)),
        "ROLE": lambda self, prop: self.roles.append(self.text(prop)),
        "NOTE": lambda self, prop: self.notes.append(self.text(prop)),
        "URL": lambda self, prop: self.url(self.text(prop)),
        "X-EVOLUTION-BLOG-URL": lambda self, prop: self.url(self.text(prop)),
        "X-SOCIALPROFILE": social_profile,
        "ADR": address,
        "CATEGORIES": categories,
        "BDAY": birthday,
        "ANNIVERSARY": anniversary,
        "X-ANNIVERSARY": anniversary,
        "X-MS-ANNIVERSARY": anniversary,
        "X-EVOLUTION-ANNIVERSARY": anniversary,
        "X-ABDATE": anniversary,
    }

    def url(self, url: str) -> None:
        (self.linkedin if "linkedin.com/" in url.lower() else self.websites).append(url)

    def finish(self) -> ImportRow:
        row = self.row
        if not row.first_name and self.full_name:
            row.first_name, _, rest = self.full_name.partition(" ")
            row.last_name = rest.strip() or row.last_name
        nicknames = list(dict.fromkeys(self.nicknames))
        if not row.first_name and not row.last_name and nicknames:
            row.first_name = nicknames.pop(0)  # a card with only a nickname is still someone
        for nickname in nicknames:
            row.leave_out("nickname", NOT_KEPT, nickname)
        row.job_title = next(filter(None, self.titles), "") or next(filter(None, self.roles), "")
        row.notes = "\n".join(note for note in self.notes if note)
        row.website_url = self.one_url(self.websites, "website")
        row.linkedin_url = self.one_url(self.linkedin, "LinkedIn URL")
        return row

    def one_url(self, urls: list[str], label: str) -> str:
        """The first usable URL; the others are named (netcrm keeps one website and one LinkedIn page)."""
        urls = list(dict.fromkeys(url for url in urls if url))
        if len(urls) == 1:
            return urls[0]  # clean_row names it if it is not a URL
        usable = [url for url in urls if is_url(url)]
        for url in urls:
            if url not in usable:
                self.row.leave_out(label, "not a URL", url)
        for url in usable[1:]:
            self.row.leave_out(label, "only one is kept", url)
        return usable[0] if usable else ""


def row_from_card(card: Card) -> ImportRow:
    return _CardReader(card).read()


def _phone(value: str) -> str:
    """``tel:+1-418-656-9254;ext=102`` (vCard 4.0's tel URIs) → ``+1-418-656-9254 ext. 102``."""
    value = re.sub(r"^tel:", "", value.strip(), flags=re.IGNORECASE)
    number, _, params = value.partition(";")
    if "=" not in params:
        return value
    extension = next((p.split("=", 1)[1] for p in params.split(";") if p.lower().startswith("ext=")), "")
    return f"{number} ext. {extension}" if extension else number
