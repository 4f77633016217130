"""Free text in the review log (readers' names, notes, comments): checked the same way whatever
the database, so that what SQLite accepts PostgreSQL accepts too, and made safe for a spreadsheet.

- A name is 1–``MAX_NAME`` characters (the schema's column), one line, no control characters.
- A note or comment is at most ``MAX_NOTE`` characters; line breaks and tabs are kept, other control
  characters (NUL among them, which PostgreSQL refuses) are refused; Windows line ends become ``\\n``.
- ``csv_cell``: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  is prefixed with a single quote, as OWASP recommends against CSV (formula) injection, so that a
  spreadsheet shows it as text instead of running it.
"""

from __future__ import annotations

import re

MAX_NAME = 128
MAX_NOTE = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")  # all but tab, line feed, carriage return
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def clean_name(name: str, what: str = "The reader's name") -> str:
    """``name`` stripped, or ``ValueError`` saying what is wrong with it."""
    if not isinstance(name, str):
        raise ValueError(f"{what} must be text; got {type(name).__name__}")
    name = name.strip()
    if not name:
        raise ValueError(f"{what} is empty; enter a name or initials")
    if len(name) > MAX_NAME:
        raise ValueError(f"{what} is {len(name)} characters long; at most {MAX_NAME} are kept")
    if "\t" in name or "\n" in name or "\r" in name or _CONTROL.search(name):
        raise ValueError(f"{what} contains a line break, tab or invisible control character; enter it on one line")
    return name


def clean_note(note: str, what: str = "The note") -> str:
    """``note`` with Windows line ends made ``\\n`` and outer blanks stripped, or ``ValueError``."""
    if not isinstance(note, str):
        raise ValueError(f"{what} must be text; got {type(note).__name__}")
    note = note.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(note) > MAX_NOTE:
        raise ValueError(f"{what} is {len(note)} characters long; at most {MAX_NOTE} are kept")
    if _CONTROL.search(note):
        raise ValueError(f"{what} contains an invisible control character (such as a NUL byte); remove it or "
                         "type the text again")
    return note


def csv_cell(value):
    """A value for a CSV export: text that a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
