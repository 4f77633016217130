"""Which pages a visitor gets: before sign-in (when it is configured) or without a pneumo role,
only the sign-in page; otherwise the clinic and model pages. Roles within a page are checked by the
page and by the core."""

from __future__ import annotations

import streamlit as st

from pneumo_core import AccessDenied
from ui.auth import sign_in_configured, signed_in, signed_in_identity


def pages():
    if sign_in_configured():
        try:
            who = signed_in_identity() if signed_in() else None
        except AccessDenied:  # the provider sent no user id: the sign-in page says so
            who = None
        if who is None or not who.may_read:
            return [st.Page("app_pages/sign_in.py", title="Sign in", icon=":material/login:", default=True)]
    return {
        "Clinic": [st.Page("app_pages/read.py", title="Read X-rays", icon=":material/radiology:", default=True),
                   st.Page("app_pages/review.py", title="Review", icon=":material/fact_check:")],
        "Model": [st.Page("app_pages/performance.py", title="Model performance", icon=":material/monitoring:"),
                  st.Page("app_pages/about.py", title="About", icon=":material/info:")],
    }
