"""Identities for the tests: signed-in doctors and a reviewer (as the identity provider would vouch
for them), and ``typed`` for a demo-mode name (unverified, both roles)."""

from pneumo_core.access.identity import DOCTOR, REVIEWER, Identity

AHMED = Identity("https://idp.test#ahmed", "Dr A. Ahmed", frozenset({DOCTOR}), verified=True, email="ahmed@example.org")
BAKER = Identity("https://idp.test#baker", "Dr B. Baker", frozenset({DOCTOR}), verified=True, email="baker@example.org")
CHEN = Identity("https://idp.test#chen", "Dr C. Chen", frozenset({DOCTOR, REVIEWER}), verified=True,
                email="chen@example.org")
NOBODY = Identity("https://idp.test#visitor", "A Visitor", frozenset(), verified=True)
LEAD = Identity("https://idp.test#lead", "Test Lead", frozenset({DOCTOR, REVIEWER}), verified=True)  # sees everything


def typed(name: str) -> Identity:
    """A name typed in demo mode."""
    return Identity.demo(name)
