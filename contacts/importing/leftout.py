"""Values an import leaves out of a contact, and why: per row, and counted for the whole file.

A value that cannot be used (a website that is not a URL, an impossible birthday, a photo that
cannot be decoded, a property netcrm has no field for) never costs the person their place in
the import; it is left out and named, so the preview can say so before anything is written:
"website left out: not a URL" on the row, "12 fields left out: 9 websites not a URL, 3
birthdays impossible" above the rows.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

NOT_KEPT = "not kept in netcrm"
OTHER_PROPERTY = "other property"
ROW_ITEMS_SHOWN = 20
SUMMARY_GROUPS_SHOWN = 6

_PLURALS = {
    "company": "companies",
    "how we met": "how we met",
    "where we met": "where we met",
    "notes": "notes",
    "related person": "related people",
    "property": "properties",
    OTHER_PROPERTY: "other properties",
}


def plural(noun: str, count: int) -> str:
    if count == 1:
        return noun
    if noun in _PLURALS:
        return _PLURALS[noun]
    if noun.endswith("address"):
        return noun + "es"
    return noun + "s"


@dataclasses.dataclass(frozen=True)
class LeftOut:
    """One value left out of one row. ``label`` names it as a person would ("website", "photo",
    "X-ABDATE"); ``group`` is what the file summary counts it under when that is not the label
    ("other property" for the many kinds of property netcrm does not know)."""

    label: str
    reason: str
    detail: str = ""
    group: str = ""

    @property
    def kind(self) -> str:
        return self.group or self.label

    @property
    def text(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.label} left out: {self.reason}{detail}"

    def to_json(self) -> list[str]:
        return [self.label, self.reason, self.detail, self.group]

    @classmethod
    def from_json(cls, data: list[str]) -> LeftOut:
        return cls(*data)


def row_texts(items: list[LeftOut]) -> list[str]:
    """What a preview row says, at most ``ROW_ITEMS_SHOWN`` lines."""
    texts = [item.text for item in items[:ROW_ITEMS_SHOWN]]
    if len(items) > ROW_ITEMS_SHOWN:
        texts.append(f"and {len(items) - ROW_ITEMS_SHOWN} more left out")
    return texts


def summarise(rows) -> dict:
    """For the whole file: how many values are left out, and why, biggest reason first.

    Returns ``{"total": 12, "rows": 10, "text": "12 fields left out: 9 websites not a URL, …",
    "names_from_email": 2, "rows_to_check": 11}``: ``rows`` have values left out, ``names_from_email``
    were named after their address, ``rows_to_check`` is either (``text`` is "" when nothing is left out)."""
    counts: Counter[tuple[str, str]] = Counter()
    names: dict[tuple[str, str], dict[str, None]] = {}
    rows_with = names_from_email = rows_to_check = 0
    for row in rows:
        rows_with += bool(row.left_out)
        names_from_email += row.name_from_email
        rows_to_check += bool(row.left_out or row.name_from_email)
        for item in row.left_out:
            key = (item.kind, item.reason)
            counts[key] += 1
            if item.kind != item.label:
                names.setdefault(key, {})[item.label] = None
    total = sum(counts.values())
    found = {"names_from_email": names_from_email, "rows_to_check": rows_to_check}
    if not total:
        return {"total": 0, "rows": 0, "text": "", **found}
    parts = []
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    for (group, reason), count in ranked[:SUMMARY_GROUPS_SHOWN]:
        which = list(names.get((group, reason), {}))
        listed = f" ({', '.join(which[:4])}{', …' if len(which) > 4 else ''})" if which else ""
        parts.append(f"{count} {plural(group, count)} {reason}{listed}")
    rest = sum(count for _key, count in ranked[SUMMARY_GROUPS_SHOWN:])
    if rest:
        parts.append(f"{rest} other{'s' if rest != 1 else ''}")
    text = f"{total} {plural('field', total)} left out: {', '.join(parts)}"
    return {"total": total, "rows": rows_with, "text": text, **found}
