"""Dates as address books, spreadsheets and LinkedIn write them.

``parse_date`` reads a date or says it cannot. ``read_yearly_date`` reads a birthday or an
anniversary, with or without its year, and says why one is not usable (impossible, not a
date), so the import can leave it out and name the reason instead of refusing the person;
``read_birthday`` also refuses a birthday in the future. A date written without its year
(vCard's ``--0315``, Apple's ``X-APPLE-OMIT-YEAR``) is kept in ``YEAR_UNKNOWN``
(contacts.occasions): reminded every year, shown without a year.
"""

from __future__ import annotations

import datetime
import re

from ..occasions import YEAR_UNKNOWN

DATE_FORMATS = ("%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%Y%m%d", "%d.%m.%Y", "%Y/%m/%d")

# Outlook writes "no birthday" as 0/0/00 (CSV) and keeps 1/1/4501 as its empty date.
_OUTLOOK_NO_DATE = re.compile(r"^0?0?[/.-]0?0?[/.-]0{2,4}$|^0?1[/.-]0?1[/.-]4501$")
# Day, month and year written with slashes: 3/14/1879 (Outlook, US) or 14/3/1879 (elsewhere).
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_NUMERIC_YMD = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})$")
_WITHOUT_YEAR = re.compile(r"^--(\d{2})-?(\d{2})$")

APPLE_NO_YEAR = YEAR_UNKNOWN  # Apple's address book stores a birthday without a year in 1604, as netcrm does
NOT_A_DATE = "not a date"
IMPOSSIBLE = "impossible"


class BirthdayProblem(ValueError):
    """A birthday that cannot be kept; ``reason`` is short enough to read in a list."""

    def __init__(self, reason: str, text: str):
        super().__init__(reason)
        self.reason = reason
        self.text = text[:40]


def _slashed(match: re.Match) -> datetime.date:
    first, second, year = int(match[1]), int(match[2]), int(match[3])
    if len(match[3]) == 2:  # a two-digit year is the most recent one not in the future
        year += 2000 if 2000 + year <= datetime.date.today().year else 1900
    # Month first (Outlook's US export) unless the first number cannot be a month.
    month, day = (first, second) if first <= 12 else (second, first)
    return datetime.date(year, month, day)


def parse_date(text: str) -> datetime.date | None:
    """A date as address books and LinkedIn write it; ``None`` if empty; ``ValueError`` if unreadable."""
    text = (text or "").strip()
    if not text or _OUTLOOK_NO_DATE.match(text):
        return None
    if len(text) == 10 and text[4] == "-":
        try:
            return datetime.date.fromisoformat(text)  # the common case, without strptime's cost
        except ValueError:
            pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if match := _SLASHED.match(text):
        try:
            return _slashed(match)
        except ValueError:
            pass
    raise ValueError(f"“{text[:40]}” is not a date we can read (try 2021-03-05)")


def read_yearly_date(text: str, *, omit_year: str = "") -> datetime.date | None:
    """The birthday or anniversary ``text`` names (in YEAR_UNKNOWN when written without a
    year), ``None`` when there is none, else ``BirthdayProblem``.

    ``omit_year`` is the year an Apple card marks as "no year" (``X-APPLE-OMIT-YEAR=1604``)."""
    text = (text or "").strip()
    if not text or _OUTLOOK_NO_DATE.match(text):
        return None
    if match := _WITHOUT_YEAR.match(text):
        try:
            return datetime.date(YEAR_UNKNOWN, int(match[1]), int(match[2]))
        except ValueError:
            raise BirthdayProblem(IMPOSSIBLE, text) from None
    day_part = text.split("T", 1)[0] if text[:1].isdigit() else text  # 1980-04-01T08:00:00Z: the day
    if omit_year and omit_year.isdigit() and day_part.startswith(omit_year):
        day_part = f"{YEAR_UNKNOWN}{day_part[len(omit_year) :]}"
    try:
        day = parse_date(day_part)
    except ValueError:
        raise BirthdayProblem(_impossible_or_unreadable(day_part), text) from None
    if day is not None and day.year < 1800 and day.year != YEAR_UNKNOWN:
        raise BirthdayProblem(IMPOSSIBLE, text)
    return day


def read_birthday(text: str, *, omit_year: str = "") -> datetime.date | None:
    """``read_yearly_date`` for a birthday: one in the future is impossible too."""
    born = read_yearly_date(text, omit_year=omit_year)
    if born is not None and born.year != YEAR_UNKNOWN and born > datetime.date.today():
        raise BirthdayProblem(IMPOSSIBLE, text.strip())  # a day either side of midnight does not matter
    return born


def _impossible_or_unreadable(text: str) -> str:
    """A date-shaped text whose numbers do not make a day (1990-02-30, 13/13/1990) is impossible."""
    if _NUMERIC_YMD.match(text) or _SLASHED.match(text) or re.match(r"^\d{1,2}\.\d{1,2}\.\d{4}$", text):
        return IMPOSSIBLE
    return NOT_A_DATE
