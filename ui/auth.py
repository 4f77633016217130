"""Who is using the app. With sign-in configured (an ``[auth]`` section in
``.streamlit/secrets.toml``, as Streamlit documents for ``st.login``), the user is whoever the
hospital's OpenID Connect provider signed in, with the roles ``[pneumo_access]`` grants; without it
the app runs in demo mode, where a typed name is recorded and marked unverified everywhere."""

from __future__ import annotations

import logging

import streamlit as st

from pneumo_core import MAX_NAME, AccessDenied, AccessPolicy, Identity, texts
from ui import state
from ui.widgets import persist

log = logging.getLogger("pneumo.app")
ACCESS_SECTION = "pneumo_access"  # the roles' settings in secrets.toml
DEMO_VIEWER = "Demo visitor"  # who lists readings in demo mode before a name is typed


def sign_in_configured() -> bool:
    """Whether the deployment configured sign-in (secrets.toml has an ``[auth]`` section)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 -- no secrets file at all: demo mode
        return False


def signed_in() -> bool:
    return bool(st.user.get("is_logged_in"))


def policy() -> AccessPolicy:
    section = st.secrets.get(ACCESS_SECTION) or {}
    return AccessPolicy.from_mapping(section.to_dict() if hasattr(section, "to_dict") else dict(section))


def signed_in_identity() -> Identity | None:
    """The signed-in user, with the roles the policy grants; None when nobody is signed in."""
    if not (sign_in_configured() and signed_in()):
        return None
    return policy().identity(st.user.to_dict())


def identity_ui() -> Identity | None:
    """The sidebar's "who": the signed-in user and a sign-out button, or in demo mode a typed name.
    Returns the identity to record (None in demo mode until a name is typed)."""
    if sign_in_configured():
        who = signed_in_identity()
        if who is not None:
            st.sidebar.markdown(f"Signed in as **{texts.plain(who.name)}**  \n{who.role_title}")
            st.sidebar.button("Sign out", icon=":material/logout:", on_click=st.logout, key="sign-out")
        return who
    key, copy = persist(state.READER, "")
    name = st.sidebar.text_input("Your name or initials (demo mode: not verified)", key=key, on_change=copy,
                                 max_chars=MAX_NAME, help=texts.DEMO_NAME_HELP).strip()
    return Identity.demo(name) if name else None


def viewer(who: Identity | None) -> Identity:
    """Whose readings a page lists: the user; in demo mode before a name is typed, a demo visitor
    (demo mode grants every role, so the list is the same). With sign-in configured, nobody signed in
    is refused, whatever page was asked for."""
    if who is not None:
        return who
    if sign_in_configured():
        raise AccessDenied("sign in first: saved readings are shown only to signed-in doctors and reviewers")
    return Identity.demo(DEMO_VIEWER)


def demo_banner() -> None:
    """Said on every page while sign-in is not configured."""
    if not sign_in_configured():
        st.warning(f"{texts.DEMO_BANNER} {texts.DEMO_BANNER_HELP}", icon=":material/science:")
