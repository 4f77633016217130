"""File names in an archive's results: any name a file system holds, as text a Parquet file can store.

Old archives hold names that are not valid UTF-8 (Latin-1 "M\\xdcLLER.dcm"); Python keeps their bytes
as surrogates, which Parquet refuses. Such a name is stored with its bytes as ``\\xNN`` escapes and
found again from them.
"""

from __future__ import annotations

import os
from pathlib import Path


def display_name(name: str) -> str:
    """``name`` as text that can be stored: undecodable bytes (kept by Python as surrogates) as ``\\xNN``."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def path_of(root: Path, file: str) -> Path:
    """The file a ``display_name`` names under ``root`` (``\\xNN`` escapes back to their bytes)."""
    if "\\x" not in file:
        return root / file
    try:  # unicode_escape reads other bytes as Latin-1, which encode("latin-1") gives back unchanged
        candidate = root / os.fsdecode(file.encode("utf-8").decode("unicode_escape").encode("latin-1"))
    except (UnicodeError, ValueError):  # a real backslash in the name, not one of ours
        return root / file
    return candidate if candidate.exists() else root / file
