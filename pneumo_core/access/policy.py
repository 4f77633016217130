"""From the identity provider's claims to a pneumo ``Identity``: who the user is and which roles
they have, by a claim (e.g. ``roles`` or ``groups``) and/or by a list of e-mail addresses or
subjects in pneumo's configuration (``[pneumo_access]`` in ``.streamlit/secrets.toml``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..errors import AccessDenied
from .identity import DOCTOR, REVIEWER, Identity, display_name


def _values(value) -> set[str]:
    """A claim's or setting's values: a list, or one string of values separated by spaces or commas."""
    if value is None:
        return set()
    if isinstance(value, str):
        return {v for v in re.split(r"[\s,]+", value) if v}
    if isinstance(value, Iterable):
        return {str(v) for v in value}
    return {str(value)}


@dataclass(frozen=True)
class AccessPolicy:
    """How roles are found: ``role_claim`` names the claim holding them, ``doctor_role`` and
    ``reviewer_role`` the claim values that grant them; ``doctors`` and ``reviewers`` grant them to
    e-mail addresses or subjects directly. A signed-in user with neither role may not use pneumo."""

    role_claim: str = "roles"
    doctor_role: str = DOCTOR
    reviewer_role: str = REVIEWER
    doctors: frozenset[str] = frozenset()
    reviewers: frozenset[str] = frozenset()

    KEYS = ("role_claim", "doctor_role", "reviewer_role", "doctors", "reviewers")

    @classmethod
    def from_mapping(cls, config: Mapping | None) -> AccessPolicy:
        """The policy from the ``[pneumo_access]`` settings; unknown keys are refused (a typo would
        otherwise silently grant or withhold a role)."""
        config = dict(config or {})
        unknown = set(config) - set(cls.KEYS)
        if unknown:
            raise ValueError(f"unknown [pneumo_access] settings {sorted(unknown)}; expected some of {cls.KEYS}")
        lists = {k: frozenset(v.lower() for v in _values(config.pop(k))) for k in ("doctors", "reviewers") if k in config}
        return cls(**{k: str(v) for k, v in config.items()}, **lists)

    def roles_of(self, claims: Mapping) -> frozenset[str]:
        values = _values(claims.get(self.role_claim))
        keys = {str(claims.get(k, "")).lower() for k in ("email", "sub")} - {""}
        roles = set()
        if self.reviewer_role in values or keys & self.reviewers:
            roles.add(REVIEWER)
        if self.doctor_role in values or keys & self.doctors:
            roles.add(DOCTOR)
        return frozenset(roles)

    def identity(self, claims: Mapping) -> Identity:
        """The signed-in user described by the provider's ID-token claims (``st.user``)."""
        sub = str(claims.get("sub") or "").strip()
        if not sub:
            raise AccessDenied("the sign-in service sent no user id ('sub' claim); sign out and in again, "
                               "or ask whoever runs pneumo to check the provider's settings")
        issuer = str(claims.get("iss") or "").strip()
        email = str(claims.get("email") or "").strip()
        name = display_name(claims.get("name") or claims.get("preferred_username") or email or sub) or sub[:128]
        return Identity(f"{issuer}#{sub}" if issuer else sub, name, self.roles_of(claims), verified=True, email=email)
