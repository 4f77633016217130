"""pneumo: entry point. Only routes; every page lives in app_pages/, and which pages a visitor gets
(sign-in first, when it is configured) is decided in ui/navigation."""

import streamlit as st

from ui.navigation import pages

st.set_page_config(page_title="pneumo: chest X-ray second opinion", page_icon="🫁", layout="wide")
st.navigation(pages()).run()
