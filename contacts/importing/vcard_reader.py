"""vCard text (2.1, 3.0, 4.0) → cards of properties, as tolerant as exporters need.

A line-based reader rather than a strict parser, because real address books write cards
that no strict parser accepts whole: photos whose base64 lines are not folded (macOS, some
phones), ``http\\://`` escapes (Google, Apple), ``PROFILE``/``SOURCE``/``NAME`` lines (Lotus
Notes, RFC 2426), vCard 2.1's bare ``TEL;CELL`` parameters and quoted-printable soft breaks
(Android, Outlook, BlackBerry), lower-case keywords and ``VERSION`` last (old Thunderbird).
Whatever one property gets wrong stays with that property: a line that is not a property is
recorded and skipped, a value that cannot be decoded is reported by ``decoded_text`` /
``decoded_bytes``; the card itself is kept.

Linear and bounded: each physical line is looked at once; a value continued over many lines
is collected in a list and joined once; a property past ``MAX_PROPERTY_CHARS`` stops being
collected (``too_big``) and a card past ``MAX_CARD_CHARS`` stops being read (``too_big``).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import dataclasses
import functools
import quopri
import re
from collections.abc import Iterator

MAX_PROPERTY_CHARS = 1024 * 1024
MAX_CARD_CHARS = 2 * 1024 * 1024
MAX_CARD_PROPERTIES = 2000  # real cards have tens; thousands of tiny ones would only cost memory

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NAME = re.compile(r"^(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)$")
_UP_TO_COLON = re.compile(r'(?:[^":]|"[^"]*")*')  # the part of a line before its first unquoted colon
_BASE64_LINE = re.compile(r"^[A-Za-z0-9+/=\s]+$")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPES = {"n": "\n", "N": "\n"}
_CARET = re.compile(r"\^([n'^])")  # RFC 6868 escapes in parameter values
_CARETS = {"n": "\n", "'": '"', "^": "^"}
_BARE_ENCODINGS = {"QUOTED-PRINTABLE": "QP", "QP": "QP", "BASE64": "B", "B": "B", "8BIT": "", "7BIT": ""}
# Placeholders for escaped separators while a value is split (private-use characters).
_KEEP_BACKSLASH, _KEEP_SEMICOLON, _KEEP_COMMA = "\ue000", "\ue001", "\ue002"


class UndecodableValue(ValueError):
    """A property's value whose encoding does not hold (truncated base64, say)."""


@dataclasses.dataclass
class Property:
    line: int
    group: str  # "item1" in "item1.EMAIL" (Apple, Google), else ""
    name: str  # upper case
    params: dict[str, list[str]]  # parameter names upper case; 2.1's bare values under TYPE/ENCODING
    parts: list[str] = dataclasses.field(default_factory=list)
    size: int = 0
    too_big: bool = False
    soft_break: bool = False  # quoted-printable text whose last line ended with "="

    def add(self, text: str) -> None:
        self.soft_break = text.endswith("=") and self.encoding == "QP"
        if self.too_big:
            return
        self.size += len(text) + 1  # as in the file: its lines and their breaks
        if self.size > MAX_PROPERTY_CHARS:
            self.too_big, self.parts = True, []
            return
        self.parts.append(text[:-1] if self.soft_break else text)

    @property
    def raw(self) -> str:
        return "".join(self.parts)

    def param(self, name: str) -> str:
        values = self.params.get(name)
        return values[0] if values else ""

    @property
    def types(self) -> set[str]:
        return {value.lower() for value in self.params.get("TYPE", ())}

    @functools.cached_property
    def encoding(self) -> str:
        """ "QP" (quoted-printable), "B" (base64) or "" (the text as it is)."""
        return _BARE_ENCODINGS.get(self.param("ENCODING").upper(), "")

    @property
    def charset(self) -> str:
        name = self.param("CHARSET") or "utf-8"
        try:
            return codecs.lookup(name).name
        except LookupError:
            return "utf-8"

    def decoded_bytes(self) -> bytes:
        """The value as bytes, base64 (``ENCODING=b``, a ``data:`` URI) or quoted-printable undone."""
        raw = self.raw
        if self.encoding == "QP":
            return quopri.decodestring(raw.encode(self.charset, "replace"))
        if self.encoding == "B" or raw[:5].lower() == "data:":
            data = "".join((raw.split(",", 1)[1] if raw[:5].lower() == "data:" else raw).split())
            data += "=" * (-len(data) % 4) if len(data) % 4 != 1 else ""  # some writers drop the padding
            try:
                return base64.b64decode(data, validate=True)
            except (binascii.Error, ValueError):
                raise UndecodableValue(self.name) from None
        return raw.encode("utf-8", "replace")

    def decoded_text(self) -> str:
        """The value as text, before vCard's backslash escapes are undone."""
        if not self.encoding:
            return self.raw
        data = self.decoded_bytes()
        try:
            return data.decode(self.charset)
        except UnicodeDecodeError:
            return data.decode("cp1252", "replace")


