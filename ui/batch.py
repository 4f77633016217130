"""The Read page's batch: the files a user uploaded in this session, kept as read results (display
copy, model input, probability) so the batch and the open case survive a visit to another page.
The uploaded bytes themselves are released as soon as they are read: the uploader is reset and the
files are removed from Streamlit's upload store, so the server does not hold a 190 MB upload for
the rest of the session."""

from __future__ import annotations

import logging

import streamlit as st

from pneumo_core import ReadImage
from ui import state
from ui.reading import saved_readings

log = logging.getLogger("pneumo.app")
MAX_FILES = 100  # in one session's batch; more are refused with a message


def images() -> dict[str, ReadImage]:
    """The batch, oldest first: upload digest -> its read result."""
    return st.session_state.setdefault(state.READ_IMAGES, {})


def uploader_key() -> str:
    """The uploader's key; a new one after each read gives an empty uploader (Streamlit has no other
    way to clear it)."""
    return f"{state.UPLOADS}-{st.session_state.get(state.UPLOADER_GENERATION, 0)}"


def release(uploads) -> None:
    """Forget the uploaded files: a fresh, empty uploader next run, and their bytes dropped from
    Streamlit's upload store now (it otherwise keeps them until the session ends). The store is
    reached through Streamlit's runtime; if that ever fails, the bytes go at the session's end."""
    st.session_state[state.UPLOADER_GENERATION] = st.session_state.get(state.UPLOADER_GENERATION, 0) + 1
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx, store = get_script_run_ctx(), Runtime.instance().uploaded_file_mgr
        for upload in uploads:
            store.remove_file(ctx.session_id, upload.file_id)
    except Exception as exc:  # noqa: BLE001 -- no runtime (tests) or an internal change: never fail a read
        log.info("uploads not released from Streamlit's store now (%s); they go when the session ends",
                 type(exc).__name__)


def add(results: list[ReadImage]) -> None:
    """Put read results in the batch (a file already there, or twice among ``results``, is kept once)."""
    batch = images()
    for r in results:
        batch.setdefault(r.digest, r)


def remove(digests) -> None:
    batch = images()
    for digest in digests:
        batch.pop(digest, None)


def unsaved() -> list[ReadImage]:
    """Images in the batch the model read and nobody has saved a reading for yet."""
    saved = saved_readings()
    return [r for r in images().values() if r.ok and r.assessment is not None and r.assessment.labelled
            and r.digest not in saved]
