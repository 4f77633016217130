"""pneumo: entry point. Only routes; every page lives in pages/."""

import streamlit as st

st.set_page_config(page_title="pneumo: chest X-ray second opinion", page_icon="🫁", layout="wide")
st.navigation([st.Page("pages/read.py", title="Read X-ray", icon="🩻", default=True)]).run()
