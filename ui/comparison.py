"""The Model performance page's comparison section: the published architectures trained and
measured under this app's protocol, from the committed comparison report."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pneumo_core import ModelFileError, comparison
from ui.resources import get_comparison

NOT_RUN = ("These networks have not been trained under this app's protocol yet: that needs a GPU. "
           "`python -m pneumo_core compare` does it (the README says how); until then only the published figures "
           "above are shown, as their authors report them.")


def comparison_section() -> None:
    st.subheader(comparison.TITLE)
    st.markdown(comparison.INTRO)
    try:
        report = get_comparison()
    except ModelFileError as exc:  # the rest of the page stands without it
        st.warning(f"The comparison report could not be read: {exc}. The figures above are unaffected.")
        return
    if report is None or not report.rows:
        st.info(NOT_RUN)
        return
    with st.container(border=True):
        st.markdown("**What it shows.** " + comparison.takeaway(report))
    st.markdown("**On the test films**")
    st.table(pd.DataFrame(comparison.results_rows(report)).set_index("Network"))
    st.plotly_chart(comparison.roc_overlay(report), width="stretch")
    st.markdown("**Size, training and speed**")
    st.table(pd.DataFrame(comparison.cost_rows(report)).set_index("Network"))
    st.markdown("**Where each row comes from**")
    st.table(pd.DataFrame(comparison.provenance_rows(report)).set_index("Network"))
    timing = report.timing
    speed = ("" if not timing else f" Speed: medians of {timing.get('runs', '?')} runs on {timing.get('machine', '?')} "
             f"for one full-resolution film ({timing.get('image', '?')}), all networks in one run; a network whose "
             "weights are not on this machine was timed as an untrained copy of the same size, which runs as fast; "
             "every row without the input gate's learned checks, which add the same few milliseconds to any network.")
    st.caption(f"{report.protocol} {comparison.INITIALISATION}{speed} How to re-run it: `python -m pneumo_core compare --help`.")
