"""Uploaded bytes to text, or a clear refusal.

Spreadsheet apps and address books write CSV and vCard in a handful of encodings: UTF-8
(with or without the byte-order mark Excel adds), UTF-16 (Excel's "Unicode text", Outlook)
and Windows-1252 (older Excel on Windows). Anything else — or binary data — is refused
with a message the user can act on.
"""

from __future__ import annotations

import codecs


class ImportFileError(ValueError):
    """The whole file cannot be imported; the message says why, in the user's words."""


def _looks_like_utf16_without_bom(raw: bytes) -> str | None:
    sample = raw[:4000]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > half * 0.4 and even_nuls < half * 0.05:
        return "utf-16-le"
    if even_nuls > half * 0.4 and odd_nuls < half * 0.05:
        return "utf-16-be"
    return None


def decode_upload(raw: bytes) -> tuple[str, str]:
    """Return ``(text, encoding name)``; raise ``ImportFileError`` when it is not text we can read."""
    if not raw.strip():
        raise ImportFileError("The file is empty.")
    if raw.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif utf16 := _looks_like_utf16_without_bom(raw):
        candidates = [utf16]
    else:
        candidates = ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or _control_ratio(text) > 0.01:
            break
        return text.lstrip("\ufeff"), encoding
    raise ImportFileError(
        "This file is not readable text. Save it as CSV (UTF-8) or vCard and upload it again; "
        "UTF-8, UTF-16 and Windows-1252 are understood."
    )


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f\v")
    return controls / max(len(sample), 1)