@dataclasses.dataclass
class Card:
    line: int  # where its BEGIN:VCARD is
    version: str = ""
    properties: list[Property] = dataclasses.field(default_factory=list)
    unreadable_lines: list[int] = dataclasses.field(default_factory=list)
    size: int = 0
    too_big: str = ""  # why it is not read (over MAX_CARD_CHARS or MAX_CARD_PROPERTIES); only its end is looked for
    end_line: int = 0  # 0: the card never ended (no END:VCARD before the next card or the file's end)

    def named(self, name: str) -> list[Property]:
        return [prop for prop in self.properties if prop.name == name]

    def group_label(self, prop: Property) -> str:
        """Apple's and Google's label for a grouped property (``item1.X-ABLabel:_$!<Other>!$_`` → Other)."""
        if not prop.group:
            return ""
        for other in self.properties:
            if other.group == prop.group and other.name == "X-ABLABEL":
                return other.raw.strip().removeprefix("_$!<").removesuffix(">!$_")
        return ""


def read_cards(text: str) -> Iterator[Card]:
    """Every card of ``text``, in order; text outside cards is ignored."""
    card: Card | None = None
    current: Property | None = None
    nested = 0  # depth inside an AGENT card embedded in a vCard 2.1 card (skipped)
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        stripped_upper = line.strip().upper() if len(line) < 40 else ""
        if card is None:
            if stripped_upper == "BEGIN:VCARD":
                card, current = Card(line=number), None
            continue
        card.size += len(line) + 1
        if card.size > MAX_CARD_CHARS and not card.too_big:
            card.too_big, card.properties, current = f"over {MAX_CARD_CHARS // (1024 * 1024)} MB", [], None
        if nested:
            nested += {"BEGIN:VCARD": 1, "END:VCARD": -1}.get(stripped_upper, 0)
            continue
        if card.too_big:  # only its end is looked for
            if stripped_upper in ("BEGIN:VCARD", "END:VCARD"):
                card.end_line = number if stripped_upper == "END:VCARD" else 0
                yield card
                card = Card(line=number) if stripped_upper == "BEGIN:VCARD" else None
            continue
        if current is not None and _continues(current, line, stripped_upper, card.version):
            continue
        current = None
        if not stripped_upper and not line.strip():
            continue
        if stripped_upper == "END:VCARD":
            card.end_line = number
            yield card
            card = None
        elif stripped_upper == "BEGIN:VCARD":
            if card.properties and card.properties[-1].name == "AGENT" and not card.properties[-1].raw.strip():
                nested = 1  # vCard 2.1 writes an agent's card inside the card
                continue
            yield card  # it never ended
            card = Card(line=number)
        elif len(card.properties) + len(card.unreadable_lines) >= MAX_CARD_PROPERTIES:
            card.too_big, card.properties, current = f"more than {MAX_CARD_PROPERTIES:,} lines long", [], None
            card.unreadable_lines = []
        elif (prop := parse_property_line(line, number)) is None:
            card.unreadable_lines.append(number)
        else:
            card.properties.append(prop)
            current = prop
            if prop.name == "VERSION":
                card.version = prop.raw.strip()
    if card is not None:
        yield card


