"""Sign in: the only page before the hospital's identity provider has signed the user in (and for a
signed-in user with no pneumo role, the page that says so)."""

from __future__ import annotations

import streamlit as st

from pneumo_core import texts
from ui.auth import signed_in, signed_in_identity
from ui.guard import guarded


@guarded
def page() -> None:
    st.title("pneumo")
    st.caption(texts.INTENDED_USE)
    who = signed_in_identity() if signed_in() else None  # raises AccessDenied (shown) without a user id
    if who is None:
        st.markdown("Sign in with your hospital account to read chest X-rays and see your readings. "
                    "Every reading you save is recorded under the name your account gives.")
        st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login, key="sign-in")
        return
    st.error(f"You are signed in as **{texts.plain(who.name)}**, but your account has no pneumo role (doctor or "
             "reviewer), so nothing here is open to you. Ask whoever runs pneumo to give you one, then sign in again.",
             icon=":material/block:")
    st.button("Sign out", icon=":material/logout:", on_click=st.logout, key="sign-out")


page()
