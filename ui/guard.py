"""A page never shows a traceback: an unexpected error becomes a plain message, logged server-side."""

from __future__ import annotations

import functools
import logging

import streamlit as st

from pneumo_core import AccessDenied, ModelFileError, ReviewLogError
from ui import style
from ui.auth import demo_banner

log = logging.getLogger("pneumo.app")


def guarded(page):
    """Run a page under the demo-mode banner (when sign-in is not configured); any unexpected error
    becomes an ``st.error`` (logged with its traceback server-side)."""
    @functools.wraps(page)
    def run():
        try:
            style.apply()
            demo_banner()
            page()
        except AccessDenied as exc:
            log.warning("access refused: %s", exc)
            st.error(f"Not open to you: {exc}.", icon=":material/block:")
        except ModelFileError as exc:
            st.error(f"The model could not be loaded: {exc}. Ask whoever installed pneumo to restore the "
                     "`models/` folder from the repository.")
        except ReviewLogError as exc:
            log.error("review log refused: %s", exc)
            st.error(f"The review log cannot be used: {exc}. Nothing was changed in it.")
        except Exception:  # noqa: BLE001 -- the last line of defence; st.stop/st.rerun are BaseExceptions
            log.exception("unexpected error on page %s", page.__name__)
            st.error("Something went wrong on this page and it was stopped. Nothing you saved is lost: "
                     "saved readings are in the review log. Reload the page and try again; if it happens "
                     "again, tell the pneumo maintainers what you did just before.")
    return run
