"""pneumo: entry point. Only routes; every page lives in pages/."""

import streamlit as st

st.set_page_config(page_title="pneumo: chest X-ray second opinion", page_icon="🫁", layout="wide")
st.navigation({
    "Clinic": [st.Page("pages/read.py", title="Read X-rays", icon=":material/radiology:", default=True),
               st.Page("pages/review.py", title="Review", icon=":material/fact_check:")],
    "Model": [st.Page("pages/performance.py", title="Model performance", icon=":material/monitoring:"),
              st.Page("pages/about.py", title="About", icon=":material/info:")],
}).run()
