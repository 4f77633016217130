"""Streamlit helpers the pages share: session-state keys (``state``), resources cached per process
(``resources``), the error guard (``guard``) and widgets (``widgets``). Imports streamlit and
``pneumo_core``'s public API only."""
