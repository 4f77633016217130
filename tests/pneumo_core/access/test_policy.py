"""From the identity provider's claims to pneumo's roles, and what each role may do."""

from __future__ import annotations

import pytest

from pneumo_core import AccessDenied, AccessPolicy, Identity
from pneumo_core.access.identity import DOCTOR, REVIEWER

ISS = "http://localhost:3000"


@pytest.mark.parametrize("config, claims, roles", [
    ({}, {"sub": "a", "roles": ["doctor"]}, {DOCTOR}),
    ({}, {"sub": "c", "roles": ["doctor", "reviewer"]}, {DOCTOR, REVIEWER}),
    ({}, {"sub": "c", "roles": "reviewer"}, {REVIEWER}),
    ({}, {"sub": "v"}, set()),
    ({}, {"sub": "v", "roles": ["nurse"]}, set()),
    ({"role_claim": "groups", "doctor_role": "radiology", "reviewer_role": "radiology-leads"},
     {"sub": "g", "groups": "radiology,radiology-leads"}, {DOCTOR, REVIEWER}),
    ({"role_claim": "groups"}, {"sub": "g", "roles": ["reviewer"]}, set()),  # only the configured claim counts
    ({"reviewers": ["Chen@Example.org"]}, {"sub": "c", "email": "chen@example.org"}, {REVIEWER}),
    ({"doctors": "a b"}, {"sub": "a"}, {DOCTOR}),
], ids=["doctor", "both", "string-claim", "no-claim", "other-role", "groups", "wrong-claim", "by-email", "by-sub"])
def test_roles_from_claims_or_configuration(config, claims, roles):
    assert AccessPolicy.from_mapping(config).identity({"iss": ISS, **claims}).roles == roles


def test_signed_in_identity_is_verified_and_keyed_by_issuer_and_subject():
    who = AccessPolicy().identity({"iss": ISS, "sub": "ahmed", "name": "Dr\x07 A.\n Ahmed", "email": "a@x.org"})
    assert (who.subject, who.name, who.email, who.verified, who.shown) == \
           (f"{ISS}#ahmed", "Dr A. Ahmed", "a@x.org", True, "Dr A. Ahmed")
    assert AccessPolicy().identity({"sub": "s" * 300}).name == "s" * 128  # no name claim: the subject, cut


@pytest.mark.parametrize("config, error", [
    ({"reviewer": ["x"]}, "unknown"),  # a typo must not silently withhold or grant a role
    ({"role_claims": "groups"}, "unknown"),
], ids=["typo-list", "typo-claim"])
def test_configuration_typos_are_refused(config, error):
    with pytest.raises(ValueError, match=error):
        AccessPolicy.from_mapping(config)


def test_no_subject_is_refused():
    with pytest.raises(AccessDenied, match="no user id"):
        AccessPolicy().identity({"iss": ISS, "name": "Someone"})


def test_demo_identity_is_unverified_and_may_do_everything():
    who = Identity.demo("  Dr Demo ")
    assert (who.name, who.shown, who.verified, who.is_reviewer, who.subject) == \
           ("Dr Demo", "Dr Demo (unverified)", False, True, "demo:dr demo")
    with pytest.raises(ValueError, match="name is empty"):
        Identity.demo("   ")


@pytest.mark.parametrize("roles, reviewer, allowed", [
    ({DOCTOR}, False, True), ({DOCTOR}, True, False), ({DOCTOR, REVIEWER}, True, True),
    ({REVIEWER}, False, True), (set(), False, False), (set(), True, False),
])
def test_require(roles, reviewer, allowed):
    who = Identity("s", "Dr S", frozenset(roles), verified=True)
    if allowed:
        who.require("Something", reviewer=reviewer)
    else:
        with pytest.raises(AccessDenied, match="Something"):
            who.require("Something", reviewer=reviewer)


def test_unknown_roles_are_refused():
    with pytest.raises(ValueError, match="roles among"):
        Identity("s", "Dr S", frozenset({"admin"}), verified=True)
