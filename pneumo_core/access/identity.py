"""A person using pneumo, as the review log records them, and what their roles let them do.

A *doctor* reads films, saves readings and sees their own readings. A *reviewer* does all that and
also sees everyone's readings, re-reads, comments, marks reviewed and exports. A signed-in identity
comes from the hospital's identity provider (``verified``); a demo identity is a typed name, marked
unverified wherever it is shown or stored.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ..errors import AccessDenied

DOCTOR = "doctor"
REVIEWER = "reviewer"
ROLES = (DOCTOR, REVIEWER)
DEMO_PREFIX = "demo:"  # subject of a typed, unverified name (and of readings saved before sign-in existed)
MAX_NAME = 128  # as the review log's limit on a reader's name


def display_name(name: str) -> str:
    """A name as the provider or the user gave it, without control characters, cut to ``MAX_NAME``."""
    kept = "".join(" " if unicodedata.category(c).startswith("C") else c for c in str(name))
    return " ".join(kept.split())[:MAX_NAME]


def demo_subject(name: str) -> str:
    """The subject a typed name is filed under: the same name, typed again, finds the same readings."""
    return DEMO_PREFIX + " ".join(str(name).split()).lower()


@dataclass(frozen=True)
class Identity:
    """``subject`` is the stable key readings are filed under (``issuer#sub`` for a signed-in user),
    ``name`` what others see, ``roles`` a subset of ``ROLES``, ``verified`` whether the hospital's
    identity provider vouched for it."""

    subject: str
    name: str
    roles: frozenset[str]
    verified: bool
    email: str = ""

    def __post_init__(self):
        unknown = set(self.roles) - set(ROLES)
        if unknown:
            raise ValueError(f"expected roles among {ROLES}; got {sorted(unknown)}")
        if not self.subject or not self.name:
            raise ValueError("an identity needs a subject and a name")

    @classmethod
    def demo(cls, name: str) -> Identity:
        """A typed name in demo mode: unverified, and both roles so that a demo can show every page.
        The name is kept as typed (the review log checks its length and characters when it is saved)."""
        shown = str(name).strip()
        if not shown:
            raise ValueError("the name is empty: enter your name or initials")
        return cls(demo_subject(shown), shown, frozenset(ROLES), verified=False)

    @property
    def is_reviewer(self) -> bool:
        return REVIEWER in self.roles

    @property
    def may_read(self) -> bool:
        """May read films and save readings (a doctor, or a reviewer)."""
        return DOCTOR in self.roles or self.is_reviewer

    @property
    def shown(self) -> str:
        """The name as others see it: an unverified one says so."""
        return self.name if self.verified else f"{self.name} (unverified)"

    @property
    def role_title(self) -> str:
        return "Reviewer" if self.is_reviewer else "Doctor" if self.may_read else "No pneumo role"

    def require(self, what: str, reviewer: bool = False) -> None:
        """Refuse, with the reason, an action this identity's roles do not allow."""
        if reviewer and not self.is_reviewer:
            raise AccessDenied(f"{what} is for reviewers; {self.name} is signed in as {self.role_title.lower()}")
        if not self.may_read:
            raise AccessDenied(f"{what} needs a pneumo role (doctor or reviewer); {self.name} has none. "
                               "Ask whoever runs pneumo to give you one")
