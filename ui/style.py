"""The few style rules Streamlit's theme lacks, set once per page run: less empty space above the
page (so a laptop's 768 px hold the film and the answer), headings sized for reading, not for a
poster, and a quiet focus ring on the result keyboard focus moves to. Only CSS (the proxy's
Content-Security-Policy allows inline styles, not scripts)."""

from __future__ import annotations

import streamlit as st

CSS = """<style>
.stMainBlockContainer { padding-top: 2.2rem; padding-bottom: 3rem; }
.stMainBlockContainer h1 { font-size: 2rem; padding-top: 0.4rem; padding-bottom: 0.4rem; }
[data-testid="stMetricValue"] > div { overflow: visible; text-overflow: clip; }
#pneumo-result:focus, #pneumo-case:focus { outline: 2px solid rgba(53, 80, 122, 0.35); outline-offset: 3px; border-radius: 4px; }
</style>"""


def apply() -> None:
    st.html(CSS)