def _continues(current: Property, line: str, stripped_upper: str, version: str) -> bool:
    """Add ``line`` to ``current`` if it continues it (folding, a soft break, bare base64)."""
    if current.soft_break:
        if stripped_upper in ("END:VCARD", "BEGIN:VCARD"):
            return False
        current.add(line)
        return True
    if line[:1] in (" ", "\t"):
        # vCard 2.1 folds as RFC 822 does (the whitespace stays); 3.0 and 4.0 drop one character.
        current.add(line if version == "2.1" else line[1:])
        return True
    if current.encoding == "B" and ":" not in line and line.strip() and _BASE64_LINE.match(line):
        current.add(line)  # base64 lines written without folding whitespace
        return True
    return False


def parse_property_line(line: str, number: int) -> Property | None:
    """``group.NAME;param=value;…:value`` → a ``Property`` (its first line), or None if it is not one."""
    head_end = line.find(":")
    if head_end < 0:
        return None
    if '"' in line[:head_end]:  # a quoted parameter value may hold a colon (4.0: TYPE="a:b")
        quoted_end = _UP_TO_COLON.match(line).end()
        if quoted_end < len(line) and line[quoted_end] == ":":
            head_end = quoted_end
    head, value = line[:head_end], line[head_end + 1 :]
    name_part, *param_parts = _split_outside_quotes(head, ";")
    match = _NAME.match(name_part.strip())
    if not match:
        return None
    params: dict[str, list[str]] = {}
    for part in param_parts:
        part = part.strip()
        if not part:
            continue
        key, equals, values = part.partition("=")
        if equals:
            key = key.strip().upper()
            items = [_param_value(item) for item in _split_outside_quotes(values, ",")]
        else:  # vCard 2.1: TEL;CELL;VOICE, NOTE;QUOTED-PRINTABLE
            key = "ENCODING" if key.upper() in _BARE_ENCODINGS else "TYPE"
            items = [part]
        params.setdefault(key, []).extend(item for item in items if item)
    prop = Property(line=number, group=match[1] or "", name=match[2].upper(), params=params)
    prop.add(value)
    return prop


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    if '"' not in text:
        return text.split(separator)
    parts, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _param_value(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if "^" in value:
        value = _CARET.sub(lambda match: _CARETS[match[1]], value)
    return value.strip()


def unescape(text: str) -> str:
    """vCard's backslash escapes undone: ``\\n`` a line break, ``\\,`` ``\\;`` ``\\:`` ``\\\\`` the character."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda match: _ESCAPES.get(match[1], match[1]), text)


def components(text: str, *, lists_joined_by: str | None = None) -> list[str]:
    """A structured value (N, ADR, ORG) split on its unescaped ``;``. With ``lists_joined_by``,
    the list items inside a component (N's ``Philip,Paul``) are joined by it."""
    protected = text.replace("\\\\", _KEEP_BACKSLASH).replace("\\;", _KEEP_SEMICOLON).replace("\\,", _KEEP_COMMA)
    parts = []
    for part in protected.split(";"):
        if lists_joined_by is not None:
            part = lists_joined_by.join(item.strip() for item in part.split(",") if item.strip())
        part = part.replace(_KEEP_SEMICOLON, ";").replace(_KEEP_COMMA, ",").replace(_KEEP_BACKSLASH, "\\\\")
        parts.append(unescape(part).strip())
    return parts


def list_items(text: str) -> list[str]:
    """A list value (CATEGORIES, NICKNAME) split on its unescaped commas (and 2.1's semicolons)."""
    protected = text.replace("\\\\", _KEEP_BACKSLASH).replace("\\,", _KEEP_COMMA).replace("\\;", _KEEP_SEMICOLON)
    items = re.split(r"[,;]", protected)
    restored = (
        item.replace(_KEEP_COMMA, ",").replace(_KEEP_SEMICOLON, ";").replace(_KEEP_BACKSLASH, "\\\\") for item in items
    )
    return [value for value in (unescape(item).strip() for item in restored) if value]
