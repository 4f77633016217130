"""Keyboard use without the mouse: after an upload or a save, focus goes to the result instead of
the top of the page; Enter or Space opens a table row. Streamlit has no API for either, so a small
script does it (``keyboard.js``). The proxy's Content-Security-Policy allows inline scripts only by
hash: this script's text never changes at run time (what to focus travels in a data attribute
beside it), and ``deploy/nginx/render.py`` puts its SHA-256 in the policy."""

from __future__ import annotations

import html
from pathlib import Path

import streamlit as st

from . import state

SCRIPT = (Path(__file__).with_name("keyboard.js")).read_text(encoding="utf-8")
RESULT = "#pneumo-result"  # the big label of the open image (``widgets.label_ui(..., anchor=True)``)
CASE = "#pneumo-case"  # the heading of the case opened on the Review page
TABLE = '[data-testid="stDataFrame"] [data-testid="data-grid-canvas"]'  # the batch table's grid (not its toolbar)


def focus_next_run(target: str) -> None:
    """Ask for focus on ``target`` (a CSS selector) once, in the next run of the page."""
    st.session_state[state.FOCUS] = target


def keyboard_ui() -> None:
    """Render the script (last on the page, so its target exists), with the focus asked for, if any.
    Each request is numbered: the browser runs the script again only when this element changes, and
    two saves in a row ask for the same target."""
    target = st.session_state.pop(state.FOCUS, "")
    if target:
        st.session_state[state.FOCUS_COUNT] = st.session_state.get(state.FOCUS_COUNT, 0) + 1
    marker = (f'<div data-pneumo-focus="{html.escape(target, quote=True)}" '
              f'data-request="{st.session_state.get(state.FOCUS_COUNT, 0)}" hidden></div>')
    st.html(f"{marker}<script>{SCRIPT}</script>", unsafe_allow_javascript=True)
