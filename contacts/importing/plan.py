"""The preview: what importing a parsed file would do, row by row, before anything is written.

A ``Plan`` is plain JSON-able data so it can be stored on an import job, shown page by
page, and recomputed at confirm time against the data as it is then (``apply`` does).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable

from ..occasions import YEAR_UNKNOWN
from .formats import ParsedFile
from .leftout import row_texts, summarise
from .matching import Matcher, phone_key
from .rows import FILL_ONLY_FIELDS, NAME_FROM_EMAIL, TEXT_FIELDS, ImportRow, normalize_linkedin_url

NEW = "new"
UPDATE = "update"
UNCHANGED = "unchanged"
DUPLICATE = "duplicate"
ERROR = "error"
ACTIONS = {
    NEW: "New",
    UPDATE: "Matches, would change",
    UNCHANGED: "Already there",
    DUPLICATE: "Repeated in the file",
    ERROR: "Error",
}
LEFT_OUT = "left_out"  # not an action: the rows (of any action) with values left out or a guessed name
PROGRESS_EVERY = 1000

Progress = Callable[[int, int], None]


@dataclasses.dataclass
class Plan:
    entries: list[dict]
    left_out: dict = dataclasses.field(default_factory=lambda: summarise([]))  # for the whole file

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(entry["action"] for entry in self.entries)
        return {action: counted.get(action, 0) for action in ACTIONS}

    def to_json(self) -> dict:
        return {"entries": self.entries, "counts": self.counts, "left_out": self.left_out}


def _changes(row: ImportRow, existing: dict, matched_by: str) -> dict[str, list]:
    changes = {}
    for field in (*TEXT_FIELDS, "birthday"):
        new, old = getattr(row, field), existing[field]
        if not new or new == old:
            continue
        if field in FILL_ONLY_FIELDS and old:
            continue
        if field in ("first_name", "last_name") and (
            row.name_from_email or new.casefold() == (old or "").casefold()
        ):  # a name made up from the address never replaces the one the person has
            continue
        if field == "linkedin_url" and normalize_linkedin_url(new) == normalize_linkedin_url(old):
            continue
        if field == "birthday" and old and new.year == YEAR_UNKNOWN and (new.month, new.day) == (old.month, old.day):
            continue  # the file does not know the year the contact has
        changes[field] = [_jsonable(old), _jsonable(new)]
    return changes


def _jsonable(value):
    return value.isoformat() if hasattr(value, "isoformat") else (value or "")


def build_plan(*, owner, parsed: ParsedFile, progress: Progress | None = None) -> Plan:
    """Classify every row of ``parsed`` against ``owner``'s contacts. Reads only; a few queries."""
    matcher = Matcher(owner)
    entries: list[dict] = []
    line_of_contact: dict[int, int] = {}  # an existing contact already matched, by which line
    total = parsed.total
    for index, row in enumerate(parsed.rows):
        entry = {"line": row.line, "row": index, "name": row.full_name, "company": row.company}
        if row.left_out:
            entry["left_out"] = row_texts(row.left_out)
        if row.name_from_email:
            entry["flags"] = [NAME_FROM_EMAIL]
        match = matcher.find(row)
        if match is None:
            entry.update(action=NEW, emails=row.emails[:3], job_title=row.job_title)
            matcher.remember_new(row)
        elif match.duplicate_of_line is not None:
            entry.update(action=DUPLICATE, message=f"same {match.matched_by} as line {match.duplicate_of_line}")
        elif match.contact_id in line_of_contact:
            entry.update(action=DUPLICATE, message=f"the same contact as line {line_of_contact[match.contact_id]}")
        else:
            line_of_contact[match.contact_id] = row.line
            contact_id = match.contact_id
            existing = matcher.contacts[contact_id]
            have_emails = {e.lower() for e in matcher.emails.get(contact_id, [])}
            have_phones = {phone_key(p) for p in matcher.phones.get(contact_id, [])}
            entry.update(
                contact_id=contact_id,
                matched_by=match.matched_by,
                existing_name=f"{existing['first_name']} {existing['last_name']}".strip(),
                changes=_changes(row, existing, match.matched_by),
                add_emails=[e for e in row.emails if e.lower() not in have_emails],
                add_phones=[p for p in row.phones if phone_key(p) not in have_phones],
                add_occasions=[o for o in row.occasions if o not in matcher.occasions.get(contact_id, [])],
                email_position=len(have_emails),
                phone_position=len(have_phones),
            )
            additions = entry["add_emails"] or entry["add_phones"] or entry["add_occasions"]
            entry["action"] = UPDATE if entry["changes"] or additions else UNCHANGED
        entries.append(entry)
        if progress and index % PROGRESS_EVERY == 0:
            progress(index, total)
    entries += [{"line": e.line, "action": ERROR, "message": e.message, "name": e.name} for e in parsed.errors]
    entries.sort(key=lambda entry: entry["line"])
    return Plan(entries=entries, left_out=summarise(parsed.rows))
